//! The report of missed and late signings per unit and week: the counts of each day and of
//! the week, the list of occasions missed or signed late (with the signer, how late, and who
//! was called), who may read it (a care worker is refused, audited), each client named audited,
//! the page and its CSV, a bad week; and a week across the change to summer time.

use axum::http::{StatusCode, header};
use jiff::civil::{Date, Time, date};
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::delegation::{IsoWeek, NotGivenReason, SigningOutcome};
use vaka_domain::ids::SigningId;
use vaka_service::delegation::prescriptions::PrescriptionInput;
use vaka_service::delegation::signing::SigningInput;
use vaka_service::{Ctx, RequestMeta};
use vaka_store::AuditQuery;

use super::{
    MONDAY, at, cli, delegation_to, given, license, occasion, prescribe, refusal, scheduled, sign,
    valid_delegation,
};
use crate::db_tests;
use crate::support::{TestApp, logged_in};
use crate::world::World;

/// Week 48 of 2026: Monday 23 to Sunday 29 November.
const W48: &str = "2026-W48";

/// The entries of `signing.report` with `outcome`.
async fn report_entries(app: &TestApp, outcome: Outcome) -> usize {
    let mut r = app.store.begin_read().await.unwrap();
    r.search_audit(&AuditQuery {
        action: Some(AuditAction::SigningReportRead),
        limit: 100,
        ..AuditQuery::default()
    })
    .await
    .unwrap()
    .into_iter()
    .filter(|e| e.new.outcome == outcome)
    .count()
}

/// Insulin at 08:00 and 20:00 for a client of A1 through week 48, read on Wednesday 10:00:
/// Monday's morning in time and its evening late; Tuesday's morning not given and its evening
/// missed (the nurse and the unit manager called); Wednesday's morning in time, the rest of
/// the week pending. Another unit's client is not in it. A care worker is refused (audited);
/// the manager's read audits the client named. The page, its CSV and a bad week.
async fn a_units_week_of_missed_and_late_signings(app: TestApp) {
    let w = World::build(&app).await;
    let s = &app.services;
    let meta = RequestMeta::default();
    let nurse = w.p("a_nurse");
    let staff = w.p("a_staff");
    license(&app, &w, nurse).await;
    valid_delegation(
        &app,
        nurse,
        delegation_to(&w, "insulin", staff, date(2027, 5, 31)),
        staff,
    )
    .await;
    let p = prescribe(
        &app,
        nurse,
        w.client_a1,
        scheduled("insulin", &[at(8, 0), at(20, 0)]),
    )
    .await;
    // A2's client: never in A1's report.
    prescribe(
        &app,
        nurse,
        w.client_a2,
        scheduled("medication", &[at(12, 0)]),
    )
    .await;
    let tuesday = date(2026, 11, 24);
    let wednesday = date(2026, 11, 25);

    app.clock.set("2026-11-23T07:10:00Z".parse().unwrap());
    sign(
        &app,
        staff,
        given(SigningId::new(), &occasion(p, MONDAY, at(8, 0))),
    )
    .await
    .unwrap();
    // 22:30 local, 90 minutes after the window closed: late, 150 minutes after 20:00.
    app.clock.set("2026-11-23T21:30:00Z".parse().unwrap());
    let late = sign(
        &app,
        staff,
        given(SigningId::new(), &occasion(p, MONDAY, at(20, 0))),
    )
    .await
    .unwrap();
    assert!(late.signing.late);
    app.clock.set("2026-11-24T07:20:00Z".parse().unwrap());
    sign(
        &app,
        staff,
        SigningInput {
            outcome: SigningOutcome::NotGiven,
            not_given_reason: Some(NotGivenReason::Refused),
            ..given(SigningId::new(), &occasion(p, tuesday, at(8, 0)))
        },
    )
    .await
    .unwrap();
    app.clock.set("2026-11-25T07:05:00Z".parse().unwrap());
    sign(
        &app,
        staff,
        given(SigningId::new(), &occasion(p, wednesday, at(8, 0))),
    )
    .await
    .unwrap();
    // Wednesday 10:00: the scan calls the nurse and the unit manager for Tuesday's evening.
    app.clock.set("2026-11-25T09:00:00Z".parse().unwrap());
    let scan = s.scan_missed_signings().await.unwrap();
    assert!(scan.calls.len() >= 2, "{scan:?}");

    let week: IsoWeek = W48.parse().unwrap();
    // A care worker signs, but does not follow the unit up: refused, and the refusal audited.
    let st = cli(&app, staff).await;
    let r = s
        .signing_week_report(&Ctx::new(&st, &meta), w.a1, week)
        .await;
    assert_eq!(refusal(r), ("forbidden", "delegation-may-not-oversee"));
    assert_eq!(report_entries(&app, Outcome::Denied).await, 1);
    assert_eq!(report_entries(&app, Outcome::Success).await, 0);

    let mgr = cli(&app, w.p("a_unitmgr")).await;
    let report = s
        .signing_week_report(&Ctx::new(&mgr, &meta), w.a1, week)
        .await
        .unwrap();
    assert_eq!(report.unit.id, w.a1);
    assert_eq!(report.days.len(), 7);
    assert_eq!(report.days[0].0, MONDAY);
    assert_eq!(report.days[6].0, date(2026, 11, 29));
    let day = |i: usize| {
        let c = report.days[i].1;
        (
            c.tally.occasions,
            c.tally.in_time,
            c.tally.late,
            c.tally.missed,
            c.tally.pending,
            c.not_given,
            c.tally.deviations,
        )
    };
    assert_eq!(day(0), (2, 1, 1, 0, 0, 0, 0), "Monday");
    assert_eq!(day(1), (2, 1, 0, 1, 0, 1, 1), "Tuesday");
    assert_eq!(day(2), (2, 1, 0, 0, 1, 0, 0), "Wednesday");
    assert_eq!(day(6), (2, 0, 0, 0, 2, 0, 0), "Sunday");
    let t = report.total;
    assert_eq!(
        (
            t.tally.occasions,
            t.tally.in_time,
            t.tally.late,
            t.tally.missed,
            t.tally.pending,
            t.not_given
        ),
        (14, 3, 1, 1, 9, 1)
    );
    let list: Vec<(Date, Time, &str)> = report
        .lines
        .iter()
        .map(|l| (l.occasion.key.date, l.occasion.key.time, l.kind))
        .collect();
    assert_eq!(
        list,
        vec![(MONDAY, at(20, 0), "late"), (tuesday, at(20, 0), "missed")]
    );
    let late_line = &report.lines[0];
    assert_eq!(late_line.client_name, "Alma Ettan");
    assert_eq!(late_line.task_name, "Insulin");
    assert_eq!(late_line.signer_name.as_deref(), Some("Test a_staff"));
    assert_eq!(late_line.after_due.map(|d| d.as_mins()), Some(150));
    assert_eq!(
        late_line.signing.as_ref().map(|s| s.outcome),
        Some(SigningOutcome::GivenLate)
    );
    assert!(late_line.calls.is_empty());
    let missed = &report.lines[1];
    assert!(missed.signing.is_none() && missed.signer_name.is_none());
    let mut called: Vec<&str> = missed.calls.iter().map(|c| c.name.as_str()).collect();
    called.sort_unstable();
    assert_eq!(called, ["Test a_nurse", "Test a_unitmgr"]);
    // The client named is audited once for the read, through the manager's role.
    let reads = w.audit_about(&app, "signing.report", w.client_a1).await;
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert_eq!(reads[0]["outcome"], "success");
    assert!(
        w.audit_about(&app, "signing.report", w.client_a2)
            .await
            .is_empty()
    );

    // A week with nothing missed or late names no client, and is still on record.
    let next = s
        .signing_week_report(&Ctx::new(&mgr, &meta), w.a1, week.next().unwrap())
        .await
        .unwrap();
    assert!(next.lines.is_empty());
    assert_eq!(next.total.tally.pending, 14);
    assert_eq!(report_entries(&app, Outcome::Success).await, 2);

    // The page (this week by default: week 48), its CSV, a bad week, a care worker.
    let browser = logged_in(&app, w.p("a_unitmgr").id).await;
    let path = format!("/delegation/units/{}/report", w.a1);
    let page = app.get(&path, &browser).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Missade och sena signeringar"));
    assert!(page.body.contains("Vecka 48: 2026-11-23 – 2026-11-29"));
    assert!(page.body.contains("week=2026-W47") && page.body.contains("week=2026-W49"));
    assert!(page.body.contains("150 min efter utsatt tid"));
    assert!(page.body.contains("Test a_nurse"), "who was called");
    let csv = app
        .get(&format!("{path}?week={W48}&format=csv"), &browser)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(csv.body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 7 + 1 + 2, "{}", csv.body);
    assert_eq!(
        rows[7][..9],
        ["week", W48, "14", "3", "1", "1", "9", "1", "1"]
    );
    assert_eq!(rows[8][0], "late");
    assert_eq!(rows[8][14], "Test a_staff");
    assert_eq!(rows[8][16], "150");
    assert_eq!(rows[9][0], "missed");
    assert_eq!(rows[9][12], "Alma Ettan");
    for bad in ["2026-W54", "vecka48", "2026-48", "2026-11-23"] {
        let res = app.get(&format!("{path}?week={bad}"), &browser).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            res.body
        );
        assert!(res.body.contains("ÅÅÅÅ-Wvv"), "{bad}: {}", res.body);
    }
    let res = app
        .get(&format!("{path}?week={W48}&format=pdf"), &browser)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let worker = logged_in(&app, staff.id).await;
    let res = app.get(&path, &worker).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

/// The week of the change to summer time (2027-W12, Sunday 28 March: 23 hours): medication at
/// 00:30 and 02:30 every night. Each occasion counts on its local day (00:30 is the day
/// before's in UTC); Sunday's 02:30 does not exist and is due at 03:30 summer time; left
/// unsigned, it is the week's one missed occasion.
async fn a_week_across_the_change_to_summer_time(app: TestApp) {
    let w = World::build(&app).await;
    let s = &app.services;
    let meta = RequestMeta::default();
    let nurse = w.p("a_nurse");
    let staff = w.p("a_staff");
    license(&app, &w, nurse).await;
    valid_delegation(
        &app,
        nurse,
        delegation_to(&w, "medication", staff, date(2027, 5, 31)),
        staff,
    )
    .await;
    let p = prescribe(
        &app,
        nurse,
        w.client_a1,
        PrescriptionInput {
            instruction: "Sobril 10 mg".into(),
            ..scheduled("medication", &[at(0, 30), at(2, 30)])
        },
    )
    .await;
    let week: IsoWeek = "2027-W12".parse().unwrap();
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
    assert_eq!(week.hours(&tz), 167);
    let sunday = date(2027, 3, 28);
    for day in week.days() {
        for t in [at(0, 30), at(2, 30)] {
            if day == sunday && t == at(2, 30) {
                continue;
            }
            let due = day.to_datetime(t).to_zoned(tz.clone()).unwrap().timestamp();
            app.clock.set(due + jiff::SignedDuration::from_mins(5));
            sign(&app, staff, given(SigningId::new(), &occasion(p, day, t)))
                .await
                .unwrap();
        }
    }
    app.clock.set("2027-03-29T10:00:00Z".parse().unwrap());
    let mgr = cli(&app, w.p("a_unitmgr")).await;
    let report = s
        .signing_week_report(&Ctx::new(&mgr, &meta), w.a1, week)
        .await
        .unwrap();
    for (day, c) in &report.days {
        assert_eq!(c.tally.occasions, 2, "{day}");
    }
    assert_eq!(report.total.tally.occasions, 14);
    assert_eq!(report.total.tally.in_time, 13);
    assert_eq!(report.total.tally.missed, 1);
    assert_eq!(report.total.tally.late, 0);
    assert_eq!(report.lines.len(), 1);
    let missed = &report.lines[0];
    assert_eq!(
        (
            missed.occasion.key.date,
            missed.occasion.key.time,
            missed.kind
        ),
        (sunday, at(2, 30), "missed")
    );
    assert_eq!(
        missed.occasion.due,
        "2027-03-28T01:30:00Z".parse::<jiff::Timestamp>().unwrap(),
        "03:30 summer time"
    );
}

db_tests!(
    a_units_week_of_missed_and_late_signings,
    a_week_across_the_change_to_summer_time,
);

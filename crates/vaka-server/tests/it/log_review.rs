//! Log review (loggranskning, issue 17 part 2): October's access history of the world's units
//! is appended through the audit appender; on 2 November the job makes each unit's review of
//! October. Each rule picks what it should and not what it should not; the unit manager marks
//! every entry (a follow-up needs a note) and cannot sign off while one is unmarked; reviews on
//! request name a user or a client with a reason; an overdue review is escalated once, driven
//! by the test clock.

use axum::http::StatusCode;
use jiff::Timestamp;
use vaka_domain::access::{Credential, Role};
use vaka_domain::audit::{Actor, AuditAction, AuditFlags, NewAuditEntry, Outcome};
use vaka_domain::client::Protection;
use vaka_domain::ids::{ClientId, LogReviewId, UnitId, UserId};
use vaka_domain::log_review::{ReviewKind, ReviewRule};
use vaka_service::admin::CliAccount;
use vaka_service::directory::RoleInput;
use vaka_service::log_review::{ReviewSummary, ReviewView};
use vaka_service::{Ctx, RequestMeta};

use crate::db_tests;
use crate::support::{TestApp, logged_in};
use crate::world::{Person, World, test_client};

db_tests!(
    each_rule_picks_what_it_should_and_not_what_it_should_not,
    the_unit_manager_completes_the_month_with_one_follow_up,
    reviews_on_request_name_a_user_or_a_client_and_a_reason,
    an_overdue_review_is_escalated_once_to_the_system_manager,
    the_demos_unit_manager_has_last_months_review_with_every_rule,
);

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// A read of `client` by `p` through their grant, at `at`.
fn read(p: &Person, client: ClientId, at: &str) -> NewAuditEntry {
    let mut e = NewAuditEntry::new(
        ts(at),
        Actor {
            user_id: Some(p.id),
            username: Some(p.username.clone()),
            role: Some(p.role),
            organisation_id: Some(p.org),
            unit_id: p.unit,
            credential: Some("session:test".into()),
        },
        AuditAction::ClientRead,
        Outcome::Success,
    )
    .client(client);
    e.care_context = Some("homecare".into());
    e
}

async fn summaries(app: &TestApp, user: UserId) -> Vec<ReviewSummary> {
    let p = app
        .services
        .principal_for(user, Credential::Cli)
        .await
        .unwrap();
    let meta = RequestMeta::default();
    app.services
        .log_reviews(&Ctx::new(&p, &meta))
        .await
        .unwrap()
}

async fn view(app: &TestApp, user: UserId, id: LogReviewId) -> ReviewView {
    let p = app
        .services
        .principal_for(user, Credential::Cli)
        .await
        .unwrap();
    let meta = RequestMeta::default();
    app.services
        .log_review(&Ctx::new(&p, &meta), id)
        .await
        .unwrap()
}

/// The monthly review of `unit`, as the system manager sees the list.
async fn review_of(app: &TestApp, w: &World, unit: UnitId) -> ReviewSummary {
    summaries(app, w.p("m_manager").id)
        .await
        .into_iter()
        .find(|r| r.kind == ReviewKind::Monthly && r.unit_id == Some(unit))
        .unwrap_or_else(|| panic!("no review of {unit}"))
}

/// October's history: ordinary daytime reads, and one or more entries per rule.
struct History {
    ordinary: Vec<u64>,
}

async fn october(app: &TestApp, w: &World) -> History {
    let s = &app.services;
    let staff = w.p("a_staff");
    // A protected client of A1, and twenty more ordinary ones for the busy day.
    let protected = ClientId::new();
    s.cli_insert_client(test_client(
        protected,
        "Dora Skyddad",
        "194004049807",
        w.a,
        w.a1,
        Protection::ProtectedRegistration,
    ))
    .await
    .unwrap();
    let mut many = vec![w.client_a1];
    for i in 0..21u32 {
        let id = ClientId::new();
        // Valid personnummer: 1930-01-01 with serial numbers whose check digit is computed.
        let nr = valid_pnr(1930, 1, 1, 100 + i);
        s.cli_insert_client(test_client(
            id,
            &format!("Klient Nummer{i}"),
            &nr,
            w.a,
            w.a1,
            Protection::None,
        ))
        .await
        .unwrap();
        many.push(id);
    }
    // A care worker of A1 who shares Alma Ettan's surname.
    let (relative, _) = s
        .cli_create_user(CliAccount {
            username: "a_relative".into(),
            display_name: "Karin Ettan".into(),
            email: "a_relative@test.se".into(),
            hsa_id: None,
            organisation_id: w.a,
            roles: vec![RoleInput {
                role: Role::CareStaff,
                organisation_id: w.a,
                unit_id: Some(w.a1),
            }],
            password: None,
            totp_secret: None,
        })
        .await
        .unwrap();
    let relative = Person {
        id: relative.id,
        username: "a_relative".into(),
        ..staff.clone()
    };

    let mut e = Vec::new();
    // Ordinary: A1's care worker by day, the night patrol (covering A1) at night.
    for d in 1..=9 {
        e.push(read(staff, w.client_a1, &format!("2026-10-0{d}T08:00:00Z")));
        e.push(read(
            w.p("a_patrol"),
            w.client_a1,
            &format!("2026-10-0{d}T00:30:00Z"),
        ));
    }
    // Emergency access by B1's care worker to Alma (also outside her unit).
    let mut emergency = read(w.p("b_staff"), w.client_a1, "2026-10-10T12:00:00Z");
    emergency.flags.emergency_access = true;
    e.push(emergency);
    // A protected identity.
    let mut p = read(staff, protected, "2026-10-11T09:00:00Z");
    p.flags = AuditFlags {
        protected_identity: true,
        emergency_access: false,
    };
    e.push(p);
    // Outside one's own unit: B1's care worker reads Alma; A1's reads Bertil of A2.
    e.push(read(w.p("b_staff"), w.client_a1, "2026-10-12T10:00:00Z"));
    e.push(read(staff, w.client_a2, "2026-10-12T11:00:00Z"));
    // Many clients: the care worker reads 22 on 13 October (the limit is 20).
    for (i, c) in many.iter().enumerate() {
        e.push(read(staff, *c, &format!("2026-10-13T09:{i:02}:00Z")));
    }
    // Unusual hours: A1's care worker at 23:30 Stockholm (21:30 UTC in summer time).
    e.push(read(staff, w.client_a1, "2026-10-14T21:30:00Z"));
    // Same surname.
    e.push(read(&relative, w.client_a1, "2026-10-15T09:00:00Z"));
    // B1's own: B1's care worker reads Cecilia of B1.
    e.push(read(w.p("b_staff"), w.client_b1, "2026-10-16T09:00:00Z"));
    // September and November are not October's.
    e.push(read(staff, protected, "2026-09-30T21:00:00Z"));
    e.push(read(staff, protected, "2026-10-31T23:30:00Z"));
    s.append_access_history(e).await.unwrap();

    // The ordinary entries' sequence numbers, as the log holds them.
    let ordinary = app
        .get(
            &format!(
                "/api/v1/audit?action=client.read&client_id={}&limit=500",
                w.client_a1
            ),
            &w.p("m_manager").bearer(),
        )
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| {
            let at = x["at"].as_str().unwrap();
            let user = x["actor_username"].as_str().unwrap_or_default();
            (user == "a_staff" && at.ends_with("T08:00:00Z"))
                || (user == "a_patrol" && at.starts_with("2026-10-0"))
        })
        .map(|x| x["seq"].as_u64().unwrap())
        .collect();
    History { ordinary }
}

/// A personnummer with a valid check digit.
fn valid_pnr(y: u32, m: u32, d: u32, serial: u32) -> String {
    let ten = format!("{:02}{m:02}{d:02}{:03}", y % 100, serial % 1000);
    let sum: u32 = ten
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let v = c.to_digit(10).unwrap() * if i % 2 == 0 { 2 } else { 1 };
            v / 10 + v % 10
        })
        .sum();
    format!(
        "{y}{m:02}{d:02}{:03}{}",
        serial % 1000,
        (10 - sum % 10) % 10
    )
}

async fn made_on_2_november(app: &TestApp) {
    app.clock.set(ts("2026-11-02T07:00:00Z"));
    let r = app.services.log_review_job().await.unwrap();
    assert!(r.created >= 2, "{r:?}");
    assert_eq!(r.escalated, 0);
}

async fn each_rule_picks_what_it_should_and_not_what_it_should_not(app: TestApp) {
    let w = World::build(&app).await;
    let history = october(&app, &w).await;
    made_on_2_november(&app).await;
    // The job is idempotent.
    let again = app.services.log_review_job().await.unwrap();
    assert_eq!(again.created, 0);

    let a1 = review_of(&app, &w, w.a1).await;
    assert_eq!(a1.period_from.to_string(), "2026-10-01");
    assert_eq!(a1.period_last.to_string(), "2026-10-31");
    assert_eq!(a1.due_on.to_string(), "2026-11-15");
    assert_eq!(a1.assignees, vec!["Test a_unitmgr".to_owned()]);
    let v = view(&app, w.p("a_unitmgr").id, a1.id).await;
    let with = |rule: ReviewRule| -> Vec<&vaka_service::log_review::ReviewEntryView> {
        v.entries
            .iter()
            .filter(|e| e.rules.contains(&rule))
            .collect()
    };
    let emergency = with(ReviewRule::EmergencyAccess);
    assert_eq!(emergency.len(), 1);
    assert_eq!(emergency[0].actor_username, "b_staff");
    assert!(emergency[0].rules.contains(&ReviewRule::OutsideUnit));
    let protected = with(ReviewRule::ProtectedIdentity);
    assert_eq!(protected.len(), 1, "only October's");
    assert_eq!(protected[0].client, "Dora Skyddad");
    // Outside: B1's worker twice (one under emergency access), A1's reading Bertil of A2. The
    // night patrol, whose unit covers A1, is not outside.
    let outside = with(ReviewRule::OutsideUnit);
    assert_eq!(outside.len(), 3, "{outside:?}");
    assert!(outside.iter().all(|e| e.actor_username != "a_patrol"));
    let many = with(ReviewRule::ManyClients);
    assert_eq!(many.len(), 1);
    assert_eq!(many[0].distinct_clients, Some(22));
    let night = with(ReviewRule::UnusualHours);
    assert_eq!(night.len(), 1, "the patrol works nights: {night:?}");
    assert_eq!(night[0].actor_username, "a_staff");
    let surname = with(ReviewRule::SameSurname);
    assert_eq!(surname.len(), 1);
    assert_eq!(surname[0].actor_username, "a_relative");
    assert_eq!(surname[0].client, "Alma Ettan");
    // Ordinary entries come in only by the sample, and the sample is the setting's size.
    for e in &v.entries {
        if history.ordinary.contains(&e.seq) {
            assert_eq!(e.rules, vec![ReviewRule::Sample], "{e:?}");
        }
    }
    assert_eq!(with(ReviewRule::Sample).len(), 10);
    // B1's own read is not A1's; B1's review has it (and B1's worker's reads outside B1).
    assert!(v.entries.iter().all(|e| e.client != "Cecilia Bee"));
    let b1 = review_of(&app, &w, w.b1).await;
    let vb = view(&app, w.p("m_manager").id, b1.id).await;
    assert!(vb.entries.iter().any(|e| e.client == "Cecilia Bee"));
    assert_eq!(vb.entries.len(), 3);
    // The review's creation is audited, naming whom it is assigned to.
    let created = app
        .get(
            "/api/v1/audit?action=log_review.create&limit=50",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    let created = created.as_array().unwrap();
    assert!(created.iter().any(|e| {
        e["details"]
            .as_str()
            .unwrap()
            .contains(&w.p("a_unitmgr").id.to_string())
    }));
}

/// The rows of a review's page: (seq, data-mark).
fn rows(body: &str) -> Vec<(String, String)> {
    body.split("data-entry=\"")
        .skip(1)
        .map(|s| {
            let seq = s.split('"').next().unwrap().to_owned();
            let mark = s
                .split("data-mark=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned();
            (seq, mark)
        })
        .collect()
}

async fn the_unit_manager_completes_the_month_with_one_follow_up(app: TestApp) {
    let w = World::build(&app).await;
    october(&app, &w).await;
    made_on_2_november(&app).await;
    let id = review_of(&app, &w, w.a1).await.id;
    let um = logged_in(&app, w.p("a_unitmgr").id).await;

    // The list shows it waiting; the start page too.
    let list = app.get("/log-review", &um).await;
    list.assert_says(StatusCode::OK, &format!("data-review=\"{id}\""));
    list.assert_has("data-state=\"open\"");
    app.get("/", &um)
        .await
        .assert_has(&format!("href=\"/log-review/{id}\""));
    // Staff without the audit right may not open it.
    let staff = logged_in(&app, w.p("a_staff").id).await;
    assert_eq!(
        app.get(&format!("/log-review/{id}"), &staff).await.status,
        StatusCode::FORBIDDEN
    );

    let page = app.get(&format!("/log-review/{id}"), &um).await;
    page.assert_says(StatusCode::OK, "Alma Ettan");
    page.assert_has("Nödåtkomst");
    let entries = rows(&page.body);
    assert!(entries.len() > 10, "{entries:?}");
    // Viewing the review is an access to each client it shows.
    let seen = w.audit_about(&app, "log_review.read", w.client_a1).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["actor_username"], "a_unitmgr");

    // Signing off with unmarked entries is refused, naming the rule; nothing is signed.
    let sign = format!("/log-review/{id}/sign");
    app.form(&sign, &um, &[("_form", "review-sign")])
        .await
        .assert_says(
            StatusCode::UNPROCESSABLE_ENTITY,
            "granskningen kan inte signeras förrän varje post är markerad",
        );
    // A follow-up without a note is refused.
    let first = &entries[0].0;
    let mark = |seq: &str| format!("/log-review/{id}/entries/{seq}");
    app.form(
        &mark(first),
        &um,
        &[
            ("_form", &format!("entry-{first}")),
            ("mark", "follow_up"),
            ("note", " "),
        ],
    )
    .await
    .assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "en post som ska följas upp behöver en anteckning",
    );
    // One follow-up with a note, the rest OK.
    let res = app
        .form(
            &mark(first),
            &um,
            &[
                ("mark", "follow_up"),
                ("note", "Fråga varför journalen lästes."),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    for (seq, _) in &entries[1..entries.len() - 1] {
        let res = app.form(&mark(seq), &um, &[("mark", "ok")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    // One left: still refused, saying how many.
    app.form(&sign, &um, &[("_form", "review-sign")])
        .await
        .assert_says(StatusCode::UNPROCESSABLE_ENTITY, "1 post är inte markerade");
    let last = &entries.last().unwrap().0;
    app.form(&mark(last), &um, &[("mark", "ok")]).await;
    let res = app.form(&sign, &um, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location(),
        Some(format!("/log-review/{id}?ok=log-review-signed-ok").as_str())
    );
    // Signed: read-only.
    let page = app.get(&format!("/log-review/{id}"), &um).await;
    page.assert_has("Fråga varför journalen lästes.");
    assert!(!page.body.contains(&format!("action=\"{sign}\"")));
    let marks = rows(&page.body);
    assert_eq!(marks.iter().filter(|m| m.1 == "follow_up").count(), 1);
    assert!(marks.iter().all(|m| !m.1.is_empty()));
    app.form(&mark(last), &um, &[("mark", "follow_up"), ("note", "x")])
        .await
        .assert_says(StatusCode::CONFLICT, "granskningen är signerad");
    // The quarterly summary: one review, on time, with one follow-up.
    let list = app.get("/log-review", &um).await;
    list.assert_has("data-quarter=\"2026-Q4\"");
    let q = list.body.split("data-quarter=\"2026-Q4\"").nth(1).unwrap();
    let cells: Vec<&str> = q
        .split("<td>")
        .skip(1)
        .take(8)
        .map(|c| c.split("</td>").next().unwrap())
        .collect();
    assert_eq!(
        cells[2..],
        ["1", &entries.len().to_string(), "1", "1", "0", "0"]
    );
    // The marks and the sign-off are audited.
    let signed = app
        .get(
            "/api/v1/audit?action=log_review.sign&limit=5",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    assert_eq!(signed.as_array().unwrap().len(), 1, "{signed}");
    assert!(
        signed[0]["details"]
            .as_str()
            .unwrap()
            .contains("\"follow_ups\":1")
    );
}

async fn reviews_on_request_name_a_user_or_a_client_and_a_reason(app: TestApp) {
    let w = World::build(&app).await;
    october(&app, &w).await;
    app.clock.set(ts("2026-11-02T07:00:00Z"));
    let um = logged_in(&app, w.p("a_unitmgr").id).await;
    let request = |fields: Vec<(&'static str, String)>| {
        let mut all = vec![("_form", "review-request".to_owned())];
        all.extend(fields);
        all
    };
    let send = async |fields: Vec<(&'static str, String)>| {
        let f = request(fields);
        let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.form("/log-review/requests", &um, &refs).await
    };
    let period = || {
        vec![
            ("from", "2026-10-01".to_owned()),
            ("to", "2026-10-31".to_owned()),
        ]
    };
    // Neither a user nor a client; both; no reason; a user outside one's units.
    let mut f = period();
    f.push(("reason", "Misstanke".into()));
    send(f.clone()).await.assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "ange antingen en användare",
    );
    let mut both = f.clone();
    both.push(("username", "a_staff".into()));
    both.push(("personnummer", "193001019805".into()));
    send(both).await.assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "ange antingen en användare",
    );
    let mut no_reason = period();
    no_reason.push(("username", "a_staff".into()));
    send(no_reason).await.assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "ange varför granskningen behövs",
    );
    let mut outsider = f.clone();
    outsider.push(("username", "b_staff".into()));
    send(outsider).await.assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "det finns ingen sådan användare bland dina enheter",
    );
    let mut backwards = vec![
        ("from", "2026-10-31".to_owned()),
        ("to", "2026-10-01".to_owned()),
        ("reason", "Misstanke".to_owned()),
        ("username", "a_staff".to_owned()),
    ];
    backwards.push(("_x", String::new()));
    send(backwards)
        .await
        .assert_says(StatusCode::UNPROCESSABLE_ENTITY, "perioden måste sluta");

    // A user: every one of her October reads.
    let mut user = f.clone();
    user.push(("username", "a_staff".into()));
    let res = send(user).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let reviews = summaries(&app, w.p("a_unitmgr").id).await;
    let by_user = reviews
        .iter()
        .find(|r| r.kind == ReviewKind::OnRequest)
        .unwrap();
    assert_eq!(by_user.reason.as_deref(), Some("Misstanke"));
    // 9 ordinary, 1 protected, 1 outside, 22 on the busy day, 1 at night.
    assert_eq!(by_user.entries, 34);
    let v = view(&app, w.p("a_unitmgr").id, by_user.id).await;
    assert_eq!(v.subject.as_deref(), Some("a_staff"));
    assert!(
        v.entries
            .iter()
            .any(|e| e.rules == vec![ReviewRule::Requested])
    );
    assert!(
        v.entries
            .iter()
            .any(|e| e.rules.contains(&ReviewRule::UnusualHours))
    );
    // A client: Alma's October.
    let mut client = f.clone();
    client.push(("personnummer", "19300101-9805".into()));
    let res = send(client).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get(res.location().unwrap(), &um).await;
    page.assert_says(StatusCode::OK, "Alma Ettan (193001019805)");
    page.assert_has("Misstanke");
    // Another unit manager's request is not hers to see; the system manager sees it.
    assert!(
        summaries(&app, w.p("m_manager").id)
            .await
            .iter()
            .filter(|r| r.kind == ReviewKind::OnRequest)
            .count()
            == 2
    );
}

async fn an_overdue_review_is_escalated_once_to_the_system_manager(app: TestApp) {
    let w = World::build(&app).await;
    october(&app, &w).await;
    made_on_2_november(&app).await;
    let id = review_of(&app, &w, w.a1).await.id;
    // On the due day it is not overdue.
    app.clock.set(ts("2026-11-15T20:00:00Z"));
    assert_eq!(app.services.log_review_job().await.unwrap().escalated, 0);
    let manager = logged_in(&app, w.p("m_manager").id).await;
    assert!(
        !app.get("/", &manager)
            .await
            .body
            .contains(&format!("/log-review/{id}"))
    );
    // The assessor is the system owner (a role without the right to read the log).
    let res = app
        .form(
            "/governance/roles",
            &manager,
            &[
                ("_form", "assign"),
                ("role", "system_owner"),
                ("username", "m_assessor"),
                ("from", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let owner = logged_in(&app, w.p("m_assessor").id).await;
    assert!(
        !app.get("/", &owner)
            .await
            .body
            .contains("eskalerats till dig")
    );
    // The day after, it is escalated, once.
    app.clock.set(ts("2026-11-16T06:00:00Z"));
    let r = app.services.log_review_job().await.unwrap();
    assert!(r.escalated >= 1, "{r:?}");
    assert_eq!(app.services.log_review_job().await.unwrap().escalated, 0);
    let summary = review_of(&app, &w, w.a1).await;
    assert!(summary.overdue);
    assert_eq!(summary.escalated_at, Some(ts("2026-11-16T06:00:00Z")));
    // The system manager's start page shows it; the escalation names them.
    let manager = logged_in(&app, w.p("m_manager").id).await;
    let home = app.get("/", &manager).await;
    home.assert_says(StatusCode::OK, "Försenade loggranskningar");
    home.assert_has(&format!("href=\"/log-review/{id}\""));
    let esc = app
        .get(
            "/api/v1/audit?action=log_review.escalate&limit=50",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    let esc = esc.as_array().unwrap();
    assert!(
        esc.iter().any(|e| e["details"]
            .as_str()
            .unwrap()
            .contains(&w.p("m_manager").id.to_string())),
        "{esc:?}"
    );
    // The system owner's start page says which unit's review of which month is late, without
    // a way into the log.
    let owner = logged_in(&app, w.p("m_assessor").id).await;
    let home = app.get("/", &owner).await;
    home.assert_says(
        StatusCode::OK,
        "Loggranskningen av A1 för 2026-10 är inte klar (skulle vara klar 2026-11-15) och har eskalerats till dig som systemägare",
    );
    assert!(!home.body.contains(&format!("/log-review/{id}")));
    assert!(
        esc.iter().any(|e| e["details"]
            .as_str()
            .unwrap()
            .contains(&w.p("m_assessor").id.to_string())),
        "{esc:?}"
    );
    // The list shows it overdue and escalated.
    let um = logged_in(&app, w.p("a_unitmgr").id).await;
    let list = app.get("/log-review", &um).await;
    list.assert_has("data-state=\"overdue\"");
    list.assert_has("Eskalerad 2026-11-16 07:00");
}

/// `vaka demo` seeds last month's history of Hemtjänst Centrum through the appender and makes
/// the month's review for its manager: each rule picks at least one entry, the chain verifies.
async fn the_demos_unit_manager_has_last_months_review_with_every_rule(app: TestApp) {
    vaka_server::demo::seed(&app.services, "http://127.0.0.1:9")
        .await
        .unwrap();
    let eva = {
        let mut tx = app.store.begin_read().await.unwrap();
        tx.get_user_by_username("unitmanager")
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let reviews = summaries(&app, eva).await;
    let centrum = reviews
        .iter()
        .find(|r| r.unit == "Hemtjänst Centrum" && r.kind == ReviewKind::Monthly)
        .expect("Centrum's review");
    assert!(centrum.may_review);
    // (On the test clock, 22 November, October's review is past its due day.)
    assert_eq!(centrum.period_from.to_string(), "2026-10-01");
    let v = view(&app, eva, centrum.id).await;
    for rule in [
        ReviewRule::EmergencyAccess,
        ReviewRule::ProtectedIdentity,
        ReviewRule::OutsideUnit,
        ReviewRule::ManyClients,
        ReviewRule::UnusualHours,
        ReviewRule::SameSurname,
        ReviewRule::Sample,
    ] {
        assert!(
            v.entries.iter().any(|e| e.rules.contains(&rule)),
            "{rule:?}: {:?}",
            v.entries
        );
    }
    assert!(v.entries.len() < 60, "{}", v.entries.len());
    assert!(matches!(
        app.services.verify_audit().await.unwrap(),
        vaka_service::audit::Verification::Intact { .. }
    ));
}

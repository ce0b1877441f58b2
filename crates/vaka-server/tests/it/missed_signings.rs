//! Missed signings (`vaka_service::delegation::missed`), on both databases, with the test
//! clock: the scan calls the prescribing nurse and the unit manager once the window has
//! closed (not before, each once over repeated scans), a later step of the unit's ladder only
//! after its minutes, never for a signed occasion; each call audited. The live overview is
//! refused to a care worker and shows the nurse and the manager the occasion with its client
//! and who was called. The e-mail reaches a real SMTP server (PyPI's aiosmtpd) naming the
//! unit, task and time, never the client. Renewal reminders of delegations ending within 30
//! days go to both parties once, by the same way.

use std::collections::BTreeSet;
use std::io::BufRead;

use jiff::Timestamp;
use jiff::civil::{Date, Time, date, time};
use serde_json::Value;
use vaka_domain::access::Credential;
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::delegation::signing::SignedTarget;
use vaka_domain::delegation::{
    CompetenceCheck, CompetenceMethod, Delegation, DelegationTerms, EscalationLadder,
    EscalationStep, OccasionKey, Prescription, PrescriptionTerms, Recipient, Scope, Signing,
    SigningDraft, SigningOutcome, SigningWindow, TaskTypeCode, Validity, default_task_types,
};
use vaka_domain::ids::{DelegationId, PrescriptionId, SigningId, UnitId, UserId};
use vaka_service::delegation::missed::{MissedCall, ScanReport};
use vaka_service::{Ctx, RequestMeta, ServiceError};
use vaka_store::{AuditQuery, DbInstant};

use crate::db_tests;
use crate::support::{TestApp, captured_logs};
use crate::world::World;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// A Monday in November: Stockholm is UTC+1, so 08:00 local is 07:00Z.
const DAY: Date = date(2026, 11, 23);

/// The prescriptions of the tests: insulin for Alma Ettan (unit A1) at `times` on `DAY` only,
/// by the nurse, signed from 30 minutes before until 60 after.
async fn prescribe(app: &TestApp, w: &World, times: &[Time]) -> Prescription {
    let p = Prescription {
        id: PrescriptionId::new(),
        client_id: w.client_a1,
        prescribed_by: w.p("a_nurse").id,
        terms: PrescriptionTerms {
            task_type: TaskTypeCode::parse("insulin").unwrap(),
            instruction: "Novorapid 4 E s.c.".into(),
            times: times.to_vec(),
            as_needed: false,
            start: DAY,
            end: Some(DAY),
            window: SigningWindow {
                before_minutes: 30,
                after_minutes: 60,
            },
        },
        created_at: ts("2026-11-22T10:00:00Z"),
        ended_on: None,
    };
    let mut tx = app.store.begin().await.unwrap();
    for t in default_task_types() {
        tx.upsert_task_type(&t).await.unwrap();
    }
    tx.insert_prescription(&p).await.unwrap();
    tx.commit(&[]).await.unwrap();
    p
}

fn key(p: &Prescription, t: Time) -> OccasionKey {
    OccasionKey {
        prescription_id: p.id,
        date: DAY,
        time: t,
    }
}

/// Signs an occasion (through the store: the signing's own rules are tested elsewhere).
async fn sign(app: &TestApp, w: &World, p: &Prescription, t: Time, at: &str) {
    let staff = w.p("a_staff").id;
    let d = Delegation {
        id: DelegationId::new(),
        terms: DelegationTerms {
            task_type: p.terms.task_type.clone(),
            delegator: p.prescribed_by,
            recipient: staff,
            unit_id: w.a1,
            scope: Scope::WholeUnit,
            validity: Validity::Period {
                from: date(2026, 11, 20),
                to: date(2027, 5, 19),
            },
            competence: Some(CompetenceCheck {
                methods: vec![CompetenceMethod::Teaching],
                checked_on: date(2026, 11, 20),
                note: None,
            }),
        },
        decided_at: ts("2026-11-20T09:00:00Z"),
        delegator_signed_at: Some(ts("2026-11-20T09:00:00Z")),
        recipient_signed_at: Some(ts("2026-11-20T09:05:00Z")),
        events: vec![],
    };
    let s = Signing {
        id: SigningId::new(),
        target: SignedTarget::Occasion(key(p, t)),
        client_id: p.client_id,
        signer: staff,
        delegation_id: d.id,
        draft: SigningDraft {
            outcome: SigningOutcome::Given,
            not_given_reason: None,
            note: None,
        },
        outcome: SigningOutcome::Given,
        late: false,
        flagged: false,
        signed_at: ts(at),
        received_at: ts(at),
        effect_note: None,
        effect_noted_at: None,
    };
    let mut tx = app.store.begin().await.unwrap();
    tx.insert_delegation(&d).await.unwrap();
    tx.insert_signing(&s).await.unwrap();
    tx.commit(&[]).await.unwrap();
}

async fn scan_at(app: &TestApp, at: &str) -> ScanReport {
    app.clock.set(ts(at));
    app.services.scan_missed_signings().await.unwrap()
}

fn called(r: &ScanReport) -> BTreeSet<(UserId, u32)> {
    r.calls.iter().map(|c| (c.recipient, c.step)).collect()
}

/// The calls audited so far, as (recipient, occasion).
async fn audited_calls(app: &TestApp, w: &World) -> Vec<(String, String)> {
    let mut r = app.store.begin_read().await.unwrap();
    let entries = r
        .search_audit(&AuditQuery {
            action: Some(AuditAction::MissedSigningCalled),
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    let mut out: Vec<(String, String)> = entries
        .iter()
        .map(|e| {
            assert_eq!(e.new.outcome, Outcome::Success);
            assert_eq!(e.new.client_id, Some(w.client_a1));
            assert_eq!(e.new.subject_kind.as_deref(), Some("occasion"));
            let d: Value = serde_json::from_str(e.new.details.as_deref().unwrap()).unwrap();
            (
                d["recipient"].as_str().unwrap().to_owned(),
                e.new.subject_id.clone().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The prescribing nurse and the unit manager are called once the window has closed — not
/// before, not when it closes this very second — each once however often the scan runs, with
/// what their e-mail needs and nothing of the client; each call audited.
async fn the_scan_calls_the_nurse_and_the_manager_after_the_window(app: TestApp) {
    let w = World::build(&app).await;
    let p = prescribe(&app, &w, &[time(8, 0, 0, 0)]).await;
    let (nurse, manager) = (w.p("a_nurse").id, w.p("a_unitmgr").id);

    // Due 07:00Z, its window closes at 08:00Z.
    assert_eq!(
        scan_at(&app, "2026-11-23T07:30:00Z").await,
        ScanReport::default()
    );
    assert_eq!(
        scan_at(&app, "2026-11-23T08:00:00Z").await,
        ScanReport::default(),
        "the window closes now: not yet missed"
    );
    let r = scan_at(&app, "2026-11-23T08:00:30Z").await;
    assert_eq!(r.missed, 1);
    assert_eq!(
        called(&r),
        BTreeSet::from([(nurse, 0), (manager, 0)]),
        "{r:?}"
    );
    let to_nurse = r.calls.iter().find(|c| c.recipient == nurse).unwrap();
    assert_eq!(
        *to_nurse,
        MissedCall {
            key: key(&p, time(8, 0, 0, 0)),
            step: 0,
            recipient: nurse,
            email: "a_nurse@test.se".into(),
            unit_name: Some("A1".into()),
            task_type: TaskTypeCode::parse("insulin").unwrap(),
            task_name: "Insulin".into(),
            date: DAY,
            time: time(8, 0, 0, 0),
            due: ts("2026-11-23T07:00:00Z"),
            called_at: ts("2026-11-23T08:00:30Z"),
        }
    );
    assert_eq!(
        r.calls
            .iter()
            .find(|c| c.recipient == manager)
            .unwrap()
            .email,
        "a_unitmgr@test.se"
    );

    // Later scans call nobody again.
    for at in ["2026-11-23T08:01:00Z", "2026-11-23T12:00:00Z"] {
        let again = scan_at(&app, at).await;
        assert_eq!(again.missed, 1);
        assert!(again.calls.is_empty(), "{again:?}");
    }
    let occasion = key(&p, time(8, 0, 0, 0)).to_string();
    assert_eq!(
        audited_calls(&app, &w).await,
        {
            let mut v = vec![
                (manager.to_string(), occasion.clone()),
                (nurse.to_string(), occasion.clone()),
            ];
            v.sort();
            v
        },
        "one entry per call"
    );

    // Tomorrow the occasion is yesterday's, still missed, still not called again; the day
    // after, it is out of the scan.
    let r = scan_at(&app, "2026-11-24T06:00:00Z").await;
    assert_eq!((r.missed, r.calls.len()), (1, 0));
    assert_eq!(
        scan_at(&app, "2026-11-25T06:00:00Z").await,
        ScanReport::default()
    );
}

/// A unit's ladder: its second step calls a named person only after its minutes have passed,
/// and once; a person who is not active is never called.
async fn a_later_step_calls_a_named_person_after_its_minutes(app: TestApp) {
    let w = World::build(&app).await;
    let p = prescribe(&app, &w, &[time(8, 0, 0, 0)]).await;
    let (nurse, manager) = (w.p("a_nurse").id, w.p("a_unitmgr").id);
    let duty = w.p("a_patrol").id;
    let ladder = EscalationLadder {
        steps: vec![
            EscalationStep {
                after_minutes: 0,
                recipients: vec![Recipient::PrescribingPerson, Recipient::UnitManager],
            },
            EscalationStep {
                after_minutes: 30,
                recipients: vec![Recipient::User(duty)],
            },
        ],
    };
    let mut tx = app.store.begin().await.unwrap();
    tx.set_escalation_ladder(
        w.a1,
        &ladder,
        manager,
        DbInstant::new(ts("2026-11-22T10:00:00Z")),
    )
    .await
    .unwrap();
    tx.commit(&[]).await.unwrap();

    let r = scan_at(&app, "2026-11-23T08:01:00Z").await;
    assert_eq!(called(&r), BTreeSet::from([(nurse, 0), (manager, 0)]));
    assert!(
        scan_at(&app, "2026-11-23T08:29:59Z").await.calls.is_empty(),
        "the second step waits for its 30 minutes"
    );
    let r = scan_at(&app, "2026-11-23T08:30:00Z").await;
    assert_eq!(called(&r), BTreeSet::from([(duty, 1)]));
    assert_eq!(r.calls[0].email, "a_patrol@test.se");
    assert!(scan_at(&app, "2026-11-23T09:00:00Z").await.calls.is_empty());
    assert_eq!(audited_calls(&app, &w).await.len(), 3);

    // A second occasion the same day, when the named person has left: the others are called,
    // they are not.
    let later = prescribe(&app, &w, &[time(12, 0, 0, 0)]).await;
    let admin = app
        .services
        .principal_for(w.p("m_admin").id, Credential::Cli)
        .await
        .unwrap();
    let meta = RequestMeta::default();
    app.services
        .deactivate_user(&Ctx::new(&admin, &meta), duty)
        .await
        .unwrap();
    let r = scan_at(&app, "2026-11-23T13:00:00Z").await;
    assert_eq!(
        r.calls
            .iter()
            .map(|c| (c.recipient, c.key))
            .collect::<BTreeSet<_>>(),
        BTreeSet::from([
            (nurse, key(&later, time(12, 0, 0, 0))),
            (manager, key(&later, time(12, 0, 0, 0))),
        ]),
        "the 12:00 occasion is past both steps; the deactivated person is left out"
    );
    let _ = p;
}

/// A signed occasion is never called; the unsigned one beside it is.
async fn a_signed_occasion_is_not_called(app: TestApp) {
    let w = World::build(&app).await;
    let p = prescribe(&app, &w, &[time(8, 0, 0, 0), time(9, 0, 0, 0)]).await;
    sign(&app, &w, &p, time(8, 0, 0, 0), "2026-11-23T07:05:00Z").await;
    let r = scan_at(&app, "2026-11-23T09:30:00Z").await;
    assert_eq!(r.missed, 1);
    assert_eq!(r.calls.len(), 2);
    assert!(
        r.calls.iter().all(|c| c.key == key(&p, time(9, 0, 0, 0))),
        "{r:?}"
    );
    // Signed late, after the calls: nothing more to call, and nothing missed any more.
    sign(&app, &w, &p, time(9, 0, 0, 0), "2026-11-23T09:40:00Z").await;
    assert_eq!(
        scan_at(&app, "2026-11-23T10:00:00Z").await,
        ScanReport::default()
    );
}

async fn overview(
    app: &TestApp,
    w: &World,
    who: &str,
    unit: Option<UnitId>,
) -> Result<Vec<vaka_service::delegation::missed::MissedSigning>, ServiceError> {
    let principal = app
        .services
        .principal_for(w.p(who).id, Credential::Cli)
        .await
        .unwrap();
    let meta = RequestMeta::default();
    app.services
        .missed_signings(&Ctx::new(&principal, &meta), unit)
        .await
}

/// The live overview: refused (and audited) for a care worker; the nurse and the unit manager
/// see the missed occasion with its client, task, time and who was called when; the manager
/// not for another unit; a signing takes it off.
async fn the_overview_is_for_the_nurse_and_the_manager(app: TestApp) {
    let w = World::build(&app).await;
    let p = prescribe(&app, &w, &[time(8, 0, 0, 0)]).await;
    scan_at(&app, "2026-11-23T08:05:00Z").await;
    app.clock.set(ts("2026-11-23T08:10:00Z"));

    for unit in [None, Some(w.a1)] {
        match overview(&app, &w, "a_staff", unit).await {
            Err(ServiceError::Forbidden(_)) => {}
            other => panic!("a care worker saw the overview: {other:?}"),
        }
    }
    match overview(&app, &w, "a_unitmgr", Some(w.a2)).await {
        Err(ServiceError::Forbidden(_)) => {}
        other => panic!("a manager saw another unit's: {other:?}"),
    }
    let mut r = app.store.begin_read().await.unwrap();
    let refusals = r
        .search_audit(&AuditQuery {
            action: Some(AuditAction::MissedSigningsRead),
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.new.outcome == Outcome::Denied)
        .count();
    assert_eq!(refusals, 3, "each refusal audited");
    drop(r);

    for (who, unit) in [
        ("a_nurse", None),
        ("a_nurse", Some(w.a1)),
        ("a_unitmgr", None),
        ("a_unitmgr", Some(w.a1)),
    ] {
        let rows = overview(&app, &w, who, unit).await.unwrap();
        assert_eq!(rows.len(), 1, "{who} {unit:?}: {rows:?}");
        let m = &rows[0];
        assert_eq!(m.key, key(&p, time(8, 0, 0, 0)));
        assert_eq!(m.client_id, w.client_a1);
        assert_eq!(m.client_name, "Alma Ettan");
        assert_eq!(m.unit_id, Some(w.a1));
        assert_eq!(m.task_name, "Insulin");
        assert_eq!(m.due, ts("2026-11-23T07:00:00Z"));
        assert_eq!(m.closes, ts("2026-11-23T08:00:00Z"));
        let calls: BTreeSet<(String, u32, Timestamp)> = m
            .calls
            .iter()
            .map(|c| (c.name.clone(), c.step, c.called_at))
            .collect();
        assert_eq!(
            calls,
            BTreeSet::from([
                ("Test a_nurse".into(), 0, ts("2026-11-23T08:05:00Z")),
                ("Test a_unitmgr".into(), 0, ts("2026-11-23T08:05:00Z")),
            ])
        );
    }
    assert!(
        overview(&app, &w, "a_nurse", Some(w.a2))
            .await
            .unwrap()
            .is_empty()
    );
    let read = w
        .audit_about(&app, "signing.missed_read", w.client_a1)
        .await;
    assert_eq!(read.len(), 4, "each overview that showed the client");

    sign(&app, &w, &p, time(8, 0, 0, 0), "2026-11-23T08:20:00Z").await;
    assert!(
        overview(&app, &w, "a_unitmgr", Some(w.a1))
            .await
            .unwrap()
            .is_empty()
    );
}

/// A local SMTP server (PyPI's aiosmtpd, `smtp_sink.py`): its port, and its lines.
struct Sink {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    port: u16,
}

impl Sink {
    fn start() -> Sink {
        let python = std::env::var("VAKA_PEERS_PYTHON").expect(
            "VAKA_PEERS_PYTHON must point at a Python with aiosmtpd \
             (scripts/test makes .venv and sets it)",
        );
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/smtp_sink.py");
        let mut child = std::process::Command::new(python)
            .arg(script)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the SMTP sink starts");
        let out = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = lines
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("the SMTP sink says its port");
        let port = first
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("not a port: {first}"));
        Sink { child, lines, port }
    }

    /// The next message received (the sink prints it before it answers the DATA command, so
    /// it is there once the send returned).
    fn message(&self) -> Value {
        let line = self
            .lines
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("a message reached the SMTP server");
        serde_json::from_str(&line).unwrap()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The scan's notices go out as e-mail through a real SMTP server: one per recipient, in
/// Swedish, naming unit, task and time with the link, never the client. A server that cannot
/// be reached fails the send without stopping it, and the log names no address.
async fn the_notices_reach_a_real_smtp_server(app: TestApp) {
    let w = World::build(&app).await;
    prescribe(&app, &w, &[time(8, 0, 0, 0)]).await;
    let r = scan_at(&app, "2026-11-23T08:05:00Z").await;
    assert_eq!(r.calls.len(), 2);

    let sink = Sink::start();
    let mailer = vaka_server::mailer::Mailer::new(
        &format!("smtp://127.0.0.1:{}", sink.port),
        "Vaka <vaka@kommun.test>",
        Some("https://vaka.kommun.test"),
    )
    .unwrap();
    let sent = mailer.send(&r.calls).await;
    assert_eq!(sent.messages, 2);
    assert_eq!(sent.failed, 0);
    let mut got: Vec<Value> = vec![sink.message(), sink.message()];
    got.sort_by_key(|m| m["to"].as_str().unwrap().to_owned());
    let to: Vec<&str> = got.iter().map(|m| m["to"].as_str().unwrap()).collect();
    assert_eq!(to, ["a_nurse@test.se", "a_unitmgr@test.se"]);
    for m in &got {
        assert_eq!(m["rcpt_tos"][0], m["to"]);
        assert_eq!(m["mail_from"], "vaka@kommun.test");
        assert_eq!(m["from"], "Vaka <vaka@kommun.test>");
        assert_eq!(m["subject"], "Missad signering: Insulin kl. 08:00 (A1)");
        assert_eq!(m["content_type"], "text/plain");
        let body = m["body"].as_str().unwrap();
        for needle in [
            "En signering har inte gjorts inom sitt tidsfönster",
            "2026-11-23 kl. 08:00: Insulin, A1",
            "https://vaka.kommun.test",
        ] {
            assert!(body.contains(needle), "{needle:?}: {body}");
        }
        let all = m.to_string();
        for secret in ["Alma", "Ettan", "193001019805", "19300101"] {
            assert!(!all.contains(secret), "{secret:?} in an e-mail: {all}");
        }
    }

    // A server that is not there: both sends fail, the call stays recorded, the log has no
    // address.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let down = vaka_server::mailer::Mailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "vaka@kommun.test",
        None,
    )
    .unwrap();
    let sent = down.send(&r.calls).await;
    assert_eq!((sent.messages, sent.failed), (0, 2));
    let logs = captured_logs();
    let failures: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("sending an e-mail failed") && l.contains("missed-signing"))
        .collect();
    assert!(!failures.is_empty());
    assert!(failures.iter().all(|l| !l.contains('@')), "{failures:?}");
}

/// A delegation of insulin from the nurse to the care worker of A1 through `to`, signed by
/// both as `signed` says, with `events`.
async fn delegation_until(
    app: &TestApp,
    w: &World,
    to: Date,
    signed: bool,
    events: Vec<vaka_domain::delegation::DelegationEvent>,
) -> Delegation {
    let at = ts("2026-11-20T09:00:00Z");
    let d = Delegation {
        id: DelegationId::new(),
        terms: DelegationTerms {
            task_type: TaskTypeCode::parse("insulin").unwrap(),
            delegator: w.p("a_nurse").id,
            recipient: w.p("a_staff").id,
            unit_id: w.a1,
            scope: Scope::WholeUnit,
            validity: Validity::Period {
                from: date(2026, 11, 20),
                to,
            },
            competence: Some(CompetenceCheck {
                methods: vec![CompetenceMethod::Teaching],
                checked_on: date(2026, 11, 20),
                note: None,
            }),
        },
        decided_at: at,
        delegator_signed_at: Some(at),
        recipient_signed_at: signed.then_some(at),
        events,
    };
    let mut tx = app.store.begin().await.unwrap();
    for t in default_task_types() {
        tx.upsert_task_type(&t).await.unwrap();
    }
    tx.insert_delegation(&d).await.unwrap();
    tx.commit(&[]).await.unwrap();
    d
}

/// 30 days before its last day (Stockholm's day, not UTC's), a delegation signed by both is
/// reminded once, to both parties with their names and addresses, audited; one revoked or
/// signed by one party only is not. The reminders reach a real SMTP server, one per party,
/// in Swedish.
async fn renewal_reminders_go_to_both_parties_once(app: TestApp) {
    let w = World::build(&app).await;
    let last = date(2027, 1, 10);
    let d = delegation_until(&app, &w, last, true, vec![]).await;
    let revoked = vaka_domain::delegation::DelegationEvent::Revoked {
        at: ts("2026-11-21T09:00:00Z"),
        by: w.p("a_nurse").id,
        reason: vaka_domain::delegation::RevocationReason::NeedGone,
        note: None,
    };
    delegation_until(&app, &w, last, true, vec![revoked]).await;
    delegation_until(&app, &w, last, false, vec![]).await;

    // 30 days before 2027-01-10 is 2026-12-11, which begins at 23:00Z the day before in
    // Stockholm.
    app.clock.set(ts("2026-12-10T22:59:59Z"));
    assert!(
        app.services
            .remind_expiring_delegations()
            .await
            .unwrap()
            .is_empty()
    );
    app.clock.set(ts("2026-12-10T23:00:00Z"));
    let r = app.services.remind_expiring_delegations().await.unwrap();
    assert_eq!(r.len(), 1, "{r:?}");
    let one = &r[0];
    assert_eq!(one.delegation, d.id);
    assert_eq!(one.last_day, last);
    assert_eq!(one.task_name, "Insulin");
    assert_eq!(one.unit_name, "A1");
    assert_eq!(one.delegator.user, w.p("a_nurse").id);
    assert_eq!(one.delegator.email.as_deref(), Some("a_nurse@test.se"));
    assert_eq!(one.recipient.name, "Test a_staff");
    assert_eq!(one.recipient.email.as_deref(), Some("a_staff@test.se"));
    app.clock.set(ts("2026-12-20T12:00:00Z"));
    assert!(
        app.services
            .remind_expiring_delegations()
            .await
            .unwrap()
            .is_empty(),
        "once"
    );
    let mut rd = app.store.begin_read().await.unwrap();
    let entries = rd
        .search_audit(&AuditQuery {
            action: Some(AuditAction::DelegationReminded),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    drop(rd);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].new.outcome, Outcome::Success);
    assert_eq!(
        entries[0].new.subject_id.as_deref(),
        Some(d.id.to_string().as_str())
    );

    let sink = Sink::start();
    let mailer = vaka_server::mailer::Mailer::new(
        &format!("smtp://127.0.0.1:{}", sink.port),
        "vaka@kommun.test",
        None,
    )
    .unwrap();
    let sent = mailer.send_reminders(&r).await;
    assert_eq!((sent.messages, sent.failed), (2, 0));
    let mut got: Vec<Value> = vec![sink.message(), sink.message()];
    got.sort_by_key(|m| m["to"].as_str().unwrap().to_owned());
    assert_eq!(got[0]["to"], "a_nurse@test.se");
    assert_eq!(got[1]["to"], "a_staff@test.se");
    for m in &got {
        assert_eq!(m["subject"], "Delegering upphör 2027-01-10: Insulin (A1)");
    }
    let nurse = got[0]["body"].as_str().unwrap();
    assert!(
        nurse.contains("delegerad av dig till Test a_staff, gäller till och med 2027-01-10"),
        "{nurse}"
    );
    let staff = got[1]["body"].as_str().unwrap();
    assert!(
        staff.contains("delegerad till dig av Test a_nurse, gäller till och med 2027-01-10"),
        "{staff}"
    );
}

async fn as_cli(app: &TestApp, w: &World, who: &str) -> vaka_domain::access::Principal {
    app.services
        .principal_for(w.p(who).id, Credential::Cli)
        .await
        .unwrap()
}

/// A unit's ladder through the service: read by those who follow the unit up (the default
/// until one is set), refused to a care worker and for another unit (audited); a ladder that
/// breaks the domain's rules or names someone who does not follow the unit up changes
/// nothing; a good one is stored and audited with its steps.
async fn the_ladder_is_set_by_those_who_follow_the_unit_up(app: TestApp) {
    let w = World::build(&app).await;
    let meta = RequestMeta::default();
    let manager = as_cli(&app, &w, "a_unitmgr").await;
    let staff = as_cli(&app, &w, "a_staff").await;
    let (nurse_id, manager_id) = (w.p("a_nurse").id, w.p("a_unitmgr").id);

    let view = app
        .services
        .escalation_ladder(&Ctx::new(&manager, &meta), w.a1)
        .await
        .unwrap();
    assert!(view.is_default);
    assert_eq!(view.ladder, EscalationLadder::default());
    let ids: BTreeSet<UserId> = view.candidates.iter().map(|c| c.0).collect();
    assert!(
        ids.contains(&nurse_id) && ids.contains(&manager_id),
        "{ids:?}"
    );
    assert!(!ids.contains(&w.p("a_staff").id));

    for r in [
        app.services
            .escalation_ladder(&Ctx::new(&staff, &meta), w.a1)
            .await
            .map(|_| ()),
        app.services
            .set_escalation_ladder(&Ctx::new(&staff, &meta), w.a1, EscalationLadder::default())
            .await
            .map(|_| ()),
        app.services
            .escalation_ladder(&Ctx::new(&manager, &meta), w.a2)
            .await
            .map(|_| ()),
    ] {
        assert!(matches!(r, Err(ServiceError::Forbidden(_))), "{r:?}");
    }

    let step = |after_minutes, recipients| EscalationStep {
        after_minutes,
        recipients,
    };
    let bad = [
        (
            EscalationLadder {
                steps: vec![step(0, vec![Recipient::UnitManager])],
            },
            "delegation-first-step-nurse-and-manager",
        ),
        (
            EscalationLadder {
                steps: vec![
                    step(
                        0,
                        vec![Recipient::PrescribingPerson, Recipient::UnitManager],
                    ),
                    step(20, vec![Recipient::User(w.p("a_staff").id)]),
                ],
            },
            "delegation-ladder-recipient-not-in-unit",
        ),
        (
            EscalationLadder {
                steps: vec![
                    step(
                        30,
                        vec![Recipient::PrescribingPerson, Recipient::UnitManager],
                    ),
                    step(10, vec![Recipient::UnitManager]),
                ],
            },
            "delegation-step-minutes-order",
        ),
    ];
    for (ladder, id) in bad {
        match app
            .services
            .set_escalation_ladder(&Ctx::new(&manager, &meta), w.a1, ladder)
            .await
        {
            Err(ServiceError::Invalid { reason, .. }) => assert_eq!(reason.id(), id),
            other => panic!("expected {id}: {other:?}"),
        }
    }
    assert!(
        app.services
            .escalation_ladder(&Ctx::new(&manager, &meta), w.a1)
            .await
            .unwrap()
            .is_default,
        "nothing was stored"
    );

    let good = EscalationLadder {
        steps: vec![
            step(
                0,
                vec![Recipient::PrescribingPerson, Recipient::UnitManager],
            ),
            step(15, vec![Recipient::User(nurse_id)]),
        ],
    };
    let set = app
        .services
        .set_escalation_ladder(&Ctx::new(&manager, &meta), w.a1, good.clone())
        .await
        .unwrap();
    assert_eq!(set, good);
    let view = app
        .services
        .escalation_ladder(&Ctx::new(&manager, &meta), w.a1)
        .await
        .unwrap();
    assert!(!view.is_default);
    assert_eq!(view.ladder, good);

    let mut r = app.store.begin_read().await.unwrap();
    let entries = r
        .search_audit(&AuditQuery {
            action: Some(AuditAction::EscalationLadderSet),
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    let outcomes: Vec<Outcome> = entries.iter().map(|e| e.new.outcome).collect();
    assert_eq!(
        outcomes.iter().filter(|o| **o == Outcome::Denied).count(),
        1,
        "the care worker's attempt: {outcomes:?}"
    );
    let ok: Vec<_> = entries
        .iter()
        .filter(|e| e.new.outcome == Outcome::Success)
        .collect();
    assert_eq!(ok.len(), 1);
    assert_eq!(
        ok[0].new.subject_id.as_deref(),
        Some(w.a1.to_string().as_str())
    );
    let d: Value = serde_json::from_str(ok[0].new.details.as_deref().unwrap()).unwrap();
    assert_eq!(d["steps"][1]["after_minutes"], 15);
}

db_tests!(
    the_ladder_is_set_by_those_who_follow_the_unit_up,
    renewal_reminders_go_to_both_parties_once,
    the_scan_calls_the_nurse_and_the_manager_after_the_window,
    a_later_step_calls_a_named_person_after_its_minutes,
    a_signed_occasion_is_not_called,
    the_overview_is_for_the_nurse_and_the_manager,
    the_notices_reach_a_real_smtp_server,
);

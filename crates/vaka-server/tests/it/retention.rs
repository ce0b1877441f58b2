//! Retention (gallring): the table and its floors, legal holds, the purge of every kind with
//! its audited report, and the audit log purged from a signed anchor.

use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use vaka_domain::access::Credential;
use vaka_domain::ids::{ClientId, TaskId};
use vaka_domain::retention::RecordKind;
use vaka_domain::rounds::TaskKind;
use vaka_domain::supervision::{Dispatch, DispatchCause, Effect, SupervisionTask, TaskState};
use vaka_service::audit::Verification;
use vaka_service::retention::purge::PurgePreview;
use vaka_service::{Ctx, RequestMeta};
use vaka_store::AuditQuery;

use crate::db_tests;
use crate::support::{TestApp, logged_in, t0};
use crate::world::World;

/// A closed look-in task of `client` on the night `days` before the test's first day, with a
/// dispatch.
async fn old_task(app: &TestApp, client: ClientId, days: i64) -> TaskId {
    let night = jiff::civil::date(2026, 11, 22)
        .checked_sub(jiff::Span::new().days(days))
        .unwrap();
    let due = t0() - SignedDuration::from_hours(24 * days);
    let t = SupervisionTask {
        id: TaskId::new(),
        client_id: client,
        night,
        kind: TaskKind::LookIn,
        planned_time: jiff::civil::time(23, 0, 0, 0),
        due,
        opens: due - SignedDuration::from_mins(15),
        closes: due + SignedDuration::from_mins(30),
        dst: None,
        state: TaskState::Closed,
        updated_at: vaka_store::values::to_db_precision(t0()),
    };
    let d = Dispatch::from_effects(
        &t,
        &[Effect::Dispatch {
            phone_first: false,
            why: DispatchCause::Deviation,
        }],
        45,
        vaka_store::values::to_db_precision(due),
    )
    .unwrap();
    let mut tx = app.store.begin().await.unwrap();
    tx.insert_tasks(std::slice::from_ref(&t)).await.unwrap();
    tx.insert_dispatch(&d).await.unwrap();
    tx.commit(&[]).await.unwrap();
    t.id
}

async fn task_kept(app: &TestApp, id: TaskId) -> bool {
    let mut tx = app.store.begin_read().await.unwrap();
    tx.get_task(id).await.unwrap().is_some()
}

/// The number in a page's `data-{attr}="…"` of the row `data-kind="{kind}"`.
fn kind_number(body: &str, kind: &str, attr: &str) -> u64 {
    let row = &body[body
        .find(&format!("data-kind=\"{kind}\""))
        .unwrap_or_else(|| panic!("no row {kind}"))..];
    let marker = format!("data-{attr}=\"");
    let start = row.find(&marker).unwrap() + marker.len();
    row[start..].split('"').next().unwrap().parse().unwrap()
}

async fn the_table_refuses_a_retention_below_the_floor_and_keeps_a_change(app: TestApp) {
    let w = World::build(&app).await;
    let manager = logged_in(&app, w.p("m_manager").id).await;
    let page = app.get("/retention", &manager).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_has("Gallring");
    let floor = RecordKind::AuditLog.min_days();
    assert_eq!(
        kind_number(&page.body, "audit_log", "days"),
        u64::from(floor)
    );

    // Shorter than the law's minimum: refused beside the form, in Swedish, nothing kept.
    let res = app
        .form(
            "/retention/kinds/audit_log",
            &manager,
            &[("days", "1000"), ("_form", "kind-audit_log")],
        )
        .await;
    res.assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!("får inte vara kortare än {floor} dagar"),
    );
    let page = app.get("/retention", &manager).await;
    assert_eq!(
        kind_number(&page.body, "audit_log", "days"),
        u64::from(floor)
    );
    // Not a number, and not a kind: refused too.
    let res = app
        .form("/retention/kinds/audit_log", &manager, &[("days", "fem")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let res = app
        .form("/retention/kinds/photos", &manager, &[("days", "400")])
        .await;
    res.assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "det finns inget sådant slag av uppgift",
    );

    // Longer is allowed, and audited with the value before.
    let res = app
        .form("/retention/kinds/audit_log", &manager, &[("days", "2200")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/retention?ok=retention-saved"));
    let page = app.get("/retention", &manager).await;
    assert_eq!(kind_number(&page.body, "audit_log", "days"), 2200);
    let audit = app
        .get(
            "/api/v1/audit?action=retention.set&limit=10",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    let entries = audit.as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    let details = entries[0]["details"].as_str().unwrap();
    assert!(details.contains("\"days\":2200"), "{details}");
    assert!(
        details.contains(&format!("\"before\":{floor}")),
        "{details}"
    );

    // Others do not reach the page.
    let staff = logged_in(&app, w.p("a_unitmgr").id).await;
    assert_eq!(
        app.get("/retention", &staff).await.status,
        StatusCode::FORBIDDEN
    );
    let res = app
        .form("/retention/kinds/audit_log", &staff, &[("days", "4000")])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

async fn a_legal_hold_needs_a_reason_names_a_client_and_is_lifted_once(app: TestApp) {
    let w = World::build(&app).await;
    let manager = logged_in(&app, w.p("m_manager").id).await;
    let res = app
        .form(
            "/retention/holds",
            &manager,
            &[("identity", "19300101-9805"), ("reason", " ")],
        )
        .await;
    res.assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "ange skälet till gallringsstoppet",
    );
    let res = app
        .form(
            "/retention/holds",
            &manager,
            &[
                ("identity", "194004049807"),
                ("reason", "IVO-ärende 2026/7"),
            ],
        )
        .await;
    res.assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "ingen brukare har det personnumret",
    );
    let res = app
        .form(
            "/retention/holds",
            &manager,
            &[
                ("identity", "19300101-9805"),
                ("reason", "IVO-ärende 2026/7"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get("/retention", &manager).await;
    page.assert_has("Alma Ettan");
    page.assert_has("IVO-ärende 2026/7");
    assert!(
        page.body
            .contains(&format!("data-client=\"{}\"", w.client_a1)),
        "{}",
        page.body
    );
    // A second hold on the same client is refused; the first stays.
    let res = app
        .form(
            "/retention/holds",
            &manager,
            &[("identity", "193001019805"), ("reason", "Annat ärende")],
        )
        .await;
    res.assert_says(StatusCode::CONFLICT, "har redan ett gallringsstopp");
    // Placing it and reading the list are audited on the client.
    let mut tx = app.store.begin_read().await.unwrap();
    let about = tx
        .search_audit(&AuditQuery {
            client: Some(w.client_a1),
            limit: 50,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    drop(tx);
    let actions: Vec<&str> = about.iter().map(|e| e.new.action.code()).collect();
    assert!(actions.contains(&"retention.hold"), "{actions:?}");
    assert!(actions.contains(&"retention.preview"), "{actions:?}");

    let lift = format!("/retention/holds/{}/lift", w.client_a1);
    let res = app.form(&lift, &manager, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        !app.get("/retention", &manager)
            .await
            .body
            .contains("Alma Ettan")
    );
    let res = app.form(&lift, &manager, &[]).await;
    res.assert_says(StatusCode::CONFLICT, "har inget gallringsstopp att häva");
}

async fn the_purge_removes_what_is_past_its_retention_leaves_held_clients_and_reports_it(
    app: TestApp,
) {
    let w = World::build(&app).await;
    let manager = logged_in(&app, w.p("m_manager").id).await;
    let a1_old = old_task(&app, w.client_a1, 400).await;
    let a1_new = old_task(&app, w.client_a1, 10).await;
    let a2_old = old_task(&app, w.client_a2, 380).await;
    // A2 is under investigation.
    let res = app
        .form(
            "/retention/holds",
            &manager,
            &[("identity", "193102029802"), ("reason", "Lex Sarah 2026:3")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // The preview counts only A1's old night.
    let page = app.get("/retention", &manager).await;
    assert_eq!(kind_number(&page.body, "supervision", "records"), 1);
    page.assert_has("En brukare har gallringsstopp");

    let res = app.form("/retention/purge", &manager, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(!task_kept(&app, a1_old).await);
    assert!(task_kept(&app, a1_new).await);
    assert!(
        task_kept(&app, a2_old).await,
        "a held client's night was purged"
    );

    let page = app.get("/retention", &manager).await;
    assert_eq!(kind_number(&page.body, "supervision", "records"), 0);
    page.assert_has("Systemförvaltare");
    // Its start and its report are audited; the report counts per table.
    let audit = app
        .get(
            "/api/v1/audit?action=retention.purge&limit=10",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    let details: Vec<String> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["details"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(details.len(), 2, "{details:?}");
    assert!(
        details
            .iter()
            .any(|d| d.contains("\"phase\":\"start\"") && d.contains("\"held_clients\":1")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains("\"supervision_tasks\":1") && d.contains("\"dispatches\":1")),
        "{details:?}"
    );

    // Lifted, the held night goes with the next run (the server's job this time).
    let res = app
        .form(
            &format!("/retention/holds/{}/lift", w.client_a2),
            &manager,
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let report = app.services.purge().await.unwrap();
    assert_eq!(report.removed_from("supervision_tasks"), 1, "{report:?}");
    assert!(!task_kept(&app, a2_old).await);
}

async fn the_audit_log_is_purged_from_a_signed_anchor_and_still_verifies(app: TestApp) {
    let w = World::build(&app).await;
    let manager = logged_in(&app, w.p("m_manager").id).await;
    // A hold placed now keeps A2's entries, and with them every entry after its first.
    let res = app
        .form(
            "/retention/holds",
            &manager,
            &[("identity", "193102029802"), ("reason", "Tillsyn IVO")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let first_a2 = {
        let mut tx = app.store.begin_read().await.unwrap();
        let mut about = tx
            .search_audit(&AuditQuery {
                client: Some(w.client_a2),
                limit: 1000,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        about.sort_by_key(|e| e.seq);
        about.first().unwrap().seq
    };
    // Six years on: everything of the world's first day is past the five years.
    app.clock
        .set(t0() + SignedDuration::from_hours(24 * 366 * 6));
    // Without the server's key the log is left, and the report says why.
    let report = app.services.purge().await.unwrap();
    let audit = report.kind(RecordKind::AuditLog).unwrap();
    assert_eq!(audit.skipped.as_deref(), Some("no_key"));
    assert_eq!(audit.total(), 0);

    app.services
        .set_audit_anchor_key(ed25519_dalek::SigningKey::from_bytes(&[7; 32]));
    let report = app.services.purge().await.unwrap();
    let removed = report.removed_from("audit_log");
    assert_eq!(removed, first_a2 - 1, "{report:?}");
    let (anchor, oldest) = {
        let mut tx = app.store.begin_read().await.unwrap();
        let anchor = tx.latest_audit_anchor().await.unwrap().unwrap();
        let oldest = tx
            .search_audit(&AuditQuery {
                limit: 1,
                after_seq: Some(0),
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        (anchor, oldest)
    };
    assert_eq!(anchor.seq, first_a2 - 1);
    assert_eq!(oldest.first().map(|e| e.seq), Some(first_a2));
    match app.services.verify_audit().await.unwrap() {
        Verification::Intact { entries } => {
            let (head, _) = app.services.audit_head().await.unwrap();
            assert_eq!(entries, head - anchor.seq);
        }
        broken @ Verification::Broken { .. } => panic!("{broken:?}"),
    }
    // A second run finds nothing more to remove (the held client's entries stay).
    let again = app.services.purge().await.unwrap();
    assert_eq!(again.removed_from("audit_log"), 0, "{again:?}");

    // An anchor moved after it was signed no longer verifies.
    app.sql(&["UPDATE audit_anchors SET seq = seq - 1"]).await;
    match app.services.verify_audit().await.unwrap() {
        Verification::Broken { reason, .. } => {
            assert!(reason.contains("anchor"), "{reason}");
        }
        intact @ Verification::Intact { .. } => panic!("{intact:?}"),
    }
}

/// The demo's records (visits with their corrections, signings with their deviations,
/// delegations with their events, device events, log reviews, the audit log), all past their retention
/// twelve years on: one purge removes them in an order no reference stops, and the next run
/// finds nothing left.
async fn every_kind_of_the_demo_goes_in_one_purge_without_breaking_a_reference(app: TestApp) {
    vaka_server::demo::seed(&app.services, "http://127.0.0.1:9")
        .await
        .unwrap();
    app.services
        .set_audit_anchor_key(ed25519_dalek::SigningKey::from_bytes(&[9; 32]));
    app.clock
        .set(app.services.now() + SignedDuration::from_hours(24 * 366 * 12));
    let report = app.services.purge().await.unwrap();
    for table in [
        "visits",
        "visit_corrections",
        "signings",
        "deviations",
        "delegations",
        "delegation_events",
        "device_events",
        "log_reviews",
        "log_review_entries",
        "audit_log",
    ] {
        assert!(report.removed_from(table) > 0, "{table}: {report:?}");
    }
    // Nothing left past its retention, and the chain verifies from the anchor.
    let again = app.services.purge().await.unwrap();
    let left: u64 = again
        .kinds
        .iter()
        .filter(|k| k.kind != "audit_log")
        .map(vaka_service::retention::purge::KindReport::total)
        .sum();
    assert_eq!(left, 0, "{again:?}");
    assert!(matches!(
        app.services.verify_audit().await.unwrap(),
        Verification::Intact { .. }
    ));
}

/// What is left of a client whose decision ended goes five years on, with their decision and
/// contacts; a client whose decision is in force, and a held client, stay. A deactivated account
/// that nothing kept names is pseudonymised (its name, e-mail and sessions gone, its
/// reactivation refused); one the audit log still names keeps its name until the log's five
/// years have passed too.
async fn ended_clients_go_and_ended_accounts_are_pseudonymised_when_nothing_kept_names_them(
    app: TestApp,
) {
    let w = World::build(&app).await;
    let assessor = w.p("m_assessor").bearer();
    let admin = w.p("m_admin").bearer();
    // A1's decision is in force; B1's ended at the turn of the year.
    for (c, to) in [(w.client_a1, None), (w.client_b1, Some("2026-12-31"))] {
        let mut body = serde_json::json!({"law": "sol", "service": "night_supervision",
            "supervision_mode": "camera", "times": "22:00", "decided_on": "2026-07-01",
            "valid_from": "2026-07-01"});
        if let Some(to) = to {
            body["valid_to"] = to.into();
        }
        let res = app
            .json(
                axum::http::Method::POST,
                &format!("/api/v1/clients/{c}/decisions"),
                &assessor,
                body,
            )
            .await;
        assert!(res.status.is_success(), "{}", res.body);
    }
    let manager = logged_in(&app, w.p("m_manager").id).await;
    let res = app
        .form(
            "/retention/holds",
            &manager,
            &[
                ("identity", "193102029802"),
                ("reason", "IVO-ärende 2026/7"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // The care worker reads a client (an entry of the audit log by her); the victim never acts.
    let staff = logged_in(&app, w.p("a_staff").id).await;
    assert_eq!(
        app.get(&format!("/clients/{}", w.client_a1), &staff)
            .await
            .status,
        StatusCode::OK
    );
    for who in ["b_victim", "a_staff"] {
        let res = app
            .json(
                axum::http::Method::POST,
                &format!("/api/v1/users/{}/deactivate", w.p(who).id),
                &admin,
                serde_json::json!({}),
            )
            .await;
        assert!(res.status.is_success(), "{who}: {}", res.body);
    }

    // Within the years, nothing goes.
    app.clock.set(t0() + SignedDuration::from_hours(24 * 300));
    let report = app.services.purge().await.unwrap();
    assert_eq!(report.removed_from("clients"), 0, "{report:?}");
    assert_eq!(report.removed_from("users"), 0, "{report:?}");

    // Six years on.
    app.clock
        .set(t0() + SignedDuration::from_hours(24 * 366 * 6));
    let manager = logged_in(&app, w.p("m_manager").id).await;
    let page = app.get("/retention", &manager).await;
    assert_eq!(kind_number(&page.body, "ended_clients", "records"), 1);
    assert_eq!(
        kind_number(&page.body, "deactivated_accounts", "records"),
        1
    );
    page.assert_has("Avslutade brukare");

    let report = app.services.purge().await.unwrap();
    let ended = report.kind(RecordKind::EndedClients).unwrap();
    assert_eq!(ended.removed.get("clients"), Some(&1), "{report:?}");
    assert_eq!(ended.removed.get("decisions"), Some(&1), "{report:?}");
    assert_eq!(ended.removed.get("client_contacts"), Some(&1), "{report:?}");
    let accounts = report.kind(RecordKind::DeactivatedAccounts).unwrap();
    assert_eq!(accounts.removed.get("users"), Some(&1), "{report:?}");
    {
        let mut tx = app.store.begin_read().await.unwrap();
        assert!(tx.get_client_summary(w.client_b1).await.unwrap().is_none());
        assert!(tx.get_client_summary(w.client_a1).await.unwrap().is_some());
        assert!(
            tx.get_client_summary(w.client_a2).await.unwrap().is_some(),
            "a held client went"
        );
        let victim = tx.get_user(w.p("b_victim").id).await.unwrap().unwrap();
        assert!(victim.display_name.starts_with('#'), "{victim:?}");
        assert!(!victim.username.as_str().contains("victim"), "{victim:?}");
        assert!(
            victim.email.as_str().ends_with("@removed.invalid"),
            "{victim:?}"
        );
        let staff = tx.get_user(w.p("a_staff").id).await.unwrap().unwrap();
        assert_eq!(
            staff.display_name, "Test a_staff",
            "the audit log still names her"
        );
    }
    // The pseudonymised account's token opens nothing, and it is never reactivated.
    let res = app.get("/api/v1/me", &w.p("b_victim").bearer()).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    let res = app
        .json(
            axum::http::Method::POST,
            &format!("/api/v1/users/{}/reactivate", w.p("b_victim").id),
            &admin,
            serde_json::json!({}),
        )
        .await;
    res.assert_says(StatusCode::CONFLICT, "pseudonymised by the purge");

    // Once the audit log's five years are purged too, the care worker's account follows; the
    // held client, whose hold is lifted now (an entry about them: their years start again),
    // stays.
    let res = app
        .form(
            &format!("/retention/holds/{}/lift", w.client_a2),
            &manager,
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.services
        .set_audit_anchor_key(ed25519_dalek::SigningKey::from_bytes(&[5; 32]));
    let report = app.services.purge().await.unwrap();
    assert!(report.removed_from("audit_log") > 0, "{report:?}");
    assert_eq!(report.removed_from("users"), 1, "{report:?}");
    assert_eq!(report.removed_from("clients"), 0, "{report:?}");
    let mut tx = app.store.begin_read().await.unwrap();
    let staff = tx.get_user(w.p("a_staff").id).await.unwrap().unwrap();
    assert!(staff.display_name.starts_with('#'), "{staff:?}");
    assert!(tx.get_client_summary(w.client_a2).await.unwrap().is_some());
}

/// Tasks stored for `night`, alarms received in `[from, to)`.
async fn stored(
    app: &TestApp,
    night: jiff::civil::Date,
    from: Timestamp,
    to: Timestamp,
) -> (usize, usize) {
    let mut tx = app.store.begin_read().await.unwrap();
    let tasks = tx.list_night_tasks(night).await.unwrap().len();
    let alarms = tx.list_alarms_between(from, to).await.unwrap().len();
    (tasks, alarms)
}

/// Issue 17's walk-through in `vaka demo`: the demo's year of history under the retention of
/// its data processing agreement leaves thousands of supervision records, some alarms,
/// technical checks and device events past retention; the system manager's preview counts
/// them, a purge removes exactly them (the nights and alarms within retention all stay), and
/// the preview then shows nothing left.
async fn the_demo_year_past_its_retention_is_previewed_and_purged(app: TestApp) {
    let started = std::time::Instant::now();
    vaka_server::demo::seed(&app.services, "http://127.0.0.1:9")
        .await
        .unwrap();
    eprintln!("demo seeded in {:?}", started.elapsed());
    let manager = {
        let mut tx = app.store.begin_read().await.unwrap();
        tx.get_user_by_username("manager")
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let principal = app
        .services
        .principal_for(manager, Credential::Cli)
        .await
        .unwrap();
    let meta = RequestMeta::default();
    let ctx = Ctx::new(&principal, &meta);
    let table = app.services.retention_table(&ctx).await.unwrap();
    let days = |k: RecordKind| table.iter().find(|r| r.kind == k).unwrap().days;
    assert_eq!(days(RecordKind::Supervision), 180);
    assert_eq!(days(RecordKind::TechnicalChecks), 90);
    assert_eq!(days(RecordKind::Alarms), 365);
    assert_eq!(days(RecordKind::DeviceEvents), 365);

    let preview = app.services.purge_preview(&ctx).await.unwrap();
    let kind =
        |p: &PurgePreview, k: RecordKind| p.kinds.iter().find(|x| x.kind == k).unwrap().clone();
    let supervision = kind(&preview, RecordKind::Supervision);
    let alarms = kind(&preview, RecordKind::Alarms);
    assert!(supervision.records > 1_000, "{preview:?}");
    assert!(alarms.records > 0, "{preview:?}");
    assert!(
        kind(&preview, RecordKind::TechnicalChecks).records > 0,
        "{preview:?}"
    );
    assert!(
        kind(&preview, RecordKind::DeviceEvents).records > 0,
        "{preview:?}"
    );
    // Nothing of the home-care and delegation records, kept for years.
    assert_eq!(kind(&preview, RecordKind::Visits).records, 0, "{preview:?}");
    assert_eq!(
        kind(&preview, RecordKind::Signings).records,
        0,
        "{preview:?}"
    );

    // The first night kept, the last night purged, last night; the alarms either side of the
    // cutoff.
    let tz = vaka_service::registry::stockholm();
    let alarm_cut = vaka_domain::retention::cutoff_instant(app.services.today(), alarms.days, &tz);
    let now = app.services.now();
    let kept_night = supervision.before;
    let gone_night = kept_night.yesterday().unwrap();
    let last_night = vaka_domain::rounds::night_of(now, &tz).yesterday().unwrap();
    let (kept_tasks, kept_alarms) = stored(&app, kept_night, alarm_cut, now).await;
    // Before the history (PostgreSQL's timestamps do not reach Timestamp::MIN).
    let long_ago = alarm_cut - SignedDuration::from_hours(24 * 800);
    let (gone_tasks, gone_alarms) = stored(&app, gone_night, long_ago, alarm_cut).await;
    let (last_tasks, _) = stored(&app, last_night, now, now).await;
    assert!(kept_tasks > 0 && gone_tasks > 0 && last_tasks > 0);
    assert!(kept_alarms > 0);
    assert_eq!(u64::try_from(gone_alarms).unwrap(), alarms.records);

    let report = app.services.run_purge(&ctx).await.unwrap();
    assert_eq!(
        report.removed_from("supervision_tasks"),
        supervision.records,
        "{report:?}"
    );
    assert_eq!(report.removed_from("alarms"), alarms.records, "{report:?}");
    assert!(
        report.removed_from("look_ins") >= supervision.records,
        "{report:?}"
    );
    assert!(report.removed_from("dispatches") > 0, "{report:?}");
    assert_eq!(
        report.removed_from("alarm_messages"),
        alarms.records,
        "{report:?}"
    );
    assert!(
        report.removed_from("alarm_log") > alarms.records,
        "{report:?}"
    );
    assert!(report.removed_from("technical_checks") > 0, "{report:?}");
    assert!(report.removed_from("device_events") > 0, "{report:?}");
    assert_eq!(report.removed_from("visits"), 0, "{report:?}");

    assert_eq!(
        stored(&app, kept_night, alarm_cut, now).await,
        (kept_tasks, kept_alarms)
    );
    assert_eq!(stored(&app, gone_night, long_ago, alarm_cut).await, (0, 0));
    assert_eq!(stored(&app, last_night, now, now).await.0, last_tasks);
    let after = app.services.purge_preview(&ctx).await.unwrap();
    assert!(after.kinds.iter().all(|k| k.records == 0), "{after:?}");
    // The run and its report are audited under the manager's name.
    let runs = app.services.purge_runs(&ctx, 5).await.unwrap();
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0].started_by, Some(manager));
    assert_eq!(runs[0].report.as_ref(), Some(&report));
}

db_tests!(
    ended_clients_go_and_ended_accounts_are_pseudonymised_when_nothing_kept_names_them,
    the_demo_year_past_its_retention_is_previewed_and_purged,
    every_kind_of_the_demo_goes_in_one_purge_without_breaking_a_reference,
    the_table_refuses_a_retention_below_the_floor_and_keeps_a_change,
    a_legal_hold_needs_a_reason_names_a_client_and_is_lifted_once,
    the_purge_removes_what_is_past_its_retention_leaves_held_clients_and_reports_it,
    the_audit_log_is_purged_from_a_signed_anchor_and_still_verifies,
);

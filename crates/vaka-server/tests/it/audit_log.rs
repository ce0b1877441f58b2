//! The audit log: every access is written, searches and exports work within scope, and the
//! hash chain finds any changed, removed or reordered entry.

use axum::http::StatusCode;
use vaka_service::audit::Verification;
use vaka_store::AuditQuery;

use crate::db_tests;
use crate::support::TestApp;
use crate::world::World;

async fn entries(app: &TestApp) -> Vec<vaka_domain::audit::AuditEntry> {
    let mut tx = app.store.begin_read().await.unwrap();
    tx.search_audit(&AuditQuery {
        limit: 10_000,
        ..Default::default()
    })
    .await
    .unwrap()
}

async fn every_read_of_personal_data_is_logged_with_who_what_where(app: TestApp) {
    let w = World::build(&app).await;
    let staff = w.p("a_staff");
    let res = app.get("/api/v1/clients", &staff.bearer()).await;
    assert_eq!(res.status, StatusCode::OK);
    let request_id = res
        .headers
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let log = entries(&app).await;
    let e = log
        .iter()
        .find(|e| e.new.action.code() == "client.list" && e.new.actor.user_id == Some(staff.id))
        .expect("the listing is logged");
    assert_eq!(e.new.outcome.code(), "success");
    assert_eq!(
        e.new.actor.role.map(vaka_domain::access::Role::code),
        Some("care_staff")
    );
    assert_eq!(e.new.actor.organisation_id, Some(w.a));
    assert_eq!(
        e.new.actor.unit_id,
        Some(w.a1),
        "the care context: the unit the access came from"
    );
    assert_eq!(e.new.request_id.as_deref(), Some(request_id.as_str()));
    assert_eq!(e.new.source_ip.as_deref(), Some("192.0.2.10"));
    assert!(
        e.new
            .actor
            .credential
            .as_deref()
            .unwrap()
            .starts_with("token:")
    );
    assert!(
        !e.new.details.as_deref().unwrap_or("").contains("Alma"),
        "no client names in the log"
    );
}

async fn refused_attempts_are_logged_too(app: TestApp) {
    let w = World::build(&app).await;
    let b_admin = w.p("b_admin");
    assert_eq!(
        app.get("/api/v1/clients", &b_admin.bearer()).await.status,
        StatusCode::FORBIDDEN
    );
    let other = app
        .get(
            &format!("/api/v1/users/{}", w.p("a_staff").id),
            &b_admin.bearer(),
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let log = entries(&app).await;
    let denied: Vec<_> = log
        .iter()
        .filter(|e| e.new.actor.user_id == Some(b_admin.id) && e.new.outcome.code() == "denied")
        .collect();
    assert_eq!(denied.len(), 2, "{denied:#?}");
    assert!(
        denied
            .iter()
            .any(|e| e.new.subject_id.as_deref() == Some("/api/v1/clients"))
    );
    assert!(denied.iter().any(|e| e.new.action.code() == "user.read"));
}

async fn log_review_searches_by_user_client_action_and_period(app: TestApp) {
    let w = World::build(&app).await;
    let staff = w.p("a_staff");
    app.get("/api/v1/clients", &staff.bearer()).await;
    app.get("/api/v1/clients", &w.p("c_operator").bearer())
        .await;
    let manager = w.p("m_manager").bearer();

    let by_user = app
        .get(
            &format!("/api/v1/audit?user_id={}&action=client.list", staff.id),
            &manager,
        )
        .await;
    assert_eq!(by_user.status, StatusCode::OK, "{}", by_user.body);
    let rows = by_user.json();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["actor_username"], "a_staff");

    let today = app
        .get(
            "/api/v1/audit?from=2026-11-22&to=2026-11-22&action=client.list",
            &manager,
        )
        .await
        .json();
    assert_eq!(today.as_array().unwrap().len(), 2);
    let yesterday = app
        .get("/api/v1/audit?from=2026-11-21&to=2026-11-21", &manager)
        .await
        .json();
    assert!(yesterday.as_array().unwrap().is_empty());

    // A unit manager reviews the entries of their own unit only.
    let own = app
        .get(
            "/api/v1/audit?action=client.list",
            &w.p("a_unitmgr").bearer(),
        )
        .await
        .json();
    let who: Vec<&str> = own
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["actor_username"].as_str().unwrap())
        .collect();
    assert_eq!(who, ["a_staff"]);

    // The searches are themselves logged.
    assert!(
        entries(&app)
            .await
            .iter()
            .any(|e| e.new.action.code() == "audit.search")
    );
    // Care staff may not read the log at all.
    assert_eq!(
        app.get("/api/v1/audit", &staff.bearer()).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn csv_export_has_every_entry_and_no_formulas(app: TestApp) {
    let w = World::build(&app).await;
    // Hostile username attempts end up in the log; none may become a spreadsheet formula,
    // whichever of the four lead characters a spreadsheet runs it starts with.
    let leads = ['=', '+', '-', '@'];
    for lead in leads {
        app.form(
            "/login",
            &crate::support::Auth::None,
            &[
                ("username", &format!("{lead}HYPERLINK(\"http://evil\")")),
                ("password", "x"),
            ],
        )
        .await;
    }
    let res = app
        .get("/api/v1/audit/export.csv", &w.p("m_manager").bearer())
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let mut rdr = csv::Reader::from_reader(res.body.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(&headers[0], "seq");
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let total = entries(&app).await.len();
    assert_eq!(
        rows.len() + 1,
        total,
        "every entry before the export (the export logs itself after)"
    );
    for lead in leads {
        let tried = format!("'{lead}hyperlink");
        assert!(
            rows.iter().any(|r| r[2].to_lowercase().starts_with(&tried)),
            "{lead} neutralised"
        );
    }
    // No cell of the file starts with a lead character.
    for r in &rows {
        for cell in r {
            assert!(!cell.starts_with(leads), "a formula in {r:?}");
        }
    }
    assert_eq!(
        app.get("/api/v1/audit/export.csv", &w.p("a_unitmgr").bearer())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

async fn the_chain_verifies_and_names_a_changed_entry(app: TestApp) {
    let w = World::build(&app).await;
    for p in w.people.values() {
        app.get("/api/v1/me", &p.bearer()).await;
        app.get("/api/v1/clients", &p.bearer()).await;
    }
    let total = entries(&app).await.len() as u64;
    assert_eq!(
        app.services.verify_audit().await.unwrap(),
        Verification::Intact { entries: total }
    );

    // Ordinary SQL cannot change the log.
    let refused = {
        let app = app.clone();
        tokio::spawn(async move {
            app.sql(&["UPDATE audit_log SET outcome = 'denied' WHERE seq = 5"])
                .await;
        })
        .await
    };
    assert!(refused.is_err(), "the append-only trigger refuses updates");

    // A tamperer who drops the trigger is caught.
    let drop_trigger = match app.backend {
        vaka_store::Backend::Sqlite => "DROP TRIGGER audit_log_no_update",
        vaka_store::Backend::Postgres => "DROP TRIGGER audit_log_no_update ON audit_log",
    };
    app.sql(&[
        drop_trigger,
        "UPDATE audit_log SET actor_username = 'someone-else' WHERE seq = 7",
    ])
    .await;
    match app.services.verify_audit().await.unwrap() {
        Verification::Broken {
            seq,
            checked,
            reason,
        } => {
            assert_eq!(seq, Some(7));
            assert_eq!(checked, 6);
            assert!(reason.contains("changed"), "{reason}");
        }
        ok @ Verification::Intact { .. } => panic!("tampering not found: {ok:?}"),
    }
}

async fn removed_and_reordered_entries_are_found(app: TestApp) {
    let w = World::build(&app).await;
    for p in w.people.values() {
        app.get("/api/v1/me", &p.bearer()).await;
    }
    let drop_triggers: &[&str] = match app.backend {
        vaka_store::Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        vaka_store::Backend::Postgres => &[
            "DROP TRIGGER audit_log_no_update ON audit_log",
            "DROP TRIGGER audit_log_no_delete ON audit_log",
        ],
    };
    app.sql(drop_triggers).await;
    app.sql(&["DELETE FROM audit_log WHERE seq = 10"]).await;
    assert!(matches!(
        app.services.verify_audit().await.unwrap(),
        Verification::Broken { seq: Some(11), .. }
    ));
}

async fn concurrent_writers_keep_one_unbroken_chain(app: TestApp) {
    let w = World::build(&app).await;
    let mut handles = Vec::new();
    for i in 0..40 {
        let app = app.clone();
        let who = w.people.values().nth(i % w.people.len()).unwrap().clone();
        handles.push(tokio::spawn(async move {
            app.get("/api/v1/me", &who.bearer()).await;
            app.get("/api/v1/clients", &who.bearer()).await.status
        }));
    }
    for h in handles {
        let status = h.await.unwrap();
        assert!(status == StatusCode::OK || status == StatusCode::FORBIDDEN);
    }
    let all = entries(&app).await;
    let mut seqs: Vec<u64> = all.iter().map(|e| e.seq).collect();
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        (1..=all.len() as u64).collect::<Vec<_>>(),
        "no gaps, no forks"
    );
    assert!(matches!(
        app.services.verify_audit().await.unwrap(),
        Verification::Intact { .. }
    ));
}

/// The user field of the log review resolves only accounts the reviewer may see in the
/// directory: a provider's unit manager typing another organisation's username gets the answer
/// a name nobody has gets, so the form tells nobody which usernames exist (issue 13.6).
async fn the_log_review_does_not_tell_which_usernames_exist_elsewhere(app: TestApp) {
    let w = World::build(&app).await;
    let session = crate::support::logged_in(&app, w.p("a_unitmgr").id).await;
    let search = async |name: &str| {
        let res = app.get(&format!("/audit?user={name}"), &session).await;
        (res.status, res.body.replace(name, "<name>"))
    };
    let elsewhere = search("b_staff").await;
    let nobody = search("ingen.alls").await;
    assert_eq!(nobody.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", nobody.1);
    assert_eq!(
        elsewhere.0, nobody.0,
        "another organisation's username is found"
    );
    assert!(elsewhere.1 == nobody.1, "the pages differ");
    // A person of the reviewer's own unit is found.
    let (status, _) = search("a_staff").await;
    assert_eq!(status, StatusCode::OK);
}

db_tests!(
    the_log_review_does_not_tell_which_usernames_exist_elsewhere,
    every_read_of_personal_data_is_logged_with_who_what_where,
    refused_attempts_are_logged_too,
    log_review_searches_by_user_client_action_and_period,
    csv_export_has_every_entry_and_no_formulas,
    the_chain_verifies_and_names_a_changed_entry,
    removed_and_reordered_entries_are_found,
    concurrent_writers_keep_one_unbroken_chain,
);

//! The overview is the work list: each role's home page lists what waits for it — orders to
//! accept, open technical alarms, alarms and dispatches, consents to re-confirm — each line
//! linking to the page where it is done, counted through the same need-to-know filter as that
//! page, and audited where personal data is read.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::console::session;
use crate::db_tests;
use crate::support::{Auth, TestApp};
use crate::world::World;

async fn home(app: &TestApp, w: &World, who: &str) -> String {
    let (auth, _) = session(app, w, who).await;
    let res = app.get("/", &auth).await;
    assert_eq!(res.status, StatusCode::OK, "{who}: {}", res.body);
    res.body
}

/// The work list's line `code` of a home page: its link and count, or `None`.
fn line(html: &str, code: &str) -> Option<(String, String)> {
    let start = html.find(&format!("<li data-work=\"{code}\">"))?;
    let li = &html[start..start + html[start..].find("</li>")?];
    let href = li.split("href=\"").nth(1)?.split('"').next()?.to_owned();
    let count = li
        .split("<strong>")
        .nth(1)?
        .split("</strong>")
        .next()?
        .to_owned();
    Some((href, count))
}

const NOTHING: &str = "Inget att åtgärda just nu.";

async fn the_overview_lists_what_waits(app: TestApp) {
    let w = World::build(&app).await;
    // Nothing waits yet.
    let before = home(&app, &w, "a_unitmgr").await;
    assert!(before.contains(NOTHING), "{before}");
    assert_eq!(line(&before, "orders"), None);

    // A decision makes an order for provider A; a technical alarm and a personal alarm come in
    // from client A1's devices; client A2's consent is to be re-confirmed within the month.
    crate::authz_matrix::registry_targets(&app, &w).await;
    let personal = crate::authz_matrix::alarm_target(&app, &w).await;
    let mut technical = vaka_domain::alarm::AlarmRecord::new(
        vaka_domain::alarm::AlarmKind::Technical,
        vaka_domain::client::AreaType::Town,
        "heartbeat_missed",
        "heartbeat",
        vaka_store::values::to_db_precision(app.services.now()),
    );
    let device = crate::alarms::alarm_unit(&app, &w, w.client_a1, "A1A2", None).await;
    technical.client_id = Some(w.client_a1);
    technical.device_id = Some(device);
    technical.account = Some("A1A2".into());
    let mut tx = app.store.begin().await.unwrap();
    tx.insert_alarm(&technical).await.unwrap();
    tx.commit(&[]).await.unwrap();
    let due = app.services.today() + jiff::Span::new().days(10);
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/clients/{}/consents", w.client_a2),
            &w.p("m_assessor").bearer(),
            json!({"service": "night_supervision", "informed_by": "Handläggare Test",
                   "informed_on": "2025-12-01", "informed_how": "in_person",
                   "given_by": "client", "given_on": "2025-12-01",
                   "reconfirm_by": due.to_string()}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

    // The unit manager: the order to accept and the open technical alarm, not "nothing".
    let mgr = home(&app, &w, "a_unitmgr").await;
    assert!(!mgr.contains(NOTHING), "{mgr}");
    assert_eq!(
        line(&mgr, "orders"),
        Some(("/orders".into(), "1".into())),
        "{mgr}"
    );
    assert_eq!(
        line(&mgr, "technical"),
        Some(("/alarms/technical".into(), "1".into())),
        "{mgr}"
    );
    assert!(mgr.contains("Uppdrag att ta emot"), "{mgr}");
    // The unit manager documents no consent and handles no alarms.
    assert_eq!(line(&mgr, "alarms"), None);
    assert!(!mgr.contains("Bertil Tvåan"), "{mgr}");

    // The private provider's technical contact: provider B's devices only (none are open).
    let b = home(&app, &w, "b_admin").await;
    assert_eq!(line(&b, "technical"), None, "{b}");
    assert_eq!(line(&b, "orders"), None, "{b}");

    // The needs assessor: the consent to re-confirm, linked to the client's consent section;
    // the read is audited, about that client too.
    let assessor = home(&app, &w, "m_assessor").await;
    assert!(
        assessor.contains(&format!(
            "href=\"/clients/{}#consent\">Bertil Tvåan</a>",
            w.client_a2
        )),
        "{assessor}"
    );
    assert!(
        assessor.contains(&format!("Nattillsyn senast {due}")),
        "{assessor}"
    );
    let about = w.audit_about(&app, "consent.list", w.client_a2).await;
    assert_eq!(about.len(), 1, "{about:?}");
    assert_eq!(about[0]["actor_username"], "m_assessor");
    assert!(
        w.audit_about(&app, "consent.list", w.client_a1)
            .await
            .is_empty()
    );

    // The operator: the open alarms, both waiting to be taken.
    let op = home(&app, &w, "c_operator").await;
    assert_eq!(
        line(&op, "alarms"),
        Some(("/alarms".into(), "2".into())),
        "{op}"
    );
    assert!(op.contains("2 väntar på att tas"), "{op}");
    assert_eq!(line(&op, "orders"), None);

    // The night patrol has nothing until the operator dispatches the personal alarm to it;
    // then it is on the patrol's list; the home-care staff of A1 are not that link.
    let patrol = home(&app, &w, "a_patrol").await;
    assert!(patrol.contains(NOTHING), "{patrol}");
    let step = |body: serde_json::Value| {
        let app = &app;
        let op = w.p("c_operator").bearer();
        let id = personal.clone();
        async move {
            app.json(
                Method::POST,
                &format!("/api/v1/alarms/{id}/steps"),
                &op,
                body,
            )
            .await
        }
    };
    assert_eq!(step(json!({"step": "take"})).await.status, StatusCode::OK);
    let res = step(json!({"step": "dispatch", "link": "night_patrol"})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let patrol = home(&app, &w, "a_patrol").await;
    assert_eq!(
        line(&patrol, "responder_alarms"),
        Some(("/patrol".into(), "1".into())),
        "{patrol}"
    );
    assert!(!patrol.contains(NOTHING), "{patrol}");
    let staff = home(&app, &w, "a_staff").await;
    assert_eq!(line(&staff, "responder_alarms"), None, "{staff}");
    // A page without a session shows none of it.
    assert_eq!(
        app.get("/", &Auth::None).await.status,
        StatusCode::SEE_OTHER
    );
}

db_tests!(the_overview_lists_what_waits);

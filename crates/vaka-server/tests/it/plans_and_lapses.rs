//! A supervision plan holds what the decision granted and no more; a consent due for
//! re-confirmation shows before it lapses, and a night it leaves without supervision is told to
//! the unit manager that same day, once.

use axum::http::{Method, StatusCode};
use jiff::SignedDuration;
use serde_json::json;

use crate::db_tests;
use crate::support::{TestApp, logged_in, night_supervision, ok, t0};
use crate::world::World;

async fn a_plan_may_hold_only_what_the_decision_granted(app: TestApp) {
    let w = World::build(&app).await;
    let a1 = w.client_a1;
    let manager = w.p("a_unitmgr").bearer();
    let path = format!("/api/v1/clients/{a1}/plan");
    let put = |body: serde_json::Value| app.json(Method::PUT, &path, &manager, body);
    // No decision yet: nothing to plan by.
    let res = put(json!({"mode": "camera", "times": "23:00"})).await;
    res.assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "no decision on night supervision",
    );
    night_supervision(
        &app,
        &w.p("m_assessor").bearer(),
        a1,
        "camera",
        "23:00, 02:00",
        true,
    )
    .await;
    // A time the decision did not grant, and a way it did not.
    let res = put(json!({"mode": "camera", "times": "23:00, 04:00"})).await;
    res.assert_says(StatusCode::UNPROCESSABLE_ENTITY, "04:00 is not granted");
    let res = put(json!({"mode": "both", "times": "23:00"})).await;
    res.assert_says(StatusCode::UNPROCESSABLE_ENTITY, "does not grant that way");
    // What was granted, or fewer times, is kept.
    let res = put(json!({"mode": "camera", "times": "02:00"})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = put(json!({"mode": "camera", "times": "23:00, 02:00"})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // Refused in Swedish on the client's page too (the plan form).
    let session = logged_in(&app, w.p("a_unitmgr").id).await;
    let res = app
        .form(
            &format!("/clients/{a1}/plan"),
            &session,
            &[("mode", "camera"), ("times", "23:00, 03:30")],
        )
        .await;
    res.assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "03:30 är inte beviljad i beslutet",
    );
}

async fn a_lapsing_consent_warns_before_and_its_night_is_told_once(app: TestApp) {
    let w = World::build(&app).await;
    let a1 = w.client_a1;
    let assessor = w.p("m_assessor").bearer();
    night_supervision(&app, &assessor, a1, "camera", "23:00", false).await;
    // Consent to re-confirm by 2026-12-01: within the month from the start.
    ok(
        &app,
        &assessor,
        Method::POST,
        format!("/api/v1/clients/{a1}/consents"),
        json!({"service": "night_supervision", "informed_by": "Karin",
               "informed_on": "2026-11-20", "informed_how": "in_person",
               "given_by": "client", "given_on": "2026-11-20", "reconfirm_by": "2026-12-01"}),
    )
    .await;
    ok(
        &app,
        &w.p("a_unitmgr").bearer(),
        Method::PUT,
        format!("/api/v1/clients/{a1}/plan"),
        json!({"mode": "camera", "times": "23:00"}),
    )
    .await;
    // Before: the client's page says it is due, and the assessor's start page lists it.
    let manager_view = logged_in(&app, w.p("a_unitmgr").id).await;
    let page = app.get(&format!("/clients/{a1}"), &manager_view).await;
    page.assert_has("ska förnyas inom 30 dagar");
    let assessor_view = logged_in(&app, w.p("m_assessor").id).await;
    app.get("/", &assessor_view)
        .await
        .assert_has("Samtycken att förnya");
    let night = jiff::civil::date(2026, 11, 22);
    let planned = app.services.plan_night(night).await.unwrap();
    assert_eq!((planned.added, planned.lapsed), (1, 0), "{planned:?}");
    let home = app.get("/", &manager_view).await;
    assert!(!home.body.contains("id=\"lapses\""), "{}", home.body);

    // The day after the re-confirmation date, the night is planned without her.
    app.clock.set(t0() + SignedDuration::from_hours(24 * 10));
    let night = jiff::civil::date(2026, 12, 2);
    let planned = app.services.plan_night(night).await.unwrap();
    assert_eq!((planned.added, planned.lapsed), (0, 1), "{planned:?}");
    // Planning it again tells nothing new.
    assert_eq!(app.services.plan_night(night).await.unwrap().lapsed, 0);
    // (A new day, a new login.)
    let manager_view = logged_in(&app, w.p("a_unitmgr").id).await;
    let home = app.get("/", &manager_view).await;
    assert_eq!(home.status, StatusCode::OK);
    home.assert_has("Ingen tillsyn i natt");
    home.assert_has("samtycket gäller inte längre");
    assert!(
        home.body.contains(&format!("data-client=\"{a1}\"")),
        "{}",
        home.body
    );
    // Others' units are not told (the unit manager of B1 sees nothing of A1).
    let b_admin = logged_in(&app, w.p("b_admin").id).await;
    assert!(
        !app.get("/", &b_admin)
            .await
            .body
            .contains("Ingen tillsyn i natt")
    );

    // The next day the lapse is old news: told once, on its first night.
    app.clock.set(t0() + SignedDuration::from_hours(24 * 11));
    let night = jiff::civil::date(2026, 12, 3);
    assert_eq!(app.services.plan_night(night).await.unwrap().lapsed, 1);
    let manager_view = logged_in(&app, w.p("a_unitmgr").id).await;
    let home = app.get("/", &manager_view).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(!home.body.contains("Ingen tillsyn i natt"), "{}", home.body);
}

/// Each business area plans with its own look-in window: a home-care client with the home
/// care's, a client whose night supervision is an LSS decision with the LSS one.
async fn the_look_in_window_is_the_business_areas(app: TestApp) {
    use vaka_domain::rounds::WindowRules;
    let w = World::build(&app).await;
    let assessor = w.p("m_assessor").bearer();
    night_supervision(&app, &assessor, w.client_a1, "camera", "23:00", true).await;
    ok(
        &app,
        &assessor,
        Method::POST,
        format!("/api/v1/clients/{}/decisions", w.client_a2),
        json!({"law": "lss", "service": "night_supervision", "supervision_mode": "camera",
               "times": "23:00", "valid_from": "2026-11-22"}),
    )
    .await;
    ok(
        &app,
        &assessor,
        Method::POST,
        format!("/api/v1/clients/{}/consents", w.client_a2),
        json!({"service": "night_supervision", "informed_by": "Karin",
               "informed_on": "2026-11-20", "informed_how": "in_person",
               "given_by": "client", "given_on": "2026-11-20"}),
    )
    .await;
    ok(
        &app,
        &w.p("a_unitmgr").bearer(),
        Method::PUT,
        format!("/api/v1/clients/{}/plan", w.client_a1),
        json!({"mode": "camera", "times": "23:00"}),
    )
    .await;
    // A2's unit has no manager in this world: her plan is written as A2's manager would.
    let mut tx = app.store.begin().await.unwrap();
    tx.upsert_plan(&vaka_domain::plan::SupervisionPlan {
        client_id: w.client_a2,
        mode: vaka_domain::decision::SupervisionMode::Camera,
        times: vec![jiff::civil::time(23, 0, 0, 0)],
        recheck_delay_minutes: None,
        escalation: None,
        response_target_minutes: None,
        updated_by: w.p("a_unitmgr").id,
        updated_at: vaka_store::values::to_db_precision(t0()),
    })
    .await
    .unwrap();
    tx.commit(&[]).await.unwrap();
    // The same store, planned by a server whose settings give each area its window.
    let config = vaka_service::ServiceConfig {
        look_in_windows: WindowRules::parse("home_care=5/10, lss=0/60").unwrap(),
        ..vaka_service::ServiceConfig::default()
    };
    let services = vaka_service::Services::new(
        app.store.clone(),
        std::sync::Arc::new(app.clock.clone()),
        config,
    );
    let night = jiff::civil::date(2026, 11, 22);
    services.plan_night(night).await.unwrap();
    let tasks = services.night_tasks(night).await.unwrap();
    let window = |c| {
        let t = tasks.iter().find(|t| t.client_id == c).unwrap();
        (
            t.due.duration_since(t.opens).as_mins(),
            t.closes.duration_since(t.due).as_mins(),
        )
    };
    assert_eq!(window(w.client_a1), (5, 10));
    assert_eq!(window(w.client_a2), (0, 60));
}

db_tests!(
    the_look_in_window_is_the_business_areas,
    a_plan_may_hold_only_what_the_decision_granted,
    a_lapsing_consent_warns_before_and_its_night_is_told_once,
);

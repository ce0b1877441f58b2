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

db_tests!(
    a_plan_may_hold_only_what_the_decision_granted,
    a_lapsing_consent_warns_before_and_its_night_is_told_once,
);

//! The operations endpoints on the main listener: health for anyone, metrics for nobody (they
//! have a listener of their own, loopback by default).

use axum::http::StatusCode;

use crate::db_tests;
use crate::support::{Auth, TestApp};
use crate::world::World;

async fn metrics_are_not_on_the_main_listener(app: TestApp) {
    let w = World::build(&app).await;
    assert_eq!(
        app.get("/healthz", &Auth::None).await.status,
        StatusCode::OK
    );
    assert_eq!(app.get("/readyz", &Auth::None).await.status, StatusCode::OK);
    // Neither an outsider nor a logged-in manager learns how busy the alarm centre is here.
    for who in [
        Auth::None,
        w.p("m_manager").bearer(),
        w.p("m_admin").bearer(),
    ] {
        let res = app.get("/metrics", &who).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
        assert!(!res.body.contains("# TYPE"), "{}", res.body);
    }
}

db_tests!(metrics_are_not_on_the_main_listener);

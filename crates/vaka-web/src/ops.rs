//! Operations endpoints: liveness, readiness and Prometheus metrics.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::state::AppState;

/// The process is up.
pub async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, "ok\n")
}

/// The process can serve: the database answers. The body says, one line each, this node's
/// name, whether it runs the jobs that run once (`jobs: lease holder` or `jobs: standby`), and
/// its connection to the other nodes (`bus: none` on a single node), and how many cameras are
/// connected to it (`cameras: 12`). A node whose bus is down
/// still serves (its pages and receivers work; only other nodes' changes reach it late), so
/// it stays ready and says so: a load balancer does not take a whole cluster out when NATS
/// fails.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    use vaka_service::cluster::BusState;
    let node = state.services.node();
    let jobs = if node.holds_lease() {
        "lease holder"
    } else {
        "standby"
    };
    let bus = match node.bus() {
        BusState::None => "none",
        BusState::Connected => "connected",
        BusState::Disconnected => "disconnected",
    };
    let about = format!(
        "node: {}\njobs: {jobs}\nbus: {bus}\ncameras: {}\n",
        node.name(),
        state.cameras.connected()
    );
    match state.services.ping().await {
        Ok(()) => (StatusCode::OK, format!("ready\ndatabase: ok\n{about}")),
        Err(e) => {
            tracing::warn!(error = %vaka_domain::error::chain(&e), "not ready: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("database unavailable\n{about}"),
            )
        }
    }
}

#[allow(
    clippy::unused_async,
    reason = "an axum handler, served by vaka-server on the metrics listener"
)]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    match &state.metrics {
        Some(h) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            h.render(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

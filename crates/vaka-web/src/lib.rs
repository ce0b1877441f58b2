//! Vaka's HTTP front end: the JSON API (`api`), the pages (`ui`) in the page shell (`page`),
//! who is asking (`identity`), the access check (`auth`, `csrf`), the route table (`routes`),
//! and the middleware every request passes.
//!
//! [`build`] makes the whole application as one `Router`, so tests drive it without a socket.

pub mod api;
pub mod auth;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod gateway;
pub mod i18n;
pub mod identity;
pub mod kept_reports;
pub mod lock_reports;
pub mod login_limiter;
pub mod ops;
pub mod page;
pub mod reports;
pub mod routes;
pub mod state;
pub mod ui;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use vaka_service::RequestMeta;

pub use routes::RouteSpec;
pub use state::{AppState, DemoLogin, WebConfig};

use crate::error::{ApiError, ProblemMarker};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The application and the table of its routes (for the authorisation matrix test).
pub struct App {
    pub router: Router,
    pub routes: Vec<RouteSpec>,
    pub openapi: utoipa::openapi::OpenApi,
}

/// Builds the whole application.
pub fn build(state: AppState) -> App {
    let r = routes::Routes::new(state.clone(), api::router());
    let r = gateway::register(ui::register(api::register(r)));
    let (pages, api_router, mut specs) = r.finish();
    let (api_router, openapi) = api_router.split_for_parts();
    let openapi_json = serde_json::to_string_pretty(&openapi).unwrap_or_default();

    specs.push(RouteSpec {
        method: axum::http::Method::GET,
        path: "/api/v1/openapi.json".into(),
        access: identity::Access::Public,
    });
    let router = Router::new()
        .merge(pages)
        .merge(api_router)
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let body = openapi_json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body) }
            }),
        )
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/static/{file}", get(static_file))
        .merge(ui::staffapp::assets());
    // `/metrics` is not here: it has a listener of its own (loopback by default), as the
    // figures tell an outsider how busy the alarm centre is.
    let router = router
        .fallback(fallback)
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CsrfLayer::new())
        .layer(middleware::from_fn_with_state(state.clone(), frame))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "something went wrong on our side",
            )
            .into_response()
        }))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            // The matched route, never the raw path: paths carry ids.
            let route = req
                .extensions()
                .get::<MatchedPath>()
                .map_or("unmatched", |m| m.as_str());
            let rid = req
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            tracing::info_span!("http", method = %req.method(), route, request_id = rid)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state);
    App {
        router,
        routes: specs,
        openapi,
    }
}

/// Request facts for the audit log, security headers, the request id in problem documents,
/// and metrics.
async fn frame(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|r| r.header_value().to_str().ok())
        .map(str::to_owned);
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
        .or_else(|| {
            req.extensions()
                .get::<MockConnectInfo<SocketAddr>>()
                .map(|c| c.0)
        })
        .map(|a| a.ip().to_string());
    let forwarded = state
        .config
        .trust_forwarded_for
        .then(|| {
            req.headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(|s| s.trim().to_owned())
        })
        .flatten();
    let meta = RequestMeta {
        request_id: request_id.clone(),
        source_ip: forwarded.or(peer),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(256).collect()),
    };
    req.extensions_mut().insert(meta);
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());

    let mut res = next.run(req).await;

    // Fill the request id into problem documents.
    if let Some(ProblemMarker(err)) = res.extensions_mut().remove::<ProblemMarker>() {
        let status = res.status();
        let body = serde_json::to_vec(&err.problem(request_id)).unwrap_or_default();
        let headers = res.headers().clone();
        res = (status, body).into_response();
        *res.headers_mut() = headers;
        res.headers_mut().remove(header::CONTENT_LENGTH);
    }

    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: HeaderName, v: &'static str| {
        h.entry(k).or_insert(HeaderValue::from_static(v));
    };
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "same-origin");
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(state.content_security_policy.clone());
    if !route.starts_with("/static/") {
        // Pages and API answers carry personal data: never cache them.
        set(h, header::CACHE_CONTROL, "no-store");
    }
    if state.config.secure_cookies {
        set(h, header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }

    let status = res.status().as_u16().to_string();
    metrics::counter!("vaka_http_requests_total", "method" => method.to_string(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("vaka_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    res
}

async fn fallback(req: Request) -> Response {
    let path = req.uri().path().to_owned();
    if identity::is_api(&path) {
        ApiError::not_found("resource").into_response()
    } else {
        page::not_found_page(page::PageCtx::default())
    }
}

const CSS: &str = include_str!("../static/vaka.css");
const FAVICON: &str = include_str!("../static/favicon.svg");
const JS: &str = include_str!("../static/vaka.js");
const PASSKEYS_JS: &str = include_str!("../static/passkeys.js");

async fn static_file(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (body, ct) = match file.as_str() {
        "vaka.css" => (CSS, "text/css; charset=utf-8"),
        "favicon.svg" => (FAVICON, "image/svg+xml"),
        "vaka.js" => (JS, "text/javascript; charset=utf-8"),
        "passkeys.js" => (PASSKEYS_JS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, ct),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

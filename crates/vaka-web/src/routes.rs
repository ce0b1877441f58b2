//! The route table: every route is registered here with the [`Access`] it needs, so that
//! access is declared in one place and the authorisation matrix test can walk all of them.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware;
use axum::routing::{MethodRouter, get, post};
use strum::VariantArray;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use vaka_domain::access::Role;

use crate::auth::check_access;
use crate::identity::Access;
use crate::state::AppState;

/// One registered route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: Method,
    pub path: String,
    pub access: Access,
}

pub struct Routes {
    state: AppState,
    pages: Router<AppState>,
    api: OpenApiRouter<AppState>,
    pub specs: Vec<RouteSpec>,
}

impl Routes {
    pub fn new(state: AppState, api: OpenApiRouter<AppState>) -> Self {
        Self {
            state,
            pages: Router::new(),
            api,
            specs: Vec::new(),
        }
    }

    fn guarded(&self, access: Access, mr: MethodRouter<AppState>) -> MethodRouter<AppState> {
        mr.route_layer(middleware::from_fn_with_state(
            (self.state.clone(), access),
            check_access,
        ))
    }

    fn page(
        mut self,
        method: Method,
        path: &str,
        access: Access,
        mr: MethodRouter<AppState>,
    ) -> Self {
        let mr = self.guarded(access, mr);
        self.pages = self.pages.route(path, mr);
        self.specs.push(RouteSpec {
            method,
            path: path.to_owned(),
            access,
        });
        self
    }

    pub fn get<H, T>(self, path: &str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.page(Method::GET, path, access, get(handler))
    }

    pub fn post<H, T>(self, path: &str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.page(Method::POST, path, access, post(handler))
    }

    /// A page that takes an uploaded file (multipart, up to `limit` bytes).
    pub fn post_upload<H, T>(self, path: &str, access: Access, limit: usize, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.page(
            Method::POST,
            path,
            access,
            post(handler).layer(axum::extract::DefaultBodyLimit::max(limit)),
        )
    }

    /// A JSON API route described by `#[utoipa::path]`; path and method come from there.
    pub fn api(
        mut self,
        access: Access,
        (schemas, mut paths, mr): UtoipaMethodRouter<AppState>,
    ) -> Self {
        for (path, item) in &mut paths.paths {
            for (method, op) in [
                (Method::GET, item.get.as_mut()),
                (Method::POST, item.post.as_mut()),
                (Method::PUT, item.put.as_mut()),
                (Method::PATCH, item.patch.as_mut()),
                (Method::DELETE, item.delete.as_mut()),
            ] {
                if let Some(op) = op {
                    describe_access(op, access);
                    self.specs.push(RouteSpec {
                        method,
                        path: path.clone(),
                        access,
                    });
                }
            }
        }
        let mr = self.guarded(access, mr);
        self.api = self.api.routes((schemas, paths, mr));
        self
    }

    pub fn finish(self) -> (Router<AppState>, OpenApiRouter<AppState>, Vec<RouteSpec>) {
        (self.pages, self.api, self.specs)
    }
}

/// States in the OpenAPI document what an operation needs: `x-vaka-access` (the access code,
/// as in the route table) and `x-vaka-roles` (the roles holding it). Scope — which
/// organisations, units and clients — is checked by the use case and not shown here. Clients
/// use it to know which account an integration needs; `scripts/schemathesis` uses it to fuzz
/// every operation as a caller who may use it.
fn describe_access(op: &mut Operation, access: Access) {
    let roles: Vec<&'static str> = Role::VARIANTS
        .iter()
        .filter(|r| match access {
            Access::Public | Access::LoginFlow | Access::Authenticated => true,
            Access::Permission(p) => r.has(p),
            Access::AnyOf(ps) => ps.iter().any(|p| r.has(*p)),
        })
        .map(|r| r.code())
        .collect();
    let ext: Extensions = [
        (
            "x-vaka-access".to_owned(),
            serde_json::json!(access.describe()),
        ),
        ("x-vaka-roles".to_owned(), serde_json::json!(roles)),
    ]
    .into_iter()
    .collect();
    op.extensions
        .get_or_insert_with(Extensions::default)
        .merge(ext);
}

/// utoipa's method enum as an HTTP method (for documentation of the route table).
pub fn http_method(m: &HttpMethod) -> Method {
    match m {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Trace => Method::TRACE,
    }
}

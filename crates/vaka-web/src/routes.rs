//! The route table: every route is registered here with the [`Access`] it needs, so that
//! access is declared in one place and the authorisation matrix test can walk all of them.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware;
use axum::routing::{MethodRouter, get, post};
use utoipa::openapi::path::HttpMethod;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

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
        (schemas, paths, mr): UtoipaMethodRouter<AppState>,
    ) -> Self {
        for (path, item) in &paths.paths {
            for (method, op) in [
                (Method::GET, item.get.is_some()),
                (Method::POST, item.post.is_some()),
                (Method::PUT, item.put.is_some()),
                (Method::PATCH, item.patch.is_some()),
                (Method::DELETE, item.delete.is_some()),
            ] {
                if op {
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

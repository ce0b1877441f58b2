//! Who is asking: the caller a route is given, session cookies for people, bearer tokens for
//! integrations, and the access a route declares. The check itself is `auth`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use vaka_domain::access::{Permission, Principal};
use vaka_domain::auth::SessionStage;
use vaka_domain::credentials::SessionRecord;
use vaka_service::{Ctx, RequestMeta};

use crate::error::ApiError;
use crate::state::AppState;

/// What a route needs. Every route declares one; there is no default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (login page, health checks, static files).
    Public,
    /// A session in the middle of logging in (code, password change, enrolment pages).
    LoginFlow,
    /// Any fully logged-in user (own profile, overview).
    Authenticated,
    /// A fully logged-in user holding the permission in some role. Scope (which
    /// organisations, units and clients) is checked again by the use case.
    Permission(Permission),
    /// Like `Permission`, for a page that serves holders of any of these (e.g. the form that
    /// creates an account for an administrator and requests one for a provider).
    AnyOf(&'static [Permission]),
}

impl Access {
    pub fn describe(self) -> String {
        match self {
            Access::Public => "public".into(),
            Access::LoginFlow => "login_flow".into(),
            Access::Authenticated => "authenticated".into(),
            Access::Permission(p) => p.code().into(),
            Access::AnyOf(ps) => ps.iter().map(|p| p.code()).collect::<Vec<_>>().join("|"),
        }
    }
}

/// The caller of a protected route, put in the request by the access check.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub session: Option<SessionRecord>,
    pub meta: RequestMeta,
    /// The planned downtime and outages to show on this caller's pages (kept in memory by the
    /// service; empty for the API and the login steps).
    pub banners: Vec<vaka_service::operations::banners::Banner>,
}

impl Caller {
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx::new(&self.principal, &self.meta)
    }

    pub fn csrf(&self) -> &str {
        self.session.as_ref().map_or("", |s| s.csrf_token.as_str())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(ApiError::unauthenticated)
    }
}

/// A session part-way through logging in, with its cookie value.
#[derive(Debug, Clone)]
pub struct LoginSession {
    pub token: String,
    pub session: SessionRecord,
}

impl<S: Send + Sync> FromRequestParts<S> for LoginSession {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<LoginSession>()
            .cloned()
            .ok_or_else(|| Redirect::to("/login").into_response())
    }
}

/// The request's facts for the audit log (request id, source address, user agent).
#[derive(Debug, Clone, Default)]
pub struct Meta(pub RequestMeta);

impl<S: Send + Sync> FromRequestParts<S> for Meta {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Meta(
            parts
                .extensions
                .get::<RequestMeta>()
                .cloned()
                .unwrap_or_default(),
        ))
    }
}

pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// The token of an `Authorization: Bearer …` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

pub fn session_cookie(state: &AppState, jar: &CookieJar) -> Option<String> {
    jar.get(state.session_cookie_name())
        .map(|c| c.value().to_owned())
}

/// The cookie that carries a session: HttpOnly, SameSite=Lax, Secure behind TLS, no
/// expiry (the server ends sessions).
pub fn make_session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    let mut c = Cookie::new(state.session_cookie_name(), token);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_path("/");
    c.set_secure(state.config.secure_cookies);
    c
}

pub fn clear_session_cookie(state: &AppState) -> Cookie<'static> {
    let mut c = make_session_cookie(state, String::new());
    c.make_removal();
    c
}

/// Where a half-finished login continues.
pub fn stage_page(stage: SessionStage) -> &'static str {
    match stage {
        SessionStage::SecondFactor => "/login/code",
        SessionStage::PasswordChange => "/login/password",
        SessionStage::Enrol => "/login/enrol",
        SessionStage::Full => "/",
    }
}

//! Who is asking: session cookies for people, bearer tokens for integrations, and the access
//! check every route declares.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use vaka_domain::access::{Permission, Principal};
use vaka_domain::auth::SessionStage;
use vaka_domain::credentials::SessionRecord;
use vaka_service::auth::Authenticated;
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

fn deny(path: &str, status: StatusCode) -> Response {
    if is_api(path) {
        match status {
            StatusCode::UNAUTHORIZED => ApiError::unauthenticated().into_response(),
            _ => ApiError::forbidden(vaka_domain::reason::AccessReason::NoAccessToThis)
                .into_response(),
        }
    } else if status == StatusCode::UNAUTHORIZED {
        let next = urlencode(path);
        Redirect::to(&format!("/login?next={next}")).into_response()
    } else {
        crate::ui::pages::forbidden_page(Default::default())
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The access check in front of every route: resolves the caller and enforces the route's
/// declared [`Access`].
pub async fn check_access(
    State((state, access)): State<(AppState, Access)>,
    jar: CookieJar,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let meta = req
        .extensions()
        .get::<RequestMeta>()
        .cloned()
        .unwrap_or_default();
    if access == Access::Public {
        return next.run(req).await;
    }

    // Bearer tokens (integrations) on the API only.
    if is_api(&path)
        && let Some(token) = bearer(req.headers())
    {
        return match state.services.authenticate_token(token, &meta).await {
            Ok(auth) => admit(&state, access, auth, meta, req, next, &path).await,
            Err(vaka_service::ServiceError::Unauthenticated) => {
                deny(&path, StatusCode::UNAUTHORIZED)
            }
            Err(e) => ApiError::from(e).into_response(),
        };
    }

    let Some(token) = session_cookie(&state, &jar) else {
        return deny(&path, StatusCode::UNAUTHORIZED);
    };
    let auth = match state.services.authenticate_session(&token).await {
        Ok(Some(a)) => a,
        Ok(None) => {
            let res = deny(&path, StatusCode::UNAUTHORIZED);
            return (jar.add(clear_session_cookie(&state)), res).into_response();
        }
        Err(e) => return crate::ui::pages::error_response(&path, e.into(), Default::default()),
    };
    let Some(session) = auth.session.clone() else {
        return deny(&path, StatusCode::UNAUTHORIZED);
    };

    // Forms posted with a session must carry the session's token (besides the Origin check).
    if req.method() == Method::POST && !is_api(&path) {
        match crate::csrf::verify_form_token(req, &session.csrf_token).await {
            Ok(r) => req = r,
            Err(res) => return res,
        }
    }
    if access == Access::LoginFlow {
        req.extensions_mut().insert(LoginSession {
            token: token.clone(),
            session: session.clone(),
        });
        req.extensions_mut().insert(Caller {
            principal: auth.principal,
            session: Some(session),
            meta,
        });
        return next.run(req).await;
    }
    if session.stage != SessionStage::Full {
        return if is_api(&path) {
            deny(&path, StatusCode::UNAUTHORIZED)
        } else {
            Redirect::to(stage_page(session.stage)).into_response()
        };
    }
    admit(&state, access, auth, meta, req, next, &path).await
}

async fn admit(
    state: &AppState,
    access: Access,
    auth: Authenticated,
    meta: RequestMeta,
    mut req: Request,
    next: Next,
    path: &str,
) -> Response {
    let allowed = match access {
        Access::Public | Access::LoginFlow | Access::Authenticated => true,
        Access::Permission(p) => auth.principal.has_permission(p),
        Access::AnyOf(ps) => ps.iter().any(|p| auth.principal.has_permission(*p)),
    };
    if !allowed {
        let route = req
            .extensions()
            .get::<axum::extract::MatchedPath>()
            .map_or_else(|| "?".to_owned(), |m| m.as_str().to_owned());
        tracing::info!(%route, "access denied by route permission");
        if let Err(e) = state
            .services
            .audit_route_denied(
                &Ctx::new(&auth.principal, &meta),
                &route,
                &access.describe(),
            )
            .await
        {
            return ApiError::from(e).into_response();
        }
        return deny(path, StatusCode::FORBIDDEN);
    }
    req.extensions_mut().insert(Caller {
        principal: auth.principal,
        session: auth.session,
        meta,
    });
    next.run(req).await
}

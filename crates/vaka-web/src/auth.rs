//! The access check every route passes: the session cookie or bearer token is resolved to a
//! caller (see `identity`), the route's declared access is enforced, and form posts are held
//! to their CSRF token.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;

use vaka_domain::auth::SessionStage;
use vaka_service::auth::Authenticated;
use vaka_service::{Ctx, RequestMeta};

use crate::error::ApiError;
use crate::identity::{
    Access, Caller, LoginSession, bearer, clear_session_cookie, is_api, session_cookie, stage_page,
};
use crate::state::AppState;

/// Refuses a request for `path`; a page asked for without a login goes to the login, which
/// comes back to `back` (the path with its query: a tag's URL keeps its one-time code).
fn deny_back(path: &str, back: &str, status: StatusCode) -> Response {
    if status == StatusCode::UNAUTHORIZED && !is_api(path) {
        let next = urlencode(back);
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    deny(path, status)
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
        crate::page::forbidden_page(crate::page::PageCtx::default())
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
    let back = req
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), |p| p.as_str().to_owned());
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
        return deny_back(&path, &back, StatusCode::UNAUTHORIZED);
    };
    let auth = match state.services.authenticate_session(&token).await {
        Ok(Some(a)) => a,
        Ok(None) => {
            let res = deny_back(&path, &back, StatusCode::UNAUTHORIZED);
            return (jar.add(clear_session_cookie(&state)), res).into_response();
        }
        Err(e) => {
            return crate::page::error_response(&path, e.into(), crate::page::PageCtx::default());
        }
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
            banners: Vec::new(),
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
    // Pages show the current planned downtime and outages; a failure to read them must not
    // keep anyone from working, so it is logged and the page goes without.
    let banners = if is_api(path) {
        Vec::new()
    } else {
        state
            .services
            .banners(&auth.principal)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "banners unavailable");
                Vec::new()
            })
    };
    req.extensions_mut().insert(Caller {
        principal: auth.principal,
        session: auth.session,
        meta,
        banners,
    });
    next.run(req).await
}

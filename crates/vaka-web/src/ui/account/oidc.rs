//! Login through an identity provider (SITHS eID over OpenID Connect): the button's start, the
//! provider's return, and the provider's logout; and the step-up there (a logged-in person
//! confirms a sensitive action by authenticating at the provider again). The flow itself is
//! `vaka-oidc`'s; the login under way and the account are the service's.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;
use vaka_domain::auth::SessionStage;
use vaka_oidc::{OidcError, Provider};
use vaka_service::auth::{OidcOutcome, OidcPending, OidcStepUp, OidcVouched};
use vaka_service::{Ctx, RequestMeta};

use super::login::{client_ip, next_cookie, safe_next};
use crate::extract::{Path, Query};
use crate::i18n::Tr;
use crate::identity::{Caller, Meta, make_session_cookie, session_cookie, stage_page};
use crate::page::{PageCtx, Req, message};
use crate::state::AppState;

/// Keeps the provider and its id token after an identity provider's login, for the
/// provider's logout (`id_token_hint`). Not a credential: the session cookie is.
const OIDC_COOKIE: &str = "vaka_oidc";

/// Binds a login under way to the browser that started it: the state, which the provider
/// sends back, must also come back as this cookie. Without it, someone could start a login
/// with their own card and have another person's browser finish it (a login CSRF, RFC 6749
/// §10.12): that browser would then work in the stranger's name.
const STATE_COOKIE: &str = "vaka_oidc_state";

fn state_cookie(state: &AppState, value: String) -> Cookie<'static> {
    let mut c = Cookie::new(STATE_COOKIE, value);
    c.set_http_only(true);
    // Lax: sent on the provider's top-level redirect back to us.
    c.set_same_site(SameSite::Lax);
    c.set_path("/login/oidc");
    c.set_max_age(cookie::time::Duration::minutes(10));
    c.set_secure(state.config.secure_cookies);
    c
}

/// Whether the browser's state cookie is the returned state (in constant time).
fn bound_to_this_browser(jar: &CookieJar, returned: &str) -> bool {
    use subtle::ConstantTimeEq;
    jar.get(STATE_COOKIE)
        .is_some_and(|c| bool::from(c.value().as_bytes().ct_eq(returned.as_bytes())))
}

/// The login page's buttons: each provider's id and words.
pub fn buttons(state: &AppState, t: Tr) -> Vec<(String, String)> {
    state
        .config
        .oidc
        .iter()
        .map(|p| {
            (
                p.settings.id.clone(),
                t.message(
                    "oidc-button",
                    &[("provider", p.settings.label.as_str().into())],
                )
                .into_owned(),
            )
        })
        .collect()
}

/// The base of the addresses the provider sends the browser back to: `public_url`, else the
/// request's host (only a plain host name or address and port).
fn base_url(state: &AppState, headers: &HeaderMap) -> Option<String> {
    if let Some(u) = &state.config.public_url {
        return Some(u.trim_end_matches('/').to_owned());
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let plain = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !plain {
        return None;
    }
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    Some(format!("{scheme}://{host}"))
}

fn callback_url(base: &str, provider: &Provider) -> String {
    format!("{base}/login/oidc/{}/callback", provider.settings.id)
}

/// Where the provider sends the browser after its logout (register it with the provider).
fn after_logout_url(base: &str) -> String {
    format!("{base}/login?ok=login-logged_out")
}

/// A page of the provider's login with a way back to the login page.
fn page(t: Tr, status: StatusCode, provider: &str, text: &str) -> Response {
    page_back(t, status, provider, text, "/login")
}

fn page_back(t: Tr, status: StatusCode, provider: &str, text: &str, back: &str) -> Response {
    message(
        status,
        PageCtx::anonymous(t),
        &t.message("oidc-title", &[("provider", provider.into())]),
        text,
        back,
    )
}

fn unknown_provider(t: Tr) -> Response {
    message(
        StatusCode::NOT_FOUND,
        PageCtx::anonymous(t),
        &t.t("login-title"),
        &t.t("oidc-unknown_provider"),
        "/login",
    )
}

/// The provider cannot be reached: say so, and that the local login still works.
fn provider_down(t: Tr, provider: &Provider, e: &OidcError) -> Response {
    tracing::warn!(provider = %provider.settings.id, error = %e, "identity provider unreachable");
    let label = provider.settings.label.as_str();
    page(
        t,
        StatusCode::SERVICE_UNAVAILABLE,
        label,
        &t.message("oidc-down", &[("provider", label.into())]),
    )
}

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    pub next: Option<String>,
}

/// The button: the login goes to the provider, its state kept by the service. Counted with
/// the password logins per address: each start keeps a row for ten minutes.
pub async fn start(
    State(state): State<AppState>,
    t: Tr,
    headers: HeaderMap,
    Meta(meta): Meta,
    Path(id): Path<String>,
    Query(q): Query<StartQuery>,
) -> Response {
    let Some(provider) = state.config.oidc.get(&id) else {
        return unknown_provider(t);
    };
    if !state.login_limiter.allow(client_ip(&meta)) {
        return page(
            t,
            StatusCode::TOO_MANY_REQUESTS,
            &provider.settings.label,
            &t.t("login-rate_limited"),
        );
    }
    let Some(base) = base_url(&state, &headers) else {
        return unknown_provider(t);
    };
    let begun = match provider.begin(&callback_url(&base, provider), false).await {
        Ok(b) => b,
        Err(e) => return provider_down(t, provider, &e),
    };
    let next = safe_next(q.next.as_deref());
    if let Err(e) = state
        .services
        .oidc_login_started(
            &provider.settings.id,
            &begun.state,
            &begun.nonce,
            &begun.pkce_verifier,
            next.as_deref(),
        )
        .await
    {
        return crate::page::error_response("/login", e.into(), PageCtx::anonymous(t));
    }
    let jar = CookieJar::new().add(state_cookie(&state, begun.state.clone()));
    (jar, Redirect::to(&begun.url)).into_response()
}

/// A button that confirms a sensitive action at a provider: the form's own submit button,
/// posting (with the form's `_csrf`) to the step-up instead of the action.
#[derive(Debug, Clone)]
pub struct StepUpButton {
    pub action: String,
    pub label: String,
}

/// How a page's step-up prompt looks for the caller.
#[derive(Debug, Clone, Default)]
pub struct StepUpOffer {
    /// One per provider, when a step-up is needed and the caller's account has an HSA-id.
    pub buttons: Vec<StepUpButton>,
    /// The caller has no TOTP: the code field is left out (a provider's step-up is the way).
    pub no_code: bool,
}

/// The step-up buttons of a page at `here` (its path, where the step-up comes back to).
pub async fn step_up_offer(state: &AppState, caller: &Caller, t: Tr, here: &str) -> StepUpOffer {
    if state.config.oidc.is_empty()
        || !state
            .services
            .needs_fresh_second_factor(caller.session.as_ref())
    {
        return StepUpOffer::default();
    }
    let Ok((user, _)) = state.services.own_account(&caller.ctx()).await else {
        return StepUpOffer::default();
    };
    if user.hsa_id.is_none() {
        return StepUpOffer::default();
    }
    let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
    StepUpOffer {
        buttons: state
            .config
            .oidc
            .iter()
            .map(|p| StepUpButton {
                action: format!("/login/oidc/{}/step-up?next={next}", p.settings.id),
                label: t
                    .message(
                        "oidc-step_up",
                        &[("provider", p.settings.label.as_str().into())],
                    )
                    .into_owned(),
            })
            .collect(),
        no_code: !user.totp_enabled,
    }
}

/// The step-up's start (posted by a sensitive form's button): the person goes to the provider
/// to authenticate again, the step-up kept by the service for this session.
pub async fn step_up(
    Req { state, t, caller }: Req,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<StartQuery>,
) -> Response {
    let Some(provider) = state.config.oidc.get(&id) else {
        return unknown_provider(t);
    };
    let Some(base) = base_url(&state, &headers) else {
        return unknown_provider(t);
    };
    let next = safe_next(q.next.as_deref()).unwrap_or_else(|| "/".to_owned());
    // Counted with the logins per address, as the login's start is: each keeps a row.
    if !state.login_limiter.allow(client_ip(&caller.meta)) {
        let label = provider.settings.label.as_str();
        let text = t.t("login-rate_limited");
        return page_back(t, StatusCode::TOO_MANY_REQUESTS, label, &text, &next);
    }
    let begun = match provider.begin(&callback_url(&base, provider), true).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(provider = %id, error = %e, "identity provider unreachable");
            let label = provider.settings.label.as_str();
            let text = t.message("oidc-step_up_down", &[("provider", label.into())]);
            return page_back(t, StatusCode::SERVICE_UNAVAILABLE, label, &text, &next);
        }
    };
    if let Err(e) = state
        .services
        .oidc_step_up_started(
            &caller.ctx(),
            &provider.settings.id,
            &begun.state,
            &begun.nonce,
            &begun.pkce_verifier,
            Some(&next),
        )
        .await
    {
        return crate::page::error_response(&next, e.into(), PageCtx::for_caller(&caller, t, ""));
    }
    let jar = CookieJar::new().add(state_cookie(&state, begun.state.clone()));
    (jar, Redirect::to(&begun.url)).into_response()
}

/// The return of a step-up: in the session that started it, for that account.
async fn step_up_returned(
    state: &AppState,
    t: Tr,
    jar: &CookieJar,
    meta: &RequestMeta,
    pending: OidcPending,
    vouched: &OidcVouched<'_>,
    label: &str,
) -> Response {
    let back = pending.next.clone().unwrap_or_else(|| "/".to_owned());
    let Some(session) = pending.step_up_session else {
        return page_back(
            t,
            StatusCode::BAD_REQUEST,
            label,
            &t.t("oidc-state_unknown"),
            &back,
        );
    };
    let auth = match session_cookie(state, jar) {
        Some(token) => state.services.authenticate_session(&token).await,
        None => Ok(None),
    };
    let auth = match auth {
        Ok(Some(a))
            if a.session
                .as_ref()
                .is_some_and(|s| s.id == session && s.stage == SessionStage::Full) =>
        {
            a
        }
        Ok(_) => {
            // Logged out, or in again, since the step-up began: it renews no other session.
            let reason = "step-up returned in another session";
            if let Err(e) = state
                .services
                .oidc_login_failed(vouched.provider, reason, meta)
                .await
            {
                return crate::page::error_response("/login", e.into(), PageCtx::anonymous(t));
            }
            let text = t.t("oidc-step_up_session");
            return page_back(t, StatusCode::FORBIDDEN, label, &text, "/login");
        }
        Err(e) => return crate::page::error_response(&back, e.into(), PageCtx::anonymous(t)),
    };
    let ctx = Ctx::new(&auth.principal, meta);
    match state.services.oidc_step_up(&ctx, vouched, session).await {
        Ok(OidcStepUp::Confirmed) => Redirect::to(&back).into_response(),
        Ok(OidcStepUp::OtherPerson) => {
            let text = t.message("oidc-step_up_other_person", &[("provider", label.into())]);
            page_back(t, StatusCode::FORBIDDEN, label, &text, &back)
        }
        Ok(OidcStepUp::OneFactor) => {
            let text = t.message("oidc-step_up_one_factor", &[("provider", label.into())]);
            page_back(t, StatusCode::FORBIDDEN, label, &text, &back)
        }
        Err(e) => crate::page::error_response(&back, e.into(), PageCtx::anonymous(t)),
    }
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

/// An OAuth error code as the page may show it: letters and `_` only, short.
fn error_code(e: &str) -> String {
    e.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(40)
        .collect()
}

/// The provider's return: the state taken once, the code exchanged, the id token verified,
/// the account found by its HSA-id.
pub async fn callback(
    State(state): State<AppState>,
    t: Tr,
    jar: CookieJar,
    headers: HeaderMap,
    Meta(meta): Meta,
    Path(id): Path<String>,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let Some(provider) = state.config.oidc.get(&id) else {
        return unknown_provider(t);
    };
    let label = provider.settings.label.as_str();
    let again = |status, text: &str| page(t, status, label, text);
    let Some(base) = base_url(&state, &headers) else {
        return unknown_provider(t);
    };
    let pending = match q.state.as_deref() {
        Some(s) if !s.is_empty() && !bound_to_this_browser(&jar, s) => {
            // Not this browser's login: left for the browser that started it.
            let reason = "state not from this browser";
            if let Err(e) = state.services.oidc_login_failed(&id, reason, &meta).await {
                return crate::page::error_response("/login", e.into(), PageCtx::anonymous(t));
            }
            return again(StatusCode::BAD_REQUEST, &t.t("oidc-state_unknown"));
        }
        Some(s) if !s.is_empty() => state.services.oidc_login_returned(&id, s, &meta).await,
        _ => Ok(None),
    };
    let mut used = state_cookie(&state, String::new());
    used.make_removal();
    let jar = jar.add(used);
    let pending = match pending {
        Ok(Some(p)) => p,
        Ok(None) => return again(StatusCode::BAD_REQUEST, &t.t("oidc-state_unknown")),
        Err(e) => return crate::page::error_response("/login", e.into(), PageCtx::anonymous(t)),
    };
    let code = match (q.error.as_deref(), q.code.as_deref()) {
        (None, Some(c)) if !c.is_empty() => c,
        (error, _) => {
            let error = error_code(error.unwrap_or("no_code"));
            let reason = format!("provider error: {error}");
            if let Err(e) = state.services.oidc_login_failed(&id, &reason, &meta).await {
                return crate::page::error_response("/login", e.into(), PageCtx::anonymous(t));
            }
            let text = t.message(
                "oidc-provider_said_no",
                &[("provider", label.into()), ("error", error.into())],
            );
            return again(StatusCode::UNAUTHORIZED, &text);
        }
    };
    let finished = provider
        .finish(
            &callback_url(&base, provider),
            code,
            &pending.pkce_verifier,
            &pending.nonce,
            state.services.now(),
            // A step-up: the person must have authenticated after it began.
            pending.step_up_session.map(|_| pending.started_at),
        )
        .await;
    let finished = match finished {
        Ok(f) => f,
        Err(e @ OidcError::ProviderDown { .. }) => return provider_down(t, provider, &e),
        Err(e) => {
            let reason = match &e {
                OidcError::Token(r) => format!("token refused: {}", r.code()),
                OidcError::CodeRefused(c) => format!("code refused: {}", error_code(c)),
                OidcError::NoIdToken => "no id token".to_owned(),
                _ => "settings".to_owned(),
            };
            tracing::warn!(provider = %id, %reason, "identity provider login not verified");
            if let Err(e) = state.services.oidc_login_failed(&id, &reason, &meta).await {
                return crate::page::error_response("/login", e.into(), PageCtx::anonymous(t));
            }
            let text = t.message("oidc-not_verified", &[("provider", label.into())]);
            return again(StatusCode::UNAUTHORIZED, &text);
        }
    };
    let vouched = OidcVouched {
        provider: &id,
        account_key: &finished.login.account_key,
        acr: finished.login.acr.as_deref(),
        two_factors: finished.login.two_factors,
    };
    if pending.step_up_session.is_some() {
        let res = step_up_returned(&state, t, &jar, &meta, pending, &vouched, label).await;
        return (jar, res).into_response();
    }
    match state.services.oidc_login(&vouched, &meta).await {
        Ok(OidcOutcome::Session(new)) => {
            let stage = new.session.stage;
            let (target, jar) = match (stage, pending.next) {
                (SessionStage::Full, Some(n)) => (n, jar),
                (stage, Some(n)) => (
                    stage_page(stage).to_owned(),
                    jar.add(next_cookie(&state, n)),
                ),
                (stage, None) => (stage_page(stage).to_owned(), jar),
            };
            let jar = jar
                .add(make_session_cookie(&state, new.token))
                .add(provider_cookie(&state, &id, &finished.id_token));
            (jar, Redirect::to(&target)).into_response()
        }
        Ok(OidcOutcome::UnknownAccount) => {
            let text = t.message(
                "oidc-unknown_account",
                &[
                    ("provider", label.into()),
                    ("hsa_id", finished.login.account_key.as_str().into()),
                ],
            );
            again(StatusCode::FORBIDDEN, &text)
        }
        Ok(OidcOutcome::Refused) => again(StatusCode::FORBIDDEN, &t.t("oidc-refused")),
        Err(e) => crate::page::error_response("/login", e.into(), PageCtx::anonymous(t)),
    }
}

fn provider_cookie(state: &AppState, provider: &str, id_token: &str) -> Cookie<'static> {
    let mut c = Cookie::new(OIDC_COOKIE, format!("{provider}.{id_token}"));
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_path("/");
    c.set_secure(state.config.secure_cookies);
    c
}

/// At logout: the provider's logout address, when the login was through a provider that
/// offers one (and can be reached); the jar without the provider's cookie.
pub async fn end_provider_session(
    state: &AppState,
    jar: CookieJar,
    headers: &HeaderMap,
) -> (CookieJar, Option<String>) {
    let Some(value) = jar.get(OIDC_COOKIE).map(|c| c.value().to_owned()) else {
        return (jar, None);
    };
    let mut gone = provider_cookie(state, "", "");
    gone.make_removal();
    let jar = jar.add(gone);
    let Some((id, id_token)) = value.split_once('.') else {
        return (jar, None);
    };
    let (Some(provider), Some(base)) = (state.config.oidc.get(id), base_url(state, headers)) else {
        return (jar, None);
    };
    let url = provider
        .logout_url(id_token, &after_logout_url(&base))
        .await;
    (jar, url)
}

//! The login pages: password, code, forced password change, enrolment, logout, language.

use std::net::{IpAddr, Ipv4Addr};

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use jiff::tz::TimeZone;
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;
use vaka_domain::auth::SessionStage;
use vaka_service::auth::{SteppedUp, current_totp_code, looks_like_passkey};
use vaka_service::{RequestMeta, ServiceError};

use crate::error::ApiError;
use crate::extract::{Form, Query};
use crate::i18n::{Lang, Tr};
use crate::identity::{
    Caller, LoginSession, Meta, clear_session_cookie, make_session_cookie, session_cookie,
    stage_page,
};
use crate::page::{LANG_COOKIE, PageCtx, Req, message, render};
use crate::state::AppState;

pub struct DemoRow {
    pub username: String,
    pub password: String,
    pub roles: String,
    pub code: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub page: PageCtx,
    pub username: String,
    pub next: Option<String>,
    pub demo: Vec<DemoRow>,
    /// The identity providers' buttons: id and words ("Logga in med SITHS eID").
    pub providers: Vec<(String, String)>,
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    pub next: Option<String>,
    pub ok: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
}

/// Only local paths are followed after login (no open redirect).
pub(super) fn safe_next(next: Option<&str>) -> Option<String> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .map(str::to_owned)
}

fn demo_rows(state: &AppState, t: Tr) -> Vec<DemoRow> {
    let now = state.services.now();
    state
        .demo_logins
        .iter()
        .map(|d| DemoRow {
            username: d.username.clone(),
            password: d.password.clone(),
            roles: d
                .roles
                .iter()
                .map(|r| t.code("role", r))
                .collect::<Vec<_>>()
                .join(", "),
            code: d
                .totp_secret
                .as_deref()
                .and_then(|s| current_totp_code(s, now).ok()),
        })
        .collect()
}

fn login_page(
    state: &AppState,
    page: PageCtx,
    username: String,
    next: Option<String>,
) -> LoginPage {
    let demo = demo_rows(state, page.t);
    let providers = super::oidc::buttons(state, page.t);
    LoginPage {
        page,
        username,
        next,
        demo,
        providers,
    }
}

pub async fn login_form(
    State(state): State<AppState>,
    t: Tr,
    jar: CookieJar,
    Query(q): Query<LoginQuery>,
) -> Response {
    if let Some(token) = session_cookie(&state, &jar)
        && let Ok(Some(auth)) = state.services.authenticate_session(&token).await
        && let Some(s) = auth.session
    {
        return Redirect::to(stage_page(s.stage)).into_response();
    }
    let page = PageCtx::anonymous(t).with_flash_key(q.ok.as_deref());
    render(
        StatusCode::OK,
        &login_page(&state, page, String::new(), safe_next(q.next.as_deref())),
    )
}

pub(super) fn client_ip(meta: &RequestMeta) -> IpAddr {
    meta.source_ip
        .as_deref()
        .and_then(|s| s.parse().ok())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

fn stockholm_time(ts: jiff::Timestamp) -> String {
    ts.to_zoned(TimeZone::get("Europe/Stockholm").unwrap_or(TimeZone::UTC))
        .strftime("%H:%M")
        .to_string()
}

pub async fn login_submit(
    State(state): State<AppState>,
    t: Tr,
    jar: CookieJar,
    Meta(meta): Meta,
    Query(q): Query<LoginQuery>,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    let fail = |status: StatusCode, msg: String| {
        let mut page = PageCtx::anonymous(t);
        page.error = Some(msg);
        render(
            status,
            &login_page(&state, page, form.username.clone(), next.clone()),
        )
    };
    if !state.login_limiter.allow(client_ip(&meta)) {
        return fail(
            StatusCode::TOO_MANY_REQUESTS,
            t.t("login-rate_limited").into_owned(),
        );
    }
    match state
        .services
        .login(&form.username, &form.password, &meta)
        .await
    {
        Ok(new) => {
            let (target, jar) = match (new.session.stage, next) {
                (SessionStage::Full, Some(n)) => (n, jar),
                // The page asked for (`/app` on a phone) waits for the second factor.
                (stage, Some(n)) => (
                    stage_page(stage).to_owned(),
                    jar.add(next_cookie(&state, n)),
                ),
                (stage, None) => (stage_page(stage).to_owned(), jar),
            };
            (
                jar.add(make_session_cookie(&state, new.token)),
                Redirect::to(&target),
            )
                .into_response()
        }
        // A locked account answers like a wrong password (the service says so): the page
        // must not tell a guesser which names exist.
        Err(ServiceError::Unauthenticated) => {
            fail(StatusCode::UNAUTHORIZED, t.t("login-failed").into_owned())
        }
        Err(e) => crate::page::error_response("/login", e.into(), PageCtx::anonymous(t)),
    }
}

#[derive(Template)]
#[template(path = "login_code.html")]
pub struct CodePage {
    pub page: PageCtx,
    /// The account has a passkey (and passkeys work here): offer it beside the code.
    pub passkeys: bool,
}

fn login_page_ctx(caller: &Caller, t: Tr) -> PageCtx {
    PageCtx {
        csrf: caller.csrf().to_owned(),
        ..PageCtx::anonymous(t)
    }
}

/// The form of one stage of a login, shown only at that stage; at any other the login goes to
/// its own stage's page.
fn stage_form<T: Template>(
    login: &LoginSession,
    stage: SessionStage,
    page: PageCtx,
    form: fn(PageCtx) -> T,
) -> Response {
    if login.session.stage != stage {
        return Redirect::to(stage_page(login.session.stage)).into_response();
    }
    render(StatusCode::OK, &form(page))
}

pub async fn code_form(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    login: LoginSession,
) -> Response {
    let passkeys = has_passkeys(&state, &login, &caller).await;
    if login.session.stage != SessionStage::SecondFactor {
        return Redirect::to(stage_page(login.session.stage)).into_response();
    }
    render(
        StatusCode::OK,
        &CodePage {
            page: login_page_ctx(&caller, t),
            passkeys,
        },
    )
}

/// Whether the code step offers a passkey (a failure to tell only hides the offer).
async fn has_passkeys(state: &AppState, login: &LoginSession, caller: &Caller) -> bool {
    login.session.stage == SessionStage::SecondFactor
        && state
            .services
            .login_has_passkeys(&login.token, &caller.meta)
            .await
            .unwrap_or(false)
}

/// A challenge for a passkey at the login's code step (JSON for `passkeys.js`); the answer
/// comes back as the code form's `code`.
pub async fn passkey_challenge(
    State(state): State<AppState>,
    caller: Caller,
    login: LoginSession,
) -> Result<axum::Json<PasskeyChallengeDto>, ApiError> {
    let c = state
        .services
        .begin_login_passkey(&login.token, &caller.meta)
        .await?;
    Ok(axum::Json(PasskeyChallengeDto::from(c)))
}

/// A passkey ceremony begun: the id its answer names, and the options for the browser.
#[derive(Debug, serde::Serialize)]
pub struct PasskeyChallengeDto {
    pub challenge: vaka_domain::ids::PasskeyChallengeId,
    pub options: serde_json::Value,
}

impl From<vaka_service::auth::PasskeyChallenge> for PasskeyChallengeDto {
    fn from(c: vaka_service::auth::PasskeyChallenge) -> Self {
        Self {
            challenge: c.id,
            options: c.options,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    pub code: String,
}

/// The end of a login whose session is gone or locked: back to the start.
fn restart(state: &AppState, jar: CookieJar, t: Tr, text: &str) -> Response {
    let res = message(
        StatusCode::UNAUTHORIZED,
        PageCtx::anonymous(t),
        &t.t("login-title"),
        text,
        "/login",
    );
    (jar.add(clear_session_cookie(state)), res).into_response()
}

/// After a step of the login: the browser gets the session's new id (the old one no longer
/// works) and goes on to the next stage.
fn stepped_up(state: &AppState, jar: CookieJar, up: &SteppedUp) -> Response {
    // A fully logged-in user goes to the page the login started from, if it named one.
    let next = (up.stage == SessionStage::Full)
        .then(|| {
            jar.get(NEXT_COOKIE)
                .and_then(|c| safe_next(Some(c.value())))
        })
        .flatten();
    let jar = if next.is_some() {
        let mut gone = next_cookie(state, String::new());
        gone.make_removal();
        jar.add(gone)
    } else {
        jar
    };
    let target = next.unwrap_or_else(|| stage_page(up.stage).to_owned());
    (
        jar.add(make_session_cookie(state, up.token.clone())),
        Redirect::to(&target),
    )
        .into_response()
}

/// Where a login that needs more steps goes once it is done (a page, never another site).
const NEXT_COOKIE: &str = "vaka_login_next";

pub(super) fn next_cookie(state: &AppState, next: String) -> Cookie<'static> {
    let mut c = Cookie::new(NEXT_COOKIE, next);
    c.set_secure(state.config.secure_cookies);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_path("/login");
    c.set_max_age(cookie::time::Duration::minutes(10));
    c
}

pub async fn code_submit(
    State(state): State<AppState>,
    t: Tr,
    jar: CookieJar,
    caller: Caller,
    login: LoginSession,
    Form(form): Form<CodeForm>,
) -> Response {
    let passkey = looks_like_passkey(&form.code);
    match state
        .services
        .second_factor(&login.token, &form.code, &caller.meta)
        .await
    {
        Ok(up) => stepped_up(&state, jar, &up),
        Err(ServiceError::Unauthenticated) => {
            // A lock removes the session; then start over.
            match state.services.authenticate_session(&login.token).await {
                Ok(Some(_)) => {
                    let mut page = login_page_ctx(&caller, t);
                    let wrong = if passkey {
                        "passkey-refused_login"
                    } else {
                        "login-code_wrong"
                    };
                    page.error = Some(t.t(wrong).into_owned());
                    let passkeys = has_passkeys(&state, &login, &caller).await;
                    render(StatusCode::UNAUTHORIZED, &CodePage { page, passkeys })
                }
                _ => restart(
                    &state,
                    jar,
                    t,
                    &format!("{} {}", t.t("login-locked"), t.t("login-session_gone")),
                ),
            }
        }
        Err(ServiceError::Locked { until }) => restart(
            &state,
            jar,
            t,
            &format!("{} {}.", t.t("login-locked"), stockholm_time(until)),
        ),
        Err(ServiceError::Conflict(_)) => {
            Redirect::to(stage_page(login.session.stage)).into_response()
        }
        // A passkey's answer that is no answer: said on the page, nothing counted.
        Err(e @ ServiceError::Invalid { .. }) => {
            let page = login_page_ctx(&caller, t).with_error(&e.into());
            let passkeys = has_passkeys(&state, &login, &caller).await;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &CodePage { page, passkeys },
            )
        }
        Err(e) => crate::page::error_response("/login/code", e.into(), login_page_ctx(&caller, t)),
    }
}

#[derive(Template)]
#[template(path = "login_password.html")]
pub struct PasswordPage {
    pub page: PageCtx,
}

pub async fn password_form(t: Tr, caller: Caller, login: LoginSession) -> Response {
    stage_form(
        &login,
        SessionStage::PasswordChange,
        login_page_ctx(&caller, t),
        |page| PasswordPage { page },
    )
}

#[derive(Debug, Deserialize)]
pub struct NewPasswordForm {
    pub new_password: String,
    pub repeat: String,
}

pub async fn password_submit(
    Req { state, t, caller }: Req,
    jar: CookieJar,
    login: LoginSession,
    Form(form): Form<NewPasswordForm>,
) -> Response {
    let again = |msg: String| {
        let mut page = login_page_ctx(&caller, t);
        page.error = Some(msg);
        render(StatusCode::UNPROCESSABLE_ENTITY, &PasswordPage { page })
    };
    if form.new_password != form.repeat {
        return again(t.t("password-mismatch").into_owned());
    }
    match state
        .services
        .forced_password_change(&login.token, &form.new_password, &caller.meta)
        .await
    {
        Ok(up) => stepped_up(&state, jar, &up),
        Err(ServiceError::Conflict(_)) => {
            Redirect::to(stage_page(login.session.stage)).into_response()
        }
        Err(e) => again(crate::page::describe(t, &ApiError::from(e))),
    }
}

#[derive(Template)]
#[template(path = "enrol.html")]
pub struct EnrolPage {
    pub page: PageCtx,
    pub qr_svg: String,
    pub secret: String,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
pub struct CodesPage {
    pub page: PageCtx,
    pub heading: String,
    pub codes: Vec<String>,
}

fn qr_svg(data: &str) -> String {
    QrCode::new(data.as_bytes())
        .map(|code| {
            code.render::<svg::Color<'_>>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}

fn enrol_allowed(stage: SessionStage) -> bool {
    matches!(stage, SessionStage::Enrol | SessionStage::Full)
}

pub async fn enrol_form(Req { state, t, caller }: Req, login: LoginSession) -> Response {
    if !enrol_allowed(login.session.stage) {
        return Redirect::to(stage_page(login.session.stage)).into_response();
    }
    let page = if login.session.stage == SessionStage::Full {
        PageCtx::for_caller(&caller, t, "profile")
    } else {
        login_page_ctx(&caller, t)
    };
    match state
        .services
        .begin_enrolment(caller.principal.user_id)
        .await
    {
        Ok(e) => render(
            StatusCode::OK,
            &EnrolPage {
                qr_svg: qr_svg(&e.otpauth_url),
                secret: e.secret_base32,
                page,
            },
        ),
        Err(ServiceError::Conflict(_)) => {
            let text = t.t("enrol-already");
            message(
                StatusCode::CONFLICT,
                page,
                &t.t("enrol-title"),
                &text,
                "/profile",
            )
        }
        Err(e) => crate::page::error_response("/login/enrol", e.into(), page),
    }
}

pub async fn enrol_submit(
    Req { state, t, caller }: Req,
    jar: CookieJar,
    login: LoginSession,
    Form(form): Form<CodeForm>,
) -> Response {
    if !enrol_allowed(login.session.stage) {
        return Redirect::to(stage_page(login.session.stage)).into_response();
    }
    let full = login.session.stage == SessionStage::Full;
    let page = if full {
        PageCtx::for_caller(&caller, t, "profile")
    } else {
        login_page_ctx(&caller, t)
    };
    match state
        .services
        .confirm_enrolment(
            caller.principal.user_id,
            Some(&login.session),
            &form.code,
            &caller.meta,
        )
        .await
    {
        Ok((codes, token)) => {
            // The session is full now; show navigation from here on.
            let page = PageCtx::for_caller(&caller, t, "profile");
            let shown = render(
                StatusCode::OK,
                &CodesPage {
                    page,
                    heading: t.t("enrol-done_title").into_owned(),
                    codes,
                },
            );
            // A login that stepped up goes on under its new session id.
            match token {
                Some(token) => (jar.add(make_session_cookie(&state, token)), shown).into_response(),
                None => shown,
            }
        }
        Err(e) => {
            let err = ApiError::from(e);
            match state
                .services
                .begin_enrolment(caller.principal.user_id)
                .await
            {
                Ok(en) => render(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &EnrolPage {
                        qr_svg: qr_svg(&en.otpauth_url),
                        secret: en.secret_base32,
                        page: page.with_error(&err),
                    },
                ),
                Err(e2) => crate::page::error_response("/login/enrol", e2.into(), page),
            }
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    Meta(meta): Meta,
) -> Response {
    if let Some(token) = session_cookie(&state, &jar)
        && let Err(e) = state.services.logout(&token, &meta).await
    {
        tracing::warn!(error = %e, "logout failed");
    }
    // A login through an identity provider ends there too, where the provider offers it.
    let (jar, provider_logout) = super::oidc::end_provider_session(&state, jar, &headers).await;
    let target = provider_logout.unwrap_or_else(|| "/login?ok=login-logged_out".to_owned());
    (jar.add(clear_session_cookie(&state)), Redirect::to(&target)).into_response()
}

#[derive(Debug, Deserialize)]
pub struct LangForm {
    pub lang: String,
    #[serde(rename = "_csrf")]
    pub csrf: Option<String>,
}

/// Switches the language and goes back to the page the form was on.
pub async fn set_lang(jar: CookieJar, headers: HeaderMap, Form(form): Form<LangForm>) -> Response {
    let lang = Lang::from_code(&form.lang).unwrap_or_default();
    let mut c = Cookie::new(LANG_COOKIE, lang.code());
    c.set_path("/");
    c.set_same_site(SameSite::Lax);
    c.set_max_age(time_max_age());
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| {
            let host = headers.get(header::HOST)?.to_str().ok()?;
            let rest = r.split_once("://")?.1;
            rest.strip_prefix(host).map(str::to_owned)
        })
        .and_then(|p| safe_next(Some(&p)))
        .unwrap_or_else(|| "/".to_owned());
    (jar.add(c), Redirect::to(&back)).into_response()
}

fn time_max_age() -> cookie::time::Duration {
    cookie::time::Duration::days(365)
}

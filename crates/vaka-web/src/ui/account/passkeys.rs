//! The passkeys on one's profile: adding (the browser makes the passkey between two requests,
//! see `static/passkeys.js`), renaming and removing them, and the challenge of a step-up
//! answered with a passkey. The rules are `vaka_service::auth::passkeys`.

use axum::Json;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::Form;
use crate::page::{OrPage, PageCtx, PageResult, Req, parse_id};
use crate::ui::account::home::profile_page;
use crate::ui::account::login::PasskeyChallengeDto;

#[derive(Debug, Deserialize)]
pub struct AddForm {
    pub name: String,
    /// The browser's answer: `{"challenge", "credential"}` (filled in by `passkeys.js`).
    #[serde(default)]
    pub credential: String,
    /// A current one-time code, a recovery code or a passkey's answer, when the session's
    /// second factor is not fresh.
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct NameForm {
    pub name: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct CodeForm {
    #[serde(default)]
    pub code: Option<String>,
}

/// The challenge for adding a passkey (JSON for `passkeys.js`).
pub async fn registration_challenge(
    Req { state, caller, .. }: Req,
) -> Result<Json<PasskeyChallengeDto>, ApiError> {
    let c = state
        .services
        .begin_passkey_registration(&caller.ctx())
        .await?;
    Ok(Json(c.into()))
}

/// The challenge of a step-up answered with a passkey (JSON for `passkeys.js`); the answer
/// goes in the sensitive form's `code`.
pub async fn step_up_challenge(
    Req { state, caller, .. }: Req,
) -> Result<Json<PasskeyChallengeDto>, ApiError> {
    let c = state.services.begin_step_up_passkey(&caller.ctx()).await?;
    Ok(Json(c.into()))
}

fn code(c: Option<&str>) -> Option<&str> {
    c.map(str::trim).filter(|c| !c.is_empty())
}

pub async fn add(Req { state, t, caller }: Req, Form(form): Form<AddForm>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "profile");
    match state
        .services
        .add_passkey(
            &caller.ctx(),
            &form.name,
            &form.credential,
            code(form.code.as_deref()),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/profile?ok=passkey-added#passkeys").into_response()),
        Err(e) => profile_page(&state, &caller, page.with_error(&e.into())).await,
    }
}

pub async fn rename(
    Req { state, t, caller }: Req,
    Path(raw): Path<String>,
    Form(form): Form<NameForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "profile");
    let id = parse_id(&raw, &page)?;
    match state
        .services
        .rename_passkey(&caller.ctx(), id, &form.name)
        .await
    {
        Ok(()) => Ok(Redirect::to("/profile?ok=passkey-renamed#passkeys").into_response()),
        Err(e @ vaka_service::ServiceError::NotFound(_)) => Err(e).or_page(&page),
        Err(e) => profile_page(&state, &caller, page.with_error(&e.into())).await,
    }
}

pub async fn remove(
    Req { state, t, caller }: Req,
    Path(raw): Path<String>,
    Form(form): Form<CodeForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "profile");
    let id = parse_id(&raw, &page)?;
    match state
        .services
        .remove_passkey(&caller.ctx(), id, code(form.code.as_deref()))
        .await
    {
        Ok(()) => Ok(Redirect::to("/profile?ok=passkey-removed#passkeys").into_response()),
        Err(e @ vaka_service::ServiceError::NotFound(_)) => Err(e).or_page(&page),
        Err(e) => profile_page(&state, &caller, page.with_error(&e.into())).await,
    }
}

/// Whether a step-up prompt offers a passkey beside the code field: a code is asked for now,
/// passkeys work here, and the caller has one.
pub async fn step_up_offered(
    state: &crate::state::AppState,
    caller: &crate::identity::Caller,
) -> bool {
    state.services.passkeys_available()
        && state
            .services
            .needs_fresh_second_factor(caller.session.as_ref())
        && state
            .services
            .own_passkeys(&caller.ctx())
            .await
            .is_ok_and(|k| !k.is_empty())
}

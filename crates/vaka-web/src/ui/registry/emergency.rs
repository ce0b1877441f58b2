//! Emergency access (nödåtkomst) in the pages: the form that opens a client's record from
//! outside one's need-to-know (by identity number, or from the refused client page), the
//! caller's open accesses with their hours, and ending one early.

use askama::Template;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use vaka_domain::emergency_access::EMERGENCY_ACCESS_MINUTES;
use vaka_domain::ids::ClientId;
use vaka_service::registry::emergency::EmergencyInput;

use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::i18n::Arg;
use crate::identity::Caller;
use crate::page::{
    ErrorPage, KeptForm, OrPage, PageCtx, PageResult, Req, after_change, local_time,
};
use crate::state::AppState;

const SECTION: &str = "clients";

/// One of the caller's open accesses.
pub struct OpenRow {
    pub id: String,
    pub client_id: ClientId,
    pub reason: String,
    pub opened: String,
    pub ends: String,
    /// "N minutes left".
    pub left: String,
}

#[derive(Template)]
#[template(path = "emergency_access.html")]
pub struct EmergencyPage {
    pub page: PageCtx,
    /// The client the form is for, when it came from the refused client page.
    pub client_id: Option<ClientId>,
    /// The page answers a refused client page (status 403).
    pub refused: bool,
    /// The terms in a sentence (an hour, flagged, reviewed).
    pub terms: String,
    pub open: Vec<OpenRow>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ForClient {
    pub ok: Option<String>,
    pub client: Option<String>,
}

async fn page_of(
    state: &AppState,
    caller: &Caller,
    page: PageCtx,
    client_id: Option<ClientId>,
    refused: bool,
) -> PageResult {
    let open = state
        .services
        .my_emergency_accesses(&caller.ctx())
        .await
        .or_page(&page)?;
    let now = state.services.now();
    let status = if refused {
        axum::http::StatusCode::FORBIDDEN
    } else {
        page.status()
    };
    Ok(crate::page::render(
        status,
        &EmergencyPage {
            client_id,
            refused,
            terms: page
                .t
                .message(
                    "emergency-terms",
                    &[("minutes", Arg::Int(EMERGENCY_ACCESS_MINUTES))],
                )
                .into_owned(),
            open: open
                .into_iter()
                .map(|a| OpenRow {
                    id: a.id.to_string(),
                    client_id: a.client_id,
                    left: page
                        .t
                        .message(
                            "emergency-minutes-left",
                            &[("minutes", Arg::Int(a.minutes_left(now)))],
                        )
                        .into_owned(),
                    reason: a.reason,
                    opened: local_time(a.opened_at),
                    ends: local_time(a.ends_at),
                })
                .collect(),
            page,
        },
    ))
}

/// The page a client's page gives way to when the client is outside the caller's reach: the
/// refusal said, with the form to open the record in an emergency.
pub async fn refused_client(
    state: &AppState,
    caller: &Caller,
    page: PageCtx,
    client: ClientId,
) -> PageResult {
    page_of(state, caller, page, Some(client), true).await
}

pub async fn show(r: Req, Query(f): Query<ForClient>) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, SECTION).with_flash_key(f.ok.as_deref());
    let client = f.client.as_deref().and_then(|c| c.parse::<ClientId>().ok());
    page_of(&r.state, &r.caller, page, client, false).await
}

#[derive(Debug, Default, Deserialize)]
pub struct OpenForm {
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub identity: String,
    #[serde(default)]
    pub reason: String,
}

pub async fn open(r: Req, KeptForm(form, sent): KeptForm<OpenForm>) -> PageResult {
    let Req { state, t, caller } = r;
    let page = PageCtx::for_caller(&caller, t, SECTION);
    let client_id = form.client_id.trim().parse::<ClientId>().ok();
    let result = state
        .services
        .open_emergency_access(
            &caller.ctx(),
            EmergencyInput {
                client_id,
                identity: Some(form.identity.clone()),
                reason: form.reason.clone(),
            },
        )
        .await
        .map_err(ApiError::from);
    after_change(
        ErrorPage::Refused,
        result,
        page,
        |a, _| {
            Redirect::to(&format!("/clients/{}?ok=emergency-opened-ok", a.client_id))
                .into_response()
        },
        async |page| page_of(&state, &caller, page.keeping(sent), client_id, false).await,
    )
    .await
}

/// A form with nothing but its token.
#[derive(Debug, Default, Deserialize)]
pub struct NoFields {}

pub async fn end(
    r: Req,
    Path(id): Path<String>,
    KeptForm(_, sent): KeptForm<NoFields>,
) -> PageResult {
    let Req { state, t, caller } = r;
    let page = PageCtx::for_caller(&caller, t, SECTION);
    let result = match id.parse::<uuid::Uuid>() {
        Ok(id) => state
            .services
            .end_emergency_access(&caller.ctx(), id)
            .await
            .map_err(ApiError::from),
        Err(_) => Err(ApiError::from(vaka_service::ServiceError::NotFound(
            "emergency access",
        ))),
    };
    after_change(
        ErrorPage::RefusedOrUnknown,
        result,
        page,
        |(), _| Redirect::to("/emergency-access?ok=emergency-ended").into_response(),
        async |page| page_of(&state, &caller, page.keeping(sent), None, false).await,
    )
    .await
}

/// The sentence the client's page shows while it is read under emergency access.
pub fn banner(page: &PageCtx, until: jiff::Timestamp) -> String {
    page.t
        .message(
            "emergency-banner",
            &[("until", Arg::Text(local_time(until).into()))],
        )
        .into_owned()
}

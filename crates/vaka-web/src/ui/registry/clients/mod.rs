//! Client pages: the list, registering and changing a client, and the client's page with its
//! decisions, orders, consent, supervision plan, pauses, devices and protected-identity group.
//!
//! Every page goes through the same services as the API, so need-to-know, the
//! protected-identity rule and the audit log apply in one place.
//!
//! By capability: [`record`] (the list, registering and changing), [`page`] (the client's
//! page), [`decisions`] (decisions and orders), [`consent`], [`plan`] (the supervision plan
//! and pauses) and [`group`] (the named group of a protected client). The form helpers here
//! are shared with the other registry pages.

mod consent;
mod decisions;
mod group;
mod page;
mod plan;
mod record;
mod visit_plans;

use std::collections::HashMap;

use jiff::civil::Date;
use vaka_domain::ids::{ClientId, OrganisationId, UnitId, UserId};
use vaka_domain::reason::RegistryReason;
use vaka_service::Ctx;

pub use consent::{add_consent, withdraw_consent};
pub use decisions::{accept_order, add_decision, end_decision};
pub use group::change_group;
pub use page::show;
pub use plan::{add_pause, cancel_pause, set_plan};
pub use record::{create, edit_form, list, new_form, update};
pub use visit_plans::{add_visit_plan, end_visit_plan};

use crate::error::ApiError;
use crate::i18n::Tr;
use crate::identity::Caller;
use crate::page::{PageCtx, PageResult, Req, Sent, change_record, found};
use crate::state::AppState;

/// A choice in a select: (code, label).
pub type Choice = (String, String);

pub fn choices<T: Copy>(
    t: Tr,
    prefix: &str,
    all: &[T],
    code: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|k| (code(*k).to_owned(), t.code(prefix, code(*k))))
        .collect()
}

/// A date typed in a form (`YYYY-MM-DD`).
pub fn form_date(field: &'static str, raw: &str) -> Result<Date, ApiError> {
    raw.trim()
        .parse::<Date>()
        .map_err(|_| ApiError::invalid(field, RegistryReason::NotADate))
}

/// An optional date: empty means none.
pub fn form_opt_date(field: &'static str, raw: &str) -> Result<Option<Date>, ApiError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        form_date(field, raw).map(Some)
    }
}

/// A code typed in a form.
pub fn form_code<T>(
    field: &'static str,
    raw: &str,
    from: fn(&str) -> Option<T>,
) -> Result<T, ApiError> {
    from(raw.trim()).ok_or_else(|| ApiError::invalid(field, RegistryReason::NotAChoice))
}

/// An optional code: empty means none.
fn form_opt_code<T>(
    field: &'static str,
    raw: &str,
    from: fn(&str) -> Option<T>,
) -> Result<Option<T>, ApiError> {
    match raw.trim() {
        "" => Ok(None),
        code => form_code(field, code, from).map(Some),
    }
}

fn form_opt_text(raw: &str) -> Option<String> {
    let s = raw.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn form_opt_minutes(field: &'static str, raw: &str) -> Result<Option<u16>, ApiError> {
    match raw.trim() {
        "" => Ok(None),
        s => s
            .parse::<u16>()
            .map(Some)
            .map_err(|_| ApiError::invalid(field, RegistryReason::NotWholeMinutes)),
    }
}

/// Times of the night as a page shows them: `23:00, 02:00`.
fn times_text(times: &[jiff::civil::Time]) -> String {
    times
        .iter()
        .map(|t| t.strftime("%H:%M").to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn day(d: Date) -> String {
    d.to_string()
}

/// A change made from the client's page: `work` gets the client's id (an unknown one is a
/// "not found" page). Success goes back to the page at `anchor` with the `ok` notice; a refusal
/// or an unknown record is an error page; any other error shows the client's page again with
/// the error beside its form, what was typed kept.
async fn change<T>(
    r: Req,
    client: &str,
    ok: &str,
    anchor: &str,
    sent: Sent,
    work: impl AsyncFnOnce(&AppState, &Ctx<'_>, ClientId) -> Result<T, ApiError>,
) -> PageResult {
    change_record(
        r,
        "clients",
        client,
        async |state, caller, client| work(state, &caller.ctx(), client).await,
        |client| format!("/clients/{client}?ok={ok}#{anchor}"),
        async |state, caller, client, page: PageCtx| {
            page::client_page(state, caller, client, page.keeping(sent)).await
        },
    )
    .await
}

/// Names of units, organisations and users for a page (directory data, not client data).
#[derive(Default)]
pub(crate) struct Names {
    orgs: HashMap<OrganisationId, String>,
    units: HashMap<UnitId, String>,
    users: HashMap<UserId, String>,
}

impl Names {
    pub(crate) async fn load(
        state: &AppState,
        caller: &Caller,
        users: &[UserId],
    ) -> Result<Names, ApiError> {
        let names = state.services.directory_names(&caller.ctx(), users).await?;
        Ok(Names {
            orgs: names
                .organisations
                .into_iter()
                .map(|o| (o.id, o.name))
                .collect(),
            units: names.units.into_iter().map(|u| (u.id, u.name)).collect(),
            users: names.users,
        })
    }

    pub(crate) fn org(&self, id: Option<OrganisationId>) -> String {
        id.and_then(|i| self.orgs.get(&i).cloned())
            .unwrap_or_else(|| "—".into())
    }

    pub(crate) fn unit(&self, id: Option<UnitId>) -> String {
        id.and_then(|i| self.units.get(&i).cloned())
            .unwrap_or_else(|| "—".into())
    }

    pub(crate) fn user(&self, id: UserId) -> String {
        self.users
            .get(&id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

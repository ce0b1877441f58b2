//! The registry: clients, decisions and orders, consent, supervision plans and pauses,
//! devices, imports, protected identities and the follow-up report.
//!
//! By concern: [`clients`] (the record, the client's page, the named group of a protected
//! client), [`decisions`] (decisions, orders, the follow-up report), [`care`] (consent, the
//! supervision plan, pauses), [`devices`], [`import`] and [`protection`] (lifting or lowering
//! a protected identity) and [`tags`] (NFC tags at clients' doors, and what a tap proves).

pub mod care;
pub mod clients;
pub mod decisions;
pub mod devices;
pub mod emergency;
pub mod import;
pub mod protection;
pub mod tags;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use vaka_domain::access::{Assignment, Permission};
use vaka_domain::audit::{NewAuditEntry, Outcome};
use vaka_domain::client::Client;
use vaka_domain::ids::ClientId;
use vaka_domain::reason::{Reason, RegistryReason};

use crate::Services;
use crate::door::Work;
use crate::error::{Fault, WorkResult};

/// The care context of registry work.
pub(crate) const REGISTRY: &str = "registry";

/// The time zone in which days are counted (decisions, consent, nights).
pub fn stockholm() -> TimeZone {
    TimeZone::get("Europe/Stockholm").unwrap_or(TimeZone::UTC)
}

/// The day `at` falls on in Stockholm.
pub(crate) fn day_of(at: Timestamp) -> Date {
    at.to_zoned(stockholm()).date()
}

impl Services {
    /// Today's date in Stockholm.
    pub fn today(&self) -> Date {
        day_of(self.now())
    }
}

/// Loads a client and checks `p` over it (need-to-know). A refusal names the client in the
/// audit log, flagged when its identity is protected.
pub(crate) async fn client_in_scope<'a>(
    w: &mut impl Work<'a>,
    id: ClientId,
    p: Permission,
) -> WorkResult<(Client, Assignment)> {
    client_in_scope_for(w, id, p, RegistryReason::OutsideNeedToKnow).await
}

/// [`client_in_scope`] with the refusal's reason given: each area names a refusal by need-to-know
/// in its own words.
pub(crate) async fn client_in_scope_for<'a>(
    w: &mut impl Work<'a>,
    id: ClientId,
    p: Permission,
    outside: impl Into<Reason>,
) -> WorkResult<(Client, Assignment)> {
    let client = w
        .reads()
        .get_client(id)
        .await?
        .ok_or(Fault::not_found("client"))?;
    let grant = w.ctx().and_then(|ctx| {
        ctx.principal
            .client_grant_for(p, client.provider_id, client.unit_id)
            .cloned()
    });
    if let Some(grant) = grant {
        return Ok((client, grant));
    }
    if p == Permission::ClientRead
        && let Some(grant) = emergency::grant(w, &client).await?
    {
        return Ok((client, grant));
    }
    Err(Fault::denied(
        w.client_entry(Outcome::Denied, None, &client),
        outside,
    ))
}

/// The caller's assignment that gives `p` somewhere, or an audited refusal for `reason`.
pub(crate) fn any_grant<'a>(
    w: &impl Work<'a>,
    p: Permission,
    reason: RegistryReason,
) -> WorkResult<Assignment> {
    w.ctx()
        .and_then(|ctx| ctx.principal.any_grant(p).cloned())
        .ok_or_else(|| refused_by_roles(w, reason))
}

/// A refusal by the caller's roles as a whole, before any client is in question. Its entry
/// is filed under the administration care context, as these refusals always were.
pub(crate) fn refused_by_roles<'a>(w: &impl Work<'a>, reason: RegistryReason) -> Fault {
    let mut e = w.entry(Outcome::Denied, None);
    e.care_context = Some(crate::directory::ADMIN.to_owned());
    Fault::denied(e, reason)
}

/// Records this unit's success on `client` through `grant` (flagged when the client's
/// identity is protected), as `shape` completes the entry (a subject, details).
pub(crate) fn succeeded_on<'a>(
    w: &mut impl Work<'a>,
    grant: &Assignment,
    client: &Client,
    shape: impl FnOnce(NewAuditEntry) -> NewAuditEntry,
) {
    let e = shape(w.client_entry(Outcome::Success, Some(grant), client));
    w.record(e);
}

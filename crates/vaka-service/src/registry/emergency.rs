//! Emergency access (nödåtkomst): opening a client's record from outside one's need-to-know,
//! with a reason, for an hour (the rule: [`vaka_domain::emergency_access`]).
//!
//! Opening it is a change of its own, audited and flagged. While it is open, the door's
//! need-to-know check ([`super::client_in_scope_for`]) lets the caller *read* the client
//! ([`Permission::ClientRead`] only) and every entry about the client in that unit of work is
//! flagged `emergency_access`, which log review always picks. A protected identity placed
//! meanwhile closes it for anyone outside the named group.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use vaka_domain::access::{Assignment, Permission};
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::client::Client;
use vaka_domain::emergency_access::{self, EmergencyAccess, Request};
use vaka_domain::ids::ClientId;
use vaka_domain::reason::{AccessReason, RegistryReason};

use super::protection::parse_identity;
use super::{REGISTRY, day_of};
use crate::door::Work;
use crate::error::{Fault, WorkResult};
use crate::{Ctx, ServiceResult, Services};

/// A request for emergency access: the client by id (from a refused client page) or by
/// identity number, and the reason.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmergencyInput {
    #[serde(default)]
    pub client_id: Option<ClientId>,
    /// A personnummer, samordningsnummer or reserve id, when no id is given.
    #[serde(default)]
    pub identity: Option<String>,
    /// Why the record must be opened now.
    pub reason: String,
}

/// The grant an open emergency access gives the caller over `client` in this unit of work, if
/// one is open: the caller's widest client-reading assignment (the audit entry names it), with
/// the unit marked so that its entries about the client are flagged.
pub(crate) async fn grant<'a>(
    w: &mut impl Work<'a>,
    client: &Client,
) -> WorkResult<Option<Assignment>> {
    let Some(ctx) = w.ctx().copied() else {
        return Ok(None);
    };
    let Some(grant) = ctx.principal.any_grant(Permission::ClientRead).cloned() else {
        return Ok(None);
    };
    let user = ctx.principal.user_id;
    let now = w.now();
    let Some(access) = w
        .reads()
        .open_emergency_access(user, client.id, now)
        .await?
    else {
        return Ok(None);
    };
    let protected = client.protection.is_protected();
    let in_group = protected
        && w.reads()
            .list_access_group(client.id)
            .await?
            .contains(&user);
    if !emergency_access::still_opens(&access, now, protected, in_group) {
        return Ok(None);
    }
    w.read_in_emergency(client.id, access.ends_at);
    Ok(Some(grant))
}

impl Services {
    /// Opens a client's record for an hour under emergency access. An access already open to
    /// the same client ends now: each opening stands with its own reason and hour.
    pub async fn open_emergency_access(
        &self,
        ctx: &Ctx<'_>,
        input: EmergencyInput,
    ) -> ServiceResult<EmergencyAccess> {
        let op = ctx.op(AuditAction::EmergencyAccessOpened, REGISTRY);
        self.door
            .change(op, async |w| {
                let Some(ctx) = w.ctx().copied() else {
                    return Err(w.denied(AccessReason::EmergencyNoClientRole, None));
                };
                let principal = ctx.principal;
                // Who may not ask learns nothing about which numbers are registered.
                let Some(grant) = principal.any_grant(Permission::ClientRead).cloned() else {
                    return Err(w.denied(AccessReason::EmergencyNoClientRole, None));
                };
                let id = match (&input.client_id, input.identity.as_deref()) {
                    (Some(id), _) => *id,
                    (None, Some(raw)) if !raw.trim().is_empty() => {
                        let identity = parse_identity(raw, day_of(w.now()))?;
                        w.reads()
                            .find_client_by_identity(identity.as_str())
                            .await?
                            .ok_or_else(|| {
                                Fault::invalid("identity", RegistryReason::NoClientWithIdentity)
                            })?
                    }
                    _ => {
                        return Err(Fault::invalid(
                            "identity",
                            vaka_domain::reason::InputReason::Required,
                        ));
                    }
                };
                let client = w
                    .reads()
                    .get_client(id)
                    .await?
                    .ok_or(Fault::not_found("client"))?;
                let protected = client.protection.is_protected();
                let in_named_group = protected
                    && w.reads()
                        .list_access_group(client.id)
                        .await?
                        .contains(&principal.user_id);
                let now = w.now();
                let decided = emergency_access::open(
                    Request {
                        reason: &input.reason,
                        reads_clients: true,
                        within_reach: principal
                            .client_grant(client.provider_id, client.unit_id)
                            .is_some(),
                        protected,
                        in_named_group,
                    },
                    now,
                );
                let (reason, ends_at) = match decided {
                    Ok(ok) => ok,
                    Err(
                        r @ (AccessReason::EmergencyReasonRequired
                        | AccessReason::EmergencyReasonTooLong),
                    ) => return Err(Fault::invalid("reason", r)),
                    Err(r) => {
                        let mut e = w.client_entry(Outcome::Denied, Some(&grant), &client);
                        e.flags.emergency_access = true;
                        return Err(Fault::denied(e, r));
                    }
                };
                if let Some(open) = w.open_emergency_access(principal.user_id, id, now).await? {
                    w.end_emergency_access(open.id, principal.user_id, now)
                        .await?;
                }
                let access = EmergencyAccess {
                    id: Uuid::now_v7(),
                    user_id: principal.user_id,
                    client_id: id,
                    reason,
                    opened_at: vaka_store::values::to_db_precision(now),
                    ends_at: vaka_store::values::to_db_precision(ends_at),
                };
                w.insert_emergency_access(&access).await?;
                w.read_in_emergency(id, access.ends_at);
                let e = w
                    .client_entry(Outcome::Success, Some(&grant), &client)
                    .subject("emergency_access", access.id)
                    .details(
                        serde_json::json!({
                            "minutes": emergency_access::EMERGENCY_ACCESS_MINUTES,
                        })
                        .to_string(),
                    );
                w.record(e);
                Ok(access)
            })
            .await
    }

    /// Ends one of the caller's open emergency accesses now.
    pub async fn end_emergency_access(&self, ctx: &Ctx<'_>, id: Uuid) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::EmergencyAccessEnded, REGISTRY);
        self.door
            .change(op, async |w| {
                let user = ctx.principal.user_id;
                let now = w.now();
                let access = w
                    .list_emergency_accesses(user, now)
                    .await?
                    .into_iter()
                    .find(|a| a.id == id && a.is_open_at(now))
                    .ok_or_else(|| Fault::conflict(AccessReason::EmergencyNotOpen))?;
                if !w.end_emergency_access(id, user, now).await? {
                    return Err(Fault::conflict(AccessReason::EmergencyNotOpen));
                }
                let mut e = w
                    .entry(Outcome::Success, None)
                    .client(access.client_id)
                    .subject("emergency_access", id);
                e.flags.emergency_access = true;
                w.record(e);
                Ok(())
            })
            .await
    }

    /// The caller's own emergency accesses still open (their reasons and hours; no client
    /// data beyond the id the caller opened).
    pub async fn my_emergency_accesses(
        &self,
        ctx: &Ctx<'_>,
    ) -> ServiceResult<Vec<EmergencyAccess>> {
        let op = ctx.op(AuditAction::EmergencyAccessOpened, REGISTRY);
        let user = ctx.principal.user_id;
        self.door
            .read(op, async |r| {
                let now: Timestamp = r.now();
                Ok(r.list_emergency_accesses(user, now).await?)
            })
            .await
    }
}

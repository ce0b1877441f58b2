//! A client's protected identity as a decision of its own.
//!
//! Adding or raising a protection only narrows who sees the address and contacts, so it is
//! part of editing the record ([`Services::update_client`]). Lifting or lowering one widens
//! it: from the moment it is committed, everyone with need-to-know sees the address. That is
//! a municipal decision, taken here by the holder of [`Permission::ProtectionChange`] (the
//! system manager), with a reason, and audited with the protected-identity flag and the old
//! and new levels. Until it commits, only the named group sees the address.

use serde::{Deserialize, Serialize};
use vaka_domain::access::Permission;
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::client::{Client, Protection};
use vaka_domain::ids::ClientId;
use vaka_domain::personnummer::{ClientIdentity, ReserveId};
use vaka_domain::reason::RegistryReason;
use vaka_domain::validate::parse_name;
use vaka_store::values::to_db_precision;

use super::{REGISTRY, any_grant, client_in_scope, day_of};
use crate::door::{Change, Work};
use crate::error::{Fault, WorkResult};
use crate::{Ctx, ServiceResult, Services};

/// A change of protection as asked for.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProtectionInput {
    /// The new level.
    pub protection: Protection,
    /// Why: the decision or the notice from the population register it follows.
    pub reason: String,
}

/// What a change of protection did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProtectionChanged {
    pub client_id: ClientId,
    /// The client's name, so the person deciding sees whom it concerned.
    pub name: String,
    pub from: Protection,
    pub to: Protection,
}

/// The longest reason kept.
const REASON_MAX: usize = 500;

impl Services {
    /// Lifts, lowers or raises a client's protected identity (the system manager).
    pub async fn change_protection(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        input: ProtectionInput,
    ) -> ServiceResult<ProtectionChanged> {
        let op = ctx.op(AuditAction::ProtectionChanged, REGISTRY);
        self.door
            .change(op, async |w| apply(w, client, &input).await)
            .await
    }

    /// The same, for the client with an identity number (a personnummer, samordningsnummer or
    /// reserve id): the system manager does not browse clients, and the decision or the
    /// population register's notice names the person by number.
    pub async fn change_protection_by_identity(
        &self,
        ctx: &Ctx<'_>,
        identity: &str,
        input: ProtectionInput,
    ) -> ServiceResult<ProtectionChanged> {
        let op = ctx.op(AuditAction::ProtectionChanged, REGISTRY);
        self.door
            .change(op, async |w| {
                // Who may not decide learns nothing about which numbers are registered.
                any_grant(
                    w,
                    Permission::ProtectionChange,
                    RegistryReason::NoAccessToClients,
                )?;
                let identity = parse_identity(identity, day_of(w.now()))?;
                let client: ClientId = w
                    .reads()
                    .find_client_by_identity(identity.as_str())
                    .await?
                    .ok_or_else(|| {
                        Fault::invalid("identity", RegistryReason::NoClientWithIdentity)
                    })?;
                apply(w, client, &input).await
            })
            .await
    }
}

/// An identity number as typed: an official number, or else a reserve id.
pub(crate) fn parse_identity(raw: &str, today: jiff::civil::Date) -> WorkResult<ClientIdentity> {
    match ClientIdentity::parse_official(raw, today) {
        Ok(official) => Ok(official),
        Err(official) => ReserveId::parse(raw)
            .map(ClientIdentity::Reserve)
            .map_err(|_| Fault::invalid("identity", official.reason())),
    }
}

/// The change itself: need-to-know for the permission (a refusal audited and flagged), the
/// reason, the write, and one flagged entry with the old and new levels.
async fn apply(
    w: &mut Change<'_>,
    id: ClientId,
    input: &ProtectionInput,
) -> WorkResult<ProtectionChanged> {
    let (old, grant) = client_in_scope(w, id, Permission::ProtectionChange).await?;
    let reason = parse_name("reason", &input.reason, REASON_MAX)?;
    if old.protection == input.protection {
        return Err(Fault::conflict(RegistryReason::ProtectionUnchanged));
    }
    let client = Client {
        protection: input.protection,
        updated_at: to_db_precision(w.now()),
        ..old.clone()
    };
    w.update_client(&client).await?;
    // Flagged whatever the new level: the client was protected within this request.
    let mut e = w
        .client_entry(Outcome::Success, Some(&grant), &old)
        .details(
            serde_json::json!({
                "from": old.protection.code(),
                "to": client.protection.code(),
                "reason": reason,
            })
            .to_string(),
        );
    e.flags.protected_identity = true;
    w.record(e);
    Ok(ProtectionChanged {
        client_id: client.id,
        name: client.name,
        from: old.protection,
        to: client.protection,
    })
}

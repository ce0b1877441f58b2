//! The registry: clients, decisions and orders, consent, supervision plans and pauses,
//! devices, imports and the follow-up report.

pub mod care;
pub mod clients;
pub mod decisions;
pub mod devices;
pub mod import;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use vaka_domain::access::{Assignment, Permission};
use vaka_domain::audit::{AuditAction, AuditFlags, NewAuditEntry, Outcome};
use vaka_domain::client::Client;
use vaka_domain::ids::ClientId;
use vaka_store::ReadTx;

use crate::error::Denial;
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// The care context of registry work.
pub(crate) const REGISTRY: &str = "registry";

/// The time zone in which days are counted (decisions, consent, nights).
pub fn stockholm() -> TimeZone {
    TimeZone::get("Europe/Stockholm").unwrap_or(TimeZone::UTC)
}

impl Services {
    /// Today's date in Stockholm.
    pub fn today(&self) -> Date {
        self.now().to_zoned(stockholm()).date()
    }

    /// An audit entry about a client, flagged when the identity is protected.
    pub(crate) fn client_entry(
        &self,
        ctx: &Ctx<'_>,
        action: AuditAction,
        outcome: Outcome,
        grant: Option<&Assignment>,
        client: &Client,
    ) -> NewAuditEntry {
        let mut e = ctx
            .entry(self.now(), action, outcome, grant, REGISTRY)
            .client(client.id);
        e.flags = AuditFlags {
            protected_identity: client.protection.is_protected(),
            ..AuditFlags::default()
        };
        e
    }

    /// Loads a client and checks `p` over it (need-to-know). A refusal names the client in
    /// the audit log.
    pub(crate) async fn client_in_scope(
        &self,
        ctx: &Ctx<'_>,
        tx: &mut dyn ReadTx,
        id: ClientId,
        p: Permission,
        action: AuditAction,
    ) -> ServiceResult<(Client, Assignment)> {
        let client = tx
            .get_client(id)
            .await?
            .ok_or(ServiceError::NotFound("client"))?;
        match ctx
            .principal
            .client_grant_for(p, client.provider_id, client.unit_id)
        {
            Some(g) => Ok((client, g.clone())),
            None => {
                let entry = self.client_entry(ctx, action, Outcome::Denied, None, &client);
                Err(ServiceError::Denied(Box::new(Denial {
                    entry,
                    reason: "the client is outside your need-to-know".into(),
                })))
            }
        }
    }
}

//! Transitional: what the code not yet on the door (the supervision console, log and patrol) still calls of the registry, in its old shape. Each
//! piece goes when its last caller has moved to `crate::door`.

use vaka_domain::access::{Assignment, Permission};
use vaka_domain::audit::{AuditAction, AuditFlags, NewAuditEntry, Outcome};
use vaka_domain::client::Client;
use vaka_domain::ids::ClientId;
use vaka_domain::reason::RegistryReason;
use vaka_store::ReadTx;

use super::REGISTRY;
use crate::error::Denial;
use crate::{Ctx, ServiceError, ServiceResult, Services};

impl Services {
    /// Transitional: `Work::client_entry` for use cases not yet on the door.
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

    /// Transitional: [`super::client_in_scope`] for use cases not yet on the door.
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
            None => Err(ServiceError::Denied(Box::new(Denial {
                entry: self.client_entry(ctx, action, Outcome::Denied, None, &client),
                reason: RegistryReason::OutsideNeedToKnow.into(),
            }))),
        }
    }
}

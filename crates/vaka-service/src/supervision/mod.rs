//! Digital night supervision: planning each night's rounds, moving them with the clock, the
//! operator's console (look-ins and outcomes) and the night patrol's dispatches.

pub mod console;
pub mod log;
pub mod patrol;
pub mod purge;
pub mod rounds;
pub mod scheduler;
pub mod statistics;

use vaka_domain::access::{Assignment, Permission};
use vaka_domain::audit::{AuditFlags, Outcome};
use vaka_domain::client::Client;
use vaka_domain::ids::ClientId;
use vaka_domain::reason::{AccessReason, SupervisionReason};

use crate::door::Work;
use crate::error::{Fault, WorkResult};

/// The care context of night supervision's audit entries.
pub(crate) const SUPERVISION: &str = "night_supervision";

/// Loads a client and checks `p` over it (need-to-know). A refusal names the client in the
/// audit log.
async fn client_in_scope<'a>(
    w: &mut impl Work<'a>,
    id: ClientId,
    p: Permission,
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
    match grant {
        Some(grant) => Ok((client, grant)),
        None => Err(Fault::denied(
            w.client_entry(Outcome::Denied, None, &client),
            AccessReason::OutsideNeedToKnow,
        )),
    }
}

/// The caller's assignment that gives `p` somewhere, or an audited refusal for `reason`.
fn any_grant<'a>(
    w: &impl Work<'a>,
    p: Permission,
    reason: SupervisionReason,
) -> WorkResult<Assignment> {
    w.ctx()
        .and_then(|ctx| ctx.principal.any_grant(p).cloned())
        .ok_or_else(|| w.denied(reason, None))
}

/// Records the read of a list of clients' supervision (the queue, the patrol's lists): one
/// entry with the count as `what`, flagged when it showed a protected identity.
fn record_list_read<'a>(
    w: &mut impl Work<'a>,
    grant: &Assignment,
    what: &str,
    count: usize,
    protected: bool,
) {
    let mut entry = w
        .entry(Outcome::Success, Some(grant))
        .details(serde_json::json!({ what: count }).to_string());
    entry.flags = AuditFlags {
        protected_identity: protected,
        ..AuditFlags::default()
    };
    w.record(entry);
}

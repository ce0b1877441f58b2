//! Digital night supervision: planning each night's rounds, moving them with the clock, the
//! operator's console (look-ins and outcomes) and the night patrol's dispatches.

pub mod console;
pub mod log;
pub mod patrol;
pub mod rounds;
pub mod scheduler;
pub mod statistics;

use jiff::Timestamp;
use vaka_domain::access::{Assignment, Permission};
use vaka_domain::audit::{AuditFlags, Outcome};
use vaka_domain::client::Client;
use vaka_domain::ids::{ClientId, TaskId};
use vaka_domain::reason::{AccessReason, SupervisionReason};
use vaka_domain::supervision::{SupervisionTask, TaskState};

use crate::ServiceResult;
use crate::door::Change;
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
    crate::registry::client_in_scope_for(w, id, p, AccessReason::OutsideNeedToKnow).await
}

/// A supervision task and its client, with the caller's grant of `p` over that client.
async fn task_in_scope(
    w: &mut Change<'_>,
    id: TaskId,
    p: Permission,
) -> WorkResult<(SupervisionTask, Client, Assignment)> {
    let task = w
        .get_task(id)
        .await?
        .ok_or(Fault::not_found("supervision task"))?;
    let (client, grant) = client_in_scope(w, task.client_id, p).await?;
    Ok((task, client, grant))
}

/// Moves a task from the state it was read in, or a conflict when it moved meanwhile.
async fn move_task(
    w: &mut Change<'_>,
    task: &SupervisionTask,
    state: TaskState,
    now: Timestamp,
) -> WorkResult<()> {
    if w.move_task(task, state, now).await? {
        Ok(())
    } else {
        Err(Fault::conflict(SupervisionReason::ChangedMeanwhile))
    }
}

/// A note as given (trimmed; none when blank), checked for length.
fn given_note(note: Option<&str>) -> ServiceResult<Option<&str>> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if let Some(n) = note {
        vaka_domain::validate::parse_name("note", n, 500)?;
    }
    Ok(note)
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

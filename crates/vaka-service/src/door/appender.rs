//! The group commit of audit entries, and of the rows decisions append.
//!
//! Every read of personal data leaves an audit entry, and the data leaves the server only
//! after that entry is committed. Committing one entry per request would cost a write
//! transaction per read, and the embedded SQLite has one writer. So reads run on read
//! connections, in parallel; their entries go to one appender task that takes whatever entries
//! are waiting, appends them with one insert in one transaction, and then releases every
//! waiting read at once. Alone, an entry commits at once.
//!
//! Decisions ([`Door::decide`]) and refusals ([`Door::settle`]) take the same way: a decision
//! sends its [`Appended`] rows with its entries, and the appender inserts the rows of the batch
//! (one statement per kind) before it appends the entries, in the same transaction. If a batch
//! fails, each unit of work in it is committed again on its own, so that one unit's bad row
//! (a broken reference) fails only that unit.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use vaka_domain::audit::NewAuditEntry;
use vaka_domain::keys::LockGrant;
use vaka_store::Store;

use super::{Appended, Door};
use crate::{ServiceError, ServiceResult};

pub(crate) struct Pending {
    rows: Vec<Appended>,
    entries: Vec<NewAuditEntry>,
    committed: oneshot::Sender<ServiceResult<()>>,
}

/// The most units of work one transaction takes (a unit's rows and entries are never split).
const MAX_BATCH: usize = 256;

fn spawn(store: Arc<dyn Store>) -> mpsc::Sender<Pending> {
    let (tx, rx) = mpsc::channel::<Pending>(8192);
    tokio::spawn(run(store, rx));
    tx
}

async fn run(store: Arc<dyn Store>, mut rx: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let pending = std::mem::take(&mut batch);
        let result = commit(&*store, &pending).await;
        if result.is_err() && pending.len() > 1 {
            // Nothing of the batch was kept: commit each unit alone, so that only the one
            // that cannot be committed fails.
            for p in pending {
                let alone = commit(&*store, std::slice::from_ref(&p)).await;
                let _ = p.committed.send(alone);
            }
            continue;
        }
        for p in pending {
            let _ = p.committed.send(result.clone());
        }
    }
}

/// Inserts the rows and appends the entries of `pending`, in order, in one transaction.
async fn commit(store: &dyn Store, pending: &[Pending]) -> ServiceResult<()> {
    let grants: Vec<LockGrant> = pending
        .iter()
        .flat_map(|p| &p.rows)
        .map(|row| match row {
            Appended::LockGrant(g) => g.clone(),
        })
        .collect();
    let entries: Vec<NewAuditEntry> = pending
        .iter()
        .flat_map(|p| p.entries.iter().cloned())
        .collect();
    let mut tx = store.begin().await?;
    if !grants.is_empty() {
        tx.insert_lock_grants(&grants).await?;
    }
    tx.commit(&entries).await?;
    Ok(())
}

impl Door {
    /// Appends entries through the group commit; returns once they are committed.
    pub(super) async fn append_committed(&self, entries: Vec<NewAuditEntry>) -> ServiceResult<()> {
        self.group_commit(Vec::new(), entries).await
    }

    /// Inserts a decision's rows and appends its entries through the group commit, in one
    /// transaction; returns once they are committed.
    pub(super) async fn group_commit(
        &self,
        rows: Vec<Appended>,
        entries: Vec<NewAuditEntry>,
    ) -> ServiceResult<()> {
        let sender = self
            .appender
            .get_or_init(|| async { spawn(self.store.clone()) })
            .await;
        let (committed, done) = oneshot::channel();
        let stopped = || {
            ServiceError::Unavailable(vaka_domain::error::Cause::msg(
                "the audit appender has stopped",
            ))
        };
        sender
            .send(Pending {
                rows,
                entries,
                committed,
            })
            .await
            .map_err(|_| stopped())?;
        done.await.map_err(|_| stopped())?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use vaka_domain::access::Credential;
    use vaka_domain::audit::{Actor, AuditAction, Outcome};
    use vaka_domain::ids::{ClientId, DeviceId, UserId};
    use vaka_domain::keys::{GrantKind, KeyGround};
    use vaka_store_sqlite::{SqliteOptions, SqliteStore};

    /// A unit whose row cannot be inserted (a grant of a lock, client and user that do not
    /// exist) fails alone: the unit queued in the same batch is committed with its entry, and
    /// the failed one leaves neither its row nor its entry.
    #[tokio::test]
    async fn a_unit_that_cannot_commit_fails_alone_in_its_batch() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open_path(&dir.path().join("a.db"), &SqliteOptions::default())
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let store: Arc<dyn Store> = Arc::new(store);
        let now = Timestamp::UNIX_EPOCH;
        let entry = NewAuditEntry::new(
            now,
            Actor::system(Credential::System),
            AuditAction::AccessDenied,
            Outcome::Success,
        );
        let grant = LockGrant {
            id: uuid::Uuid::now_v7(),
            kind: GrantKind::Unlock,
            nonce: None,
            lock_id: DeviceId::new(),
            client_id: ClientId::new(),
            user_id: UserId::new(),
            ground: KeyGround::NightPatrol,
            not_before: now,
            expires: now,
            issued_at: now,
            revoked_at: None,
        };
        // Both queued before the appender runs: it takes them as one batch.
        let (tx, rx) = mpsc::channel(8);
        let (bad_tx, bad) = oneshot::channel();
        let (good_tx, good) = oneshot::channel();
        for (rows, committed) in [
            (vec![Appended::LockGrant(grant)], bad_tx),
            (Vec::new(), good_tx),
        ] {
            let p = Pending {
                rows,
                entries: vec![entry.clone()],
                committed,
            };
            assert!(tx.send(p).await.is_ok());
        }
        drop(tx);
        run(store.clone(), rx).await;
        assert!(bad.await.unwrap().is_err(), "a grant of nothing was kept");
        good.await.unwrap().unwrap();
        let mut r = store.begin_read().await.unwrap();
        assert_eq!(r.audit_head().await.unwrap().0, 1, "only the good entry");
        drop(r);
        store.close().await;
    }
}

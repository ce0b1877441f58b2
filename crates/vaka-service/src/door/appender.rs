//! The group commit of the audit entries of reads.
//!
//! Every read of personal data leaves an audit entry, and the data leaves the server only
//! after that entry is committed. Committing one entry per request would cost a write
//! transaction per read, and the embedded SQLite has one writer. So reads run on read
//! connections, in parallel; their entries go to one appender task that takes whatever entries
//! are waiting, appends them with one insert in one transaction, and then releases every
//! waiting read at once. Alone, an entry commits at once.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use vaka_domain::audit::NewAuditEntry;
use vaka_store::Store;

use super::Door;
use crate::{ServiceError, ServiceResult};

pub(crate) struct Pending {
    entries: Vec<NewAuditEntry>,
    committed: oneshot::Sender<ServiceResult<()>>,
}

/// The most entries one transaction takes (a read's entries are never split).
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
        let entries: Vec<NewAuditEntry> = pending
            .iter()
            .flat_map(|p| p.entries.iter().cloned())
            .collect();
        let result = commit(&*store, &entries).await;
        for p in pending {
            let _ = p.committed.send(result.clone());
        }
    }
}

async fn commit(store: &dyn Store, entries: &[NewAuditEntry]) -> ServiceResult<()> {
    let tx = store.begin().await?;
    tx.commit(entries).await?;
    Ok(())
}

impl Door {
    /// Appends a read's entries through the group commit; returns once they are committed.
    pub(super) async fn append_committed(&self, entries: Vec<NewAuditEntry>) -> ServiceResult<()> {
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
            .send(Pending { entries, committed })
            .await
            .map_err(|_| stopped())?;
        done.await.map_err(|_| stopped())?
    }
}

//! Audited reads and the group commit of their audit entries.
//!
//! Every read of personal data leaves an audit entry, and the data leaves the server only
//! after that entry is committed: no access without its log line. Committing one entry per
//! request would cost a write transaction per read, and the embedded SQLite has one writer.
//! So reads run on read connections, in parallel; their entries go to one appender task that
//! takes whatever entries are waiting, appends them with one insert in one transaction, and
//! then releases every waiting read at once (group commit). Alone, an entry commits at once.
//!
//! Changes are different: a change and its audit entry always commit in one transaction.

use tokio::sync::{mpsc, oneshot};
use vaka_domain::audit::NewAuditEntry;
use vaka_store::{Store, Tx};

use crate::{ServiceError, ServiceResult, Services};

pub(crate) struct Pending {
    entry: NewAuditEntry,
    committed: oneshot::Sender<ServiceResult<()>>,
}

/// The most entries one transaction takes.
const MAX_BATCH: usize = 256;

pub(crate) fn spawn_appender(store: std::sync::Arc<dyn Store>) -> mpsc::Sender<Pending> {
    let (tx, rx) = mpsc::channel::<Pending>(8192);
    tokio::spawn(run(store, rx));
    tx
}

async fn run(store: std::sync::Arc<dyn Store>, mut rx: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let pending = std::mem::take(&mut batch);
        let entries: Vec<NewAuditEntry> = pending.iter().map(|p| p.entry.clone()).collect();
        let result = commit(&*store, &entries).await;
        for p in pending {
            let _ = p.committed.send(result.clone());
        }
    }
}

async fn commit(store: &dyn Store, entries: &[NewAuditEntry]) -> ServiceResult<()> {
    let mut tx = store.begin().await?;
    tx.append_audit_batch(entries).await?;
    tx.commit().await?;
    Ok(())
}

impl Services {
    /// Appends an audit entry through the group commit; returns once it is committed.
    pub(crate) async fn append_committed(&self, entry: NewAuditEntry) -> ServiceResult<()> {
        let sender = self
            .appender
            .get_or_init(|| async { spawn_appender(self.store.clone()) })
            .await;
        let (committed, done) = oneshot::channel();
        sender
            .send(Pending { entry, committed })
            .await
            .map_err(|_| ServiceError::Unavailable("the audit appender has stopped".into()))?;
        done.await
            .map_err(|_| ServiceError::Unavailable("the audit appender has stopped".into()))?
    }

    /// Runs `read` on a read connection and returns its value only once the audit entry it
    /// produced is committed.
    pub(crate) async fn audited_read<T, F>(&self, read: F) -> ServiceResult<T>
    where
        F: for<'a> FnOnce(
            &'a mut dyn Tx,
        )
            -> futures::future::BoxFuture<'a, ServiceResult<(T, NewAuditEntry)>>,
    {
        let mut tx = self.read().await?;
        let (value, entry) = read(&mut *tx).await?;
        drop(tx);
        self.append_committed(entry).await?;
        Ok(value)
    }
}

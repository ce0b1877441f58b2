// The transaction type and the audit stream. Included by the backend crates; see README.md.
// The including module defines `Db` (the sqlx database type).

use uuid::Uuid;
use vaka_domain::audit::NewAuditEntry;
use vaka_domain::ids::UserId;
use vaka_store::{
    DbInstant, FetchedRow, FetchedRows, StoreError, StoreResult, Transaction, map_sqlx_error,
};

/// A unit of work on this backend: a transaction, or — for reads that need no snapshot — a
/// plain connection in autocommit mode (no BEGIN/ROLLBACK round trips).
pub struct SqlTx {
    pub(crate) tx: Handle,
    /// Seals and opens the secret columns (see `vaka_store::sealed`).
    pub(crate) secrets: std::sync::Arc<vaka_store::sealed::Keyring>,
}

pub(crate) enum Handle {
    Tx(sqlx::Transaction<'static, Db>),
    /// A read connection (`ReadConn`: each backend says what its read units hold).
    Conn(ReadConn),
}

impl std::ops::Deref for Handle {
    type Target = <Db as sqlx::Database>::Connection;
    fn deref(&self) -> &Self::Target {
        match self {
            Handle::Tx(t) => t,
            Handle::Conn(c) => c,
        }
    }
}

impl std::ops::DerefMut for Handle {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            Handle::Tx(t) => t,
            Handle::Conn(c) => c,
        }
    }
}

#[async_trait::async_trait]
impl Transaction for SqlTx {
    async fn commit(mut self: Box<Self>, audit: &[NewAuditEntry]) -> StoreResult<()> {
        self.append_audit_batch(audit).await?;
        match self.tx {
            Handle::Tx(t) => t.commit().await.map_err(map_sqlx_error),
            // A read connection is never handed out as a transaction (`Store::begin_read`
            // returns a `ReadTx`); nothing to commit.
            Handle::Conn(_) => Ok(()),
        }
    }
}

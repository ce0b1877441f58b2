//! Transitional: the hand-written unit-of-work helpers of the use cases not yet moved to the
//! door (`crate::door`). Each area moves to `Door::change` / `Door::read`; this module goes with
//! the last of them.

use vaka_domain::audit::NewAuditEntry;
use vaka_store::{ReadTx, StoreResult, Transaction, WriteTx};

use crate::{ServiceError, ServiceResult, Services};

/// A write transaction with the audit entries to commit with it.
pub(crate) struct LegacyTx {
    tx: Box<dyn Transaction>,
    audit: Vec<NewAuditEntry>,
}

impl std::ops::Deref for LegacyTx {
    type Target = dyn WriteTx;
    fn deref(&self) -> &Self::Target {
        &*self.tx
    }
}

impl std::ops::DerefMut for LegacyTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut *self.tx
    }
}

impl LegacyTx {
    /// Records an entry; it is appended as the transaction commits.
    #[allow(clippy::unused_async)]
    pub(crate) async fn append_audit(&mut self, entry: &NewAuditEntry) -> StoreResult<()> {
        self.audit.push(entry.clone());
        Ok(())
    }

    pub(crate) async fn commit(self) -> StoreResult<()> {
        self.tx.commit(&self.audit).await
    }
}

impl Services {
    pub(crate) async fn write(&self) -> ServiceResult<LegacyTx> {
        Ok(LegacyTx {
            tx: self.door.begin_legacy().await?,
            audit: Vec::new(),
        })
    }

    pub(crate) async fn read(&self) -> ServiceResult<Box<dyn ReadTx>> {
        Ok(self.door.begin_read_legacy().await?)
    }

    /// Runs a use case; a refusal it returns is written to the audit log (in a transaction of
    /// its own, after the use case's transaction is gone) and becomes `Forbidden`/`Conflict`.
    pub(crate) async fn audited<T>(
        &self,
        work: impl std::future::Future<Output = ServiceResult<T>>,
    ) -> ServiceResult<T> {
        match work.await {
            Err(e @ (ServiceError::Denied(_) | ServiceError::Refused(_))) => {
                Err(self.door.settle(e.into()).await)
            }
            other => other,
        }
    }

    /// Appends one entry in a transaction of its own.
    pub(crate) async fn audit_alone(&self, entry: NewAuditEntry) -> ServiceResult<()> {
        self.door.audit_alone(entry).await
    }

    /// Appends an audit entry through the group commit; returns once it is committed.
    pub(crate) async fn append_committed(&self, entry: NewAuditEntry) -> ServiceResult<()> {
        self.door.append_committed_legacy(vec![entry]).await
    }

    /// Runs `read` on a read connection and returns its value only once the audit entry it
    /// produced is committed.
    pub(crate) async fn audited_read<T, F>(&self, read: F) -> ServiceResult<T>
    where
        F: for<'a> FnOnce(
            &'a mut dyn ReadTx,
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

impl Services {
    /// A refusal, with the audit entry that records it (written by [`Services::audited`]).
    pub(crate) async fn deny(
        &self,
        ctx: &crate::Ctx<'_>,
        action: vaka_domain::audit::AuditAction,
        subject: Option<(&str, String)>,
        reason: &'static str,
    ) -> ServiceError {
        let mut e = ctx.entry(
            self.now(),
            action,
            vaka_domain::audit::Outcome::Denied,
            None,
            crate::directory::ADMIN,
        );
        if let Some((kind, id)) = subject {
            e = e.subject(kind, id);
        }
        ServiceError::Denied(Box::new(crate::error::Denial {
            entry: e,
            reason: reason.into(),
        }))
    }

    #[allow(clippy::unused_async)]
    pub(crate) async fn grant<'p>(
        &self,
        ctx: &'p crate::Ctx<'p>,
        p: vaka_domain::access::Permission,
        target: vaka_domain::access::Target<'_>,
        action: vaka_domain::audit::AuditAction,
        subject: Option<(&str, String)>,
    ) -> ServiceResult<&'p vaka_domain::access::Assignment> {
        match ctx.principal.grant_for(p, target) {
            Some(g) => Ok(g),
            None => Err(self
                .deny(ctx, action, subject, "your roles do not allow this here")
                .await),
        }
    }
}

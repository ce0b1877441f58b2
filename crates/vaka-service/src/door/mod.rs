//! The one door to the data: every use case reads and writes through a unit of work opened
//! here, and nothing else in the service can reach the store (its handle is private to this
//! module).
//!
//! A change runs *authorise (auditing a refusal) → apply the rule → write → append the audit
//! entries → commit* in [`Door::change`]. The use case receives a [`Change`]: it lends the write
//! transaction as a `WriteTx` (every read and write, but no audit append and no commit) and
//! collects the audit entries the use case records; the door appends them as it commits, in
//! the same transaction. A refusal is a [`Fault`] carrying its own audit entry, and only the
//! door turns a `Fault` into the caller's [`ServiceError`] — after the change is rolled back
//! and the refusal's entry is written in a transaction of its own. So a change cannot commit
//! without its entries, and a refusal cannot reach the caller unaudited: neither compiles.
//!
//! Reads run in [`Door::read`] on a read connection (`ReadTx`: no write methods). Their
//! entries go through the group commit in [`appender`], and the value is returned only once
//! they are committed: no data leaves without its log line.

mod appender;

use std::sync::Arc;

use jiff::Timestamp;
use vaka_domain::access::{Assignment, Credential, Permission, Target};
use vaka_domain::audit::{Actor, AuditAction, AuditEntry, AuditFlags, NewAuditEntry, Outcome};
use vaka_domain::client::Client;
use vaka_domain::clock::Clock;
use vaka_domain::reason::{AccessReason, Reason};
use vaka_store::{Backend, ReadTx, Store, StoreResult, Transaction, WriteTx};

use crate::context::{Ctx, RequestMeta};
use crate::error::{Fault, ServiceError, ServiceResult};

/// The store, behind the units of work.
#[derive(Clone)]
pub(crate) struct Door {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    appender: Arc<tokio::sync::OnceCell<tokio::sync::mpsc::Sender<appender::Pending>>>,
}

/// On whose behalf a unit of work acts, and for what: the audit entries it writes are built
/// from this.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Op<'a> {
    who: Who<'a>,
    pub(crate) action: AuditAction,
    pub(crate) care_context: &'static str,
}

#[derive(Debug, Clone, Copy)]
enum Who<'a> {
    /// An authenticated caller.
    Caller(Ctx<'a>),
    /// A request without an authenticated principal (a login attempt).
    Anonymous(&'a RequestMeta),
    /// The server itself (jobs, the alarm receiver) or the command line.
    System(Credential),
}

impl<'a> Op<'a> {
    /// Work for an authenticated caller.
    pub(crate) fn caller(ctx: &Ctx<'a>, action: AuditAction, care_context: &'static str) -> Self {
        Self {
            who: Who::Caller(*ctx),
            action,
            care_context,
        }
    }

    /// Work for a request that has not authenticated (yet).
    pub(crate) fn anonymous(
        meta: &'a RequestMeta,
        action: AuditAction,
        care_context: &'static str,
    ) -> Self {
        Self {
            who: Who::Anonymous(meta),
            action,
            care_context,
        }
    }

    /// Work of the server itself.
    pub(crate) fn system(action: AuditAction, care_context: &'static str) -> Self {
        Self {
            who: Who::System(Credential::System),
            action,
            care_context,
        }
    }

    /// Work ordered on the command line.
    pub(crate) fn cli(action: AuditAction, care_context: &'static str) -> Self {
        Self {
            who: Who::System(Credential::Cli),
            action,
            care_context,
        }
    }
}

/// What a use case holds while it works besides its transaction: when it started, on whose
/// behalf, and the audit entries it has recorded.
pub(crate) struct Ledger<'a> {
    op: Op<'a>,
    now: Timestamp,
    audit: Vec<NewAuditEntry>,
}

/// A change in progress: reads and writes through `WriteTx`, entries recorded for the commit.
pub(crate) struct Change<'a> {
    ledger: Ledger<'a>,
    tx: Box<dyn Transaction>,
}

/// A read in progress: reads through `ReadTx`, entries recorded for the group commit.
pub(crate) struct Read<'a> {
    ledger: Ledger<'a>,
    tx: Box<dyn ReadTx>,
}

impl std::ops::Deref for Change<'_> {
    type Target = dyn WriteTx;
    fn deref(&self) -> &Self::Target {
        &*self.tx
    }
}

impl std::ops::DerefMut for Change<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut *self.tx
    }
}

impl std::ops::Deref for Read<'_> {
    type Target = dyn ReadTx;
    fn deref(&self) -> &Self::Target {
        &*self.tx
    }
}

impl std::ops::DerefMut for Read<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut *self.tx
    }
}

/// A unit of work, change or read: its reads, and its audit side. Helpers that serve both
/// (load a record and check the caller's right over it) take `&mut impl Work<'_>`.
pub(crate) trait Work<'a>: Send {
    #[doc(hidden)]
    fn ledger(&self) -> &Ledger<'a>;
    #[doc(hidden)]
    fn ledger_mut(&mut self) -> &mut Ledger<'a>;

    /// The unit's reads.
    fn reads(&mut self) -> &mut dyn ReadTx;

    /// When the unit of work began (the clock is read once per unit).
    fn now(&self) -> Timestamp {
        self.ledger().now
    }

    /// The caller, for work done on behalf of an authenticated principal.
    fn ctx(&self) -> Option<&Ctx<'a>> {
        match &self.ledger().op.who {
            Who::Caller(ctx) => Some(ctx),
            _ => None,
        }
    }

    /// The action this unit of work is audited as.
    fn action(&self) -> AuditAction {
        self.ledger().op.action
    }

    /// An entry for this unit's action with `outcome`, the caller acting through `grant`.
    fn entry(&self, outcome: Outcome, grant: Option<&Assignment>) -> NewAuditEntry {
        self.entry_for(self.action(), outcome, grant)
    }

    /// An entry for another action of the same unit of work.
    fn entry_for(
        &self,
        action: AuditAction,
        outcome: Outcome,
        grant: Option<&Assignment>,
    ) -> NewAuditEntry {
        let ledger = self.ledger();
        let (actor, meta) = match &ledger.op.who {
            Who::Caller(ctx) => (Actor::acting(ctx.principal, grant), Some(ctx.meta)),
            Who::Anonymous(meta) => (Actor::anonymous(None), Some(*meta)),
            Who::System(credential) => (Actor::system(*credential), None),
        };
        let mut e = NewAuditEntry::new(ledger.now, actor, action, outcome);
        if let Some(meta) = meta {
            e.request_id.clone_from(&meta.request_id);
            e.source_ip.clone_from(&meta.source_ip);
        }
        e.care_context = Some(ledger.op.care_context.to_owned());
        e
    }

    /// An entry about a client, flagged when the client's identity is protected.
    fn client_entry(
        &self,
        outcome: Outcome,
        grant: Option<&Assignment>,
        client: &Client,
    ) -> NewAuditEntry {
        let mut e = self.entry(outcome, grant).client(client.id);
        e.flags = AuditFlags {
            protected_identity: client.protection.is_protected(),
            ..AuditFlags::default()
        };
        e
    }

    /// Records an entry to be written with this unit of work.
    fn record(&mut self, entry: NewAuditEntry) {
        self.ledger_mut().audit.push(entry);
    }

    /// Records this unit's success, through `grant`, as `shape` completes the entry (a
    /// subject, a client, details).
    fn succeeded(
        &mut self,
        grant: Option<&Assignment>,
        shape: impl FnOnce(NewAuditEntry) -> NewAuditEntry,
    ) {
        let e = shape(self.entry(Outcome::Success, grant));
        self.record(e);
    }

    /// A refusal by right (becomes `Forbidden`), audited as this unit's action.
    fn denied(&self, reason: impl Into<Reason>, subject: Option<(&str, String)>) -> Fault {
        let mut e = self.entry(Outcome::Denied, None);
        if let Some((kind, id)) = subject {
            e = e.subject(kind, id);
        }
        Fault::denied(e, reason)
    }

    /// The caller's assignment that gives `p` somewhere, or an audited refusal for `reason`.
    fn any_grant(&self, p: Permission, reason: impl Into<Reason>) -> Result<Assignment, Fault> {
        self.ctx()
            .and_then(|ctx| ctx.principal.any_grant(p).cloned())
            .ok_or_else(|| self.denied(reason, None))
    }

    /// The caller's assignment that allows `p` over `target`, or an audited refusal
    /// ("your roles do not allow this here").
    fn grant(
        &self,
        p: Permission,
        target: Target<'_>,
        subject: Option<(&str, String)>,
    ) -> Result<Assignment, Fault> {
        let granted = self
            .ctx()
            .and_then(|ctx| ctx.principal.grant_for(p, target).cloned());
        granted.ok_or_else(|| self.denied(AccessReason::NotAllowedHere, subject))
    }
}

impl<'a> Work<'a> for Change<'a> {
    fn ledger(&self) -> &Ledger<'a> {
        &self.ledger
    }
    fn ledger_mut(&mut self) -> &mut Ledger<'a> {
        &mut self.ledger
    }
    fn reads(&mut self) -> &mut dyn ReadTx {
        &mut *self.tx
    }
}

impl<'a> Work<'a> for Read<'a> {
    fn ledger(&self) -> &Ledger<'a> {
        &self.ledger
    }
    fn ledger_mut(&mut self) -> &mut Ledger<'a> {
        &mut self.ledger
    }
    fn reads(&mut self) -> &mut dyn ReadTx {
        &mut *self.tx
    }
}

impl Door {
    pub(crate) fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            appender: Arc::new(tokio::sync::OnceCell::new()),
        }
    }

    /// *Authorise → rule → write → audit → commit*: runs `work` in a write transaction and
    /// commits what it wrote together with the entries it recorded. When `work` fails, nothing
    /// it wrote is kept; a refusal's entry is then written on its own.
    pub(crate) async fn change<T>(
        &self,
        op: Op<'_>,
        work: impl AsyncFnOnce(&mut Change<'_>) -> Result<T, Fault>,
    ) -> ServiceResult<T> {
        let now = self.now_for(&op);
        let tx = self.store.begin().await.map_err(ServiceError::from)?;
        let mut unit = Change {
            ledger: Ledger {
                op,
                now,
                audit: Vec::new(),
            },
            tx,
        };
        match work(&mut unit).await {
            Ok(value) => {
                let Change { ledger, tx } = unit;
                tx.commit(&ledger.audit).await.map_err(ServiceError::from)?;
                Ok(value)
            }
            Err(fault) => {
                drop(unit);
                Err(self.settle(fault).await)
            }
        }
    }

    /// Runs `work` on a read connection; the entries it recorded are committed (group commit)
    /// before its value is returned.
    pub(crate) async fn read<T>(
        &self,
        op: Op<'_>,
        work: impl AsyncFnOnce(&mut Read<'_>) -> Result<T, Fault>,
    ) -> ServiceResult<T> {
        let now = self.now_for(&op);
        let tx = self.store.begin_read().await.map_err(ServiceError::from)?;
        let mut unit = Read {
            ledger: Ledger {
                op,
                now,
                audit: Vec::new(),
            },
            tx,
        };
        let result = work(&mut unit).await;
        let Read { ledger, tx } = unit;
        drop(tx);
        let audit = ledger.audit;
        match result {
            Ok(value) => {
                if !audit.is_empty() {
                    self.append_committed(audit).await?;
                }
                Ok(value)
            }
            Err(fault) => Err(self.settle(fault).await),
        }
    }

    /// Writes one entry in a transaction of its own: an event that changes nothing else (a
    /// failed login, a route refused by its declared permission).
    pub(crate) async fn audit_alone(&self, entry: NewAuditEntry) -> ServiceResult<()> {
        let tx = self.store.begin().await?;
        tx.commit(std::slice::from_ref(&entry)).await?;
        Ok(())
    }

    /// Turns a fault into the caller's error, writing a refusal's entry first.
    async fn settle(&self, fault: Fault) -> ServiceError {
        match fault {
            Fault::Error(e) => e,
            Fault::Denied(d) => match self.audit_alone(d.entry).await {
                Ok(()) => ServiceError::Forbidden(d.reason),
                Err(e) => e,
            },
            Fault::Refused(d) => match self.audit_alone(d.entry).await {
                Ok(()) => ServiceError::Conflict(d.reason),
                Err(e) => e,
            },
        }
    }

    fn now_for(&self, _op: &Op<'_>) -> Timestamp {
        self.clock.now()
    }

    // ---- what the server and the tools need of the store besides units of work -----------

    pub(crate) fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// Closes all connections.
    pub(crate) async fn close(&self) {
        self.store.close().await;
    }

    /// Checks that the database answers.
    pub(crate) async fn ping(&self) -> StoreResult<()> {
        self.store.ping().await
    }

    /// The store, for a task that pages through the audit log on another thread.
    pub(crate) fn audit_pages(&self) -> AuditPages {
        AuditPages(self.store.clone())
    }

    /// Encodes a group commit of the alarm receiver outside the write lock.
    pub(crate) fn prepare_intake(
        &self,
        messages: Vec<vaka_domain::alarm::AlarmMessage>,
        alarms: Vec<vaka_domain::alarm::AlarmRecord>,
        restores: Vec<(vaka_domain::ids::DeviceId, String, Timestamp)>,
    ) -> vaka_store::PreparedIntake {
        self.store.prepare_intake(messages, alarms, restores)
    }
}

/// Read access to the audit log's pages alone, movable to another task.
pub(crate) struct AuditPages(Arc<dyn Store>);

impl AuditPages {
    pub(crate) async fn page(&self, after: u64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        self.0.audit_page(after, limit).await
    }
}

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
//!
//! A decision — a rule over what is stored whose only writes are new rows that nothing else
//! updates in the same breath (an unlock command or a capability: [`Appended`]) — runs in
//! [`Door::decide`]: like a read, on a read connection, and its rows travel with its entries
//! to the same group commit, which inserts them and appends the entries in one transaction.
//! The value is returned only after that commit, so the door's rule holds unchanged: no row
//! without its entries, none of either when the commit fails. Many decisions then share one
//! write transaction (and one fsync) instead of queuing for the one writer each. The price:
//! what the decision read may change before its rows commit (a group commit's wait, a few
//! milliseconds), since the reads are not in the writing transaction. So a decision appends
//! only rows that no other unit updates in between and whose meaning survives that moment: an
//! unlock granted on grounds a few milliseconds old, as it already is on a principal loaded
//! when the request came in. (A deactivation's revocation that commits in that moment does
//! not see the grant; neither does it see one decided for a request authenticated just
//! before it.)
//!
//! Refusals are settled through the group commit too: the refusal's entry is committed before
//! the caller gets the error, in the appender's transaction with the others waiting.

mod appender;

use std::sync::Arc;

use jiff::Timestamp;
use vaka_domain::access::{Assignment, Credential, Permission, Target};
use vaka_domain::audit::{Actor, AuditAction, AuditEntry, AuditFlags, NewAuditEntry, Outcome};
use vaka_domain::client::{Client, ClientSummary};
use vaka_domain::clock::Clock;
use vaka_domain::ids::ClientId;
use vaka_domain::keys::LockGrant;
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
    /// Every unit of work holds this shared while it runs; [`Door::quiesce`] takes it
    /// exclusively at shutdown, so that once it returns no unit is running and none starts.
    gate: Arc<tokio::sync::RwLock<Open>>,
}

/// Whether the door still opens units of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Yes,
    Closed,
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
    /// Clients this unit reads under the caller's emergency access, with when it ends: every
    /// entry about them is flagged.
    emergency: Vec<(ClientId, Timestamp)>,
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

/// A decision in progress: reads through `ReadTx`; entries and insert-only rows recorded for
/// the group commit.
pub(crate) struct Decision<'a> {
    ledger: Ledger<'a>,
    tx: Box<dyn ReadTx>,
    rows: Vec<Appended>,
}

/// The rows a decision may write: inserts of records that the decision creates and that no
/// concurrent unit of work updates before they are committed, so that writing them a few
/// milliseconds after the reads that decided them changes nothing. The appender inserts them
/// in its transaction, before the entries of the same commit.
#[derive(Debug, Clone)]
pub(crate) enum Appended {
    /// An unlock command or a capability issued.
    LockGrant(LockGrant),
}

impl Decision<'_> {
    /// Records a row to be inserted with this decision's entries.
    pub(crate) fn append(&mut self, row: Appended) {
        self.rows.push(row);
    }
}

impl std::ops::Deref for Decision<'_> {
    type Target = dyn ReadTx;
    fn deref(&self) -> &Self::Target {
        &*self.tx
    }
}

impl std::ops::DerefMut for Decision<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut *self.tx
    }
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

    /// [`Self::client_entry`] for a client read as its summary.
    fn summary_entry(
        &self,
        outcome: Outcome,
        grant: Option<&Assignment>,
        client: &ClientSummary,
    ) -> NewAuditEntry {
        let mut e = self.entry(outcome, grant).client(client.id);
        e.flags = AuditFlags {
            protected_identity: client.protection.is_protected(),
            ..AuditFlags::default()
        };
        e
    }

    /// Records an entry to be written with this unit of work. An entry about a client read
    /// under emergency access is flagged so, whoever built it.
    fn record(&mut self, mut entry: NewAuditEntry) {
        let ledger = self.ledger_mut();
        if entry
            .client_id
            .is_some_and(|c| ledger.emergency.iter().any(|(e, _)| *e == c))
        {
            entry.flags.emergency_access = true;
        }
        ledger.audit.push(entry);
    }

    /// Marks `client` as read under the caller's emergency access (until `ends`) for the rest
    /// of this unit of work.
    fn read_in_emergency(&mut self, client: ClientId, ends: Timestamp) {
        self.ledger_mut().emergency.push((client, ends));
    }

    /// When the emergency access this unit reads `client` under ends, if it does.
    fn emergency_until(&self, client: ClientId) -> Option<Timestamp> {
        self.ledger()
            .emergency
            .iter()
            .find(|(c, _)| *c == client)
            .map(|(_, t)| *t)
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

impl<'a> Work<'a> for Decision<'a> {
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
    /// The same door (store, audit appender, shutdown gate) whose units of work happen at
    /// `clock`'s time.
    pub(crate) fn with_clock(&self, clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            ..self.clone()
        }
    }

    pub(crate) fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            appender: Arc::new(tokio::sync::OnceCell::new()),
            gate: Arc::new(tokio::sync::RwLock::new(Open::Yes)),
        }
    }

    /// Lets a unit of work in, or refuses it once the server is stopping.
    async fn enter(&self) -> ServiceResult<tokio::sync::RwLockReadGuard<'_, Open>> {
        let open = self.gate.read().await;
        if *open == Open::Closed {
            return Err(ServiceError::Unavailable(vaka_domain::error::Cause::msg(
                "the server is stopping",
            )));
        }
        Ok(open)
    }

    /// Stops the door for shutdown: waits for the units of work in flight to finish (a read's
    /// entries committed with it), refuses every later one, and returns the head of the audit
    /// chain, which nothing can move any more. The last signed checkpoint is made from it, so
    /// it covers every entry the server wrote.
    pub(crate) async fn quiesce(&self) -> StoreResult<(u64, [u8; 32])> {
        let mut open = self.gate.write().await;
        *open = Open::Closed;
        // Read in a write transaction: it waits for a commit still running on the writer
        // (one whose caller stopped waiting for it, such as an aborted job's).
        let mut tx = self.store.begin().await?;
        let head = tx.audit_head().await;
        drop(tx);
        head
    }

    /// *Authorise → rule → write → audit → commit*: runs `work` in a write transaction and
    /// commits what it wrote together with the entries it recorded. When `work` fails, nothing
    /// it wrote is kept; a refusal's entry is then written on its own.
    pub(crate) async fn change<T>(
        &self,
        op: Op<'_>,
        work: impl AsyncFnOnce(&mut Change<'_>) -> Result<T, Fault>,
    ) -> ServiceResult<T> {
        let _open = self.enter().await?;
        let now = self.now_for(&op);
        let tx = self.store.begin().await.map_err(ServiceError::from)?;
        let mut unit = Change {
            ledger: Ledger {
                op,
                now,
                audit: Vec::new(),
                emergency: Vec::new(),
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
        let _open = self.enter().await?;
        let now = self.now_for(&op);
        let tx = self.store.begin_read().await.map_err(ServiceError::from)?;
        let mut unit = Read {
            ledger: Ledger {
                op,
                now,
                audit: Vec::new(),
                emergency: Vec::new(),
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

    /// *Authorise → rule → insert → audit → commit* for a decision whose writes are only
    /// [`Appended`] rows: runs `work` on a read connection, then hands its rows and entries to
    /// the group commit and returns its value once they are committed (see the module docs).
    /// When `work` fails, no row is written; a refusal's entry is.
    pub(crate) async fn decide<T>(
        &self,
        op: Op<'_>,
        work: impl AsyncFnOnce(&mut Decision<'_>) -> Result<T, Fault>,
    ) -> ServiceResult<T> {
        let _open = self.enter().await?;
        let now = self.now_for(&op);
        let tx = self.store.begin_read().await.map_err(ServiceError::from)?;
        let mut unit = Decision {
            ledger: Ledger {
                op,
                now,
                audit: Vec::new(),
                emergency: Vec::new(),
            },
            tx,
            rows: Vec::new(),
        };
        let result = work(&mut unit).await;
        let Decision { ledger, tx, rows } = unit;
        // The read connection goes back to the pool before the wait for the commit.
        drop(tx);
        match result {
            Ok(value) => {
                if !rows.is_empty() || !ledger.audit.is_empty() {
                    self.group_commit(rows, ledger.audit).await?;
                }
                Ok(value)
            }
            Err(fault) => Err(self.settle(fault).await),
        }
    }

    /// Writes one entry on its own: an event that changes nothing else (a failed login, a
    /// route refused by its declared permission). Goes through the group commit; returns once
    /// the entry is committed.
    pub(crate) async fn audit_alone(&self, entry: NewAuditEntry) -> ServiceResult<()> {
        let _open = self.enter().await?;
        self.append_alone(entry).await
    }

    /// Writes entries of the past through the group commit, chained like any other (`vaka
    /// demo`'s history); returns once they are committed.
    pub(crate) async fn audit_history(&self, entries: Vec<NewAuditEntry>) -> ServiceResult<()> {
        let _open = self.enter().await?;
        if entries.is_empty() {
            return Ok(());
        }
        self.append_committed(entries).await
    }

    /// [`Self::audit_alone`] inside a unit of work that is already in.
    async fn append_alone(&self, entry: NewAuditEntry) -> ServiceResult<()> {
        self.append_committed(vec![entry]).await
    }

    /// Turns a fault into the caller's error, writing a refusal's entry first.
    async fn settle(&self, fault: Fault) -> ServiceError {
        match fault {
            Fault::Error(e) => e,
            Fault::Denied(d) => match self.append_alone(d.entry).await {
                Ok(()) => ServiceError::Forbidden(d.reason),
                Err(e) => e,
            },
            Fault::Refused(d) => match self.append_alone(d.entry).await {
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

    /// The lease of the jobs that run on one node at a time.
    pub(crate) async fn job_lease(&self) -> StoreResult<Box<dyn vaka_store::JobLease>> {
        self.store.job_lease().await
    }

    /// The purge's run lock across the processes on this database (see
    /// [`vaka_store::Store::purge_run_lock`]).
    pub(crate) async fn purge_run_lock(&self) -> StoreResult<Option<Box<dyn Send + Sync>>> {
        self.store.purge_run_lock().await
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
        dedupe_window: Option<jiff::SignedDuration>,
    ) -> vaka_store::PreparedIntake {
        self.store
            .prepare_intake(messages, alarms, restores, dedupe_window)
    }
}

/// Read access to the audit log's pages alone, movable to another task.
pub(crate) struct AuditPages(Arc<dyn Store>);

impl AuditPages {
    pub(crate) async fn page(&self, after: u64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        self.0.audit_page(after, limit).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vaka_store_sqlite::{SqliteOptions, SqliteStore};

    async fn door(dir: &std::path::Path) -> Door {
        let store = SqliteStore::open_path(&dir.join("door.db"), &SqliteOptions::default())
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let clock = vaka_domain::clock::ManualClock::new(Timestamp::UNIX_EPOCH);
        Door::new(Arc::new(store), Arc::new(clock))
    }

    /// Shutdown's last checkpoint is taken from `quiesce`: it waits for a unit of work in
    /// flight (here a read whose entry is committed only after its work returns), so the head
    /// it returns covers that entry, and every later unit is refused.
    #[tokio::test]
    async fn quiesce_waits_for_work_in_flight_and_refuses_later_work() {
        let dir = tempfile::tempdir().unwrap();
        let door = door(dir.path()).await;
        let (inside_tx, inside) = tokio::sync::oneshot::channel::<()>();
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let reader = {
            let door = door.clone();
            tokio::spawn(async move {
                let op = Op::system(AuditAction::AccessDenied, "test");
                door.read(op, async |r| {
                    let e = r.entry(Outcome::Success, None);
                    r.record(e);
                    inside_tx.send(()).unwrap();
                    released.await.unwrap();
                    Ok(())
                })
                .await
            })
        };
        inside.await.unwrap();
        let quiescing = {
            let door = door.clone();
            tokio::spawn(async move { door.quiesce().await })
        };
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
        assert!(
            !quiescing.is_finished(),
            "quiesce returned while a read ran"
        );
        release.send(()).unwrap();
        reader.await.unwrap().unwrap();
        let head = quiescing.await.unwrap().unwrap();
        assert_eq!(head.0, 1, "the read's entry is under the head");

        let op = Op::system(AuditAction::AccessDenied, "test");
        let later = door.change(op, async |_| Ok(())).await;
        assert!(
            matches!(later, Err(ServiceError::Unavailable(_))),
            "{later:?}"
        );
        let op = Op::system(AuditAction::AccessDenied, "test");
        let read = door.read(op, async |_| Ok(())).await;
        assert!(
            matches!(read, Err(ServiceError::Unavailable(_))),
            "{read:?}"
        );
        door.close().await;
    }
}

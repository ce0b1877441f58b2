//! The storage contract of Vaka.
//!
//! Services talk to storage through [`Store`], which hands out two kinds of unit of work: a
//! [`ReadTx`] (reads only, on a read connection) and a [`Transaction`] (reads and writes, the
//! [`WriteTx`] a use case works with, committed together with its audit entries). Reading and
//! writing are separate traits per concern (`DirectoryRead`/`DirectoryWrite`, …), so a write
//! through a read handle is a compile error. Dropping a transaction without committing rolls
//! everything back, so a failed request leaves nothing half-written.
//!
//! Two backends implement the contract: `vaka-store-sqlite` (the embedded default) and
//! `vaka-store-postgres` (production). They compile the same Rust source in `sql/` with their
//! own `sqlx.toml`, so every query is checked at compile time against each real engine. The
//! integration suite (`crates/vaka-server/tests/it`) runs every test against both.

pub mod app_devices;
pub mod delegation;
pub mod emergency;
pub mod governance;
pub mod homecare;
pub mod log_review;
pub mod oidc;
pub mod operations;
pub mod passkeys;
pub mod records;
pub mod retention;
pub mod sealed;
pub mod values;

use async_trait::async_trait;
use vaka_domain::access::{Assignment, Reach};
use vaka_domain::audit::{AuditEntry, NewAuditEntry};
use vaka_domain::client::{Client, ClientSummary};
use vaka_domain::consent::Consent;
use vaka_domain::decision::{Decision, Order};
use vaka_domain::device::{Device, DeviceEvent};
use vaka_domain::directory::{AccountStatus, Organisation, Unit, UserAccount};
use vaka_domain::ids::{ApiTokenId, OrganisationId, RoleAssignmentId, SessionId, UnitId, UserId};
use vaka_domain::ids::{ClientId, DecisionId, DeviceId, OrderId, PauseId};
use vaka_domain::plan::{Pause, SupervisionPlan};

pub use app_devices::{AppDeviceRead, AppDeviceRecord, AppDeviceRow, AppDeviceWrite};
pub use delegation::{DelegationRead, DelegationWrite};
pub use emergency::{EmergencyRead, EmergencyWrite};
pub use governance::{GovernanceRead, GovernanceWrite};
pub use homecare::{HomecareRead, HomecareWrite};
pub use log_review::{LogReviewRead, LogReviewWrite};
pub use oidc::{OidcLoginRecord, OidcRead, OidcWrite};
pub use operations::{OperationsRead, OperationsWrite};
pub use passkeys::{
    PasskeyChallengeRecord, PasskeyChallengeRow, PasskeyRead, PasskeyRecord, PasskeyRow,
    PasskeyWrite,
};
pub use records::*;
pub use retention::{RetentionRead, RetentionWrite};
pub use values::{DbDate, DbInstant};

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Storage failures. Driver types never leave the backend crates: a driver's error is kept as
/// the [`Cause`] (shown in logs through `source()`), never turned into a string early.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness or reference rule of the schema refused the change.
    #[error("conflict with existing data ({constraint})")]
    Conflict { constraint: String },
    /// An alarm intake was refused, nothing written: one of its messages is already stored
    /// (its key, claimed with the message, is still fresh: a resend that reached another node
    /// on the same database, see [`Store::prepare_intake`]).
    #[error("an alarm message of the intake is already stored")]
    AlreadyStored,
    /// The database could not be reached or is overloaded.
    #[error("database unavailable")]
    Unavailable(#[source] Cause),
    /// The database holds a value the domain does not accept.
    #[error("stored data is corrupt: {context}")]
    Corrupt {
        context: std::borrow::Cow<'static, str>,
        #[source]
        source: Option<Cause>,
    },
    /// Anything else: a failed statement or migration, a value out of range.
    #[error("{context}")]
    Other {
        context: std::borrow::Cow<'static, str>,
        #[source]
        source: Option<Cause>,
    },
}

impl StoreError {
    /// Stored data the domain refuses, found by our own check.
    pub fn corrupt(context: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        Self::Corrupt {
            context: context.into(),
            source: None,
        }
    }

    /// A failure found by our own check.
    pub fn other(context: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        Self::Other {
            context: context.into(),
            source: None,
        }
    }

    /// A failure with the error that caused it.
    pub fn caused(
        context: impl Into<std::borrow::Cow<'static, str>>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::Other {
            context: context.into(),
            source: Some(Cause::new(source)),
        }
    }
}

pub use vaka_domain::error::Cause;

pub type StoreResult<T> = Result<T, StoreError>;

/// A place to keep Vaka's data.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Runs pending migrations.
    async fn migrate(&self) -> StoreResult<()>;

    /// A read-write transaction. On SQLite it takes the write lock at once, so that two
    /// writers never deadlock on upgrade.
    async fn begin(&self) -> StoreResult<Box<dyn Transaction>>;

    /// A unit of work for reads: a read connection in autocommit mode (each statement sees
    /// committed data; there is no snapshot across statements). On SQLite it reads in
    /// parallel with the writer. It has no write methods (see [`ReadTx`]).
    async fn begin_read(&self) -> StoreResult<Box<dyn ReadTx>>;

    /// Seals, in one transaction, every secret column value stored in clear (a database from
    /// before sealing) or under an older key (after a rotation) with the current key; returns
    /// how many values it sealed. Idempotent. See [`sealed`].
    async fn reseal_secrets(&self) -> StoreResult<u64>;

    /// Checks that the database answers.
    async fn ping(&self) -> StoreResult<()>;

    /// Up to `limit` audit entries after sequence number `after`, in order (for verification
    /// in pages).
    async fn audit_page(&self, after: u64, limit: i64) -> StoreResult<Vec<AuditEntry>>;

    /// Closes all connections.
    async fn close(&self);

    /// The lease of the jobs that must run on one node at a time (see [`JobLease`]).
    async fn job_lease(&self) -> StoreResult<Box<dyn JobLease>>;

    /// Takes the purge's run lock, for the whole of one run, if no process on this database
    /// holds it (`None`): a manager's run on one node and the daily job on another do not
    /// overlap. Held until the guard is dropped. With one process (SQLite) the service's own
    /// lock suffices and this is always taken.
    async fn purge_run_lock(&self) -> StoreResult<Option<Box<dyn Send + Sync>>>;

    /// Encodes what one group commit of the alarm receiver stores — the messages, the alarms
    /// they raise, the open alarms `restores` marks restored (device, category, when) — for
    /// [`AlarmWrite::insert_intake`]. Pure work without the database: the receiver encodes the
    /// next batch while the one before commits. Takes the rows, so that their values move into
    /// the statements instead of being copied again.
    ///
    /// With `dedupe_window`, the intake also claims each message's key (account, sequence,
    /// fingerprint) until that long after its receipt; a key still fresh (the message already
    /// stored, by this node or another on the same database) makes the intake fail with
    /// [`StoreError::AlreadyStored`] before it writes anything else. Messages that are not live
    /// receipts (an imported history) claim nothing.
    fn prepare_intake(
        &self,
        messages: Vec<vaka_domain::alarm::AlarmMessage>,
        alarms: Vec<vaka_domain::alarm::AlarmRecord>,
        restores: Vec<(DeviceId, String, jiff::Timestamp)>,
        dedupe_window: Option<jiff::SignedDuration>,
    ) -> PreparedIntake;
}

/// Who runs the jobs that must run on exactly one node at a time: the scheduler, the alarm
/// monitor, the purge, night planning. [`JobLease::hold`] is called every few seconds by the
/// node; it takes the lease when nobody holds it and confirms it while held.
///
/// On PostgreSQL the lease is a session-level advisory lock on a connection of its own: the
/// database releases it the moment that connection ends, so a node that dies (or loses the
/// database) loses the lease with it, and the lease is never held by a node that cannot
/// write what its jobs decide. On SQLite (one process) this node always holds it.
#[async_trait]
pub trait JobLease: Send {
    /// Whether this node holds the lease now, taking it if it is free. A holder whose
    /// connection fails (or does not answer within `timeout`) has lost it and says so.
    async fn hold(&mut self, timeout: std::time::Duration) -> bool;
    /// Gives the lease up (at shutdown), so that another node takes it at its next try.
    async fn release(&mut self);
}

/// The lease of a store with one node: always held.
#[derive(Debug, Default)]
pub struct SoleLease;

#[async_trait]
impl JobLease for SoleLease {
    async fn hold(&mut self, _timeout: std::time::Duration) -> bool {
        true
    }
    async fn release(&mut self) {}
}

/// A group commit's rows encoded for one backend's statements (see
/// [`Store::prepare_intake`]); only that backend's transactions can run it.
pub struct PreparedIntake(pub Box<dyn std::any::Any + Send>);

impl std::fmt::Debug for PreparedIntake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PreparedIntake")
    }
}

/// What a read can do: every repository read, nothing that writes. [`Store::begin_read`] hands
/// out this type, so a write through a read handle does not compile:
///
/// ```compile_fail,E0599
/// # async fn f(tx: &mut dyn vaka_store::ReadTx, unit: &vaka_domain::directory::Unit) {
/// tx.insert_unit(unit).await;
/// # }
/// ```
///
/// while the same call on a [`WriteTx`] does:
///
/// ```
/// # async fn f(tx: &mut dyn vaka_store::WriteTx, unit: &vaka_domain::directory::Unit) {
/// let _ = tx.insert_unit(unit).await;
/// # }
/// ```
pub trait ReadTx:
    DirectoryRead
    + AuthRead
    + AuditRead
    + ClientRead
    + RegistryRead
    + SupervisionRead
    + AlarmRead
    + HomecareRead
    + DelegationRead
    + TagRead
    + LockRead
    + AppDeviceRead
    + PasskeyRead
    + RetentionRead
    + OperationsRead
    + EmergencyRead
    + GovernanceRead
    + LogReviewRead
    + OidcRead
    + Send
{
}

impl<T> ReadTx for T where
    T: DirectoryRead
        + AuthRead
        + AuditRead
        + ClientRead
        + RegistryRead
        + SupervisionRead
        + AlarmRead
        + HomecareRead
        + DelegationRead
        + TagRead
        + LockRead
        + AppDeviceRead
        + PasskeyRead
        + RetentionRead
        + OperationsRead
        + EmergencyRead
        + GovernanceRead
        + LogReviewRead
        + OidcRead
        + Send
        + ?Sized
{
}

/// What a change can do: every read and every write, but neither append to the audit log nor
/// commit. The service's unit of work lends this to a use case and appends the entries the use
/// case recorded as it commits ([`Transaction`]); a use case cannot append on its own:
///
/// ```compile_fail,E0599
/// # async fn f(tx: &mut dyn vaka_store::WriteTx, e: &vaka_domain::audit::NewAuditEntry) {
/// tx.append_audit(e).await;
/// # }
/// ```
pub trait WriteTx:
    ReadTx
    + DirectoryWrite
    + AuthWrite
    + RegistryWrite
    + SupervisionWrite
    + AlarmWrite
    + HomecareWrite
    + DelegationWrite
    + TagWrite
    + LockWrite
    + AppDeviceWrite
    + PasskeyWrite
    + RetentionWrite
    + OperationsWrite
    + EmergencyWrite
    + GovernanceWrite
    + LogReviewWrite
    + OidcWrite
{
}

impl<T> WriteTx for T where
    T: ReadTx
        + DirectoryWrite
        + AuthWrite
        + RegistryWrite
        + SupervisionWrite
        + AlarmWrite
        + HomecareWrite
        + DelegationWrite
        + TagWrite
        + LockWrite
        + AppDeviceWrite
        + PasskeyWrite
        + RetentionWrite
        + OperationsWrite
        + EmergencyWrite
        + GovernanceWrite
        + LogReviewWrite
        + OidcWrite
        + ?Sized
{
}

/// A write transaction as its owner holds it. Dropping it rolls everything back; the only way
/// to keep a change is [`Transaction::commit`], which appends the change's audit entries at the
/// head of the chain in the same transaction.
#[async_trait]
pub trait Transaction: WriteTx {
    /// Appends `audit` (in order) and commits.
    async fn commit(self: Box<Self>, audit: &[NewAuditEntry]) -> StoreResult<()>;
}

/// Organisations, units, coverage, user accounts and role assignments.
#[async_trait]
pub trait DirectoryRead: Send {
    async fn get_organisation(&mut self, id: OrganisationId) -> StoreResult<Option<Organisation>>;

    async fn list_organisations(&mut self) -> StoreResult<Vec<Organisation>>;

    async fn get_unit(&mut self, id: UnitId) -> StoreResult<Option<Unit>>;

    async fn list_units(&mut self) -> StoreResult<Vec<Unit>>;

    /// All coverage pairs `(covering unit, covered unit)`.
    async fn list_coverage(&mut self) -> StoreResult<Vec<(UnitId, UnitId)>>;

    /// Coverage pairs of the units in which `user` holds a role.
    async fn list_coverage_for_user(&mut self, user: UserId) -> StoreResult<Vec<(UnitId, UnitId)>>;

    async fn get_user(&mut self, id: UserId) -> StoreResult<Option<UserAccount>>;

    async fn get_user_by_username(&mut self, username: &str) -> StoreResult<Option<UserAccount>>;

    async fn list_users(&mut self, filter: &UserFilter) -> StoreResult<Vec<UserAccount>>;

    async fn list_assignments(&mut self, user: UserId) -> StoreResult<Vec<Assignment>>;

    /// Every assignment with its user, for reports and for recomputing reach.
    async fn list_all_assignments(&mut self) -> StoreResult<Vec<(UserId, Assignment)>>;

    /// Which units each of the given user's assignments is in: the units of a user.
    async fn list_unit_members(&mut self, unit: UnitId) -> StoreResult<Vec<UserId>>;

    /// A user with their assignments and the coverage of their units, in one round trip (the
    /// hot path of every authenticated request).
    async fn load_principal_rows(&mut self, user: UserId) -> StoreResult<Option<PrincipalRows>>;
}

/// Changes to organisations, units, coverage, user accounts and role assignments.
#[async_trait]
pub trait DirectoryWrite: Send {
    async fn insert_organisation(&mut self, org: &Organisation) -> StoreResult<()>;

    async fn update_organisation(&mut self, org: &Organisation) -> StoreResult<()>;

    async fn insert_unit(&mut self, unit: &Unit) -> StoreResult<()>;

    async fn update_unit(&mut self, unit: &Unit) -> StoreResult<()>;

    /// Replaces the set of units that `unit` covers.
    async fn set_unit_coverage(&mut self, unit: UnitId, covered: &[UnitId]) -> StoreResult<()>;

    async fn insert_user(&mut self, user: &NewUser) -> StoreResult<()>;

    async fn update_user_profile(&mut self, user: &UserAccount) -> StoreResult<()>;

    /// Gives an account its username for good (at approval: a request only holds it, see
    /// [`UserAccount::stored_username`]). `Conflict` when another account has it.
    async fn claim_username(
        &mut self,
        user: UserId,
        username: &vaka_domain::validate::Username,
    ) -> StoreResult<()>;

    /// Records an approval, rejection, deactivation or reactivation.
    async fn set_user_status(&mut self, change: &StatusChange) -> StoreResult<()>;

    async fn insert_assignment(
        &mut self,
        user: UserId,
        assignment: &Assignment,
        granted_by: Option<UserId>,
        at: DbInstant,
    ) -> StoreResult<()>;

    /// Removes an assignment; `NotFound` when it does not exist.
    async fn delete_assignment(&mut self, id: RoleAssignmentId) -> StoreResult<()>;

    /// Replaces the stored need-to-know reach for client data of one user.
    async fn replace_client_reach(&mut self, user: UserId, reach: &Reach) -> StoreResult<()>;
}

/// Credentials, sessions and API tokens.
#[async_trait]
pub trait AuthRead: Send {
    async fn get_credentials(&mut self, user: UserId) -> StoreResult<Option<Credentials>>;

    async fn count_recovery_codes(&mut self, user: UserId) -> StoreResult<i64>;

    async fn get_session_by_token(
        &mut self,
        token_hash: &[u8],
    ) -> StoreResult<Option<SessionRecord>>;

    async fn get_session(&mut self, id: SessionId) -> StoreResult<Option<SessionRecord>>;

    async fn count_user_sessions(&mut self, user: UserId) -> StoreResult<i64>;

    async fn get_api_token_by_hash(&mut self, hash: &[u8]) -> StoreResult<Option<ApiTokenRecord>>;

    /// A token with the principal it authenticates, in one round trip.
    async fn load_token_principal(
        &mut self,
        hash: &[u8],
    ) -> StoreResult<Option<(ApiTokenRecord, PrincipalRows)>>;

    async fn list_api_tokens(&mut self, user: UserId) -> StoreResult<Vec<ApiTokenRecord>>;
}

/// Changes to credentials, sessions and API tokens.
#[async_trait]
pub trait AuthWrite: Send {
    async fn set_password(
        &mut self,
        user: UserId,
        hash: &str,
        must_change: bool,
        at: DbInstant,
    ) -> StoreResult<()>;

    async fn record_login_failure(
        &mut self,
        user: UserId,
        failed_logins: u32,
        locked_until: Option<DbInstant>,
    ) -> StoreResult<()>;

    async fn record_login_success(&mut self, user: UserId, at: DbInstant) -> StoreResult<()>;

    /// Stores a TOTP secret that is not yet confirmed (`None` removes it).
    async fn set_totp_pending(&mut self, user: UserId, secret: Option<&str>) -> StoreResult<()>;

    /// Confirms the pending secret; `step` is the time step of the code that confirmed it.
    async fn enable_totp(&mut self, user: UserId, at: DbInstant, step: i64) -> StoreResult<()>;

    /// Records the last accepted time step, so a code is never accepted twice.
    async fn set_totp_last_step(&mut self, user: UserId, step: i64) -> StoreResult<()>;

    async fn replace_recovery_codes(&mut self, user: UserId, hashes: &[String]) -> StoreResult<()>;

    /// Marks a recovery code used; `false` when it does not exist or was used already.
    async fn use_recovery_code(
        &mut self,
        user: UserId,
        hash: &str,
        at: DbInstant,
    ) -> StoreResult<bool>;

    async fn insert_session(&mut self, session: &SessionRecord) -> StoreResult<()>;

    /// Moves a session to `stage` under a new token (its hash): every step up of a login
    /// issues a new session id to the browser, so one planted before the login is worthless.
    async fn step_up_session(
        &mut self,
        id: SessionId,
        stage: vaka_domain::auth::SessionStage,
        token_hash: &[u8],
    ) -> StoreResult<()>;

    /// Records that the session proved its second factor at `at`.
    async fn prove_second_factor(&mut self, id: SessionId, at: DbInstant) -> StoreResult<()>;

    async fn touch_session(&mut self, id: SessionId, at: DbInstant) -> StoreResult<()>;

    async fn delete_session(&mut self, id: SessionId) -> StoreResult<()>;

    /// Ends every session of a user; returns how many ended.
    async fn delete_user_sessions(&mut self, user: UserId) -> StoreResult<u64>;

    async fn insert_api_token(&mut self, token: &ApiTokenRecord) -> StoreResult<()>;

    async fn touch_api_token(&mut self, id: ApiTokenId, at: DbInstant) -> StoreResult<()>;

    async fn revoke_api_token(&mut self, id: ApiTokenId, at: DbInstant) -> StoreResult<()>;

    /// Revokes every token of a user; returns how many.
    async fn revoke_user_tokens(&mut self, user: UserId, at: DbInstant) -> StoreResult<u64>;
}

/// Reading the append-only audit log. Appending is not here: entries are appended by
/// [`Transaction::commit`], with the change they record.
#[async_trait]
pub trait AuditRead: Send {
    /// Newest first. With `after_seq`, the `limit` entries closest above it (the page after
    /// it towards the newest), else the `limit` newest ones (below `before_seq` if given).
    async fn search_audit(&mut self, query: &AuditQuery) -> StoreResult<Vec<AuditEntry>>;

    /// How many entries match `query` (its page bounds aside), and how many of them are newer
    /// than the page (sequence number at or above `before_seq`): a page's place in the whole.
    async fn count_audit(&mut self, query: &AuditQuery) -> StoreResult<(i64, i64)>;

    /// The last sequence number and hash (0 and zeros when empty).
    async fn audit_head(&mut self) -> StoreResult<(u64, [u8; 32])>;
}

/// Client lists.
#[async_trait]
pub trait ClientRead: Send {
    /// Clients the user may see according to the stored reach, filtered by a name or identity
    /// prefix, in name order.
    async fn list_clients_in_reach(
        &mut self,
        user: UserId,
        query: &ClientQuery,
    ) -> StoreResult<Vec<ClientSummary>>;

    /// Clients whose name starts with `prefix`, whoever may see them, in name order: for a
    /// municipality-wide log review, which reads the whole log. The caller checks the right.
    async fn find_clients_by_name(
        &mut self,
        prefix: &str,
        limit: i64,
    ) -> StoreResult<Vec<ClientSummary>>;

    /// How many clients [`ClientRead::list_clients_in_reach`] finds, its limit and offset aside.
    async fn count_clients_in_reach(
        &mut self,
        user: UserId,
        query: &ClientQuery,
    ) -> StoreResult<i64>;

    async fn get_client_summary(
        &mut self,
        id: vaka_domain::ids::ClientId,
    ) -> StoreResult<Option<ClientSummary>>;

    /// The summaries of `ids` that exist, in no particular order: one statement per 500, for
    /// lists that name many clients (a unit's signing list).
    async fn get_client_summaries(
        &mut self,
        ids: &[vaka_domain::ids::ClientId],
    ) -> StoreResult<Vec<ClientSummary>>;
}

/// Nightly rounds: the supervision tasks of each night, and what planning them reads.
#[async_trait]
pub trait SupervisionRead: Send {
    /// Tasks of nights from `since` whose state time can still move (planned, open, looked in,
    /// re-check due) and whose window opens before `until`. (`since` keeps the scan to the
    /// recent nights of the `(night, due)` index, not the whole retention.)
    async fn list_moving_tasks(
        &mut self,
        since: jiff::civil::Date,
        until: jiff::Timestamp,
    ) -> StoreResult<Vec<vaka_domain::supervision::SupervisionTask>>;

    /// Dispatches not closed, oldest first.
    async fn list_open_dispatches(
        &mut self,
    ) -> StoreResult<Vec<vaka_domain::supervision::Dispatch>>;

    async fn get_dispatch(
        &mut self,
        id: vaka_domain::ids::DispatchId,
    ) -> StoreResult<Option<vaka_domain::supervision::Dispatch>>;

    /// A client's dispatches created in `[from, to)`, oldest first (the supervision log).
    async fn list_client_dispatches(
        &mut self,
        client: ClientId,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<vaka_domain::supervision::Dispatch>>;

    async fn get_task(
        &mut self,
        id: vaka_domain::ids::TaskId,
    ) -> StoreResult<Option<vaka_domain::supervision::SupervisionTask>>;

    /// The tasks of nights `first..=last` an operator still has to see to, or whose staff are
    /// on their way: every state but done, closed, paused and cancelled, opening before `until`.
    async fn list_console_tasks(
        &mut self,
        first: jiff::civil::Date,
        last: jiff::civil::Date,
        until: jiff::Timestamp,
    ) -> StoreResult<Vec<vaka_domain::supervision::SupervisionTask>>;

    /// A client's tasks of nights `first..=last`.
    async fn list_client_tasks(
        &mut self,
        client: ClientId,
        first: jiff::civil::Date,
        last: jiff::civil::Date,
    ) -> StoreResult<Vec<vaka_domain::supervision::SupervisionTask>>;

    async fn get_look_in(
        &mut self,
        id: vaka_domain::ids::LookInId,
    ) -> StoreResult<Option<vaka_domain::supervision::LookInRecord>>;

    /// The look-ins of a task, oldest first.
    async fn list_task_look_ins(
        &mut self,
        task: vaka_domain::ids::TaskId,
    ) -> StoreResult<Vec<vaka_domain::supervision::LookInRecord>>;

    /// A client's look-ins started in `[from, to)`, oldest first.
    async fn list_client_look_ins(
        &mut self,
        client: ClientId,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<vaka_domain::supervision::LookInRecord>>;

    /// Every task of nights `first..=last` with its client's provider and unit (statistics).
    async fn list_tasks_with_units(
        &mut self,
        first: jiff::civil::Date,
        last: jiff::civil::Date,
    ) -> StoreResult<Vec<TaskWithUnit>>;

    /// Every look-in started in `[from, to)`.
    async fn list_look_ins_between(
        &mut self,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<vaka_domain::supervision::LookInRecord>>;

    /// Every dispatch created in `[from, to)`.
    async fn list_dispatches_between(
        &mut self,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<vaka_domain::supervision::Dispatch>>;

    /// A client's tasks whose window opened in `[from, to)`, in order.
    async fn list_client_tasks_between(
        &mut self,
        client: ClientId,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<vaka_domain::supervision::SupervisionTask>>;

    /// The tasks of a night, in the order they fall due.
    async fn list_night_tasks(
        &mut self,
        night: jiff::civil::Date,
    ) -> StoreResult<Vec<vaka_domain::supervision::SupervisionTask>>;

    /// Every supervision plan with what decides whether its night may be planned: a valid
    /// night-supervision decision and consent that night, and a pause of it. One row a client,
    /// so planning 100,000 clients reads 100,000 rows.
    async fn list_night_rounds(&mut self, night: jiff::civil::Date)
    -> StoreResult<Vec<RoundInput>>;

    /// The nights in `[from, to]` on which a client's supervision lapsed and had not the night
    /// before (the first night of each lapse), oldest first.
    async fn list_supervision_lapses(
        &mut self,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
    ) -> StoreResult<Vec<SupervisionLapse>>;
}

/// A night a supervised client went without supervision: their decision (`decision`) or
/// consent (`consent`) had lapsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisionLapse {
    pub client_id: ClientId,
    pub night: jiff::civil::Date,
    pub cause: vaka_domain::consent::Refusal,
    pub detected_at: jiff::Timestamp,
}

/// Changes to the nightly rounds: tasks, look-ins, dispatches; purging.
#[async_trait]
pub trait SupervisionWrite: Send {
    /// Records lapsed nights; one already recorded is left. Returns how many were new.
    async fn insert_supervision_lapses(&mut self, lapses: &[SupervisionLapse]) -> StoreResult<u64>;

    /// Stores tasks; one already planned (same client, night, kind and instant) is left as it
    /// is. Returns how many were new.
    async fn insert_tasks(
        &mut self,
        tasks: &[vaka_domain::supervision::SupervisionTask],
    ) -> StoreResult<u64>;

    /// Moves a task from the state it was read in (`from`, the stored code and its time) to
    /// `to`; false when someone else moved it first (nothing is changed then).
    async fn move_task(
        &mut self,
        task: &vaka_domain::supervision::SupervisionTask,
        to: vaka_domain::supervision::TaskState,
        at: jiff::Timestamp,
    ) -> StoreResult<bool>;

    async fn insert_dispatch(&mut self, d: &vaka_domain::supervision::Dispatch) -> StoreResult<()>;

    /// Writes a responder's step; false when the dispatch moved since `before` was read.
    async fn update_dispatch(
        &mut self,
        before: &vaka_domain::supervision::Dispatch,
        after: &vaka_domain::supervision::Dispatch,
    ) -> StoreResult<bool>;

    async fn insert_look_in(
        &mut self,
        l: &vaka_domain::supervision::LookInRecord,
    ) -> StoreResult<()>;

    /// Stores look-ins as they are, ended and with their outcomes, in multi-row statements (a
    /// history of past nights; `vaka demo`).
    async fn insert_look_ins(
        &mut self,
        look_ins: &[vaka_domain::supervision::LookInRecord],
    ) -> StoreResult<()>;

    /// Stores dispatches as they are, with the responder's steps and closing, in multi-row
    /// statements (a history of past nights; `vaka demo`).
    async fn insert_dispatches(
        &mut self,
        dispatches: &[vaka_domain::supervision::Dispatch],
    ) -> StoreResult<()>;

    /// Records when the picture stopped (once).
    async fn end_look_in(
        &mut self,
        id: vaka_domain::ids::LookInId,
        at: jiff::Timestamp,
    ) -> StoreResult<()>;

    /// Records what the operator saw on their latest look-in of a task.
    async fn set_look_in_outcome(
        &mut self,
        id: vaka_domain::ids::LookInId,
        outcome: vaka_domain::supervision::Outcome,
        note: Option<&str>,
    ) -> StoreResult<()>;

    /// Deletes the tasks of nights before `night` with their look-ins and dispatches; returns
    /// how many of each (tasks, look-ins, dispatches).
    async fn purge_supervision_before(
        &mut self,
        night: jiff::civil::Date,
    ) -> StoreResult<(u64, u64, u64)>;
}

/// Safety alarms: the receiver's receipt log, the operators' alarms and their log, devices'
#[async_trait]
pub trait AlarmRead: Send {
    /// (account, seq, fingerprint) of the messages received since `since`: the receiver's
    /// memory of what it already stored, after a restart.
    async fn recent_message_keys(
        &mut self,
        since: jiff::Timestamp,
    ) -> StoreResult<Vec<(String, u16, i64)>>;

    /// How many messages with this key were received since `since` (tests and the crash check).
    async fn count_messages(
        &mut self,
        account: &str,
        seq: u16,
        since: jiff::Timestamp,
    ) -> StoreResult<i64>;

    async fn get_alarm(
        &mut self,
        id: vaka_domain::ids::AlarmId,
    ) -> StoreResult<Option<vaka_domain::alarm::AlarmRecord>>;

    /// Alarms not closed, oldest first.
    async fn list_open_alarms(&mut self) -> StoreResult<Vec<vaka_domain::alarm::AlarmRecord>>;

    /// A client's alarms received in `[from, to)`, oldest first (the client's own log).
    async fn list_client_alarms_between(
        &mut self,
        client: vaka_domain::ids::ClientId,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<vaka_domain::alarm::AlarmRecord>>;

    /// Alarms received in `[from, to)`, oldest first.
    async fn list_alarms_between(
        &mut self,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<vaka_domain::alarm::AlarmRecord>>;

    /// The ids of the open alarms that may be due for escalation: received (not taken) at or
    /// before `received_by` and not yet escalated, or dispatched at or before `dispatched_by`
    /// and not yet escalated for want of an acknowledgement. A superset: the domain decides.
    async fn list_escalation_candidates(
        &mut self,
        received_by: jiff::Timestamp,
        dispatched_by: jiff::Timestamp,
    ) -> StoreResult<Vec<vaka_domain::ids::AlarmId>>;

    /// The open alarms of this category that Vaka raised itself (no received message: an
    /// unknown device, a missed heartbeat), oldest first.
    async fn list_open_system_alarms(
        &mut self,
        category: &str,
    ) -> StoreResult<Vec<vaka_domain::alarm::AlarmRecord>>;

    /// The newest open alarm of this category that Vaka raised itself for this account, if any.
    async fn find_open_system_alarm(
        &mut self,
        account: &str,
        category: &str,
    ) -> StoreResult<Option<vaka_domain::alarm::AlarmRecord>>;

    /// An alarm's log, in order.
    async fn list_alarm_log(
        &mut self,
        alarm: vaka_domain::ids::AlarmId,
    ) -> StoreResult<Vec<vaka_domain::alarm::AlarmLogEntry>>;

    /// Every device with a DC-09 account, with what the receiver and the heartbeat monitor
    /// need.
    async fn list_alarm_accounts(&mut self) -> StoreResult<Vec<AlarmAccount>>;

    /// When the last message of any device came in (the chain-health view).
    async fn latest_message_at(&mut self) -> StoreResult<Option<jiff::Timestamp>>;

    /// Technical checks (signed or missed) due in `[from, to)`, in order.
    async fn list_technical_checks(
        &mut self,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<vaka_domain::technical::TechnicalCheck>>;
}

/// Changes to safety alarms: the receiver's intake, alarm steps and log, last-heard times,
/// technical checks.
#[async_trait]
pub trait AlarmWrite: Send {
    /// Stores what one group commit of the receiver accepted, as [`Store::prepare_intake`]
    /// encoded it: claims the messages' keys, stores the messages and the alarms they raise,
    /// and marks restored the open alarms that it names (device, category). Fails with
    /// [`StoreError::AlreadyStored`] when a key is still fresh: the transaction must then be
    /// rolled back (some keys may be claimed).
    async fn insert_intake(&mut self, intake: PreparedIntake) -> StoreResult<()>;

    /// Deletes the alarm message keys no longer fresh at `now`; how many.
    async fn forget_message_keys(&mut self, now: jiff::Timestamp) -> StoreResult<u64>;

    async fn insert_alarm(&mut self, alarm: &vaka_domain::alarm::AlarmRecord) -> StoreResult<()>;

    /// Writes a step; false when the alarm changed since `before` was read.
    async fn update_alarm(
        &mut self,
        before: &vaka_domain::alarm::AlarmRecord,
        after: &vaka_domain::alarm::AlarmRecord,
    ) -> StoreResult<bool>;

    async fn insert_alarm_log(
        &mut self,
        entry: &vaka_domain::alarm::AlarmLogEntry,
    ) -> StoreResult<()>;

    /// Stores many log lines in multi-row statements (a history of past alarms; `vaka demo`).
    async fn insert_alarm_logs(
        &mut self,
        entries: &[vaka_domain::alarm::AlarmLogEntry],
    ) -> StoreResult<()>;

    /// Records when devices were last heard from.
    async fn touch_devices(&mut self, seen: &[(DeviceId, jiff::Timestamp)]) -> StoreResult<()>;

    /// Records a check; false when one for that organisation and time is already recorded.
    async fn insert_technical_check(
        &mut self,
        check: &vaka_domain::technical::TechnicalCheck,
    ) -> StoreResult<bool>;
}

/// The registry: clients' records, decisions, orders, consent, plans, pauses and devices.
#[async_trait]
pub trait RegistryRead: Send {
    async fn get_client(&mut self, id: ClientId) -> StoreResult<Option<Client>>;

    async fn find_client_by_identity(&mut self, identity: &str) -> StoreResult<Option<ClientId>>;

    /// Which of these identities are already registered.
    async fn existing_identities(&mut self, identities: &[String]) -> StoreResult<Vec<String>>;

    async fn list_access_group(&mut self, client: ClientId) -> StoreResult<Vec<UserId>>;

    async fn get_decision(&mut self, id: DecisionId) -> StoreResult<Option<Decision>>;

    async fn list_decisions(&mut self, client: ClientId) -> StoreResult<Vec<Decision>>;

    /// Every decision with its order (for the report on decisions not carried out).
    async fn list_all_decisions(&mut self) -> StoreResult<Vec<Decision>>;

    async fn get_order(&mut self, id: OrderId) -> StoreResult<Option<Order>>;

    async fn list_orders(&mut self, filter: &OrderFilter) -> StoreResult<Vec<Order>>;

    async fn list_consents(&mut self, client: ClientId) -> StoreResult<Vec<Consent>>;

    /// Consents in force (not withdrawn) to be re-confirmed by `until`, soonest first.
    async fn list_consents_due(&mut self, until: jiff::civil::Date) -> StoreResult<Vec<Consent>>;

    async fn get_plan(&mut self, client: ClientId) -> StoreResult<Option<SupervisionPlan>>;

    async fn list_pauses(&mut self, client: ClientId) -> StoreResult<Vec<Pause>>;

    /// Which of these serial numbers are already registered, as `(kind code, serial)`.
    async fn existing_device_serials(
        &mut self,
        serials: &[String],
    ) -> StoreResult<Vec<(String, String)>>;

    /// Which of these DC-09 accounts are already registered.
    async fn existing_dc09_accounts(&mut self, accounts: &[String]) -> StoreResult<Vec<String>>;

    async fn get_device(&mut self, id: DeviceId) -> StoreResult<Option<Device>>;

    async fn get_device_by_credential(&mut self, hash: &[u8]) -> StoreResult<Option<Device>>;

    async fn list_devices(&mut self, filter: &DeviceFilter) -> StoreResult<Vec<Device>>;

    /// How many devices `filter` finds, its limit and offset aside.
    async fn count_devices(&mut self, filter: &DeviceFilter) -> StoreResult<i64>;

    async fn list_device_events(&mut self, device: DeviceId) -> StoreResult<Vec<DeviceEvent>>;
}

/// Changes to the registry.
#[async_trait]
pub trait RegistryWrite: Send {
    async fn insert_client(&mut self, client: &Client) -> StoreResult<()>;

    /// Many clients at once (CSV import); contacts included.
    async fn insert_clients(&mut self, clients: &[Client]) -> StoreResult<()>;

    /// Updates a record and replaces its contacts.
    async fn update_client(&mut self, client: &Client) -> StoreResult<()>;

    /// Takes a lock on the client's row for the rest of the transaction (serialises rules that
    /// look at several rows, such as overlapping decisions).
    async fn lock_client(&mut self, id: ClientId) -> StoreResult<()>;

    async fn add_to_access_group(
        &mut self,
        client: ClientId,
        user: UserId,
        by: UserId,
        at: DbInstant,
    ) -> StoreResult<()>;

    async fn remove_from_access_group(&mut self, client: ClientId, user: UserId)
    -> StoreResult<()>;

    async fn insert_decision(&mut self, d: &Decision) -> StoreResult<()>;

    async fn end_decision(&mut self, id: DecisionId, on: DbDate) -> StoreResult<()>;

    async fn insert_order(&mut self, o: &Order) -> StoreResult<()>;

    async fn update_order(&mut self, o: &Order) -> StoreResult<()>;

    async fn insert_consent(&mut self, c: &Consent) -> StoreResult<()>;

    async fn update_consent(&mut self, c: &Consent) -> StoreResult<()>;

    async fn upsert_plan(&mut self, p: &SupervisionPlan) -> StoreResult<()>;

    async fn insert_pause(&mut self, p: &Pause) -> StoreResult<()>;

    async fn cancel_pause(&mut self, id: PauseId, at: DbInstant, by: UserId) -> StoreResult<()>;

    async fn insert_device(
        &mut self,
        d: &Device,
        credential_hash: Option<&[u8]>,
    ) -> StoreResult<()>;

    /// Many devices at once (CSV import).
    async fn insert_devices(&mut self, devices: &[Device]) -> StoreResult<()>;

    async fn update_device(&mut self, d: &Device) -> StoreResult<()>;

    async fn set_device_credential(
        &mut self,
        id: DeviceId,
        hash: Option<&[u8]>,
        issued_at: Option<DbInstant>,
        revoked_at: Option<DbInstant>,
    ) -> StoreResult<()>;

    async fn insert_device_event(&mut self, e: &DeviceEvent) -> StoreResult<()>;
}

/// NFC tags: the settings of devices of kind `nfc_tag` (`nfc_tags`, keyed by device id).
#[async_trait]
pub trait TagRead: Send {
    /// The tag settings of a device, if it has any.
    async fn get_tag(&mut self, device: DeviceId) -> StoreResult<Option<vaka_domain::nfc::NfcTag>>;

    /// The tag whose URL carries this id.
    async fn find_tag_by_tag_id(
        &mut self,
        tag_id: &vaka_domain::nfc::TagId,
    ) -> StoreResult<Option<vaka_domain::nfc::NfcTag>>;

    /// The tag with this UID.
    async fn find_tag_by_uid(
        &mut self,
        uid: &vaka_domain::nfc::TagUid,
    ) -> StoreResult<Option<vaka_domain::nfc::NfcTag>>;
}

/// Changes to NFC tags' settings.
#[async_trait]
pub trait TagWrite: Send {
    /// Stores a tag's settings (its key sealed), replacing those it had.
    async fn upsert_tag(&mut self, tag: &vaka_domain::nfc::NfcTag) -> StoreResult<()>;

    /// Records an accepted tap: the tap's time, its UID when the tag had none, and for a SUN
    /// tap its counter — only if it is greater than the stored one, decided in the statement,
    /// so two taps with the same counter are never both accepted. Returns whether it was
    /// recorded (false: the counter was not greater, a replay).
    async fn record_tag_tap(
        &mut self,
        device: DeviceId,
        uid: Option<&vaka_domain::nfc::TagUid>,
        counter: Option<u32>,
        at: DbInstant,
    ) -> StoreResult<bool>;
}

/// Re-exported so backends need not name every id type.
pub use vaka_domain::ids;

/// Convenience for services: a status filter that means "any".
pub const ANY_STATUS: Option<AccountStatus> = None;

/// What an unlock decision reads about a lock and the user at its door, in one statement
/// ([`LockRead::unlock_grounds`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnlockGrounds {
    /// The client the lock is fitted at.
    pub client: ClientSummary,
    /// The user's visit windows at the client, the day before to the day after (as
    /// `HomecareRead::list_visit_windows` gives them).
    pub windows: Vec<homecare::VisitWindowRow>,
    /// The client's alarms not closed that were dispatched to the chain, oldest first.
    pub dispatched: Vec<DispatchedAlarm>,
}

/// An alarm dispatched to the chain, as the key rule needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchedAlarm {
    pub id: vaka_domain::ids::AlarmId,
    pub state: vaka_domain::alarm::AlarmState,
    pub chain_link: Option<vaka_domain::alarm::ChainLink>,
    pub dispatched_at: jiff::Timestamp,
}

/// Digital keys: the client's key access set, unlock commands and capabilities (grants), and
/// the locks' events.
#[async_trait]
pub trait LockRead: Send {
    /// Everything an unlock decision of `user` at `lock` around `around` reads, in one
    /// statement (one round trip, one hand-off to SQLite's connection thread): the client of
    /// the lock if it is an active lock fitted at a client (else `None`), the user's visit
    /// windows there, the client's dispatched alarms.
    async fn unlock_grounds(
        &mut self,
        lock: DeviceId,
        user: UserId,
        around: jiff::Timestamp,
    ) -> StoreResult<Option<UnlockGrounds>>;

    /// The ways staff get into the client's home (never `KeyAccess::None`).
    async fn list_key_access(
        &mut self,
        client: ClientId,
    ) -> StoreResult<Vec<vaka_domain::client::KeyAccess>>;

    /// The locks (devices of kind `lock`) assigned to the client, in any status.
    async fn list_client_locks(&mut self, client: ClientId) -> StoreResult<Vec<DeviceId>>;

    async fn get_lock_grant(
        &mut self,
        id: uuid::Uuid,
    ) -> StoreResult<Option<vaka_domain::keys::LockGrant>>;

    async fn find_lock_grant_by_nonce(
        &mut self,
        nonce: &str,
    ) -> StoreResult<Option<vaka_domain::keys::LockGrant>>;

    /// The user's grants not revoked and not expired at `at`.
    async fn list_outstanding_lock_grants(
        &mut self,
        user: UserId,
        at: jiff::Timestamp,
    ) -> StoreResult<Vec<vaka_domain::keys::LockGrant>>;

    /// The client's grants issued since `since`, newest first.
    async fn list_client_lock_grants(
        &mut self,
        client: ClientId,
        since: jiff::Timestamp,
    ) -> StoreResult<Vec<vaka_domain::keys::LockGrant>>;

    /// The client's lock events, newest first, at most `limit`.
    async fn list_client_lock_events(
        &mut self,
        client: ClientId,
        limit: i64,
    ) -> StoreResult<Vec<vaka_domain::keys::LockEvent>>;

    /// The client's lock events with `from <= at < to` (by the lock's clock), oldest first, at
    /// most 10,000.
    async fn list_client_lock_events_between(
        &mut self,
        client: ClientId,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<vaka_domain::keys::LockEvent>>;

    /// The lock events of an alarm (unlocks for it), oldest first.
    async fn list_alarm_lock_events(
        &mut self,
        alarm: vaka_domain::ids::AlarmId,
    ) -> StoreResult<Vec<vaka_domain::keys::LockEvent>>;

    /// The lock events of a home-care visit to `client` (unlocks for it), oldest first.
    async fn list_visit_lock_events(
        &mut self,
        client: ClientId,
        visit: vaka_domain::ids::VisitId,
    ) -> StoreResult<Vec<vaka_domain::keys::LockEvent>>;
}

#[async_trait]
pub trait LockWrite: Send {
    /// Replaces the client's key access set.
    async fn set_key_access(
        &mut self,
        client: ClientId,
        kinds: &[vaka_domain::client::KeyAccess],
        at: jiff::Timestamp,
        by: Option<UserId>,
    ) -> StoreResult<()>;

    /// Inserts unlock commands and capabilities, one statement per 500 (the door's group commit
    /// of decisions).
    async fn insert_lock_grants(&mut self, gs: &[vaka_domain::keys::LockGrant]) -> StoreResult<()>;

    /// Revokes the user's outstanding grants at `at` and returns them.
    async fn revoke_lock_grants(
        &mut self,
        user: UserId,
        at: jiff::Timestamp,
    ) -> StoreResult<Vec<vaka_domain::keys::LockGrant>>;

    async fn insert_lock_event(&mut self, e: &vaka_domain::keys::LockEvent) -> StoreResult<()>;
}

/// A query's rows as records, each converted by its `TryFrom` and a driver error mapped by
/// [`map_sqlx_error`]: the reads of both backends end in `.records()` instead of repeating
/// the conversion.
pub trait FetchedRows<R> {
    fn records<T: TryFrom<R, Error = StoreError>>(self) -> StoreResult<Vec<T>>;
}

impl<R> FetchedRows<R> for Result<Vec<R>, sqlx::Error> {
    fn records<T: TryFrom<R, Error = StoreError>>(self) -> StoreResult<Vec<T>> {
        self.map_err(map_sqlx_error)?
            .into_iter()
            .map(T::try_from)
            .collect()
    }
}

/// [`FetchedRows`] for a query of at most one row: `.record()`.
pub trait FetchedRow<R> {
    fn record<T: TryFrom<R, Error = StoreError>>(self) -> StoreResult<Option<T>>;
}

impl<R> FetchedRow<R> for Result<Option<R>, sqlx::Error> {
    fn record<T: TryFrom<R, Error = StoreError>>(self) -> StoreResult<Option<T>> {
        self.map_err(map_sqlx_error)?.map(T::try_from).transpose()
    }
}

/// Maps a driver error to a [`StoreError`], keeping it as the cause; used by both backends.
pub fn map_sqlx_error(e: sqlx::Error) -> StoreError {
    use sqlx::error::ErrorKind;
    match &e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) => match db.kind() {
            ErrorKind::UniqueViolation
            | ErrorKind::ForeignKeyViolation
            | ErrorKind::NotNullViolation
            | ErrorKind::CheckViolation => StoreError::Conflict {
                constraint: db
                    .constraint()
                    .map_or_else(|| db.message().to_owned(), str::to_owned),
            },
            _ if db.message().contains("database is locked") => {
                StoreError::Unavailable(Cause::new(e))
            }
            _ => StoreError::caused("database error", e),
        },
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            StoreError::Unavailable(Cause::new(e))
        }
        sqlx::Error::Decode(_) | sqlx::Error::ColumnDecode { .. } => StoreError::Corrupt {
            context: "a column could not be decoded".into(),
            source: Some(Cause::new(e)),
        },
        _ => StoreError::caused("database error", e),
    }
}

/// The lowercased search key stored beside names (SQLite's `lower()` only knows ASCII).
pub fn search_key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Bounds `[lower, upper)` that select every key starting with `prefix` by plain index range
/// (both engines compare these columns bytewise).
pub fn prefix_bounds(prefix: &str) -> (String, String) {
    let lower = search_key(prefix);
    let mut upper = lower.clone();
    upper.push(char::MAX);
    (lower, upper)
}

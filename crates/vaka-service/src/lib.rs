//! Vaka's use cases, and the only way to Vaka's data.
//!
//! Each operation follows one shape, owned by the unit of work in [`door`]: check the caller's
//! right (deny unless a rule in `vaka_domain::access` allows it; a refusal is audited), apply
//! the domain rule, then write the change **and its audit entries in one transaction**. Reads
//! of personal data are audited through a group commit before their data is returned. The
//! store is private to the door: front ends see use cases and the service's own types only.

pub mod admin;
pub mod alarms;
pub mod audit;
pub mod auth;

pub mod client_log;
pub mod cluster;
pub mod context;
pub mod delegation;
pub mod directory;
mod door;
pub mod error;
pub mod governance;
pub mod history;
pub mod homecare;
pub mod keys;
pub mod log_review;
pub mod operations;
pub mod registry;
pub mod retention;

pub mod secrets;
pub mod supervision;

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use vaka_domain::auth::{LockoutPolicy, SessionPolicy};
use vaka_domain::clock::Clock;
use vaka_store::Store;

pub use context::{Ctx, RequestMeta};
pub use error::{ServiceError, ServiceResult};

/// One page of a longer list: its items, where it starts, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    /// How many come before this page.
    pub offset: i64,
    /// How many the whole list holds.
    pub total: i64,
}

/// Settings of the use cases, with the defaults of docs/RULES.md.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    pub lockout: LockoutPolicy,
    pub sessions: SessionPolicy,
    /// The issuer shown in authenticator apps.
    pub totp_issuer: String,
    /// A session's last-seen time is written at most this often.
    pub session_touch_every: SignedDuration,
    /// Use of one API token is audited at most this often (every access to personal data
    /// through it is audited on its own regardless).
    pub token_use_audit_every: SignedDuration,
    /// Days of supervision logs (tasks, look-ins, dispatches) kept before they are purged,
    /// until the retention table says otherwise: the municipality's data-processing agreement
    /// decides.
    pub supervision_retention_days: u32,
    /// The look-in window around a planned time, per business area (home care, special
    /// housing, LSS): each area's routine sets its own (seed 001).
    pub look_in_windows: vaka_domain::rounds::WindowRules,
    /// Safety alarms: SLA targets, night hours, heartbeat default.
    pub alarms: alarms::AlarmSettings,
    /// Home care: the timing thresholds of visits, the payment rule.
    pub homecare: homecare::HomecareSettings,
    /// Operating routines: the downtime window and lead time, IT's office hours.
    pub operations: operations::OperationsSettings,
    /// Log review: the sample size, the rules' thresholds, the due day.
    pub log_review: vaka_domain::log_review::ReviewSettings,
    /// Passkeys' relying party; `None`: passkeys are not offered (the public address is an IP
    /// address, which browsers refuse as a relying party).
    pub passkeys: Option<auth::PasskeySettings>,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            lockout: LockoutPolicy::default(),
            sessions: SessionPolicy::default(),
            totp_issuer: "Vaka".into(),
            session_touch_every: SignedDuration::from_secs(60),
            token_use_audit_every: SignedDuration::from_mins(5),
            supervision_retention_days: 365,
            look_in_windows: vaka_domain::rounds::WindowRules::default(),
            alarms: alarms::AlarmSettings::default(),
            homecare: homecare::HomecareSettings::default(),
            operations: operations::OperationsSettings::default(),
            log_review: vaka_domain::log_review::ReviewSettings::default(),
            passkeys: Some(auth::PasskeySettings::localhost()),
        }
    }
}

/// The use cases over one store and one clock.
///
/// The store is reachable only through the units of work (it is private to `door`):
///
/// ```compile_fail,E0616
/// # fn f(services: &vaka_service::Services) {
/// let _ = services.door;
/// # }
/// ```
#[derive(Clone)]
pub struct Services {
    door: door::Door,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<ServiceConfig>,
    /// Bumped whenever a supervision task or dispatch changes, for the live views.
    changes: Arc<tokio::sync::watch::Sender<u64>>,
    /// Bumped whenever an alarm changes, for the live views.
    alarm_changes: Arc<tokio::sync::watch::Sender<u64>>,
    /// Bumped whenever occasions are signed or a missed one is called, for the live views.
    delegation_changes: Arc<tokio::sync::watch::Sender<u64>>,
    /// The key lock capabilities are signed with.
    lock_key: keys::LockKey,
    /// Grants revoked (a user deactivated or removed from a unit), for the online locks.
    lock_revocations: tokio::sync::broadcast::Sender<Vec<vaka_domain::keys::LockGrant>>,
    /// The key the anchors of a purged audit log are signed with.
    anchor_key: retention::AnchorKey,
    /// Held while a purge runs (one at a time).
    purge_lock: Arc<tokio::sync::Mutex<()>>,
    /// The current downtime notices and outage reports, for the pages' banners.
    banners: Arc<operations::banners::BannerCache>,
    /// This node, and where its changes go for the other nodes.
    cluster: Arc<cluster::ClusterHooks>,
}

impl Services {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: ServiceConfig) -> Self {
        Self {
            door: door::Door::new(store, clock.clone()),
            clock,
            config: Arc::new(config),
            changes: Arc::new(tokio::sync::watch::Sender::new(0)),
            alarm_changes: Arc::new(tokio::sync::watch::Sender::new(0)),
            delegation_changes: Arc::new(tokio::sync::watch::Sender::new(0)),
            lock_key: keys::LockKey::default(),
            lock_revocations: tokio::sync::broadcast::Sender::new(64),
            anchor_key: retention::AnchorKey::default(),
            purge_lock: Arc::new(tokio::sync::Mutex::new(())),
            banners: Arc::default(),
            cluster: Arc::default(),
        }
    }

    /// The same, as the node called `name` (its name in the readiness probe and metrics).
    #[must_use]
    pub fn on_node(mut self, name: impl Into<String>) -> Self {
        self.cluster = Arc::new(cluster::ClusterHooks {
            node: Arc::new(cluster::Node::new(name)),
            ..cluster::ClusterHooks::default()
        });
        self
    }

    /// A receiver that wakes when a supervision task or dispatch changed (on any node).
    pub fn supervision_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// A receiver that wakes when an alarm changed (on any node).
    pub fn alarm_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.alarm_changes.subscribe()
    }

    /// A receiver that wakes when occasions were signed or a missed one called (on any node).
    pub fn delegation_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.delegation_changes.subscribe()
    }

    pub(crate) fn delegation_changed(&self) {
        self.changed_here(cluster::Change::Delegations);
    }

    pub(crate) fn alarms_changed(&self) {
        self.changed_here(cluster::Change::Alarms);
    }

    /// A receiver of the lock grants revoked (in this process), for the lock gateway.
    pub fn lock_revocations(
        &self,
    ) -> tokio::sync::broadcast::Receiver<Vec<vaka_domain::keys::LockGrant>> {
        self.lock_revocations.subscribe()
    }

    pub(crate) fn locks_revoked(&self, grants: Vec<vaka_domain::keys::LockGrant>) {
        if !grants.is_empty() {
            let _ = self.lock_revocations.send(grants);
        }
    }

    pub(crate) fn supervision_changed(&self) {
        self.changed_here(cluster::Change::Supervision);
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// These services acting at `clock`'s time: the same store, audit trail and shutdown gate.
    /// `vaka demo` replays a past day through the real use cases with it (delegations signed,
    /// prescriptions made and occasions signed when they would have been), so that every rule
    /// and audit entry is the one a real day gives.
    #[must_use]
    pub fn at_clock(&self, clock: Arc<dyn Clock>) -> Services {
        Services {
            door: self.door.with_clock(clock.clone()),
            clock,
            ..self.clone()
        }
    }

    /// Checks that the database answers (the readiness probe).
    pub async fn ping(&self) -> ServiceResult<()> {
        Ok(self.door.ping().await?)
    }

    /// Closes the database connections (at shutdown).
    /// Stops every unit of work for shutdown (those in flight finish first; later ones are
    /// refused as unavailable) and returns the head of the audit chain, which nothing can move
    /// any more.
    pub async fn quiesce(&self) -> ServiceResult<(u64, [u8; 32])> {
        Ok(self.door.quiesce().await?)
    }

    pub async fn close(&self) {
        self.door.close().await;
    }

    /// Which database engine this server runs on.
    pub fn backend_name(&self) -> &'static str {
        self.door.backend().name()
    }
}

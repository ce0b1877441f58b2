//! Vaka's use cases.
//!
//! Each operation follows one shape: check the caller's right (deny unless a rule in
//! `vaka_domain::access` allows it), apply the domain rule, then write the change **and its
//! audit entry in one transaction**. Reads of personal data append their audit entry in the
//! transaction that reads, so no access happens without its log line. A refused attempt is
//! itself audited, in a transaction of its own.

pub mod admin;
pub mod alarms;
pub mod audit;
pub mod auth;

pub mod context;
pub mod directory;
pub mod error;
mod reads;
pub mod registry;

pub mod secrets;
pub mod supervision;

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use vaka_domain::auth::{LockoutPolicy, SessionPolicy};
use vaka_domain::clock::Clock;
use vaka_store::{Store, Tx};

pub use context::{Ctx, RequestMeta};
pub use error::{ServiceError, ServiceResult};

/// Settings of the use cases, with the defaults DOMAIN.md gives.
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
    /// Nights of supervision (tasks, look-ins, dispatches) kept before they are purged: the
    /// municipality's data-processing agreement decides.
    pub supervision_retention_days: u32,
    /// Safety alarms: SLA targets, night hours, heartbeat default.
    pub alarms: alarms::AlarmSettings,
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
            alarms: alarms::AlarmSettings::default(),
        }
    }
}

/// The use cases over one store and one clock.
#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<ServiceConfig>,
    /// The group commit of audit entries of reads (started on first use).
    appender: Arc<tokio::sync::OnceCell<tokio::sync::mpsc::Sender<reads::Pending>>>,
    /// Bumped whenever a supervision task or dispatch changes, for the live views.
    changes: Arc<tokio::sync::watch::Sender<u64>>,
    /// Bumped whenever an alarm changes, for the live views.
    alarm_changes: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Services {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: ServiceConfig) -> Self {
        Self {
            store,
            clock,
            config: Arc::new(config),
            appender: Arc::new(tokio::sync::OnceCell::new()),
            changes: Arc::new(tokio::sync::watch::Sender::new(0)),
            alarm_changes: Arc::new(tokio::sync::watch::Sender::new(0)),
        }
    }

    /// A receiver that wakes when a supervision task or dispatch changed (in this process).
    pub fn supervision_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// A receiver that wakes when an alarm changed (in this process).
    pub fn alarm_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.alarm_changes.subscribe()
    }

    pub(crate) fn alarms_changed(&self) {
        self.alarm_changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub(crate) fn supervision_changed(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub(crate) async fn write(&self) -> ServiceResult<Box<dyn Tx>> {
        Ok(self.store.begin().await?)
    }

    pub(crate) async fn read(&self) -> ServiceResult<Box<dyn Tx>> {
        Ok(self.store.begin_read().await?)
    }

    /// Runs a use case; a refusal it returns is written to the audit log (in a transaction of
    /// its own, after the use case's transaction is gone) and becomes `Forbidden`.
    pub(crate) async fn audited<T>(
        &self,
        work: impl std::future::Future<Output = ServiceResult<T>>,
    ) -> ServiceResult<T> {
        match work.await {
            Err(ServiceError::Denied(d)) => {
                self.audit_alone(d.entry).await?;
                Err(ServiceError::Forbidden(d.reason))
            }
            Err(ServiceError::Refused(d)) => {
                self.audit_alone(d.entry).await?;
                Err(ServiceError::Conflict(d.reason))
            }
            other => other,
        }
    }

    /// Appends one entry in a transaction of its own (for refusals and failed logins, whose
    /// own transaction is rolled back).
    pub(crate) async fn audit_alone(
        &self,
        entry: vaka_domain::audit::NewAuditEntry,
    ) -> ServiceResult<()> {
        let mut tx = self.write().await?;
        tx.append_audit(&entry).await?;
        tx.commit().await?;
        Ok(())
    }
}

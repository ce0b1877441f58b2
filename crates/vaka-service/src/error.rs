//! Errors of use cases, shaped for the people who read them: what was wrong (a typed
//! [`Reason`], worded by the web) and what to do. Causes are kept as sources for the log.

use std::borrow::Cow;

use jiff::Timestamp;
use vaka_domain::DomainError;
use vaka_domain::error::Cause;
use vaka_domain::reason::{DirectoryReason, InputReason, Reason, RegistryReason};
use vaka_store::StoreError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid {field}: {reason}")]
    Invalid {
        field: Cow<'static, str>,
        reason: Reason,
    },
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("forbidden: {0}")]
    Forbidden(Reason),
    #[error("conflict: {0}")]
    Conflict(Reason),
    /// Wrong username, password, code or token. Deliberately vague.
    #[error("authentication failed")]
    Unauthenticated,
    /// Too many failed attempts; try again after `until`.
    #[error("account locked until {until}")]
    Locked { until: Timestamp },
    /// The database is unreachable or overloaded; the request may be retried.
    #[error("service unavailable")]
    Unavailable(#[source] Cause),
    /// A bug or corrupt data. The cause goes to the log, never to the user.
    #[error("internal error")]
    Internal(#[source] Cause),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn invalid(field: impl Into<Cow<'static, str>>, reason: impl Into<Reason>) -> Self {
        Self::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// A failure that is a bug, with what was being done.
    pub fn internal(what: impl Into<Cow<'static, str>>) -> Self {
        Self::Internal(Cause::msg(what))
    }

    /// A failure that is a bug: what was being done, and the error that stopped it.
    pub fn internal_caused(
        what: impl Into<Cow<'static, str>>,
        e: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::Internal(Cause::context(what, e))
    }
}

impl From<DomainError> for ServiceError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, reason } => Self::Invalid { field, reason },
            DomainError::NotFound { what } => Self::NotFound(what),
            DomainError::Forbidden { reason } => Self::Forbidden(reason),
            DomainError::Conflict { reason } => Self::Conflict(reason),
        }
    }
}

/// Turns the name of a violated constraint into a reason.
fn conflict_reason(constraint: &str) -> Reason {
    let c = constraint.to_lowercase();
    if c.contains("username") {
        DirectoryReason::UsernameTaken.into()
    } else if c.contains("hsa_id") {
        DirectoryReason::HsaIdTaken.into()
    } else if c.contains("organisations") && c.contains("name") {
        DirectoryReason::OrganisationNameTaken.into()
    } else if c.contains("units") && c.contains("name") {
        DirectoryReason::UnitNameTaken.into()
    } else if c.contains("role_assignments") {
        DirectoryReason::RoleAlreadyHeld.into()
    } else if c.contains("identity") {
        RegistryReason::IdentityTaken.into()
    } else if c.contains("foreign key") || c.contains("fkey") {
        InputReason::RefersToMissing.into()
    } else {
        InputReason::ConflictsWithExisting.into()
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound("record"),
            StoreError::Conflict { constraint } => Self::Conflict(conflict_reason(&constraint)),
            // A unit of work that is not the receiver's intake never claims a key; as any
            // other refused duplicate.
            StoreError::AlreadyStored => Self::Conflict(InputReason::ConflictsWithExisting.into()),
            e @ StoreError::Unavailable(_) => Self::Unavailable(Cause::new(e)),
            e @ (StoreError::Corrupt { .. } | StoreError::Other { .. }) => {
                Self::Internal(Cause::new(e))
            }
        }
    }
}

/// A refused attempt and the audit entry that records it.
#[derive(Debug, Clone)]
pub(crate) struct Denial {
    pub(crate) entry: vaka_domain::audit::NewAuditEntry,
    pub(crate) reason: Reason,
}

impl Denial {
    /// The boxed denial both kinds of refusal carry.
    fn boxed(entry: vaka_domain::audit::NewAuditEntry, reason: impl Into<Reason>) -> Box<Self> {
        Box::new(Self {
            entry,
            reason: reason.into(),
        })
    }
}

/// How a unit of work fails: with an error, or with a refusal whose audit entry is still to be
/// written. Only the door (`crate::door`) turns a fault into a [`ServiceError`], writing the
/// refusal's entry once the work's transaction is gone; no `From<Fault>` exists, so a refusal
/// cannot leave the service unaudited.
#[derive(Debug)]
pub(crate) enum Fault {
    Error(ServiceError),
    /// Refused by a right: becomes `Forbidden`.
    Denied(Box<Denial>),
    /// Refused by a rule of the moment (a look-in outside its window, after consent was
    /// withdrawn, through an offline camera): becomes `Conflict`.
    Refused(Box<Denial>),
}

/// The result of a unit of work's body.
pub(crate) type WorkResult<T> = Result<T, Fault>;

impl Fault {
    pub(crate) fn denied(
        entry: vaka_domain::audit::NewAuditEntry,
        reason: impl Into<Reason>,
    ) -> Self {
        Self::Denied(Denial::boxed(entry, reason))
    }

    pub(crate) fn refused(
        entry: vaka_domain::audit::NewAuditEntry,
        reason: impl Into<Reason>,
    ) -> Self {
        Self::Refused(Denial::boxed(entry, reason))
    }

    pub(crate) fn invalid(field: impl Into<Cow<'static, str>>, reason: impl Into<Reason>) -> Self {
        Self::Error(ServiceError::invalid(field, reason))
    }

    pub(crate) fn conflict(reason: impl Into<Reason>) -> Self {
        Self::Error(ServiceError::Conflict(reason.into()))
    }

    pub(crate) fn not_found(what: &'static str) -> Self {
        Self::Error(ServiceError::NotFound(what))
    }
}

impl From<ServiceError> for Fault {
    fn from(e: ServiceError) -> Self {
        Self::Error(e)
    }
}

impl From<StoreError> for Fault {
    fn from(e: StoreError) -> Self {
        Self::Error(e.into())
    }
}

impl From<DomainError> for Fault {
    fn from(e: DomainError) -> Self {
        Self::Error(e.into())
    }
}

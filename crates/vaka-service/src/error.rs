//! Errors of use cases, shaped for the people who read them: what was wrong and what to do.

use std::borrow::Cow;

use jiff::Timestamp;
use vaka_domain::DomainError;
use vaka_store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid {field}: {reason}")]
    Invalid {
        field: Cow<'static, str>,
        reason: Cow<'static, str>,
    },
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("forbidden: {0}")]
    Forbidden(Cow<'static, str>),
    #[error("conflict: {0}")]
    Conflict(Cow<'static, str>),
    /// Wrong username, password, code or token. Deliberately vague.
    #[error("authentication failed")]
    Unauthenticated,
    /// Too many failed attempts; try again after `until`.
    #[error("account locked until {until}")]
    Locked { until: Timestamp },
    /// The database is unreachable or overloaded; the request may be retried.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A bug or corrupt data. The message goes to the log, never to the user.
    #[error("internal error: {0}")]
    Internal(String),
    /// A refusal whose audit entry is still to be written. Use cases return it from inside
    /// their transaction; [`crate::Services::audited`] writes the entry once that transaction is
    /// gone and turns it into `Forbidden`. It never leaves the service layer.
    #[error("forbidden: {}", .0.reason)]
    Denied(Box<Denial>),
    /// Like `Denied`, for an attempt refused by a rule of the moment rather than by a right (a
    /// look-in outside its window, after consent was withdrawn, through an offline camera): the
    /// entry is written and it becomes `Conflict`.
    #[error("conflict: {}", .0.reason)]
    Refused(Box<Denial>),
}

/// A refused attempt and the audit entry that records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub entry: vaka_domain::audit::NewAuditEntry,
    pub reason: Cow<'static, str>,
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn invalid(
        field: impl Into<Cow<'static, str>>,
        reason: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
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

/// Turns the name of a violated constraint into words.
fn conflict_message(constraint: &str) -> Cow<'static, str> {
    let c = constraint.to_lowercase();
    let msg = if c.contains("username") {
        "the username is already taken"
    } else if c.contains("hsa_id") {
        "the HSA-id is already used by another account"
    } else if c.contains("organisations") && c.contains("name") {
        "an organisation with that name already exists"
    } else if c.contains("units") && c.contains("name") {
        "the organisation already has a unit with that name"
    } else if c.contains("role_assignments") {
        "the user already holds that role there"
    } else if c.contains("identity") {
        "a client with that identity number already exists"
    } else if c.contains("foreign key") || c.contains("fkey") {
        "it refers to something that does not exist"
    } else {
        "it conflicts with existing data"
    };
    Cow::Borrowed(msg)
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound("record"),
            StoreError::Conflict { constraint } => Self::Conflict(conflict_message(&constraint)),
            StoreError::Unavailable(m) => Self::Unavailable(m),
            StoreError::Corrupt(m) | StoreError::Other(m) => Self::Internal(m),
        }
    }
}

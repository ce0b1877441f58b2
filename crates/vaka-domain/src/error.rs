//! Errors a user can act on. Every variant carries enough to tell the user what was wrong.

use std::borrow::Cow;

/// The result type of domain rules.
pub type DomainResult<T> = Result<T, DomainError>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A value given by the caller breaks a rule. `field` names the input field.
    #[error("invalid {field}: {reason}")]
    Invalid {
        field: Cow<'static, str>,
        reason: Cow<'static, str>,
    },
    /// The thing asked for does not exist, or the caller may not know that it exists.
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// The caller is known but may not do this.
    #[error("forbidden: {reason}")]
    Forbidden { reason: Cow<'static, str> },
    /// The request conflicts with the current state (a duplicate, a wrong lifecycle step).
    #[error("conflict: {reason}")]
    Conflict { reason: Cow<'static, str> },
}

impl DomainError {
    pub fn invalid(
        field: impl Into<Cow<'static, str>>,
        reason: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn forbidden(reason: impl Into<Cow<'static, str>>) -> Self {
        Self::Forbidden {
            reason: reason.into(),
        }
    }

    pub fn conflict(reason: impl Into<Cow<'static, str>>) -> Self {
        Self::Conflict {
            reason: reason.into(),
        }
    }

    pub fn not_found(what: &'static str) -> Self {
        Self::NotFound { what }
    }
}

//! Errors a user can act on. Every variant carries enough to tell the user what was wrong, as
//! a typed [`Reason`] (the words are the web's, by the reason's message id).

use std::borrow::Cow;

use crate::reason::Reason;

/// The result type of domain rules.
pub type DomainResult<T> = Result<T, DomainError>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A value given by the caller breaks a rule. `field` names the input field.
    #[error("invalid {field}: {reason}")]
    Invalid {
        field: Cow<'static, str>,
        reason: Reason,
    },
    /// The thing asked for does not exist, or the caller may not know that it exists.
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// The caller is known but may not do this.
    #[error("forbidden: {reason}")]
    Forbidden { reason: Reason },
    /// The request conflicts with the current state (a duplicate, a wrong lifecycle step).
    #[error("conflict: {reason}")]
    Conflict { reason: Reason },
}

impl DomainError {
    pub fn invalid(field: impl Into<Cow<'static, str>>, reason: impl Into<Reason>) -> Self {
        Self::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn forbidden(reason: impl Into<Reason>) -> Self {
        Self::Forbidden {
            reason: reason.into(),
        }
    }

    pub fn conflict(reason: impl Into<Reason>) -> Self {
        Self::Conflict {
            reason: reason.into(),
        }
    }

    pub fn not_found(what: &'static str) -> Self {
        Self::NotFound { what }
    }
}

/// The error beneath another, shared so that one failure can be reported to several waiters
/// (a group commit answers every request in it). Keeps the chain for the log.
#[derive(Clone)]
pub struct Cause(std::sync::Arc<dyn std::error::Error + Send + Sync>);

impl Cause {
    pub fn new(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(std::sync::Arc::new(e))
    }

    /// A cause that is only a message (no error beneath it).
    pub fn msg(m: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Message(m.into(), None))
    }

    /// What was being done, with the error that stopped it as its source.
    pub fn context(
        what: impl Into<Cow<'static, str>>,
        e: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::new(Message(what.into(), Some(Box::new(e))))
    }
}

#[derive(Debug)]
struct Message(
    Cow<'static, str>,
    Option<Box<dyn std::error::Error + Send + Sync>>,
);

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Message {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.1
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl std::fmt::Debug for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&*self.0, f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// An error with its chain of causes on one line (`a: b: c`), for logs.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        out.push_str(": ");
        out.push_str(&s.to_string());
        next = s.source();
    }
    out
}

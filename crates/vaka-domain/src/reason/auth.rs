//! Reasons a login step or a credential is refused.

use super::reasons;

reasons! {
    Auth =>
    /// Reasons a login step or a credential is refused.
    pub enum AuthReason {
        /// A one-time code that does not match.
        CodeMismatch => "auth-code-mismatch",
    }
}

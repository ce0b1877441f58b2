//! Reasons an access is refused (need-to-know, roles).

use super::reasons;

reasons! {
    Access =>
    /// Reasons an access is refused (need-to-know, roles).
    pub enum AccessReason {
        /// No role of the caller allows this on this target.
        NotAllowedHere => "access-not-allowed-here",
        /// The caller holds no right to review the audit log.
        MayNotReadAuditLog => "access-may-not-read-audit-log",
        /// The client is outside the caller's need-to-know.
        OutsideNeedToKnow => "access-outside-need-to-know",
        /// A route the caller's roles give no access to.
        NoAccessToThis => "access-no-access-to-this",
    }
}

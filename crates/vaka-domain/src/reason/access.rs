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
        /// Emergency access asked by someone whose roles read no clients.
        EmergencyNoClientRole => "access-emergency-no-client-role",
        /// Emergency access asked for a client already within reach.
        EmergencyNotNeeded => "access-emergency-not-needed",
        /// Emergency access to a protected identity from outside its named group.
        EmergencyProtectedIdentity => "access-emergency-protected-identity",
        /// Emergency access without a reason.
        EmergencyReasonRequired => "access-emergency-reason-required",
        /// An emergency access's reason longer than kept.
        EmergencyReasonTooLong => "access-emergency-reason-too-long",
        /// No emergency access of the caller's is open with that id.
        EmergencyNotOpen => "access-emergency-not-open",
    }
}

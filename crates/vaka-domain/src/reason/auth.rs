//! Reasons a login step or a credential is refused.

use super::reasons;

reasons! {
    Auth =>
    /// Reasons a login step or a credential is refused.
    pub enum AuthReason {
        /// A one-time code that does not match.
        CodeMismatch => "auth-code-mismatch",
        /// A step of a login that the session has passed already.
        StepDone => "auth-step-done",
        /// The password given as the current one is not.
        NotCurrentPassword => "auth-not-current-password",
        /// A new password equal to the current one.
        PasswordUnchanged => "auth-password-unchanged",
        /// Starting an enrolment with a second factor enrolled: only an administrator resets it.
        EnrolledAskForReset => "auth-enrolled-ask-for-reset",
        /// Confirming an enrolment with a second factor enrolled.
        AlreadyEnrolled => "auth-already-enrolled",
        /// Confirming an enrolment that was not started.
        EnrolmentNotStarted => "auth-enrolment-not-started",
        /// Renewing recovery codes without a second factor.
        NotEnrolled => "auth-not-enrolled",
        /// A sensitive action without a second factor proven in the last minutes: give a
        /// current one-time code (or a recovery code) with it.
        FreshSecondFactorNeeded => "auth-fresh-second-factor-needed",
        /// A sensitive action through an API token: it needs a person's fresh second factor,
        /// so only a logged-in session may do it.
        FreshSecondFactorNeedsSession => "auth-fresh-second-factor-needs-session",
        /// A PIN for the staff app that is not 4–8 digits, or too easy to guess (one digit
        /// repeated, a straight run such as 1234).
        PinTooWeak => "auth-pin-too-weak",
        /// A device key asked for through an API token: only a phone's logged-in session may.
        AppDeviceNeedsSession => "auth-app-device-needs-session",
    }
}

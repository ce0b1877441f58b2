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
        /// Passkeys need the server's public address to be a host name (browsers refuse an IP
        /// address as the relying party), and it is not.
        PasskeysUnavailable => "auth-passkeys-unavailable",
        /// A passkey's answer that does not prove the challenge: a wrong or foreign passkey,
        /// a wrong site, or an answer given before.
        PasskeyRefused => "auth-passkey-refused",
        /// A passkey's answer to a challenge that is not (or no longer) waiting: used once
        /// already, expired, or started in another session. Start again.
        PasskeyChallengeGone => "auth-passkey-challenge-gone",
        /// A passkey's answer that is not what a browser sends (not the JSON of a
        /// PublicKeyCredential).
        PasskeyMalformed => "auth-passkey-malformed",
        /// A passkey's name that is empty or too long (1–60 characters).
        PasskeyName => "auth-passkey-name",
        /// Adding a passkey without TOTP enrolled: passkeys come beside the authenticator app
        /// and its recovery codes, not instead of them.
        PasskeyNeedsTotp => "auth-passkey-needs-totp",
        /// Signing in with a passkey when the account has none.
        NoPasskeys => "auth-no-passkeys",
    }
}

//! Reasons about digital keys: who may open a client's lock, locks and capabilities.

use super::reasons;

reasons! {
    Key =>
    /// Reasons about digital keys: who may open a client's lock, locks and capabilities.
    pub enum KeyReason {
        /// The account is deactivated.
        UserInactive => "key-user-inactive",
        /// The client is outside the user's need-to-know reach.
        OutsideReach => "key-outside-reach",
        /// No visit, dispatched alarm or patrol shift gives the user access now.
        NoGround => "key-no-ground",
        /// The user's visits to the client do not cover this moment.
        OutsideVisitWindow => "key-outside-visit-window",
        /// The named visit is not the user's visit to this client.
        NotYourVisit => "key-not-your-visit",
        /// The named alarm is not dispatched to the user (or is closed).
        AlarmNotDispatchedToYou => "key-alarm-not-dispatched-to-you",
        /// The lock is not connected: use the capability on the phone.
        LockOffline => "key-lock-offline",
        /// No such lock, or it is not fitted at a client (not active and assigned).
        NoSuchLock => "key-no-such-lock",
        /// The caller holds no right to open locks.
        MayNotOpen => "key-may-not-open",
        /// The server has no lock signing key: capabilities cannot be issued.
        NoSigningKey => "key-no-signing-key",
        /// A key access entry the set does not know.
        UnknownKeyAccess => "key-unknown-key-access",
    }
}

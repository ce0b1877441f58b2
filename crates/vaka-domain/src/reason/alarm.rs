//! Reasons about safety alarms: the console, responders and technical checks.

use super::reasons;

reasons! {
    Alarm =>
    /// Reasons about safety alarms: the console, responders and technical checks.
    pub enum AlarmReason {
        /// A step on an alarm that is closed.
        Closed => "alarm-closed",
        /// Taking an alarm another operator has.
        HeldByAnotherOperator => "alarm-held-by-another-operator",
        /// Taking an alarm past the point where it can be taken.
        AlreadyBeingHandled => "alarm-already-being-handled",
        /// Releasing an alarm one does not have, or after it was dispatched.
        OnlyHolderReleases => "alarm-only-holder-releases",
        /// A step of the operator who has the alarm, by someone else.
        TakeFirst => "alarm-take-first",
        /// Dispatching an alarm one does not have.
        TakeBeforeDispatch => "alarm-take-before-dispatch",
        /// Acknowledging an alarm that is not dispatched.
        NothingToAcknowledge => "alarm-nothing-to-acknowledge",
        /// A responder's step before the dispatch is acknowledged (by them).
        AcknowledgeFirst => "alarm-acknowledge-first",
        /// Closing by someone who neither has the alarm nor arrived.
        CannotCloseNow => "alarm-cannot-close-now",
        /// The caller holds no right to handle alarms.
        MayNotHandle => "alarm-may-not-handle",
        /// The caller holds no right to respond to alarms.
        MayNotRespond => "alarm-may-not-respond",
        /// An alarm whose client is outside the caller's need-to-know.
        OutsideNeedToKnow => "alarm-outside-need-to-know",
        /// A note without words.
        NoteEmpty => "alarm-note-empty",
        /// A note step without a note.
        NoteMissing => "alarm-note-missing",
        /// A note longer than allowed.
        NoteTooLong { max: usize } => "alarm-note-too-long",
        /// Closing with the cause *other* and no note.
        CloseNeedsNote => "alarm-close-needs-note",
        /// Dispatching an alarm that has no client (an unknown device).
        NoClientToDispatch => "alarm-no-client-to-dispatch",
        /// Someone else's step came first.
        ChangedMeanwhile => "alarm-changed-meanwhile",
        /// A step that is none of the steps.
        ChooseStep => "alarm-choose-step",
        /// A dispatch to a link that is none of the chain's.
        ChooseLink => "alarm-choose-link",
        /// A close cause that is none of the causes.
        ChooseCause => "alarm-choose-cause",
        /// The caller holds no right to see technical alarms.
        MayNotSeeTechnical => "alarm-may-not-see-technical",
        /// The caller holds no right to see the alarm chain's health.
        MayNotSeeChainHealth => "alarm-may-not-see-chain-health",
        /// The caller holds no right to read alarm statistics.
        MayNotReadStatistics => "alarm-may-not-read-statistics",
        /// Signing a check of a provider one is not the technical contact of.
        OnlyTechnicalContactSigns => "alarm-only-technical-contact-signs",
        /// Signing a check that is signed.
        CheckAlreadySigned => "alarm-check-already-signed",
    }
}

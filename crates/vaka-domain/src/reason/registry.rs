//! Reasons about clients, decisions, orders, consent, supervision plans and pauses.

use super::reasons;

reasons! {
    Registry =>
    /// Reasons about clients, decisions, orders, consent, supervision plans and pauses.
    pub enum RegistryReason {
        // ---- clients -----------------------------------------------------------------------
        /// The organisation named as provider is not a care provider.
        NotAProvider => "registry-not-a-provider",
        /// A client with the identity number is registered already.
        IdentityTaken => "registry-identity-taken",
        /// A samordningsnummer was asked for and a personnummer given.
        NotASamordningsnummer => "registry-not-a-samordningsnummer",
        /// Part of an address given, not all of it.
        AddressIncomplete => "registry-address-incomplete",
        /// A postcode that is not five digits.
        PostcodeFiveDigits => "registry-postcode-five-digits",
        /// A telephone number that is not one.
        NotAPhoneNumber => "registry-not-a-phone-number",
        /// A contact's place in the calling order outside 1–20.
        ContactPriorityRange => "registry-contact-priority-range",
        /// Two contacts in the same place of the calling order.
        ContactsSameOrder => "registry-contacts-same-order",
        /// The unit named belongs to another provider than the one named.
        UnitOfAnotherProvider => "registry-unit-of-another-provider",
        /// The caller's roles do not allow registering a client with that placement.
        MayNotRegisterHere => "registry-may-not-register-here",
        /// The caller's roles give no access to clients at all.
        NoAccessToClients => "registry-no-access-to-clients",
        /// The client is outside the caller's need-to-know.
        OutsideNeedToKnow => "registry-outside-need-to-know",

        // ---- identity numbers (`PersonnummerError`) -----------------------------------------
        /// No number typed.
        IdentityEmpty => "registry-identity-empty",
        /// A character other than digits and one separator.
        IdentityInvalidCharacter { found: String } => "registry-identity-invalid-character",
        /// More than one `-` or `+`.
        IdentityTooManySeparators => "registry-identity-too-many-separators",
        /// Not 10 or 12 digits.
        IdentityWrongLength { digits: usize } => "registry-identity-wrong-length",
        /// The separator elsewhere than before the last four digits.
        IdentityMisplacedSeparator => "registry-identity-misplaced-separator",
        /// `+` with a 12-digit number.
        IdentityPlusWithCentury => "registry-identity-plus-with-century",
        /// A year outside 1800–2099.
        IdentityUnsupportedYear { year: i32 } => "registry-identity-unsupported-year",
        /// A date that does not exist.
        IdentityNoSuchDate { date: String } => "registry-identity-no-such-date",
        /// A date that does not exist, in a samordningsnummer.
        IdentityNoSuchCoordinationDate { date: String } => "registry-identity-no-such-coordination-date",
        /// A birth date in the future.
        IdentityDateInFuture { date: String } => "registry-identity-date-in-future",
        /// Birth number 000.
        IdentityBirthNumberZero => "registry-identity-birth-number-zero",
        /// The check digit does not match.
        IdentityCheckDigit => "registry-identity-check-digit",
        /// A samordningsnummer where a personnummer is required.
        IdentityIsSamordningsnummer => "registry-identity-is-samordningsnummer",
        /// A personnummer where a samordningsnummer is required.
        IdentityIsPersonnummer => "registry-identity-is-personnummer",
        /// A stored number not in its 12-digit form.
        IdentityNotCanonical => "registry-identity-not-canonical",
        /// An empty reserve id.
        ReserveIdEmpty => "registry-reserve-id-empty",
        /// A reserve id that is too long.
        ReserveIdTooLong { chars: usize } => "registry-reserve-id-too-long",
        /// A reserve id with a character outside A–Z, 0–9 and `-`.
        ReserveIdInvalidCharacter { found: String } => "registry-reserve-id-invalid-character",

        // ---- the named group of a protected client ------------------------------------------
        /// The client's identity is not protected: there is no named group.
        NotProtected => "registry-not-protected",
        /// Lifting or lowering a protected identity through an edit of the record: it is a
        /// decision of its own, by someone who may make it.
        ProtectionLowerIsADecision => "registry-protection-lower-is-a-decision",
        /// The protection asked for is the one the client has.
        ProtectionUnchanged => "registry-protection-unchanged",
        /// No client with the identity number is within the caller's reach.
        NoClientWithIdentity => "registry-no-client-with-identity",
        /// The user named does not exist.
        NoSuchUser => "registry-no-such-user",
        /// The user is in the group already.
        AlreadyInGroup => "registry-already-in-group",
        /// No user was chosen.
        ChooseUser => "registry-choose-user",

        // ---- decisions and orders -----------------------------------------------------------
        /// A date that may not lie in the future.
        InFuture => "registry-in-future",
        /// The end of a period before its start.
        ValidToBeforeValidFrom => "registry-valid-to-before-valid-from",
        /// Night supervision without a supervision mode.
        ModeRequired => "registry-mode-required",
        /// Night supervision without a time.
        TimesRequired => "registry-times-required",
        /// More than twelve times a night.
        TooManyTimes => "registry-too-many-times",
        /// A time given twice.
        TimeTwice => "registry-time-twice",
        /// A supervision plan for a client whose decisions grant no night supervision (now or
        /// to come).
        PlanWithoutDecision => "registry-plan-without-decision",
        /// A plan's mode the decision does not grant.
        PlanModeNotGranted { granted: super::Arg } => "registry-plan-mode-not-granted",
        /// A plan's time the decision does not grant.
        PlanTimeNotGranted { time: String, granted: String } => "registry-plan-time-not-granted",
        /// A safety alarm given a supervision mode or times.
        SafetyAlarmHasNoMode => "registry-safety-alarm-has-no-mode",
        /// A second decision on the same service over the same days.
        DecisionOverlaps => "registry-decision-overlaps",
        /// A time that is not one (`text` is quoted as typed).
        NotATime { text: String } => "registry-not-a-time",
        /// A time with seconds.
        WholeMinutes => "registry-whole-minutes",
        /// The client has no provider to carry the decision out.
        NoProviderForDecision => "registry-no-provider-for-decision",
        /// Ending a decision that has ended.
        DecisionAlreadyEnded => "registry-decision-already-ended",
        /// Ending a decision before it starts.
        EndBeforeDecisionStarts => "registry-end-before-decision-starts",
        /// Accepting an order that is not new.
        OnlyNewOrderAccepted => "registry-only-new-order-accepted",
        /// Starting an order the provider has not accepted.
        OrderNotAccepted => "registry-order-not-accepted",
        /// Starting an order that is not waiting to start.
        OrderNotWaiting => "registry-order-not-waiting",
        /// The caller's roles do not accept orders.
        MayNotAcceptOrders => "registry-may-not-accept-orders",
        /// The caller's roles do not read reports.
        MayNotReadReports => "registry-may-not-read-reports",

        // ---- consent ------------------------------------------------------------------------
        /// Consent dated in the future.
        ConsentInFuture => "registry-consent-in-future",
        /// Informed after consenting.
        InformedAfterConsent => "registry-informed-after-consent",
        /// Consent by a representative who is not named.
        RepresentativeRequired => "registry-representative-required",
        /// A date the calendar cannot reach.
        OutOfRange => "registry-out-of-range",
        /// A reconfirmation date on or before the day consent was given.
        ReconfirmAfterGiven => "registry-reconfirm-after-given",
        /// Withdrawing consent that is withdrawn.
        ConsentAlreadyWithdrawn => "registry-consent-already-withdrawn",
        /// A withdrawal dated before the consent.
        BeforeConsentGiven => "registry-before-consent-given",
        /// No decision on the service holds today.
        NoValidDecision => "registry-no-valid-decision",
        /// No consent to the service holds today.
        NoValidConsent => "registry-no-valid-consent",

        // ---- supervision plans and pauses ---------------------------------------------------
        /// A recheck delay outside 5–60 minutes.
        RecheckDelayRange => "registry-recheck-delay-range",
        /// A response target outside 5–180 minutes.
        ResponseTargetRange => "registry-response-target-range",
        /// A pause whose last night is before its first.
        LastNightBeforeFirst => "registry-last-night-before-first",
        /// A pause starting in the past.
        FirstNightPast => "registry-first-night-past",
        /// A pause longer than a year.
        PauseTooLong => "registry-pause-too-long",
        /// Cancelling a pause that is cancelled.
        PauseAlreadyCancelled => "registry-pause-already-cancelled",

        // ---- the pages' forms ---------------------------------------------------------------
        /// A date field that does not hold a date.
        NotADate => "registry-not-a-date",
        /// A code that is not one of the choices.
        NotAChoice => "registry-not-a-choice",
        /// Minutes that are not a whole number.
        NotWholeMinutes => "registry-not-whole-minutes",
        /// A placement that is not a provider or a provider's unit.
        NotAPlacement => "registry-not-a-placement",
        /// Not a client's id.
        NotAClientId => "registry-not-a-client-id",
        /// A log review's client filter that names no client the reviewer may look up.
        NoClientForReview => "registry-no-client-for-review",
        /// A log review's client filter whose name fits several clients.
        SeveralClientsMatch => "registry-several-clients-match",
    }
}

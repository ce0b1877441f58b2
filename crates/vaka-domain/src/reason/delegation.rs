//! Reasons about delegated health-care tasks: licences, task types, delegations, prescribed
//! tasks, signing, escalation and deviations.

use super::reasons;

reasons! {
    Delegation =>
    /// Reasons about delegated health-care tasks: licences, task types, delegations,
    /// prescribed tasks, signing, escalation and deviations.
    pub enum DelegationReason {
        // ---- licences and task types -------------------------------------------------------
        /// A licence number that is not 1–max digits.
        LicenceNumberShape { max: usize } => "delegation-licence-number-shape",
        /// A profession code that is not one.
        UnknownProfession { code: String } => "delegation-unknown-profession",
        /// A task type code that is not 1–max of `a-z 0-9 _`, starting with a letter.
        TaskTypeCodeShape { max: usize } => "delegation-task-type-code-shape",
        /// A task type named like an act that stays with licensed staff (assessment,
        /// prescription, follow-up): it can never be delegated.
        ActNotDelegable { code: String } => "delegation-act-not-delegable",
        /// A task type without a name.
        TaskTypeNameRequired => "delegation-task-type-name-required",
        /// A task type no profession may prescribe.
        PrescribersRequired => "delegation-prescribers-required",
        /// A task type code the municipality's list does not hold.
        UnknownTaskType { code: String } => "delegation-unknown-task-type",
        /// A task type the municipality has taken out of use.
        TaskTypeRetired { task: String } => "delegation-task-type-retired",
        /// A new task type with a code the list already holds.
        TaskTypeCodeTaken { code: String } => "delegation-task-type-code-taken",
        // ---- delegations -------------------------------------------------------------------
        /// A delegation or prescription by someone who holds no licence.
        NoLicence => "delegation-no-licence",
        /// The delegating person's profession may not delegate this task type.
        ProfessionMayNotDelegate { task: String } => "delegation-profession-may-not-delegate",
        /// A delegation to the delegating person themself.
        ToOneself => "delegation-to-oneself",
        /// A delegation for named clients with none named.
        ClientsRequired => "delegation-clients-required",
        /// A client named twice in a delegation's scope.
        ClientTwice => "delegation-client-twice",
        /// A delegation without a record of how competence was checked.
        CompetenceCheckRequired => "delegation-competence-check-required",
        /// A competence check of the kind "other" without its description.
        CompetenceNoteRequired => "delegation-competence-note-required",
        /// A competence check dated after the delegation starts.
        CompetenceCheckAfterStart => "delegation-competence-check-after-start",
        /// A delegation that ends before it starts.
        EndsBeforeStart => "delegation-ends-before-start",
        /// A delegation longer than a year (its last day at most `last` for this start).
        LongerThanAYear { last: String } => "delegation-longer-than-a-year",
        /// A delegation that starts before the day it is decided.
        StartsInThePast => "delegation-starts-in-the-past",
        /// A signature by someone who is neither party of the delegation.
        NotAParty => "delegation-not-a-party",
        /// A party signing a second time.
        AlreadySigned => "delegation-already-signed",
        /// A signature on a delegation that is revoked, ended or expired.
        NoLongerOpen => "delegation-no-longer-open",
        /// A revocation without its text where the reason needs one.
        RevocationNoteRequired => "delegation-revocation-note-required",
        /// A delegation revoked or ended a second time.
        AlreadyEnded => "delegation-already-ended",
        /// A leave recorded as beginning before `earliest` (a year back).
        LeaveTooFarBack { earliest: String } => "delegation-leave-too-far-back",
        /// A leave whose last day is before its first (`from`).
        LeaveEndsBeforeStart { from: String } => "delegation-leave-ends-before-start",
        /// A leave recorded while one (begun on `from`) still runs.
        LeaveAlreadyRunning { from: String } => "delegation-leave-already-running",
        /// A leave ended when none runs.
        NoRunningLeave => "delegation-no-running-leave",
        // ---- prescribed tasks --------------------------------------------------------------
        /// The prescribing person's profession may not prescribe this task type.
        ProfessionMayNotPrescribe { task: String } => "delegation-profession-may-not-prescribe",
        /// A prescription with neither times of day nor as-needed.
        TimesOrAsNeeded => "delegation-times-or-as-needed",
        /// A prescription with times of day that is also as-needed.
        TimesAndAsNeeded => "delegation-times-and-as-needed",
        /// A time of day given twice.
        TimeTwice { time: String } => "delegation-time-twice",
        /// More times a day than allowed.
        TooManyTimes { max: usize } => "delegation-too-many-times",
        /// A prescription without its instruction.
        InstructionRequired => "delegation-instruction-required",
        /// A text too long.
        TooLong { max: usize } => "delegation-too-long",
        /// A prescription that ends before it starts.
        PrescriptionEndsBeforeStart => "delegation-prescription-ends-before-start",
        /// A signing window edge outside 0–max minutes.
        WindowOutOfRange { max: u32 } => "delegation-window-out-of-range",
        /// A prescription that repeats one of the client's of the same task type at a time.
        DuplicatePrescription { time: String } => "delegation-duplicate-prescription",
        // ---- signing -----------------------------------------------------------------------
        /// The client is outside the signer's need-to-know reach.
        OutsideReach => "delegation-outside-reach",
        /// The signer holds no delegation for the task type that covers the client.
        NoDelegation { task: String } => "delegation-no-delegation",
        /// The signer's delegation is not valid at the moment of signing (not yet signed by
        /// both, not yet started, expired, used, revoked or ended).
        DelegationNotValid { task: String } => "delegation-delegation-not-valid",
        /// A signing before the occasion's window opens (`opens`, local time).
        NotYetOpen { opens: String } => "delegation-not-yet-open",
        /// An occasion signed before (by another signing).
        OccasionAlreadySigned => "delegation-occasion-already-signed",
        /// A signing id used before for another signing.
        SigningIdReused => "delegation-signing-id-reused",
        /// An outcome for scheduled occasions given to an as-needed task.
        OutcomeOnlyForScheduled => "delegation-outcome-only-for-scheduled",
        /// "As-needed given" on a scheduled occasion.
        OutcomeOnlyForAsNeeded => "delegation-outcome-only-for-as-needed",
        /// An outcome that needs a text given without one.
        OutcomeNoteRequired => "delegation-outcome-note-required",
        /// An as-needed task signed outside its prescription's period.
        PrescriptionNotActive => "delegation-prescription-not-active",
        /// An effect note on a signing that is not "as-needed given".
        EffectOnlyForAsNeeded => "delegation-effect-only-for-as-needed",
        /// An effect note given a second time.
        EffectAlreadyNoted => "delegation-effect-already-noted",
        // ---- escalation and deviations -----------------------------------------------------
        /// An escalation ladder without steps.
        StepsRequired => "delegation-steps-required",
        /// An escalation step without recipients.
        RecipientsRequired => "delegation-recipients-required",
        /// A ladder whose first step does not call the prescribing person and the unit manager.
        FirstStepNurseAndManager => "delegation-first-step-nurse-and-manager",
        /// Steps not in strictly increasing minutes, or past the last allowed minute.
        StepMinutesOrder { max: u32 } => "delegation-step-minutes-order",
        /// More steps than allowed.
        TooManySteps { max: usize } => "delegation-too-many-steps",
        /// A deviation closed without its note.
        DeviationNoteRequired => "delegation-deviation-note-required",
        /// A deviation closed a second time.
        DeviationAlreadyClosed => "delegation-deviation-already-closed",
        /// A deviation closed by someone who holds no licence.
        DeviationNeedsLicence => "delegation-deviation-needs-licence",
        // ---- rights (the service's refusals) -----------------------------------------------
        /// The caller's roles do not let them delegate or prescribe here.
        MayNotDelegate => "delegation-may-not-delegate",
        /// The caller's roles do not let them sign prescribed tasks.
        MayNotSign => "delegation-may-not-sign",
        /// The caller's roles do not let them follow up this unit's delegated tasks.
        MayNotOversee => "delegation-may-not-oversee",
        /// The caller's roles do not let them keep the task types or set licences.
        MayNotManageTaskTypes => "delegation-may-not-manage-task-types",
        /// A revocation by someone who is neither the delegating person, licensed staff of
        /// the unit nor its manager.
        MayNotRevoke => "delegation-may-not-revoke",
        /// A leave recorded by someone who neither manages accounts nor manages a unit the
        /// person works in.
        MayNotRecordLeave => "delegation-may-not-record-leave",
        /// A delegation to someone who does not work in the unit (no role there that signs).
        RecipientNotInUnit => "delegation-recipient-not-in-unit",
        /// A named client who is not one of the unit's clients.
        ClientNotInUnit => "delegation-client-not-in-unit",
        /// An occasion the prescription does not have (not its time, not a day it runs).
        UnknownOccasion => "delegation-unknown-occasion",
        /// A person named in an escalation ladder who does not follow up the unit's delegated
        /// tasks (no active account with a role that does).
        LadderRecipientNotInUnit => "delegation-ladder-recipient-not-in-unit",
        /// A week not written as an ISO week (`2026-W49`), or one its year does not have.
        WeekFormat => "delegation-week-format",
    }
}

//! Reasons about home care: granted tasks, visit plans, visits and their sync, corrections,
//! approval, the lock date and the payment basis.

use super::{Arg, reasons};
use crate::homecare::CareTask;

reasons! {
    Homecare =>
    /// Reasons about home care: granted tasks, visit plans, visits and their sync,
    /// corrections, approval, the lock date and the payment basis.
    pub enum HomecareReason {
        // ---- decisions and plans -----------------------------------------------------------
        /// A home-care decision or a plan without tasks.
        TasksRequired => "homecare-tasks-required",
        /// A task granted twice in one decision.
        TaskTwice => "homecare-task-twice",
        /// A task code that is not one of the list.
        UnknownTask { code: String } => "homecare-unknown-task",
        /// Granted minutes outside 1–max.
        GrantedMinutesOutOfRange { max: u32 } => "homecare-granted-minutes-out-of-range",
        /// Tasks given on a decision that is not on home care.
        TasksOnlyForHomeCare => "homecare-tasks-only-for-home-care",
        /// A plan without weekdays.
        WeekdaysRequired => "homecare-weekdays-required",
        /// A weekday code that is not one.
        UnknownWeekday { code: String } => "homecare-unknown-weekday",
        /// A window whose end is not after its start.
        WindowBackwards => "homecare-window-backwards",
        /// A planned task the decision does not grant.
        TaskNotGranted { task: CareTask } => "homecare-task-not-granted",
        /// Expected minutes outside 1–max.
        ExpectedMinutesOutOfRange { max: u32 } => "homecare-expected-minutes-out-of-range",
        /// A plan that ends before it starts.
        PlanEndsBeforeStart => "homecare-plan-ends-before-start",
        /// A plan outside its decision's period.
        PlanOutsideDecision => "homecare-plan-outside-decision",
        /// A plan made from a decision that is not on home care.
        NotAHomeCareDecision => "homecare-not-a-home-care-decision",
        /// A plan for a unit the client is not served by (another provider's).
        UnitOfAnotherProvider => "homecare-unit-of-another-provider",
        /// A plan that has already ended.
        PlanAlreadyEnded => "homecare-plan-already-ended",
        // ---- the visit's sync --------------------------------------------------------------
        /// The client belongs to a unit outside the caller's.
        ClientOfAnotherUnit => "homecare-client-of-another-unit",
        /// The client has no valid home-care decision that day.
        ClientEnded => "homecare-client-ended",
        /// The client has no plan with a visit that day.
        NoPlanToday => "homecare-no-plan-today",
        /// The plan named is another client's.
        PlanOfAnotherClient => "homecare-plan-of-another-client",
        /// A tag nobody registered.
        UnknownTag => "homecare-unknown-tag",
        /// A registered tag not bound to any client.
        TagNotBound => "homecare-tag-not-bound",
        /// A tag bound to another client.
        TagOfAnotherClient => "homecare-tag-of-another-client",
        /// A start or end with neither a tag nor a manual reason.
        EvidenceRequired => "homecare-evidence-required",
        /// A record for a visit that has no start yet.
        VisitNotStarted => "homecare-visit-not-started",
        /// A second start of a visit.
        VisitAlreadyStarted => "homecare-visit-already-started",
        /// A second end of a visit.
        VisitAlreadyEnded => "homecare-visit-already-ended",
        /// An end before the start.
        EndBeforeStart => "homecare-end-before-start",
        /// A record about a visit of another worker or client than it names.
        NotYourVisit => "homecare-not-your-visit",
        /// A record that lacks a field its kind needs.
        FieldRequired { field: String } => "homecare-field-required",
        /// A text too long.
        TooLong { max: usize } => "homecare-too-long",
        /// A record id used before for another record.
        RecordIdReused => "homecare-record-id-reused",
        /// A batch with too many records.
        BatchTooLarge { max: usize } => "homecare-batch-too-large",
        // ---- corrections, approval, lock ---------------------------------------------------
        /// A correction without its text.
        CorrectionTextRequired => "homecare-correction-text-required",
        /// A correction without its reason code.
        CorrectionReasonRequired => "homecare-correction-reason-required",
        /// A correction that changes nothing.
        NothingToCorrect => "homecare-nothing-to-correct",
        /// A change to a visit dated on or before the lock date.
        PeriodLocked { through: String } => "homecare-period-locked",
        /// Confirmation or approval of a week named by another day than its Monday.
        WeekStartsMonday => "homecare-week-starts-monday",
        /// A week confirmed or approved twice.
        WeekAlreadyApproved => "homecare-week-already-approved",
        /// Approval of a week before every worker with visits in it has confirmed it.
        WeekNotConfirmed { workers: String } => "homecare-week-not-confirmed",
        /// Moving the lock date back by someone other than the municipality.
        OnlyMunicipalityReopens => "homecare-only-municipality-reopens",
        /// A lock date for an organisation that is not a provider.
        LockOnlyForProviders => "homecare-lock-only-for-providers",
        // ---- rights -------------------------------------------------------------------------
        /// The caller holds no right to register visits.
        MayNotRegisterVisits => "homecare-may-not-register-visits",
        /// The caller holds no right to manage visits (plans, corrections, approval).
        MayNotManageVisits => "homecare-may-not-manage-visits",
        /// The caller holds no right to read the payment basis.
        MayNotReadPaymentBasis => "homecare-may-not-read-payment-basis",
    }
}

impl From<CareTask> for Arg {
    fn from(t: CareTask) -> Self {
        Arg::Code {
            kind: "care-task",
            code: t.code(),
        }
    }
}

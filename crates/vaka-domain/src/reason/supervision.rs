//! Reasons about night supervision: look-ins, outcomes, visits and dispatches.

use super::reasons;

reasons! {
    Supervision =>
    /// Reasons about night supervision: look-ins, outcomes, visits and dispatches.
    pub enum SupervisionReason {
        // The task's state machine.
        /// The window of the planned time has not opened yet.
        WindowNotOpen => "supervision-window-not-open",
        /// The window (or the re-check's) has closed.
        WindowClosed => "supervision-window-closed",
        /// A look-in at a re-check before it falls due.
        RecheckNotDue => "supervision-recheck-not-due",
        /// A look-in at a task whose staff are sent.
        MovedOnToStaff => "supervision-moved-on-to-staff",
        /// An event on a finished task.
        AlreadyFinished => "supervision-already-finished",
        /// An outcome without a look-in.
        OutcomeAfterLookIn => "supervision-outcome-after-look-in",
        /// An outcome by an operator who has no look-in of their own on the task.
        OutcomeAfterOwnLookIn => "supervision-outcome-after-own-look-in",
        /// A dispatch closed on a task that sent no one.
        NoStaffSent => "supervision-no-staff-sent",
        /// A pause over a task whose staff are sent.
        StaffAlreadySent => "supervision-staff-already-sent",
        // The look-in's checks of the moment.
        /// No decision on night supervision valid today.
        NoValidDecision => "supervision-no-valid-decision",
        /// No consent to night supervision valid today.
        NoValidConsent => "supervision-no-valid-consent",
        /// The client's supervision is paused tonight.
        PausedTonight => "supervision-paused-tonight",
        /// The client has no active camera.
        NoActiveCamera => "supervision-no-active-camera",
        /// The camera is not connected to the gateway.
        CameraOffline => "supervision-camera-offline",
        /// Someone else is looking in through the camera.
        CameraBusy => "supervision-camera-busy",
        /// A look-in at a planned visit.
        VisitNotLookIn => "supervision-visit-not-look-in",
        /// A visit recorded on a planned look-in.
        LookInNotVisit => "supervision-look-in-not-visit",
        /// The picture of a look-in asked for after it ended.
        LookInEnded => "supervision-look-in-ended",
        /// The task moved between reading and writing it.
        ChangedMeanwhile => "supervision-changed-meanwhile",
        // Rights.
        /// The caller holds no right to look in.
        MayNotLookIn => "supervision-may-not-look-in",
        /// The caller holds no right to respond to dispatches.
        MayNotRespond => "supervision-may-not-respond",
        /// The caller holds no right to read statistics.
        MayNotReadStatistics => "supervision-may-not-read-statistics",
        // Outcomes and visits.
        /// A deviation without a note.
        DescribeDeviation => "supervision-describe-deviation",
        /// An outcome that is not one of the codes.
        ChooseOutcome => "supervision-choose-outcome",
        /// A visit's outcome other than seen OK or deviation.
        VisitOutcome => "supervision-visit-outcome",
        // The night patrol's dispatches.
        /// A step on a closed dispatch.
        DispatchClosed => "supervision-dispatch-closed",
        /// Acknowledging a dispatch twice.
        DispatchAcknowledged => "supervision-dispatch-acknowledged",
        /// A step before the dispatch is acknowledged.
        AcknowledgeFirst => "supervision-acknowledge-first",
        /// On the way twice, or after arriving.
        AlreadyOnTheWay => "supervision-already-on-the-way",
        /// Arriving twice.
        ArrivalRecorded => "supervision-arrival-recorded",
        /// Closing a dispatch without a note.
        NoteRequired => "supervision-note-required",
        /// The dispatch moved between reading and writing it.
        DispatchChangedMeanwhile => "supervision-dispatch-changed-meanwhile",
        /// A step that is not one of the codes.
        ChooseStep => "supervision-choose-step",
        // Extracts and reports.
        /// A period that ends before it starts.
        PeriodEndsBeforeStart => "supervision-period-ends-before-start",
        /// A log extract over more nights than allowed.
        ExtractTooLong { nights: i64 } => "supervision-extract-too-long",
        /// A statistics report over more months than allowed.
        ReportTooLong { months: i32 } => "supervision-report-too-long",
        /// A date not written as YYYY-MM-DD.
        DateFormat => "supervision-date-format",
        /// A month not written as YYYY-MM.
        MonthFormat => "supervision-month-format",
        /// A log's format on the page other than html, csv or pdf.
        PageLogFormat => "supervision-page-log-format",
        /// A log's format in the API other than json, csv or pdf.
        ApiLogFormat => "supervision-api-log-format",
    }
}

impl SupervisionReason {
    /// The words a refused look-in's audit entry records as why (`{"refused": …}`): the
    /// audit log keeps them in English, as it always has, while people read the reason in
    /// their language from the Fluent files. A test in the web checks that they are the
    /// English of those files.
    pub fn logged(&self) -> &'static str {
        match self {
            Self::WindowNotOpen => "the window has not opened",
            Self::WindowClosed => "the window has closed",
            Self::RecheckNotDue => "the re-check is not due yet",
            Self::MovedOnToStaff => "the supervision has moved on to staff on site",
            Self::AlreadyFinished => "the supervision is already finished",
            Self::NoValidDecision => "there is no valid decision on night supervision",
            Self::NoValidConsent => "there is no valid consent to night supervision",
            Self::PausedTonight => "supervision is paused tonight",
            Self::NoActiveCamera => "the client has no active camera",
            Self::CameraOffline => "the camera is not connected",
            Self::VisitNotLookIn => "this supervision is a visit, not a look-in",
            // Never the reason of a refused look-in.
            other => other.id(),
        }
    }

    /// The reasons a look-in is refused for by a rule of the moment (those [`Self::logged`]
    /// words).
    pub const LOOK_IN_REFUSALS: &'static [SupervisionReason] = &[
        Self::WindowNotOpen,
        Self::WindowClosed,
        Self::RecheckNotDue,
        Self::MovedOnToStaff,
        Self::AlreadyFinished,
        Self::NoValidDecision,
        Self::NoValidConsent,
        Self::PausedTonight,
        Self::NoActiveCamera,
        Self::CameraOffline,
        Self::VisitNotLookIn,
    ];
}

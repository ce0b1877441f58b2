//! Reasons about the management plan: governance roles, supplier contracts, the
//! classification, the activity plan, incident and fault reports.

use super::reasons;

reasons! {
    Governance =>
    /// Reasons about the management plan and its reports.
    pub enum GovernanceReason {
        /// The caller may not keep the management plan (the system manager does).
        MayNotManage => "gov-may-not-manage",
        /// A period or contract that ends before it starts.
        EndsBeforeStart => "gov-ends-before-start",
        /// A role of one holder that has a current holder already.
        RoleHeld => "gov-role-held",
        /// An assignment to an account that is not active.
        AccountNotActive => "gov-account-not-active",
        /// An assignment ended already.
        AssignmentEnded => "gov-assignment-ended",
        /// A notice period below zero.
        NoticePeriodNegative => "gov-notice-period-negative",
        /// A notice period longer than the longest accepted.
        NoticePeriodTooLong { max: i64 } => "gov-notice-period-too-long",
        /// An availability target outside 0–100 %.
        AvailabilityOutOfRange => "gov-availability-out-of-range",
        /// A fault report to a supplier without a contract.
        UnknownSupplier => "gov-unknown-supplier",
        /// A report's status may only move forward.
        StatusBackwards => "gov-status-backwards",
        /// Sign-off by someone who does not hold the duty's role (nor is a system manager).
        MayNotSignOff => "gov-may-not-sign-off",
        /// A day that is not one of the duty's due dates (or lies ahead).
        NotAnOccurrence => "gov-not-an-occurrence",
        /// An occurrence signed off already.
        SignedOffAlready => "gov-signed-off-already",
        /// Handling incident reports: their receivers only (system owner, information security
        /// coordinator) and the system manager.
        MayNotHandleIncidents => "gov-may-not-handle-incidents",
        /// Fault reports: the system manager and administrators.
        MayNotReportFaults => "gov-may-not-report-faults",
        /// An incident dated after the moment it is reported.
        OccurredInFuture => "gov-occurred-in-future",
        /// A report's text holds a personnummer.
        HoldsPersonnummer => "gov-holds-personnummer",
    }
}

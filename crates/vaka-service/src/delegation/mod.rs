//! Delegated health-care tasks and their signing (issue 16): licensed staff prescribe tasks
//! for clients and delegate task types to care workers, who sign every occasion; occasions
//! left unsigned are escalated, and a medication not given opens a deviation.
//!
//! The rules are `vaka_domain::delegation`'s; this module checks the caller's right, reads
//! what a rule needs, and writes the outcome with its audit entries. By concern:
//! [`licences`] (licences and the list of task types), [`leave`] (a person's leave on their
//! delegations), [`delegations`] (deciding, signing, revoking, the unit's register),
//! [`prescriptions`] (prescribed tasks), [`signing`] (signing an occasion, the signing lists,
//! deviations, a client's history), [`missed`] (the scan for missed signings, its calls and
//! notices), [`ladder`] (each unit's escalation ladder), [`reminders`] (renewal reminders
//! before a delegation's last day) and [`report`] (missed and late signings per unit and week).

pub mod delegations;
pub mod ladder;
pub mod leave;
pub mod licences;
pub mod missed;
pub mod prescriptions;
pub mod reminders;
pub mod report;
pub mod signing;

use jiff::tz::TimeZone;

/// The care context of delegated health-care tasks.
pub(crate) const DELEGATION: &str = "delegation";

/// The time zone occasions are planned in.
pub(crate) fn tz() -> TimeZone {
    crate::registry::stockholm()
}

//! Delegated health-care tasks and their signing (issue 16): licensed staff prescribe tasks
//! for clients and delegate task types to care workers, who sign every occasion; occasions
//! left unsigned are escalated, and a medication not given opens a deviation.
//!
//! The rules are `vaka_domain::delegation`'s; this module checks the caller's right, reads
//! what a rule needs, and writes the outcome with its audit entries. By concern:
//! [`missed`] (the scan for missed signings, its calls and notices).

pub mod missed;

use jiff::tz::TimeZone;

/// The care context of delegated health-care tasks.
pub(crate) const DELEGATION: &str = "delegation";

/// The time zone occasions are planned in.
pub(crate) fn tz() -> TimeZone {
    crate::registry::stockholm()
}

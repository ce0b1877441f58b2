//! The municipality's operating routines (issue 17, part 6): planned-downtime notices and
//! their acknowledgements ([`notices`]), unplanned outage reports routed by the hour
//! ([`outages`]), the printable reserve list for an outage ([`reserve`]), the banners every
//! page shows while a notice or an outage is current ([`banners`]), and each provider's contact
//! persons with their yearly confirmation ([`contacts`]). The rules are `vaka_domain::operations`'; this module checks the caller's
//! right, reads what a rule needs and writes the outcome with its audit entries.

pub mod banners;
pub mod contacts;
pub mod notices;
pub mod outages;
pub mod reserve;

use jiff::civil::{Date, Time};
use vaka_domain::operations::downtime::DowntimeRules;
use vaka_domain::operations::outage::OfficeHours;
use vaka_domain::reason::InputReason;

use crate::error::{Fault, WorkResult};

/// The care context of the operating routines.
pub(crate) const OPERATIONS: &str = "operations";

/// Settings of the operating routines (the seeds' defaults).
#[derive(Debug, Clone, Default)]
pub struct OperationsSettings {
    /// The agreed window and lead time of planned downtime.
    pub downtime: DowntimeRules,
    /// When the municipality's IT takes outage reports.
    pub office_hours: OfficeHours,
}

/// A date as a form sends it (`2026-12-08`).
pub(crate) fn parse_day(field: &'static str, raw: &str) -> WorkResult<Date> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Fault::invalid(field, InputReason::Required));
    }
    raw.parse::<Date>()
        .map_err(|_| Fault::invalid(field, InputReason::NotValid))
}

/// A time of day as a form sends it (`10:00`).
pub(crate) fn parse_time(field: &'static str, raw: &str) -> WorkResult<Time> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Fault::invalid(field, InputReason::Required));
    }
    raw.parse::<Time>()
        .map_err(|_| Fault::invalid(field, InputReason::NotValid))
}

/// A one-line text of at most `max` characters, required.
pub(crate) fn line(field: &'static str, raw: &str, max: usize) -> WorkResult<String> {
    Ok(vaka_domain::validate::parse_name(field, raw, max)?)
}

/// A free text of at most `max` characters (line breaks allowed), maybe empty.
pub(crate) fn text(field: &'static str, raw: &str, max: usize) -> WorkResult<String> {
    let t = raw.trim().replace("\r\n", "\n");
    if t.chars().count() > max {
        return Err(Fault::invalid(field, InputReason::TooLong { max }));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Fault::invalid(field, InputReason::ControlCharacters));
    }
    Ok(t)
}

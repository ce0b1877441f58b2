//! The municipality's operating routines (seeds 002 and 003): planned downtime announced ahead
//! inside an agreed window ([`downtime`]), and unplanned outages reported to whoever is on duty
//! at that hour ([`outage`]), and each provider's contact persons confirmed yearly
//! ([`contacts`]). Pure: the caller gives the clock's instant and the time zone.

pub mod contacts;
pub mod downtime;
pub mod outage;

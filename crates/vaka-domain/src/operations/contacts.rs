//! A provider's contact persons (seed 002: "En eller flera kontaktpersoner ska utses för att ta
//! emot information från beställaren gällande beställarens driftstörningar och planerade
//! uppdateringar … Utföraren ansvarar för att informera beställaren om förändringar"): a
//! technical contact (teknikombud) and an IT contact per provider, confirmed as current once a
//! year. A confirmation is due on the same local date a year later; after that day it is
//! overdue and the municipality sees it flagged.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

/// Which contact a provider names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ContactKind {
    /// Teknikombud: the contact towards the alarm organisation, checks technical alarms.
    Technical,
    /// The contact who receives notices of downtime and outages of the systems.
    It,
}

crate::impl_codes!(ContactKind);

/// The last local day a contact confirmed at `confirmed_at` is current: a year later (29
/// February confirms until 28 February).
pub fn confirmation_due(confirmed_at: Timestamp, tz: &TimeZone) -> Date {
    let d = confirmed_at.to_zoned(tz.clone()).date();
    d.checked_add(1.year()).unwrap_or(d)
}

/// Whether a contact confirmed at `confirmed_at` is overdue at `now`.
pub fn is_overdue(confirmed_at: Timestamp, now: Timestamp, tz: &TimeZone) -> bool {
    now.to_zoned(tz.clone()).date() > confirmation_due(confirmed_at, tz)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn tz() -> TimeZone {
        TimeZone::get("Europe/Stockholm").unwrap()
    }

    fn at(y: i16, m: i8, d: i8, h: i8) -> Timestamp {
        date(y, m, d)
            .at(h, 0, 0, 0)
            .to_zoned(tz())
            .unwrap()
            .timestamp()
    }

    #[test]
    fn a_confirmation_holds_a_year_of_local_days() {
        let c = at(2026, 12, 4, 9);
        assert_eq!(confirmation_due(c, &tz()), date(2027, 12, 4));
        assert!(!is_overdue(c, at(2027, 12, 4, 23), &tz()));
        assert!(is_overdue(c, at(2027, 12, 5, 0), &tz()));
        // 00:30 on 1 January in Stockholm is still 31 December in UTC: the local day counts.
        let c = "2026-12-31T23:30:00Z".parse().unwrap();
        assert_eq!(confirmation_due(c, &tz()), date(2028, 1, 1));
        // A leap day confirms until the last day of February.
        assert_eq!(
            confirmation_due(at(2028, 2, 29, 12), &tz()),
            date(2029, 2, 28)
        );
    }
}

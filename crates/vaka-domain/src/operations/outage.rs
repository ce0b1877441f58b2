//! Unplanned outages (driftstörningar): "Vardagar kl. 8–17 kontaktas beställarens it och
//! utanför kontorstid kontaktas tjänstgörande sjuksköterska" (seed 002). Who a report goes to
//! depends only on when it is made, in local time: on a weekday (not a weekend, a public
//! holiday or an eve kept as a day off) from 08:00 until 17:00 the municipality's IT, else the
//! nurse on duty.

use jiff::Timestamp;
use jiff::civil::Time;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::holidays::is_weekend_or_holiday;

/// Who takes an outage report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum OutageRoute {
    /// The municipality's IT (office hours).
    MunicipalIt,
    /// The nurse on duty (evenings, nights, weekends and holidays).
    NurseOnDuty,
}

crate::impl_codes!(OutageRoute);

/// The office hours of the municipality's IT (a setting; the seed's defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeHours {
    /// Opens (08:00), local time.
    pub from: Time,
    /// Closes (17:00): a report at 17:00 goes to the nurse on duty.
    pub to: Time,
    /// Whether påskafton, midsommarafton, julafton and nyårsafton count as days off.
    pub count_eves: bool,
}

impl Default for OfficeHours {
    fn default() -> Self {
        Self {
            from: Time::constant(8, 0, 0, 0),
            to: Time::constant(17, 0, 0, 0),
            count_eves: true,
        }
    }
}

impl OfficeHours {
    /// Whom a report made at `at` goes to.
    pub fn route(&self, at: Timestamp, tz: &TimeZone) -> OutageRoute {
        let local = at.to_zoned(tz.clone());
        let t = local.time();
        if !is_weekend_or_holiday(local.date(), self.count_eves) && t >= self.from && t < self.to {
            OutageRoute::MunicipalIt
        } else {
            OutageRoute::NurseOnDuty
        }
    }
}

/// The night a reserve list printed at `at` is for: from 06:00 the coming night (its evening
/// date is today), before then the night in progress (it began yesterday evening).
pub fn reserve_night(at: Timestamp, tz: &TimeZone) -> jiff::civil::Date {
    let local = at.to_zoned(tz.clone());
    if local.hour() >= 6 {
        local.date()
    } else {
        local.date().yesterday().unwrap_or(local.date())
    }
}

/// Whether an outage report is still open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum OutageStatus {
    Open,
    Resolved,
}

crate::impl_codes!(OutageStatus);

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn tz() -> TimeZone {
        TimeZone::get("Europe/Stockholm").unwrap()
    }

    fn at(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        date(y, m, d)
            .at(h, min, 0, 0)
            .to_zoned(tz())
            .unwrap()
            .timestamp()
    }

    #[test]
    fn office_hours_on_weekdays_go_to_it_and_the_rest_to_the_nurse() {
        use OutageRoute::{MunicipalIt, NurseOnDuty};
        let h = OfficeHours::default();
        // Friday 4 December 2026.
        assert_eq!(h.route(at(2026, 12, 4, 7, 59), &tz()), NurseOnDuty);
        assert_eq!(h.route(at(2026, 12, 4, 8, 0), &tz()), MunicipalIt);
        assert_eq!(h.route(at(2026, 12, 4, 16, 59), &tz()), MunicipalIt);
        assert_eq!(h.route(at(2026, 12, 4, 17, 0), &tz()), NurseOnDuty);
        assert_eq!(h.route(at(2026, 12, 4, 23, 0), &tz()), NurseOnDuty);
        // Saturday and Sunday.
        assert_eq!(h.route(at(2026, 12, 5, 10, 0), &tz()), NurseOnDuty);
        assert_eq!(h.route(at(2026, 12, 6, 10, 0), &tz()), NurseOnDuty);
    }

    #[test]
    fn holidays_and_eves_go_to_the_nurse() {
        let h = OfficeHours::default();
        // Långfredagen 2026 (3 April), Kristi himmelsfärdsdag (Thursday 14 May).
        assert_eq!(
            h.route(at(2026, 4, 3, 10, 0), &tz()),
            OutageRoute::NurseOnDuty
        );
        assert_eq!(
            h.route(at(2026, 5, 14, 10, 0), &tz()),
            OutageRoute::NurseOnDuty
        );
        // Julafton (Thursday) counts by default, and not when the setting says so.
        assert_eq!(
            h.route(at(2026, 12, 24, 10, 0), &tz()),
            OutageRoute::NurseOnDuty
        );
        let strict = OfficeHours {
            count_eves: false,
            ..OfficeHours::default()
        };
        assert_eq!(
            strict.route(at(2026, 12, 24, 10, 0), &tz()),
            OutageRoute::MunicipalIt
        );
        // The day after annandag påsk is an ordinary Tuesday.
        assert_eq!(
            h.route(at(2026, 4, 7, 10, 0), &tz()),
            OutageRoute::MunicipalIt
        );
    }

    #[test]
    fn a_reserve_list_is_for_the_coming_night_or_the_one_in_progress() {
        assert_eq!(
            reserve_night(at(2026, 11, 22, 10, 0), &tz()),
            date(2026, 11, 22)
        );
        assert_eq!(
            reserve_night(at(2026, 11, 22, 23, 30), &tz()),
            date(2026, 11, 22)
        );
        assert_eq!(
            reserve_night(at(2026, 11, 23, 3, 0), &tz()),
            date(2026, 11, 22)
        );
        assert_eq!(
            reserve_night(at(2026, 11, 23, 6, 0), &tz()),
            date(2026, 11, 23)
        );
    }

    #[test]
    fn the_hours_are_local_time_across_the_change_of_the_clocks() {
        let h = OfficeHours::default();
        // 07:30 UTC is 08:30 in winter (IT) and 09:30 in summer (IT); 06:30 UTC is 07:30 in
        // winter (nurse) but 08:30 in summer (IT).
        let winter: Timestamp = "2026-03-27T06:30:00Z".parse().unwrap();
        let summer: Timestamp = "2026-03-30T06:30:00Z".parse().unwrap();
        assert_eq!(h.route(winter, &tz()), OutageRoute::NurseOnDuty);
        assert_eq!(h.route(summer, &tz()), OutageRoute::MunicipalIt);
        // 15:30 UTC is 16:30 in winter (IT) and 17:30 in summer (nurse).
        let winter: Timestamp = "2026-03-27T15:30:00Z".parse().unwrap();
        let summer: Timestamp = "2026-03-30T15:30:00Z".parse().unwrap();
        assert_eq!(h.route(winter, &tz()), OutageRoute::MunicipalIt);
        assert_eq!(h.route(summer, &tz()), OutageRoute::NurseOnDuty);
    }
}

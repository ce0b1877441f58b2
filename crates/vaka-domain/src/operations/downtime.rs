//! Planned downtime (planerat driftstopp): "Information om detta kommer att skickas ut senast 7
//! dagar innan planerat driftavbrott. Planerade driftsavbrott förläggs i första hand dagtid
//! tisdag–torsdag mellan kl. 10–13" (seed 003, 4.1).
//!
//! A notice is published at least [`DowntimeRules::lead_days`] whole days ahead, counted in the
//! local calendar (Europe/Stockholm), so a notice published on a Tuesday for the Tuesday a week
//! later is in time whether or not the clocks change in between. The downtime lies inside the
//! window: on one day from [`DowntimeRules::first_day`] to [`DowntimeRules::last_day`], from
//! [`DowntimeRules::from`] to [`DowntimeRules::to`] local time, not on a public holiday or an
//! eve such as julafton (the municipality's IT support is closed then). Everything else is refused with the rule named.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::holidays::{eves, holiday_on};
use crate::reason::{Arg, OperationsReason};
use crate::{DomainError, DomainResult};

/// The agreed window and lead time (a setting; these are the seed's defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DowntimeRules {
    /// Whole local days between the day a notice is published and the day of the downtime.
    pub lead_days: i32,
    /// The first weekday of the window (Tuesday).
    pub first_day: Weekday,
    /// The last weekday of the window (Thursday).
    pub last_day: Weekday,
    /// When the window opens each day, local time (10:00).
    pub from: Time,
    /// When it closes, local time (13:00): a downtime ends by then.
    pub to: Time,
}

impl Default for DowntimeRules {
    fn default() -> Self {
        Self {
            lead_days: 7,
            first_day: Weekday::Tuesday,
            last_day: Weekday::Thursday,
            from: Time::constant(10, 0, 0, 0),
            to: Time::constant(13, 0, 0, 0),
        }
    }
}

/// A weekday as an argument of a reason (worded by the pages as `weekday-tue` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day(pub Weekday);

impl From<Day> for Arg {
    fn from(d: Day) -> Self {
        Arg::Code {
            kind: "weekday",
            code: day_code(d.0),
        }
    }
}

/// The short code of a weekday, as the pages' words name it.
pub fn day_code(d: Weekday) -> &'static str {
    match d {
        Weekday::Monday => "mon",
        Weekday::Tuesday => "tue",
        Weekday::Wednesday => "wed",
        Weekday::Thursday => "thu",
        Weekday::Friday => "fri",
        Weekday::Saturday => "sat",
        Weekday::Sunday => "sun",
    }
}

fn hm(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// A planned downtime as asked for: a local day and times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DowntimeRequest {
    pub day: Date,
    pub from: Time,
    pub to: Time,
}

/// A downtime that keeps the rules: its instants (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DowntimeSlot {
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

impl DowntimeRules {
    /// Whether `d` is a day of the window.
    fn is_window_day(&self, d: Weekday) -> bool {
        let first = self.first_day.to_monday_zero_offset();
        let last = self.last_day.to_monday_zero_offset();
        let x = d.to_monday_zero_offset();
        if first <= last {
            (first..=last).contains(&x)
        } else {
            x >= first || x <= last
        }
    }

    fn outside(&self) -> DomainError {
        DomainError::invalid(
            "from",
            OperationsReason::DowntimeOutsideWindow {
                first_day: Day(self.first_day),
                last_day: Day(self.last_day),
                from: hm(self.from),
                to: hm(self.to),
            },
        )
    }

    /// Checks a downtime asked for at `now`; its instants when it keeps every rule.
    pub fn check(
        &self,
        req: DowntimeRequest,
        now: Timestamp,
        tz: &TimeZone,
    ) -> DomainResult<DowntimeSlot> {
        if req.to <= req.from {
            return Err(DomainError::invalid(
                "to",
                OperationsReason::DowntimeEndsBeforeStart,
            ));
        }
        if !self.is_window_day(req.day.weekday()) || req.from < self.from {
            return Err(self.outside());
        }
        if req.to > self.to {
            return Err(DomainError::invalid(
                "to",
                OperationsReason::DowntimeEndsPastWindow { to: hm(self.to) },
            ));
        }
        let off = holiday_on(req.day)
            .or_else(|| eves(req.day.year()).into_iter().find(|h| h.date == req.day));
        if let Some(h) = off {
            return Err(DomainError::invalid(
                "day",
                OperationsReason::DowntimeOnHoliday {
                    holiday: h.name.to_owned(),
                },
            ));
        }
        let today = now.to_zoned(tz.clone()).date();
        let earliest = today
            .checked_add(i64::from(self.lead_days).days())
            .map_err(|_| DomainError::invalid("day", OperationsReason::DowntimeDayOutOfRange))?;
        if req.day < earliest {
            return Err(DomainError::invalid(
                "day",
                OperationsReason::DowntimeTooSoon {
                    days: self.lead_days,
                    earliest: earliest.to_string(),
                },
            ));
        }
        let at = |t: Time| {
            req.day
                .to_datetime(t)
                .to_zoned(tz.clone())
                .map(|z| z.timestamp())
                .map_err(|_| DomainError::invalid("day", OperationsReason::DowntimeDayOutOfRange))
        };
        Ok(DowntimeSlot {
            starts_at: at(req.from)?,
            ends_at: at(req.to)?,
        })
    }
}

/// Where a notice stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticePhase {
    /// Published, the downtime still ahead.
    Upcoming,
    /// The downtime is on now.
    Ongoing,
    /// Over.
    Past,
}

/// The phase of a downtime from `starts_at` to `ends_at` at `now`.
pub fn phase(starts_at: Timestamp, ends_at: Timestamp, now: Timestamp) -> NoticePhase {
    if now >= ends_at {
        NoticePhase::Past
    } else if now >= starts_at {
        NoticePhase::Ongoing
    } else {
        NoticePhase::Upcoming
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::{date, time};

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

    fn req(day: Date, from: (i8, i8), to: (i8, i8)) -> DowntimeRequest {
        DowntimeRequest {
            day,
            from: time(from.0, from.1, 0, 0),
            to: time(to.0, to.1, 0, 0),
        }
    }

    fn reason(r: DomainResult<DowntimeSlot>) -> String {
        match r {
            Err(DomainError::Invalid { reason, .. }) => reason.id().to_owned(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn a_notice_seven_days_ahead_inside_the_window_is_accepted() {
        let rules = DowntimeRules::default();
        // Tuesday 1 December 2026, 09:00; the downtime on Tuesday 8 December 10–12.
        let now = at(2026, 12, 1, 9, 0);
        let slot = rules
            .check(req(date(2026, 12, 8), (10, 0), (12, 0)), now, &tz())
            .unwrap();
        assert_eq!(slot.starts_at, "2026-12-08T09:00:00Z".parse().unwrap());
        assert_eq!(slot.ends_at, "2026-12-08T11:00:00Z".parse().unwrap());
        // The whole window, to the minute.
        assert!(
            rules
                .check(req(date(2026, 12, 10), (10, 0), (13, 0)), now, &tz())
                .is_ok()
        );
    }

    #[test]
    fn a_notice_four_days_ahead_is_refused_naming_the_lead_time() {
        let rules = DowntimeRules::default();
        // Friday 4 December 2026; Tuesday 8 December is four days ahead.
        let now = at(2026, 12, 4, 14, 0);
        let err = rules
            .check(req(date(2026, 12, 8), (10, 0), (12, 0)), now, &tz())
            .unwrap_err();
        match err {
            DomainError::Invalid { field, reason } => {
                assert_eq!(field, "day");
                assert_eq!(reason.id(), "operations-downtime-too-soon");
                let args = reason.args();
                assert!(args.contains(&("days", Arg::Number(7))), "{args:?}");
                assert!(
                    args.contains(&("earliest", Arg::Text("2026-12-11".into()))),
                    "{args:?}"
                );
            }
            other => panic!("{other:?}"),
        }
        // Six days ahead is still too soon; seven is in time.
        let now = at(2026, 12, 2, 23, 59);
        assert_eq!(
            reason(rules.check(req(date(2026, 12, 8), (10, 0), (11, 0)), now, &tz())),
            "operations-downtime-too-soon"
        );
        let now = at(2026, 12, 1, 23, 59);
        assert!(
            rules
                .check(req(date(2026, 12, 8), (10, 0), (11, 0)), now, &tz())
                .is_ok()
        );
    }

    #[test]
    fn the_lead_time_counts_local_days_across_a_change_of_the_clocks() {
        let rules = DowntimeRules::default();
        // Clocks go forward on Sunday 29 March 2026. Published Tuesday 24 March at 16:00 for
        // Tuesday 31 March at 10:00: fewer than 7 × 24 hours, but seven days in the calendar.
        let now = at(2026, 3, 24, 16, 0);
        let slot = rules
            .check(req(date(2026, 3, 31), (10, 0), (11, 0)), now, &tz())
            .unwrap();
        assert!(slot.starts_at.duration_since(now) < jiff::SignedDuration::from_hours(7 * 24));
        // Summer time: 10:00 local is 08:00 UTC.
        assert_eq!(slot.starts_at, "2026-03-31T08:00:00Z".parse().unwrap());
        // And back in autumn (25 October): 10:00 local on Tuesday 27 October is 09:00 UTC.
        let now = at(2026, 10, 20, 8, 0);
        let slot = rules
            .check(req(date(2026, 10, 27), (10, 0), (11, 0)), now, &tz())
            .unwrap();
        assert_eq!(slot.starts_at, "2026-10-27T09:00:00Z".parse().unwrap());
    }

    #[test]
    fn outside_the_window_is_refused() {
        let rules = DowntimeRules::default();
        let now = at(2026, 11, 2, 9, 0);
        // Monday, Friday, Saturday: not a window day.
        for d in [date(2026, 11, 16), date(2026, 11, 20), date(2026, 11, 21)] {
            assert_eq!(
                reason(rules.check(req(d, (10, 0), (11, 0)), now, &tz())),
                "operations-downtime-outside-window",
                "{d}"
            );
        }
        // Starting before 10.
        assert_eq!(
            reason(rules.check(req(date(2026, 11, 17), (9, 30), (11, 0)), now, &tz())),
            "operations-downtime-outside-window"
        );
        // Ending past 13.
        assert_eq!(
            reason(rules.check(req(date(2026, 11, 17), (12, 0), (13, 1)), now, &tz())),
            "operations-downtime-ends-past-window"
        );
        // Ending before it starts.
        assert_eq!(
            reason(rules.check(req(date(2026, 11, 17), (12, 0), (11, 0)), now, &tz())),
            "operations-downtime-ends-before-start"
        );
        // Kristi himmelsfärdsdag 2027 is Thursday 6 May: a holiday in the window.
        let now = at(2027, 4, 1, 9, 0);
        assert_eq!(
            reason(rules.check(req(date(2027, 5, 6), (10, 0), (11, 0)), now, &tz())),
            "operations-downtime-on-holiday"
        );
        // Julafton 2026 is a Thursday: a day off in practice.
        let now = at(2026, 12, 1, 9, 0);
        assert_eq!(
            reason(rules.check(req(date(2026, 12, 24), (10, 0), (11, 0)), now, &tz())),
            "operations-downtime-on-holiday"
        );
    }

    #[test]
    fn the_window_is_a_setting() {
        // Monday to Friday 08–16, two weeks ahead.
        let rules = DowntimeRules {
            lead_days: 14,
            first_day: Weekday::Monday,
            last_day: Weekday::Friday,
            from: time(8, 0, 0, 0),
            to: time(16, 0, 0, 0),
        };
        let now = at(2026, 11, 2, 9, 0);
        assert!(
            rules
                .check(req(date(2026, 11, 16), (8, 0), (16, 0)), now, &tz())
                .is_ok()
        );
        assert_eq!(
            reason(rules.check(req(date(2026, 11, 13), (8, 0), (9, 0)), now, &tz())),
            "operations-downtime-too-soon"
        );
        // A window over the weekend (Friday to Monday).
        let weekend = DowntimeRules {
            first_day: Weekday::Friday,
            last_day: Weekday::Monday,
            ..DowntimeRules::default()
        };
        assert!(weekend.is_window_day(Weekday::Saturday));
        assert!(!weekend.is_window_day(Weekday::Wednesday));
    }

    #[test]
    fn phases() {
        let s = at(2026, 12, 8, 10, 0);
        let e = at(2026, 12, 8, 12, 0);
        assert_eq!(phase(s, e, at(2026, 12, 8, 9, 59)), NoticePhase::Upcoming);
        assert_eq!(phase(s, e, s), NoticePhase::Ongoing);
        assert_eq!(phase(s, e, e), NoticePhase::Past);
    }
}

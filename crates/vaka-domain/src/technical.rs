//! Technical supervision of alarm devices: a device that stays silent past its supervision
//! interval raises a technical alarm (within a minute of the deadline, not a day later), and on
//! weekends and public holidays the provider's technical contact checks the open technical
//! alarms at fixed times and signs each check; a check not signed in time alerts the
//! municipality. Pure: the caller supplies the clock, the calendar's time zone and what was
//! signed.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::holidays::is_weekend_or_holiday;

/// How a device is supervised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeartbeatRule {
    /// The device's supervision interval (any message, heartbeat or alarm, restarts it).
    pub interval: SignedDuration,
    /// Allowance for a late message before the technical alarm (network jitter).
    pub grace: SignedDuration,
}

impl HeartbeatRule {
    pub fn new(interval: SignedDuration) -> Self {
        Self {
            interval,
            grace: SignedDuration::from_secs(30),
        }
    }

    /// When a device last heard at `last` is overdue.
    pub fn deadline(&self, last: Timestamp) -> Timestamp {
        last + self.interval + self.grace
    }

    /// Whether the device is overdue at `now`.
    pub fn missed(&self, last: Timestamp, now: Timestamp) -> bool {
        now >= self.deadline(last)
    }
}

/// The weekend and holiday routine of technical checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSchedule {
    /// Local times of the checks (default 08:00 and 16:00: twice a day).
    pub times: Vec<Time>,
    /// Whether påskafton, midsommarafton, julafton and nyårsafton follow the routine.
    pub count_eves: bool,
    /// How long after its time a check may still be signed before it counts as missed.
    pub sign_within: SignedDuration,
}

impl Default for CheckSchedule {
    fn default() -> Self {
        Self {
            times: vec![Time::constant(8, 0, 0, 0), Time::constant(16, 0, 0, 0)],
            count_eves: true,
            sign_within: SignedDuration::from_hours(2),
        }
    }
}

impl CheckSchedule {
    /// The checks due on a day (none on an ordinary weekday), as instants. A time that does not
    /// exist that day (the spring gap) is taken as the moment after the gap.
    pub fn checks_on(&self, day: Date, tz: &TimeZone) -> Vec<Timestamp> {
        if !is_weekend_or_holiday(day, self.count_eves) {
            return Vec::new();
        }
        let mut v: Vec<Timestamp> = self
            .times
            .iter()
            .filter_map(|t| day.to_datetime(*t).to_zoned(tz.clone()).ok())
            .map(|z| z.timestamp())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Checks due on the days `from..=to` that were not signed in time, as of `now`: a check is
    /// signed by a signature from its time until `sign_within` after it.
    pub fn missed(
        &self,
        from: Date,
        to: Date,
        signed: &[Timestamp],
        now: Timestamp,
        tz: &TimeZone,
    ) -> Vec<Timestamp> {
        let mut out = Vec::new();
        let mut day = from;
        while day <= to {
            for due in self.checks_on(day, tz) {
                let until = due + self.sign_within;
                if now >= until && !signed.iter().any(|s| *s >= due && *s < until) {
                    out.push(due);
                }
            }
            match day.tomorrow() {
                Ok(d) => day = d,
                Err(_) => break,
            }
        }
        out
    }
}

impl CheckSchedule {
    /// The scheduled check whose signing window `[due, due + sign_within)` holds `now`, if any
    /// (looking at today and yesterday in local time, for a window that crosses midnight).
    pub fn slot_at(&self, now: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        let today = now.to_zoned(tz.clone()).date();
        let days = [today.yesterday().ok(), Some(today)];
        days.into_iter()
            .flatten()
            .flat_map(|d| self.checks_on(d, tz))
            .filter(|due| *due <= now && now < *due + self.sign_within)
            .max()
    }

    /// The next scheduled check after `now`, looking up to `days` days ahead.
    pub fn next_after(&self, now: Timestamp, tz: &TimeZone, days: i32) -> Option<Timestamp> {
        let mut day = now.to_zoned(tz.clone()).date();
        for _ in 0..=days {
            if let Some(due) = self.checks_on(day, tz).into_iter().find(|d| *d > now) {
                return Some(due);
            }
            day = day.tomorrow().ok()?;
        }
        None
    }
}

/// A technical check of a provider: signed (the technical contact looked at the open technical
/// alarms), or missed (nobody signed the scheduled check in time; the municipality is alerted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TechnicalCheck {
    pub id: crate::ids::TechnicalCheckId,
    pub organisation_id: crate::ids::OrganisationId,
    /// The scheduled time it answers, or the time of signing for a check outside the schedule.
    pub due_at: Timestamp,
    pub signed_at: Option<Timestamp>,
    pub signed_by: Option<crate::ids::UserId>,
    /// How many technical alarms were open when it was signed.
    pub open_alarms: Option<i64>,
    pub note: Option<String>,
    pub missed_at: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn tz() -> TimeZone {
        TimeZone::get("Europe/Stockholm").unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_open_slot_and_the_next_check() {
        let s = CheckSchedule::default();
        // Saturday 5 December 2026, 08:00 local = 07:00Z; window two hours.
        assert_eq!(s.slot_at(ts("2026-12-05T06:59:59Z"), &tz()), None);
        assert_eq!(
            s.slot_at(ts("2026-12-05T07:00:00Z"), &tz()),
            Some(ts("2026-12-05T07:00:00Z"))
        );
        assert_eq!(
            s.slot_at(ts("2026-12-05T08:59:59Z"), &tz()),
            Some(ts("2026-12-05T07:00:00Z"))
        );
        assert_eq!(s.slot_at(ts("2026-12-05T09:00:00Z"), &tz()), None);
        // A weekday has no slot; the next check is Saturday's first.
        assert_eq!(s.slot_at(ts("2026-12-01T07:30:00Z"), &tz()), None);
        assert_eq!(
            s.next_after(ts("2026-12-01T07:30:00Z"), &tz(), 14),
            Some(ts("2026-12-05T07:00:00Z"))
        );
        assert_eq!(
            s.next_after(ts("2026-12-05T07:00:00Z"), &tz(), 14),
            Some(ts("2026-12-05T15:00:00Z"))
        );
        // A window that crosses midnight is found from the next day.
        let late = CheckSchedule {
            times: vec![Time::constant(23, 30, 0, 0)],
            ..CheckSchedule::default()
        };
        assert_eq!(
            late.slot_at(ts("2026-12-05T23:10:00Z"), &tz()),
            Some(ts("2026-12-05T22:30:00Z"))
        );
    }

    #[test]
    fn a_silent_device_is_overdue_after_its_interval_and_grace() {
        let rule = HeartbeatRule::new(SignedDuration::from_mins(5));
        let last = ts("2026-12-01T10:00:00Z");
        assert_eq!(rule.deadline(last), ts("2026-12-01T10:05:30Z"));
        assert!(!rule.missed(last, ts("2026-12-01T10:05:29Z")));
        assert!(rule.missed(last, ts("2026-12-01T10:05:30Z")));
    }

    #[test]
    fn checks_fall_on_weekends_and_holidays_in_local_time() {
        let s = CheckSchedule::default();
        // Tuesday 1 December 2026: none.
        assert!(s.checks_on(date(2026, 12, 1), &tz()).is_empty());
        // Saturday 5 December (winter time, UTC+1).
        assert_eq!(
            s.checks_on(date(2026, 12, 5), &tz()),
            [ts("2026-12-05T07:00:00Z"), ts("2026-12-05T15:00:00Z")]
        );
        // Midsommardagen, 20 June 2026 (summer time, UTC+2).
        assert_eq!(
            s.checks_on(date(2026, 6, 20), &tz())[0],
            ts("2026-06-20T06:00:00Z")
        );
        // Julafton only when the eves count.
        assert_eq!(s.checks_on(date(2026, 12, 24), &tz()).len(), 2);
        let strict = CheckSchedule {
            count_eves: false,
            ..CheckSchedule::default()
        };
        assert!(strict.checks_on(date(2026, 12, 24), &tz()).is_empty());
    }

    #[test]
    fn a_check_not_signed_in_time_is_missed() {
        let s = CheckSchedule::default();
        let day = date(2026, 12, 5);
        let signed = [ts("2026-12-05T07:40:00Z")];
        // 17:30 local: the afternoon check may still be signed.
        assert!(
            s.missed(day, day, &signed, ts("2026-12-05T16:30:00Z"), &tz())
                .is_empty()
        );
        // 18:00 local: it is missed; the morning one was signed.
        assert_eq!(
            s.missed(day, day, &signed, ts("2026-12-05T17:00:00Z"), &tz()),
            [ts("2026-12-05T15:00:00Z")]
        );
        // A signature before the check's time does not sign it.
        let early = [ts("2026-12-05T06:59:00Z")];
        assert_eq!(
            s.missed(day, day, &early, ts("2026-12-05T10:00:00Z"), &tz()),
            [ts("2026-12-05T07:00:00Z")]
        );
        // The weekend of 5–6 December with nothing signed: four missed checks.
        assert_eq!(
            s.missed(
                day,
                date(2026, 12, 7),
                &[],
                ts("2026-12-08T00:00:00Z"),
                &tz()
            )
            .len(),
            4
        );
    }

    #[test]
    fn a_check_in_the_spring_gap_moves_past_it() {
        // 29 March 2026 is a Sunday and the clocks go forward at 02:00.
        let s = CheckSchedule {
            times: vec![Time::constant(2, 30, 0, 0)],
            ..CheckSchedule::default()
        };
        assert_eq!(
            s.checks_on(date(2026, 3, 29), &tz()),
            [ts("2026-03-29T01:30:00Z")]
        );
    }
}

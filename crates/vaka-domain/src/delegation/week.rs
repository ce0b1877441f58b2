//! The report of missed and late signings per unit and week (issue 16, "Reports"): an ISO
//! week ([`IsoWeek`], Monday–Sunday in Europe/Stockholm) and, from a unit's occasions of that
//! week and their signings, the counts of each day and of the week and the list of the
//! occasions missed or signed late ([`week_report`]).
//!
//! **Days are local dates.** An occasion belongs to the day of its key (the prescription's
//! local date), never to the day its instant falls on in UTC: a week with a DST change has 167
//! or 169 hours, and an occasion at 23:30 on its Sunday is still that Sunday's.
//!
//! **Pending is not missed.** An unsigned occasion whose window has not closed at `now` (the
//! current week, or a week ahead) is counted as pending; only a closed window makes it missed.

use jiff::civil::{Date, ISOWeekDate, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::list::{OccasionState, Tally, signing_list, tally};
use super::prescription::Occasion;
use super::signing::{Signing, SigningOutcome};

/// An ISO 8601 week: `2026-W49` is Monday 30 November to Sunday 6 December 2026.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IsoWeek {
    year: i16,
    week: i8,
}

impl IsoWeek {
    /// The week `day` is in (its ISO year may differ from the date's: 2027-01-01 is in
    /// 2026-W53).
    pub fn containing(day: Date) -> IsoWeek {
        let w = day.iso_week_date();
        IsoWeek {
            year: w.year(),
            week: w.week(),
        }
    }

    /// The week of `year` numbered `week`, if that year has it (52 or 53 weeks).
    pub fn new(year: i16, week: i8) -> Option<IsoWeek> {
        ISOWeekDate::new(year, week, Weekday::Monday)
            .ok()
            .map(|_| IsoWeek { year, week })
    }

    pub fn year(self) -> i16 {
        self.year
    }

    pub fn week(self) -> i8 {
        self.week
    }

    /// Its Monday.
    pub fn monday(self) -> Date {
        // Checked when the week was made.
        ISOWeekDate::new(self.year, self.week, Weekday::Monday).map_or(Date::MIN, ISOWeekDate::date)
    }

    /// Its Sunday.
    pub fn sunday(self) -> Date {
        self.days()[6]
    }

    /// Its seven local dates, Monday first.
    pub fn days(self) -> [Date; 7] {
        let monday = self.monday();
        let mut out = [monday; 7];
        for (i, d) in out.iter_mut().enumerate().skip(1) {
            *d = monday
                .checked_add(jiff::Span::new().days(i64::try_from(i).unwrap_or(0)))
                .unwrap_or(monday);
        }
        out
    }

    /// The week before, if there is one.
    pub fn previous(self) -> Option<IsoWeek> {
        self.monday().yesterday().ok().map(IsoWeek::containing)
    }

    /// The week after, if there is one.
    pub fn next(self) -> Option<IsoWeek> {
        self.sunday().tomorrow().ok().map(IsoWeek::containing)
    }

    /// Its length in real hours in `tz`: 168, or 167 / 169 across a DST change.
    pub fn hours(self, tz: &TimeZone) -> i64 {
        let start = super::start_of(self.monday(), tz);
        let end = self
            .sunday()
            .tomorrow()
            .map_or(start, |d| super::start_of(d, tz));
        start.duration_until(end).as_hours()
    }
}

/// `2026-W49`.
impl std::fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

/// Reads `YYYY-Www` (`2026-W49`; a lower-case `w` too), and nothing else: a week a year does
/// not have (`2026-W54`, `2025-W53`) is refused.
impl std::str::FromStr for IsoWeek {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        let s = s.trim();
        let (year, week) = s
            .split_once(['W', 'w'])
            .and_then(|(y, w)| Some((y.strip_suffix('-')?, w)))
            .ok_or(())?;
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(week, 2) {
            return Err(());
        }
        IsoWeek::new(year.parse().map_err(|_| ())?, week.parse().map_err(|_| ())?).ok_or(())
    }
}

/// The counts of one day (or of the week).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayCounts {
    /// Occasions due, signed in window, signed late, missed, pending, deviating outcomes.
    pub tally: Tally,
    /// Signed "not given" (also counted among the deviations).
    pub not_given: usize,
}

impl DayCounts {
    fn add(&mut self, o: DayCounts) {
        let (a, b) = (&mut self.tally, o.tally);
        a.occasions += b.occasions;
        a.in_time += b.in_time;
        a.late += b.late;
        a.missed += b.missed;
        a.pending += b.pending;
        a.deviations += b.deviations;
        a.flagged += b.flagged;
        self.not_given += o.not_given;
    }
}

/// Why an occasion is on the report's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exception {
    /// Its window closed and it was never signed.
    Missed,
    /// Signed after its window: by whom, and how long after the time it was due.
    Late {
        signing: Box<Signing>,
        after_due: SignedDuration,
    },
}

impl Exception {
    pub fn code(&self) -> &'static str {
        match self {
            Exception::Missed => "missed",
            Exception::Late { .. } => "late",
        }
    }
}

/// An occasion missed or signed late.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionRow {
    pub occasion: Occasion,
    pub exception: Exception,
}

/// A unit's week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekReport {
    pub week: IsoWeek,
    /// Monday to Sunday, each with its date.
    pub days: Vec<(Date, DayCounts)>,
    pub total: DayCounts,
    /// The occasions missed or signed late, by the instant they were due.
    pub exceptions: Vec<ExceptionRow>,
}

/// The report of `week` at `now` from `occasions` (a unit's, of any days: those outside the
/// week are left out) and their `signings` (any; as-needed ones are not occasions and are
/// left out).
pub fn week_report(
    week: IsoWeek,
    occasions: &[Occasion],
    signings: &[Signing],
    now: Timestamp,
) -> WeekReport {
    let days = week.days();
    let mut of_week: Vec<Occasion> = occasions
        .iter()
        .filter(|o| days.contains(&o.key.date))
        .cloned()
        .collect();
    of_week.sort_by_key(|o| (o.due, o.key));
    let rows = signing_list(&of_week, signings, now);
    let mut counts: Vec<(Date, DayCounts)> =
        days.iter().map(|d| (*d, DayCounts::default())).collect();
    let mut exceptions = Vec::new();
    for (day, c) in &mut counts {
        let of_day: Vec<_> = rows
            .iter()
            .filter(|r| r.occasion.key.date == *day)
            .cloned()
            .collect();
        c.tally = tally(&of_day);
        c.not_given = of_day
            .iter()
            .filter(|r| {
                matches!(r.state, OccasionState::Signed(s) if s.outcome == SigningOutcome::NotGiven)
            })
            .count();
    }
    for r in &rows {
        let exception = match r.state {
            OccasionState::Missed => Exception::Missed,
            OccasionState::Signed(s) if s.late => Exception::Late {
                signing: Box::new(s.clone()),
                after_due: r.occasion.due.duration_until(s.signed_at),
            },
            _ => continue,
        };
        exceptions.push(ExceptionRow {
            occasion: r.occasion.clone(),
            exception,
        });
    }
    let mut total = DayCounts::default();
    for (_, c) in &counts {
        total.add(*c);
    }
    WeekReport {
        week,
        days: counts,
        total,
        exceptions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delegation::TaskTypeCode;
    use crate::delegation::prescription::{
        Prescription, PrescriptionTerms, SigningWindow, occasions_on,
    };
    use crate::delegation::signing::{SignedTarget, SigningDraft};
    use crate::delegation::test_support::{ts, tz};
    use crate::ids::{ClientId, DelegationId, PrescriptionId, SigningId, UserId};
    use jiff::civil::{Time, date, time};

    #[test]
    fn weeks_read_print_and_step() {
        let w: IsoWeek = "2026-W49".parse().unwrap();
        assert_eq!(w.to_string(), "2026-W49");
        assert_eq!(w.monday(), date(2026, 11, 30));
        assert_eq!(w.sunday(), date(2026, 12, 6));
        assert_eq!("2026-w49".parse::<IsoWeek>(), Ok(w));
        assert_eq!(IsoWeek::containing(date(2026, 12, 4)), w);
        assert_eq!(w.previous().unwrap().to_string(), "2026-W48");
        assert_eq!(w.next().unwrap().to_string(), "2026-W50");
        // 2026 has 53 weeks; its last runs into 2027, and the next is 2027's first.
        let last: IsoWeek = "2026-W53".parse().unwrap();
        assert_eq!(IsoWeek::containing(date(2027, 1, 1)), last);
        assert_eq!(last.next().unwrap().to_string(), "2027-W01");
        assert_eq!(
            "2027-W01".parse::<IsoWeek>().unwrap().previous(),
            Some(last)
        );
        for bad in [
            "",
            "2026",
            "2026-49",
            "2026-W4",
            "2026-W049",
            "2026-W00",
            "2026-W54",
            "2025-W53",
            "26-W49",
            "2026-W4x",
            "2026–W49",
            "x2026-W49",
            "2026-W49-1",
            "+026-W49",
        ] {
            assert!(bad.parse::<IsoWeek>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_dst_week_has_167_or_169_hours_and_seven_local_days() {
        let tz = tz();
        assert_eq!("2026-W49".parse::<IsoWeek>().unwrap().hours(&tz), 168);
        // Summer time begins on Sunday 29 March 2026 and ends on Sunday 25 October 2026.
        assert_eq!("2026-W13".parse::<IsoWeek>().unwrap().hours(&tz), 167);
        assert_eq!("2026-W43".parse::<IsoWeek>().unwrap().hours(&tz), 169);
    }

    fn prescription(times: &[Time], start: Date) -> Prescription {
        Prescription {
            id: PrescriptionId::new(),
            client_id: ClientId::new(),
            prescribed_by: UserId::new(),
            terms: PrescriptionTerms {
                task_type: TaskTypeCode::parse("medication").unwrap(),
                instruction: "Alvedon 1 g".into(),
                times: times.to_vec(),
                as_needed: false,
                start,
                end: None,
                window: SigningWindow::default(),
            },
            created_at: Timestamp::UNIX_EPOCH,
            ended_on: None,
        }
    }

    fn occasions_of_week(ps: &[Prescription], week: IsoWeek) -> Vec<Occasion> {
        week.days()
            .iter()
            .flat_map(|d| occasions_on(ps, *d, &tz()))
            .collect()
    }

    fn signed(o: &Occasion, outcome: SigningOutcome, at: Timestamp) -> Signing {
        let late = at > o.closes;
        Signing {
            id: SigningId::new(),
            target: SignedTarget::Occasion(o.key),
            client_id: o.client_id,
            signer: UserId::new(),
            delegation_id: DelegationId::new(),
            draft: SigningDraft {
                outcome,
                not_given_reason: None,
                note: None,
            },
            outcome: if late && outcome == SigningOutcome::Given {
                SigningOutcome::GivenLate
            } else {
                outcome
            },
            late,
            flagged: false,
            signed_at: at,
            received_at: at,
            effect_note: None,
            effect_noted_at: None,
        }
    }

    fn find(os: &[Occasion], day: Date, t: Time) -> &Occasion {
        os.iter()
            .find(|o| o.key.date == day && o.key.time == t)
            .unwrap()
    }

    /// A week across the end of summer time (2026-W43, Sunday 25 October): each occasion on
    /// its local day, the one in the repeated hour once; in time, late, missed, not given and
    /// pending counted per day and for the week; the list holds the missed and the late.
    #[test]
    fn a_week_across_the_dst_change() {
        let week: IsoWeek = "2026-W43".parse().unwrap();
        let ps = vec![prescription(
            &[time(2, 30, 0, 0), time(23, 30, 0, 0)],
            date(2026, 10, 1),
        )];
        let os = occasions_of_week(&ps, week);
        assert_eq!(os.len(), 14, "two a day, the repeated hour once");
        let sunday = date(2026, 10, 25);
        // Sunday's 23:30 is 22:30 UTC, Sunday's still; its 02:30 is the first one (summer).
        assert_eq!(
            find(&os, sunday, time(23, 30, 0, 0)).due,
            ts("2026-10-25T22:30:00Z")
        );
        assert_eq!(
            find(&os, sunday, time(2, 30, 0, 0)).due,
            ts("2026-10-25T00:30:00Z")
        );

        let monday = date(2026, 10, 19);
        let tuesday = date(2026, 10, 20);
        let night = time(2, 30, 0, 0);
        let evening = time(23, 30, 0, 0);
        let mut signings = Vec::new();
        // Every occasion up to Saturday's evening signed in time, except: Monday evening
        // missed, Tuesday night late (50 min after its window, 110 after its time), Tuesday
        // evening not given.
        for o in &os {
            if o.key.date >= date(2026, 10, 24) && o.key.time == evening {
                continue;
            }
            if o.key.date == sunday {
                continue;
            }
            if o.key.date == monday && o.key.time == evening {
                continue;
            }
            let (outcome, at) = if o.key.date == tuesday && o.key.time == night {
                (
                    SigningOutcome::Given,
                    o.due + SignedDuration::from_mins(110),
                )
            } else if o.key.date == tuesday && o.key.time == evening {
                (SigningOutcome::NotGiven, o.due)
            } else {
                (SigningOutcome::Given, o.due)
            };
            signings.push(signed(o, outcome, at));
        }
        // Now: Sunday 23:00 local (22:00 UTC, after the change). Saturday's evening was
        // missed; Sunday's night occasion too; Sunday's evening is open (pending).
        let now = ts("2026-10-25T22:00:00Z");
        let r = week_report(week, &os, &signings, now);
        assert_eq!(r.days.len(), 7);
        assert_eq!(r.days[0].0, monday);
        assert_eq!(r.days[6].0, sunday);
        let day = |i: usize| r.days[i].1;
        assert_eq!(day(0).tally.occasions, 2);
        assert_eq!((day(0).tally.in_time, day(0).tally.missed), (1, 1));
        assert_eq!(
            (day(1).tally.in_time, day(1).tally.late, day(1).not_given),
            (1, 1, 1)
        );
        assert_eq!(day(1).tally.deviations, 1);
        assert_eq!((day(5).tally.in_time, day(5).tally.missed), (1, 1));
        assert_eq!(
            (
                day(6).tally.occasions,
                day(6).tally.missed,
                day(6).tally.pending
            ),
            (2, 1, 1)
        );
        assert_eq!(r.total.tally.occasions, 14);
        assert_eq!(r.total.tally.in_time, 9);
        assert_eq!(r.total.tally.late, 1);
        assert_eq!(r.total.tally.missed, 3);
        assert_eq!(r.total.tally.pending, 1);
        assert_eq!(r.total.not_given, 1);
        let list: Vec<(Date, Time, &str)> = r
            .exceptions
            .iter()
            .map(|e| (e.occasion.key.date, e.occasion.key.time, e.exception.code()))
            .collect();
        assert_eq!(
            list,
            vec![
                (monday, evening, "missed"),
                (tuesday, night, "late"),
                (date(2026, 10, 24), evening, "missed"),
                (sunday, night, "missed"),
            ]
        );
        let Exception::Late { after_due, signing } = &r.exceptions[1].exception else {
            panic!()
        };
        assert_eq!(after_due.as_mins(), 110);
        assert_eq!(signing.outcome, SigningOutcome::GivenLate);
    }

    /// Occasions of other weeks and as-needed signings are left out; a week ahead is all
    /// pending; the spring week with its missing hour still has its night occasion.
    #[test]
    fn only_the_weeks_occasions_and_the_future_is_pending() {
        let week: IsoWeek = "2026-W13".parse().unwrap();
        let ps = vec![prescription(&[time(2, 30, 0, 0)], date(2026, 3, 1))];
        let mut os = occasions_of_week(&ps, week);
        assert_eq!(
            os.len(),
            7,
            "02:30 on the Sunday of the gap is due at 03:30"
        );
        os.extend(occasions_on(&ps, date(2026, 3, 30), &tz()));
        let r = week_report(week, &os, &[], ts("2026-03-01T00:00:00Z"));
        assert_eq!(r.total.tally.occasions, 7);
        assert_eq!(r.total.tally.pending, 7);
        assert_eq!(r.total.tally.missed, 0);
        assert!(r.exceptions.is_empty());
        let r = week_report(week, &os, &[], ts("2026-04-10T00:00:00Z"));
        assert_eq!(r.total.tally.missed, 7);
        assert_eq!(r.exceptions.len(), 7);
    }
}

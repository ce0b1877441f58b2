//! Prescribed tasks and the occasions of a day (the signing list).
//!
//! A licensed person prescribes a task for a client: a task type, an instruction, times of
//! day (Europe/Stockholm wall-clock times) *or* as-needed, a first and an optional last day,
//! and a signing window before and after each time (60 minutes each by default, set per
//! task). Each day's [`Occasion`]s follow from it by [`occasions_on`].
//!
//! **Identity.** An occasion is named by [`OccasionKey`] — (prescription, local date,
//! prescribed time of day) — never by its instant, so that it stays the same across DST, a
//! regenerated list and an offline phone.
//!
//! **Daylight saving time**, deliberately (the rule of visit plans, `homecare::plan`):
//! - a time in the hour that does not exist (02:00–02:59 on the last Sunday of March) is due
//!   when the wall clock has moved past the gap: 02:30 is due at 03:30 summer time. The
//!   occasion is not dropped: a dose prescribed for the night is still given;
//! - a time in the hour that happens twice (02:00–02:59 on the last Sunday of October) is due
//!   at its *first* occurrence, in summer time, and only once: a dose is not given twice.
//!
//! The window is counted in real minutes around the instant it is due.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::licence::{Licence, TaskType, TaskTypeCode, check_licensed};
use crate::homecare::plan::instant_on;
use crate::ids::{ClientId, PrescriptionId, UserId};
use crate::reason::DelegationReason;
use crate::rounds::DstAdjustment;
use crate::{DomainError, DomainResult};

/// The window before and after a time, by default.
pub const DEFAULT_WINDOW_MINUTES: u32 = 60;
/// The widest window edge.
pub const MAX_WINDOW_MINUTES: u32 = 720;
/// The most times a day one prescription may have.
pub const MAX_TIMES: usize = 24;
/// The most characters of an instruction.
pub const INSTRUCTION_MAX: usize = 2000;

/// How long before and after its time an occasion may be signed without being late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningWindow {
    pub before_minutes: u32,
    pub after_minutes: u32,
}

impl Default for SigningWindow {
    fn default() -> Self {
        Self {
            before_minutes: DEFAULT_WINDOW_MINUTES,
            after_minutes: DEFAULT_WINDOW_MINUTES,
        }
    }
}

/// What the licensed person writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrescriptionTerms {
    pub task_type: TaskTypeCode,
    pub instruction: String,
    /// Local times of day; empty for an as-needed task.
    pub times: Vec<Time>,
    /// As needed (PRN): no times, always open for signing while the prescription runs.
    pub as_needed: bool,
    pub start: Date,
    /// The last day, if it has one.
    pub end: Option<Date>,
    pub window: SigningWindow,
}

/// The prescribed time of day as shown and stored: `08:00`.
pub fn hhmm(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

impl PrescriptionTerms {
    /// The rules of a new prescription by a person holding `licence`, for `task` (the list's
    /// entry of `task_type`), beside `existing` (the client's other prescriptions). Returns the
    /// terms with the instruction trimmed and the times in whole minutes, in order.
    pub fn check(
        &self,
        licence: Option<&Licence>,
        task: &TaskType,
        existing: &[Prescription],
    ) -> DomainResult<PrescriptionTerms> {
        check_licensed(licence, task, |task| {
            DelegationReason::ProfessionMayNotPrescribe { task }
        })?;
        if task.code != self.task_type {
            return Err(DomainError::invalid(
                "task_type",
                DelegationReason::UnknownTaskType {
                    code: self.task_type.to_string(),
                },
            ));
        }
        let instruction = self.instruction.trim();
        if instruction.is_empty() {
            return Err(DomainError::invalid(
                "instruction",
                DelegationReason::InstructionRequired,
            ));
        }
        if instruction.chars().count() > INSTRUCTION_MAX {
            return Err(DomainError::invalid(
                "instruction",
                DelegationReason::TooLong {
                    max: INSTRUCTION_MAX,
                },
            ));
        }
        match (self.times.is_empty(), self.as_needed) {
            (true, false) => {
                return Err(DomainError::invalid(
                    "times",
                    DelegationReason::TimesOrAsNeeded,
                ));
            }
            (false, true) => {
                return Err(DomainError::invalid(
                    "times",
                    DelegationReason::TimesAndAsNeeded,
                ));
            }
            _ => {}
        }
        if self.times.len() > MAX_TIMES {
            return Err(DomainError::invalid(
                "times",
                DelegationReason::TooManyTimes { max: MAX_TIMES },
            ));
        }
        let mut times: Vec<Time> = self
            .times
            .iter()
            .map(|t| Time::constant(t.hour(), t.minute(), 0, 0))
            .collect();
        times.sort();
        if let Some(w) = times.windows(2).find(|w| w[0] == w[1]) {
            return Err(DomainError::invalid(
                "times",
                DelegationReason::TimeTwice { time: hhmm(w[0]) },
            ));
        }
        if let Some(end) = self.end
            && end < self.start
        {
            return Err(DomainError::invalid(
                "end",
                DelegationReason::PrescriptionEndsBeforeStart,
            ));
        }
        if self.window.before_minutes > MAX_WINDOW_MINUTES
            || self.window.after_minutes > MAX_WINDOW_MINUTES
        {
            return Err(DomainError::invalid(
                "window",
                DelegationReason::WindowOutOfRange {
                    max: MAX_WINDOW_MINUTES,
                },
            ));
        }
        let terms = PrescriptionTerms {
            instruction: instruction.to_owned(),
            times,
            ..self.clone()
        };
        if let Some(dup) = existing.iter().find_map(|p| terms.duplicate_of(p)) {
            return Err(DomainError::conflict(
                DelegationReason::DuplicatePrescription { time: dup },
            ));
        }
        Ok(terms)
    }

    /// Whether these terms repeat `other`: the same task type and instruction (ignoring case
    /// and spacing), overlapping days, and a shared time (or both as-needed). Returns the
    /// time shared (`as-needed` for both as-needed). Two medications at 08:00 are two lines;
    /// the same line twice would make every occasion double.
    fn duplicate_of(&self, other: &Prescription) -> Option<String> {
        let same_line = other.terms.task_type == self.task_type
            && normalise(&other.terms.instruction) == normalise(&self.instruction);
        let other_last = other.last_day();
        let overlaps = self.end.is_none_or(|end| other.terms.start <= end)
            && other_last.is_none_or(|last| self.start <= last);
        if !(same_line && overlaps) {
            return None;
        }
        if self.as_needed && other.terms.as_needed {
            return Some("as-needed".to_owned());
        }
        self.times
            .iter()
            .find(|t| other.terms.times.contains(t))
            .map(|t| hhmm(*t))
    }
}

fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A prescribed task of a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prescription {
    pub id: PrescriptionId,
    pub client_id: ClientId,
    /// The licensed person who prescribed it (alerted first when an occasion is missed).
    pub prescribed_by: UserId,
    pub terms: PrescriptionTerms,
    pub created_at: Timestamp,
    /// Set when it was ended early (its last day).
    pub ended_on: Option<Date>,
}

impl Prescription {
    /// Its last day (ending early counts).
    pub fn last_day(&self) -> Option<Date> {
        match (self.terms.end, self.ended_on) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether it runs on `day`.
    pub fn active_on(&self, day: Date) -> bool {
        self.terms.start <= day && self.last_day().is_none_or(|last| day <= last)
    }
}

/// The stable identity of an occasion: the prescription, the local date and the prescribed
/// time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OccasionKey {
    pub prescription_id: PrescriptionId,
    pub date: Date,
    pub time: Time,
}

/// `{prescription}/{date}/{HH:MM}`, as the app sends it.
impl std::fmt::Display for OccasionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{}/{}",
            self.prescription_id,
            self.date,
            hhmm(self.time)
        )
    }
}

impl std::str::FromStr for OccasionKey {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        let mut parts = s.split('/');
        let (Some(p), Some(d), Some(t), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(());
        };
        let time: Time = t.parse().map_err(|_| ())?;
        if hhmm(time) != t {
            return Err(());
        }
        Ok(OccasionKey {
            prescription_id: p.parse().map_err(|_| ())?,
            date: d.parse().map_err(|_| ())?,
            time,
        })
    }
}

/// One occasion of a day's signing list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occasion {
    pub key: OccasionKey,
    pub client_id: ClientId,
    pub task_type: TaskTypeCode,
    pub prescribed_by: UserId,
    /// The instant it is due, and its window.
    pub due: Timestamp,
    pub opens: Timestamp,
    pub closes: Timestamp,
    /// How daylight saving time moved it, if it did.
    pub dst: Option<DstAdjustment>,
}

fn occasion(p: &Prescription, day: Date, time: Time, tz: &TimeZone) -> Occasion {
    let (due, dst) = instant_on(day, time, tz);
    let minutes = |m: u32| jiff::SignedDuration::from_mins(i64::from(m));
    Occasion {
        key: OccasionKey {
            prescription_id: p.id,
            date: day,
            time,
        },
        client_id: p.client_id,
        task_type: p.terms.task_type.clone(),
        prescribed_by: p.prescribed_by,
        due,
        opens: due
            .checked_sub(minutes(p.terms.window.before_minutes))
            .unwrap_or(due),
        closes: due
            .checked_add(minutes(p.terms.window.after_minutes))
            .unwrap_or(due),
        dst,
    }
}

/// One prescription's occasions on `day` (none for an as-needed task or a day it does not
/// run), in time order. An occasion whose window had closed before the prescription was
/// created is not one of it (a task prescribed at noon for 08:00 starts with the next 08:00),
/// so that it is never reported missed.
pub fn occasions_of(p: &Prescription, day: Date, tz: &TimeZone) -> Vec<Occasion> {
    if !p.active_on(day) {
        return Vec::new();
    }
    p.terms
        .times
        .iter()
        .map(|t| occasion(p, day, *t, tz))
        .filter(|o| o.closes > p.created_at)
        .collect()
}

/// The occasion a key names, if the prescription has it (the key a phone sends is checked
/// against the prescription as it stands).
pub fn occasion_for(p: &Prescription, key: &OccasionKey, tz: &TimeZone) -> Option<Occasion> {
    (key.prescription_id == p.id && p.active_on(key.date) && p.terms.times.contains(&key.time))
        .then(|| occasion(p, key.date, key.time, tz))
        .filter(|o| o.closes > p.created_at)
}

/// The occasions of `day` from `prescriptions` (a client's, or a unit's clients'), by the
/// instant they are due, then by key.
pub fn occasions_on(prescriptions: &[Prescription], day: Date, tz: &TimeZone) -> Vec<Occasion> {
    let mut out: Vec<Occasion> = prescriptions
        .iter()
        .flat_map(|p| occasions_of(p, day, tz))
        .collect();
    out.sort_by_key(|o| (o.due, o.key));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delegation::licence::{LicenceNumber, Profession, default_task_types};
    use crate::delegation::test_support::{id_of, tz};
    use jiff::ToSpan;
    use jiff::civil::{date, time};

    fn nurse() -> Licence {
        Licence {
            profession: Profession::Nurse,
            number: LicenceNumber::parse("1234567").unwrap(),
        }
    }

    fn task(code: &str) -> TaskType {
        default_task_types()
            .into_iter()
            .find(|t| t.code.as_str() == code)
            .unwrap()
    }

    fn terms(times: &[Time]) -> PrescriptionTerms {
        PrescriptionTerms {
            task_type: TaskTypeCode::parse("insulin").unwrap(),
            instruction: "Novorapid 4 E s.c.".into(),
            times: times.to_vec(),
            as_needed: false,
            start: date(2026, 1, 1),
            end: None,
            window: SigningWindow::default(),
        }
    }

    fn prescription(t: PrescriptionTerms) -> Prescription {
        Prescription {
            id: PrescriptionId::new(),
            client_id: ClientId::new(),
            prescribed_by: UserId::new(),
            terms: t,
            created_at: Timestamp::UNIX_EPOCH,
            ended_on: None,
        }
    }

    #[test]
    fn prescription_rules() {
        let n = nurse();
        let insulin = task("insulin");
        let ok = terms(&[time(20, 0, 0, 0), time(8, 0, 30, 0)]);
        let checked = ok.check(Some(&n), &insulin, &[]).unwrap();
        // Whole minutes, in order.
        assert_eq!(checked.times, vec![time(8, 0, 0, 0), time(20, 0, 0, 0)]);
        let bad = |t: PrescriptionTerms| id_of(t.check(Some(&n), &insulin, &[]));
        assert_eq!(bad(terms(&[])), "delegation-times-or-as-needed");
        assert!(
            PrescriptionTerms {
                as_needed: true,
                ..terms(&[])
            }
            .check(Some(&n), &insulin, &[])
            .is_ok()
        );
        assert_eq!(
            bad(PrescriptionTerms {
                as_needed: true,
                ..ok.clone()
            }),
            "delegation-times-and-as-needed"
        );
        assert_eq!(
            bad(terms(&[time(8, 0, 0, 0), time(8, 0, 59, 0)])),
            "delegation-time-twice"
        );
        assert_eq!(
            bad(PrescriptionTerms {
                end: Some(date(2025, 12, 31)),
                ..ok.clone()
            }),
            "delegation-prescription-ends-before-start"
        );
        assert_eq!(
            bad(PrescriptionTerms {
                instruction: " ".into(),
                ..ok.clone()
            }),
            "delegation-instruction-required"
        );
        assert_eq!(
            bad(PrescriptionTerms {
                window: SigningWindow {
                    before_minutes: 60,
                    after_minutes: MAX_WINDOW_MINUTES + 1
                },
                ..ok.clone()
            }),
            "delegation-window-out-of-range"
        );
        assert_eq!(
            id_of(ok.check(None, &insulin, &[])),
            "delegation-no-licence"
        );
        let physio = Licence {
            profession: Profession::Physiotherapist,
            ..n.clone()
        };
        assert_eq!(
            id_of(ok.check(Some(&physio), &insulin, &[])),
            "delegation-profession-may-not-prescribe"
        );
    }

    #[test]
    fn duplicates_are_the_same_line_twice() {
        let n = nurse();
        let insulin = task("insulin");
        let first = prescription(terms(&[time(8, 0, 0, 0)]));
        let again = PrescriptionTerms {
            instruction: "novorapid  4 E S.C.".into(),
            ..terms(&[time(8, 0, 0, 0), time(20, 0, 0, 0)])
        };
        let e = again
            .check(Some(&n), &insulin, std::slice::from_ref(&first))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "conflict: delegation-duplicate-prescription(time=08:00)"
        );
        // Another instruction at the same time is another line.
        let other = PrescriptionTerms {
            instruction: "Lantus 10 E s.c.".into(),
            ..terms(&[time(8, 0, 0, 0)])
        };
        assert!(
            other
                .check(Some(&n), &insulin, std::slice::from_ref(&first))
                .is_ok()
        );
        // The same line after the first one ended is no duplicate.
        let mut ended = first.clone();
        ended.ended_on = Some(date(2026, 5, 31));
        let later = PrescriptionTerms {
            start: date(2026, 6, 1),
            ..terms(&[time(8, 0, 0, 0)])
        };
        assert!(later.check(Some(&n), &insulin, &[ended]).is_ok());
        // Two as-needed of the same line are a duplicate.
        let prn = PrescriptionTerms {
            as_needed: true,
            ..terms(&[])
        };
        let existing = prescription(prn.clone());
        assert_eq!(
            id_of(prn.check(Some(&n), &insulin, &[existing])),
            "delegation-duplicate-prescription"
        );
    }

    #[test]
    fn an_ordinary_day() {
        let tz = tz();
        let p = prescription(terms(&[time(8, 0, 0, 0), time(20, 0, 0, 0)]));
        let day = date(2026, 12, 3);
        let os = occasions_on(std::slice::from_ref(&p), day, &tz);
        assert_eq!(os.len(), 2);
        assert_eq!(os[0].due.to_string(), "2026-12-03T07:00:00Z");
        assert_eq!(os[0].opens.to_string(), "2026-12-03T06:00:00Z");
        assert_eq!(os[0].closes.to_string(), "2026-12-03T08:00:00Z");
        assert_eq!(os[1].key.time, time(20, 0, 0, 0));
        assert_eq!(os[0].dst, None);
        // As-needed: no occasions. Outside its days: none.
        let prn = prescription(PrescriptionTerms {
            as_needed: true,
            ..terms(&[])
        });
        assert!(occasions_of(&prn, day, &tz).is_empty());
        let mut ended = p.clone();
        ended.ended_on = Some(date(2026, 12, 2));
        assert!(occasions_of(&ended, day, &tz).is_empty());
        assert!(occasions_of(&p, date(2025, 12, 31), &tz).is_empty());
        // The key names the occasion, and reads back from its text.
        let key = os[1].key;
        assert_eq!(occasion_for(&p, &key, &tz), Some(os[1].clone()));
        let text = key.to_string();
        assert!(text.ends_with("/2026-12-03/20:00"), "{text}");
        assert_eq!(text.parse::<OccasionKey>(), Ok(key));
        assert!("x/2026-12-03/20:00".parse::<OccasionKey>().is_err());
        let wrong_time = OccasionKey {
            time: time(9, 0, 0, 0),
            ..key
        };
        assert_eq!(occasion_for(&p, &wrong_time, &tz), None);
    }

    #[test]
    fn occasions_closed_before_the_prescription_are_not_its() {
        let tz = tz();
        let mut p = prescription(terms(&[time(8, 0, 0, 0), time(20, 0, 0, 0)]));
        // Prescribed at 09:30 local (08:30 UTC): 08:00's window closed at 09:00.
        p.created_at = "2026-12-03T08:30:00Z".parse().unwrap();
        let day = date(2026, 12, 3);
        let os = occasions_of(&p, day, &tz);
        assert_eq!(
            os.iter().map(|o| o.key.time).collect::<Vec<_>>(),
            vec![time(20, 0, 0, 0)]
        );
        let morning = OccasionKey {
            prescription_id: p.id,
            date: day,
            time: time(8, 0, 0, 0),
        };
        assert_eq!(occasion_for(&p, &morning, &tz), None);
        // Prescribed at 08:30 local, in the window: the 08:00 occasion is still there.
        p.created_at = "2026-12-03T07:30:00Z".parse().unwrap();
        assert_eq!(occasions_of(&p, day, &tz).len(), 2);
        assert_eq!(occasions_of(&p, date(2026, 12, 4), &tz).len(), 2);
    }

    #[test]
    fn spring_forward_gap() {
        // 2026-03-29: 02:00 CET becomes 03:00 CEST.
        let tz = tz();
        let p = prescription(terms(&[time(2, 30, 0, 0), time(8, 0, 0, 0)]));
        let os = occasions_of(&p, date(2026, 3, 29), &tz);
        assert_eq!(os.len(), 2, "none dropped");
        // 02:30 does not exist: due at 03:30 summer time, its key keeps 02:30.
        assert_eq!(os[0].key.time, time(2, 30, 0, 0));
        assert_eq!(os[0].due.to_string(), "2026-03-29T01:30:00Z");
        assert_eq!(os[0].dst, Some(DstAdjustment::MovedOutOfGap));
        // The window is real minutes around it: opens 01:00 CET (00:30 UTC).
        assert_eq!(os[0].opens.to_string(), "2026-03-29T00:30:00Z");
        // 08:00 is summer time already.
        assert_eq!(os[1].due.to_string(), "2026-03-29T06:00:00Z");
        assert_eq!(os[1].dst, None);
    }

    #[test]
    fn autumn_repeated_hour() {
        // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:00–02:59 happens twice.
        let tz = tz();
        let p = prescription(terms(&[time(2, 30, 0, 0), time(20, 0, 0, 0)]));
        let os = occasions_of(&p, date(2026, 10, 25), &tz);
        assert_eq!(os.len(), 2, "02:30 once, not twice");
        // Its first occurrence, summer time (UTC+2).
        assert_eq!(os[0].due.to_string(), "2026-10-25T00:30:00Z");
        assert_eq!(os[0].dst, Some(DstAdjustment::FirstOfTwo));
        // The window closes 60 real minutes later: 02:30 again on the wall clock, winter time.
        assert_eq!(os[0].closes.to_string(), "2026-10-25T01:30:00Z");
        assert_eq!(os[1].due.to_string(), "2026-10-25T19:00:00Z");
    }

    proptest::proptest! {
        #[test]
        fn occasion_keys_read_back(
            year in 2000i16..2100, month in 1i8..=12, day in 1i8..=28,
            hour in 0i8..24, minute in 0i8..60, raw in "\\PC{0,60}",
        ) {
            let key = OccasionKey {
                prescription_id: PrescriptionId::new(),
                date: date(year, month, day),
                time: time(hour, minute, 0, 0),
            };
            proptest::prop_assert_eq!(key.to_string().parse::<OccasionKey>(), Ok(key));
            let _ = raw.parse::<OccasionKey>();
        }

        /// Every day, DST or not: one occasion per time, due at its wall-clock time; only a
        /// time in the spring gap moves (an hour later), only one in the autumn fold is
        /// ambiguous (its summer-time occurrence is taken).
        #[test]
        fn one_occasion_per_time_every_day(
            offset in 0i32..(365 * 4),
            minutes in proptest::collection::btree_set(0i32..(24 * 60), 1..8),
        ) {
            let tz = tz();
            let day = date(2026, 1, 1).checked_add(offset.days()).unwrap();
            let times: Vec<Time> = minutes
                .iter()
                .map(|m| time(i8::try_from(m / 60).unwrap(), i8::try_from(m % 60).unwrap(), 0, 0))
                .collect();
            let p = prescription(PrescriptionTerms {
                start: date(2026, 1, 1),
                ..terms(&times)
            });
            let os = occasions_of(&p, day, &tz);
            proptest::prop_assert_eq!(os.len(), times.len());
            for (o, t) in os.iter().zip(&times) {
                proptest::prop_assert_eq!(o.key.time, *t);
                let local = o.due.to_zoned(tz.clone());
                match o.dst {
                    None => {
                        proptest::prop_assert_eq!(local.date(), day);
                        proptest::prop_assert_eq!(local.time(), *t);
                    }
                    Some(DstAdjustment::MovedOutOfGap) => {
                        let moved = *t + jiff::SignedDuration::from_hours(1);
                        proptest::prop_assert_eq!(local.time(), moved);
                    }
                    Some(DstAdjustment::FirstOfTwo) => {
                        proptest::prop_assert_eq!(local.time(), *t);
                        proptest::prop_assert_eq!(local.offset().seconds(), 7200);
                    }
                }
                proptest::prop_assert!(o.opens <= o.due && o.due <= o.closes);
            }
        }
    }
}

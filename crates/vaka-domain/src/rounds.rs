//! Nightly rounds: the supervision tasks of one night, made from a client's plan, decision,
//! consent and pauses, and placed in Europe/Stockholm time.
//!
//! A night is named by the evening it starts. A planned time from 12:00 belongs to that evening;
//! a time before 12:00 to the next morning. So the night of 2026-11-22 with times 23:00 and 02:00
//! looks in at 2026-11-22 23:00 and 2026-11-23 02:00.
//!
//! **Daylight saving time.** Times are planned in local time and become instants here:
//! - On the spring night a time in the missing hour (02:00–02:59 on the last Sunday of March) is
//!   moved forward by the length of the gap, as a wall clock is: 02:30 becomes 03:30 summer time.
//! - On the autumn night a time in the repeated hour (02:00–02:59 on the last Sunday of October)
//!   is its first occurrence, in summer time.
//! - Two times that become the same instant make one task (the night never doubles a look-in);
//!   no time is dropped.
//!
//! Windows are instants too: a window of 15 minutes before and 30 after lasts 45 real minutes
//! even across a change.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::consent::{Consent, Refusal, service_allowed};
use crate::decision::{Decision, ServiceKind, SupervisionMode};
use crate::ids::ClientId;
use crate::plan::{Pause, SupervisionPlan};

/// Where a look-in may happen around a planned time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowRule {
    pub before: SignedDuration,
    pub after: SignedDuration,
}

impl Default for WindowRule {
    /// The municipal default: 15 minutes before to 30 minutes after.
    fn default() -> Self {
        Self {
            before: SignedDuration::from_mins(15),
            after: SignedDuration::from_mins(30),
        }
    }
}

impl WindowRule {
    /// A window of `before` minutes before and `after` minutes after the planned time: before
    /// 0–60, after 5–120 (a window must stay open long enough to look in).
    pub fn minutes(before: u16, after: u16) -> Result<Self, String> {
        if before > 60 {
            return Err(format!("{before} minutes before is more than 60"));
        }
        if !(5..=120).contains(&after) {
            return Err(format!("{after} minutes after is not 5–120"));
        }
        Ok(Self {
            before: SignedDuration::from_mins(i64::from(before)),
            after: SignedDuration::from_mins(i64::from(after)),
        })
    }
}

/// The business areas whose routines set their own look-in window (seed 001: home care,
/// special housing and LSS each write theirs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BusinessArea {
    HomeCare,
    SpecialHousing,
    Lss,
}

impl BusinessArea {
    /// A client's area: LSS when their night supervision is decided under LSS, special housing
    /// when they live in one, home care otherwise.
    pub fn of(area: crate::client::AreaType, lss: bool) -> Self {
        if lss {
            BusinessArea::Lss
        } else if area == crate::client::AreaType::SpecialHousing {
            BusinessArea::SpecialHousing
        } else {
            BusinessArea::HomeCare
        }
    }

    /// The name in settings (`home_care`, `special_housing`, `lss`).
    pub fn key(self) -> &'static str {
        match self {
            BusinessArea::HomeCare => "home_care",
            BusinessArea::SpecialHousing => "special_housing",
            BusinessArea::Lss => "lss",
        }
    }
}

/// The look-in window of each business area (each the municipal default until set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WindowRules {
    pub home_care: WindowRule,
    pub special_housing: WindowRule,
    pub lss: WindowRule,
}

impl WindowRules {
    pub fn for_area(&self, area: BusinessArea) -> WindowRule {
        match area {
            BusinessArea::HomeCare => self.home_care,
            BusinessArea::SpecialHousing => self.special_housing,
            BusinessArea::Lss => self.lss,
        }
    }

    /// Reads `home_care=15/30, special_housing=10/20, lss=15/30` (minutes before/after); an
    /// area not named keeps the default.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut rules = Self::default();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?} is not area=before/after"))?;
            let (before, after) = value
                .trim()
                .split_once('/')
                .ok_or_else(|| format!("{value:?} is not minutes before/after, e.g. 15/30"))?;
            let num = |s: &str| {
                s.trim()
                    .parse::<u16>()
                    .map_err(|_| format!("{s:?} is not a number of minutes"))
            };
            let rule = WindowRule::minutes(num(before)?, num(after)?)?;
            match key.trim() {
                "home_care" => rules.home_care = rule,
                "special_housing" => rules.special_housing = rule,
                "lss" => rules.lss = rule,
                other => {
                    return Err(format!(
                        "{other:?} is not a business area (home_care, special_housing, lss)"
                    ));
                }
            }
        }
        Ok(rules)
    }

    /// As [`Self::parse`] reads it.
    pub fn to_setting(&self) -> String {
        [
            BusinessArea::HomeCare,
            BusinessArea::SpecialHousing,
            BusinessArea::Lss,
        ]
        .iter()
        .map(|&a| {
            let r = self.for_area(a);
            format!("{}={}/{}", a.key(), r.before.as_mins(), r.after.as_mins())
        })
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// What a task asks of the night.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum TaskKind {
    /// A look-in through the camera, by an operator.
    LookIn,
    /// A physical supervision visit, by the night patrol.
    Visit,
}

crate::impl_codes!(TaskKind);

/// How daylight saving time moved a planned time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum DstAdjustment {
    /// The time did not exist that night; it was moved forward by the gap.
    MovedOutOfGap,
    /// The time existed twice that night; the first occurrence was taken.
    FirstOfTwo,
}

crate::impl_codes!(DstAdjustment);

/// One planned supervision of one night.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedTask {
    pub client_id: ClientId,
    pub night: Date,
    pub kind: TaskKind,
    /// The time as planned (local wall-clock time).
    pub planned_time: Time,
    /// The instant it is due.
    pub due: Timestamp,
    pub opens: Timestamp,
    pub closes: Timestamp,
    pub dst: Option<DstAdjustment>,
}

/// Why a client has no tasks on a night.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoRound {
    /// No valid decision or consent on night supervision that evening.
    Refused(Refusal),
    /// The client paused the night.
    Paused,
    /// The plan has no times.
    NoTimes,
}

/// A client's part of the night's planning.
#[derive(Debug, Clone, Copy)]
pub struct ClientNight<'a> {
    pub plan: &'a SupervisionPlan,
    pub decisions: &'a [Decision],
    pub consents: &'a [Consent],
    pub pauses: &'a [Pause],
}

/// The calendar date a planned time falls on, for the night named by `night`.
pub fn date_of(night: Date, t: Time) -> Date {
    if t.hour() >= 12 {
        night
    } else {
        night.tomorrow().unwrap_or(night)
    }
}

/// The instant of a planned time on a night, with the rule that placed it.
pub fn instant_of(night: Date, t: Time, tz: &TimeZone) -> (Timestamp, Option<DstAdjustment>) {
    let local = date_of(night, t).to_datetime(t);
    let ambiguous = tz.to_ambiguous_timestamp(local);
    let dst = if ambiguous.is_ambiguous() {
        Some(match ambiguous.offset() {
            jiff::tz::AmbiguousOffset::Gap { .. } => DstAdjustment::MovedOutOfGap,
            _ => DstAdjustment::FirstOfTwo,
        })
    } else {
        None
    };
    // `compatible`: a gap moves forward by its length, a fold takes the earlier instant.
    let ts = ambiguous.compatible().unwrap_or_else(|_| {
        local
            .to_zoned(TimeZone::UTC)
            .map_or(Timestamp::UNIX_EPOCH, |z| z.timestamp())
    });
    (ts, dst)
}

/// The real length of the part of a night between two local times (e.g. 22:00 to 06:00): 8 hours
/// on most nights, 7 on the spring night, 9 on the autumn night.
pub fn night_length(night: Date, from: Time, to: Time, tz: &TimeZone) -> SignedDuration {
    let (a, _) = instant_of(night, from, tz);
    let (b, _) = instant_of(night, to, tz);
    b.duration_since(a)
}

/// The tasks of one client's night, in the order they fall due.
pub fn plan_night(
    client_id: ClientId,
    night: Date,
    input: ClientNight<'_>,
    window: WindowRule,
    tz: &TimeZone,
) -> Result<Vec<PlannedTask>, NoRound> {
    service_allowed(
        ServiceKind::NightSupervision,
        input.decisions,
        input.consents,
        night,
    )
    .map_err(NoRound::Refused)?;
    if input.pauses.iter().any(|p| p.covers(night)) {
        return Err(NoRound::Paused);
    }
    place_times(client_id, night, input.plan, window, tz)
}

/// Whether a client's night may be planned, from facts already established (a planner that
/// asks its database which clients hold a valid decision and consent and which paused the
/// night, instead of reading every decision): the same order of refusals as [`plan_night`].
pub fn gate(has_decision: bool, has_consent: bool, paused: bool) -> Result<(), NoRound> {
    if !has_decision {
        Err(NoRound::Refused(Refusal::NoValidDecision))
    } else if !has_consent {
        Err(NoRound::Refused(Refusal::NoValidConsent))
    } else if paused {
        Err(NoRound::Paused)
    } else {
        Ok(())
    }
}

/// The plan's times on a night as tasks (the client may be supervised that night).
pub fn place_times(
    client_id: ClientId,
    night: Date,
    plan: &SupervisionPlan,
    window: WindowRule,
    tz: &TimeZone,
) -> Result<Vec<PlannedTask>, NoRound> {
    if plan.times.is_empty() {
        return Err(NoRound::NoTimes);
    }
    let kinds: &[TaskKind] = match plan.mode {
        SupervisionMode::Camera => &[TaskKind::LookIn],
        SupervisionMode::PhysicalVisit => &[TaskKind::Visit],
        SupervisionMode::Both => &[TaskKind::LookIn, TaskKind::Visit],
    };
    let mut tasks: Vec<PlannedTask> = Vec::with_capacity(plan.times.len() * kinds.len());
    for t in &plan.times {
        let (due, dst) = instant_of(night, *t, tz);
        for kind in kinds {
            if tasks.iter().any(|x| x.kind == *kind && x.due == due) {
                continue;
            }
            tasks.push(PlannedTask {
                client_id,
                night,
                kind: *kind,
                planned_time: *t,
                due,
                opens: due - window.before,
                closes: due + window.after,
                dst,
            });
        }
    }
    tasks.sort_by_key(|t| (t.due, t.kind == TaskKind::Visit));
    Ok(tasks)
}

/// The night a moment belongs to: the evening date of the night it falls in (a moment before
/// 12:00 local time belongs to the night that began the day before).
pub fn night_of(at: Timestamp, tz: &TimeZone) -> Date {
    let z = at.to_zoned(tz.clone());
    if z.hour() >= 12 {
        z.date()
    } else {
        z.date().checked_sub(1.day()).unwrap_or(z.date())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::{GivenBy, InformedHow};
    use crate::decision::Law;
    use crate::ids::{ConsentId, DecisionId, PauseId, UserId};
    use crate::plan::{PauseReason, PauseRequest};
    use jiff::civil::{date, time};
    use proptest::prelude::*;

    fn tz() -> TimeZone {
        TimeZone::get("Europe/Stockholm").unwrap()
    }

    fn plan(mode: SupervisionMode, times: &[Time]) -> SupervisionPlan {
        SupervisionPlan {
            client_id: ClientId::new(),
            mode,
            times: times.to_vec(),
            recheck_delay_minutes: None,
            escalation: None,
            response_target_minutes: None,
            updated_by: UserId::new(),
            updated_at: Timestamp::UNIX_EPOCH,
        }
    }

    fn decision(from: Date, to: Option<Date>) -> Decision {
        Decision {
            id: DecisionId::new(),
            client_id: ClientId::new(),
            law: Law::Sol,
            simplified: false,
            service: ServiceKind::NightSupervision,
            supervision_mode: Some(SupervisionMode::Camera),
            times: vec![],
            decided_on: from,
            valid_from: from,
            valid_to: to,
            decided_by: UserId::new(),
            ended_on: None,
            created_at: Timestamp::UNIX_EPOCH,
        }
    }

    fn consent(given: Date, withdrawn: Option<Date>) -> Consent {
        Consent {
            id: ConsentId::new(),
            client_id: ClientId::new(),
            service: ServiceKind::NightSupervision,
            informed_by: "K".into(),
            informed_on: given,
            informed_how: InformedHow::InPerson,
            given_by: GivenBy::Client,
            representative_name: None,
            given_on: given,
            reconfirm_by: given.checked_add(1.year()).unwrap(),
            withdrawn_on: withdrawn,
            withdrawal_note: None,
            recorded_by: UserId::new(),
            recorded_at: Timestamp::UNIX_EPOCH,
        }
    }

    fn pause(first: Date, last: Date) -> Pause {
        Pause {
            id: PauseId::new(),
            client_id: ClientId::new(),
            first_night: first,
            last_night: last,
            reason: PauseReason::Guests,
            requested: PauseRequest::ClientByPhone,
            note: None,
            recorded_by: UserId::new(),
            recorded_at: Timestamp::UNIX_EPOCH,
            cancelled_at: None,
        }
    }

    fn run(
        night: Date,
        p: &SupervisionPlan,
        d: &[Decision],
        c: &[Consent],
        pauses: &[Pause],
    ) -> Result<Vec<PlannedTask>, NoRound> {
        plan_night(
            ClientId::new(),
            night,
            ClientNight {
                plan: p,
                decisions: d,
                consents: c,
                pauses,
            },
            WindowRule::default(),
            &tz(),
        )
    }

    /// The tasks of `night` for a plan of `mode` at `times`, with an open-ended decision since
    /// `decided` and consent since `consented`, and no pause.
    fn planned(
        night: Date,
        mode: SupervisionMode,
        times: &[Time],
        decided: Date,
        consented: Date,
    ) -> Vec<PlannedTask> {
        run(
            night,
            &plan(mode, times),
            &[decision(decided, None)],
            &[consent(consented, None)],
            &[],
        )
        .unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn an_ordinary_night_in_winter() {
        let night = date(2026, 11, 22);
        let tasks = planned(
            night,
            SupervisionMode::Camera,
            &[time(2, 0, 0, 0), time(23, 0, 0, 0), time(5, 0, 0, 0)],
            date(2026, 11, 1),
            date(2026, 11, 1),
        );
        let due: Vec<Timestamp> = tasks.iter().map(|t| t.due).collect();
        assert_eq!(
            due,
            [
                ts("2026-11-22T22:00:00Z"),
                ts("2026-11-23T01:00:00Z"),
                ts("2026-11-23T04:00:00Z")
            ]
        );
        assert_eq!(tasks[0].opens, ts("2026-11-22T21:45:00Z"));
        assert_eq!(tasks[0].closes, ts("2026-11-22T22:30:00Z"));
        assert!(
            tasks
                .iter()
                .all(|t| t.dst.is_none() && t.kind == TaskKind::LookIn)
        );
    }

    #[test]
    fn nights_are_seven_eight_or_nine_hours() {
        let (a, b) = (time(22, 0, 0, 0), time(6, 0, 0, 0));
        // 2027-03-28 and 2026-10-25 are the last Sundays of March and October.
        assert_eq!(
            night_length(date(2027, 3, 27), a, b, &tz()),
            SignedDuration::from_hours(7)
        );
        assert_eq!(
            night_length(date(2026, 11, 22), a, b, &tz()),
            SignedDuration::from_hours(8)
        );
        assert_eq!(
            night_length(date(2026, 10, 24), a, b, &tz()),
            SignedDuration::from_hours(9)
        );
    }

    #[test]
    fn a_time_in_the_spring_gap_moves_forward_and_is_not_doubled() {
        let night = date(2027, 3, 27);
        let tasks = planned(
            night,
            SupervisionMode::Camera,
            &[time(2, 30, 0, 0), time(3, 30, 0, 0), time(1, 0, 0, 0)],
            date(2027, 1, 1),
            date(2027, 1, 1),
        );
        // 01:00 CET, then 02:30 → 03:30 CEST, which is also the 03:30 of the plan: one task.
        let due: Vec<Timestamp> = tasks.iter().map(|t| t.due).collect();
        assert_eq!(
            due,
            [ts("2027-03-28T00:00:00Z"), ts("2027-03-28T01:30:00Z")]
        );
        assert_eq!(tasks[1].dst, Some(DstAdjustment::MovedOutOfGap));
        assert_eq!(tasks[1].planned_time, time(2, 30, 0, 0));
    }

    #[test]
    fn a_time_in_the_autumn_fold_is_its_first_occurrence() {
        let night = date(2026, 10, 24);
        let tasks = planned(
            night,
            SupervisionMode::Camera,
            &[time(2, 30, 0, 0), time(3, 0, 0, 0)],
            date(2026, 1, 1),
            date(2026, 10, 1),
        );
        // 02:30 CEST = 00:30 UTC; 03:00 is after the fold, CET = 02:00 UTC: 90 real minutes.
        assert_eq!(tasks[0].due, ts("2026-10-25T00:30:00Z"));
        assert_eq!(tasks[0].dst, Some(DstAdjustment::FirstOfTwo));
        assert_eq!(tasks[1].due, ts("2026-10-25T02:00:00Z"));
        assert_eq!(tasks[1].dst, None);
        // The window is 45 real minutes even across the change.
        assert_eq!(
            tasks[0].closes.duration_since(tasks[0].opens),
            SignedDuration::from_mins(45)
        );
    }

    #[test]
    fn each_business_area_has_its_window() {
        use crate::client::AreaType;
        let rules = WindowRules::parse("special_housing=10/20, lss = 5/60").unwrap();
        assert_eq!(rules.home_care, WindowRule::default());
        assert_eq!(
            rules.for_area(BusinessArea::of(AreaType::SpecialHousing, false)),
            WindowRule::minutes(10, 20).unwrap()
        );
        // LSS goes by the decision's law, wherever the client lives.
        assert_eq!(
            rules.for_area(BusinessArea::of(AreaType::SpecialHousing, true)),
            WindowRule::minutes(5, 60).unwrap()
        );
        assert_eq!(
            rules.to_setting(),
            "home_care=15/30, special_housing=10/20, lss=5/60"
        );
        assert_eq!(WindowRules::parse(&rules.to_setting()).unwrap(), rules);
        assert!(WindowRules::parse("nursing=15/30").is_err());
        assert!(WindowRules::parse("lss=15").is_err());
        assert!(WindowRules::parse("lss=90/30").is_err());
        assert!(WindowRules::parse("lss=15/2").is_err());
        assert_eq!(WindowRules::parse("").unwrap(), WindowRules::default());
    }

    #[test]
    fn no_decision_no_consent_or_a_pause_means_no_round() {
        let night = date(2026, 11, 22);
        let p = plan(SupervisionMode::Camera, &[time(23, 0, 0, 0)]);
        let d = [decision(date(2026, 11, 1), None)];
        let c = [consent(date(2026, 11, 1), None)];
        assert_eq!(
            run(night, &p, &[], &c, &[]),
            Err(NoRound::Refused(Refusal::NoValidDecision))
        );
        assert_eq!(
            run(
                night,
                &p,
                &[decision(date(2026, 11, 1), Some(date(2026, 11, 21)))],
                &c,
                &[]
            ),
            Err(NoRound::Refused(Refusal::NoValidDecision))
        );
        assert_eq!(
            run(
                night,
                &p,
                &d,
                &[consent(date(2026, 11, 1), Some(date(2026, 11, 22)))],
                &[]
            ),
            Err(NoRound::Refused(Refusal::NoValidConsent))
        );
        assert_eq!(
            run(
                night,
                &p,
                &d,
                &c,
                &[pause(date(2026, 11, 22), date(2026, 11, 22))]
            ),
            Err(NoRound::Paused)
        );
        // The night after the pause is planned again.
        assert!(
            run(
                date(2026, 11, 23),
                &p,
                &d,
                &c,
                &[pause(date(2026, 11, 22), date(2026, 11, 22))]
            )
            .is_ok()
        );
        let mut cancelled = pause(date(2026, 11, 22), date(2026, 11, 22));
        cancelled.cancelled_at = Some(Timestamp::UNIX_EPOCH);
        assert!(run(night, &p, &d, &c, &[cancelled]).is_ok());
        assert_eq!(
            run(night, &plan(SupervisionMode::Camera, &[]), &d, &c, &[]),
            Err(NoRound::NoTimes)
        );
    }

    #[test]
    fn the_gate_refuses_in_the_same_order_as_planning() {
        assert_eq!(
            gate(false, false, true),
            Err(NoRound::Refused(Refusal::NoValidDecision))
        );
        assert_eq!(
            gate(true, false, true),
            Err(NoRound::Refused(Refusal::NoValidConsent))
        );
        assert_eq!(gate(true, true, true), Err(NoRound::Paused));
        assert_eq!(gate(true, true, false), Ok(()));
    }

    #[test]
    fn both_modes_plan_a_look_in_and_a_visit() {
        let night = date(2026, 11, 22);
        let tasks = planned(
            night,
            SupervisionMode::Both,
            &[time(23, 0, 0, 0)],
            date(2026, 11, 1),
            date(2026, 11, 1),
        );
        let kinds: Vec<TaskKind> = tasks.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, [TaskKind::LookIn, TaskKind::Visit]);
        let visit = planned(
            night,
            SupervisionMode::PhysicalVisit,
            &[time(23, 0, 0, 0)],
            date(2026, 11, 1),
            date(2026, 11, 1),
        );
        assert_eq!(visit[0].kind, TaskKind::Visit);
    }

    #[test]
    fn the_night_of_a_moment() {
        assert_eq!(
            night_of(ts("2026-11-22T22:00:00Z"), &tz()),
            date(2026, 11, 22)
        );
        assert_eq!(
            night_of(ts("2026-11-23T04:00:00Z"), &tz()),
            date(2026, 11, 22)
        );
        assert_eq!(
            night_of(ts("2026-11-23T11:30:00Z"), &tz()),
            date(2026, 11, 23)
        );
    }

    proptest! {
        /// Every planned time of any night of the year becomes exactly one task per kind, in
        /// order, inside its night, and every window is as long in real time as the rule says.
        #[test]
        fn every_time_is_planned_once(
            day in 0i64..730,
            minutes in proptest::collection::btree_set(0i16..(24 * 60), 1..12),
        ) {
            let night = date(2026, 1, 1).checked_add(day.days()).unwrap();
            let times: Vec<Time> = minutes
                .iter()
                .map(|m| time(i8::try_from(m / 60).unwrap(), i8::try_from(m % 60).unwrap(), 0, 0))
                .collect();
            let tasks = planned(night, SupervisionMode::Camera, &times, date(2025, 1, 1), night);
            // Only the spring gap can merge two times (02:xx moved onto 03:xx).
            if tasks.iter().any(|t| t.dst == Some(DstAdjustment::MovedOutOfGap)) {
                prop_assert!(tasks.len() <= times.len());
            } else {
                prop_assert_eq!(tasks.len(), times.len());
            }
            for w in tasks.windows(2) {
                prop_assert!(w[0].due < w[1].due);
            }
            for t in &tasks {
                prop_assert_eq!(t.closes.duration_since(t.opens), SignedDuration::from_mins(45));
                prop_assert_eq!(night_of(t.due, &tz()), night);
            }
        }
    }
}

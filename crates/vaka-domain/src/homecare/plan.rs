//! Visit plans and the day's planned visits.
//!
//! A provider's unit plans recurring visits from a home-care decision: on some weekdays, in a
//! local time window (`from`–`to`, same day), doing some of the granted tasks, expected to take
//! some minutes. [`plan_day`] turns the plans valid on a day into that day's
//! [`PlannedVisit`]s, with the window as instants.
//!
//! **Daylight saving time** (the rule of the nights, `rounds.rs`): a window edge in the hour
//! that does not exist (02:00–02:59 on the last Sunday of March) moves forward by the gap, as a
//! wall clock does (02:30 → 03:30 summer time); an edge in the repeated hour (02:00–02:59 on
//! the last Sunday of October) is its first occurrence, in summer time. A window therefore
//! lasts as many real minutes as it shows, except when it straddles a change: 01:30–03:30 is
//! one real hour in spring and three in autumn. A visit is never dropped nor doubled.

use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;

use super::CareTask;
use crate::ids::{ClientId, DecisionId, UnitId, UserId, VisitPlanId};
use crate::reason::HomecareReason;
use crate::rounds::DstAdjustment;
use crate::{DomainError, DomainResult};

/// The most minutes a visit may be expected to take.
pub const MAX_EXPECTED_MINUTES: u32 = 600;

/// A recurring visit, planned by the provider's unit from a home-care decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitPlan {
    pub id: VisitPlanId,
    pub client_id: ClientId,
    pub decision_id: DecisionId,
    /// The provider's unit that carries the visits out.
    pub unit_id: UnitId,
    pub weekdays: Vec<Weekday>,
    /// The window, local time (Europe/Stockholm), `from` < `to` on the same day.
    pub from: Time,
    pub to: Time,
    pub tasks: Vec<CareTask>,
    pub expected_minutes: u32,
    pub valid_from: Date,
    /// Open-ended when `None`.
    pub valid_to: Option<Date>,
    pub created_by: UserId,
    pub created_at: Timestamp,
    /// Set when the plan was ended early (its last day).
    pub ended_on: Option<Date>,
}

/// What a unit manager writes when planning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitPlanTerms {
    pub weekdays: Vec<Weekday>,
    pub from: Time,
    pub to: Time,
    pub tasks: Vec<CareTask>,
    pub expected_minutes: u32,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

impl VisitPlanTerms {
    /// The plan's own rules, and that it stays inside its decision: its tasks are among those
    /// granted, and its period within the decision's (`decision_from`..=`decision_last`).
    pub fn check(
        &self,
        granted: &[CareTask],
        decision_from: Date,
        decision_last: Option<Date>,
    ) -> DomainResult<()> {
        if self.weekdays.is_empty() {
            return Err(DomainError::invalid(
                "weekdays",
                HomecareReason::WeekdaysRequired,
            ));
        }
        if self.from >= self.to {
            return Err(DomainError::invalid("to", HomecareReason::WindowBackwards));
        }
        if self.tasks.is_empty() {
            return Err(DomainError::invalid("tasks", HomecareReason::TasksRequired));
        }
        if let Some(t) = self.tasks.iter().find(|t| !granted.contains(t)) {
            return Err(DomainError::invalid(
                "tasks",
                HomecareReason::TaskNotGranted { task: *t },
            ));
        }
        if self.expected_minutes == 0 || self.expected_minutes > MAX_EXPECTED_MINUTES {
            return Err(DomainError::invalid(
                "expected_minutes",
                HomecareReason::ExpectedMinutesOutOfRange {
                    max: MAX_EXPECTED_MINUTES,
                },
            ));
        }
        if let Some(to) = self.valid_to
            && to < self.valid_from
        {
            return Err(DomainError::invalid(
                "valid_to",
                HomecareReason::PlanEndsBeforeStart,
            ));
        }
        let inside = self.valid_from >= decision_from
            && match (decision_last, self.valid_to) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(last), Some(to)) => to <= last,
            };
        if !inside {
            return Err(DomainError::invalid(
                "valid_from",
                HomecareReason::PlanOutsideDecision,
            ));
        }
        Ok(())
    }
}

impl VisitPlan {
    /// The last day the plan holds (ending early counts).
    pub fn last_day(&self) -> Option<Date> {
        match (self.valid_to, self.ended_on) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether the plan has a visit on `day`.
    pub fn covers(&self, day: Date) -> bool {
        self.valid_from <= day
            && self.last_day().is_none_or(|last| day <= last)
            && self.weekdays.contains(&day.weekday())
    }
}

/// One day's visit from a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedVisit {
    pub plan_id: VisitPlanId,
    pub client_id: ClientId,
    pub unit_id: UnitId,
    pub date: Date,
    /// The window as instants.
    pub from: Timestamp,
    pub to: Timestamp,
    pub tasks: Vec<CareTask>,
    pub expected_minutes: u32,
    /// How daylight saving time moved an edge of the window, if it did.
    pub dst: Option<DstAdjustment>,
}

/// The instant of a local time on a day, with the rule that placed it (a gap moves forward
/// by its length, a fold takes the earlier instant).
pub fn instant_on(day: Date, t: Time, tz: &TimeZone) -> (Timestamp, Option<DstAdjustment>) {
    let local = day.to_datetime(t);
    let ambiguous = tz.to_ambiguous_timestamp(local);
    let dst = if ambiguous.is_ambiguous() {
        Some(match ambiguous.offset() {
            jiff::tz::AmbiguousOffset::Gap { .. } => DstAdjustment::MovedOutOfGap,
            _ => DstAdjustment::FirstOfTwo,
        })
    } else {
        None
    };
    let ts = ambiguous.compatible().unwrap_or_else(|_| {
        local
            .to_zoned(TimeZone::UTC)
            .map_or(Timestamp::UNIX_EPOCH, |z| z.timestamp())
    });
    (ts, dst)
}

/// One plan's visit on `day`, if it has one.
pub fn plan_visit(plan: &VisitPlan, day: Date, tz: &TimeZone) -> Option<PlannedVisit> {
    if !plan.covers(day) {
        return None;
    }
    let (from, a) = instant_on(day, plan.from, tz);
    let (mut to, b) = instant_on(day, plan.to, tz);
    if to <= from {
        // Both edges in the spring gap collapse onto each other only if `to` was moved less
        // than `from`; it never is, but a window is never empty: keep its planned length.
        to = from + plan.from.duration_until(plan.to);
    }
    Some(PlannedVisit {
        plan_id: plan.id,
        client_id: plan.client_id,
        unit_id: plan.unit_id,
        date: day,
        from,
        to,
        tasks: plan.tasks.clone(),
        expected_minutes: plan.expected_minutes,
        dst: a.or(b),
    })
}

/// The planned visits of `day` from `plans` (e.g. one unit's), in the order their windows open.
pub fn plan_day(plans: &[VisitPlan], day: Date, tz: &TimeZone) -> Vec<PlannedVisit> {
    let mut out: Vec<PlannedVisit> = plans
        .iter()
        .filter_map(|p| plan_visit(p, day, tz))
        .collect();
    out.sort_by_key(|v| (v.from, v.to, v.plan_id));
    out
}

/// Weekdays as stored: `mon,wed,fri` (ISO order).
pub fn weekdays_to_text(days: &[Weekday]) -> String {
    let mut d = days.to_vec();
    d.sort_by_key(|w| w.to_monday_one_offset());
    d.dedup();
    d.iter()
        .map(|w| weekday_code(*w))
        .collect::<Vec<_>>()
        .join(",")
}

/// The stable code of a weekday: `mon` … `sun`.
pub fn weekday_code(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "mon",
        Weekday::Tuesday => "tue",
        Weekday::Wednesday => "wed",
        Weekday::Thursday => "thu",
        Weekday::Friday => "fri",
        Weekday::Saturday => "sat",
        Weekday::Sunday => "sun",
    }
}

/// Weekdays from their codes (`mon`…`sun`, commas or spaces between); an unknown one refused.
pub fn parse_weekdays(field: &'static str, raw: &str) -> DomainResult<Vec<Weekday>> {
    let mut out = Vec::new();
    for s in raw
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let w = match s {
            "mon" => Weekday::Monday,
            "tue" => Weekday::Tuesday,
            "wed" => Weekday::Wednesday,
            "thu" => Weekday::Thursday,
            "fri" => Weekday::Friday,
            "sat" => Weekday::Saturday,
            "sun" => Weekday::Sunday,
            _ => {
                return Err(DomainError::invalid(
                    field,
                    HomecareReason::UnknownWeekday {
                        code: s.chars().take(20).collect(),
                    },
                ));
            }
        };
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out.sort_by_key(|w: &Weekday| w.to_monday_one_offset());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn tz() -> TimeZone {
        TimeZone::get("Europe/Stockholm").unwrap()
    }

    fn plan(days: &[Weekday], from: Time, to: Time) -> VisitPlan {
        VisitPlan {
            id: VisitPlanId::new(),
            client_id: ClientId::new(),
            decision_id: DecisionId::new(),
            unit_id: UnitId::new(),
            weekdays: days.to_vec(),
            from,
            to,
            tasks: vec![CareTask::Meals],
            expected_minutes: 30,
            valid_from: date(2026, 1, 1),
            valid_to: None,
            created_by: UserId::new(),
            created_at: Timestamp::UNIX_EPOCH,
            ended_on: None,
        }
    }

    fn every_day() -> Vec<Weekday> {
        parse_weekdays("w", "mon tue wed thu fri sat sun").unwrap()
    }

    #[test]
    fn an_ordinary_winter_day() {
        let p = plan(&every_day(), time(8, 0, 0, 0), time(8, 45, 0, 0));
        let v = plan_visit(&p, date(2026, 12, 3), &tz()).unwrap();
        assert_eq!(v.from.to_string(), "2026-12-03T07:00:00Z");
        assert_eq!(v.to.to_string(), "2026-12-03T07:45:00Z");
        assert_eq!(v.dst, None);
        let summer = plan_visit(&p, date(2026, 7, 3), &tz()).unwrap();
        assert_eq!(summer.from.to_string(), "2026-07-03T06:00:00Z");
    }

    #[test]
    fn spring_change_day() {
        // 2026-03-29: 02:00 CET becomes 03:00 CEST.
        let day = date(2026, 3, 29);
        let in_gap = plan(&every_day(), time(2, 15, 0, 0), time(2, 45, 0, 0));
        let v = plan_visit(&in_gap, day, &tz()).unwrap();
        // Moved forward by the gap: 03:15–03:45 summer time.
        assert_eq!(v.from.to_string(), "2026-03-29T01:15:00Z");
        assert_eq!(v.to.to_string(), "2026-03-29T01:45:00Z");
        assert_eq!(v.dst, Some(DstAdjustment::MovedOutOfGap));
        // A window across the change is an hour shorter in real time.
        let across = plan(&every_day(), time(1, 30, 0, 0), time(3, 30, 0, 0));
        let v = plan_visit(&across, day, &tz()).unwrap();
        assert_eq!(v.to.duration_since(v.from).as_mins(), 60);
        assert_eq!(v.dst, None);
        // A morning visit keeps its wall-clock time, in summer time.
        let morning = plan(&every_day(), time(8, 0, 0, 0), time(8, 30, 0, 0));
        let v = plan_visit(&morning, day, &tz()).unwrap();
        assert_eq!(v.from.to_string(), "2026-03-29T06:00:00Z");
        // The day before is still winter time.
        let v = plan_visit(&morning, date(2026, 3, 28), &tz()).unwrap();
        assert_eq!(v.from.to_string(), "2026-03-28T07:00:00Z");
    }

    #[test]
    fn autumn_change_day() {
        // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:00–02:59 happens twice.
        let day = date(2026, 10, 25);
        let in_fold = plan(&every_day(), time(2, 15, 0, 0), time(2, 45, 0, 0));
        let v = plan_visit(&in_fold, day, &tz()).unwrap();
        // The first occurrence, in summer time (UTC+2).
        assert_eq!(v.from.to_string(), "2026-10-25T00:15:00Z");
        assert_eq!(v.to.to_string(), "2026-10-25T00:45:00Z");
        assert_eq!(v.dst, Some(DstAdjustment::FirstOfTwo));
        let across = plan(&every_day(), time(1, 30, 0, 0), time(3, 30, 0, 0));
        let v = plan_visit(&across, day, &tz()).unwrap();
        assert_eq!(v.to.duration_since(v.from).as_mins(), 180);
        let evening = plan(&every_day(), time(19, 0, 0, 0), time(19, 30, 0, 0));
        let v = plan_visit(&evening, day, &tz()).unwrap();
        assert_eq!(v.from.to_string(), "2026-10-25T18:00:00Z");
        // Exactly one visit per plan on the change days: none dropped, none doubled.
        for d in [date(2026, 3, 29), date(2026, 10, 25)] {
            let plans = [in_fold.clone(), across.clone(), evening.clone()];
            assert_eq!(plan_day(&plans, d, &tz()).len(), 3);
        }
    }

    #[test]
    fn weekdays_validity_and_order() {
        let mut p = plan(
            &parse_weekdays("w", "mon,thu").unwrap(),
            time(9, 0, 0, 0),
            time(9, 30, 0, 0),
        );
        // 2026-12-03 is a Thursday.
        assert!(plan_visit(&p, date(2026, 12, 3), &tz()).is_some());
        assert!(plan_visit(&p, date(2026, 12, 2), &tz()).is_none());
        p.valid_to = Some(date(2026, 11, 30));
        assert!(plan_visit(&p, date(2026, 12, 3), &tz()).is_none());
        p.valid_to = None;
        p.ended_on = Some(date(2026, 12, 1));
        assert!(plan_visit(&p, date(2026, 12, 3), &tz()).is_none());
        let early = plan(&every_day(), time(7, 0, 0, 0), time(7, 30, 0, 0));
        let late = plan(&every_day(), time(18, 0, 0, 0), time(18, 30, 0, 0));
        let day = plan_day(&[late.clone(), early.clone()], date(2026, 12, 3), &tz());
        assert_eq!(
            day.iter().map(|v| v.plan_id).collect::<Vec<_>>(),
            vec![early.id, late.id]
        );
        assert_eq!(
            weekdays_to_text(&[Weekday::Friday, Weekday::Monday]),
            "mon,fri"
        );
        assert!(parse_weekdays("w", "mon,funday").is_err());
    }

    #[test]
    fn terms_rules() {
        let granted = [CareTask::Meals, CareTask::Shower];
        let ok = VisitPlanTerms {
            weekdays: vec![Weekday::Monday],
            from: time(8, 0, 0, 0),
            to: time(8, 30, 0, 0),
            tasks: vec![CareTask::Meals],
            expected_minutes: 25,
            valid_from: date(2026, 12, 1),
            valid_to: None,
        };
        assert!(ok.check(&granted, date(2026, 11, 1), None).is_ok());
        let bad = |t: VisitPlanTerms| t.check(&granted, date(2026, 11, 1), None).is_err();
        assert!(bad(VisitPlanTerms {
            weekdays: vec![],
            ..ok.clone()
        }));
        assert!(bad(VisitPlanTerms {
            to: time(7, 0, 0, 0),
            ..ok.clone()
        }));
        assert!(bad(VisitPlanTerms {
            tasks: vec![CareTask::Cleaning],
            ..ok.clone()
        }));
        assert!(bad(VisitPlanTerms {
            expected_minutes: 0,
            ..ok.clone()
        }));
        assert!(bad(VisitPlanTerms {
            valid_to: Some(date(2026, 11, 1)),
            ..ok.clone()
        }));
        // Outside the decision: starts before it, or open-ended past a decision that ends.
        assert!(ok.check(&granted, date(2026, 12, 2), None).is_err());
        assert!(
            ok.check(&granted, date(2026, 11, 1), Some(date(2027, 1, 1)))
                .is_err()
        );
        let bounded = VisitPlanTerms {
            valid_to: Some(date(2026, 12, 31)),
            ..ok
        };
        assert!(
            bounded
                .check(&granted, date(2026, 11, 1), Some(date(2027, 1, 1)))
                .is_ok()
        );
    }
}

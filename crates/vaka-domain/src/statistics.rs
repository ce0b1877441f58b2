//! Night-supervision statistics per unit and month: planned against performed, on time, not
//! visible, deviations, missed, escalations and the distribution of response times. Pure: the
//! caller hands in the facts of each planned supervision.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::ids::UnitId;
use crate::rounds::TaskKind;
use crate::supervision::{DispatchCause, TaskState};

/// A first look-in counts as on time up to this long after the planned instant.
pub const ON_TIME: SignedDuration = SignedDuration::from_mins(15);

/// What happened to one planned supervision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFacts {
    pub unit: Option<UnitId>,
    pub night: Date,
    pub kind: TaskKind,
    pub due: Timestamp,
    pub state: TaskState,
    /// When the first look-in started.
    pub first_look_in: Option<Timestamp>,
    /// Look-ins whose outcome was "not visible".
    pub not_visible: u32,
    /// The dispatch, with dispatch-to-arrival when staff arrived.
    pub dispatch: Option<(DispatchCause, Option<SignedDuration>)>,
}

/// Dispatch-to-arrival times in buckets of 15 minutes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ResponseTimes {
    pub within_15: u32,
    pub within_30: u32,
    pub within_45: u32,
    pub within_60: u32,
    pub over_60: u32,
    /// Dispatches closed without arriving (the client answered the phone) or still open.
    pub no_arrival: u32,
}

impl ResponseTimes {
    pub const LABELS: [&'static str; 6] = ["≤ 15", "15–30", "30–45", "45–60", "> 60", "—"];

    fn add(&mut self, r: Option<SignedDuration>) {
        let m = |n| SignedDuration::from_mins(n);
        match r {
            None => self.no_arrival += 1,
            Some(d) if d <= m(15) => self.within_15 += 1,
            Some(d) if d <= m(30) => self.within_30 += 1,
            Some(d) if d <= m(45) => self.within_45 += 1,
            Some(d) if d <= m(60) => self.within_60 += 1,
            Some(_) => self.over_60 += 1,
        }
    }

    pub fn counts(&self) -> [u32; 6] {
        [
            self.within_15,
            self.within_30,
            self.within_45,
            self.within_60,
            self.over_60,
            self.no_arrival,
        ]
    }
}

/// The figures of one unit in one month (by the nights' dates).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UnitMonth {
    pub unit: Option<UnitId>,
    pub year: i16,
    pub month: i8,
    /// Supervisions planned (paused and cancelled ones are counted apart).
    pub planned: u32,
    /// Look-ins planned that had a look-in, and visits that ended done.
    pub performed: u32,
    /// Performed with the first look-in within [`ON_TIME`] of the planned instant.
    pub on_time: u32,
    pub not_visible: u32,
    pub deviations: u32,
    pub missed: u32,
    pub camera_unreachable: u32,
    /// Dispatches of any cause.
    pub escalations: u32,
    pub paused: u32,
    pub cancelled: u32,
    pub response: ResponseTimes,
}

/// Sums the facts per unit and month, in unit then month order.
pub fn summarise(facts: &[TaskFacts]) -> Vec<UnitMonth> {
    let mut by: BTreeMap<(Option<UnitId>, i16, i8), UnitMonth> = BTreeMap::new();
    for f in facts {
        let key = (f.unit, f.night.year(), f.night.month());
        let s = by.entry(key).or_insert_with(|| UnitMonth {
            unit: f.unit,
            year: f.night.year(),
            month: f.night.month(),
            ..UnitMonth::default()
        });
        match f.state {
            TaskState::Paused => {
                s.paused += 1;
                continue;
            }
            TaskState::Cancelled => {
                s.cancelled += 1;
                continue;
            }
            _ => {}
        }
        s.planned += 1;
        let performed = match f.kind {
            TaskKind::LookIn => f.first_look_in.is_some(),
            TaskKind::Visit => f.state == TaskState::Done,
        };
        if performed {
            s.performed += 1;
            if f.first_look_in.is_some_and(|t| t <= f.due + ON_TIME) {
                s.on_time += 1;
            }
        }
        s.not_visible += f.not_visible;
        if let Some((cause, response)) = f.dispatch {
            s.escalations += 1;
            s.response.add(response);
            match cause {
                DispatchCause::Deviation => s.deviations += 1,
                DispatchCause::Missed => s.missed += 1,
                DispatchCause::CameraUnreachable => s.camera_unreachable += 1,
                DispatchCause::NotVisibleTwice => {}
            }
        } else if f.state == TaskState::Missed {
            s.missed += 1;
        }
    }
    by.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(min: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + min * 60).unwrap()
    }

    fn fact(unit: Option<UnitId>, night: Date, state: TaskState) -> TaskFacts {
        TaskFacts {
            unit,
            night,
            kind: TaskKind::LookIn,
            due: at(0),
            state,
            first_look_in: None,
            not_visible: 0,
            dispatch: None,
        }
    }

    #[test]
    fn figures_per_unit_and_month() {
        let u = Some(UnitId::new());
        let nov = date(2026, 11, 30);
        let dec = date(2026, 12, 1);
        let mut facts = vec![
            TaskFacts {
                first_look_in: Some(at(5)),
                ..fact(u, nov, TaskState::Done)
            },
            TaskFacts {
                first_look_in: Some(at(20)),
                not_visible: 2,
                dispatch: Some((
                    DispatchCause::NotVisibleTwice,
                    Some(SignedDuration::from_mins(40)),
                )),
                ..fact(u, nov, TaskState::Closed)
            },
            TaskFacts {
                dispatch: Some((DispatchCause::Missed, Some(SignedDuration::from_mins(70)))),
                ..fact(u, nov, TaskState::Closed)
            },
            TaskFacts {
                dispatch: Some((DispatchCause::CameraUnreachable, None)),
                ..fact(u, nov, TaskState::Closed)
            },
            fact(u, nov, TaskState::Paused),
            fact(u, nov, TaskState::Cancelled),
            TaskFacts {
                first_look_in: Some(at(-10)),
                dispatch: Some((
                    DispatchCause::Deviation,
                    Some(SignedDuration::from_mins(10)),
                )),
                ..fact(u, dec, TaskState::Closed)
            },
        ];
        facts.push(fact(None, dec, TaskState::Missed));
        let s = summarise(&facts);
        assert_eq!(s.len(), 3);
        let novs = s.iter().find(|m| m.unit == u && m.month == 11).unwrap();
        assert_eq!(
            (novs.planned, novs.performed, novs.on_time, novs.not_visible),
            (4, 2, 1, 2)
        );
        assert_eq!(
            (
                novs.missed,
                novs.camera_unreachable,
                novs.escalations,
                novs.deviations
            ),
            (1, 1, 3, 0)
        );
        assert_eq!((novs.paused, novs.cancelled), (1, 1));
        assert_eq!(novs.response.counts(), [0, 0, 1, 0, 1, 1]);
        let decs = s.iter().find(|m| m.unit == u && m.month == 12).unwrap();
        assert_eq!((decs.planned, decs.on_time, decs.deviations), (1, 1, 1));
        assert_eq!(decs.response.within_15, 1);
        let none = s.iter().find(|m| m.unit.is_none()).unwrap();
        assert_eq!((none.planned, none.missed, none.escalations), (1, 1, 0));
    }
}

//! The life of one planned look-in: a pure state machine driven by events and by time.
//!
//! ```text
//! planned ──(window opens)──▶ open ──(look-in starts)──▶ looked_in ──seen, OK──▶ done
//!    │                         │  ▲                          │
//!    │ camera unreachable      │  └──(re-check is due)── recheck_due ◀─not visible (1st)
//!    ▼                         │                             │
//! camera_unreachable ─┐        │ window closes               ├─not visible (2nd)─▶ escalated
//!                     │        ▼                             └─deviation─────────▶ escalated
//!                     │      missed ─┐                                                │
//!                     └──────────────┴──(the dispatch is closed)──▶ closed ◀──────────┘
//! paused: the client paused the night (before any dispatch); cancelled: consent or decision
//! ended during the night.
//! ```
//!
//! Every state before `done`, `closed`, `paused` and `cancelled` moves on by itself as time
//! passes, so no planned supervision ends the night without a final state. The transition
//! function returns what must happen (a dispatch to the night patrol, an alert to the
//! supervisor) as effects for the caller to carry out in the same transaction.

use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::ids::{ClientId, TaskId};
use crate::plan::EscalationChain;
use crate::reason::SupervisionReason;
use crate::reason::SupervisionReason as R;
use crate::rounds::{DstAdjustment, PlannedTask, TaskKind};

/// A planned supervision as stored: where it is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisionTask {
    pub id: TaskId,
    pub client_id: ClientId,
    pub night: Date,
    pub kind: TaskKind,
    pub planned_time: Time,
    pub due: Timestamp,
    pub opens: Timestamp,
    pub closes: Timestamp,
    pub dst: Option<DstAdjustment>,
    pub state: TaskState,
    pub updated_at: Timestamp,
}

impl SupervisionTask {
    /// A task as planned, before its window.
    pub fn planned(p: &PlannedTask, at: Timestamp) -> Self {
        Self {
            id: TaskId::new(),
            client_id: p.client_id,
            night: p.night,
            kind: p.kind,
            planned_time: p.planned_time,
            due: p.due,
            opens: p.opens,
            closes: p.closes,
            dst: p.dst,
            state: TaskState::Planned,
            updated_at: at,
        }
    }
}

/// Staff sent to a client because of a task (the night patrol's work list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispatch {
    pub id: crate::ids::DispatchId,
    pub task_id: TaskId,
    pub client_id: ClientId,
    pub cause: DispatchCause,
    pub phone_first: bool,
    pub alert_supervisor: bool,
    /// Minutes from the dispatch to arrival the unit promises (the client's plan, default 45).
    pub response_target_minutes: u16,
    pub created_at: Timestamp,
    /// Who took it (the first to acknowledge).
    pub responder: Option<crate::ids::UserId>,
    pub acknowledged_at: Option<Timestamp>,
    pub on_way_at: Option<Timestamp>,
    pub arrived_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub close_note: Option<String>,
    /// What was seen that sent staff (a deviation's note), for those who go.
    pub note: Option<String>,
}

impl Dispatch {
    /// The dispatch the effects of one transition ask for, if any.
    pub fn from_effects(
        task: &SupervisionTask,
        effects: &[Effect],
        response_target_minutes: u16,
        at: Timestamp,
    ) -> Option<Self> {
        let (cause, phone_first) = effects.iter().find_map(|e| match e {
            Effect::Dispatch { phone_first, why } => Some((*why, *phone_first)),
            Effect::AlertSupervisor => None,
        })?;
        Some(Self {
            id: crate::ids::DispatchId::new(),
            task_id: task.id,
            client_id: task.client_id,
            cause,
            phone_first,
            alert_supervisor: effects.contains(&Effect::AlertSupervisor),
            response_target_minutes,
            created_at: at,
            responder: None,
            acknowledged_at: None,
            on_way_at: None,
            arrived_at: None,
            closed_at: None,
            close_note: None,
            note: None,
        })
    }

    /// Where the dispatch stands.
    pub fn status(&self) -> DispatchStatus {
        if self.closed_at.is_some() {
            DispatchStatus::Closed
        } else if self.arrived_at.is_some() {
            DispatchStatus::Arrived
        } else if self.on_way_at.is_some() {
            DispatchStatus::OnTheWay
        } else if self.acknowledged_at.is_some() {
            DispatchStatus::Acknowledged
        } else {
            DispatchStatus::New
        }
    }

    /// When staff must be at the door.
    pub fn deadline(&self) -> Timestamp {
        self.created_at + SignedDuration::from_mins(i64::from(self.response_target_minutes))
    }

    /// Dispatch to arrival, once arrived.
    pub fn response_time(&self) -> Option<SignedDuration> {
        self.arrived_at.map(|a| a.duration_since(self.created_at))
    }

    /// Takes one step of the responder's work: acknowledge → on the way → arrived → closed.
    /// On the way and arrived may be skipped (the client answered the phone, or staff were
    /// next door); closing needs an acknowledgement and a note. Another responder than the
    /// one who acknowledged may take over.
    pub fn step(
        &self,
        step: DispatchStep,
        by: crate::ids::UserId,
        at: Timestamp,
        note: Option<&str>,
    ) -> Result<Self, Refused> {
        let status = self.status();
        let mut d = self.clone();
        match (step, status) {
            (_, DispatchStatus::Closed) => {
                return Err(Refused::NotNow(R::DispatchClosed));
            }
            (DispatchStep::Acknowledge, DispatchStatus::New) => {
                d.acknowledged_at = Some(at);
                d.responder = Some(by);
            }
            (DispatchStep::Acknowledge, _) => {
                return Err(Refused::NotNow(R::DispatchAcknowledged));
            }
            (_, DispatchStatus::New) => {
                return Err(Refused::NotNow(R::AcknowledgeFirst));
            }
            (DispatchStep::OnTheWay, DispatchStatus::Acknowledged) => d.on_way_at = Some(at),
            (DispatchStep::OnTheWay, _) => {
                return Err(Refused::NotNow(R::AlreadyOnTheWay));
            }
            (DispatchStep::Arrived, DispatchStatus::Acknowledged | DispatchStatus::OnTheWay) => {
                d.arrived_at = Some(at);
            }
            (DispatchStep::Arrived, _) => {
                return Err(Refused::NotNow(R::ArrivalRecorded));
            }
            (DispatchStep::Close, _) => {
                let note = note.map(str::trim).filter(|n| !n.is_empty());
                let Some(note) = note else {
                    return Err(Refused::NotNow(R::NoteRequired));
                };
                d.closed_at = Some(at);
                d.close_note = Some(note.to_owned());
            }
        }
        Ok(d)
    }
}

/// Where a dispatch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum DispatchStatus {
    New,
    Acknowledged,
    OnTheWay,
    Arrived,
    Closed,
}

crate::impl_codes!(DispatchStatus);

/// One step of the responder's work on a dispatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum DispatchStep {
    Acknowledge,
    OnTheWay,
    Arrived,
    Close,
}

crate::impl_codes!(DispatchStep);

/// One look-in through a camera, as logged: who looked, when and for how long, and what they
/// saw. Never an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookInRecord {
    pub id: crate::ids::LookInId,
    pub task_id: TaskId,
    pub client_id: ClientId,
    pub device_id: crate::ids::DeviceId,
    pub operator: crate::ids::UserId,
    pub started_at: Timestamp,
    /// When the picture stopped (the limit, the operator leaving, or the camera dropping).
    pub ended_at: Option<Timestamp>,
    pub limit_seconds: u16,
    /// Whether this look-in was a re-check.
    pub recheck: bool,
    pub outcome: Option<Outcome>,
    pub note: Option<String>,
}

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    /// Before its window.
    Planned,
    /// The window is open: an operator may look in. A re-check carries the end of its own
    /// window.
    Open { recheck: Option<Timestamp> },
    /// A look-in began; its outcome is not recorded yet.
    LookedIn { recheck: Option<Timestamp> },
    /// "Not visible": the re-check opens at `at`.
    RecheckDue { at: Timestamp },
    /// Seen, OK. Final.
    Done,
    /// Staff are sent (or the client phoned first) for `reason`; waits for the dispatch to close.
    Escalated { reason: EscalationReason },
    /// The window closed without a look-in; escalated, and the supervisor told.
    Missed,
    /// The camera could not be reached before or in the window; a visit replaces the look-in.
    CameraUnreachable,
    /// The dispatch is closed. Final.
    Closed,
    /// The client paused the night. Final.
    Paused,
    /// The decision or consent ended during the night. Final.
    Cancelled,
}

impl TaskState {
    /// The stored code. Written by hand, as is [`Self::from_parts`]: the code is not one per
    /// variant (an open window is `open` or `recheck_open` by whether it carries a re-check),
    /// and a state is rebuilt from its code together with the instant and reason stored beside it.
    pub fn code(self) -> &'static str {
        match self {
            TaskState::Planned => "planned",
            TaskState::Open { recheck: None } => "open",
            TaskState::Open { recheck: Some(_) } => "recheck_open",
            TaskState::LookedIn { .. } => "looked_in",
            TaskState::RecheckDue { .. } => "recheck_due",
            TaskState::Done => "done",
            TaskState::Escalated { .. } => "escalated",
            TaskState::Missed => "missed",
            TaskState::CameraUnreachable => "camera_unreachable",
            TaskState::Closed => "closed",
            TaskState::Paused => "paused",
            TaskState::Cancelled => "cancelled",
        }
    }

    /// The state as stored: its code, the instant it carries and the reason of an escalation.
    pub fn parts(self) -> (&'static str, Option<Timestamp>, Option<&'static str>) {
        match self {
            TaskState::Open { recheck } | TaskState::LookedIn { recheck } => {
                (self.code(), recheck, None)
            }
            TaskState::RecheckDue { at } => (self.code(), Some(at), None),
            TaskState::Escalated { reason } => (self.code(), None, Some(reason.code())),
            _ => (self.code(), None, None),
        }
    }

    /// The state from its stored parts; `None` for parts that make no state.
    pub fn from_parts(code: &str, at: Option<Timestamp>, reason: Option<&str>) -> Option<Self> {
        Some(match code {
            "planned" => TaskState::Planned,
            "open" => TaskState::Open { recheck: None },
            "recheck_open" => TaskState::Open { recheck: Some(at?) },
            "looked_in" => TaskState::LookedIn { recheck: at },
            "recheck_due" => TaskState::RecheckDue { at: at? },
            "done" => TaskState::Done,
            "escalated" => TaskState::Escalated {
                reason: EscalationReason::from_code(reason?)?,
            },
            "missed" => TaskState::Missed,
            "camera_unreachable" => TaskState::CameraUnreachable,
            "closed" => TaskState::Closed,
            "paused" => TaskState::Paused,
            "cancelled" => TaskState::Cancelled,
            _ => return None,
        })
    }

    /// No event moves a final state.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            TaskState::Done | TaskState::Closed | TaskState::Paused | TaskState::Cancelled
        )
    }

    /// Whether an operator may start a look-in now (the server's check, beside consent, role
    /// and camera).
    pub fn allows_look_in(self) -> bool {
        matches!(self, TaskState::Open { .. })
    }
}

/// Why staff were sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum EscalationReason {
    /// Not visible twice.
    NotVisibleTwice,
    /// Something abnormal was seen.
    Deviation,
}

crate::impl_codes!(EscalationReason);

/// What an operator saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
    SeenOk,
    NotVisible,
    Deviation,
}

crate::impl_codes!(Outcome);

/// What happens to a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Time passes (the scheduler's tick).
    Tick(Timestamp),
    /// The pre-window check found the camera unreachable (or it dropped during the window).
    CameraUnreachable(Timestamp),
    /// An operator began a look-in.
    LookInStarted(Timestamp),
    /// An operator recorded what was seen.
    Outcome(Timestamp, Outcome),
    /// The dispatch this task caused is closed.
    DispatchClosed(Timestamp),
    /// The client paused the night.
    Paused(Timestamp),
    /// The decision or consent no longer holds.
    Cancelled(Timestamp),
}

/// What the caller must do after a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Send the night patrol now (`phone_first`: phone the client, then visit if no answer).
    Dispatch {
        phone_first: bool,
        why: DispatchCause,
    },
    /// Tell the unit's supervisor.
    AlertSupervisor,
}

/// Why a dispatch was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum DispatchCause {
    NotVisibleTwice,
    Deviation,
    Missed,
    CameraUnreachable,
}

crate::impl_codes!(DispatchCause);

/// The rules one task follows (the client's settings over the municipality's defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskRules {
    pub opens: Timestamp,
    pub closes: Timestamp,
    pub recheck_delay: SignedDuration,
    /// How long a re-check stays open.
    pub recheck_window: SignedDuration,
    pub escalation: EscalationChain,
}

/// Why an event does not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The task is not in a state where this can happen (e.g. a look-in before the window).
    NotNow(SupervisionReason),
}

impl Refused {
    pub fn reason(self) -> SupervisionReason {
        match self {
            Refused::NotNow(r) => r,
        }
    }
}

impl From<Refused> for crate::reason::Reason {
    fn from(r: Refused) -> Self {
        r.reason().into()
    }
}

/// The result of a transition.
pub type Step = (TaskState, Vec<Effect>);

/// Applies an event to a task.
pub fn apply(state: TaskState, event: Event, rules: &TaskRules) -> Result<Step, Refused> {
    use TaskState as S;
    if state.is_final() {
        return match event {
            // Time passing over a finished task is no news.
            Event::Tick(_) => Ok((state, vec![])),
            _ => Err(Refused::NotNow(R::AlreadyFinished)),
        };
    }
    let dispatch = |why| Effect::Dispatch {
        phone_first: rules.escalation == EscalationChain::PhoneFirst
            && why == DispatchCause::NotVisibleTwice,
        why,
    };
    match (state, event) {
        (_, Event::Cancelled(_)) => Ok((S::Cancelled, vec![])),
        // A pause stops look-ins and escalation, but not staff already on their way.
        (S::Escalated { .. } | S::Missed | S::CameraUnreachable, Event::Paused(_)) => {
            Err(Refused::NotNow(R::StaffAlreadySent))
        }
        (_, Event::Paused(_)) => Ok((S::Paused, vec![])),

        (S::Planned, Event::Tick(now)) if now >= rules.closes => Ok((
            S::Missed,
            vec![dispatch(DispatchCause::Missed), Effect::AlertSupervisor],
        )),
        (S::Planned, Event::Tick(now)) if now >= rules.opens => {
            Ok((S::Open { recheck: None }, vec![]))
        }
        (S::Planned, Event::Tick(_)) => Ok((state, vec![])),

        (S::Open { recheck }, Event::Tick(now)) => {
            // A re-check keeps its own window.
            if now >= recheck.unwrap_or(rules.closes) {
                Ok((
                    S::Missed,
                    vec![dispatch(DispatchCause::Missed), Effect::AlertSupervisor],
                ))
            } else {
                Ok((state, vec![]))
            }
        }
        (S::RecheckDue { at }, Event::Tick(now)) if now >= at + rules.recheck_window => Ok((
            S::Missed,
            vec![dispatch(DispatchCause::Missed), Effect::AlertSupervisor],
        )),
        (S::RecheckDue { at }, Event::Tick(now)) if now >= at => Ok((
            S::Open {
                recheck: Some(at + rules.recheck_window),
            },
            vec![],
        )),
        (S::RecheckDue { .. }, Event::Tick(_)) => Ok((state, vec![])),
        // An outcome not recorded by the time the window closed: the look-in is not taken as
        // seen; the task is missed.
        (S::LookedIn { recheck }, Event::Tick(now))
            if now >= recheck.unwrap_or(rules.closes) + SignedDuration::from_mins(5) =>
        {
            Ok((
                S::Missed,
                vec![dispatch(DispatchCause::Missed), Effect::AlertSupervisor],
            ))
        }
        (S::LookedIn { .. }, Event::Tick(_)) => Ok((state, vec![])),
        // Waiting on staff, or (unreachable here) finished: time alone changes nothing.
        (
            S::Escalated { .. }
            | S::Missed
            | S::CameraUnreachable
            | S::Done
            | S::Closed
            | S::Paused
            | S::Cancelled,
            Event::Tick(_),
        ) => Ok((state, vec![])),

        (S::Planned | S::Open { .. } | S::RecheckDue { .. }, Event::CameraUnreachable(_)) => Ok((
            S::CameraUnreachable,
            vec![dispatch(DispatchCause::CameraUnreachable)],
        )),
        (_, Event::CameraUnreachable(_)) => Ok((state, vec![])),

        (S::Open { recheck }, Event::LookInStarted(now)) => {
            if now < rules.opens {
                Err(Refused::NotNow(R::WindowNotOpen))
            } else if now >= recheck.unwrap_or(rules.closes) {
                Err(Refused::NotNow(R::WindowClosed))
            } else {
                Ok((S::LookedIn { recheck }, vec![]))
            }
        }
        (S::LookedIn { recheck }, Event::LookInStarted(_)) => {
            // Looking again before recording (the view ended at its limit): allowed.
            Ok((S::LookedIn { recheck }, vec![]))
        }
        (S::Planned, Event::LookInStarted(_)) => Err(Refused::NotNow(R::WindowNotOpen)),
        (S::RecheckDue { .. }, Event::LookInStarted(_)) => Err(Refused::NotNow(R::RecheckNotDue)),
        (_, Event::LookInStarted(_)) => Err(Refused::NotNow(R::MovedOnToStaff)),

        (S::LookedIn { recheck }, Event::Outcome(now, o)) => Ok(match (o, recheck) {
            (Outcome::SeenOk, _) => (S::Done, vec![]),
            (Outcome::NotVisible, None) => (
                S::RecheckDue {
                    at: now + rules.recheck_delay,
                },
                vec![],
            ),
            (Outcome::NotVisible, Some(_)) => (
                S::Escalated {
                    reason: EscalationReason::NotVisibleTwice,
                },
                vec![dispatch(DispatchCause::NotVisibleTwice)],
            ),
            (Outcome::Deviation, _) => (
                S::Escalated {
                    reason: EscalationReason::Deviation,
                },
                vec![dispatch(DispatchCause::Deviation)],
            ),
        }),
        (_, Event::Outcome(..)) => Err(Refused::NotNow(R::OutcomeAfterLookIn)),

        (S::Escalated { .. } | S::Missed | S::CameraUnreachable, Event::DispatchClosed(_)) => {
            Ok((S::Closed, vec![]))
        }
        (_, Event::DispatchClosed(_)) => Err(Refused::NotNow(R::NoStaffSent)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(min: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + min * 60).unwrap()
    }

    /// A window from minute -15 to +30 around minute 0.
    fn rules(chain: EscalationChain) -> TaskRules {
        TaskRules {
            opens: t(-15),
            closes: t(30),
            recheck_delay: SignedDuration::from_mins(15),
            recheck_window: SignedDuration::from_mins(30),
            escalation: chain,
        }
    }

    fn run(events: &[Event], chain: EscalationChain) -> (TaskState, Vec<Effect>) {
        let r = rules(chain);
        let mut s = TaskState::Planned;
        let mut all = Vec::new();
        for e in events {
            let (n, fx) = apply(s, *e, &r).unwrap_or_else(|x| panic!("{e:?} in {s:?}: {x:?}"));
            s = n;
            all.extend(fx);
        }
        (s, all)
    }

    use Event::*;
    const NP: EscalationChain = EscalationChain::NightPatrol;

    #[test]
    fn seen_ok_is_done() {
        let (s, fx) = run(
            &[
                Tick(t(-20)),
                Tick(t(-15)),
                LookInStarted(t(0)),
                Outcome(t(0), super::Outcome::SeenOk),
            ],
            NP,
        );
        assert_eq!(s, TaskState::Done);
        assert!(fx.is_empty());
    }

    #[test]
    fn not_visible_twice_sends_the_night_patrol() {
        let r = rules(NP);
        let (s, _) = run(
            &[
                Tick(t(-15)),
                LookInStarted(t(0)),
                Outcome(t(1), super::Outcome::NotVisible),
            ],
            NP,
        );
        assert_eq!(s, TaskState::RecheckDue { at: t(16) });
        // Not yet due: still waiting; a look-in is refused.
        assert_eq!(apply(s, Tick(t(10)), &r).unwrap().0, s);
        assert!(apply(s, LookInStarted(t(10)), &r).is_err());
        let (s, _) = apply(s, Tick(t(16)), &r).unwrap();
        assert_eq!(
            s,
            TaskState::Open {
                recheck: Some(t(46))
            }
        );
        let (s, _) = apply(s, LookInStarted(t(17)), &r).unwrap();
        let (s, fx) = apply(s, Outcome(t(17), super::Outcome::NotVisible), &r).unwrap();
        assert_eq!(
            s,
            TaskState::Escalated {
                reason: EscalationReason::NotVisibleTwice
            }
        );
        assert_eq!(
            fx,
            [Effect::Dispatch {
                phone_first: false,
                why: DispatchCause::NotVisibleTwice
            }]
        );
        let (s, _) = apply(s, DispatchClosed(t(50)), &r).unwrap();
        assert_eq!(s, TaskState::Closed);
    }

    #[test]
    fn phone_first_clients_are_phoned_before_a_visit() {
        let (_, fx) = run(
            &[
                Tick(t(-15)),
                LookInStarted(t(0)),
                Outcome(t(0), super::Outcome::NotVisible),
                Tick(t(15)),
                LookInStarted(t(16)),
                Outcome(t(16), super::Outcome::NotVisible),
            ],
            EscalationChain::PhoneFirst,
        );
        assert_eq!(
            fx,
            [Effect::Dispatch {
                phone_first: true,
                why: DispatchCause::NotVisibleTwice
            }]
        );
        // A deviation sends staff at once, whatever the chain says.
        let (s, fx) = run(
            &[
                Tick(t(-15)),
                LookInStarted(t(0)),
                Outcome(t(0), super::Outcome::Deviation),
            ],
            EscalationChain::PhoneFirst,
        );
        assert_eq!(
            s,
            TaskState::Escalated {
                reason: EscalationReason::Deviation
            }
        );
        assert_eq!(
            fx,
            [Effect::Dispatch {
                phone_first: false,
                why: DispatchCause::Deviation
            }]
        );
    }

    #[test]
    fn a_window_that_closes_unseen_is_missed_and_the_supervisor_told() {
        let (s, fx) = run(&[Tick(t(-15)), Tick(t(29)), Tick(t(30))], NP);
        assert_eq!(s, TaskState::Missed);
        assert_eq!(
            fx,
            [
                Effect::Dispatch {
                    phone_first: false,
                    why: DispatchCause::Missed
                },
                Effect::AlertSupervisor
            ]
        );
        // A scheduler that was down all window still misses it, not skips it.
        let (s, _) = run(&[Tick(t(120))], NP);
        assert_eq!(s, TaskState::Missed);
        // A re-check nobody did is missed too.
        let (s, _) = run(
            &[
                Tick(t(-15)),
                LookInStarted(t(0)),
                Outcome(t(0), super::Outcome::NotVisible),
                Tick(t(15)),
                Tick(t(45)),
            ],
            NP,
        );
        assert_eq!(s, TaskState::Missed);
    }

    #[test]
    fn look_ins_only_inside_the_window() {
        let r = rules(NP);
        assert!(apply(TaskState::Planned, LookInStarted(t(-16)), &r).is_err());
        assert!(apply(TaskState::Open { recheck: None }, LookInStarted(t(30)), &r).is_err());
        assert!(apply(TaskState::Open { recheck: None }, LookInStarted(t(29)), &r).is_ok());
        // A re-check may run past the planned window, inside its own.
        assert!(
            apply(
                TaskState::Open {
                    recheck: Some(t(46))
                },
                LookInStarted(t(40)),
                &r
            )
            .is_ok()
        );
        assert!(apply(TaskState::Done, LookInStarted(t(0)), &r).is_err());
        assert!(apply(TaskState::Paused, LookInStarted(t(0)), &r).is_err());
        assert!(
            apply(
                TaskState::Planned,
                Outcome(t(0), super::Outcome::SeenOk),
                &r
            )
            .is_err()
        );
    }

    #[test]
    fn an_unreachable_camera_becomes_a_visit_at_once() {
        let (s, fx) = run(&[CameraUnreachable(t(-25))], NP);
        assert_eq!(s, TaskState::CameraUnreachable);
        assert_eq!(
            fx,
            [Effect::Dispatch {
                phone_first: false,
                why: DispatchCause::CameraUnreachable
            }]
        );
        let (s, _) = run(&[CameraUnreachable(t(-25)), DispatchClosed(t(20))], NP);
        assert_eq!(s, TaskState::Closed);
    }

    #[test]
    fn a_pause_stops_look_ins_and_escalation_but_not_staff_on_their_way() {
        let r = rules(NP);
        assert_eq!(
            run(&[Tick(t(-15)), Paused(t(-10))], NP).0,
            TaskState::Paused
        );
        assert_eq!(
            run(
                &[
                    Tick(t(-15)),
                    LookInStarted(t(0)),
                    Outcome(t(0), super::Outcome::NotVisible),
                    Paused(t(5))
                ],
                NP
            )
            .0,
            TaskState::Paused
        );
        assert!(apply(TaskState::Missed, Paused(t(40)), &r).is_err());
        // A paused task never escalates as time passes.
        assert_eq!(
            apply(TaskState::Paused, Tick(t(500)), &r).unwrap(),
            (TaskState::Paused, vec![])
        );
    }

    #[test]
    fn states_round_trip_through_their_stored_parts() {
        let all = [
            TaskState::Planned,
            TaskState::Open { recheck: None },
            TaskState::Open {
                recheck: Some(t(40)),
            },
            TaskState::LookedIn { recheck: None },
            TaskState::LookedIn {
                recheck: Some(t(40)),
            },
            TaskState::RecheckDue { at: t(15) },
            TaskState::Done,
            TaskState::Escalated {
                reason: EscalationReason::NotVisibleTwice,
            },
            TaskState::Escalated {
                reason: EscalationReason::Deviation,
            },
            TaskState::Missed,
            TaskState::CameraUnreachable,
            TaskState::Closed,
            TaskState::Paused,
            TaskState::Cancelled,
        ];
        for s in all {
            let (code, at, reason) = s.parts();
            assert_eq!(TaskState::from_parts(code, at, reason), Some(s));
        }
        assert_eq!(TaskState::from_parts("recheck_due", None, None), None);
        assert_eq!(TaskState::from_parts("sleeping", None, None), None);
    }

    fn event() -> impl Strategy<Value = Event> {
        let at = (-60i64..240).prop_map(t);
        prop_oneof![
            4 => at.clone().prop_map(Tick),
            1 => at.clone().prop_map(CameraUnreachable),
            3 => at.clone().prop_map(LookInStarted),
            3 => (at.clone(), prop_oneof![Just(super::Outcome::SeenOk), Just(super::Outcome::NotVisible), Just(super::Outcome::Deviation)])
                .prop_map(|(a, o)| Outcome(a, o)),
            1 => at.clone().prop_map(DispatchClosed),
            1 => at.clone().prop_map(Paused),
        ]
    }

    proptest! {
        /// Whatever happens during the night, a task ends in a final state once its dispatch
        /// (if any) closes and the night is over; a dispatch is made only for a state that waits
        /// on one; a final state never moves.
        #[test]
        fn every_task_ends_the_night_in_a_final_state(mut events in proptest::collection::vec(event(), 0..25)) {
            events.sort_by_key(|e| match e {
                Tick(a) | CameraUnreachable(a) | LookInStarted(a) | Outcome(a, _) | DispatchClosed(a) | Paused(a) | Cancelled(a) => *a,
            });
            let r = rules(NP);
            let mut s = TaskState::Planned;
            let mut dispatches = 0;
            for e in events {
                if let Ok((n, fx)) = apply(s, e, &r) {
                    if s.is_final() {
                        prop_assert_eq!(n, s);
                    }
                    dispatches += fx.iter().filter(|f| matches!(f, Effect::Dispatch { .. })).count();
                    s = n;
                }
            }
            prop_assert!(dispatches <= 1, "one dispatch per task at most");
            // The night ends: time passes far beyond every window, then any dispatch closes.
            let (s, _) = apply(s, Tick(t(24 * 60)), &r).unwrap();
            let s = match s {
                TaskState::Escalated { .. } | TaskState::Missed | TaskState::CameraUnreachable => {
                    apply(s, DispatchClosed(t(24 * 60)), &r).unwrap().0
                }
                other => other,
            };
            prop_assert!(s.is_final(), "ended in {:?}", s);
        }
    }

    fn a_dispatch() -> Dispatch {
        let task = SupervisionTask {
            id: TaskId::new(),
            client_id: ClientId::new(),
            night: jiff::civil::date(2026, 12, 1),
            kind: TaskKind::LookIn,
            planned_time: jiff::civil::time(23, 0, 0, 0),
            due: t(0),
            opens: t(-15),
            closes: t(30),
            dst: None,
            state: TaskState::Missed,
            updated_at: t(30),
        };
        let fx = [
            Effect::Dispatch {
                phone_first: false,
                why: DispatchCause::Missed,
            },
            Effect::AlertSupervisor,
        ];
        Dispatch::from_effects(&task, &fx, 45, t(30)).expect("a dispatch")
    }

    #[test]
    fn a_dispatch_goes_acknowledged_on_the_way_arrived_closed() {
        let by = crate::ids::UserId::new();
        let d = a_dispatch();
        assert!(d.alert_supervisor);
        assert_eq!(d.status(), DispatchStatus::New);
        assert_eq!(d.deadline(), t(75));
        assert_eq!(
            d.step(DispatchStep::Close, by, t(31), Some("x")),
            Err(Refused::NotNow(R::AcknowledgeFirst))
        );
        let d = d.step(DispatchStep::Acknowledge, by, t(31), None).unwrap();
        assert_eq!(
            (d.status(), d.responder),
            (DispatchStatus::Acknowledged, Some(by))
        );
        assert!(d.step(DispatchStep::Acknowledge, by, t(32), None).is_err());
        let d = d.step(DispatchStep::OnTheWay, by, t(33), None).unwrap();
        let d = d.step(DispatchStep::Arrived, by, t(60), None).unwrap();
        assert_eq!(d.response_time(), Some(SignedDuration::from_mins(30)));
        assert!(d.step(DispatchStep::OnTheWay, by, t(61), None).is_err());
        assert_eq!(
            d.step(DispatchStep::Close, by, t(70), Some("  ")),
            Err(Refused::NotNow(R::NoteRequired))
        );
        let d = d
            .step(DispatchStep::Close, by, t(70), Some(" Asleep, all well "))
            .unwrap();
        assert_eq!(d.status(), DispatchStatus::Closed);
        assert_eq!(d.close_note.as_deref(), Some("Asleep, all well"));
        assert!(d.step(DispatchStep::Arrived, by, t(71), None).is_err());
    }

    #[test]
    fn a_phone_call_may_close_without_arriving() {
        let by = crate::ids::UserId::new();
        let d = a_dispatch()
            .step(DispatchStep::Acknowledge, by, t(31), None)
            .unwrap()
            .step(DispatchStep::Close, by, t(35), Some("Answered the phone"))
            .unwrap();
        assert_eq!(d.status(), DispatchStatus::Closed);
        assert_eq!(d.response_time(), None);
    }

    #[test]
    fn codes_round_trip() {
        for &o in super::Outcome::ALL {
            assert_eq!(super::Outcome::from_code(o.code()), Some(o));
        }
        for &s in DispatchStep::ALL {
            assert_eq!(DispatchStep::from_code(s.code()), Some(s));
        }
        assert_eq!(DispatchStep::from_code("fly"), None);
    }
}

//! Safety alarms as the alarm centre handles them: what kind of alarm it is and how urgent, the
//! two SLA clocks (time to contact, time to arrival by the client's area), and the life of one
//! alarm from received to closed — a pure transition function, driven by the operator's and the
//! responder's steps and by time (escalation when nobody takes the alarm or acknowledges the
//! dispatch). The receiver, the console and the responder's phone view are built on this.

use jiff::{SignedDuration, Timestamp};

use crate::client::AreaType;
use crate::ids::UserId;

/// What an alarm is about, as the console sorts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlarmKind {
    /// The client pressed the button.
    Personal,
    Fall,
    /// Smoke, fire or another sensor in the home.
    Sensor,
    /// Low battery, mains failure, link loss, a missed heartbeat or periodic test.
    Technical,
    /// A test alarm: handled like the others, kept out of statistics.
    Test,
    /// A device the centre does not know sent something: provision it.
    UnknownDevice,
}

/// How urgent an alarm is: the console's queue is ordered by this, then by age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// A person may be in danger.
    Life = 0,
    /// The alarm chain itself is at risk (a client cannot call for help).
    Technical = 1,
    /// Administration: tests and unknown devices.
    Low = 2,
}

impl AlarmKind {
    pub fn priority(self) -> Priority {
        match self {
            AlarmKind::Personal | AlarmKind::Fall | AlarmKind::Sensor => Priority::Life,
            AlarmKind::Technical => Priority::Technical,
            AlarmKind::Test | AlarmKind::UnknownDevice => Priority::Low,
        }
    }

    /// Test alarms are kept out of statistics.
    pub fn counts_in_statistics(self) -> bool {
        self != AlarmKind::Test
    }
}

/// The municipality's targets (DOMAIN.md section 2; all settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlarmTargets {
    /// An operator must take an alarm within this, or it escalates.
    pub take_within: SignedDuration,
    /// The responder must acknowledge a dispatch within this, or it escalates.
    pub acknowledge_within: SignedDuration,
    /// From received to contact with the client (the call).
    pub contact: SignedDuration,
    pub arrival_town: SignedDuration,
    pub arrival_countryside: SignedDuration,
    pub arrival_special_housing: SignedDuration,
}

impl Default for AlarmTargets {
    fn default() -> Self {
        Self {
            take_within: SignedDuration::from_secs(60),
            acknowledge_within: SignedDuration::from_mins(5),
            contact: SignedDuration::from_mins(3),
            arrival_town: SignedDuration::from_mins(45),
            arrival_countryside: SignedDuration::from_mins(60),
            arrival_special_housing: SignedDuration::from_mins(20),
        }
    }
}

impl AlarmTargets {
    /// The arrival target for a client's area.
    pub fn arrival(&self, area: AreaType) -> SignedDuration {
        match area {
            AreaType::Town => self.arrival_town,
            AreaType::Countryside => self.arrival_countryside,
            AreaType::SpecialHousing => self.arrival_special_housing,
        }
    }
}

/// Where an alarm stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmState {
    /// In the queue, nobody has it.
    Received,
    /// An operator has it (others see who).
    Taken { by: UserId },
    /// Staff are sent along the alarm chain.
    Dispatched { by: UserId },
    /// The responder has acknowledged.
    Acknowledged { by: UserId },
    /// Staff are with the client.
    Arrived { by: UserId },
    /// Handled, with a cause. Final.
    Closed,
}

/// What happens to an alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmEvent {
    /// Time passes.
    Tick(Timestamp),
    Take {
        by: UserId,
        at: Timestamp,
    },
    /// The operator lets the alarm go back to the queue.
    Release {
        by: UserId,
        at: Timestamp,
    },
    /// The operator reached the client (or whoever answered).
    Contact {
        by: UserId,
        at: Timestamp,
    },
    Dispatch {
        by: UserId,
        at: Timestamp,
    },
    Acknowledge {
        by: UserId,
        at: Timestamp,
    },
    Arrive {
        by: UserId,
        at: Timestamp,
    },
    Close {
        by: UserId,
        at: Timestamp,
    },
}

/// What the caller must do after a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmEffect {
    /// Nobody took the alarm in time: alert every operator (and the duty supervisor).
    EscalateNotTaken,
    /// Nobody acknowledged the dispatch in time: dispatch along the next link of the chain.
    EscalateNotAcknowledged,
}

/// An alarm's clocks and state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alarm {
    pub kind: AlarmKind,
    pub area: AreaType,
    pub received_at: Timestamp,
    pub state: AlarmState,
    pub contacted_at: Option<Timestamp>,
    pub dispatched_at: Option<Timestamp>,
    pub arrived_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    /// Escalations already raised (each once).
    pub escalated_not_taken: bool,
    pub escalated_not_acknowledged: bool,
}

/// Why a step does not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlarmRefused(pub &'static str);

/// The two SLA clocks of an alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sla {
    pub contact_target: SignedDuration,
    pub arrival_target: SignedDuration,
    /// Received to contact, once contacted.
    pub to_contact: Option<SignedDuration>,
    /// Received to arrival, once arrived.
    pub to_arrival: Option<SignedDuration>,
}

impl Sla {
    pub fn contact_met(&self) -> Option<bool> {
        self.to_contact.map(|d| d <= self.contact_target)
    }

    pub fn arrival_met(&self) -> Option<bool> {
        self.to_arrival.map(|d| d <= self.arrival_target)
    }
}

impl Alarm {
    pub fn new(kind: AlarmKind, area: AreaType, received_at: Timestamp) -> Self {
        Self {
            kind,
            area,
            received_at,
            state: AlarmState::Received,
            contacted_at: None,
            dispatched_at: None,
            arrived_at: None,
            closed_at: None,
            escalated_not_taken: false,
            escalated_not_acknowledged: false,
        }
    }

    /// The clocks measured against the targets.
    pub fn sla(&self, targets: &AlarmTargets) -> Sla {
        Sla {
            contact_target: targets.contact,
            arrival_target: targets.arrival(self.area),
            to_contact: self
                .contacted_at
                .map(|t| t.duration_since(self.received_at)),
            to_arrival: self.arrived_at.map(|t| t.duration_since(self.received_at)),
        }
    }

    /// Applies one step; returns the alarm after it and what to do.
    pub fn apply(
        &self,
        event: AlarmEvent,
        targets: &AlarmTargets,
    ) -> Result<(Alarm, Vec<AlarmEffect>), AlarmRefused> {
        use AlarmState as S;
        let mut a = self.clone();
        let mut fx = Vec::new();
        if self.state == S::Closed {
            return match event {
                AlarmEvent::Tick(_) => Ok((a, fx)),
                _ => Err(AlarmRefused("the alarm is closed")),
            };
        }
        match (self.state, event) {
            (_, AlarmEvent::Tick(now)) => {
                if self.state == S::Received
                    && !self.escalated_not_taken
                    && now >= self.received_at + targets.take_within
                {
                    a.escalated_not_taken = true;
                    fx.push(AlarmEffect::EscalateNotTaken);
                }
                if let (S::Dispatched { .. }, Some(d)) = (self.state, self.dispatched_at)
                    && !self.escalated_not_acknowledged
                    && now >= d + targets.acknowledge_within
                {
                    a.escalated_not_acknowledged = true;
                    fx.push(AlarmEffect::EscalateNotAcknowledged);
                }
            }
            (S::Received, AlarmEvent::Take { by, .. }) => a.state = S::Taken { by },
            (S::Taken { by: holder }, AlarmEvent::Take { by, .. }) if holder != by => {
                return Err(AlarmRefused("another operator has the alarm"));
            }
            (_, AlarmEvent::Take { .. }) => {
                return Err(AlarmRefused("the alarm is already being handled"));
            }
            (S::Taken { by: holder }, AlarmEvent::Release { by, .. }) if holder == by => {
                a.state = S::Received;
            }
            (_, AlarmEvent::Release { .. }) => {
                return Err(AlarmRefused(
                    "only the operator who has the alarm can release it",
                ));
            }
            (S::Taken { by: holder }, AlarmEvent::Contact { by, at })
            | (S::Dispatched { by: holder }, AlarmEvent::Contact { by, at })
                if holder == by =>
            {
                a.contacted_at.get_or_insert(at);
            }
            (_, AlarmEvent::Contact { .. }) => {
                return Err(AlarmRefused("take the alarm first"));
            }
            (S::Taken { by: holder }, AlarmEvent::Dispatch { by, at }) if holder == by => {
                a.state = S::Dispatched { by };
                a.dispatched_at = Some(at);
            }
            (_, AlarmEvent::Dispatch { .. }) => {
                return Err(AlarmRefused("take the alarm before dispatching"));
            }
            (S::Dispatched { .. }, AlarmEvent::Acknowledge { by, .. }) => {
                a.state = S::Acknowledged { by };
            }
            (_, AlarmEvent::Acknowledge { .. }) => {
                return Err(AlarmRefused("nothing to acknowledge"));
            }
            (S::Acknowledged { by: r }, AlarmEvent::Arrive { by, at }) if r == by => {
                a.state = S::Arrived { by };
                a.arrived_at = Some(at);
                // Being there counts as contact, if nobody reached the client before.
                a.contacted_at.get_or_insert(at);
            }
            (_, AlarmEvent::Arrive { .. }) => {
                return Err(AlarmRefused("acknowledge the dispatch first"));
            }
            // The operator may close an alarm handled by phone; a dispatched one is closed by the
            // responder once there.
            (S::Taken { by: holder }, AlarmEvent::Close { by, at })
            | (S::Arrived { by: holder }, AlarmEvent::Close { by, at })
                if holder == by =>
            {
                a.state = S::Closed;
                a.closed_at = Some(at);
            }
            (_, AlarmEvent::Close { .. }) => {
                return Err(AlarmRefused("the alarm cannot be closed by you now"));
            }
        }
        Ok((a, fx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).unwrap()
    }

    #[test]
    fn priorities_order_the_queue() {
        assert!(AlarmKind::Fall.priority() < AlarmKind::Technical.priority());
        assert!(AlarmKind::Technical.priority() < AlarmKind::Test.priority());
        assert!(!AlarmKind::Test.counts_in_statistics());
        assert!(AlarmKind::Personal.counts_in_statistics());
    }

    #[test]
    fn an_alarm_taken_dispatched_and_closed_measures_both_clocks() {
        let targets = AlarmTargets::default();
        let (op, nurse) = (UserId::new(), UserId::new());
        let a = Alarm::new(AlarmKind::Fall, AreaType::Countryside, t(0));
        let (a, fx) = a
            .apply(AlarmEvent::Take { by: op, at: t(20) }, &targets)
            .unwrap();
        assert!(fx.is_empty());
        // Another operator sees who has it and cannot take it.
        let other = UserId::new();
        assert_eq!(
            a.apply(
                AlarmEvent::Take {
                    by: other,
                    at: t(21)
                },
                &targets
            ),
            Err(AlarmRefused("another operator has the alarm"))
        );
        let (a, _) = a
            .apply(AlarmEvent::Contact { by: op, at: t(150) }, &targets)
            .unwrap();
        let (a, _) = a
            .apply(AlarmEvent::Dispatch { by: op, at: t(200) }, &targets)
            .unwrap();
        let (a, _) = a
            .apply(
                AlarmEvent::Acknowledge {
                    by: nurse,
                    at: t(260),
                },
                &targets,
            )
            .unwrap();
        assert!(
            a.apply(
                AlarmEvent::Arrive {
                    by: other,
                    at: t(300)
                },
                &targets
            )
            .is_err()
        );
        let (a, _) = a
            .apply(
                AlarmEvent::Arrive {
                    by: nurse,
                    at: t(3000),
                },
                &targets,
            )
            .unwrap();
        let (a, _) = a
            .apply(
                AlarmEvent::Close {
                    by: nurse,
                    at: t(3600),
                },
                &targets,
            )
            .unwrap();
        assert_eq!(a.state, AlarmState::Closed);
        let sla = a.sla(&targets);
        assert_eq!(sla.to_contact, Some(SignedDuration::from_secs(150)));
        assert_eq!(sla.contact_met(), Some(true));
        // Countryside: 60 minutes; 50 min after the alarm is within it.
        assert_eq!(sla.arrival_target, SignedDuration::from_mins(60));
        assert_eq!(sla.to_arrival, Some(SignedDuration::from_secs(3000)));
        assert_eq!(sla.arrival_met(), Some(true));
        assert!(
            a.apply(
                AlarmEvent::Take {
                    by: op,
                    at: t(4000)
                },
                &targets
            )
            .is_err()
        );
    }

    #[test]
    fn late_contact_and_arrival_miss_their_targets() {
        let targets = AlarmTargets::default();
        let (op, r) = (UserId::new(), UserId::new());
        let a = Alarm::new(AlarmKind::Personal, AreaType::SpecialHousing, t(0));
        let steps = [
            AlarmEvent::Take { by: op, at: t(10) },
            AlarmEvent::Dispatch { by: op, at: t(30) },
            AlarmEvent::Acknowledge { by: r, at: t(40) },
            AlarmEvent::Arrive {
                by: r,
                at: t(25 * 60),
            },
        ];
        let a = steps
            .into_iter()
            .fold(a, |a, e| a.apply(e, &targets).unwrap().0);
        let sla = a.sla(&targets);
        // Nobody called first: arrival is the contact, 25 minutes in.
        assert_eq!(sla.contact_met(), Some(false));
        assert_eq!(sla.arrival_target, SignedDuration::from_mins(20));
        assert_eq!(sla.arrival_met(), Some(false));
    }

    #[test]
    fn an_alarm_nobody_takes_or_acknowledges_escalates_once() {
        let targets = AlarmTargets::default();
        let op = UserId::new();
        let a = Alarm::new(AlarmKind::Personal, AreaType::Town, t(0));
        let (a, fx) = a.apply(AlarmEvent::Tick(t(59)), &targets).unwrap();
        assert!(fx.is_empty());
        let (a, fx) = a.apply(AlarmEvent::Tick(t(60)), &targets).unwrap();
        assert_eq!(fx, [AlarmEffect::EscalateNotTaken]);
        let (a, fx) = a.apply(AlarmEvent::Tick(t(90)), &targets).unwrap();
        assert!(fx.is_empty(), "once");
        let (a, _) = a
            .apply(AlarmEvent::Take { by: op, at: t(95) }, &targets)
            .unwrap();
        let (a, _) = a
            .apply(AlarmEvent::Dispatch { by: op, at: t(100) }, &targets)
            .unwrap();
        let (a, fx) = a.apply(AlarmEvent::Tick(t(399)), &targets).unwrap();
        assert!(fx.is_empty());
        let (a, fx) = a.apply(AlarmEvent::Tick(t(400)), &targets).unwrap();
        assert_eq!(fx, [AlarmEffect::EscalateNotAcknowledged]);
        let (_, fx) = a.apply(AlarmEvent::Tick(t(500)), &targets).unwrap();
        assert!(fx.is_empty(), "once");
    }

    #[test]
    fn release_and_phone_handling() {
        let targets = AlarmTargets::default();
        let (op, other) = (UserId::new(), UserId::new());
        let a = Alarm::new(AlarmKind::Personal, AreaType::Town, t(0));
        let (a, _) = a
            .apply(AlarmEvent::Take { by: op, at: t(5) }, &targets)
            .unwrap();
        assert!(
            a.apply(
                AlarmEvent::Release {
                    by: other,
                    at: t(6)
                },
                &targets
            )
            .is_err()
        );
        let (a, _) = a
            .apply(AlarmEvent::Release { by: op, at: t(7) }, &targets)
            .unwrap();
        assert_eq!(a.state, AlarmState::Received);
        let (a, _) = a
            .apply(
                AlarmEvent::Take {
                    by: other,
                    at: t(8),
                },
                &targets,
            )
            .unwrap();
        // Pressed by mistake: the operator calls, the client is fine, the alarm is closed.
        let (a, _) = a
            .apply(
                AlarmEvent::Contact {
                    by: other,
                    at: t(40),
                },
                &targets,
            )
            .unwrap();
        let (a, _) = a
            .apply(
                AlarmEvent::Close {
                    by: other,
                    at: t(90),
                },
                &targets,
            )
            .unwrap();
        assert_eq!(a.state, AlarmState::Closed);
        assert_eq!(a.sla(&targets).to_arrival, None);
        assert_eq!(a.sla(&targets).contact_met(), Some(true));
    }
}

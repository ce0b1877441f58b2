//! Safety alarms as the alarm centre handles them: what kind of alarm it is and how urgent, the
//! two SLA clocks (time to contact, time to arrival by the client's area), and the life of one
//! alarm from received to closed — a pure transition function, driven by the operator's and the
//! responder's steps and by time (escalation when nobody takes the alarm or acknowledges the
//! dispatch). The receiver, the console and the responder's phone view are built on this.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::client::AreaType;
use crate::ids::UserId;
use crate::reason::AlarmReason;

/// What an alarm is about, as the console sorts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
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

    /// Test alarms, and devices nobody registered, are kept out of statistics.
    pub fn counts_in_statistics(self) -> bool {
        !matches!(self, AlarmKind::Test | AlarmKind::UnknownDevice)
    }
}

/// The municipality's targets (see docs/RULES.md, "Safety alarms"; all settings).
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
    /// The responder is on the way.
    OnTheWay { by: UserId },
    /// Staff are with the client.
    Arrived { by: UserId },
    /// Handled, with a cause. Final.
    Closed,
}

/// Where an alarm stands, as stored and sent (who holds it is stored beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum AlarmStatus {
    Received,
    Taken,
    Dispatched,
    Acknowledged,
    OnTheWay,
    Arrived,
    Closed,
}

crate::impl_codes!(AlarmStatus);

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
    OnTheWay {
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
    /// The operator who has the alarm (from take to close; cleared on release).
    pub operator: Option<UserId>,
    pub taken_at: Option<Timestamp>,
    pub contacted_at: Option<Timestamp>,
    /// The latest dispatch (a re-dispatch along the chain restarts the acknowledge clock).
    pub dispatched_at: Option<Timestamp>,
    pub acknowledged_at: Option<Timestamp>,
    pub on_way_at: Option<Timestamp>,
    pub arrived_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    /// Escalations already raised (each once).
    pub escalated_not_taken: bool,
    pub escalated_not_acknowledged: bool,
}

/// Why a step does not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlarmRefused(pub AlarmReason);

impl From<AlarmRefused> for crate::reason::Reason {
    fn from(r: AlarmRefused) -> Self {
        r.0.into()
    }
}

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
            operator: None,
            taken_at: None,
            contacted_at: None,
            dispatched_at: None,
            acknowledged_at: None,
            on_way_at: None,
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
                _ => Err(AlarmRefused(AlarmReason::Closed)),
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
            (S::Received, AlarmEvent::Take { by, at }) => {
                a.state = S::Taken { by };
                a.operator = Some(by);
                a.taken_at.get_or_insert(at);
            }
            (S::Taken { by: holder }, AlarmEvent::Take { by, .. }) if holder != by => {
                return Err(AlarmRefused(AlarmReason::HeldByAnotherOperator));
            }
            (_, AlarmEvent::Take { .. }) => {
                return Err(AlarmRefused(AlarmReason::AlreadyBeingHandled));
            }
            (S::Taken { by: holder }, AlarmEvent::Release { by, .. }) if holder == by => {
                a.state = S::Received;
                a.operator = None;
            }
            (_, AlarmEvent::Release { .. }) => {
                return Err(AlarmRefused(AlarmReason::OnlyHolderReleases));
            }
            // The operator who has the alarm reaches the client (or whoever answers) at any
            // point until it is closed.
            (_, AlarmEvent::Contact { by, at }) if self.operator == Some(by) => {
                a.contacted_at.get_or_insert(at);
            }
            (_, AlarmEvent::Contact { .. }) => {
                return Err(AlarmRefused(AlarmReason::TakeFirst));
            }
            // Dispatch, or dispatch again along the chain when nobody acknowledged.
            (S::Taken { .. } | S::Dispatched { .. }, AlarmEvent::Dispatch { by, at })
                if self.operator == Some(by) =>
            {
                a.state = S::Dispatched { by };
                a.dispatched_at = Some(at);
                a.escalated_not_acknowledged = false;
            }
            (_, AlarmEvent::Dispatch { .. }) => {
                return Err(AlarmRefused(AlarmReason::TakeBeforeDispatch));
            }
            (S::Dispatched { .. }, AlarmEvent::Acknowledge { by, at }) => {
                a.state = S::Acknowledged { by };
                a.acknowledged_at = Some(at);
            }
            (_, AlarmEvent::Acknowledge { .. }) => {
                return Err(AlarmRefused(AlarmReason::NothingToAcknowledge));
            }
            (S::Acknowledged { by: r }, AlarmEvent::OnTheWay { by, at }) if r == by => {
                a.state = S::OnTheWay { by };
                a.on_way_at = Some(at);
            }
            (_, AlarmEvent::OnTheWay { .. }) => {
                return Err(AlarmRefused(AlarmReason::AcknowledgeFirst));
            }
            (S::Acknowledged { by: r } | S::OnTheWay { by: r }, AlarmEvent::Arrive { by, at })
                if r == by =>
            {
                a.state = S::Arrived { by };
                a.arrived_at = Some(at);
                // Being there counts as contact, if nobody reached the client before.
                a.contacted_at.get_or_insert(at);
            }
            (_, AlarmEvent::Arrive { .. }) => {
                return Err(AlarmRefused(AlarmReason::AcknowledgeFirst));
            }
            // The responder closes once there; the operator who has the alarm may close it at
            // any point (handled by phone, a relative helped, pressed by mistake).
            (S::Arrived { by: r }, AlarmEvent::Close { by, at }) if r == by => {
                a.state = S::Closed;
                a.closed_at = Some(at);
            }
            (_, AlarmEvent::Close { by, at }) if self.operator == Some(by) => {
                a.state = S::Closed;
                a.closed_at = Some(at);
            }
            (_, AlarmEvent::Close { .. }) => {
                return Err(AlarmRefused(AlarmReason::CannotCloseNow));
            }
        }
        Ok((a, fx))
    }
}

crate::impl_codes!(AlarmKind);

impl AlarmState {
    /// Where the alarm stands, without who holds it.
    pub fn status(self) -> AlarmStatus {
        match self {
            AlarmState::Received => AlarmStatus::Received,
            AlarmState::Taken { .. } => AlarmStatus::Taken,
            AlarmState::Dispatched { .. } => AlarmStatus::Dispatched,
            AlarmState::Acknowledged { .. } => AlarmStatus::Acknowledged,
            AlarmState::OnTheWay { .. } => AlarmStatus::OnTheWay,
            AlarmState::Arrived { .. } => AlarmStatus::Arrived,
            AlarmState::Closed => AlarmStatus::Closed,
        }
    }

    /// The stored code (its [`AlarmStatus`]'s); who holds the state is stored beside it
    /// (operator or responder).
    pub fn code(self) -> &'static str {
        self.status().code()
    }

    /// Rebuilds a state from its code, the operator and the responder. Written by hand: the
    /// variants carry who holds the alarm, which the code alone does not tell.
    pub fn from_parts(
        code: &str,
        operator: Option<UserId>,
        responder: Option<UserId>,
    ) -> Option<Self> {
        Some(match AlarmStatus::from_code(code)? {
            AlarmStatus::Received => AlarmState::Received,
            AlarmStatus::Taken => AlarmState::Taken { by: operator? },
            AlarmStatus::Dispatched => AlarmState::Dispatched { by: operator? },
            AlarmStatus::Acknowledged => AlarmState::Acknowledged { by: responder? },
            AlarmStatus::OnTheWay => AlarmState::OnTheWay { by: responder? },
            AlarmStatus::Arrived => AlarmState::Arrived { by: responder? },
            AlarmStatus::Closed => AlarmState::Closed,
        })
    }

    /// The responder who holds the alarm, once acknowledged.
    pub fn responder(self) -> Option<UserId> {
        match self {
            AlarmState::Acknowledged { by }
            | AlarmState::OnTheWay { by }
            | AlarmState::Arrived { by } => Some(by),
            _ => None,
        }
    }
}

/// One link of a client's alarm chain (larmkedja): who is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ChainLink {
    /// The night patrol covering the client's unit.
    NightPatrol,
    /// The client's home-care group (or special housing staff).
    HomeCare,
    /// A relative or other contact, called by the operator (who records their steps).
    Relative,
}

crate::impl_codes!(ChainLink);

/// The hours the night patrol answers alarms (local time): 21:00–07:00 by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NightHours {
    pub starts: jiff::civil::Time,
    pub ends: jiff::civil::Time,
}

impl Default for NightHours {
    fn default() -> Self {
        Self {
            starts: jiff::civil::time(21, 0, 0, 0),
            ends: jiff::civil::time(7, 0, 0, 0),
        }
    }
}

impl NightHours {
    pub fn contains(&self, local: jiff::civil::Time) -> bool {
        if self.starts <= self.ends {
            local >= self.starts && local < self.ends
        } else {
            local >= self.starts || local < self.ends
        }
    }
}

/// A client's alarm chain at a local time of day: staff first (the night patrol at night, the
/// home-care group by day, then the other), relatives last when the client has any.
pub fn alarm_chain(
    local: jiff::civil::Time,
    night: &NightHours,
    has_contacts: bool,
) -> Vec<ChainLink> {
    let mut chain = if night.contains(local) {
        vec![ChainLink::NightPatrol, ChainLink::HomeCare]
    } else {
        vec![ChainLink::HomeCare, ChainLink::NightPatrol]
    };
    if has_contacts {
        chain.push(ChainLink::Relative);
    }
    chain
}

/// The link after `current` in `chain`, for an escalation when nobody acknowledged.
pub fn next_link(chain: &[ChainLink], current: ChainLink) -> Option<ChainLink> {
    let i = chain.iter().position(|&l| l == current)?;
    chain.get(i + 1).copied()
}

/// Why an alarm was closed (the cause code statistics count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum CloseCause {
    /// Help given at home (toilet, bed, reassurance…).
    HelpGiven,
    /// A fall: helped up.
    Fall,
    /// Ambulance or health care called.
    Ambulance,
    /// Pressed by mistake; the client is fine.
    Accidental,
    /// A test alarm.
    Test,
    /// A technical fault, seen to.
    Technical,
    /// Anything else (described in the note).
    Other,
}

crate::impl_codes!(CloseCause);

impl CloseCause {
    /// Other needs a note to say what it was.
    pub fn needs_note(self) -> bool {
        self == CloseCause::Other
    }
}

/// An alarm as stored: where it came from, what it is, and its life ([`Alarm`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlarmRecord {
    pub id: crate::ids::AlarmId,
    /// The message it came in (none for alarms the system raises: a missed heartbeat).
    pub message_id: Option<crate::ids::AlarmMessageId>,
    pub device_id: Option<crate::ids::DeviceId>,
    pub client_id: Option<crate::ids::ClientId>,
    /// The DC-09 account it came from (an unknown device has only this).
    pub account: Option<String>,
    /// The finer category (`personal_alarm`, `low_battery`, `heartbeat_missed`…).
    pub category: String,
    /// The code as the device sent it (`MA`, `1100`), or the system's own.
    pub code: String,
    pub zone: Option<String>,
    /// The caller channel a SCAIP message named (`crd`: `gsm:+46…`, `no-voice:`), so the
    /// operator can call back; none for DC-09.
    pub caller: Option<String>,
    pub alarm: Alarm,
    /// The link of the chain last dispatched.
    pub chain_link: Option<ChainLink>,
    pub closed_by: Option<UserId>,
    pub cause: Option<CloseCause>,
    /// The operator's call note and the closing note.
    pub note: Option<String>,
    /// When the device reported the condition over (a restore), for technical alarms.
    pub restored_at: Option<Timestamp>,
    /// How many times it came in (an unknown device that keeps trying).
    pub occurrences: i64,
    pub last_at: Timestamp,
    pub updated_at: Timestamp,
}

impl AlarmRecord {
    /// A new alarm, received now.
    pub fn new(kind: AlarmKind, area: AreaType, category: &str, code: &str, at: Timestamp) -> Self {
        Self {
            id: crate::ids::AlarmId::new(),
            message_id: None,
            device_id: None,
            client_id: None,
            account: None,
            category: category.to_owned(),
            code: code.to_owned(),
            zone: None,
            caller: None,
            alarm: Alarm::new(kind, area, at),
            chain_link: None,
            closed_by: None,
            cause: None,
            note: None,
            restored_at: None,
            occurrences: 1,
            last_at: at,
            updated_at: at,
        }
    }
}

/// One step in an alarm's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlarmLogEntry {
    pub id: crate::ids::AlarmLogId,
    pub alarm_id: crate::ids::AlarmId,
    pub at: Timestamp,
    /// Who did it; none for the system (received, escalated).
    pub user_id: Option<UserId>,
    pub step: String,
    pub note: Option<String>,
}

/// One event message as the receiver accepted it, before the device got its ACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlarmMessage {
    pub id: crate::ids::AlarmMessageId,
    pub account: String,
    pub seq: u16,
    /// Recognises the same message sent again (a hash of its data, not of its timestamp).
    pub fingerprint: i64,
    /// `SIA-DCS` or `ADM-CID`.
    pub token: String,
    pub device_id: Option<crate::ids::DeviceId>,
    /// The data field as text (codes and zones; no names).
    pub data: String,
    /// The device's own timestamp.
    pub message_at: Option<Timestamp>,
    pub received_at: Timestamp,
    /// `tcp` or `udp`.
    pub transport: String,
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
            Err(AlarmRefused(AlarmReason::HeldByAnotherOperator))
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
    fn codes_round_trip() {
        for &k in AlarmKind::ALL {
            assert_eq!(AlarmKind::from_code(k.code()), Some(k));
        }
        for &c in CloseCause::ALL {
            assert_eq!(CloseCause::from_code(c.code()), Some(c));
        }
        for &l in ChainLink::ALL {
            assert_eq!(ChainLink::from_code(l.code()), Some(l));
        }
        let (op, r) = (UserId::new(), UserId::new());
        for st in [
            AlarmState::Received,
            AlarmState::Taken { by: op },
            AlarmState::Dispatched { by: op },
            AlarmState::Acknowledged { by: r },
            AlarmState::OnTheWay { by: r },
            AlarmState::Arrived { by: r },
            AlarmState::Closed,
        ] {
            assert_eq!(
                AlarmState::from_parts(st.code(), Some(op), Some(r)),
                Some(st)
            );
        }
        assert_eq!(AlarmState::from_parts("taken", None, None), None);
        assert_eq!(AlarmState::from_parts("nonsense", Some(op), None), None);
    }

    #[test]
    fn the_chain_starts_with_the_night_patrol_at_night() {
        let night = NightHours::default();
        let t = |h, m| jiff::civil::time(h, m, 0, 0);
        assert_eq!(
            alarm_chain(t(23, 0), &night, true),
            [
                ChainLink::NightPatrol,
                ChainLink::HomeCare,
                ChainLink::Relative
            ]
        );
        assert_eq!(
            alarm_chain(t(6, 59), &night, false),
            [ChainLink::NightPatrol, ChainLink::HomeCare]
        );
        assert_eq!(
            alarm_chain(t(7, 0), &night, false),
            [ChainLink::HomeCare, ChainLink::NightPatrol]
        );
        assert_eq!(alarm_chain(t(20, 59), &night, true)[0], ChainLink::HomeCare);
        let chain = alarm_chain(t(12, 0), &night, true);
        assert_eq!(
            next_link(&chain, ChainLink::HomeCare),
            Some(ChainLink::NightPatrol)
        );
        assert_eq!(next_link(&chain, ChainLink::Relative), None);
    }

    #[test]
    fn a_dispatch_nobody_acknowledges_can_go_to_the_next_link_and_the_clock_restarts() {
        let targets = AlarmTargets::default();
        let (op, r, other) = (UserId::new(), UserId::new(), UserId::new());
        let a = Alarm::new(AlarmKind::Fall, AreaType::Town, t(0));
        let (a, _) = a
            .apply(AlarmEvent::Take { by: op, at: t(5) }, &targets)
            .unwrap();
        assert_eq!(a.taken_at, Some(t(5)));
        let (a, _) = a
            .apply(AlarmEvent::Dispatch { by: op, at: t(10) }, &targets)
            .unwrap();
        // Another operator cannot dispatch or close it.
        assert!(
            a.apply(
                AlarmEvent::Dispatch {
                    by: other,
                    at: t(11)
                },
                &targets
            )
            .is_err()
        );
        let (a, fx) = a.apply(AlarmEvent::Tick(t(310)), &targets).unwrap();
        assert_eq!(fx, [AlarmEffect::EscalateNotAcknowledged]);
        let (a, _) = a
            .apply(AlarmEvent::Dispatch { by: op, at: t(320) }, &targets)
            .unwrap();
        assert!(!a.escalated_not_acknowledged);
        let (a, fx) = a.apply(AlarmEvent::Tick(t(619)), &targets).unwrap();
        assert!(fx.is_empty(), "the clock restarted at the second dispatch");
        let (a, _) = a
            .apply(AlarmEvent::Acknowledge { by: r, at: t(630) }, &targets)
            .unwrap();
        // Release is no longer possible once dispatched.
        assert!(
            a.apply(AlarmEvent::Release { by: op, at: t(631) }, &targets)
                .is_err()
        );
        let (a, _) = a
            .apply(AlarmEvent::OnTheWay { by: r, at: t(640) }, &targets)
            .unwrap();
        assert!(
            a.apply(AlarmEvent::OnTheWay { by: r, at: t(641) }, &targets)
                .is_err()
        );
        let (a, _) = a
            .apply(AlarmEvent::Arrive { by: r, at: t(1200) }, &targets)
            .unwrap();
        assert_eq!(
            (a.acknowledged_at, a.on_way_at),
            (Some(t(630)), Some(t(640)))
        );
        // The responder closes.
        let (a, _) = a
            .apply(AlarmEvent::Close { by: r, at: t(1500) }, &targets)
            .unwrap();
        assert_eq!(a.state, AlarmState::Closed);
        assert_eq!(a.sla(&targets).arrival_met(), Some(true));
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

/// Why the alarm receiver refused a message: the code in its log, its metrics
/// (`vaka_dc09_refused_total{reason}`) and the audit entry of a refusal (never the content).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum MessageRefusal {
    /// Not an `LF … CR` frame, or too short.
    Framing,
    /// CRC field or value wrong.
    Crc,
    /// Length field or value wrong.
    Length,
    /// An unusable header.
    Header,
    /// Data or extended data that cannot be read.
    Content,
    /// A malformed timestamp.
    Timestamp,
    /// An encrypted message without a timestamp (DC-09 requires one: without it a recorded
    /// message could be replayed at any time).
    MissingTimestamp,
    /// A timestamp outside the −40/+20 s window: a late resend, a wrong clock, or a replay.
    Window,
    /// Ciphertext that is malformed or does not decrypt with the account's key, or an
    /// encrypted message for an account that has no key.
    Key,
    /// An ID token the receiver does not take.
    Token,
    /// An account nobody provisioned.
    UnknownAccount,
    /// A clear message for an account that has a key.
    ClearForEncryptedAccount,
    /// A message for an account with neither a key nor an explicit clear marking.
    UnsecuredAccount,
    /// A SCAIP message whose SIP digest credentials did not match the unit's password.
    Authentication,
}

crate::impl_codes!(MessageRefusal);

//! What a request means for the alarm centre: the `dty` + `stc` pair (and `mty`) mapped to a
//! small set of kinds, the same Vaka uses for SIA DC-09 (research §8.5). The codec stays
//! independent of `vaka-domain`; the receiver maps [`EventKind`] to its alarm kinds.
//!
//! How a request is classified, first match wins:
//!
//! 1. `mty` `PI` → [`EventKind::Heartbeat`]; `mty` `RE` → [`EventKind::Cancel`].
//! 2. A configured `(dty, stc)` pair ([`EventMap::with_pair`]).
//! 3. A configured status code ([`EventMap::with_status`]).
//! 4. The built-in status table below. Alarm codes (`0006` activated, `0009` automatic alarm,
//!    `0010` manual alarm, `0011` alert, `0110` assistance) take their kind from the device
//!    type: a configured one ([`EventMap::with_device`]), else the built-in device table.
//! 5. A code in neither table → the fallback ([`EventKind::Technical`] unless configured,
//!    as DC-09's unmapped codes), so an unknown event is never silent.
//!
//! | status codes (`stc`) | kind |
//! |---|---|
//! | 6, 9, 10, 11, 110 | alarm: by device type |
//! | 14 battery failure, 16 battery low, 23–27 link failures, 31 disconnected, 32–40 error codes, 42 failure, 52 jammed, 63 loss, 65/66 maintenance, 67 malfunction, 68 memory full, 73 offline, 78 out of service, 85 power failure, 95 RF interference, 105 trouble, 122 radio interference, 123 radio test missing, 125 tamper | technical |
//! | 15 battery OK, 70 normal state, 75 online, 86 power restored, 91 re-established, 94 restoral, 112–116 links re-established, 124 radio test re-established | restore |
//! | 19 cancel, 92 automatic reset, 93 manual reset | cancel |
//! | 102, 103 test transmission | test |
//! | 22 closed too long, 77 open too long, 81 pill not taken, 100/101 temperature high/low, 126 temperature rate of rise, 106 trespass, 107 unauthorized access | sensor |
//! | 21 closed, 76 open, 83 pill taken, 87 planned presence, 88 presence after alarm, 111 intervention complete, 117 lying in bed, 119 movement, 121 present | information |
//!
//! | device types (`dty`), for alarm codes | kind |
//! |---|---|
//! | 5 fall detector, 30 automatic man-down | fall |
//! | 10 activity, 12 bed, 13 mat, 14 door, 15 wandering, 16 enuresis, 17 epilepsy, 18 occupancy, 19 heart rate, 20 environmental, 21 gas, 23 smoke, 24 heating, 25 heat, 26 CO, 28 intruder, 29 boundary, 33 flood, 34 bath, 36 perimeter, 37 sprinkler, 44 chair, 47 fire alarm system | sensor |
//! | 31 system monitor, 32 link monitor, 38 tamper, 39 printer, 40 router, 41 power supply | technical |
//! | any other (2 base unit, 3 personal trigger, 4 fixed trigger, 7 panic button, unknown…) | personal |
//!
//! Over-alerting is the rule where a code is ambiguous: an alarm code from an unlisted device
//! is a personal alarm.

use std::collections::BTreeMap;

use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::codes::{DeviceType, StatusCode};
use crate::request::{MessageType, Request};

/// What a SCAIP request means, in the terms Vaka uses for DC-09 alarms.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    IntoStaticStr,
    EnumString,
    VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum EventKind {
    /// A person asks for help (button, pull cord, base unit).
    Personal,
    /// A fall detector or man-down sensor.
    Fall,
    /// Another sensor in the home: smoke, heat, flood, door open too long, bed or mat…
    Sensor,
    /// The alarm chain is at risk: battery, mains, link, malfunction, tamper.
    Technical,
    /// A test transmission.
    Test,
    /// The device is alive; supervision only, never an alarm.
    Heartbeat,
    /// A condition has ended (battery OK, power restored, link back).
    Restore,
    /// The alarm is withdrawn (`mty` `RE`, cancel, reset).
    Cancel,
    /// Logged, no alarm (presence, door closed, pill taken).
    Information,
}

/// The mapping from requests to kinds: the built-in tables plus configured overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventMap {
    pairs: BTreeMap<(u16, u16), EventKind>,
    statuses: BTreeMap<u16, EventKind>,
    devices: BTreeMap<u16, EventKind>,
    fallback: EventKind,
}

impl Default for EventMap {
    fn default() -> Self {
        Self {
            pairs: BTreeMap::new(),
            statuses: BTreeMap::new(),
            devices: BTreeMap::new(),
            fallback: EventKind::Technical,
        }
    }
}

/// How the built-in table reads a status code.
enum StatusClass {
    /// An alarm: the device type decides.
    Alarm,
    Kind(EventKind),
}

fn builtin_status(stc: u16) -> Option<StatusClass> {
    use EventKind as K;
    use StatusClass::{Alarm, Kind};
    Some(match stc {
        6 | 9 | 10 | 11 | 110 => Alarm,
        14
        | 16
        | 23..=27
        | 31..=40
        | 42
        | 52
        | 63
        | 65..=68
        | 73
        | 78
        | 85
        | 95
        | 105
        | 122
        | 123
        | 125 => Kind(K::Technical),
        15 | 70 | 75 | 86 | 91 | 94 | 112..=116 | 124 => Kind(K::Restore),
        19 | 92 | 93 => Kind(K::Cancel),
        102 | 103 => Kind(K::Test),
        22 | 77 | 81 | 100 | 101 | 106 | 107 | 126 => Kind(K::Sensor),
        21 | 76 | 83 | 87 | 88 | 111 | 117 | 119 | 121 => Kind(K::Information),
        _ => return None,
    })
}

fn builtin_device(dty: u16) -> EventKind {
    match dty {
        5 | 30 => EventKind::Fall,
        10 | 12..=21 | 23..=26 | 28 | 29 | 33 | 34 | 36 | 37 | 44 | 47 => EventKind::Sensor,
        31 | 32 | 38..=41 => EventKind::Technical,
        _ => EventKind::Personal,
    }
}

impl EventMap {
    /// This exact pair means `kind`, whatever the tables say.
    pub fn with_pair(mut self, dty: DeviceType, stc: StatusCode, kind: EventKind) -> Self {
        self.pairs.insert((dty.0, stc.0), kind);
        self
    }

    /// This status code means `kind` from any device (e.g. `0102` → heartbeat for devices
    /// that send periodic tests as `ME`).
    pub fn with_status(mut self, stc: StatusCode, kind: EventKind) -> Self {
        self.statuses.insert(stc.0, kind);
        self
    }

    /// An alarm code from this device type means `kind` (e.g. a bed monitor → personal).
    pub fn with_device(mut self, dty: DeviceType, kind: EventKind) -> Self {
        self.devices.insert(dty.0, kind);
        self
    }

    /// What a status code in no table means (default: technical).
    pub fn with_fallback(mut self, kind: EventKind) -> Self {
        self.fallback = kind;
        self
    }

    /// The kind of a request.
    pub fn classify(&self, r: &Request) -> EventKind {
        match r.message_type {
            MessageType::Heartbeat => return EventKind::Heartbeat,
            MessageType::Reset => return EventKind::Cancel,
            MessageType::Alarm | MessageType::Information => {}
        }
        self.classify_pair(r.device_type, r.status)
    }

    /// The kind of a `dty` + `stc` pair, as for an `ME` message.
    pub fn classify_pair(&self, dty: DeviceType, stc: StatusCode) -> EventKind {
        if let Some(k) = self.pairs.get(&(dty.0, stc.0)) {
            return *k;
        }
        if let Some(k) = self.statuses.get(&stc.0) {
            return *k;
        }
        match builtin_status(stc.0) {
            Some(StatusClass::Kind(k)) => k,
            Some(StatusClass::Alarm) => self
                .devices
                .get(&dty.0)
                .copied()
                .unwrap_or_else(|| builtin_device(dty.0)),
            None => self.fallback,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(dty: u16, stc: u16) -> EventKind {
        EventMap::default().classify_pair(DeviceType(dty), StatusCode(stc))
    }

    #[test]
    fn the_common_events_of_research_8_5() {
        use EventKind as K;
        // Personal alarm: Doro and Telealarm 0004/0010, Essence 02/010, Possum 3 or 4/10.
        for (d, s) in [(4, 10), (2, 10), (3, 10), (7, 10), (2, 110)] {
            assert_eq!(kind(d, s), K::Personal, "{d}/{s}");
        }
        assert_eq!(kind(5, 9), K::Fall);
        assert_eq!(kind(30, 9), K::Fall);
        assert_eq!(kind(5, 10), K::Fall);
        for d in [23, 25, 26, 33] {
            assert_eq!(kind(d, 9), K::Sensor);
            assert_eq!(kind(d, 11), K::Sensor);
        }
        assert_eq!(kind(14, 77), K::Sensor);
        assert_eq!(kind(14, 76), K::Information);
        assert_eq!(kind(14, 21), K::Information);
        assert_eq!(
            kind(23, 16),
            K::Technical,
            "battery low on a smoke detector"
        );
        assert_eq!(kind(3, 14), K::Technical);
        assert_eq!(kind(3, 15), K::Restore);
        assert_eq!(kind(2, 85), K::Technical);
        assert_eq!(kind(2, 86), K::Restore);
        assert_eq!(kind(2, 102), K::Test);
        assert_eq!(kind(2, 103), K::Test);
        assert_eq!(kind(3, 123), K::Technical);
        assert_eq!(kind(3, 124), K::Restore);
        assert_eq!(kind(3, 19), K::Cancel);
        assert_eq!(kind(2, 93), K::Cancel);
        assert_eq!(kind(2, 88), K::Information);
        assert_eq!(kind(2, 111), K::Information);
        assert_eq!(kind(2, 67), K::Technical);
        assert_eq!(kind(41, 9), K::Technical);
        assert_eq!(kind(2, 9999), K::Technical, "unknown code: the fallback");
        assert_eq!(kind(9999, 10), K::Personal, "unknown device: over-alert");
    }

    #[test]
    fn message_type_comes_first() {
        let mut r = Request::new("1", "2", DeviceType(2));
        r.status = StatusCode(9);
        r.message_type = MessageType::Heartbeat;
        assert_eq!(EventMap::default().classify(&r), EventKind::Heartbeat);
        r.message_type = MessageType::Reset;
        assert_eq!(EventMap::default().classify(&r), EventKind::Cancel);
        r.message_type = MessageType::Information;
        assert_eq!(EventMap::default().classify(&r), EventKind::Personal);
    }

    #[test]
    fn overrides_in_their_order() {
        let map = EventMap::default()
            .with_status(StatusCode(102), EventKind::Heartbeat)
            .with_device(DeviceType(12), EventKind::Personal)
            .with_pair(DeviceType(12), StatusCode(102), EventKind::Test)
            .with_fallback(EventKind::Personal);
        assert_eq!(
            map.classify_pair(DeviceType(2), StatusCode(102)),
            EventKind::Heartbeat
        );
        assert_eq!(
            map.classify_pair(DeviceType(12), StatusCode(102)),
            EventKind::Test
        );
        assert_eq!(
            map.classify_pair(DeviceType(12), StatusCode(9)),
            EventKind::Personal
        );
        assert_eq!(
            map.classify_pair(DeviceType(12), StatusCode(16)),
            EventKind::Technical
        );
        assert_eq!(
            map.classify_pair(DeviceType(2), StatusCode(4000)),
            EventKind::Personal
        );
    }

    #[test]
    fn kinds_have_stable_names_for_configuration() {
        let names: Vec<&str> = EventKind::VARIANTS
            .iter()
            .map(|k| <&'static str>::from(*k))
            .collect();
        assert_eq!(
            names,
            [
                "personal",
                "fall",
                "sensor",
                "technical",
                "test",
                "heartbeat",
                "restore",
                "cancel",
                "information"
            ]
        );
        assert_eq!("fall".parse::<EventKind>(), Ok(EventKind::Fall));
    }
}

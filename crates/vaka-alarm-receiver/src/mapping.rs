//! From a DC-09 event to what the alarm centre does with it.
//!
//! | category (codec)                      | here                                   |
//! |---------------------------------------|----------------------------------------|
//! | personal alarm (MA, QA, PA; CID 100…) | alarm `personal`                       |
//! | fall (CID 103)                        | alarm `fall`                           |
//! | fire, inactivity                      | alarm `sensor` (smoke/other sensors)   |
//! | low battery, mains, link failure      | alarm `technical`                      |
//! | manual test (RX, TX; CID 601)         | alarm `test` (kept out of statistics)  |
//! | periodic test (RP; CID 602, 603)      | no alarm: the device is alive          |
//! | restore of a condition                | the open alarm of it is marked restored|
//! | anything else                         | alarm `technical`, category `other`, raw code kept |

use vaka_domain::alarm::AlarmKind;
use vaka_sia_dc09::content::{Event, EventCode, Qualifier};
use vaka_sia_dc09::{AlarmCategory, Condition};

/// One event as the alarm centre sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedEvent {
    /// The alarm it raises; `None` for a periodic test or a restore.
    pub kind: Option<AlarmKind>,
    /// The finer category (`personal_alarm`, `low_battery`, `other`…); for a restore, the
    /// category of the condition that ended.
    pub category: &'static str,
    /// True when the event says a condition is over.
    pub restore: bool,
    /// The code as sent: `MA`, or the Contact ID qualifier and code (`1100`).
    pub code: String,
    /// Zone or user number, as sent (SCAIP: the `did`, which pendant or sensor).
    pub zone: Option<String>,
    /// How the operator calls back (SCAIP `crd`: `gsm:+46…`, `no-voice:`); none for DC-09.
    pub caller: Option<String>,
}

/// The category code of a condition.
pub fn condition_code(c: Condition) -> &'static str {
    match c {
        Condition::PersonalAlarm => "personal_alarm",
        Condition::Fall => "fall",
        Condition::Inactivity => "inactivity",
        Condition::Fire => "fire",
        Condition::LowBattery => "low_battery",
        Condition::MainsFailure => "mains_failure",
        Condition::CommunicationFailure => "communication_failure",
    }
}

fn kind_of(c: Condition) -> AlarmKind {
    match c {
        Condition::PersonalAlarm => AlarmKind::Personal,
        Condition::Fall => AlarmKind::Fall,
        Condition::Inactivity | Condition::Fire => AlarmKind::Sensor,
        Condition::LowBattery | Condition::MainsFailure | Condition::CommunicationFailure => {
            AlarmKind::Technical
        }
    }
}

fn raw_code(code: &EventCode) -> String {
    match code {
        EventCode::Sia { code, .. } => code.clone(),
        EventCode::ContactId { qualifier, code } => {
            let q = match qualifier {
                Qualifier::New => '1',
                Qualifier::Restore => '3',
                Qualifier::Status => '6',
            };
            format!("{q}{code:03}")
        }
    }
}

/// A periodic (automatic) test, as opposed to one a person made.
fn is_periodic_test(code: &EventCode) -> bool {
    match code {
        EventCode::Sia { code, .. } => code == "RP",
        EventCode::ContactId { code, .. } => matches!(code, 602 | 603),
    }
}

pub fn map_event(e: &Event) -> ReceivedEvent {
    let code = raw_code(&e.code);
    let zone = e.address.clone();
    let (kind, category, restore) = match &e.category {
        AlarmCategory::Test if is_periodic_test(&e.code) => (None, "periodic_test", false),
        AlarmCategory::Test => (Some(AlarmKind::Test), "test", false),
        AlarmCategory::Restore(c) => (None, condition_code(*c), true),
        AlarmCategory::Other { .. } => (Some(AlarmKind::Technical), "other", false),
        AlarmCategory::PersonalAlarm => (Some(AlarmKind::Personal), "personal_alarm", false),
        AlarmCategory::Fall => (Some(AlarmKind::Fall), "fall", false),
        AlarmCategory::Inactivity => (Some(kind_of(Condition::Inactivity)), "inactivity", false),
        AlarmCategory::Fire => (Some(kind_of(Condition::Fire)), "fire", false),
        AlarmCategory::LowBattery => (Some(kind_of(Condition::LowBattery)), "low_battery", false),
        AlarmCategory::MainsFailure => (
            Some(kind_of(Condition::MainsFailure)),
            "mains_failure",
            false,
        ),
        AlarmCategory::CommunicationFailure => (
            Some(kind_of(Condition::CommunicationFailure)),
            "communication_failure",
            false,
        ),
    };
    ReceivedEvent {
        kind,
        category,
        restore,
        code,
        zone,
        caller: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vaka_sia_dc09::content::parse_sia_dcs;

    fn sia(data: &str) -> Vec<ReceivedEvent> {
        parse_sia_dcs(data.as_bytes())
            .unwrap()
            .events
            .iter()
            .map(map_event)
            .collect()
    }

    fn cid(data: &str) -> ReceivedEvent {
        let c = vaka_sia_dc09::content::parse_adm_cid(data.as_bytes()).unwrap();
        map_event(&c.events[0])
    }

    #[test]
    fn personal_alarm_fall_and_fire_raise_alarms_of_their_kind() {
        let e = &sia("#1234|Nri1/MA001")[0];
        assert_eq!(e.kind, Some(AlarmKind::Personal));
        assert_eq!((e.code.as_str(), e.zone.as_deref()), ("MA", Some("001")));
        let f = cid("#1234|1103 01 005");
        assert_eq!(f.kind, Some(AlarmKind::Fall));
        assert_eq!(f.code, "1103");
        assert_eq!(cid("#1234|1111 01 001").kind, Some(AlarmKind::Sensor));
        assert_eq!(cid("#1234|1302 01 001").category, "low_battery");
        assert_eq!(cid("#1234|1302 01 001").kind, Some(AlarmKind::Technical));
    }

    #[test]
    fn tests_restores_and_unknown_codes() {
        let periodic = cid("#1234|1602 00 000");
        assert_eq!((periodic.kind, periodic.category), (None, "periodic_test"));
        assert_eq!(sia("#1234|NRP")[0].kind, None);
        assert_eq!(cid("#1234|1601 00 000").kind, Some(AlarmKind::Test));
        assert_eq!(sia("#1234|NRX")[0].kind, Some(AlarmKind::Test));
        let restore = cid("#1234|3301 00 000");
        assert!(restore.restore);
        assert_eq!((restore.kind, restore.category), (None, "mains_failure"));
        let other = cid("#1234|1999 00 000");
        assert_eq!(other.kind, Some(AlarmKind::Technical));
        assert_eq!((other.category, other.code.as_str()), ("other", "1999"));
    }
}

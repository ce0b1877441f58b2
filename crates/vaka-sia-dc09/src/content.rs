//! The data inside `[…]`: SIA-DCS (DC-03 blocks) and ADM-CID (DC-05 Contact ID), and the
//! mapping of event codes to [`AlarmCategory`].
//!
//! Sources of the code meanings (read, not copied): the event tables of siadc09 1.0.1
//! (`siadc09/dc03.py` for SIA DC-03 codes, `siadc09/dc05.py` for DC-05 Contact ID codes,
//! "Appendix C: Event Codes") and pysiaalarm 3.2.2 (`pysiaalarm/data/adm_mapping.py`, which
//! maps each Contact ID code + qualifier 1/3 to a SIA code pair such as 100 → MA/MH).

use crate::frame::IdToken;

/// What kind of situation a condition is, independent of new/restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Condition {
    /// The person asked for help (alarm button, medical, panic).
    PersonalAlarm,
    /// A fall detector triggered.
    Fall,
    /// No activity / failed check-in within the programmed time.
    Inactivity,
    /// Fire, smoke or heat.
    Fire,
    /// Low or missing battery (device or transmitter).
    LowBattery,
    /// Mains (AC) power lost.
    MainsFailure,
    /// Link, network or communication path failure.
    CommunicationFailure,
}

/// The category of one event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AlarmCategory {
    /// See [`Condition::PersonalAlarm`].
    PersonalAlarm,
    /// See [`Condition::Fall`].
    Fall,
    /// See [`Condition::Inactivity`].
    Inactivity,
    /// See [`Condition::Fire`].
    Fire,
    /// See [`Condition::LowBattery`].
    LowBattery,
    /// See [`Condition::MainsFailure`].
    MainsFailure,
    /// See [`Condition::CommunicationFailure`].
    CommunicationFailure,
    /// A test report (periodic or manual).
    Test,
    /// The condition has ended.
    Restore(Condition),
    /// Not mapped; `raw` is the SIA code (`"NP"`) or the Contact ID qualifier+code (`"1602"`).
    Other {
        /// The code as received.
        raw: String,
    },
}

impl From<Condition> for AlarmCategory {
    fn from(c: Condition) -> Self {
        match c {
            Condition::PersonalAlarm => Self::PersonalAlarm,
            Condition::Fall => Self::Fall,
            Condition::Inactivity => Self::Inactivity,
            Condition::Fire => Self::Fire,
            Condition::LowBattery => Self::LowBattery,
            Condition::MainsFailure => Self::MainsFailure,
            Condition::CommunicationFailure => Self::CommunicationFailure,
        }
    }
}

enum Mapping {
    New(Condition),
    Restore(Condition),
    Test,
}

/// SIA DC-03 two-letter codes (names from siadc09 `dc03.py`).
fn sia_mapping(code: &str) -> Option<Mapping> {
    use Condition::{
        CommunicationFailure, Fire, Inactivity, LowBattery, MainsFailure, PersonalAlarm,
    };
    use Mapping::{New, Restore, Test};
    Some(match code {
        // MA Medical Alarm, QA Emergency Alarm, PA Panic Alarm ("Emergency assistance
        // request[, manually activated]").
        "MA" | "QA" | "PA" => New(PersonalAlarm),
        // MH/QH/PH "… Alarm Restore", MR/QR/PR "… Restoral".
        "MH" | "MR" | "QH" | "QR" | "PH" | "PR" => Restore(PersonalAlarm),
        // NA "No Activity: there has been no zone activity for a programmed amount of time";
        // NS "Activity Resumed".
        "NA" => New(Inactivity),
        "NS" => Restore(Inactivity),
        // FA Fire Alarm, KA Heat Alarm, SA Sprinkler Alarm; …H restore / …R restoral.
        "FA" | "KA" | "SA" => New(Fire),
        "FH" | "FR" | "KH" | "KR" | "SH" | "SR" => Restore(Fire),
        // YT System Battery Trouble, XT Transmitter Battery Trouble, YM System Battery Missing;
        // YR/XR Battery Restoral.
        "YT" | "XT" | "YM" => New(LowBattery),
        "YR" | "XR" => Restore(LowBattery),
        // AT AC Trouble ("AC power has been failed"); AR AC Restoral.
        "AT" => New(MainsFailure),
        "AR" => Restore(MainsFailure),
        // YC Communications Fail, YS Communications Trouble, LT Phone Line Trouble,
        // NT Network Failure; YK Communications Restoral, LR Phone Line Restoral,
        // NR Network Restoral.
        "YC" | "YS" | "LT" | "NT" => New(CommunicationFailure),
        "YK" | "LR" | "NR" => Restore(CommunicationFailure),
        // RP Automatic Test, RX Manual Test, TX Test Report.
        "RP" | "RX" | "TX" => Test,
        // DC-03 has no fall code in siadc09's table; fall detectors report via Contact ID 103
        // or as MA/QA.
        _ => return None,
    })
}

/// DC-05 Contact ID event codes (names from siadc09 `dc05.py` "Appendix C").
fn cid_condition(code: u16) -> Option<Mapping> {
    use Condition::{
        CommunicationFailure, Fall, Fire, Inactivity, LowBattery, MainsFailure, PersonalAlarm,
    };
    use Mapping::{New, Test};
    Some(match code {
        // 100 Medical, 101 Personal Emergency, 120 Panic (pysiaalarm: 100→MA, 101→QA, 120→PA).
        100 | 101 | 120 => New(PersonalAlarm),
        // 103 Fall Detected ("A sensor has detected a person has fallen", DC-05-2016).
        103 => New(Fall),
        // 102 Fail To Report In ("A user has failed to activate a monitoring device");
        // 641 Senior Watch Trouble ("A person has not activated a motion sensor in a specified
        // period").
        102 | 641 => New(Inactivity),
        // 110 Fire, 111 Smoke, 112 Combustion, 113 Water Flow, 114 Heat, 115 Pull Station,
        // 116 Duct, 117 Flame, 118 Near Alarm: all in DC-05 class "11 Fire Alarm". 118 is a
        // pre-alarm on a fire sensor; for people in home care we would rather over-alert.
        110..=118 => New(Fire),
        // 302 Low System Battery, 309 Battery Test Failure, 311 Battery Missing/Dead,
        // 338 Module Low Batt., 384 RF Low Battery.
        302 | 309 | 311 | 338 | 384 => New(LowBattery),
        // 301 AC Loss, 342 Module AC Loss.
        301 | 342 => New(MainsFailure),
        // 350 Communication Trouble, 351/352 Telco 1/2 Fault, 353 Long Range Radio Fault,
        // 354 Failure To Communicate Event, 355 Loss Of Radio Supervision.
        350..=355 => New(CommunicationFailure),
        // 601 Manual Trigger Test Report, 602 Periodic Test Report, 603 Periodic RF
        // Transmission.
        601..=603 => Test,
        _ => return None,
    })
}

/// Maps a SIA DC-03 event code (two uppercase letters).
#[must_use]
pub fn categorize_sia(code: &str) -> AlarmCategory {
    match sia_mapping(code) {
        Some(Mapping::New(c)) => c.into(),
        Some(Mapping::Restore(c)) => AlarmCategory::Restore(c),
        Some(Mapping::Test) => AlarmCategory::Test,
        None => AlarmCategory::Other {
            raw: code.to_owned(),
        },
    }
}

/// The Contact ID event qualifier (DC-05 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Qualifier {
    /// `1`: new event or opening.
    New,
    /// `3`: new restore or closing (pysiaalarm and my_dc09_spt use 3; siadc09 1.0.1 defines
    /// restore as `2`, which we treat as a deviation and refuse).
    Restore,
    /// `6`: previously reported condition still present (status report).
    Status,
}

impl Qualifier {
    fn digit(self) -> char {
        match self {
            Self::New => '1',
            Self::Restore => '3',
            Self::Status => '6',
        }
    }
}

/// Maps a Contact ID event. A status report (qualifier 6) keeps the category of the
/// condition: it says the condition is still present. A restore of a test is still a test.
#[must_use]
pub fn categorize_cid(qualifier: Qualifier, code: u16) -> AlarmCategory {
    match (cid_condition(code), qualifier) {
        (Some(Mapping::Test), _) => AlarmCategory::Test,
        (Some(Mapping::New(c)), Qualifier::New | Qualifier::Status) => c.into(),
        (Some(Mapping::New(c) | Mapping::Restore(c)), Qualifier::Restore) => {
            AlarmCategory::Restore(c)
        }
        (Some(Mapping::Restore(c)), _) => AlarmCategory::Restore(c),
        (None, q) => AlarmCategory::Other {
            raw: format!("{}{code:03}", q.digit()),
        },
    }
}

/// One event from a data field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The mapped category.
    pub category: AlarmCategory,
    /// The code as sent.
    pub code: EventCode,
    /// Area / partition (`ri` in SIA-DCS, `GG` in ADM-CID), as sent.
    pub area: Option<String>,
    /// User (`id` in SIA-DCS), as sent.
    pub user: Option<String>,
    /// Zone or user number after the code (SIA) or `ZZZ` (Contact ID), as sent.
    pub address: Option<String>,
}

/// The raw code of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventCode {
    /// A SIA DC-03 code; `new` is false for an `O` (old event) block.
    Sia {
        /// Two uppercase letters.
        code: String,
        /// `N` (new) or `O` (old) block.
        new: bool,
    },
    /// A Contact ID event.
    ContactId {
        /// 1 / 3 / 6.
        qualifier: Qualifier,
        /// Event code (`EEE`), 0–999.
        code: u16,
    },
}

/// The decoded data field of an event frame.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Content {
    /// `#acct` at the start of the data, if present (may differ from the header account for
    /// cloud receivers, my_dc09_spt docs).
    pub account: Option<String>,
    /// Events in order.
    pub events: Vec<Event>,
    /// Text from `A` blocks or `|A` suffixes.
    pub text: Option<String>,
}

/// Why the data could not be used. A receiver answers DUH (research §1.3, §7.6).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    /// The ID token is not an event or NULL message we handle.
    #[error("unsupported message type {0:?}")]
    UnsupportedToken(String),
    /// Data that does not follow the DC-03 or DC-05 layout.
    #[error("malformed {kind} data at byte {at}")]
    Malformed {
        /// `SIA-DCS` or `ADM-CID`.
        kind: &'static str,
        /// Offset in the data.
        at: usize,
    },
    /// An event message without any event.
    #[error("no event in the data")]
    NoEvent,
}

impl ContentError {
    /// Always DUH: the frame arrived intact but we cannot act on it.
    #[must_use]
    pub fn disposition(&self) -> crate::frame::Disposition {
        crate::frame::Disposition::Duh
    }
}

/// Decodes the data of a frame by its token. `NULL` yields no events (any data is ignored).
///
/// # Errors
/// [`ContentError`]; answer DUH.
pub fn decode(id: &IdToken, data: &[u8]) -> Result<Content, ContentError> {
    match id {
        IdToken::Null => Ok(Content::default()),
        IdToken::SiaDcs => parse_sia_dcs(data),
        IdToken::AdmCid => parse_adm_cid(data),
        other => Err(ContentError::UnsupportedToken(other.as_str().to_owned())),
    }
}

/// Splits an optional leading `#acct|`.
fn split_account(data: &[u8]) -> (Option<String>, &[u8], usize) {
    if let Some(rest) = data.strip_prefix(b"#")
        && let Some(bar) = rest.iter().position(|&b| b == b'|')
        && bar > 0
        && rest[..bar].iter().all(u8::is_ascii_alphanumeric)
    {
        let account = String::from_utf8_lossy(&rest[..bar]).into_owned();
        return (Some(account), &rest[bar + 1..], bar + 2);
    }
    (None, data, 0)
}

/// Parses SIA-DCS data: `[#acct|]N[ri<area>][id<user>][ti<hh:mm>]<CC><addr>[/…][|A<text>]`.
///
/// Lenient (research §7.2): `/` between events may be missing (my_dc09_spt omits it),
/// modifiers carry over to the following events of the block, `^names^` are skipped, an
/// `*"…"NM` xSIA text extension ends the block.
///
/// # Errors
/// [`ContentError::Malformed`] or [`ContentError::NoEvent`].
pub fn parse_sia_dcs(data: &[u8]) -> Result<Content, ContentError> {
    let (account, rest, offset) = split_account(data);
    let malformed = |at: usize| ContentError::Malformed {
        kind: "SIA-DCS",
        at: offset + at,
    };
    let mut content = Content {
        account,
        ..Content::default()
    };
    let mut texts: Vec<String> = Vec::new();
    let mut pos = 0;
    for block in rest.split(|&b| b == b'|') {
        let block_start = pos;
        pos += block.len() + 1;
        let Some((&function, body)) = block.split_first() else {
            continue;
        };
        match function {
            b'A' => {
                texts.push(String::from_utf8_lossy(body).into_owned());
                continue;
            }
            b'N' | b'O' => {}
            _ => return Err(malformed(block_start)),
        }
        let new = function == b'N';
        let (mut area, mut user) = (None, None);
        let mut i = 0;
        let at = |i: usize| block_start + 1 + i;
        while i < body.len() {
            let c = body[i];
            match c {
                b'/' => i += 1,
                b'^' => {
                    let end = body[i + 1..]
                        .iter()
                        .position(|&b| b == b'^')
                        .ok_or_else(|| malformed(at(i)))?;
                    i += end + 2;
                }
                b'*' => {
                    texts.push(String::from_utf8_lossy(&body[i + 1..]).into_owned());
                    break;
                }
                b'a'..=b'z' => {
                    let Some(m2) = body.get(i + 1).filter(|b| b.is_ascii_lowercase()) else {
                        return Err(malformed(at(i)));
                    };
                    let start = i + 2;
                    let len = body[start..]
                        .iter()
                        .take_while(|b| b.is_ascii_digit() || **b == b':' || **b == b'-')
                        .count();
                    let value = String::from_utf8_lossy(&body[start..start + len]).into_owned();
                    match (c, *m2) {
                        (b'r', b'i') => area = Some(value),
                        (b'i', b'd') => user = Some(value),
                        // ti (time), da (date), pi (peripheral) and other modifiers: kept
                        // out of the event model for now.
                        _ => {}
                    }
                    i = start + len;
                }
                b'A'..=b'Z' => {
                    let Some(&c2) = body.get(i + 1).filter(|b| b.is_ascii_uppercase()) else {
                        return Err(malformed(at(i)));
                    };
                    let start = i + 2;
                    let len = body[start..]
                        .iter()
                        .take_while(|b| b.is_ascii_digit())
                        .count();
                    let code = String::from_utf8_lossy(&[c, c2]).into_owned();
                    let address = (len > 0)
                        .then(|| String::from_utf8_lossy(&body[start..start + len]).into_owned());
                    content.events.push(Event {
                        category: categorize_sia(&code),
                        code: EventCode::Sia { code, new },
                        area: area.clone(),
                        user: user.clone(),
                        address,
                    });
                    i = start + len;
                }
                _ => return Err(malformed(at(i))),
            }
        }
    }
    if !texts.is_empty() {
        content.text = Some(texts.join(" "));
    }
    if content.events.is_empty() {
        return Err(ContentError::NoEvent);
    }
    Ok(content)
}

/// Parses ADM-CID data: `[#acct|]QEEE GG ZZZ` (DC-05 digits are hex digits: `A`–`F` occur in
/// group and zone fields; siadc09 tolerates lowercase, so do we).
///
/// # Errors
/// [`ContentError::Malformed`].
pub fn parse_adm_cid(data: &[u8]) -> Result<Content, ContentError> {
    let (account, rest, offset) = split_account(data);
    let malformed = |at: usize| ContentError::Malformed {
        kind: "ADM-CID",
        at: offset + at,
    };
    // Exactly `QEEE GG ZZZ`: 11 bytes.
    if rest.len() != 11 {
        return Err(malformed(rest.len().min(11)));
    }
    let qualifier = match rest[0] {
        b'1' => Qualifier::New,
        b'3' => Qualifier::Restore,
        b'6' => Qualifier::Status,
        _ => return Err(malformed(0)),
    };
    if !rest[1..4].iter().all(u8::is_ascii_digit) {
        return Err(malformed(1));
    }
    let code = rest[1..4]
        .iter()
        .fold(0u16, |acc, &d| acc * 10 + u16::from(d - b'0'));
    if rest[4] != b' ' || rest[7] != b' ' {
        return Err(malformed(4));
    }
    let group = &rest[5..7];
    let zone = &rest[8..11];
    if !group.iter().chain(zone).all(u8::is_ascii_hexdigit) {
        return Err(malformed(5));
    }
    Ok(Content {
        account,
        events: vec![Event {
            category: categorize_cid(qualifier, code),
            code: EventCode::ContactId { qualifier, code },
            area: Some(String::from_utf8_lossy(group).into_owned()),
            user: None,
            address: Some(String::from_utf8_lossy(zone).into_owned()),
        }],
        text: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn categories(c: &Content) -> Vec<AlarmCategory> {
        c.events.iter().map(|e| e.category.clone()).collect()
    }

    #[test]
    fn real_panel_sia_dcs() {
        let c = parse_sia_dcs(b"#0000|Nri1/NP501").expect("valid");
        assert_eq!(c.account.as_deref(), Some("0000"));
        assert_eq!(c.events.len(), 1);
        let e = &c.events[0];
        assert_eq!(e.area.as_deref(), Some("1"));
        assert_eq!(e.address.as_deref(), Some("501"));
        assert_eq!(e.category, AlarmCategory::Other { raw: "NP".into() });
    }

    #[test]
    fn several_events_with_and_without_slash() {
        for data in [&b"#1234|Nri1/MA5/id7YT0"[..], b"#1234|Nri1MA5id7YT0"] {
            let c = parse_sia_dcs(data).expect("valid");
            assert_eq!(
                categories(&c),
                vec![AlarmCategory::PersonalAlarm, AlarmCategory::LowBattery]
            );
            // The area modifier carries over; the user applies from where it appears.
            assert_eq!(c.events[1].area.as_deref(), Some("1"));
            assert_eq!(c.events[0].user, None);
            assert_eq!(c.events[1].user.as_deref(), Some("7"));
        }
    }

    #[test]
    fn sia_without_account_with_names_and_text() {
        let c = parse_sia_dcs(b"Nri2^Kitchen^FA12^Smoke det^|AHelp text").expect("valid");
        assert_eq!(c.account, None);
        assert_eq!(categories(&c), vec![AlarmCategory::Fire]);
        assert_eq!(c.events[0].address.as_deref(), Some("12"));
        assert_eq!(c.text.as_deref(), Some("Help text"));
    }

    #[test]
    fn sia_restores_and_tests() {
        let c = parse_sia_dcs(b"NMH1/AR/NS3/YK/RP").expect("valid");
        assert_eq!(
            categories(&c),
            vec![
                AlarmCategory::Restore(Condition::PersonalAlarm),
                AlarmCategory::Restore(Condition::MainsFailure),
                AlarmCategory::Restore(Condition::Inactivity),
                AlarmCategory::Restore(Condition::CommunicationFailure),
                AlarmCategory::Test,
            ]
        );
        assert!(matches!(c.events[0].code, EventCode::Sia { new: true, .. }));
    }

    #[test]
    fn sia_malformed() {
        assert!(matches!(
            parse_sia_dcs(b"Xri1MA"),
            Err(ContentError::Malformed { .. })
        ));
        assert!(matches!(
            parse_sia_dcs(b"NM"),
            Err(ContentError::Malformed { .. })
        ));
        assert!(matches!(
            parse_sia_dcs(b"N^open"),
            Err(ContentError::Malformed { .. })
        ));
        assert!(matches!(
            parse_sia_dcs(b"Nri1MA#"),
            Err(ContentError::Malformed { .. })
        ));
        assert_eq!(parse_sia_dcs(b"#12|Nri1"), Err(ContentError::NoEvent));
        assert_eq!(parse_sia_dcs(b""), Err(ContentError::NoEvent));
    }

    #[test]
    fn adm_cid_events() {
        let c = parse_adm_cid(b"#1234|1101 01 015").expect("valid");
        assert_eq!(c.account.as_deref(), Some("1234"));
        assert_eq!(categories(&c), vec![AlarmCategory::PersonalAlarm]);
        assert_eq!(c.events[0].area.as_deref(), Some("01"));
        assert_eq!(c.events[0].address.as_deref(), Some("015"));
        assert_eq!(
            c.events[0].code,
            EventCode::ContactId {
                qualifier: Qualifier::New,
                code: 101
            }
        );
        let c = parse_adm_cid(b"3103 00 0B2").expect("hex zone");
        assert_eq!(
            categories(&c),
            vec![AlarmCategory::Restore(Condition::Fall)]
        );
    }

    #[test]
    fn adm_cid_malformed() {
        for bad in [
            &b"#1234|2101 01 015"[..],
            b"1101 01 15",
            b"1101-01-015",
            b"11A1 01 015",
            b"1101 0G 015",
            b"",
        ] {
            assert!(
                matches!(parse_adm_cid(bad), Err(ContentError::Malformed { .. })),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn cid_category_table() {
        use AlarmCategory as A;
        use Condition as C;
        let q = Qualifier::New;
        let expect: &[(u16, A)] = &[
            (100, A::PersonalAlarm),
            (101, A::PersonalAlarm),
            (120, A::PersonalAlarm),
            (103, A::Fall),
            (102, A::Inactivity),
            (641, A::Inactivity),
            (110, A::Fire),
            (111, A::Fire),
            (118, A::Fire),
            (302, A::LowBattery),
            (309, A::LowBattery),
            (311, A::LowBattery),
            (338, A::LowBattery),
            (384, A::LowBattery),
            (301, A::MainsFailure),
            (342, A::MainsFailure),
            (350, A::CommunicationFailure),
            (355, A::CommunicationFailure),
            (601, A::Test),
            (602, A::Test),
            (603, A::Test),
            (121, A::Other { raw: "1121".into() }),
            (119, A::Other { raw: "1119".into() }),
            (356, A::Other { raw: "1356".into() }),
        ];
        for (code, cat) in expect {
            assert_eq!(&categorize_cid(q, *code), cat, "{code}");
        }
        assert_eq!(
            categorize_cid(Qualifier::Restore, 301),
            A::Restore(C::MainsFailure)
        );
        assert_eq!(categorize_cid(Qualifier::Restore, 602), A::Test);
        assert_eq!(categorize_cid(Qualifier::Status, 100), A::PersonalAlarm);
        assert_eq!(
            categorize_cid(Qualifier::Restore, 130),
            A::Other { raw: "3130".into() }
        );
    }

    #[test]
    fn sia_category_table() {
        use AlarmCategory as A;
        for (code, cat) in [
            ("MA", A::PersonalAlarm),
            ("QA", A::PersonalAlarm),
            ("PA", A::PersonalAlarm),
            ("NA", A::Inactivity),
            ("FA", A::Fire),
            ("KA", A::Fire),
            ("YT", A::LowBattery),
            ("XT", A::LowBattery),
            ("YM", A::LowBattery),
            ("AT", A::MainsFailure),
            ("YC", A::CommunicationFailure),
            ("YS", A::CommunicationFailure),
            ("LT", A::CommunicationFailure),
            ("NT", A::CommunicationFailure),
            ("RP", A::Test),
            ("RX", A::Test),
            ("TX", A::Test),
            ("XR", A::Restore(Condition::LowBattery)),
            ("FH", A::Restore(Condition::Fire)),
            ("BA", A::Other { raw: "BA".into() }),
        ] {
            assert_eq!(categorize_sia(code), cat, "{code}");
        }
    }

    #[test]
    fn decode_by_token() {
        assert_eq!(decode(&IdToken::Null, b"").unwrap(), Content::default());
        assert!(decode(&IdToken::SiaDcs, b"Nri1/MA5").is_ok());
        let err = decode(&IdToken::Other("SIA-PUL".into()), b"").unwrap_err();
        assert_eq!(err, ContentError::UnsupportedToken("SIA-PUL".into()));
        assert_eq!(err.disposition(), crate::frame::Disposition::Duh);
    }
}

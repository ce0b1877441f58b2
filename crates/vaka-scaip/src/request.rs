//! The device's request, `<mrq>` (research §8.3), parsed leniently: elements in any order,
//! numbers with or without zero padding and surrounding spaces, tag names in any case,
//! unknown elements kept aside. `ref`, `cid` and `dty` are required; the others take the
//! defaults of §8.3 when absent. Identifiers (`ref`, `cid`, `did`) and numbers are checked;
//! free texts longer than their limit are cut rather than refused, so an alarm is never lost
//! over a long device text.

use std::fmt;

use crate::codes::{DeviceComponent, DeviceType, LocationCode, StatusCode};
use crate::response::ResponseCode;
use crate::xml::{Node, XmlError, push_element, read_document};

/// `mty`: what kind of message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MessageType {
    /// `ME`: an alarm or event (the default).
    #[default]
    Alarm,
    /// `RE`: the alarm is withdrawn (reset).
    Reset,
    /// `IN`: information, an update of an alarm.
    Information,
    /// `PI`: a heartbeat ("ping"); supervision only, never an alarm.
    Heartbeat,
}

impl MessageType {
    pub fn code(self) -> &'static str {
        match self {
            MessageType::Alarm => "ME",
            MessageType::Reset => "RE",
            MessageType::Information => "IN",
            MessageType::Heartbeat => "PI",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Alarm, Self::Reset, Self::Information, Self::Heartbeat]
            .into_iter()
            .find(|m| m.code().eq_ignore_ascii_case(s))
    }
}

/// The kind of a caller channel (`crd` prefix).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ChannelKind {
    /// `no-voice:`: the device cannot take a call.
    NoVoice,
    /// `gsm:` (a mobile number, possibly empty: "the number I call from").
    Gsm,
    /// `tel:`.
    Tel,
    /// `sip:`.
    Sip,
    /// `sip-pp:` (SIP point to point).
    SipPp,
    /// Another prefix, as sent (lower case); empty when the value had no `:`.
    Other(String),
}

/// One `crd`: how the operator reaches the caller by voice.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallerChannel {
    pub kind: ChannelKind,
    /// What follows the prefix (`+46701234567`), possibly empty.
    pub address: String,
}

impl CallerChannel {
    pub fn parse(s: &str) -> Self {
        // Without a (non-empty) prefix the whole value is the address.
        let Some((scheme, address)) = s.split_once(':').filter(|(scheme, _)| !scheme.is_empty())
        else {
            return Self {
                kind: ChannelKind::Other(String::new()),
                address: s.to_owned(),
            };
        };
        let kind = match scheme.to_ascii_lowercase().as_str() {
            "no-voice" => ChannelKind::NoVoice,
            "gsm" => ChannelKind::Gsm,
            "tel" => ChannelKind::Tel,
            "sip" => ChannelKind::Sip,
            "sip-pp" => ChannelKind::SipPp,
            other => ChannelKind::Other(other.to_owned()),
        };
        Self {
            kind,
            address: address.to_owned(),
        }
    }
}

impl fmt::Display for CallerChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match &self.kind {
            ChannelKind::NoVoice => "no-voice",
            ChannelKind::Gsm => "gsm",
            ChannelKind::Tel => "tel",
            ChannelKind::Sip => "sip",
            ChannelKind::SipPp => "sip-pp",
            ChannelKind::Other(s) if s.is_empty() => return f.write_str(&self.address),
            ChannelKind::Other(s) => s.as_str(),
        };
        write!(f, "{scheme}:{}", self.address)
    }
}

/// `lge`: a geographic position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Position {
    /// `geo`: coordinates (digits, `.` and `,`).
    pub geo: Option<String>,
    /// `tim`: when the position was taken, as sent.
    pub tim: Option<String>,
    /// `gga`: an NMEA GGA sentence.
    pub gga: Option<String>,
}

/// A parsed `<mrq>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `ref`: the message reference, echoed in `<mrs>`; duplicates share it.
    pub reference: String,
    /// `cid`: the controller (alarm unit) id, trimmed; compared as text.
    pub controller_id: String,
    /// `dty`.
    pub device_type: DeviceType,
    /// `mty`, default `ME`.
    pub message_type: MessageType,
    /// `stc`, default `0010` (manual alarm).
    pub status: StatusCode,
    /// `ver`: protocol version (`01.00`).
    pub version: Option<String>,
    /// `crd`, in order; empty when absent (the default is then `sip:`, see
    /// [`Request::wants_voice`]).
    pub caller: Vec<CallerChannel>,
    /// `cha`: 0 the device calls out, 1 callback; default 0.
    pub call_handling: u8,
    /// `did`: which pendant or sensor.
    pub device_id: Option<String>,
    /// `dco`.
    pub component: Option<DeviceComponent>,
    /// `dte`: device text ("like a user agent").
    pub device_text: Option<String>,
    /// `hbo`: heartbeat options, as sent.
    pub heartbeat_options: Option<String>,
    /// `sco`: system configuration.
    pub system_config: Option<u8>,
    /// `pri`: priority, default 0.
    pub priority: u8,
    /// `lco`, default `000`.
    pub location: LocationCode,
    /// `lva`: location value.
    pub location_value: Option<String>,
    /// `lte`: location text.
    pub location_text: Option<String>,
    /// `lge`.
    pub position: Option<Position>,
    /// `stt`: status text.
    pub status_text: Option<String>,
    /// `ico`: info code.
    pub info_code: Option<u16>,
    /// `ite`: info text.
    pub info_text: Option<String>,
    /// `ame`: "additional message" flag.
    pub additional_message: Option<u8>,
    /// `mreq`: media request, as sent (`4`: no voice call).
    pub media_request: Option<String>,
    /// Elements outside §8.3, name and text (cut to 64 characters), for the log.
    pub unknown: Vec<(String, String)>,
}

/// Why a `<mrq>` (or `<mrs>`) was refused, with its `ref` when that could be read, so the
/// refusal can still be answered with an `<mrs>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error}")]
pub struct ParseError {
    #[source]
    pub error: XmlError,
    pub reference: Option<String>,
}

impl ParseError {
    /// The `snu` of the `<mrs>` that answers this refusal (research §8.6).
    pub fn response_code(&self) -> ResponseCode {
        match self.error {
            XmlError::TooLong { .. } => ResponseCode::MESSAGE_TOO_LONG,
            XmlError::Missing(_) => ResponseCode::MANDATORY_TAG_MISSING,
            XmlError::Invalid(_) => ResponseCode::WRONG_DATA_CONTENT,
            _ => ResponseCode::INVALID_FORMAT,
        }
    }
}

const KNOWN: &[&str] = &[
    "ref", "cid", "dty", "mty", "stc", "ver", "crd", "cha", "did", "dco", "dte", "hbo", "sco",
    "pri", "lco", "lva", "lte", "lge", "stt", "ico", "ite", "ame", "mreq",
];

impl Request {
    /// A request with the §8.3 defaults for everything but the required elements.
    pub fn new(reference: &str, controller_id: &str, device_type: DeviceType) -> Self {
        Self {
            reference: reference.to_owned(),
            controller_id: controller_id.to_owned(),
            device_type,
            message_type: MessageType::Alarm,
            status: StatusCode::MANUAL_ALARM,
            version: None,
            caller: Vec::new(),
            call_handling: 0,
            device_id: None,
            component: None,
            device_text: None,
            heartbeat_options: None,
            system_config: None,
            priority: 0,
            location: LocationCode::UNKNOWN,
            location_value: None,
            location_text: None,
            position: None,
            status_text: None,
            info_code: None,
            info_text: None,
            additional_message: None,
            media_request: None,
            unknown: Vec::new(),
        }
    }

    /// Parses the body of a SCAIP MESSAGE.
    pub fn parse(body: &[u8]) -> Result<Self, ParseError> {
        let root = read_document(body, "mrq").map_err(|error| ParseError {
            error,
            reference: None,
        })?;
        // `ref` first: every later refusal can then be answered with an `<mrs>`.
        let reference = match root.text_of("ref").and_then(|r| {
            r.map(|r| identifier(r, "ref", 64))
                .transpose()?
                .ok_or(XmlError::Missing("ref"))
        }) {
            Ok(r) => r,
            Err(error) => {
                return Err(ParseError {
                    error,
                    reference: None,
                });
            }
        };
        Self::from_node(&root, &reference).map_err(|error| ParseError {
            error,
            reference: Some(reference),
        })
    }

    fn from_node(root: &Node, reference: &str) -> Result<Self, XmlError> {
        let controller_id = root
            .text_of("cid")?
            .ok_or(XmlError::Missing("cid"))
            .and_then(|c| identifier(c, "cid", 32))?;
        if !controller_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(XmlError::Invalid("cid"));
        }
        let device_type = DeviceType(
            root.text_of("dty")?
                .ok_or(XmlError::Missing("dty"))
                .and_then(|d| number(d, "dty", 9999))?,
        );
        let mut r = Self::new(reference, &controller_id, device_type);
        if let Some(m) = root.text_of("mty")? {
            r.message_type = MessageType::parse(m).ok_or(XmlError::Invalid("mty"))?;
        }
        if let Some(s) = root.text_of("stc")? {
            r.status = StatusCode(number(s, "stc", 9999)?);
        }
        r.version = text(root, "ver", 16)?;
        for crd in root
            .children
            .iter()
            .filter(|c| c.name.eq_ignore_ascii_case("crd"))
        {
            if crd.text.is_empty() {
                continue;
            }
            if crd.text.chars().count() > 256 {
                return Err(XmlError::Invalid("crd"));
            }
            r.caller.push(CallerChannel::parse(&crd.text));
        }
        if let Some(c) = root.text_of("cha")? {
            r.call_handling = digit(c, "cha")?;
        }
        r.device_id = root
            .text_of("did")?
            .map(|d| identifier(d, "did", 32))
            .transpose()?;
        r.component = root
            .text_of("dco")?
            .map(|d| number(d, "dco", 999).map(DeviceComponent))
            .transpose()?;
        r.device_text = text(root, "dte", 64)?;
        r.heartbeat_options = text(root, "hbo", 8)?;
        r.system_config = root.text_of("sco")?.map(|s| digit(s, "sco")).transpose()?;
        if let Some(p) = root.text_of("pri")? {
            r.priority = digit(p, "pri")?;
        }
        if let Some(l) = root.text_of("lco")? {
            r.location = LocationCode(number(l, "lco", 999)?);
        }
        r.location_value = text(root, "lva", 8)?;
        r.location_text = text(root, "lte", 64)?;
        if let Some(lge) = root.child("lge")? {
            let p = Position {
                geo: text(lge, "geo", 32)?,
                tim: text(lge, "tim", 32)?,
                gga: text(lge, "gga", 128)?,
            };
            r.position = (p != Position::default()).then_some(p);
        }
        r.status_text = text(root, "stt", 64)?;
        r.info_code = root
            .text_of("ico")?
            .map(|i| number(i, "ico", 999))
            .transpose()?;
        r.info_text = text(root, "ite", 256)?;
        r.additional_message = root.text_of("ame")?.map(|a| digit(a, "ame")).transpose()?;
        r.media_request = text(root, "mreq", 8)?;
        r.unknown = root
            .children
            .iter()
            .filter(|c| !KNOWN.iter().any(|k| c.name.eq_ignore_ascii_case(k)))
            .map(|c| (c.name.clone(), cut(&c.text, 64)))
            .collect();
        Ok(r)
    }

    /// Whether the device can take a voice call: not when every `crd` is `no-voice:` or
    /// `mreq` is `4`; an absent `crd` defaults to `sip:` (a voice path).
    pub fn wants_voice(&self) -> bool {
        if self.media_request.as_deref() == Some("4") {
            return false;
        }
        self.caller.is_empty() || self.caller.iter().any(|c| c.kind != ChannelKind::NoVoice)
    }

    /// The request as XML (for simulators and tests), elements in the usual order, codes
    /// zero-padded.
    pub fn to_xml(&self) -> String {
        let mut s = String::from("<mrq>");
        push_element(&mut s, "ref", &self.reference);
        push_element(&mut s, "mty", self.message_type.code());
        push_element(&mut s, "cid", &self.controller_id);
        push_element(&mut s, "dty", &self.device_type.to_string());
        opt(&mut s, "did", self.device_id.as_deref());
        if let Some(dco) = self.component {
            push_element(&mut s, "dco", &dco.to_string());
        }
        opt(&mut s, "dte", self.device_text.as_deref());
        push_element(&mut s, "stc", &self.status.to_string());
        for crd in &self.caller {
            push_element(&mut s, "crd", &crd.to_string());
        }
        push_element(&mut s, "cha", &self.call_handling.to_string());
        push_element(&mut s, "pri", &self.priority.to_string());
        push_element(&mut s, "lco", &self.location.to_string());
        opt(&mut s, "lva", self.location_value.as_deref());
        opt(&mut s, "lte", self.location_text.as_deref());
        if let Some(p) = &self.position {
            s.push_str("<lge>");
            opt(&mut s, "geo", p.geo.as_deref());
            opt(&mut s, "tim", p.tim.as_deref());
            opt(&mut s, "gga", p.gga.as_deref());
            s.push_str("</lge>");
        }
        opt(&mut s, "stt", self.status_text.as_deref());
        if let Some(ico) = self.info_code {
            push_element(&mut s, "ico", &format!("{ico:03}"));
        }
        opt(&mut s, "ite", self.info_text.as_deref());
        if let Some(ame) = self.additional_message {
            push_element(&mut s, "ame", &ame.to_string());
        }
        opt(&mut s, "mreq", self.media_request.as_deref());
        opt(&mut s, "ver", self.version.as_deref());
        opt(&mut s, "hbo", self.heartbeat_options.as_deref());
        if let Some(sco) = self.system_config {
            push_element(&mut s, "sco", &sco.to_string());
        }
        for (name, text) in &self.unknown {
            push_element(&mut s, name, text);
        }
        s.push_str("</mrq>");
        s
    }
}

fn opt(s: &mut String, tag: &str, value: Option<&str>) {
    if let Some(v) = value {
        push_element(s, tag, v);
    }
}

/// A reference or id: 1 to `max` printable ASCII characters, no spaces inside.
fn identifier(s: &str, tag: &'static str, max: usize) -> Result<String, XmlError> {
    let s = s.trim();
    if s.is_empty() || s.len() > max || !s.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(XmlError::Invalid(tag));
    }
    Ok(s.to_owned())
}

/// A decimal number, zero padding and spaces allowed, at most `max`.
fn number(s: &str, tag: &'static str, max: u16) -> Result<u16, XmlError> {
    let s = s.trim();
    if s.is_empty() || s.len() > 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(XmlError::Invalid(tag));
    }
    let n: u32 = s.parse().map_err(|_| XmlError::Invalid(tag))?;
    u16::try_from(n)
        .ok()
        .filter(|n| *n <= max)
        .ok_or(XmlError::Invalid(tag))
}

fn digit(s: &str, tag: &'static str) -> Result<u8, XmlError> {
    number(s, tag, 9).and_then(|n| u8::try_from(n).map_err(|_| XmlError::Invalid(tag)))
}

/// A free text, cut to `max` characters.
fn text(node: &Node, tag: &'static str, max: usize) -> Result<Option<String>, XmlError> {
    Ok(node.text_of(tag)?.map(|t| cut(t, max)))
}

/// The first `max` characters, without trailing whitespace (which the parser would trim).
pub(crate) fn cut(s: &str, max: usize) -> String {
    let mut s: String = s.chars().take(max).collect();
    s.truncate(s.trim_end().len());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_to_the_minimal_request() {
        let r = Request::parse(b"<mrq><ref>1</ref><cid>2</cid><dty>3</dty></mrq>").unwrap();
        assert_eq!(r, Request::new("1", "2", DeviceType::PERSONAL_TRIGGER));
        assert_eq!(r.status, StatusCode::MANUAL_ALARM);
        assert_eq!(r.message_type, MessageType::Alarm);
        assert!(r.wants_voice());
    }

    #[test]
    fn caller_channels() {
        assert_eq!(
            CallerChannel::parse("gsm:+46701234567"),
            CallerChannel {
                kind: ChannelKind::Gsm,
                address: "+46701234567".into()
            }
        );
        for s in [
            "no-voice:",
            "gsm:",
            "tel:+4611",
            "sip:a@b",
            "sip-pp:10.0.0.1",
            "x-y:z",
            "plain",
            ":sm:x",
        ] {
            assert_eq!(CallerChannel::parse(s).to_string(), s);
        }
        assert_eq!(CallerChannel::parse("NO-VOICE:").kind, ChannelKind::NoVoice);
    }

    #[test]
    fn numbers_are_lenient_but_bounded() {
        assert_eq!(number(" 0010 ", "stc", 9999), Ok(10));
        assert_eq!(number("00000010", "stc", 9999), Ok(10));
        assert_eq!(
            number("000000010", "stc", 9999),
            Err(XmlError::Invalid("stc"))
        );
        assert_eq!(number("10000", "stc", 9999), Err(XmlError::Invalid("stc")));
        assert_eq!(number("-1", "stc", 9999), Err(XmlError::Invalid("stc")));
        assert_eq!(number("1a", "stc", 9999), Err(XmlError::Invalid("stc")));
        assert_eq!(digit("10", "cha"), Err(XmlError::Invalid("cha")));
    }
}

//! The receiver's response, `<mrs>` (research §8.6), sent in a MESSAGE of its own after the
//! SIP `200 OK`: `ref` echoed, `snu` 0 for OK or the reason of a refusal.

use crate::request::{ParseError, cut};
use crate::xml::{XmlError, push_element, read_document};

/// `snu`: the status number of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResponseCode(pub u32);

impl ResponseCode {
    pub const OK: ResponseCode = ResponseCode(0);
    pub const MESSAGE_TOO_LONG: ResponseCode = ResponseCode(1);
    pub const INVALID_FORMAT: ResponseCode = ResponseCode(2);
    pub const WRONG_DATA_CONTENT: ResponseCode = ResponseCode(3);
    pub const HOLD: ResponseCode = ResponseCode(4);
    /// Also used for an unknown caller by one public receiver.
    pub const NOT_TREATED: ResponseCode = ResponseCode(5);
    pub const BUSY: ResponseCode = ResponseCode(6);
    pub const MANDATORY_TAG_MISSING: ResponseCode = ResponseCode(7);
    pub const UNDEFINED_ERROR: ResponseCode = ResponseCode(99);

    /// The English name from the public list; `None` outside it.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "OK",
            1 => "message too long",
            2 => "invalid format",
            3 => "wrong data content",
            4 => "hold",
            5 => "not treated",
            6 => "busy",
            7 => "mandatory tag missing",
            99 => "undefined error",
            _ => return None,
        })
    }
}

/// `mre`: what voice call the receiver wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaReply {
    NoVoiceCall,
    Duplex,
    MicrophoneOnly,
    SpeakerOnly,
}

impl MediaReply {
    /// The digit on the wire.
    pub fn digit(self) -> u8 {
        match self {
            Self::NoVoiceCall => 0,
            Self::Duplex => 1,
            Self::MicrophoneOnly => 2,
            Self::SpeakerOnly => 3,
        }
    }

    fn from_digit(d: u8) -> Option<Self> {
        Some(match d {
            0 => Self::NoVoiceCall,
            1 => Self::Duplex,
            2 => Self::MicrophoneOnly,
            3 => Self::SpeakerOnly,
            _ => return None,
        })
    }
}

/// A `<mrs>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// `ref`: the request's, exactly.
    pub reference: String,
    /// `snu`.
    pub code: ResponseCode,
    /// `ste`: status text, 1–128 characters.
    pub text: Option<String>,
    /// `cve`: common version (`01.00`).
    pub version: Option<String>,
    /// `mre`.
    pub media: Option<MediaReply>,
    /// `cre`: 61 call the pre-defined receiver, 62 call the number in `tnu`.
    pub call_handling: Option<u8>,
    /// `tnu`: the number or URI the device shall call.
    pub transfer_number: Option<String>,
    /// `hbi`: heartbeat interval, one digit 0–4.
    pub heartbeat_interval: Option<u8>,
}

impl Response {
    /// `snu 0` for the request with this `ref`.
    pub fn ok(reference: &str) -> Self {
        Self::with_code(reference, ResponseCode::OK)
    }

    pub fn with_code(reference: &str, code: ResponseCode) -> Self {
        Self {
            reference: reference.to_owned(),
            code,
            text: None,
            version: None,
            media: None,
            call_handling: None,
            transfer_number: None,
            heartbeat_interval: None,
        }
    }

    /// The answer to a request that could not be parsed, when its `ref` was read (without
    /// it no `<mrs>` can be sent; the SIP response is all the device gets). `ste` names the
    /// reason in English.
    pub fn refusal(err: &ParseError) -> Option<Self> {
        let reference = err.reference.as_deref()?;
        let mut r = Self::with_code(reference, err.response_code());
        r.text = Some(cut(&err.error.to_string(), 128));
        Some(r)
    }

    /// The XML body: `<mrs><ref>…</ref><snu>0</snu>…</mrs>`, no declaration (as the public
    /// samples).
    pub fn to_xml(&self) -> String {
        let mut s = String::from("<mrs>");
        push_element(&mut s, "ref", &self.reference);
        push_element(&mut s, "snu", &self.code.0.to_string());
        if let Some(t) = &self.text {
            push_element(&mut s, "ste", &cut(t, 128));
        }
        if let Some(v) = &self.version {
            push_element(&mut s, "cve", v);
        }
        if let Some(m) = self.media {
            push_element(&mut s, "mre", &m.digit().to_string());
        }
        if let Some(c) = self.call_handling {
            push_element(&mut s, "cre", &c.to_string());
        }
        if let Some(t) = &self.transfer_number {
            push_element(&mut s, "tnu", t);
        }
        if let Some(h) = self.heartbeat_interval {
            push_element(&mut s, "hbi", &h.to_string());
        }
        s.push_str("</mrs>");
        s
    }

    /// Parses a `<mrs>` (what a device simulator, or a test, reads).
    pub fn parse(body: &[u8]) -> Result<Self, ParseError> {
        let fail = |error, reference: Option<&str>| ParseError {
            error,
            reference: reference.map(str::to_owned),
        };
        let root = read_document(body, "mrs").map_err(|e| fail(e, None))?;
        let reference = root
            .text_of("ref")
            .map_err(|e| fail(e, None))?
            .ok_or_else(|| fail(XmlError::Missing("ref"), None))?
            .to_owned();
        let r = Some(reference.as_str());
        let num = |tag: &'static str, max: u32| -> Result<Option<u32>, ParseError> {
            root.text_of(tag)
                .map_err(|e| fail(e, r))?
                .map(|t| {
                    let t = t.trim();
                    t.parse::<u32>()
                        .ok()
                        .filter(|n| {
                            *n <= max && t.len() <= 5 && t.bytes().all(|b| b.is_ascii_digit())
                        })
                        .ok_or_else(|| fail(XmlError::Invalid(tag), r))
                })
                .transpose()
        };
        let txt = |tag: &'static str| -> Result<Option<String>, ParseError> {
            Ok(root
                .text_of(tag)
                .map_err(|e| fail(e, r))?
                .map(str::to_owned))
        };
        let code = num("snu", 99_999)?.ok_or_else(|| fail(XmlError::Missing("snu"), r))?;
        let media = num("mre", 9)?
            .map(|m| {
                u8::try_from(m)
                    .ok()
                    .and_then(MediaReply::from_digit)
                    .ok_or_else(|| fail(XmlError::Invalid("mre"), r))
            })
            .transpose()?;
        let small = |n: Option<u32>| n.and_then(|n| u8::try_from(n).ok());
        Ok(Self {
            reference: reference.clone(),
            code: ResponseCode(code),
            text: txt("ste")?.map(|t| cut(&t, 128)),
            version: txt("cve")?,
            media,
            call_handling: small(num("cre", 99)?),
            transfer_number: txt("tnu")?,
            heartbeat_interval: small(num("hbi", 9)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Request;

    #[test]
    fn ok_is_the_public_sample() {
        assert_eq!(
            Response::ok("00020486").to_xml(),
            "<mrs><ref>00020486</ref><snu>0</snu></mrs>"
        );
    }

    #[test]
    fn full_response_round_trips() {
        let r = Response {
            reference: "lmepivnFqmI8Jvv1".into(),
            code: ResponseCode::OK,
            text: Some("OK <&>".into()),
            version: Some("01.00".into()),
            media: Some(MediaReply::Duplex),
            call_handling: Some(62),
            transfer_number: Some("sip:arc@example.org".into()),
            heartbeat_interval: Some(2),
        };
        let xml = r.to_xml();
        assert!(xml.contains("<ste>OK &lt;&amp;&gt;</ste>"));
        assert_eq!(Response::parse(xml.as_bytes()).unwrap(), r);
    }

    #[test]
    fn refusals_carry_the_reason_and_the_ref() {
        let err = Request::parse(b"<mrq><ref>77</ref><dty>4</dty></mrq>").unwrap_err();
        let r = Response::refusal(&err).unwrap();
        assert_eq!(r.reference, "77");
        assert_eq!(r.code, ResponseCode::MANDATORY_TAG_MISSING);
        assert_eq!(
            r.text.as_deref(),
            Some("the mandatory element <cid> is missing")
        );
        let err = Request::parse(b"<mrq><cid>1</cid></mrq>").unwrap_err();
        assert_eq!(Response::refusal(&err), None);
        assert_eq!(ResponseCode(7).name(), Some("mandatory tag missing"));
        assert_eq!(ResponseCode(8).name(), None);
    }

    #[test]
    fn parse_refuses_bad_responses() {
        assert!(Response::parse(b"<mrs><snu>0</snu></mrs>").is_err());
        assert!(Response::parse(b"<mrs><ref>1</ref></mrs>").is_err());
        assert!(Response::parse(b"<mrs><ref>1</ref><snu>x</snu></mrs>").is_err());
        assert!(Response::parse(b"<mrs><ref>1</ref><snu>0</snu><mre>7</mre></mrs>").is_err());
        assert!(Response::parse(b"<mrq><ref>1</ref><snu>0</snu></mrq>").is_err());
    }
}

//! The part of SIP (RFC 3261) a SCAIP receiver needs: parse a request or response (one UDP
//! datagram, or frame it out of a TCP/TLS byte stream), build the answers to a request and a
//! MESSAGE request of our own. Headers are kept as received (order, spelling); lookups are by
//! canonical name, compact forms included.

mod build;
mod parse;

pub use build::{OutgoingMessage, Status, response_to};
pub use parse::{Framed, Limits, SipError, frame_stream, parse_datagram};

use std::fmt;

/// The media type of a SCAIP body (IANA, 2014).
pub const SCAIP_CONTENT_TYPE: &str = "application/scaip+xml";

/// A parsed SIP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Request(Request),
    Response(Response),
}

impl Message {
    pub fn headers(&self) -> &Headers {
        match self {
            Message::Request(r) => &r.headers,
            Message::Response(r) => &r.headers,
        }
    }

    pub fn body(&self) -> &[u8] {
        match self {
            Message::Request(r) => &r.body,
            Message::Response(r) => &r.body,
        }
    }

    /// The message as bytes on the wire (`Content-Length` as given in the headers).
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Message::Request(r) => r.to_bytes(),
            Message::Response(r) => r.to_bytes(),
        }
    }
}

/// A SIP request: `METHOD Request-URI SIP/2.0`, headers, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// As received (methods are case-sensitive in SIP: `MESSAGE`, not `message`).
    pub method: String,
    pub uri: String,
    pub headers: Headers,
    pub body: Vec<u8>,
}

/// A SIP response: `SIP/2.0 code reason`, headers, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub code: u16,
    pub reason: String,
    pub headers: Headers,
    pub body: Vec<u8>,
}

/// One header line, unfolded; the name as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// The headers of a message in the order received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<Header>);

/// The full, lower-case name of a header: compact forms (RFC 3261 §7.3.3 and the registry)
/// expanded, so `f`, `From` and `FROM` all look up as `from`.
pub fn canonical_name(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let full = match lower.as_str() {
        "v" => "via",
        "f" => "from",
        "t" => "to",
        "i" => "call-id",
        "l" => "content-length",
        "c" => "content-type",
        "m" => "contact",
        "e" => "content-encoding",
        "k" => "supported",
        "s" => "subject",
        _ => return lower,
    };
    full.to_owned()
}

impl Headers {
    /// All values of a header, in order (compact and full names alike).
    pub fn get_all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + use<'a> {
        let want = canonical_name(name);
        self.0
            .iter()
            .filter(move |h| canonical_name(&h.name) == want)
            .map(|h| h.value.as_str())
    }

    /// The first value of a header.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.get_all(name).next()
    }

    /// Appends a header. CR and LF in the name or value become spaces, so a value taken from
    /// elsewhere can never inject a header line.
    pub fn push(&mut self, name: &str, value: &str) {
        self.0.push(Header {
            name: no_newlines(name),
            value: no_newlines(value),
        });
    }

    /// Removes every header of that name (compact forms included).
    pub fn remove(&mut self, name: &str) {
        let want = canonical_name(name);
        self.0.retain(|h| canonical_name(&h.name) != want);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn write(&self, out: &mut Vec<u8>) {
        for h in &self.0 {
            out.extend_from_slice(h.name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(h.value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
    }
}

fn no_newlines(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// `CSeq: 1 MESSAGE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CSeq {
    pub seq: u32,
    pub method: String,
}

impl fmt::Display for CSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.seq, self.method)
    }
}

impl Request {
    pub fn call_id(&self) -> Option<&str> {
        self.headers.get("call-id")
    }

    /// The `CSeq` header, parsed; `None` when missing or malformed.
    pub fn cseq(&self) -> Option<CSeq> {
        parse_cseq(self.headers.get("cseq")?)
    }

    /// The content type without parameters, lower case (`application/scaip+xml`).
    pub fn content_type(&self) -> Option<String> {
        media_type(self.headers.get("content-type")?)
    }

    /// The user part of the `From` URI (`sip:26317@example.org` → `26317`): SCAIP devices
    /// usually put their controller id there (research §8.2).
    pub fn from_user(&self) -> Option<&str> {
        uri_user(self.headers.get("from")?)
    }

    /// The `tag` parameter of `From`.
    pub fn from_tag(&self) -> Option<&str> {
        tag_param(self.headers.get("from")?)
    }

    /// The request's checks before it can be answered (RFC 3261 §8.1.1, §8.2): `Via`, `From`,
    /// `To`, `Call-ID` and a well-formed `CSeq` whose method matches the request line. A
    /// request that fails gets `400 Bad Request` (when it has what a response copies) or is
    /// dropped.
    pub fn check(&self) -> Result<(), SipError> {
        for name in ["via", "from", "to", "call-id"] {
            if self.headers.get(name).is_none() {
                return Err(SipError::MissingHeader(name));
            }
        }
        let cseq = self.cseq().ok_or(SipError::BadHeader("cseq"))?;
        if cseq.method != self.method {
            return Err(SipError::BadHeader("cseq"));
        }
        Ok(())
    }

    /// The request as bytes on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("{} {} SIP/2.0\r\n", self.method, self.uri).into_bytes();
        self.headers.write(&mut out);
        out.extend_from_slice(&self.body);
        out
    }
}

impl Response {
    pub fn cseq(&self) -> Option<CSeq> {
        parse_cseq(self.headers.get("cseq")?)
    }

    /// The response as bytes on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("SIP/2.0 {} {}\r\n", self.code, self.reason).into_bytes();
        self.headers.write(&mut out);
        out.extend_from_slice(&self.body);
        out
    }
}

fn parse_cseq(value: &str) -> Option<CSeq> {
    let mut parts = value.split_ascii_whitespace();
    let seq = parts.next()?;
    let method = parts.next()?;
    if parts.next().is_some() || seq.is_empty() || seq.len() > 10 {
        return None;
    }
    if !seq.bytes().all(|b| b.is_ascii_digit()) || !method.bytes().all(is_token_byte) {
        return None;
    }
    // RFC 3261 §8.1.1.5: less than 2**31.
    let seq: u32 = seq.parse().ok().filter(|n| *n < 1 << 31)?;
    Some(CSeq {
        seq,
        method: method.to_owned(),
    })
}

/// `application/scaip+xml; charset=UTF-8` → `application/scaip+xml`.
pub fn media_type(value: &str) -> Option<String> {
    let t = value.split(';').next()?.trim();
    (!t.is_empty()).then(|| t.to_ascii_lowercase())
}

/// The URI of a name-addr or addr-spec (`"Doro" <sip:1@h>;tag=x` → `sip:1@h`).
pub fn header_uri(value: &str) -> &str {
    if let Some(start) = value.find('<') {
        let rest = &value[start + 1..];
        return rest.find('>').map_or(rest, |end| &rest[..end]);
    }
    // addr-spec: parameters after `;` belong to the header, not the URI.
    value.split(';').next().unwrap_or(value).trim()
}

/// The user part of the URI in a From/To value (`sip:user@host` → `user`).
pub fn uri_user(value: &str) -> Option<&str> {
    let uri = header_uri(value);
    let rest = uri
        .strip_prefix("sip:")
        .or_else(|| uri.strip_prefix("sips:"))
        .or_else(|| uri.strip_prefix("tel:"))?;
    let user = rest.split('@').next()?;
    // A URI without `@` has no user part (unless it is a tel: URI).
    if !rest.contains('@') && !uri.starts_with("tel:") {
        return None;
    }
    let user = user.split([';', ':']).next().unwrap_or(user);
    (!user.is_empty()).then_some(user)
}

/// The `tag` parameter of a From/To value (outside the `<…>`, where URI parameters live).
pub fn tag_param(value: &str) -> Option<&str> {
    let params = match value.rfind('>') {
        Some(end) => &value[end + 1..],
        None => value.split_once(';').map_or("", |(_, p)| p),
    };
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("tag").then(|| v.trim())
    })
}

/// RFC 3261 `token` characters.
pub(crate) fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b)
}

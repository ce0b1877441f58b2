//! What we send: the response to a device's request, and a MESSAGE of our own (the `<mrs>`).
//! Random parts (tags, branch, Call-ID) come from the caller, so the output is deterministic.

use super::{Headers, Request, Response, SCAIP_CONTENT_TYPE, tag_param};

/// A response status: code and reason phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub code: u16,
    pub reason: &'static str,
}

impl Status {
    pub const OK: Status = Status::new(200, "OK");
    pub const BAD_REQUEST: Status = Status::new(400, "Bad Request");
    pub const UNAUTHORIZED: Status = Status::new(401, "Unauthorized");
    pub const FORBIDDEN: Status = Status::new(403, "Forbidden");
    pub const NOT_FOUND: Status = Status::new(404, "Not Found");
    pub const METHOD_NOT_ALLOWED: Status = Status::new(405, "Method Not Allowed");
    pub const REQUEST_ENTITY_TOO_LARGE: Status = Status::new(413, "Request Entity Too Large");
    pub const UNSUPPORTED_MEDIA_TYPE: Status = Status::new(415, "Unsupported Media Type");
    pub const CALL_DOES_NOT_EXIST: Status = Status::new(481, "Call/Transaction Does Not Exist");
    pub const SERVER_INTERNAL_ERROR: Status = Status::new(500, "Server Internal Error");
    pub const SERVICE_UNAVAILABLE: Status = Status::new(503, "Service Unavailable");

    pub const fn new(code: u16, reason: &'static str) -> Self {
        Self { code, reason }
    }

    /// The status of a code we send, with its RFC 3261 reason phrase.
    pub fn from_code(code: u16) -> Option<Status> {
        [
            Self::OK,
            Self::BAD_REQUEST,
            Self::UNAUTHORIZED,
            Self::FORBIDDEN,
            Self::NOT_FOUND,
            Self::METHOD_NOT_ALLOWED,
            Self::REQUEST_ENTITY_TOO_LARGE,
            Self::UNSUPPORTED_MEDIA_TYPE,
            Self::CALL_DOES_NOT_EXIST,
            Self::SERVER_INTERNAL_ERROR,
            Self::SERVICE_UNAVAILABLE,
        ]
        .into_iter()
        .find(|s| s.code == code)
    }
}

/// The response to `req` (RFC 3261 §8.2.6): every `Via` in order, `From`, `To` (with
/// `to_tag` added when the request's `To` has no tag and the status is not 100), `Call-ID`
/// and `CSeq` copied; `Content-Length: 0`. Add headers such as `WWW-Authenticate` (401) or
/// `Accept` (415) with [`Response::with_header`], a body with [`Response::set_body`].
pub fn response_to(req: &Request, status: Status, to_tag: &str) -> Response {
    let mut headers = Headers::default();
    for via in req.headers.get_all("via") {
        headers.push("Via", via);
    }
    if let Some(from) = req.headers.get("from") {
        headers.push("From", from);
    }
    if let Some(to) = req.headers.get("to") {
        if tag_param(to).is_none() && status.code != 100 && !to_tag.is_empty() {
            headers.push("To", &format!("{to};tag={to_tag}"));
        } else {
            headers.push("To", to);
        }
    }
    if let Some(call_id) = req.headers.get("call-id") {
        headers.push("Call-ID", call_id);
    }
    if let Some(cseq) = req.headers.get("cseq") {
        headers.push("CSeq", cseq);
    }
    headers.push("Content-Length", "0");
    Response {
        code: status.code,
        reason: status.reason.to_owned(),
        headers,
        body: Vec::new(),
    }
}

impl Response {
    /// Adds a header before `Content-Length` (kept last, as people read it).
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.remove("content-length");
        self.headers.push(name, value);
        self.headers
            .push("Content-Length", &self.body.len().to_string());
        self
    }

    /// Sets the body and its `Content-Type` and `Content-Length`.
    pub fn set_body(&mut self, content_type: &str, body: Vec<u8>) {
        self.headers.remove("content-type");
        self.headers.remove("content-length");
        self.headers.push("Content-Type", content_type);
        self.headers.push("Content-Length", &body.len().to_string());
        self.body = body;
    }
}

/// A MESSAGE request of ours (the `<mrs>` to a device), RFC 3261 §8.1.1 and RFC 3428.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage<'a> {
    /// Where it goes: the device's Contact, or its From URI when it never registered.
    pub request_uri: &'a str,
    /// Our address of record (`sip:alarm@arc.example`).
    pub from_uri: &'a str,
    /// A fresh random tag for `From`.
    pub from_tag: &'a str,
    /// The device (`sip:26317@arc.example`).
    pub to_uri: &'a str,
    /// Globally unique; fresh per message.
    pub call_id: &'a str,
    pub cseq: u32,
    /// `UDP`, `TCP` or `TLS`.
    pub transport: &'a str,
    /// Our `sent-by` (`host` or `host:port`).
    pub sent_by: &'a str,
    /// A fresh random branch; the RFC 3261 magic cookie `z9hG4bK` is added when missing.
    pub branch: &'a str,
    /// `Content-Type`; usually [`SCAIP_CONTENT_TYPE`].
    pub content_type: &'a str,
    pub body: &'a [u8],
    /// `User-Agent`, if any.
    pub user_agent: Option<&'a str>,
}

impl<'a> OutgoingMessage<'a> {
    /// A SCAIP MESSAGE with the usual defaults (UDP, `application/scaip+xml`, no User-Agent).
    #[allow(clippy::too_many_arguments)]
    pub fn scaip(
        request_uri: &'a str,
        from_uri: &'a str,
        from_tag: &'a str,
        to_uri: &'a str,
        call_id: &'a str,
        cseq: u32,
        sent_by: &'a str,
        branch: &'a str,
        body: &'a [u8],
    ) -> Self {
        Self {
            request_uri,
            from_uri,
            from_tag,
            to_uri,
            call_id,
            cseq,
            transport: "UDP",
            sent_by,
            branch,
            content_type: SCAIP_CONTENT_TYPE,
            body,
            user_agent: None,
        }
    }

    /// The request. Values are used as given; CR/LF in them become spaces.
    pub fn build(&self) -> Request {
        let branch = if self.branch.starts_with("z9hG4bK") {
            self.branch.to_owned()
        } else {
            format!("z9hG4bK{}", self.branch)
        };
        let mut headers = Headers::default();
        headers.push(
            "Via",
            &format!(
                "SIP/2.0/{} {};branch={branch}",
                self.transport.to_ascii_uppercase(),
                self.sent_by
            ),
        );
        headers.push("Max-Forwards", "70");
        headers.push(
            "From",
            &format!("<{}>;tag={}", self.from_uri, self.from_tag),
        );
        headers.push("To", &format!("<{}>", self.to_uri));
        headers.push("Call-ID", self.call_id);
        headers.push("CSeq", &format!("{} MESSAGE", self.cseq));
        if let Some(ua) = self.user_agent {
            headers.push("User-Agent", ua);
        }
        headers.push("Content-Type", self.content_type);
        headers.push("Content-Length", &self.body.len().to_string());
        Request {
            method: "MESSAGE".to_owned(),
            uri: self.request_uri.replace(['\r', '\n', ' '], ""),
            headers,
            body: self.body.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::{Framed, Limits, Message, frame_stream, parse_datagram};

    const DEVICE_MESSAGE: &str = "MESSAGE sip:alarm@arc.example SIP/2.0\r\n\
        Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKproxy\r\n\
        Via: SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bK776asdhds\r\n\
        Max-Forwards: 69\r\n\
        f: \"Doro\" <sip:8031372@arc.example>;tag=49583\r\n\
        t: <sip:alarm@arc.example>\r\n\
        i: a84b4c76e66710@10.0.0.5\r\n\
        CSeq: 314159 MESSAGE\r\n\
        c: application/scaip+xml\r\n\
        l: 0\r\n\r\n";

    fn device_request() -> Request {
        match parse_datagram(DEVICE_MESSAGE.as_bytes(), &Limits::default()).unwrap() {
            Message::Request(r) => r,
            Message::Response(_) => panic!("not a request"),
        }
    }

    #[test]
    fn ok_copies_the_transaction_headers_and_adds_a_to_tag() {
        let resp = response_to(&device_request(), Status::OK, "vaka1");
        let text = String::from_utf8(resp.to_bytes()).unwrap();
        assert_eq!(
            text,
            "SIP/2.0 200 OK\r\n\
             Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKproxy\r\n\
             Via: SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bK776asdhds\r\n\
             From: \"Doro\" <sip:8031372@arc.example>;tag=49583\r\n\
             To: <sip:alarm@arc.example>;tag=vaka1\r\n\
             Call-ID: a84b4c76e66710@10.0.0.5\r\n\
             CSeq: 314159 MESSAGE\r\n\
             Content-Length: 0\r\n\r\n"
        );
    }

    #[test]
    fn an_existing_to_tag_is_kept() {
        let mut req = device_request();
        req.headers.remove("to");
        req.headers.push("To", "<sip:alarm@arc.example>;tag=abc");
        let resp = response_to(&req, Status::OK, "vaka1");
        assert_eq!(
            resp.headers.get("to"),
            Some("<sip:alarm@arc.example>;tag=abc")
        );
    }

    #[test]
    fn challenge_with_extra_header_parses_back() {
        let resp = response_to(&device_request(), Status::UNAUTHORIZED, "t")
            .with_header("WWW-Authenticate", "Digest realm=\"vaka\", nonce=\"n\"");
        let bytes = resp.to_bytes();
        let Framed::Message { message, used } = frame_stream(&bytes, &Limits::default()).unwrap()
        else {
            panic!()
        };
        assert_eq!(used, bytes.len());
        assert_eq!(message, Message::Response(resp));
    }

    #[test]
    fn outgoing_message_round_trips() {
        let body = b"<mrs><ref>00020486</ref><snu>0</snu></mrs>";
        let mut spec = OutgoingMessage::scaip(
            "sip:8031372@10.0.0.5:5060",
            "sip:alarm@arc.example",
            "f00d",
            "sip:8031372@arc.example",
            "c4ll@arc.example",
            7,
            "arc.example:5060",
            "abc123",
            body,
        );
        spec.transport = "tcp";
        let req = spec.build();
        let bytes = req.to_bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("MESSAGE sip:8031372@10.0.0.5:5060 SIP/2.0\r\n"));
        assert!(text.contains("Via: SIP/2.0/TCP arc.example:5060;branch=z9hG4bKabc123\r\n"));
        assert!(text.contains("Content-Type: application/scaip+xml\r\n"));
        assert!(text.contains("Content-Length: 42\r\n"));
        let Framed::Message { message, used } = frame_stream(&bytes, &Limits::default()).unwrap()
        else {
            panic!()
        };
        assert_eq!(used, bytes.len());
        let Message::Request(parsed) = message else {
            panic!()
        };
        parsed.check().unwrap();
        assert_eq!(parsed, req);
        assert_eq!(parsed.from_tag(), Some("f00d"));
    }

    #[test]
    fn values_cannot_inject_header_lines() {
        let spec = OutgoingMessage::scaip(
            "sip:a@b",
            "sip:c@d",
            "t\r\nX-Evil: 1",
            "sip:a@b",
            "i",
            1,
            "h",
            "b",
            b"",
        );
        let bytes = spec.build().to_bytes();
        let Message::Request(r) = parse_datagram(&bytes, &Limits::default()).unwrap() else {
            panic!()
        };
        assert_eq!(r.headers.get("x-evil"), None);
    }

    #[test]
    fn status_codes_have_their_phrases() {
        assert_eq!(
            Status::from_code(415).unwrap().reason,
            "Unsupported Media Type"
        );
        assert_eq!(Status::from_code(299), None);
    }
}

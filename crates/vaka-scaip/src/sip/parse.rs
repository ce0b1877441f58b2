//! Parsing and stream framing, with limits: oversized or malformed input is refused with an
//! error, never a panic and never an unbounded buffer.

use super::{Header, Headers, Message, Request, Response, canonical_name, is_token_byte};

/// Bounds on what the parser accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes of the start line and headers, up to and including the empty line.
    pub head: usize,
    /// Most header lines (folded continuations count with their header).
    pub headers: usize,
    /// Most bytes of the body (`Content-Length`).
    pub body: usize,
}

impl Default for Limits {
    /// 8 KiB of headers in at most 64 lines, a body of at most 16 KiB. A SCAIP MESSAGE is well
    /// under 2 KiB; a UDP datagram is at most 64 KiB, so nothing legitimate is refused.
    fn default() -> Self {
        Self {
            head: 8 * 1024,
            headers: 64,
            body: 16 * 1024,
        }
    }
}

/// Why bytes are not a SIP message. `Display` is for logs; the receiver decides the answer
/// (`400`, `413`, or closing the connection).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SipError {
    #[error("the datagram holds only line ends (a keep-alive: ignore it)")]
    KeepAlive,
    #[error("the start line is neither a SIP request nor a SIP response")]
    StartLine,
    #[error("SIP version is not SIP/2.0")]
    Version,
    #[error("malformed header line")]
    HeaderLine,
    #[error("the header part is not UTF-8")]
    NotUtf8,
    #[error("the header part exceeds {max} bytes")]
    HeadTooLarge { max: usize },
    #[error("more than {max} header lines")]
    TooManyHeaders { max: usize },
    #[error("Content-Length is missing (required on a stream transport)")]
    MissingContentLength,
    #[error("Content-Length is malformed or repeated with different values")]
    BadContentLength,
    #[error("the body of {len} bytes exceeds {max}")]
    BodyTooLarge { len: usize, max: usize },
    #[error("the datagram ends before the {len} bytes Content-Length announced")]
    Truncated { len: usize },
    #[error("the mandatory header {0} is missing")]
    MissingHeader(&'static str),
    #[error("the header {0} is malformed")]
    BadHeader(&'static str),
}

impl SipError {
    /// The SIP status a request that failed this way should get, if any can be sent: `None`
    /// when the message cannot be answered (no request line, or a stream that must be closed).
    pub fn status(&self) -> Option<u16> {
        match self {
            SipError::BodyTooLarge { .. } => Some(413),
            SipError::MissingHeader(_)
            | SipError::BadHeader(_)
            | SipError::Truncated { .. }
            | SipError::BadContentLength
            | SipError::MissingContentLength => Some(400),
            _ => None,
        }
    }
}

/// What [`frame_stream`] found at the start of a buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Framed {
    /// A whole message, which used the first `used` bytes of the buffer.
    Message { message: Message, used: usize },
    /// CR/LF bytes between messages: drop `used` bytes. `ping` when they were the keep-alive
    /// `CRLFCRLF` of RFC 5626 §3.5.1, which is answered with a single `CRLF` ("pong").
    KeepAlive { used: usize, ping: bool },
    /// The buffer holds the beginning of a message: read more.
    NeedMore,
}

/// Frames one message out of the front of a TCP/TLS byte stream. `Content-Length` is
/// required there (RFC 3261 §18.3). Never looks past `limits`: a head longer than
/// `limits.head` without its empty line, or a larger announced body, is an error at once.
/// After an error the stream cannot be resynchronised: answer if [`SipError::status`] says so,
/// then close the connection.
pub fn frame_stream(buf: &[u8], limits: &Limits) -> Result<Framed, SipError> {
    let lead = buf
        .iter()
        .take_while(|b| **b == b'\r' || **b == b'\n')
        .count();
    if buf.starts_with(b"\r\n\r\n") {
        return Ok(Framed::KeepAlive {
            used: 4,
            ping: true,
        });
    }
    if lead > 0 {
        // Stray line ends (RFC 3261 §7.5 says to ignore them); wait for the rest of a possible
        // ping unless other bytes already follow.
        if lead == buf.len() && lead < 4 && b"\r\n\r\n".starts_with(buf) {
            return Ok(Framed::NeedMore);
        }
        return Ok(Framed::KeepAlive {
            used: lead,
            ping: false,
        });
    }
    let Some((head_len, body_start)) = find_head_end(buf, limits.head) else {
        return if buf.len() >= limits.head {
            Err(SipError::HeadTooLarge { max: limits.head })
        } else {
            Ok(Framed::NeedMore)
        };
    };
    let head = parse_head(&buf[..head_len], limits)?;
    let len = content_length(&head.headers)?.ok_or(SipError::MissingContentLength)?;
    if len > limits.body {
        return Err(SipError::BodyTooLarge {
            len,
            max: limits.body,
        });
    }
    let Some(body) = buf.get(body_start..body_start + len) else {
        return Ok(Framed::NeedMore);
    };
    Ok(Framed::Message {
        message: head.into_message(body.to_vec()),
        used: body_start + len,
    })
}

/// Parses one UDP datagram. Without `Content-Length` the body is the rest of the datagram;
/// with it, bytes beyond it are ignored and a shorter datagram is an error (RFC 3261 §18.3).
/// A datagram of nothing but CR/LF (a NAT keep-alive) is [`SipError::KeepAlive`].
pub fn parse_datagram(datagram: &[u8], limits: &Limits) -> Result<Message, SipError> {
    // Leading line ends are tolerated (RFC 3261 §7.5).
    let start = datagram
        .iter()
        .take_while(|b| **b == b'\r' || **b == b'\n')
        .count();
    let buf = &datagram[start..];
    if buf.is_empty() && start > 0 {
        return Err(SipError::KeepAlive);
    }
    let Some((head_len, body_start)) = find_head_end(buf, limits.head) else {
        if buf.len() >= limits.head {
            return Err(SipError::HeadTooLarge { max: limits.head });
        }
        // A head without its empty line: accepted as all head when it ends a line (some
        // senders omit the final CRLF of a body-less message), else refused.
        return parse_unterminated(buf, limits);
    };
    let head = parse_head(&buf[..head_len], limits)?;
    let rest = &buf[body_start..];
    let body = match content_length(&head.headers)? {
        Some(len) if len > limits.body => {
            return Err(SipError::BodyTooLarge {
                len,
                max: limits.body,
            });
        }
        Some(len) => rest.get(..len).ok_or(SipError::Truncated { len })?,
        None if rest.len() > limits.body => {
            return Err(SipError::BodyTooLarge {
                len: rest.len(),
                max: limits.body,
            });
        }
        None => rest,
    };
    Ok(head.into_message(body.to_vec()))
}

fn parse_unterminated(buf: &[u8], limits: &Limits) -> Result<Message, SipError> {
    if !buf.ends_with(b"\n") {
        return Err(SipError::HeaderLine);
    }
    let head = parse_head(buf, limits)?;
    match content_length(&head.headers)? {
        Some(0) | None => Ok(head.into_message(Vec::new())),
        Some(len) => Err(SipError::Truncated { len }),
    }
}

/// Finds the empty line that ends the head, within `max` bytes: returns the length of the
/// head (up to and including the last header line's LF) and where the body starts. Bare LF
/// line ends are tolerated.
fn find_head_end(buf: &[u8], max: usize) -> Option<(usize, usize)> {
    let window = &buf[..buf.len().min(max)];
    let mut i = 0;
    while let Some(off) = window[i..].iter().position(|b| *b == b'\n') {
        let lf = i + off;
        match window.get(lf + 1..) {
            Some([b'\n', ..]) => return Some((lf + 1, lf + 2)),
            Some([b'\r', b'\n', ..]) => return Some((lf + 1, lf + 3)),
            _ => i = lf + 1,
        }
    }
    None
}

struct Head {
    start: StartLine,
    headers: Headers,
}

enum StartLine {
    Request { method: String, uri: String },
    Response { code: u16, reason: String },
}

impl Head {
    fn into_message(self, body: Vec<u8>) -> Message {
        match self.start {
            StartLine::Request { method, uri } => Message::Request(Request {
                method,
                uri,
                headers: self.headers,
                body,
            }),
            StartLine::Response { code, reason } => Message::Response(Response {
                code,
                reason,
                headers: self.headers,
                body,
            }),
        }
    }
}

fn parse_head(head: &[u8], limits: &Limits) -> Result<Head, SipError> {
    let text = std::str::from_utf8(head).map_err(|_| SipError::NotUtf8)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let start = parse_start_line(lines.next().unwrap_or(""))?;
    let mut headers: Vec<Header> = Vec::new();
    for line in lines {
        if line.is_empty() {
            continue;
        }
        if line.chars().any(|c| c.is_control() && c != '\t') {
            return Err(SipError::HeaderLine);
        }
        if line.starts_with([' ', '\t']) {
            // A folded line continues the previous header (RFC 3261 §7.3.1).
            let prev = headers.last_mut().ok_or(SipError::HeaderLine)?;
            prev.value.push(' ');
            prev.value.push_str(line.trim());
            crate::xml::trim_in_place(&mut prev.value);
            continue;
        }
        if headers.len() >= limits.headers {
            return Err(SipError::TooManyHeaders {
                max: limits.headers,
            });
        }
        let (name, value) = line.split_once(':').ok_or(SipError::HeaderLine)?;
        let name = name.trim_end_matches([' ', '\t']);
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(SipError::HeaderLine);
        }
        headers.push(Header {
            name: name.to_owned(),
            value: value.trim().to_owned(),
        });
    }
    Ok(Head {
        start,
        headers: Headers(headers),
    })
}

fn parse_start_line(line: &str) -> Result<StartLine, SipError> {
    if line.chars().any(char::is_control) {
        return Err(SipError::StartLine);
    }
    if let Some(rest) = strip_version(line) {
        // Status-Line: SIP/2.0 SP 3DIGIT SP Reason-Phrase (which may be empty).
        let rest = rest.strip_prefix(' ').ok_or(SipError::StartLine)?;
        let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SipError::StartLine);
        }
        let code: u16 = code.parse().map_err(|_| SipError::StartLine)?;
        if !(100..700).contains(&code) {
            return Err(SipError::StartLine);
        }
        return Ok(StartLine::Response {
            code,
            reason: reason.to_owned(),
        });
    }
    // Request-Line: Method SP Request-URI SP SIP-Version.
    let mut parts = line.split(' ');
    let (Some(method), Some(uri), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SipError::StartLine);
    };
    if method.is_empty() || !method.bytes().all(is_token_byte) || uri.is_empty() {
        return Err(SipError::StartLine);
    }
    if !uri.contains(':') {
        return Err(SipError::StartLine);
    }
    if strip_version(version) != Some("") {
        return Err(if version.to_ascii_uppercase().starts_with("SIP/") {
            SipError::Version
        } else {
            SipError::StartLine
        });
    }
    Ok(StartLine::Request {
        method: method.to_owned(),
        uri: uri.to_owned(),
    })
}

/// Strips a leading `SIP/2.0` (case-insensitive).
fn strip_version(s: &str) -> Option<&str> {
    let v = s.get(..7)?;
    v.eq_ignore_ascii_case("SIP/2.0").then(|| &s[7..])
}

/// The body length the headers announce; repeated headers must agree.
fn content_length(headers: &Headers) -> Result<Option<usize>, SipError> {
    let mut found: Option<usize> = None;
    for h in &headers.0 {
        if canonical_name(&h.name) != "content-length" {
            continue;
        }
        let v = h.value.trim();
        if v.is_empty() || v.len() > 9 || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SipError::BadContentLength);
        }
        let n: usize = v.parse().map_err(|_| SipError::BadContentLength)?;
        if found.is_some_and(|f| f != n) {
            return Err(SipError::BadContentLength);
        }
        found = Some(n);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGE: &str = "MESSAGE sip:alarm@arc.example SIP/2.0\r\n\
        Via: SIP/2.0/TCP 10.0.0.5:5060;branch=z9hG4bK776asdhds\r\n\
        Max-Forwards: 70\r\n\
        From: <sip:26317@arc.example>;tag=49583\r\n\
        To: <sip:alarm@arc.example>\r\n\
        Call-ID: a84b4c76e66710@10.0.0.5\r\n\
        CSeq: 1 MESSAGE\r\n\
        Content-Type: application/scaip+xml\r\n\
        Content-Length: 11\r\n\
        \r\n\
        <mrq></mrq>";

    fn limits() -> Limits {
        Limits::default()
    }

    #[test]
    fn frames_a_message_and_reports_bytes_used() {
        let bytes = MESSAGE.as_bytes();
        let Framed::Message { message, used } = frame_stream(bytes, &limits()).unwrap() else {
            panic!("not a message");
        };
        assert_eq!(used, bytes.len());
        let Message::Request(r) = message else {
            panic!("not a request")
        };
        assert_eq!(r.method, "MESSAGE");
        assert_eq!(r.uri, "sip:alarm@arc.example");
        assert_eq!(r.body, b"<mrq></mrq>");
        assert_eq!(r.from_user(), Some("26317"));
        assert_eq!(r.from_tag(), Some("49583"));
        assert_eq!(r.content_type().as_deref(), Some("application/scaip+xml"));
        assert_eq!(r.cseq().unwrap().seq, 1);
        r.check().unwrap();
    }

    #[test]
    fn need_more_until_the_body_is_complete() {
        let bytes = MESSAGE.as_bytes();
        for cut in 0..bytes.len() {
            assert_eq!(
                frame_stream(&bytes[..cut], &limits()).unwrap(),
                Framed::NeedMore,
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn compact_forms_case_and_folding() {
        let text = "MESSAGE sip:a@b SIP/2.0\r\n\
            v: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\
            f: <sip:1@b>;tag=x\r\n\
            t: <sip:a@b>\r\n\
            i: abc\r\n\
            CSEQ: 7\r\n  MESSAGE\r\n\
            c: application/scaip+xml\r\n\
            l: 0\r\n\r\n";
        let Framed::Message { message, .. } = frame_stream(text.as_bytes(), &limits()).unwrap()
        else {
            panic!()
        };
        let Message::Request(r) = message else {
            panic!()
        };
        assert_eq!(r.call_id(), Some("abc"));
        assert_eq!(r.headers.get("CSeq"), Some("7 MESSAGE"));
        assert_eq!(r.headers.get("Via"), Some("SIP/2.0/UDP h;branch=z9hG4bK1"));
        r.check().unwrap();
    }

    #[test]
    fn bare_lf_line_ends_are_tolerated() {
        let text = MESSAGE.replace("\r\n", "\n");
        let Framed::Message { message, used } = frame_stream(text.as_bytes(), &limits()).unwrap()
        else {
            panic!()
        };
        assert_eq!(used, text.len());
        assert_eq!(message.body(), b"<mrq></mrq>");
    }

    #[test]
    fn keep_alives_between_messages() {
        assert_eq!(
            frame_stream(b"\r\n\r\nMESSAGE", &limits()).unwrap(),
            Framed::KeepAlive {
                used: 4,
                ping: true
            }
        );
        assert_eq!(
            frame_stream(b"\r\nMESSAGE", &limits()).unwrap(),
            Framed::KeepAlive {
                used: 2,
                ping: false
            }
        );
        assert_eq!(
            frame_stream(b"\r\n\r", &limits()).unwrap(),
            Framed::NeedMore
        );
        assert_eq!(
            frame_stream(b"\n\n", &limits()).unwrap(),
            Framed::KeepAlive {
                used: 2,
                ping: false
            }
        );
    }

    #[test]
    fn stream_requires_content_length() {
        let text = "MESSAGE sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n";
        assert_eq!(
            frame_stream(text.as_bytes(), &limits()),
            Err(SipError::MissingContentLength)
        );
        // A datagram does not.
        let m = parse_datagram(format!("{text}<mrq/>").as_bytes(), &limits()).unwrap();
        assert_eq!(m.body(), b"<mrq/>");
    }

    #[test]
    fn limits_refuse_oversized_input() {
        let small = Limits {
            head: 64,
            headers: 3,
            body: 8,
        };
        let long = format!("MESSAGE sip:a@b SIP/2.0\r\nX: {}\r\n", "y".repeat(100));
        assert_eq!(
            frame_stream(long.as_bytes(), &small),
            Err(SipError::HeadTooLarge { max: 64 })
        );
        let many = "MESSAGE sip:a@b SIP/2.0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
        assert_eq!(
            frame_stream(many.as_bytes(), &small),
            Err(SipError::TooManyHeaders { max: 3 })
        );
        let big = "MESSAGE sip:a@b SIP/2.0\r\nl: 9\r\n\r\n";
        assert_eq!(
            frame_stream(big.as_bytes(), &small),
            Err(SipError::BodyTooLarge { len: 9, max: 8 })
        );
        assert_eq!(
            frame_stream(big.as_bytes(), &small).unwrap_err().status(),
            Some(413)
        );
        let huge = "MESSAGE sip:a@b SIP/2.0\r\nl: 99999999999\r\n\r\n";
        assert_eq!(
            frame_stream(huge.as_bytes(), &small),
            Err(SipError::BadContentLength)
        );
    }

    #[test]
    fn malformed_heads_are_refused() {
        let cases: &[(&str, SipError)] = &[
            ("HELLO\r\n\r\n", SipError::StartLine),
            ("MESSAGE sip:a@b SIP/3.0\r\nl: 0\r\n\r\n", SipError::Version),
            (
                "MESSAGE  sip:a@b SIP/2.0\r\nl: 0\r\n\r\n",
                SipError::StartLine,
            ),
            (
                "MESSAGE sip:a@b SIP/2.0\r\nno colon\r\n\r\n",
                SipError::HeaderLine,
            ),
            (
                "MESSAGE sip:a@b SIP/2.0\r\n folded first\r\n\r\n",
                SipError::HeaderLine,
            ),
            (
                "MESSAGE sip:a@b SIP/2.0\r\nBad Name: x\r\n\r\n",
                SipError::HeaderLine,
            ),
            (
                "MESSAGE sip:a@b SIP/2.0\r\nX: a\0b\r\n\r\n",
                SipError::HeaderLine,
            ),
            (
                "MESSAGE sip:a@b SIP/2.0\r\nX: a\r\n b\0\r\n\r\n",
                SipError::HeaderLine,
            ),
            (
                "MESSAGE sip:a@b SIP/2.0\r\nX: a\rb\r\n\r\n",
                SipError::HeaderLine,
            ),
            (
                "MESSAGE sip:a@b SIP/2.0\r\nl: 1\r\nl: 2\r\n\r\n",
                SipError::BadContentLength,
            ),
            (
                "MESSAGE sip:a@b SIP/2.0\r\nl: -1\r\n\r\n",
                SipError::BadContentLength,
            ),
            ("SIP/2.0 20 OK\r\nl: 0\r\n\r\n", SipError::StartLine),
            ("SIP/2.0 999 OK\r\nl: 0\r\n\r\n", SipError::StartLine),
        ];
        for (text, want) in cases {
            assert_eq!(
                frame_stream(text.as_bytes(), &limits()).as_ref(),
                Err(want),
                "{text:?}"
            );
        }
        let bad_utf8 = b"MESSAGE sip:a@b SIP/2.0\r\nX: \xff\r\nl: 0\r\n\r\n";
        assert_eq!(frame_stream(bad_utf8, &limits()), Err(SipError::NotUtf8));
    }

    #[test]
    fn responses_parse() {
        let text = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 3 MESSAGE\r\nContent-Length: 0\r\n\r\n";
        let Message::Response(r) = parse_datagram(text.as_bytes(), &limits()).unwrap() else {
            panic!()
        };
        assert_eq!((r.code, r.reason.as_str()), (200, "OK"));
        assert_eq!(r.cseq().unwrap().method, "MESSAGE");
        let empty_reason = "SIP/2.0 404 \r\nl: 0\r\n\r\n";
        assert!(parse_datagram(empty_reason.as_bytes(), &limits()).is_ok());
    }

    #[test]
    fn datagram_rules() {
        let head = "MESSAGE sip:a@b SIP/2.0\r\nl: 5\r\n\r\n";
        assert_eq!(
            parse_datagram(format!("{head}abc").as_bytes(), &limits()),
            Err(SipError::Truncated { len: 5 })
        );
        let m = parse_datagram(format!("{head}abcdefgh").as_bytes(), &limits()).unwrap();
        assert_eq!(m.body(), b"abcde");
        // No empty line at all, but complete lines and no body announced.
        let m = parse_datagram(b"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: 1\r\n", &limits()).unwrap();
        assert_eq!(m.headers().get("i"), Some("1"));
        assert!(parse_datagram(b"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: 1", &limits()).is_err());
        assert!(parse_datagram(b"", &limits()).is_err());
        assert_eq!(
            parse_datagram(b"\r\n\r\n", &limits()),
            Err(SipError::KeepAlive)
        );
        assert_eq!(SipError::KeepAlive.status(), None);
    }

    #[test]
    fn check_wants_the_mandatory_headers() {
        let text = "MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:1@b>\r\nTo: <sip:a@b>\r\nCSeq: 1 INVITE\r\nl: 0\r\n\r\n";
        let Message::Request(r) = parse_datagram(text.as_bytes(), &limits()).unwrap() else {
            panic!()
        };
        assert_eq!(r.check(), Err(SipError::MissingHeader("call-id")));
        let mut r2 = r.clone();
        r2.headers.push("Call-ID", "x");
        assert_eq!(r2.check(), Err(SipError::BadHeader("cseq")));
    }
}

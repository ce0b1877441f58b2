//! Integration tests of vaka-scaip (one test binary, as every crate of the workspace): the
//! public wire samples and vendor variants, whole exchanges (device MESSAGE → 200 OK → our
//! MESSAGE with `<mrs>`), digest authentication, and property tests.

// Integration tests: a failed unwrap/expect is a loudly failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod exchange;
mod props;
mod samples;

use vaka_scaip::sip::{Framed, Limits, Message, Request, frame_stream};

/// A device's MESSAGE carrying `body`, as bytes on the wire (TCP).
pub fn device_message(body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "MESSAGE sip:alarm@arc.example SIP/2.0\r\n\
         Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-d8754z-1\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:8031372@arc.example>;tag=3f1a\r\n\
         To: <sip:alarm@arc.example>\r\n\
         Call-ID: 1-2-3@192.0.2.10\r\n\
         CSeq: 20 MESSAGE\r\n\
         Content-Type: application/scaip+xml\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// Frames a whole buffer into requests, asserting every byte is used.
pub fn frame_all(mut buf: &[u8]) -> Vec<Request> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        match frame_stream(buf, &Limits::default()).unwrap() {
            Framed::Message { message, used } => {
                let Message::Request(r) = message else {
                    panic!("not a request")
                };
                out.push(r);
                buf = &buf[used..];
            }
            Framed::KeepAlive { used, .. } => buf = &buf[used..],
            Framed::NeedMore => panic!("incomplete: {:?}", String::from_utf8_lossy(buf)),
        }
    }
    out
}

//! The TCP framer on arbitrary byte streams cut at fuzzer-chosen points, as a receiver reads
//! them: no panic, every step consumes bytes within the buffer, a waiting buffer stays within
//! one head and one body, and framed requests go on through the SCAIP parser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vaka_scaip::sip::{Framed, Limits, Message, frame_stream};
use vaka_scaip::{EventMap, Request};

fuzz_target!(|input: &[u8]| {
    let Some((&sel, mut rest)) = input.split_first() else {
        return;
    };
    // Small limits half of the time, so the fuzzer reaches them.
    let limits = if sel & 1 == 0 {
        Limits::default()
    } else {
        Limits {
            head: 256,
            headers: 8,
            body: 64,
        }
    };
    let mut buf: Vec<u8> = Vec::new();
    while let Some((&n, tail)) = rest.split_first() {
        let n = (usize::from(n) % 32 + 1).min(tail.len());
        buf.extend_from_slice(&tail[..n]);
        rest = &tail[n..];
        loop {
            match frame_stream(&buf, &limits) {
                Ok(Framed::Message { message, used }) => {
                    assert!(used > 0 && used <= buf.len());
                    if let Message::Request(r) = &message {
                        let _ = r.check();
                        let _ = (r.from_user(), r.from_tag(), r.content_type(), r.cseq());
                        if let Ok(mrq) = Request::parse(&r.body) {
                            let _ = EventMap::default().classify(&mrq);
                        }
                    }
                    let _ = message.to_bytes();
                    buf.drain(..used);
                }
                Ok(Framed::KeepAlive { used, .. }) => {
                    assert!(used > 0 && used <= buf.len());
                    buf.drain(..used);
                }
                Ok(Framed::NeedMore) => {
                    assert!(buf.len() < limits.head + 2 + limits.body);
                    break;
                }
                Err(_) => return,
            }
        }
    }
});

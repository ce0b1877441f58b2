//! One UDP datagram: the parser, the request checks, the digest header parsers, and the
//! response we would build to it — which must parse back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vaka_scaip::digest::{Challenge, Credentials};
use vaka_scaip::sip::{Limits, Message, Status, parse_datagram, response_to};

fuzz_target!(|input: &[u8]| {
    let limits = Limits::default();
    let Ok(message) = parse_datagram(input, &limits) else {
        return;
    };
    for h in message.headers().get_all("authorization") {
        if let Ok(c) = Credentials::parse(h) {
            let _ = c.verify("MESSAGE", "pw");
        }
    }
    for h in message.headers().get_all("www-authenticate") {
        let _ = Challenge::parse(h);
    }
    if let Message::Request(r) = message
        && r.check().is_ok()
    {
        let resp = response_to(&r, Status::OK, "fz");
        let bytes = resp.to_bytes();
        let back = parse_datagram(&bytes, &limits).expect("our response parses");
        assert_eq!(back, Message::Response(resp));
    }
});

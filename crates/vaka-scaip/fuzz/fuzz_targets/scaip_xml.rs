//! The `<mrq>` and `<mrs>` parsers on arbitrary bodies: no panic, and whatever parses writes
//! back to XML that parses to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vaka_scaip::{EventMap, Request, Response};

fuzz_target!(|input: &[u8]| {
    match Request::parse(input) {
        Ok(r) => {
            let _ = EventMap::default().classify(&r);
            let back = Request::parse(r.to_xml().as_bytes()).expect("our XML parses");
            assert_eq!(back, r);
            let _ = Response::ok(&r.reference).to_xml();
        }
        Err(e) => {
            if let Some(mrs) = Response::refusal(&e) {
                let back = Response::parse(mrs.to_xml().as_bytes()).expect("our <mrs> parses");
                assert_eq!(back, mrs);
            }
        }
    }
    if let Ok(r) = Response::parse(input) {
        assert_eq!(Response::parse(r.to_xml().as_bytes()).ok(), Some(r));
    }
});

//! The deframer on arbitrary byte streams cut at fuzzer-chosen points: no panic, the buffer
//! never exceeds the cap, every emitted frame is LF…CR within the cap.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vaka_sia_dc09::framing::{DeframeEvent, Deframer};

fuzz_target!(|input: &[u8]| {
    let Some((&cap, rest)) = input.split_first() else {
        return;
    };
    let cap = usize::from(cap) + 2;
    let mut d = Deframer::with_max_frame_len(cap);
    // Chunk sizes from the data itself: 1..=16 bytes per read.
    let mut rest = rest;
    while let Some((&n, tail)) = rest.split_first() {
        let n = (usize::from(n) % 16 + 1).min(tail.len());
        for e in d.feed(&tail[..n]) {
            if let DeframeEvent::Frame(f) = e {
                assert!(f.len() <= cap);
                assert_eq!(f.first(), Some(&b'\n'));
                assert_eq!(f.last(), Some(&b'\r'));
                let _ = vaka_sia_dc09::parse_frame(&f);
            }
        }
        assert!(d.buffered_len() <= cap);
        rest = &tail[n..];
    }
    let _ = d.finish();
});

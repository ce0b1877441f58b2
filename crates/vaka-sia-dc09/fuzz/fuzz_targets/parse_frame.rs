//! The frame parser and content decoders on arbitrary frames. Half of the inputs get a correct
//! CRC and length so the fuzzer reaches the header, body and content parsers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vaka_sia_dc09::{content, crc16, parse_frame};

fuzz_target!(|input: &[u8]| {
    check(input);
    let mut framed = format!("\n{:04X}{:04X}", crc16(input), input.len()).into_bytes();
    framed.extend_from_slice(input);
    framed.push(b'\r');
    check(&framed);
});

fn check(frame: &[u8]) {
    if let Ok(f) = parse_frame(frame)
        && let Ok(body) = f.body(None)
    {
        let _ = content::decode(&f.header.id, &body.data);
    }
}

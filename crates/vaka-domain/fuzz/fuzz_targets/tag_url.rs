//! Feeds arbitrary text to the readers of what a phone sends from an NFC tag — the tag URL,
//! its SUN parameters and the UID — and verifies whatever parses: nothing may panic, and
//! nothing random may verify.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vaka_domain::nfc::sun::{self, SdmKey, SunRefusal};
use vaka_domain::nfc::{TagUid, parse_tag_url};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = TagUid::parse(&text);
    let query = match parse_tag_url(&text) {
        Some((_, q)) => q,
        None => &text,
    };
    if let Ok(Some(msg)) = sun::parse_sun_query(query) {
        let key = SdmKey::from_bytes([0x5a; 16]);
        assert_eq!(sun::verify(&msg, &key), Err(SunRefusal::BadMac));
    }
});

//! Feeds arbitrary tokens to a lock's capability check: nothing may panic, and nothing but a
//! token signed by the server's key opens.
#![no_main]

use ed25519_dalek::SigningKey;
use libfuzzer_sys::fuzz_target;
use vaka_lock_protocol::{UsedNonces, verify};

fuzz_target!(|data: &[u8]| {
    let key = SigningKey::from_bytes(&[7u8; 32]).verifying_key();
    let mut memory = UsedNonces::new(8);
    let token = String::from_utf8_lossy(data);
    let r = verify(&token, &key, uuid::Uuid::from_u128(1), 1_796_000_000, &mut memory);
    assert!(r.is_err(), "an unsigned token opened");
});

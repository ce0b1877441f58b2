//! Decryption and decrypted-body parsing on arbitrary ciphertext, for all key sizes. The input
//! is used both as raw ciphertext and as the plaintext of a valid encryption, so the fuzzer
//! controls what the body parser sees after decryption.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vaka_sia_dc09::crypto::{self, Key};
use vaka_sia_dc09::{content, crc16, parse_frame};

fuzz_target!(|input: &[u8]| {
    let Some((&sel, rest)) = input.split_first() else {
        return;
    };
    let len = [16usize, 24, 32][usize::from(sel % 3)];
    let key = Key::from_bytes(&vec![0x5A; len]).expect("valid length");
    let _ = crypto::decrypt(&key, rest);

    // Encrypt the input (zero-padded to whole blocks) and wrap it as an encrypted frame.
    let mut plain = rest.to_vec();
    plain.resize(rest.len().div_ceil(16).max(1) * 16, b'0');
    let cipher = crypto::encrypt(&key, &plain).expect("whole blocks");
    let body = format!("\"*SIA-DCS\"0001L0#1234[{}", hex_upper(&cipher));
    let mut frame = format!("\n{:04X}{:04X}", crc16(body.as_bytes()), body.len()).into_bytes();
    frame.extend_from_slice(body.as_bytes());
    frame.push(b'\r');
    if let Ok(f) = parse_frame(&frame)
        && let Ok(b) = f.body(Some(&key))
    {
        let _ = content::decode(&f.header.id, &b.data);
    }
});

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

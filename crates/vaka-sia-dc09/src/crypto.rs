//! AES-CBC with a zero IV (DC-09 §5.4.6) for the encrypted (`*`) forms.
//!
//! Keys are 16, 24 or 32 bytes (AES-128/192/256). Products write them two ways, and 32
//! characters can mean either (32 hex digits = AES-128, or 32 ASCII characters = AES-256), so
//! the caller must say which style a configured key uses ([`KeyStyle`]):
//! * [`KeyStyle::Hex`]: 32/48/64 hex digits decoded to bytes (siadc09, ioBroker.sia "hex").
//! * [`KeyStyle::Ascii`]: 16/24/32 characters used as bytes (pysiaalarm / Ajax style).
//!
//! Key bytes are zeroed on drop and never appear in `Debug` output.

use aes::{Aes128, Aes192, Aes256};
use cbc::cipher::{Block, BlockModeDecrypt, BlockModeEncrypt, BlockSizeUser, KeyIvInit};
use std::fmt;
use zeroize::Zeroizing;

const BLOCK: usize = 16;
const ZERO_IV: [u8; BLOCK] = [0; BLOCK];

/// How a key is written in configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStyle {
    /// Hex digits, decoded: 32/48/64 digits for AES-128/192/256.
    Hex,
    /// Characters used as bytes: 16/24/32 characters for AES-128/192/256.
    Ascii,
}

/// Why a key was refused (the key itself is never included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Wrong number of bytes or characters for the style.
    #[error(
        "key must be 16, 24 or 32 bytes (32/48/64 hex digits or 16/24/32 ASCII characters); got {0} characters"
    )]
    Length(usize),
    /// Not hex digits (hex style) or not printable ASCII (ASCII style).
    #[error("key contains characters not allowed in its style")]
    Characters,
}

/// An AES key. `Debug` is redacted; the bytes are zeroed on drop.
#[derive(Clone)]
pub struct Key {
    bytes: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key(AES-{}, <redacted>)", self.bits())
    }
}

impl Key {
    /// A key from raw bytes (16, 24 or 32).
    ///
    /// # Errors
    /// [`KeyError::Length`] for any other length.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        match bytes.len() {
            16 | 24 | 32 => Ok(Self {
                bytes: Zeroizing::new(bytes.to_vec()),
            }),
            n => Err(KeyError::Length(n)),
        }
    }

    /// A key from its configured text in the given style.
    ///
    /// # Errors
    /// [`KeyError`] when the text does not fit the style.
    pub fn parse(text: &str, style: KeyStyle) -> Result<Self, KeyError> {
        match style {
            KeyStyle::Hex => {
                if !matches!(text.len(), 32 | 48 | 64) {
                    return Err(KeyError::Length(text.len()));
                }
                let bytes = Zeroizing::new(hex::decode(text).map_err(|_| KeyError::Characters)?);
                Self::from_bytes(&bytes)
            }
            KeyStyle::Ascii => {
                if !text.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
                    return Err(KeyError::Characters);
                }
                Self::from_bytes(text.as_bytes())
                    .map_err(|_| KeyError::Length(text.chars().count()))
            }
        }
    }

    /// 128, 192 or 256.
    #[must_use]
    pub fn bits(&self) -> usize {
        self.bytes.len() * 8
    }
}

/// Why decryption or encryption failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// Input is empty or not a whole number of 16-byte blocks.
    #[error("input is not a whole number of AES blocks")]
    NotBlocks,
}

fn cbc_apply<C>(cipher: C, input: &[u8], mut step: impl FnMut(&mut C, &mut Block<C>)) -> Vec<u8>
where
    C: BlockSizeUser,
{
    let mut cipher = cipher;
    let mut out = Vec::with_capacity(input.len());
    for chunk in input.chunks_exact(BLOCK) {
        let mut block = Block::<C>::default();
        block.copy_from_slice(chunk);
        step(&mut cipher, &mut block);
        out.extend_from_slice(&block);
    }
    out
}

macro_rules! by_key_size {
    ($key:expr, $mode:ident, $input:expr, $method:ident) => {{
        let k: &[u8] = &$key.bytes;
        // from_bytes guarantees 16/24/32 bytes, so new_from_slices cannot fail; the fallback
        // arm only keeps the code free of panics.
        match k.len() {
            16 => cbc::$mode::<Aes128>::new_from_slices(k, &ZERO_IV)
                .map(|c| cbc_apply(c, $input, |c, b| c.$method(b))),
            24 => cbc::$mode::<Aes192>::new_from_slices(k, &ZERO_IV)
                .map(|c| cbc_apply(c, $input, |c, b| c.$method(b))),
            _ => cbc::$mode::<Aes256>::new_from_slices(k, &ZERO_IV)
                .map(|c| cbc_apply(c, $input, |c, b| c.$method(b))),
        }
        .map_err(|_| CryptoError::NotBlocks)
    }};
}

/// AES-CBC decryption with a zero IV, no padding removal.
///
/// # Errors
/// [`CryptoError::NotBlocks`] unless the input is a non-empty multiple of 16 bytes.
pub fn decrypt(key: &Key, ciphertext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(BLOCK) {
        return Err(CryptoError::NotBlocks);
    }
    by_key_size!(key, Decryptor, ciphertext, decrypt_block)
}

/// AES-CBC encryption with a zero IV, no padding added.
///
/// # Errors
/// [`CryptoError::NotBlocks`] unless the input is a non-empty multiple of 16 bytes.
pub fn encrypt(key: &Key, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if plaintext.is_empty() || !plaintext.len().is_multiple_of(BLOCK) {
        return Err(CryptoError::NotBlocks);
    }
    by_key_size!(key, Encryptor, plaintext, encrypt_block)
}

/// Pad characters: printable ASCII without `[`, `]` and `|`, which delimit the data
/// (DC-09-2026 §5.4.4.3 per siadc09). Printable so that peers that decode the plaintext as
/// text (my_dc09_spt) do not fail.
const PAD_ALPHABET: &[u8] = b" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ\\^_`abcdefghijklmnopqrstuvwxyz{}~";

/// Number of pad bytes for a `rest` of `rest_len` bytes: 16–31, making the total a multiple
/// of 16 (DC-09-2026 §5.4.4.3 per siadc09's comments).
#[must_use]
pub fn pad_len(rest_len: usize) -> usize {
    BLOCK + (BLOCK - rest_len % BLOCK) % BLOCK
}

/// Builds `pad ++ rest` with a random pad and encrypts it. `fill` supplies random bytes (the
/// caller's CSPRNG in production, a fixed sequence in tests); each byte picks a pad character.
/// A random pad matters: with the zero IV, a fixed pad would make the first ciphertext block
/// of every answer identical (the pysiaalarm defect, research §2.1).
#[must_use]
pub fn encrypt_with_pad(key: &Key, rest: &[u8], fill: &mut dyn FnMut(&mut [u8])) -> Vec<u8> {
    let mut random = vec![0u8; pad_len(rest.len())];
    fill(&mut random);
    let mut plain: Vec<u8> = random
        .iter()
        .map(|&r| PAD_ALPHABET[usize::from(r) % PAD_ALPHABET.len()])
        .collect();
    plain.extend_from_slice(rest);
    // The length is a non-empty multiple of 16 by construction.
    encrypt(key, &plain).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nist_sp800_38a_cbc_aes128_first_block() {
        // NIST SP 800-38A F.2.1 uses a non-zero IV; with IV = 0 the first CBC block equals the
        // ECB block of (plaintext XOR IV). Check via FIPS-197 C.1: AES-128 of 00112233… under
        // key 000102…0f is 69c4e0d86a7b0430d8cdb78070b4c55a.
        let key = Key::parse("000102030405060708090a0b0c0d0e0f", KeyStyle::Hex).unwrap();
        let pt = hex::decode("00112233445566778899aabbccddeeff").unwrap();
        let ct = encrypt(&key, &pt).unwrap();
        assert_eq!(hex::encode(&ct), "69c4e0d86a7b0430d8cdb78070b4c55a");
        assert_eq!(decrypt(&key, &ct).unwrap(), pt);
    }

    #[test]
    fn fips197_aes192_and_aes256() {
        let pt = hex::decode("00112233445566778899aabbccddeeff").unwrap();
        let k192 = Key::parse(
            "000102030405060708090a0b0c0d0e0f1011121314151617",
            KeyStyle::Hex,
        )
        .unwrap();
        assert_eq!(
            hex::encode(encrypt(&k192, &pt).unwrap()),
            "dda97ca4864cdfe06eaf70a0ec0d7191"
        );
        let k256 = Key::parse(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            KeyStyle::Hex,
        )
        .unwrap();
        assert_eq!(
            hex::encode(encrypt(&k256, &pt).unwrap()),
            "8ea2b7ca516745bfeafc49904b496089"
        );
    }

    #[test]
    fn cbc_chains_blocks() {
        let key = Key::from_bytes(&[7; 16]).unwrap();
        let pt = [b'A'; 32];
        let ct = encrypt(&key, &pt).unwrap();
        // Same plaintext blocks give different ciphertext blocks only when chained.
        assert_ne!(ct[..16], ct[16..]);
        assert_eq!(decrypt(&key, &ct).unwrap(), pt);
    }

    #[test]
    fn key_styles() {
        let ascii = Key::parse("AAAAAAAAAAAAAAAA", KeyStyle::Ascii).unwrap();
        assert_eq!(ascii.bits(), 128);
        let hex = Key::parse("41414141414141414141414141414141", KeyStyle::Hex).unwrap();
        assert_eq!(hex.bits(), 128);
        // The same 32 characters as ASCII are an AES-256 key.
        let ambiguous = "41414141414141414141414141414141";
        assert_eq!(Key::parse(ambiguous, KeyStyle::Ascii).unwrap().bits(), 256);
        assert_eq!(
            encrypt(&ascii, &[0; 16]).unwrap(),
            encrypt(&hex, &[0; 16]).unwrap()
        );
        assert_eq!(
            Key::parse("ABC", KeyStyle::Hex).unwrap_err(),
            KeyError::Length(3)
        );
        assert_eq!(
            Key::parse(&"G".repeat(32), KeyStyle::Hex).unwrap_err(),
            KeyError::Characters
        );
        assert_eq!(
            Key::parse("short", KeyStyle::Ascii).unwrap_err(),
            KeyError::Length(5)
        );
        assert_eq!(
            Key::parse("AAAAAAAAAAAAAAA\u{7}", KeyStyle::Ascii).unwrap_err(),
            KeyError::Characters
        );
    }

    #[test]
    fn debug_is_redacted() {
        let key = Key::parse("SECRETSECRET1234", KeyStyle::Ascii).unwrap();
        let shown = format!("{key:?}");
        assert_eq!(shown, "Key(AES-128, <redacted>)");
        assert!(!shown.contains("SECRET"));
    }

    #[test]
    fn rejects_partial_blocks() {
        let key = Key::from_bytes(&[1; 32]).unwrap();
        assert_eq!(decrypt(&key, &[]), Err(CryptoError::NotBlocks));
        assert_eq!(decrypt(&key, &[0; 15]), Err(CryptoError::NotBlocks));
        assert_eq!(encrypt(&key, &[0; 17]), Err(CryptoError::NotBlocks));
    }

    #[test]
    fn pad_is_16_to_31_bytes_and_avoids_delimiters() {
        for n in 0..64 {
            let p = pad_len(n);
            assert!((16..=31).contains(&p), "{n}: {p}");
            assert!((n + p).is_multiple_of(16));
        }
        assert!(!PAD_ALPHABET.iter().any(|b| b"[]|".contains(b)));
        let key = Key::from_bytes(&[9; 16]).unwrap();
        let mut counter = 0u8;
        let mut fill = |buf: &mut [u8]| {
            for b in buf {
                *b = counter;
                counter = counter.wrapping_add(37);
            }
        };
        let ct = encrypt_with_pad(&key, b"]_00:00:00,01-01-2026", &mut fill);
        let pt = decrypt(&key, &ct).unwrap();
        assert!(pt.ends_with(b"]_00:00:00,01-01-2026"));
        let pad = &pt[..pt.len() - 21];
        assert!((16..=31).contains(&pad.len()));
        assert!(pad.iter().all(|b| PAD_ALPHABET.contains(b)));
    }

    #[test]
    fn different_randomness_gives_different_first_block() {
        let key = Key::from_bytes(&[3; 16]).unwrap();
        let a = encrypt_with_pad(&key, b"]", &mut |b: &mut [u8]| b.fill(0));
        let b = encrypt_with_pad(&key, b"]", &mut |b: &mut [u8]| b.fill(1));
        assert_ne!(a[..16], b[..16]);
    }
}

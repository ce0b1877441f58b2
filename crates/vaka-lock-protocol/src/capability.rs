//! Capabilities: the server's signed permission for one user to open one lock once, within a
//! window, which a lock without network checks with the server's public key.
//!
//! A token is the base64url (no padding) of 130 bytes:
//!
//! | bytes | field |
//! |---|---|
//! | 0 | format version, 1 |
//! | 1–16 | lock id (UUID) |
//! | 17–32 | user id (UUID) |
//! | 33 | reason: 1 visit, 2 alarm, 3 ad hoc |
//! | 34–41 | not before, Unix seconds, signed big-endian |
//! | 42–49 | expires, Unix seconds, signed big-endian |
//! | 50–65 | nonce, 16 random bytes |
//! | 66–129 | Ed25519 signature over `"vaka-lock-capability-v1\0"` followed by bytes 0–65 |

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The bytes of a token before base64url.
pub const CAPABILITY_BYTES: usize = PAYLOAD_BYTES + 64;
const PAYLOAD_BYTES: usize = 66;
const FORMAT: u8 = 1;
const DOMAIN: &[u8] = b"vaka-lock-capability-v1\0";
/// The longest token a lock reads (a valid one is 174 characters).
pub const MAX_TOKEN_CHARS: usize = 256;
/// The longest window a lock accepts: a capability for longer is refused as malformed, however
/// well signed (the server issues at most a visit's window).
pub const MAX_CAPABILITY_SECONDS: i64 = 12 * 3600;

/// Why a capability is issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapabilityReason {
    /// A visit of the user's to the client (planned or started).
    Visit,
    /// A safety alarm of the client's dispatched to the user.
    Alarm,
    /// An unlock asked for now, on another ground (a night-patrol shift).
    Adhoc,
}

impl CapabilityReason {
    pub const ALL: [CapabilityReason; 3] = [
        CapabilityReason::Visit,
        CapabilityReason::Alarm,
        CapabilityReason::Adhoc,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CapabilityReason::Visit => "visit",
            CapabilityReason::Alarm => "alarm",
            CapabilityReason::Adhoc => "adhoc",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    fn byte(self) -> u8 {
        match self {
            CapabilityReason::Visit => 1,
            CapabilityReason::Alarm => 2,
            CapabilityReason::Adhoc => 3,
        }
    }

    fn from_byte(b: u8) -> Option<Self> {
        match b {
            1 => Some(CapabilityReason::Visit),
            2 => Some(CapabilityReason::Alarm),
            3 => Some(CapabilityReason::Adhoc),
            _ => None,
        }
    }
}

/// A capability's nonce: 16 random bytes, written as 32 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nonce(pub [u8; 16]);

impl Nonce {
    pub fn to_hex(self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(32);
        for b in self.0 {
            s.push(char::from(DIGITS[usize::from(b >> 4)]));
            s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
        }
        s
    }

    pub fn from_hex(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 32 {
            return None;
        }
        let mut out = [0u8; 16];
        for (i, pair) in b.chunks_exact(2).enumerate() {
            let hi = char::from(pair[0]).to_digit(16)?;
            let lo = char::from(pair[1]).to_digit(16)?;
            out[i] = u8::try_from(hi * 16 + lo).ok()?;
        }
        Some(Nonce(out))
    }
}

impl std::fmt::Display for Nonce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for Nonce {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Nonce {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Nonce::from_hex(&s).ok_or_else(|| serde::de::Error::custom("a nonce is 32 hex digits"))
    }
}

/// What a capability says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capability {
    pub lock_id: Uuid,
    pub user_id: Uuid,
    pub reason: CapabilityReason,
    /// Unix seconds: valid from this instant …
    pub not_before: i64,
    /// … until (not including) this one.
    pub expires: i64,
    pub nonce: Nonce,
}

impl Capability {
    fn payload(&self) -> [u8; PAYLOAD_BYTES] {
        let mut p = [0u8; PAYLOAD_BYTES];
        p[0] = FORMAT;
        p[1..17].copy_from_slice(self.lock_id.as_bytes());
        p[17..33].copy_from_slice(self.user_id.as_bytes());
        p[33] = self.reason.byte();
        p[34..42].copy_from_slice(&self.not_before.to_be_bytes());
        p[42..50].copy_from_slice(&self.expires.to_be_bytes());
        p[50..66].copy_from_slice(&self.nonce.0);
        p
    }

    fn signed_message(payload: &[u8]) -> Vec<u8> {
        let mut m = Vec::with_capacity(DOMAIN.len() + payload.len());
        m.extend_from_slice(DOMAIN);
        m.extend_from_slice(payload);
        m
    }

    /// Signs the capability: the token the app hands to the lock.
    pub fn sign(&self, key: &SigningKey) -> String {
        let payload = self.payload();
        let sig = key.sign(&Self::signed_message(&payload));
        let mut all = [0u8; CAPABILITY_BYTES];
        all[..PAYLOAD_BYTES].copy_from_slice(&payload);
        all[PAYLOAD_BYTES..].copy_from_slice(&sig.to_bytes());
        URL_SAFE_NO_PAD.encode(all)
    }
}

/// Why a lock refuses a capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum CapabilityRefusal {
    /// Not a capability token at all (length, encoding, format, an impossible window).
    #[error("not a capability")]
    Malformed,
    /// The signature does not verify with the server's public key.
    #[error("the signature is not the server's")]
    Forged,
    /// It names another lock.
    #[error("the capability is for another lock")]
    WrongLock,
    /// Its window has not begun.
    #[error("the capability is not valid yet")]
    NotYetValid,
    /// Its window has ended.
    #[error("the capability has expired")]
    Expired,
    /// It was used before.
    #[error("the capability was already used")]
    Replayed,
    /// The server revoked it.
    #[error("the capability was revoked")]
    Revoked,
    /// The lock cannot remember one more nonce (it refuses rather than forget one in use).
    #[error("the lock's memory of used capabilities is full")]
    MemoryFull,
}

impl CapabilityRefusal {
    pub fn code(self) -> &'static str {
        match self {
            CapabilityRefusal::Malformed => "malformed",
            CapabilityRefusal::Forged => "forged",
            CapabilityRefusal::WrongLock => "wrong_lock",
            CapabilityRefusal::NotYetValid => "not_yet_valid",
            CapabilityRefusal::Expired => "expired",
            CapabilityRefusal::Replayed => "replayed",
            CapabilityRefusal::Revoked => "revoked",
            CapabilityRefusal::MemoryFull => "memory_full",
        }
    }
}

/// Reads a token without checking its signature (for display and logs; a lock uses
/// [`verify`]). Returns the capability and its signature.
pub fn decode_capability(token: &str) -> Result<(Capability, Signature), CapabilityRefusal> {
    if token.len() > MAX_TOKEN_CHARS {
        return Err(CapabilityRefusal::Malformed);
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(token.trim())
        .map_err(|_| CapabilityRefusal::Malformed)?;
    let all: [u8; CAPABILITY_BYTES] = bytes.try_into().map_err(|_| CapabilityRefusal::Malformed)?;
    let (p, sig) = all.split_at(PAYLOAD_BYTES);
    let field = |r: std::ops::Range<usize>| p.get(r).ok_or(CapabilityRefusal::Malformed);
    if p.first() != Some(&FORMAT) {
        return Err(CapabilityRefusal::Malformed);
    }
    let uuid = |r| -> Result<Uuid, CapabilityRefusal> {
        Uuid::from_slice(field(r)?).map_err(|_| CapabilityRefusal::Malformed)
    };
    let int = |r| -> Result<i64, CapabilityRefusal> {
        let b: [u8; 8] = field(r)?
            .try_into()
            .map_err(|_| CapabilityRefusal::Malformed)?;
        Ok(i64::from_be_bytes(b))
    };
    let reason = p
        .get(33)
        .copied()
        .and_then(CapabilityReason::from_byte)
        .ok_or(CapabilityRefusal::Malformed)?;
    let nonce: [u8; 16] = field(50..66)?
        .try_into()
        .map_err(|_| CapabilityRefusal::Malformed)?;
    let cap = Capability {
        lock_id: uuid(1..17)?,
        user_id: uuid(17..33)?,
        reason,
        not_before: int(34..42)?,
        expires: int(42..50)?,
        nonce: Nonce(nonce),
    };
    let sig = Signature::from_slice(sig).map_err(|_| CapabilityRefusal::Malformed)?;
    Ok((cap, sig))
}

/// The lock's memory of used and revoked capabilities: each nonce is kept until its
/// capability expires (after that the capability is refused as expired anyway), so the memory
/// stays as small as the capabilities in their windows.
#[derive(Debug, Clone)]
pub struct UsedNonces {
    seen: HashMap<Nonce, (i64, bool)>,
    capacity: usize,
}

impl UsedNonces {
    /// A memory of at most `capacity` nonces at a time.
    pub fn new(capacity: usize) -> Self {
        Self {
            seen: HashMap::new(),
            capacity,
        }
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// Forgets the nonces of capabilities expired at `now`.
    pub fn prune(&mut self, now: i64) {
        self.seen.retain(|_, (expires, _)| *expires > now);
    }

    /// Marks a capability revoked until it expires (the server's `revoke` message).
    pub fn revoke(
        &mut self,
        nonce: Nonce,
        expires: i64,
        now: i64,
    ) -> Result<(), CapabilityRefusal> {
        self.prune(now);
        if expires <= now {
            return Ok(());
        }
        if !self.seen.contains_key(&nonce) && self.seen.len() >= self.capacity {
            return Err(CapabilityRefusal::MemoryFull);
        }
        self.seen.insert(nonce, (expires, true));
        Ok(())
    }

    fn check_and_use(&mut self, cap: &Capability, now: i64) -> Result<(), CapabilityRefusal> {
        self.prune(now);
        match self.seen.get(&cap.nonce) {
            Some((_, true)) => return Err(CapabilityRefusal::Revoked),
            Some((_, false)) => return Err(CapabilityRefusal::Replayed),
            None => {}
        }
        if self.seen.len() >= self.capacity {
            return Err(CapabilityRefusal::MemoryFull);
        }
        self.seen.insert(cap.nonce, (cap.expires, false));
        Ok(())
    }
}

/// What a lock does with a token: checks it was signed by `server` for this lock, that `now`
/// (Unix seconds by the lock's clock) lies in its window and that its nonce was neither used nor
/// revoked; on success the nonce is remembered, so the same token never opens twice.
pub fn verify(
    token: &str,
    server: &VerifyingKey,
    lock_id: Uuid,
    now: i64,
    memory: &mut UsedNonces,
) -> Result<Capability, CapabilityRefusal> {
    let (cap, sig) = decode_capability(token)?;
    let payload = cap.payload();
    server
        .verify(&Capability::signed_message(&payload), &sig)
        .map_err(|_| CapabilityRefusal::Forged)?;
    // `verify` accepts some malleable encodings; strict verification refuses them too.
    server
        .verify_strict(&Capability::signed_message(&payload), &sig)
        .map_err(|_| CapabilityRefusal::Forged)?;
    let span = cap.expires.checked_sub(cap.not_before);
    if !span.is_some_and(|s| s > 0 && s <= MAX_CAPABILITY_SECONDS) {
        return Err(CapabilityRefusal::Malformed);
    }
    if cap.lock_id != lock_id {
        return Err(CapabilityRefusal::WrongLock);
    }
    if now < cap.not_before {
        return Err(CapabilityRefusal::NotYetValid);
    }
    if now >= cap.expires {
        return Err(CapabilityRefusal::Expired);
    }
    memory.check_and_use(&cap, now)?;
    Ok(cap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_796_000_000;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    fn cap() -> Capability {
        Capability {
            lock_id: Uuid::from_u128(1),
            user_id: Uuid::from_u128(2),
            reason: CapabilityReason::Visit,
            not_before: NOW - 60,
            expires: NOW + 300,
            nonce: Nonce([9u8; 16]),
        }
    }

    #[test]
    fn a_signed_capability_opens_once() {
        let token = cap().sign(&key());
        assert_eq!(token.len(), 174);
        let mut m = UsedNonces::new(16);
        let pk = key().verifying_key();
        assert_eq!(
            verify(&token, &pk, Uuid::from_u128(1), NOW, &mut m),
            Ok(cap())
        );
        assert_eq!(
            verify(&token, &pk, Uuid::from_u128(1), NOW + 1, &mut m),
            Err(CapabilityRefusal::Replayed)
        );
        assert_eq!(decode_capability(&token).map(|(c, _)| c), Ok(cap()));
    }

    #[test]
    fn refusals() {
        let pk = key().verifying_key();
        let lock = Uuid::from_u128(1);
        let mut m = UsedNonces::new(16);
        let token = cap().sign(&key());
        // Signed by someone else.
        let forged = cap().sign(&SigningKey::from_bytes(&[8u8; 32]));
        assert_eq!(
            verify(&forged, &pk, lock, NOW, &mut m),
            Err(CapabilityRefusal::Forged)
        );
        // A field changed after signing (the user).
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).expect("base64");
        bytes[20] ^= 1;
        let tampered = URL_SAFE_NO_PAD.encode(&bytes);
        assert_eq!(
            verify(&tampered, &pk, lock, NOW, &mut m),
            Err(CapabilityRefusal::Forged)
        );
        assert_eq!(
            verify(&token, &pk, Uuid::from_u128(3), NOW, &mut m),
            Err(CapabilityRefusal::WrongLock)
        );
        assert_eq!(
            verify(&token, &pk, lock, NOW - 61, &mut m),
            Err(CapabilityRefusal::NotYetValid)
        );
        assert_eq!(
            verify(&token, &pk, lock, NOW + 300, &mut m),
            Err(CapabilityRefusal::Expired)
        );
        for bad in ["", "abc", &"A".repeat(174), &"A".repeat(10_000), "!!!!"] {
            assert_eq!(
                verify(bad, &pk, lock, NOW, &mut m),
                Err(CapabilityRefusal::Malformed)
            );
        }
        // Well signed but an impossible window.
        let long = Capability {
            expires: NOW + MAX_CAPABILITY_SECONDS,
            ..cap()
        };
        assert_eq!(
            verify(&long.sign(&key()), &pk, lock, NOW, &mut m),
            Err(CapabilityRefusal::Malformed)
        );
        // None of the refusals used the nonce: the token still opens once.
        assert!(verify(&token, &pk, lock, NOW, &mut m).is_ok());
    }

    #[test]
    fn revoked_and_memory() {
        let pk = key().verifying_key();
        let lock = Uuid::from_u128(1);
        let mut m = UsedNonces::new(2);
        m.revoke(cap().nonce, cap().expires, NOW).expect("room");
        assert_eq!(
            verify(&cap().sign(&key()), &pk, lock, NOW, &mut m),
            Err(CapabilityRefusal::Revoked)
        );
        let other = |n: u8, expires: i64| Capability {
            nonce: Nonce([n; 16]),
            expires,
            ..cap()
        };
        assert!(verify(&other(1, NOW + 10).sign(&key()), &pk, lock, NOW, &mut m).is_ok());
        assert_eq!(m.len(), 2);
        assert_eq!(
            verify(&other(2, NOW + 10).sign(&key()), &pk, lock, NOW, &mut m),
            Err(CapabilityRefusal::MemoryFull)
        );
        // Once the first used one expired, its place is free again.
        assert!(
            verify(
                &other(3, NOW + 100).sign(&key()),
                &pk,
                lock,
                NOW + 20,
                &mut m
            )
            .is_ok()
        );
    }

    #[test]
    fn nonce_hex() {
        let n = Nonce([0xab; 16]);
        assert_eq!(Nonce::from_hex(&n.to_hex()), Some(n));
        assert_eq!(Nonce::from_hex(&n.to_hex().to_uppercase()), Some(n));
        assert_eq!(Nonce::from_hex("ab"), None);
        assert_eq!(Nonce::from_hex(&"é".repeat(16)), None);
        assert_eq!(Nonce::from_hex(&"+1".repeat(16)), None);
    }

    proptest! {
        /// No string makes verification panic, and none but the one signed opens.
        #[test]
        fn any_token_is_handled(s in ".{0,300}", now in any::<i64>()) {
            let mut m = UsedNonces::new(4);
            prop_assert!(verify(&s, &key().verifying_key(), Uuid::from_u128(1), now, &mut m).is_err());
        }

        /// Any bytes of the right length, base64url-encoded: refused, never a panic.
        #[test]
        fn any_bytes_of_the_length_are_refused(b in proptest::collection::vec(any::<u8>(), CAPABILITY_BYTES)) {
            let mut m = UsedNonces::new(4);
            let t = URL_SAFE_NO_PAD.encode(&b);
            prop_assert!(verify(&t, &key().verifying_key(), Uuid::from_u128(1), NOW, &mut m).is_err());
        }

        /// Every single-bit change of a signed token is refused.
        #[test]
        fn any_bit_flip_is_refused(i in 0usize..CAPABILITY_BYTES, bit in 0u8..8) {
            let token = cap().sign(&key());
            let mut b = URL_SAFE_NO_PAD.decode(&token).expect("base64");
            b[i] ^= 1 << bit;
            let mut m = UsedNonces::new(4);
            prop_assert!(verify(&URL_SAFE_NO_PAD.encode(&b), &key().verifying_key(), Uuid::from_u128(1), NOW, &mut m).is_err());
        }

        /// Within its window, a capability for the lock opens; outside, it does not.
        #[test]
        fn the_window_decides(nb in -1000i64..1000, len in 1i64..4000, at in -2000i64..6000) {
            let c = Capability { not_before: NOW + nb, expires: NOW + nb + len, ..cap() };
            let mut m = UsedNonces::new(4);
            let r = verify(&c.sign(&key()), &key().verifying_key(), Uuid::from_u128(1), NOW + at, &mut m);
            let inside = NOW + at >= c.not_before && NOW + at < c.expires;
            prop_assert_eq!(r.is_ok(), inside);
        }
    }
}

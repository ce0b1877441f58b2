//! The seal on what one node asks of another over NATS: a look-in through a camera, an unlock
//! of a door, a revocation. Every node of an installation shares the lock signing key (see
//! docs/DEPLOYMENT.md); a key for these requests is derived from it, and each request carries
//! an Ed25519 signature over its subject, the time it was made and its payload. A node acts on
//! a request only when the signature holds, the request is at most [`FRESH_FOR`] old (or
//! early), and it has not seen the same request before: a client on NATS that is not a node
//! of the installation cannot make a camera stream or a door open, nor replay a request it
//! overheard. NATS itself stays private (TLS and a user of its own, as DEPLOYMENT.md says);
//! this is the second lock on the door.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use vaka_domain::clock::{Clock, SystemClock};

/// How far a request's time may be from the receiving node's clock.
pub const FRESH_FOR: Duration = Duration::from_secs(30);
/// Bytes before the payload: the signature and the time (milliseconds since 1970, big-endian).
const HEAD: usize = 64 + 8;
/// What the derived key is for: it signs nothing else.
const PURPOSE: &[u8] = b"vaka node requests v1\0";

/// Signs this node's requests and checks the other nodes'.
#[derive(Clone)]
pub struct NodeSeal {
    key: Arc<SigningKey>,
    verifying: VerifyingKey,
    /// Signatures seen within twice [`FRESH_FOR`], so that none is accepted twice.
    seen: Arc<Mutex<HashMap<[u8; 64], Instant>>>,
}

/// Why a sealed request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Too short to hold a seal, or signed with another key or over other bytes.
    Forged,
    /// Made more than [`FRESH_FOR`] away from this node's clock.
    Stale,
    /// The same request again.
    Replayed,
}

impl NodeSeal {
    /// The seal of the installation whose lock signing key is `lock_key`: a key of its own,
    /// derived from it (SHA-256 over a purpose label and the key), so that a request's
    /// signature can never pass for a lock capability.
    #[must_use]
    pub fn for_installation(lock_key: &SigningKey) -> Self {
        let mut h = Sha256::new();
        h.update(PURPOSE);
        h.update(lock_key.to_bytes());
        let key = SigningKey::from_bytes(&h.finalize().into());
        Self {
            verifying: key.verifying_key(),
            key: Arc::new(key),
            seen: Arc::default(),
        }
    }

    /// `payload` sealed for `subject`, as sent.
    #[must_use]
    pub fn seal(&self, subject: &str, payload: &[u8]) -> Vec<u8> {
        self.seal_at(subject, payload, now_ms())
    }

    fn seal_at(&self, subject: &str, payload: &[u8], at_ms: i64) -> Vec<u8> {
        let at = at_ms.to_be_bytes();
        let signature = self.key.sign(&signed_bytes(subject, at, payload));
        let mut out = Vec::with_capacity(HEAD + payload.len());
        out.extend_from_slice(&signature.to_bytes());
        out.extend_from_slice(&at);
        out.extend_from_slice(payload);
        out
    }

    /// The payload of a request received on `subject`, when its seal holds, it is fresh and it
    /// was not seen before.
    ///
    /// # Errors
    /// [`Refused`], saying why.
    pub fn open<'a>(&self, subject: &str, sealed: &'a [u8]) -> Result<&'a [u8], Refused> {
        self.open_at(subject, sealed, now_ms())
    }

    fn open_at<'a>(
        &self,
        subject: &str,
        sealed: &'a [u8],
        now_ms: i64,
    ) -> Result<&'a [u8], Refused> {
        if sealed.len() < HEAD {
            return Err(Refused::Forged);
        }
        let (head, payload) = sealed.split_at(HEAD);
        let mut signature = [0u8; 64];
        signature.copy_from_slice(&head[..64]);
        let mut at = [0u8; 8];
        at.copy_from_slice(&head[64..]);
        self.verifying
            .verify_strict(
                &signed_bytes(subject, at, payload),
                &Signature::from_bytes(&signature),
            )
            .map_err(|_| Refused::Forged)?;
        let fresh = i64::try_from(FRESH_FOR.as_millis()).unwrap_or(i64::MAX);
        if now_ms.abs_diff(i64::from_be_bytes(at)) > fresh.unsigned_abs() {
            return Err(Refused::Stale);
        }
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.retain(|_, when| now.duration_since(*when) < 2 * FRESH_FOR);
        if seen.insert(signature, now).is_some() {
            return Err(Refused::Replayed);
        }
        Ok(payload)
    }
}

/// What is signed: the purpose, the subject (which names the receiving node where a request is
/// for one), the time and the payload.
fn signed_bytes(subject: &str, at: [u8; 8], payload: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(PURPOSE.len() + subject.len() + 1 + 8 + payload.len());
    m.extend_from_slice(PURPOSE);
    m.extend_from_slice(subject.as_bytes());
    m.push(0);
    m.extend_from_slice(&at);
    m.extend_from_slice(payload);
    m
}

/// The wall clock in milliseconds: requests cross machines, so their freshness is judged by
/// the machines' clocks (kept by NTP), not by a test's clock.
fn now_ms() -> i64 {
    SystemClock.now().as_millisecond()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal() -> NodeSeal {
        NodeSeal::for_installation(&SigningKey::from_bytes(&[7u8; 32]))
    }

    #[test]
    fn a_sealed_request_opens_once_on_its_subject_while_fresh() {
        let s = seal();
        let t = 1_800_000_000_000;
        let sealed = s.seal_at("vaka.unlock.n1", b"{\"lock\":1}", t);
        // Another node of the installation (same key) opens it, once.
        let other = seal();
        assert_eq!(
            other.open_at("vaka.unlock.n1", &sealed, t + 1_000),
            Ok(&b"{\"lock\":1}"[..])
        );
        assert_eq!(
            other.open_at("vaka.unlock.n1", &sealed, t + 2_000),
            Err(Refused::Replayed)
        );
        // On another subject (another node, another kind of request): forged.
        assert_eq!(
            s.open_at("vaka.unlock.n2", &sealed, t),
            Err(Refused::Forged)
        );
        assert_eq!(
            s.open_at("vaka.lookin.n1", &sealed, t),
            Err(Refused::Forged)
        );
        // Too old, or from too far ahead.
        let fresh = i64::try_from(FRESH_FOR.as_millis()).unwrap();
        let late = s.seal_at("vaka.unlock.n1", b"x", t);
        assert_eq!(
            s.open_at("vaka.unlock.n1", &late, t + fresh + 1),
            Err(Refused::Stale)
        );
        let early = s.seal_at("vaka.unlock.n1", b"y", t + fresh + 1);
        assert_eq!(s.open_at("vaka.unlock.n1", &early, t), Err(Refused::Stale));
        assert_eq!(
            s.open_at("vaka.unlock.n1", &early, t + fresh),
            Ok(&b"y"[..])
        );
    }

    #[test]
    fn a_changed_byte_or_another_installations_key_is_refused() {
        let s = seal();
        let t = 1_800_000_000_000;
        let sealed = s.seal_at("vaka.lookin.n1", b"payload", t);
        for i in 0..sealed.len() {
            let mut bent = sealed.clone();
            bent[i] ^= 0x01;
            assert_eq!(
                s.open_at("vaka.lookin.n1", &bent, t),
                Err(Refused::Forged),
                "byte {i}"
            );
        }
        let stranger = NodeSeal::for_installation(&SigningKey::from_bytes(&[8u8; 32]));
        let theirs = stranger.seal_at("vaka.lookin.n1", b"payload", t);
        assert_eq!(
            s.open_at("vaka.lookin.n1", &theirs, t),
            Err(Refused::Forged)
        );
        assert_eq!(
            s.open_at("vaka.lookin.n1", &sealed[..HEAD - 1], t),
            Err(Refused::Forged)
        );
        assert_eq!(s.open_at("vaka.lookin.n1", b"", t), Err(Refused::Forged));
    }

    #[test]
    fn the_derived_key_is_not_the_lock_key() {
        let lock = SigningKey::from_bytes(&[7u8; 32]);
        assert_ne!(seal().verifying, lock.verifying_key());
    }
}

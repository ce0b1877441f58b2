//! Signed checkpoints of the audit chain, kept outside the database.
//!
//! The hash chain ([`crate::audit`]) finds any entry changed, removed or reordered *inside* the
//! log, and the stored head finds entries cut off its end — but someone with write access to
//! the database can cut the end and move the head too, or recompute the whole chain. A
//! checkpoint anchors the chain outside the database: at a moment `at`, the entry `seq` had
//! the hash `hash`, signed with an Ed25519 key that is not in the database. A chain that is
//! shorter than a checkpoint, or whose entry at a checkpoint's `seq` has another hash, has
//! been cut or rewritten since.
//!
//! A checkpoint is one JSON object on a line ([`Checkpoint::to_line`]):
//! `{"v":1,"seq":42,"hash":"<hex>","at":"2026-12-03T08:00:00.123456Z","key":"<hex>","sig":"<hex>"}`.
//! The signature covers a domain tag, `seq`, `hash` and `at` (in microseconds); `key` is the
//! public key that signed it, so that keys can be replaced — only keys the verifier trusts
//! count.

use std::collections::BTreeMap;
use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::audit::GENESIS_HASH;

/// The version of the line format.
pub const CHECKPOINT_VERSION: u32 = 1;

const SIGN_TAG: &[u8] = b"vaka-audit-checkpoint-v1\0";

/// A signed statement "at `at`, the audit log's entry `seq` had hash `hash`".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: u64,
    pub hash: [u8; 32],
    /// When the checkpoint was taken (microsecond precision, as signed).
    pub at: Timestamp,
    /// The public key of the signer.
    pub key: [u8; 32],
    pub signature: [u8; 64],
}

/// The bytes a checkpoint's signature covers.
fn message(seq: u64, hash: &[u8; 32], at: Timestamp) -> Vec<u8> {
    let mut m = Vec::with_capacity(SIGN_TAG.len() + 8 + 32 + 8);
    m.extend_from_slice(SIGN_TAG);
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(hash);
    m.extend_from_slice(&at.as_microsecond().to_be_bytes());
    m
}

/// Microsecond precision: what the signature covers and the line keeps.
fn to_micros(at: Timestamp) -> Timestamp {
    Timestamp::from_microsecond(at.as_microsecond()).unwrap_or(at)
}

/// A short, stable name of a public key for messages and file names: the first 16 hex digits.
pub fn key_fingerprint(key: &[u8; 32]) -> String {
    hex::encode(&key[..8])
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    v: u32,
    seq: u64,
    hash: String,
    at: Timestamp,
    key: String,
    sig: String,
}

/// Why a line is not a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a checkpoint: {0}")]
pub struct CheckpointLineError(String);

fn hex_array<const N: usize>(field: &str, raw: &str) -> Result<[u8; N], CheckpointLineError> {
    let bytes =
        hex::decode(raw).map_err(|_| CheckpointLineError(format!("{field} is not hexadecimal")))?;
    <[u8; N]>::try_from(bytes.as_slice())
        .map_err(|_| CheckpointLineError(format!("{field} is not {N} bytes")))
}

impl Checkpoint {
    /// Signs the head `(seq, hash)` as of `at`.
    pub fn sign(seq: u64, hash: [u8; 32], at: Timestamp, key: &SigningKey) -> Self {
        let at = to_micros(at);
        let signature = key.sign(&message(seq, &hash, at)).to_bytes();
        Self {
            seq,
            hash,
            at,
            key: key.verifying_key().to_bytes(),
            signature,
        }
    }

    /// Whether the signature is the named key's signature of the other fields.
    pub fn signature_valid(&self) -> bool {
        let Ok(key) = VerifyingKey::from_bytes(&self.key) else {
            return false;
        };
        key.verify_strict(
            &message(self.seq, &self.hash, self.at),
            &Signature::from_bytes(&self.signature),
        )
        .is_ok()
    }

    /// The checkpoint as one line of JSON (without the newline).
    pub fn to_line(&self) -> String {
        let line = Line {
            v: CHECKPOINT_VERSION,
            seq: self.seq,
            hash: hex::encode(self.hash),
            at: self.at,
            key: hex::encode(self.key),
            sig: hex::encode(self.signature),
        };
        serde_json::to_string(&line).unwrap_or_default()
    }

    /// Reads a line written by [`to_line`](Self::to_line). The signature is not checked here.
    pub fn from_line(line: &str) -> Result<Self, CheckpointLineError> {
        let l: Line =
            serde_json::from_str(line.trim()).map_err(|e| CheckpointLineError(format!("{e}")))?;
        if l.v != CHECKPOINT_VERSION {
            return Err(CheckpointLineError(format!(
                "unknown version {} (this Vaka reads version {CHECKPOINT_VERSION})",
                l.v
            )));
        }
        Ok(Self {
            seq: l.seq,
            hash: hex_array("hash", &l.hash)?,
            at: l.at,
            key: hex_array("key", &l.key)?,
            signature: hex_array("sig", &l.sig)?,
        })
    }
}

impl fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the checkpoint of {} at entry {}", self.at, self.seq)
    }
}

/// Why the chain does not agree with its checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckpointBreak {
    /// No key to check the signatures with.
    NoTrustedKey,
    /// The signature does not match the checkpoint (the checkpoint was changed or forged).
    BadSignature { seq: u64, at: Timestamp },
    /// Signed by a key the verifier does not trust.
    UntrustedKey {
        seq: u64,
        at: Timestamp,
        fingerprint: String,
    },
    /// The chain ends before the checkpoint's entry (entries were cut off the end).
    Shorter {
        checkpoint_seq: u64,
        at: Timestamp,
        chain_len: u64,
    },
    /// The entry at the checkpoint's sequence number has another hash (the log was rewritten).
    Differs { seq: u64, at: Timestamp },
}

impl CheckpointBreak {
    /// The entry the break is about, if any.
    pub fn seq(&self) -> Option<u64> {
        match self {
            Self::NoTrustedKey => None,
            Self::BadSignature { seq, .. }
            | Self::UntrustedKey { seq, .. }
            | Self::Differs { seq, .. } => Some(*seq),
            Self::Shorter { chain_len, .. } => Some(chain_len + 1),
        }
    }
}

impl fmt::Display for CheckpointBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoTrustedKey => {
                f.write_str("no public key to check the checkpoints' signatures with")
            }
            Self::BadSignature { seq, at } => write!(
                f,
                "the checkpoint of {at} at entry {seq} has a bad signature (the checkpoint was changed or forged)"
            ),
            Self::UntrustedKey {
                seq,
                at,
                fingerprint,
            } => write!(
                f,
                "the checkpoint of {at} at entry {seq} is signed by key {fingerprint}, which is not a trusted key"
            ),
            Self::Shorter {
                checkpoint_seq,
                at,
                chain_len,
            } => write!(
                f,
                "the log ends at entry {chain_len} but the signed checkpoint of {at} records entry {checkpoint_seq} (entries were removed from the end)"
            ),
            Self::Differs { seq, at } => write!(
                f,
                "entry {seq}: its hash differs from the signed checkpoint of {at} (the log was rewritten)"
            ),
        }
    }
}

/// Compares a chain, streamed in `seq` order, with signed checkpoints.
///
/// Because each entry's hash commits to every entry before it, agreeing with a checkpoint at
/// `seq` means the first `seq` entries are those the checkpoint saw.
#[derive(Debug, Clone, Default)]
pub struct CheckpointVerifier {
    /// Checkpoints by sequence number, each with the hash and time it records.
    expected: BTreeMap<u64, Vec<([u8; 32], Timestamp)>>,
    count: usize,
    /// The keys accepted (empty: none was given, only signatures are checked).
    trusted: Vec<[u8; 32]>,
}

impl CheckpointVerifier {
    /// Checks every checkpoint's signature and key; `trusted` are the public keys to accept.
    pub fn new(checkpoints: &[Checkpoint], trusted: &[[u8; 32]]) -> Result<Self, CheckpointBreak> {
        if trusted.is_empty() {
            return Err(CheckpointBreak::NoTrustedKey);
        }
        let mut v = Self {
            trusted: trusted.to_vec(),
            ..Self::default()
        };
        for c in checkpoints {
            if !trusted.contains(&c.key) {
                return Err(CheckpointBreak::UntrustedKey {
                    seq: c.seq,
                    at: c.at,
                    fingerprint: key_fingerprint(&c.key),
                });
            }
            if !c.signature_valid() {
                return Err(CheckpointBreak::BadSignature {
                    seq: c.seq,
                    at: c.at,
                });
            }
            // Before the first entry there is only the genesis hash.
            if c.seq == 0 && c.hash != GENESIS_HASH {
                return Err(CheckpointBreak::Differs { seq: 0, at: c.at });
            }
            v.expected.entry(c.seq).or_default().push((c.hash, c.at));
            v.count += 1;
        }
        Ok(v)
    }

    /// Whether a signed statement by `key` counts: a key given to trust, or any key when none
    /// was given (then a forged statement cannot be told from a real one; see the module).
    pub fn trusts(&self, key: &[u8; 32]) -> bool {
        self.trusted.is_empty() || self.trusted.contains(key)
    }

    /// The number of checkpoints.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The highest sequence number any checkpoint records.
    pub fn highest(&self) -> Option<u64> {
        self.expected.keys().next_back().copied()
    }

    /// Checks the chain's entry `seq` (already found to be intact in the chain).
    pub fn observe(&self, seq: u64, hash: &[u8; 32]) -> Result<(), CheckpointBreak> {
        if let Some(seen) = self.expected.get(&seq)
            && let Some((_, at)) = seen.iter().find(|(h, _)| h != hash)
        {
            return Err(CheckpointBreak::Differs { seq, at: *at });
        }
        Ok(())
    }

    /// After the last entry: the chain of `chain_len` entries must reach every checkpoint.
    pub fn finish(&self, chain_len: u64) -> Result<usize, CheckpointBreak> {
        if let Some((&seq, seen)) = self
            .expected
            .range(chain_len.saturating_add(1)..)
            .next_back()
            && let Some((_, at)) = seen.iter().max_by_key(|(_, at)| *at)
        {
            return Err(CheckpointBreak::Shorter {
                checkpoint_seq: seq,
                at: *at,
                chain_len,
            });
        }
        Ok(self.count)
    }
}

/// Checks a chain given as `(seq, hash)` of its entries in order (already verified as a chain)
/// against signed checkpoints; returns the number of checkpoints.
pub fn verify_against_checkpoints(
    chain: impl IntoIterator<Item = (u64, [u8; 32])>,
    checkpoints: &[Checkpoint],
    trusted: &[[u8; 32]],
) -> Result<usize, CheckpointBreak> {
    let v = CheckpointVerifier::new(checkpoints, trusted)?;
    let mut len = 0;
    for (seq, hash) in chain {
        v.observe(seq, &hash)?;
        len = seq;
    }
    v.finish(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Actor, AuditAction, AuditEntry, NewAuditEntry, Outcome};

    fn key(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    fn chain(n: u64, tag: &str) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH;
        (1..=n)
            .map(|i| {
                let mut e = NewAuditEntry::new(
                    t(i64::try_from(i).unwrap()),
                    Actor::anonymous(Some(tag)),
                    AuditAction::LoginFailed,
                    Outcome::Failure,
                );
                e.request_id = Some(format!("r{i}"));
                let e = e.seal(i, prev);
                prev = e.hash;
                e
            })
            .collect()
    }

    fn heads(c: &[AuditEntry]) -> Vec<(u64, [u8; 32])> {
        c.iter().map(|e| (e.seq, e.hash)).collect()
    }

    fn checkpoint_at(c: &[AuditEntry], seq: u64, k: &SigningKey) -> Checkpoint {
        let i = usize::try_from(seq).unwrap() - 1;
        Checkpoint::sign(seq, c[i].hash, t(1000 + i64::try_from(seq).unwrap()), k)
    }

    fn trusted(k: &SigningKey) -> Vec<[u8; 32]> {
        vec![k.verifying_key().to_bytes()]
    }

    #[test]
    fn a_line_round_trips_and_keeps_its_signature() {
        let k = key(1);
        let at: Timestamp = "2026-12-03T08:00:00.123456789Z".parse().unwrap();
        let c = Checkpoint::sign(42, [7; 32], at, &k);
        assert_eq!(
            c.at.to_string(),
            "2026-12-03T08:00:00.123456Z",
            "microseconds"
        );
        let line = c.to_line();
        assert!(!line.contains('\n'));
        assert!(
            line.starts_with(r#"{"v":1,"seq":42,"hash":"0707"#),
            "{line}"
        );
        let back = Checkpoint::from_line(&line).unwrap();
        assert_eq!(back, c);
        assert!(back.signature_valid());
    }

    #[test]
    fn bad_lines_are_refused_with_a_reason() {
        let good = Checkpoint::sign(1, [1; 32], t(0), &key(1)).to_line();
        for (bad, why) in [
            ("", "EOF"),
            ("{}", "missing field"),
            (&good.replace(r#""v":1"#, r#""v":2"#), "unknown version 2"),
            (
                &good.replace(r#""hash":"01"#, r#""hash":"zz"#),
                "hash is not hexadecimal",
            ),
            (
                &good.replace(r#""hash":"0101"#, r#""hash":""#),
                "hash is not 32 bytes",
            ),
            (&good.replace('}', r#","extra":1}"#), "unknown field"),
        ] {
            let err = Checkpoint::from_line(bad).unwrap_err().to_string();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn a_changed_field_breaks_the_signature() {
        let c = Checkpoint::sign(10, [3; 32], t(5), &key(1));
        let mut seq = c.clone();
        seq.seq = 9;
        let mut hash = c.clone();
        hash.hash[0] ^= 1;
        let mut at = c.clone();
        at.at = t(6);
        let mut signer = c.clone();
        signer.key = key(2).verifying_key().to_bytes();
        for forged in [seq, hash, at, signer] {
            assert!(!forged.signature_valid(), "{forged:?}");
        }
        assert!(c.signature_valid());
    }

    #[test]
    fn an_untouched_chain_agrees_with_its_checkpoints() {
        let k = key(1);
        let c = chain(20, "a");
        let cps = [
            checkpoint_at(&c, 5, &k),
            checkpoint_at(&c, 5, &k),
            checkpoint_at(&c, 20, &k),
            Checkpoint::sign(0, GENESIS_HASH, t(0), &k),
        ];
        assert_eq!(
            verify_against_checkpoints(heads(&c), &cps, &trusted(&k)),
            Ok(4)
        );
        // A chain that has grown since still agrees.
        let longer = chain(30, "a");
        assert_eq!(
            verify_against_checkpoints(heads(&longer), &cps, &trusted(&k)),
            Ok(4)
        );
        assert_eq!(
            verify_against_checkpoints(heads(&c), &[], &trusted(&k)),
            Ok(0)
        );
    }

    #[test]
    fn a_truncated_chain_is_found_even_with_its_head_moved() {
        let k = key(1);
        let c = chain(100, "a");
        let cps = [checkpoint_at(&c, 40, &k), checkpoint_at(&c, 100, &k)];
        // The newest 50 entries gone; the cut chain is itself intact.
        let cut = &c[..50];
        assert_eq!(crate::audit::verify_chain(cut, (50, cut[49].hash)), Ok(50));
        assert_eq!(
            verify_against_checkpoints(heads(cut), &cps, &trusted(&k)),
            Err(CheckpointBreak::Shorter {
                checkpoint_seq: 100,
                at: cps[1].at,
                chain_len: 50
            })
        );
        // Cut, then grown back past the checkpoint with other entries: the hash differs.
        let mut regrown = cut.to_vec();
        let other = chain(120, "b");
        let mut prev = cut[49].hash;
        for e in &other[50..] {
            let e = e.new.clone().seal(e.seq, prev);
            prev = e.hash;
            regrown.push(e);
        }
        assert_eq!(
            verify_against_checkpoints(heads(&regrown), &cps, &trusted(&k)),
            Err(CheckpointBreak::Differs {
                seq: 100,
                at: cps[1].at
            })
        );
    }

    #[test]
    fn a_rewritten_head_or_chain_is_found() {
        let k = key(1);
        let c = chain(30, "a");
        let cps = [checkpoint_at(&c, 10, &k), checkpoint_at(&c, 30, &k)];
        // The last entry changed and re-hashed.
        let mut head = c.clone();
        head[29] = {
            let mut n = head[29].new.clone();
            n.outcome = Outcome::Success;
            n.seal(30, head[28].hash)
        };
        assert_eq!(
            verify_against_checkpoints(heads(&head), &cps, &trusted(&k)),
            Err(CheckpointBreak::Differs {
                seq: 30,
                at: cps[1].at
            })
        );
        // Every entry different (a whole new chain of the same length).
        let other = chain(30, "b");
        assert_eq!(
            verify_against_checkpoints(heads(&other), &cps, &trusted(&k)),
            Err(CheckpointBreak::Differs {
                seq: 10,
                at: cps[0].at
            })
        );
    }

    #[test]
    fn forged_and_foreign_checkpoints_are_refused() {
        let (k, mallory) = (key(1), key(9));
        let real = chain(30, "a");
        let fake = chain(20, "b");
        // A tamperer rewrites a checkpoint to match the rewritten chain, without the key.
        let mut edited = checkpoint_at(&real, 30, &k);
        edited.seq = 20;
        edited.hash = fake[19].hash;
        assert_eq!(
            verify_against_checkpoints(heads(&fake), std::slice::from_ref(&edited), &trusted(&k)),
            Err(CheckpointBreak::BadSignature {
                seq: 20,
                at: edited.at
            })
        );
        // Or signs new checkpoints with a key of their own.
        let own = checkpoint_at(&fake, 20, &mallory);
        assert_eq!(
            verify_against_checkpoints(heads(&fake), std::slice::from_ref(&own), &trusted(&k)),
            Err(CheckpointBreak::UntrustedKey {
                seq: 20,
                at: own.at,
                fingerprint: key_fingerprint(&mallory.verifying_key().to_bytes()),
            })
        );
        // Without a trusted key nothing is accepted.
        assert_eq!(
            verify_against_checkpoints(heads(&real), &[], &[]),
            Err(CheckpointBreak::NoTrustedKey)
        );
        // A genesis checkpoint must name the genesis hash.
        let bad_genesis = Checkpoint::sign(0, [1; 32], t(0), &k);
        assert!(matches!(
            verify_against_checkpoints(heads(&real), &[bad_genesis], &trusted(&k)),
            Err(CheckpointBreak::Differs { seq: 0, .. })
        ));
        // Several trusted keys (a replaced key) are each accepted.
        let both = [
            k.verifying_key().to_bytes(),
            mallory.verifying_key().to_bytes(),
        ];
        assert_eq!(
            verify_against_checkpoints(heads(&fake), &[own], &both),
            Ok(1)
        );
    }

    #[test]
    fn messages_name_the_entry_and_the_checkpoint() {
        let b = CheckpointBreak::Shorter {
            checkpoint_seq: 100,
            at: t(0),
            chain_len: 50,
        };
        assert_eq!(b.seq(), Some(51));
        assert!(b.to_string().contains("ends at entry 50"), "{b}");
        assert!(b.to_string().contains("records entry 100"), "{b}");
        let d = CheckpointBreak::Differs { seq: 7, at: t(0) };
        assert!(d.to_string().starts_with("entry 7:"), "{d}");
        assert!(d.to_string().contains("rewritten"), "{d}");
    }
}

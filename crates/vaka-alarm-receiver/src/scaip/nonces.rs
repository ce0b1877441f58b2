//! The digest nonces the receiver issued, with when: a nonce is accepted until it expires (a
//! unit then gets a fresh one with `stale=true` and retries at once, RFC 2617 §3.2.1). A nonce
//! not issued here is never accepted, so credentials computed elsewhere — or recorded — do not
//! pass once their nonce is gone. Bounded: the oldest are dropped first.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use jiff::{SignedDuration, Timestamp};

/// Nonces kept at most (a unit that keeps asking cannot grow the memory without bound).
const MAX_NONCES: usize = 16_384;

#[derive(Debug)]
pub struct Nonces {
    ttl: SignedDuration,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    issued: HashMap<String, Timestamp>,
    order: VecDeque<String>,
}

impl Nonces {
    pub fn new(ttl: std::time::Duration) -> Self {
        Self {
            ttl: SignedDuration::try_from(ttl).unwrap_or(SignedDuration::from_mins(5)),
            inner: Mutex::default(),
        }
    }

    /// A fresh nonce, remembered as issued `now`.
    pub fn issue(&self, now: Timestamp) -> String {
        let nonce = format!("{}{}", super::random_token(), super::random_token());
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        while inner.order.len() >= MAX_NONCES {
            if let Some(old) = inner.order.pop_front() {
                inner.issued.remove(&old);
            }
        }
        inner.issued.insert(nonce.clone(), now);
        inner.order.push_back(nonce.clone());
        nonce
    }

    /// Whether `nonce` was issued here and has not expired at `now`.
    pub fn valid(&self, nonce: &str, now: Timestamp) -> bool {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner
            .issued
            .get(nonce)
            .is_some_and(|at| now.duration_since(*at) <= self.ttl && *at <= now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_is_valid_until_it_expires_and_only_when_issued_here() {
        let n = Nonces::new(std::time::Duration::from_mins(5));
        let t: Timestamp = "2026-12-01T02:00:00Z".parse().unwrap();
        let a = n.issue(t);
        assert_eq!(a.len(), 32);
        assert!(n.valid(&a, t));
        assert!(n.valid(&a, t + SignedDuration::from_mins(5)));
        assert!(!n.valid(&a, t + SignedDuration::from_secs(301)));
        assert!(!n.valid("0123456789abcdef0123456789abcdef", t));
        assert_ne!(n.issue(t), a, "fresh each time");
    }

    #[test]
    fn the_memory_is_bounded() {
        let n = Nonces::new(std::time::Duration::from_mins(5));
        let t: Timestamp = "2026-12-01T02:00:00Z".parse().unwrap();
        let first = n.issue(t);
        for _ in 0..MAX_NONCES {
            n.issue(t);
        }
        assert!(!n.valid(&first, t), "the oldest went first");
        assert_eq!(n.inner.lock().unwrap().issued.len(), MAX_NONCES);
    }
}

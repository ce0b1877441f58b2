//! The memory of SIP transactions over UDP (RFC 3261 §17.2.1, non-INVITE server
//! transaction): a device that hears no answer sends the same request again (same `Via`
//! branch, `Call-ID` and `CSeq`), every 500 ms at first. A retransmission is never decided
//! again: while the first copy is being stored it is absorbed, and once answered it gets the
//! same answer, byte for byte, for [`ScaipConfig::transaction_ttl`](super::ScaipConfig).
//! Bounded: past the cap, expired entries go, and if that is not enough, the oldest.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use vaka_scaip::sip::Request;

/// Transactions remembered at most.
const MAX_TRANSACTIONS: usize = 65_536;

/// What identifies a transaction: the top `Via`'s branch (or the whole `Via` for an
/// RFC 2543 sender without one), `Call-ID`, `CSeq`, and who sent it.
pub type TransactionKey = (String, String, String, std::net::SocketAddr);

/// The key of `req` from `peer`.
pub fn key(req: &Request, peer: std::net::SocketAddr) -> TransactionKey {
    let via = req.headers.get("via").unwrap_or_default();
    let branch = via
        .split(';')
        .find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim().eq_ignore_ascii_case("branch").then(|| v.trim())
        })
        .unwrap_or(via);
    (
        branch.to_owned(),
        req.call_id().unwrap_or_default().to_owned(),
        req.headers.get("cseq").unwrap_or_default().to_owned(),
        peer,
    )
}

/// Where a transaction stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// New: decide it.
    New,
    /// The first copy is still being decided (stored): drop this one.
    InProgress,
    /// Answered: send this again.
    Answered(Vec<u8>),
}

#[derive(Debug)]
enum State {
    InProgress,
    Answered(Vec<u8>),
}

#[derive(Debug)]
pub struct Transactions {
    ttl: Duration,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<TransactionKey, (Instant, State)>,
    order: VecDeque<(Instant, TransactionKey)>,
}

impl Transactions {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            inner: Mutex::default(),
        }
    }

    /// Looks the transaction up; a new one is marked in progress.
    pub fn begin(&self, key: &TransactionKey, now: Instant) -> Seen {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.expire(now, self.ttl);
        match inner.entries.get(key) {
            Some((_, State::InProgress)) => return Seen::InProgress,
            Some((_, State::Answered(bytes))) => return Seen::Answered(bytes.clone()),
            None => {}
        }
        while inner.entries.len() >= MAX_TRANSACTIONS {
            let Some((_, old)) = inner.order.pop_front() else {
                break;
            };
            inner.entries.remove(&old);
        }
        inner.entries.insert(key.clone(), (now, State::InProgress));
        inner.order.push_back((now, key.clone()));
        Seen::New
    }

    /// Records the answer sent (none: the transaction is forgotten, so a retransmission is
    /// decided afresh — used when storing failed and nothing was answered).
    pub fn finish(&self, key: &TransactionKey, answer: Option<Vec<u8>>) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        match answer {
            Some(bytes) => {
                if let Some(entry) = inner.entries.get_mut(key) {
                    entry.1 = State::Answered(bytes);
                }
            }
            None => {
                inner.entries.remove(key);
            }
        }
    }
}

impl Inner {
    fn expire(&mut self, now: Instant, ttl: Duration) {
        while let Some((at, _)) = self.order.front() {
            if now.duration_since(*at) < ttl {
                break;
            }
            if let Some((at, key)) = self.order.pop_front()
                && self.entries.get(&key).is_some_and(|(t, _)| *t == at)
            {
                self.entries.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vaka_scaip::sip::{Limits, Message, parse_datagram};

    fn request(branch: &str) -> Request {
        let raw = format!(
            "MESSAGE sip:vaka@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch={branch}\r\n\
             From: <sip:1@h>;tag=a\r\nTo: <sip:vaka@h>\r\nCall-ID: c1\r\nCSeq: 1 MESSAGE\r\n\
             Content-Length: 0\r\n\r\n"
        );
        match parse_datagram(raw.as_bytes(), &Limits::default()).unwrap() {
            Message::Request(r) => r,
            Message::Response(_) => unreachable!(),
        }
    }

    #[test]
    fn a_retransmission_is_absorbed_then_answered_alike_until_it_expires() {
        let t = Transactions::new(Duration::from_secs(32));
        let peer = "10.0.0.1:5060".parse().unwrap();
        let k = key(&request("z9hG4bKa"), peer);
        let now = Instant::now();
        assert_eq!(t.begin(&k, now), Seen::New);
        assert_eq!(t.begin(&k, now), Seen::InProgress);
        t.finish(&k, Some(b"SIP/2.0 200 OK".to_vec()));
        assert_eq!(
            t.begin(&k, now + Duration::from_secs(1)),
            Seen::Answered(b"SIP/2.0 200 OK".to_vec())
        );
        let other = key(&request("z9hG4bKb"), peer);
        assert_eq!(
            t.begin(&other, now),
            Seen::New,
            "another branch: another transaction"
        );
        assert_eq!(
            t.begin(&k, now + Duration::from_secs(33)),
            Seen::New,
            "expired"
        );
    }

    #[test]
    fn a_transaction_that_failed_is_decided_again() {
        let t = Transactions::new(Duration::from_secs(32));
        let k = key(&request("z9hG4bKa"), "10.0.0.1:5060".parse().unwrap());
        let now = Instant::now();
        assert_eq!(t.begin(&k, now), Seen::New);
        t.finish(&k, None);
        assert_eq!(t.begin(&k, now), Seen::New);
    }
}

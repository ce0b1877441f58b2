//! The login attempts per address (password logins, identity-provider starts, app pairings):
//! at most `login_attempts_per_minute` from one address. In a cluster every node counts every
//! node's attempts: each attempt is told to the others (`set_share`, over NATS in the server)
//! and counted there as if made there (`heard_elsewhere`), so a balancer spreading an attacker's
//! attempts over the nodes does not multiply what they may try.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Tells the other nodes of an attempt from an address.
pub type ShareAttempt = Arc<dyn Fn(IpAddr) + Send + Sync>;

pub struct LoginLimiter {
    counted: DefaultKeyedRateLimiter<IpAddr>,
    share: OnceLock<ShareAttempt>,
    heard: AtomicU64,
}

impl LoginLimiter {
    pub fn per_minute(n: NonZeroU32) -> Self {
        Self {
            counted: RateLimiter::keyed(Quota::per_minute(n)),
            share: OnceLock::new(),
            heard: AtomicU64::new(0),
        }
    }

    /// Counts an attempt from `ip`, here and on the other nodes; whether it may go on.
    pub fn allow(&self, ip: IpAddr) -> bool {
        if let Some(share) = self.share.get() {
            share(ip);
        }
        self.counted.check_key(&ip).is_ok()
    }

    /// An attempt made on another node: it counts here too.
    pub fn heard_elsewhere(&self, ip: IpAddr) {
        let _ = self.counted.check_key(&ip);
        self.heard.fetch_add(1, Ordering::Relaxed);
    }

    /// How many attempts from other nodes were counted here.
    pub fn heard(&self) -> u64 {
        self.heard.load(Ordering::Relaxed)
    }

    /// Tells every attempt to the other nodes through `share` (set once, when the node joins
    /// its cluster).
    pub fn set_share(&self, share: ShareAttempt) {
        let _ = self.share.set(share);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn attempts_heard_from_other_nodes_use_up_the_same_minute() {
        let n = NonZeroU32::new(3).unwrap();
        let here = LoginLimiter::per_minute(n);
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let other: IpAddr = "192.0.2.8".parse().unwrap();
        here.heard_elsewhere(ip);
        here.heard_elsewhere(ip);
        assert_eq!(here.heard(), 2);
        assert!(here.allow(ip), "the third attempt in the minute");
        assert!(
            !here.allow(ip),
            "the fourth, though only two were made here"
        );
        assert!(here.allow(other), "another address has its own minute");

        // Every attempt is told to the others, allowed or not.
        let told = Arc::new(Mutex::new(Vec::new()));
        let sink = told.clone();
        let shared = LoginLimiter::per_minute(n);
        shared.set_share(Arc::new(move |ip| sink.lock().unwrap().push(ip)));
        for _ in 0..4 {
            shared.allow(ip);
        }
        assert_eq!(*told.lock().unwrap(), vec![ip; 4]);
    }
}

//! What the receiver knows about accounts (kept in memory, replaced by the service when devices
//! change) and when each device was last heard from.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use jiff::Timestamp;
use vaka_domain::client::AreaType;
use vaka_domain::ids::{ClientId, DeviceId};
use vaka_sia_dc09::Key;

/// How an account's messages must come. Encryption is the rule; clear messages are taken only
/// from an account its administrator marked clear.
#[derive(Debug, Clone)]
pub enum Security {
    /// Encrypted with this key; clear messages are refused (they could be forged).
    Encrypted(Key),
    /// Explicitly marked clear: clear messages are taken (encrypted ones cannot be read).
    Clear,
    /// Neither a key nor a clear marking: every message is refused.
    Unset,
}

/// One provisioned DC-09 account.
#[derive(Debug, Clone)]
pub struct AccountEntry {
    pub device_id: DeviceId,
    pub security: Security,
    pub client_id: Option<ClientId>,
    pub area: AreaType,
}

impl AccountEntry {
    /// The AES key of an encrypted account.
    pub fn key(&self) -> Option<&Key> {
        match &self.security {
            Security::Encrypted(k) => Some(k),
            Security::Clear | Security::Unset => None,
        }
    }
}

/// Accounts by their DC-09 account number (uppercase hex).
#[derive(Debug, Default)]
pub struct Directory {
    accounts: RwLock<HashMap<String, Arc<AccountEntry>>>,
}

impl Directory {
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces every entry (after a device changed, or periodically).
    pub fn replace(&self, entries: impl IntoIterator<Item = (String, AccountEntry)>) {
        let map = entries
            .into_iter()
            .map(|(a, e)| (a.to_ascii_uppercase(), Arc::new(e)))
            .collect();
        *self
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner) = map;
    }

    /// The entry for an account as received (case-insensitive).
    pub fn lookup(&self, account: &str) -> Option<Arc<AccountEntry>> {
        let map = self.accounts.read().unwrap_or_else(PoisonError::into_inner);
        if account.bytes().any(|b| b.is_ascii_lowercase()) {
            map.get(&account.to_ascii_uppercase()).cloned()
        } else {
            map.get(account).cloned()
        }
    }

    /// How many accounts are encrypted, marked clear, and neither.
    pub fn tally(&self) -> (usize, usize, usize) {
        let map = self.accounts.read().unwrap_or_else(PoisonError::into_inner);
        map.values()
            .fold((0, 0, 0), |(e, c, u), a| match a.security {
                Security::Encrypted(_) => (e + 1, c, u),
                Security::Clear => (e, c + 1, u),
                Security::Unset => (e, c, u + 1),
            })
    }

    pub fn len(&self) -> usize {
        self.accounts
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// When each device last sent anything valid (heartbeat or event), in memory; the service
/// writes it to the database now and then and reads it for the heartbeat monitor.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    last: Arc<Mutex<HashMap<DeviceId, Timestamp>>>,
    dirty: Arc<Mutex<HashMap<DeviceId, Timestamp>>>,
}

impl Seen {
    pub fn record(&self, device: DeviceId, at: Timestamp) {
        self.last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(device, at);
        self.dirty
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(device, at);
    }

    pub fn last(&self, device: DeviceId) -> Option<Timestamp> {
        self.last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&device)
            .copied()
    }

    /// What changed since the last call (to be written to the database).
    pub fn take_dirty(&self) -> Vec<(DeviceId, Timestamp)> {
        let mut d = self.dirty.lock().unwrap_or_else(PoisonError::into_inner);
        d.drain().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_ignores_case_and_replace_drops_old_entries() {
        let dir = Directory::new();
        let entry = AccountEntry {
            device_id: DeviceId::new(),
            security: Security::Clear,
            client_id: None,
            area: AreaType::Town,
        };
        dir.replace([("ab12".to_owned(), entry.clone())]);
        assert!(dir.lookup("AB12").is_some());
        assert!(dir.lookup("ab12").is_some());
        assert!(dir.lookup("AB13").is_none());
        dir.replace([("CD34".to_owned(), entry)]);
        assert!(dir.lookup("AB12").is_none());
        assert_eq!(dir.len(), 1);
        assert_eq!(dir.tally(), (0, 1, 0));
    }

    #[test]
    fn seen_keeps_the_latest_and_hands_out_changes_once() {
        let seen = Seen::default();
        let d = DeviceId::new();
        let t = Timestamp::from_second(1_800_000_000).unwrap();
        seen.record(d, t);
        assert_eq!(seen.last(d), Some(t));
        assert_eq!(seen.take_dirty(), vec![(d, t)]);
        assert!(seen.take_dirty().is_empty());
        assert_eq!(seen.last(d), Some(t));
    }
}

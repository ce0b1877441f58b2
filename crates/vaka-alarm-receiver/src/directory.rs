//! What the receiver knows about accounts (kept in memory, replaced by the service when devices
//! change) and when each device was last heard from.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use jiff::Timestamp;
use vaka_domain::client::AreaType;
use vaka_domain::ids::{ClientId, DeviceId};
use vaka_sia_dc09::Key;

/// One provisioned DC-09 account.
#[derive(Debug, Clone)]
pub struct AccountEntry {
    pub device_id: DeviceId,
    /// The AES key; when set, clear messages from the account are refused.
    pub key: Option<Key>,
    pub client_id: Option<ClientId>,
    pub area: AreaType,
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
            key: None,
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

//! The receiver's storage: each group commit writes the messages, the alarms they raise and
//! the restores they report in one transaction. An unknown account raises (or counts again)
//! one *unknown device* alarm.

use std::sync::Arc;

use jiff::Timestamp;
use vaka_alarm_receiver::{AccountEntry, Received, Sink, SinkError};
use vaka_domain::alarm::{AlarmKind, AlarmMessage, AlarmRecord};
use vaka_domain::client::AreaType;
use vaka_domain::ids::{AlarmMessageId, DeviceId};

use crate::{ServiceResult, Services};

/// [`Sink`] over the store.
pub struct AlarmIntake {
    pub services: Services,
}

fn sink_err(e: impl std::fmt::Display) -> SinkError {
    SinkError(e.to_string())
}

/// An open alarm to mark restored: the device, the category, when.
pub type Restore = (DeviceId, String, Timestamp);

/// The messages, alarms and restores of one batch.
pub fn records(batch: &[Received]) -> (Vec<AlarmMessage>, Vec<AlarmRecord>, Vec<Restore>) {
    let mut messages = Vec::with_capacity(batch.len());
    let mut alarms = Vec::with_capacity(batch.len());
    let mut restores = Vec::new();
    for m in batch {
        let at = vaka_store::values::to_db_precision(m.received_at);
        let id = AlarmMessageId::new();
        messages.push(AlarmMessage {
            id,
            account: m.account.clone(),
            seq: m.seq,
            fingerprint: m.fingerprint,
            token: m.token.to_owned(),
            device_id: Some(m.entry.device_id),
            data: m.data.clone(),
            message_at: m.message_at.map(vaka_store::values::to_db_precision),
            received_at: at,
            transport: m.transport.to_owned(),
        });
        for e in &m.events {
            if e.restore {
                restores.push((m.entry.device_id, e.category.to_owned(), at));
            }
            let Some(kind) = e.kind else { continue };
            let mut a = AlarmRecord::new(kind, m.entry.area, e.category, &e.code, at);
            a.message_id = Some(id);
            a.device_id = Some(m.entry.device_id);
            a.client_id = m.entry.client_id;
            a.account = Some(m.account.clone());
            a.zone = e.zone.clone();
            alarms.push(a);
        }
    }
    (messages, alarms, restores)
}

#[async_trait::async_trait]
impl Sink for AlarmIntake {
    async fn store(&self, batch: &[Received]) -> Result<(), SinkError> {
        let (messages, alarms, restores) = records(batch);
        let changed = !alarms.is_empty() || !restores.is_empty();
        // Encoded before the write lock is taken: the next batch's encoding overlaps the
        // commit of the one before (the receiver keeps two group commits in flight).
        let intake = self
            .services
            .door
            .prepare_intake(messages, alarms, restores);
        let mut tx = self.services.write().await.map_err(sink_err)?;
        tx.insert_intake(intake).await.map_err(sink_err)?;
        tx.commit().await.map_err(sink_err)?;
        if changed {
            self.services.alarms_changed();
        }
        Ok(())
    }

    async fn recent(&self, since: Timestamp) -> Result<Vec<(String, u16, i64)>, SinkError> {
        let mut tx = self.services.read().await.map_err(sink_err)?;
        tx.recent_message_keys(since).await.map_err(sink_err)
    }

    async fn unknown_account(&self, account: &str, at: Timestamp, transport: &'static str) {
        if let Err(e) = self.services.unknown_device(account, at, transport).await {
            tracing::error!(error = %e, "recording an unknown DC-09 account failed");
        }
    }
}

impl Services {
    /// Raises an *unknown device* alarm for an account, or counts one more attempt on the open
    /// one.
    pub async fn unknown_device(
        &self,
        account: &str,
        at: Timestamp,
        transport: &str,
    ) -> ServiceResult<()> {
        let at = vaka_store::values::to_db_precision(at);
        let mut tx = self.write().await?;
        match tx.find_open_system_alarm(account, "unknown_device").await? {
            Some(before) => {
                let mut after = before.clone();
                after.occurrences += 1;
                after.last_at = at;
                after.updated_at = at;
                tx.update_alarm(&before, &after).await?;
            }
            None => {
                let mut a = AlarmRecord::new(
                    AlarmKind::UnknownDevice,
                    AreaType::Town,
                    "unknown_device",
                    transport,
                    at,
                );
                a.account = Some(account.to_owned());
                tx.insert_alarm(&a).await?;
            }
        }
        tx.commit().await?;
        self.alarms_changed();
        Ok(())
    }

    /// The receiver's account directory: devices with a DC-09 account that are with a client
    /// (assigned, installed, tested, active), with their keys.
    pub async fn alarm_directory(&self) -> ServiceResult<Vec<(String, AccountEntry)>> {
        let mut tx = self.read().await?;
        let accounts = tx.list_alarm_accounts().await?;
        Ok(accounts
            .into_iter()
            .filter(|a| {
                a.status.is_with_client()
                    && a.status != vaka_domain::device::DeviceStatus::Deactivated
            })
            .filter_map(|a| {
                let key = match &a.key {
                    Some(k) => Some(vaka_sia_dc09::Key::from_bytes(&k.bytes).ok()?),
                    None => None,
                };
                Some((
                    a.account,
                    AccountEntry {
                        device_id: a.device_id,
                        key,
                        client_id: a.client_id,
                        area: a.area_type.unwrap_or(AreaType::Town),
                    },
                ))
            })
            .collect())
    }

    /// Loads the directory into a receiver's.
    pub async fn refresh_alarm_directory(
        &self,
        directory: &Arc<vaka_alarm_receiver::Directory>,
    ) -> ServiceResult<usize> {
        let entries = self.alarm_directory().await?;
        let n = entries.len();
        directory.replace(entries);
        Ok(n)
    }
}

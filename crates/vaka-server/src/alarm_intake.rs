//! The alarm receivers (SIA DC-09 and SCAIP) wired to the service: the receiver's storage ([`Sink`]), its account
//! directory and its memory of when devices were last heard from, adapted to the service's use
//! cases over domain types. The service knows nothing of the transport; the receiver nothing
//! of the service.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use vaka_alarm_receiver::{
    AccountEntry, Directory, Received, Refused, Security, Seen, Sink, SinkError,
};
use vaka_domain::alarm::{AlarmMessage, AlarmRecord};
use vaka_domain::ids::{AlarmMessageId, DeviceId};
use vaka_service::alarms::{Intake, LastHeard, RefusedMessage, Restore};
use vaka_service::{ServiceResult, Services};
use vaka_store::values::to_db_precision;

/// The receiver's [`Sink`] over the service.
pub struct AlarmIntake {
    pub services: Services,
}

/// A storage error for the receiver's log, with its causes.
fn sink_err(e: &(dyn std::error::Error + 'static)) -> SinkError {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    SinkError::Failed(text)
}

/// The messages, alarms and restores of one batch.
pub fn records(batch: &[Received]) -> (Vec<AlarmMessage>, Vec<AlarmRecord>, Vec<Restore>) {
    let mut messages = Vec::with_capacity(batch.len());
    let mut alarms = Vec::with_capacity(batch.len());
    let mut restores = Vec::new();
    for m in batch {
        let at = to_db_precision(m.received_at);
        let id = AlarmMessageId::new();
        messages.push(AlarmMessage {
            id,
            account: m.account.clone(),
            seq: m.seq,
            fingerprint: m.fingerprint,
            token: m.token.to_owned(),
            device_id: Some(m.entry.device_id),
            data: m.data.clone(),
            message_at: m.message_at.map(to_db_precision),
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
            a.zone.clone_from(&e.zone);
            a.caller.clone_from(&e.caller);
            alarms.push(a);
        }
    }
    (messages, alarms, restores)
}

#[async_trait::async_trait]
impl Sink for AlarmIntake {
    async fn store(&self, batch: &[Received], window: SignedDuration) -> Result<(), SinkError> {
        let (messages, alarms, restores) = records(batch);
        match self
            .services
            .store_alarm_intake(messages, alarms, restores, Some(window))
            .await
        {
            Ok(Intake::Stored) => Ok(()),
            Ok(Intake::AlreadyStored) => Err(SinkError::StoredElsewhere),
            Err(e) => Err(sink_err(&e)),
        }
    }

    async fn recent(&self, since: Timestamp) -> Result<Vec<(String, u16, i64)>, SinkError> {
        self.services
            .recent_alarm_message_keys(since)
            .await
            .map_err(|e| sink_err(&e))
    }

    async fn unknown_account(&self, account: &str, at: Timestamp, transport: &'static str) {
        if let Err(e) = self.services.unknown_device(account, at, transport).await {
            tracing::error!(error = %e, "recording an unknown DC-09 account failed");
        }
    }

    async fn refused(&self, r: Refused) {
        let refused = RefusedMessage {
            account: r.account,
            device_id: r.device,
            reason: r.reason,
            at: r.at,
            transport: r.transport.to_owned(),
            source_ip: r.peer.ip().to_string(),
        };
        if let Err(e) = self.services.alarm_message_refused(refused).await {
            tracing::error!(error = %e, "recording a refused DC-09 message failed");
        }
    }
}

/// The receiver's directory as the service lists it, with the keys parsed (an account whose
/// stored key is unusable is left out: its messages are refused as from an unknown account).
/// An account without a key is taken clear only when marked so; otherwise its messages are
/// refused.
pub async fn directory_entries(services: &Services) -> ServiceResult<Vec<(String, AccountEntry)>> {
    Ok(services
        .alarm_directory()
        .await?
        .into_iter()
        .filter_map(|a| {
            let security = match (&a.key, a.clear) {
                (Some(k), _) => Security::Encrypted(vaka_sia_dc09::Key::from_bytes(&k.bytes).ok()?),
                (None, true) => Security::Clear,
                (None, false) => Security::Unset,
            };
            Some((
                a.account,
                AccountEntry {
                    device_id: a.device_id,
                    security,
                    client_id: a.client_id,
                    area: a.area,
                },
            ))
        })
        .collect())
}

/// Loads the service's directory into a receiver's.
pub async fn refresh_alarm_directory(
    services: &Services,
    directory: &Arc<Directory>,
) -> ServiceResult<usize> {
    let entries = directory_entries(services).await?;
    let n = entries.len();
    directory.replace(entries);
    Ok(n)
}

/// Loads the service's SCAIP units into the SCAIP receiver's directory.
pub async fn refresh_scaip_directory(
    services: &Services,
    directory: &Arc<vaka_alarm_receiver::scaip::ScaipDirectory>,
) -> ServiceResult<usize> {
    let units: Vec<_> = services
        .scaip_directory()
        .await?
        .into_iter()
        .map(|u| {
            (
                u.cid,
                vaka_alarm_receiver::scaip::ScaipUnit {
                    device_id: u.device_id,
                    password: u.password.map(|p| p.expose().to_owned()),
                    client_id: u.client_id,
                    area: u.area,
                },
            )
        })
        .collect();
    let n = units.len();
    directory.replace(units);
    Ok(n)
}

/// The receiver's memory of when devices were last heard from, as the service's heartbeat
/// monitor reads it.
#[derive(Debug, Default, Clone)]
pub struct HeardFrom(pub Seen);

impl std::ops::Deref for HeardFrom {
    type Target = Seen;
    fn deref(&self) -> &Seen {
        &self.0
    }
}

impl LastHeard for HeardFrom {
    fn last_heard(&self, device: DeviceId) -> Option<Timestamp> {
        self.0.last(device)
    }

    fn take_changed(&self) -> Vec<(DeviceId, Timestamp)> {
        self.0.take_dirty()
    }
}

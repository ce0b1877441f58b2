//! What the alarm receiver needs of the service, over domain types: store a group commit (the
//! messages, the alarms they raise and the restores they report, in one transaction), the keys
//! of recent messages, an unknown account (one *unknown device* alarm, or one more count on
//! it) and the account directory. The receiver itself — transport, framing, the group commit's
//! batching — knows nothing of the service: the server adapts one to the other.

use jiff::{SignedDuration, Timestamp};
use vaka_domain::alarm::{AlarmKind, AlarmMessage, AlarmRecord, MessageRefusal};
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::client::AreaType;
use vaka_domain::device::{Dc09Key, ScaipPassword};
use vaka_domain::ids::{ClientId, DeviceId};
use vaka_store::StoreError;
use vaka_store::values::to_db_precision;

use super::{ALARMS, active, system_op};
use crate::door::{Op, Work};
use crate::{ServiceResult, Services};

/// The category of the alarm an unknown account raises.
const UNKNOWN_DEVICE: &str = "unknown_device";

/// A message of a provisioned account that the receiver refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedMessage {
    pub account: String,
    pub device_id: DeviceId,
    pub reason: MessageRefusal,
    pub at: Timestamp,
    pub transport: String,
    /// The sender's address.
    pub source_ip: String,
}

/// An open alarm to mark restored: the device, the category, when.
pub type Restore = (DeviceId, String, Timestamp);

/// How a group commit of the receiver ended, when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intake {
    /// Committed durably.
    Stored,
    /// Nothing written: a message of the batch is already stored, its key still fresh (a
    /// resend that reached this node after another node on the same database stored it). The
    /// receiver reloads what is stored and stores the rest.
    AlreadyStored,
}

/// A DC-09 account the receiver accepts messages from: a device that is with a client
/// (assigned, installed, tested, active).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlarmAccountEntry {
    /// The account number, as provisioned.
    pub account: String,
    pub device_id: DeviceId,
    /// The AES key as stored; when set, clear messages from the account are refused.
    pub key: Option<Dc09Key>,
    /// No key, and explicitly marked clear: clear messages are taken. An account with neither
    /// key nor marking is refused.
    pub clear: bool,
    pub client_id: Option<ClientId>,
    /// The client's area (the arrival target), town when unknown.
    pub area: AreaType,
}

/// A SCAIP alarm unit the receiver accepts messages from: a device with a controller id that is
/// with a client (assigned, installed, tested, active).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaipUnitEntry {
    /// The controller id (`cid`), as provisioned. Its alarms name the account
    /// [`vaka_domain::device::scaip_account`].
    pub cid: String,
    pub device_id: DeviceId,
    /// When set, the unit must answer a SIP digest challenge with it.
    pub password: Option<ScaipPassword>,
    pub client_id: Option<ClientId>,
    /// The client's area (the arrival target), town when unknown.
    pub area: AreaType,
}

impl Services {
    /// Stores one group commit of the receiver in one transaction: the messages, the alarms
    /// they raise, the open alarms `restores` marks restored. [`Intake::Stored`] means
    /// committed durably.
    ///
    /// With `dedupe_window` (the receiver's), each message's key (account, sequence,
    /// fingerprint) is claimed in the same transaction for that long after its receipt, in the
    /// database, so that every node on it sees it; a key still fresh refuses the whole batch:
    /// it is rolled back and the answer is [`Intake::AlreadyStored`].
    ///
    /// The rows are encoded before the write transaction is opened, so that the next batch's
    /// encoding overlaps the commit of the one before (the receiver keeps two group commits in
    /// flight); they move into the statements without another copy.
    pub async fn store_alarm_intake(
        &self,
        messages: Vec<AlarmMessage>,
        alarms: Vec<AlarmRecord>,
        restores: Vec<Restore>,
        dedupe_window: Option<SignedDuration>,
    ) -> ServiceResult<Intake> {
        let changed = !alarms.is_empty() || !restores.is_empty();
        let intake = self
            .door
            .prepare_intake(messages, alarms, restores, dedupe_window);
        let mut already_stored = false;
        let result = self
            .door
            .change(system_op(), async |w| match w.insert_intake(intake).await {
                Err(StoreError::AlreadyStored) => {
                    // Failed, so that the transaction (with the keys claimed) is rolled back.
                    already_stored = true;
                    Err(StoreError::AlreadyStored.into())
                }
                r => Ok(r?),
            })
            .await;
        match result {
            Err(_) if already_stored => return Ok(Intake::AlreadyStored),
            r => r?,
        }
        if changed {
            self.alarms_changed();
        }
        Ok(Intake::Stored)
    }

    /// Deletes the receivers' duplicate keys that are no longer fresh (an alarm job); how
    /// many. A stale key would be taken over by its next message all the same: this only
    /// keeps the table to the last dedupe window's messages.
    pub async fn forget_alarm_message_keys(&self) -> ServiceResult<u64> {
        self.door
            .change(system_op(), async |w| {
                let now = w.now();
                Ok(w.forget_message_keys(now).await?)
            })
            .await
    }

    /// The keys (account, sequence, fingerprint) of the messages stored since `since`: the
    /// receiver's memory of what it already stored, after a restart.
    pub async fn recent_alarm_message_keys(
        &self,
        since: Timestamp,
    ) -> ServiceResult<Vec<(String, u16, i64)>> {
        self.door
            .read(system_op(), async |r| {
                Ok(r.recent_message_keys(since).await?)
            })
            .await
    }

    /// Raises an *unknown device* alarm for an account, or counts one more attempt on the open
    /// one.
    pub async fn unknown_device(
        &self,
        account: &str,
        at: Timestamp,
        transport: &str,
    ) -> ServiceResult<()> {
        let at = to_db_precision(at);
        self.door
            .change(system_op(), async |w| {
                if let Some(before) = w.find_open_system_alarm(account, UNKNOWN_DEVICE).await? {
                    let mut after = before.clone();
                    after.occurrences += 1;
                    after.last_at = at;
                    after.updated_at = at;
                    w.update_alarm(&before, &after).await?;
                } else {
                    let mut a = AlarmRecord::new(
                        AlarmKind::UnknownDevice,
                        AreaType::Town,
                        UNKNOWN_DEVICE,
                        transport,
                        at,
                    );
                    a.account = Some(account.to_owned());
                    w.insert_alarm(&a).await?;
                }
                Ok(())
            })
            .await?;
        self.alarms_changed();
        Ok(())
    }

    /// Records that the receiver refused a message of a provisioned account, and why: an
    /// audit entry of the system, refused, about the device, with the account, the reason and
    /// the transport in its details and the sender's address as its source. The receiver
    /// reports an account's refusal for one reason at most once a minute.
    pub async fn alarm_message_refused(&self, refused: RefusedMessage) -> ServiceResult<()> {
        let op = Op::system(AuditAction::AlarmMessageRefused, ALARMS);
        self.door
            .change(op, async |w| {
                let mut e = w
                    .entry(Outcome::Denied, None)
                    .subject("device", refused.device_id);
                e.at = to_db_precision(refused.at);
                e.source_ip = Some(refused.source_ip.clone());
                e.details = Some(
                    serde_json::json!({
                        "account": refused.account,
                        "reason": refused.reason.code(),
                        "transport": refused.transport,
                    })
                    .to_string(),
                );
                w.record(e);
                Ok(())
            })
            .await
    }

    /// The receiver's account directory: devices with a DC-09 account that are with a client,
    /// with their keys.
    pub async fn alarm_directory(&self) -> ServiceResult<Vec<AlarmAccountEntry>> {
        let accounts = self
            .door
            .read(system_op(), async |r| Ok(r.list_alarm_accounts().await?))
            .await?;
        Ok(accounts
            .into_iter()
            .filter(active)
            .filter_map(|a| {
                Some(AlarmAccountEntry {
                    account: a.dc09_account?,
                    device_id: a.device_id,
                    key: a.key,
                    clear: a.clear,
                    client_id: a.client_id,
                    area: a.area_type.unwrap_or(AreaType::Town),
                })
            })
            .collect())
    }

    /// The SCAIP receiver's directory: devices with a SCAIP controller id that are with a
    /// client, with their digest passwords.
    pub async fn scaip_directory(&self) -> ServiceResult<Vec<ScaipUnitEntry>> {
        let accounts = self
            .door
            .read(system_op(), async |r| Ok(r.list_alarm_accounts().await?))
            .await?;
        Ok(accounts
            .into_iter()
            .filter(active)
            .filter_map(|a| {
                Some(ScaipUnitEntry {
                    cid: a.scaip_cid?,
                    device_id: a.device_id,
                    password: a.scaip_password,
                    client_id: a.client_id,
                    area: a.area_type.unwrap_or(AreaType::Town),
                })
            })
            .collect())
    }
}

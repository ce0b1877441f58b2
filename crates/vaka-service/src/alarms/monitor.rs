//! The clock's part: alarms nobody takes or acknowledges escalate, and a device that stays
//! silent past its supervision interval raises a technical alarm (minute-level, ALM-11), which
//! is marked restored when the device is heard from again.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use vaka_alarm_receiver::Seen;
use vaka_domain::alarm::{AlarmEffect, AlarmEvent, AlarmKind, AlarmRecord, alarm_chain, next_link};
use vaka_domain::client::AreaType;
use vaka_domain::device::DeviceStatus;
use vaka_domain::ids::AlarmId;
use vaka_domain::technical::HeartbeatRule;

use super::console::system_log;
use crate::registry::stockholm;
use crate::{ServiceResult, Services};

/// The category of the technical alarm a silent device raises.
pub const HEARTBEAT_MISSED: &str = "heartbeat_missed";

/// Alarms escalated per transaction.
const ESCALATION_CHUNK: usize = 200;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MonitorReport {
    pub escalated: usize,
    pub heartbeat_alarms: usize,
    pub restored: usize,
}

impl Services {
    /// Escalates open alarms whose take or acknowledge limit has passed (each once): an alarm
    /// nobody took is flagged for every operator; a dispatch nobody acknowledged moves to the
    /// next link of the client's chain.
    pub async fn escalate_alarms(&self) -> ServiceResult<usize> {
        let now = vaka_store::values::to_db_precision(self.now());
        let targets = self.config.alarms.targets;
        // Most passes find nothing due: look on a read connection first, so the write lock is
        // taken (beside the receiver's group commits) only when something may escalate. The
        // store narrows by time; the domain decides, under the write lock, per alarm.
        let due_ids = self
            .read()
            .await?
            .list_escalation_candidates(now - targets.take_within, now - targets.acknowledge_within)
            .await?;
        // In bounded transactions: a flood of untaken alarms must not hold SQLite's one writer
        // (and with it the receiver's group commits, and so the ACKs) for seconds.
        let mut n = 0;
        for chunk in due_ids.chunks(ESCALATION_CHUNK) {
            n += self.escalate_chunk(chunk, now).await?;
        }
        if n > 0 {
            tracing::warn!(alarms = n, "alarms escalated");
            self.alarms_changed();
        }
        Ok(n)
    }

    async fn escalate_chunk(&self, ids: &[AlarmId], now: Timestamp) -> ServiceResult<usize> {
        let targets = self.config.alarms.targets;
        let mut tx = self.write().await?;
        let mut n = 0;
        for id in ids {
            // Read again under the write lock: a step may have come first.
            let Some(before) = tx.get_alarm(*id).await? else {
                continue;
            };
            let Ok((alarm, effects)) = before.alarm.apply(AlarmEvent::Tick(now), &targets) else {
                continue;
            };
            if effects.is_empty() {
                continue;
            }
            let mut after = before.clone();
            after.alarm = alarm;
            after.updated_at = now;
            for fx in &effects {
                let note = match fx {
                    AlarmEffect::EscalateNotTaken => None,
                    AlarmEffect::EscalateNotAcknowledged => {
                        let has_contacts = match before.client_id {
                            Some(c) => tx
                                .get_client(c)
                                .await?
                                .is_some_and(|c| !c.contacts.is_empty()),
                            None => false,
                        };
                        let chain = alarm_chain(
                            now.to_zoned(stockholm()).time(),
                            &self.config.alarms.night,
                            has_contacts,
                        );
                        let next = before.chain_link.and_then(|l| next_link(&chain, l));
                        if let Some(l) = next {
                            after.chain_link = Some(l);
                        }
                        next.map(|l| l.code().to_owned())
                    }
                };
                let step = match fx {
                    AlarmEffect::EscalateNotTaken => "escalated_not_taken",
                    AlarmEffect::EscalateNotAcknowledged => "escalated_not_acknowledged",
                };
                tx.insert_alarm_log(&system_log(before.id, now, step, note))
                    .await?;
            }
            if tx.update_alarm(&before, &after).await? {
                n += 1;
            }
        }
        tx.commit().await?;
        Ok(n)
    }

    /// Raises a technical alarm for every active alarm device silent past its interval (plus
    /// grace), and marks restored those heard from again. `seen` is the receiver's memory;
    /// `started` when it started listening (a device cannot be overdue for our own downtime).
    pub async fn check_heartbeats(
        &self,
        seen: &Seen,
        started: Timestamp,
    ) -> ServiceResult<MonitorReport> {
        let now = vaka_store::values::to_db_precision(self.now());
        let mut report = MonitorReport::default();
        // Read on a read connection; the write transaction opens only for the first change.
        let mut read = self.read().await?;
        let accounts = read.list_alarm_accounts().await?;
        let open: HashMap<String, AlarmRecord> = read
            .list_open_system_alarms(HEARTBEAT_MISSED)
            .await?
            .into_iter()
            .filter_map(|a| Some((a.account.clone()?, a)))
            .collect();
        drop(read);
        let mut writing: Option<crate::legacy::LegacyTx> = None;
        for acct in accounts {
            let last = [seen.last(acct.device_id), acct.last_seen_at, Some(started)]
                .into_iter()
                .flatten()
                .max()
                .unwrap_or(started);
            let interval = acct
                .heartbeat_seconds
                .filter(|s| *s > 0)
                .map(SignedDuration::from_secs)
                .unwrap_or(self.config.alarms.default_heartbeat);
            let rule = HeartbeatRule::new(interval);
            let open_alarm = open.get(&acct.account);
            let active = acct.status == DeviceStatus::Active;
            match open_alarm {
                None if active && rule.missed(last, now) => {
                    let tx = match &mut writing {
                        Some(tx) => tx,
                        None => writing.insert(self.write().await?),
                    };
                    let mut a = AlarmRecord::new(
                        AlarmKind::Technical,
                        acct.area_type.unwrap_or(AreaType::Town),
                        HEARTBEAT_MISSED,
                        "heartbeat",
                        now,
                    );
                    a.device_id = Some(acct.device_id);
                    a.client_id = acct.client_id;
                    a.account = Some(acct.account.clone());
                    tx.insert_alarm(&a).await?;
                    let silent = now.duration_since(last).as_secs();
                    tx.insert_alarm_log(&system_log(
                        a.id,
                        now,
                        "raised",
                        Some(format!(
                            "silent for {silent} s (interval {} s)",
                            interval.as_secs()
                        )),
                    ))
                    .await?;
                    report.heartbeat_alarms += 1;
                }
                Some(before) if before.restored_at.is_none() && last > before.alarm.received_at => {
                    let tx = match &mut writing {
                        Some(tx) => tx,
                        None => writing.insert(self.write().await?),
                    };
                    let mut after = before.clone();
                    after.restored_at = Some(vaka_store::values::to_db_precision(last));
                    after.updated_at = now;
                    if tx.update_alarm(before, &after).await? {
                        tx.insert_alarm_log(&system_log(before.id, now, "restored", None))
                            .await?;
                        report.restored += 1;
                    }
                }
                _ => {}
            }
        }
        if let Some(tx) = writing {
            tx.commit().await?;
        }
        if report.heartbeat_alarms > 0 || report.restored > 0 {
            tracing::warn!(
                raised = report.heartbeat_alarms,
                restored = report.restored,
                "heartbeat supervision"
            );
            self.alarms_changed();
        }
        Ok(report)
    }

    /// Writes when devices were last heard from.
    pub async fn flush_seen(&self, seen: &Seen) -> ServiceResult<usize> {
        let dirty: Vec<_> = seen
            .take_dirty()
            .into_iter()
            .map(|(d, t)| (d, vaka_store::values::to_db_precision(t)))
            .collect();
        if dirty.is_empty() {
            return Ok(0);
        }
        let mut tx = self.write().await?;
        tx.touch_devices(&dirty).await?;
        tx.commit().await?;
        Ok(dirty.len())
    }
}

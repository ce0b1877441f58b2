//! The clock's part: alarms nobody takes or acknowledges escalate, and a device that stays
//! silent past its supervision interval raises a technical alarm (minute-level, ALM-11), which
//! is marked restored when the device is heard from again.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use vaka_domain::alarm::{AlarmEffect, AlarmEvent, AlarmKind, AlarmRecord, alarm_chain, next_link};
use vaka_domain::client::AreaType;
use vaka_domain::device::DeviceStatus;
use vaka_domain::ids::{AlarmId, DeviceId};
use vaka_domain::technical::HeartbeatRule;
use vaka_store::values::to_db_precision;
use vaka_store::{AlarmAccount, WriteTx};

use super::console::system_log;
use super::system_op;
use crate::error::WorkResult;
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

/// When devices were last heard from, as the receiver remembers it in memory: the heartbeat
/// monitor reads it, and [`Services::flush_seen`] writes what changed to the database.
pub trait LastHeard: Send + Sync {
    /// When `device` last sent anything valid, if the receiver heard it since it started.
    fn last_heard(&self, device: DeviceId) -> Option<Timestamp>;
    /// What changed since the last call (to be written to the database).
    fn take_changed(&self) -> Vec<(DeviceId, Timestamp)>;
}

/// What the heartbeat monitor changes for one device.
enum Heartbeat<'a> {
    /// Silent past its interval: a technical alarm.
    Missed {
        account: &'a AlarmAccount,
        last: Timestamp,
        interval: SignedDuration,
    },
    /// Heard from again: its open technical alarm is restored.
    Heard {
        alarm: &'a AlarmRecord,
        last: Timestamp,
    },
}

impl Services {
    /// Escalates open alarms whose take or acknowledge limit has passed (each once): an alarm
    /// nobody took is flagged for every operator; a dispatch nobody acknowledged moves to the
    /// next link of the client's chain.
    pub async fn escalate_alarms(&self) -> ServiceResult<usize> {
        let now = to_db_precision(self.now());
        let targets = self.config.alarms.targets;
        // Most passes find nothing due: look on a read connection first, so the write lock is
        // taken (beside the receiver's group commits) only when something may escalate. The
        // store narrows by time; the domain decides, under the write lock, per alarm.
        let due_ids = self
            .door
            .read(system_op(), async |r| {
                Ok(r.list_escalation_candidates(
                    now - targets.take_within,
                    now - targets.acknowledge_within,
                )
                .await?)
            })
            .await?;
        // In bounded transactions: a flood of untaken alarms must not hold SQLite's one writer
        // (and with it the receiver's group commits, and so the ACKs) for seconds.
        let mut n = 0;
        for chunk in due_ids.chunks(ESCALATION_CHUNK) {
            n += self
                .door
                .change(system_op(), async |w| {
                    self.escalate_chunk(&mut **w, chunk, now).await
                })
                .await?;
        }
        if n > 0 {
            tracing::warn!(alarms = n, "alarms escalated");
            self.alarms_changed();
        }
        Ok(n)
    }

    async fn escalate_chunk(
        &self,
        tx: &mut dyn WriteTx,
        ids: &[AlarmId],
        now: Timestamp,
    ) -> WorkResult<usize> {
        let targets = self.config.alarms.targets;
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
        Ok(n)
    }

    /// Raises a technical alarm for every active alarm device silent past its interval (plus
    /// grace), and marks restored those heard from again. `heard` is the receiver's memory;
    /// `started` when it started listening (a device cannot be overdue for our own downtime).
    pub async fn check_heartbeats(
        &self,
        heard: &(impl LastHeard + ?Sized),
        started: Timestamp,
    ) -> ServiceResult<MonitorReport> {
        let now = to_db_precision(self.now());
        // Read on a read connection; the write transaction opens only when something changes.
        let (accounts, open) = self
            .door
            .read(system_op(), async |r| {
                let accounts = r.list_alarm_accounts().await?;
                let open: HashMap<String, AlarmRecord> = r
                    .list_open_system_alarms(HEARTBEAT_MISSED)
                    .await?
                    .into_iter()
                    .filter_map(|a| Some((a.account.clone()?, a)))
                    .collect();
                Ok((accounts, open))
            })
            .await?;
        let mut due = Vec::new();
        for account in &accounts {
            let last = [
                heard.last_heard(account.device_id),
                account.last_seen_at,
                Some(started),
            ]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(started);
            let interval = account.heartbeat_seconds.filter(|s| *s > 0).map_or(
                self.config.alarms.default_heartbeat,
                SignedDuration::from_secs,
            );
            let rule = HeartbeatRule::new(interval);
            let active = account.status == DeviceStatus::Active;
            match open.get(&account.account) {
                None if active && rule.missed(last, now) => due.push(Heartbeat::Missed {
                    account,
                    last,
                    interval,
                }),
                Some(alarm) if alarm.restored_at.is_none() && last > alarm.alarm.received_at => {
                    due.push(Heartbeat::Heard { alarm, last });
                }
                _ => {}
            }
        }
        if due.is_empty() {
            return Ok(MonitorReport::default());
        }
        let report = self
            .door
            .change(system_op(), async |w| {
                let mut report = MonitorReport::default();
                for change in &due {
                    match *change {
                        Heartbeat::Missed {
                            account,
                            last,
                            interval,
                        } => {
                            let mut a = AlarmRecord::new(
                                AlarmKind::Technical,
                                account.area_type.unwrap_or(AreaType::Town),
                                HEARTBEAT_MISSED,
                                "heartbeat",
                                now,
                            );
                            a.device_id = Some(account.device_id);
                            a.client_id = account.client_id;
                            a.account = Some(account.account.clone());
                            w.insert_alarm(&a).await?;
                            let silent = now.duration_since(last).as_secs();
                            w.insert_alarm_log(&system_log(
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
                        Heartbeat::Heard { alarm, last } => {
                            let mut after = alarm.clone();
                            after.restored_at = Some(to_db_precision(last));
                            after.updated_at = now;
                            if w.update_alarm(alarm, &after).await? {
                                w.insert_alarm_log(&system_log(alarm.id, now, "restored", None))
                                    .await?;
                                report.restored += 1;
                            }
                        }
                    }
                }
                Ok(report)
            })
            .await?;
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
    pub async fn flush_seen(&self, heard: &(impl LastHeard + ?Sized)) -> ServiceResult<usize> {
        let changed: Vec<_> = heard
            .take_changed()
            .into_iter()
            .map(|(d, t)| (d, to_db_precision(t)))
            .collect();
        if changed.is_empty() {
            return Ok(0);
        }
        self.door
            .change(system_op(), async |w| Ok(w.touch_devices(&changed).await?))
            .await?;
        Ok(changed.len())
    }
}

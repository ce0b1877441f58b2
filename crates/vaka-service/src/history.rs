//! Records of the past written as they stand, for `vaka demo`'s year of history: supervision
//! tasks in their final states with their look-ins and dispatches, closed safety alarms with
//! their messages and handling log, device events and technical checks. Demo only (like
//! [`Services::append_access_history`]): no use case's rule runs over them and no audit entry
//! is written for them — they are records of what happened then, not accesses now. They go in
//! one transaction, in multi-row statements, so that a year costs the demo's start a fraction
//! of a second.

use jiff::Timestamp;
use vaka_domain::alarm::{AlarmLogEntry, AlarmMessage, AlarmRecord};
use vaka_domain::audit::AuditAction;
use vaka_domain::device::DeviceEvent;
use vaka_domain::supervision::{Dispatch, LookInRecord, SupervisionTask};
use vaka_domain::technical::TechnicalCheck;

use crate::door::Op;
use crate::error::Fault;
use crate::{ServiceError, ServiceResult, Services};

/// The care context of the history's unit of work (it writes no audit entry).
const HISTORY: &str = "demo_history";

/// Records of the past, each complete as it was left (closed, signed, ended).
#[derive(Debug, Clone, Default)]
pub struct History {
    pub tasks: Vec<SupervisionTask>,
    pub look_ins: Vec<LookInRecord>,
    pub dispatches: Vec<Dispatch>,
    /// The received messages; every alarm's `message_id` names one of them.
    pub messages: Vec<AlarmMessage>,
    pub alarms: Vec<AlarmRecord>,
    pub alarm_log: Vec<AlarmLogEntry>,
    pub device_events: Vec<DeviceEvent>,
    pub technical_checks: Vec<TechnicalCheck>,
}

impl History {
    /// The latest instant any record names (none for an empty history).
    fn latest(&self) -> Option<Timestamp> {
        let tasks = self.tasks.iter().flat_map(|t| [t.closes, t.updated_at]);
        let look_ins = self
            .look_ins
            .iter()
            .flat_map(|l| std::iter::once(l.started_at).chain(l.ended_at));
        let dispatches = self
            .dispatches
            .iter()
            .flat_map(|d| std::iter::once(d.created_at).chain(d.closed_at));
        let messages = self.messages.iter().map(|m| m.received_at);
        let alarms = self.alarms.iter().flat_map(|a| [a.last_at, a.updated_at]);
        let log = self.alarm_log.iter().map(|e| e.at);
        let events = self.device_events.iter().map(|e| e.at);
        let checks = self
            .technical_checks
            .iter()
            .flat_map(|c| std::iter::once(c.due_at).chain(c.signed_at));
        tasks
            .chain(look_ins)
            .chain(dispatches)
            .chain(messages)
            .chain(alarms)
            .chain(log)
            .chain(events)
            .chain(checks)
            .max()
    }
}

impl Services {
    /// Writes `history` as it stands, in one transaction and without audit entries (see the
    /// module docs). Only `vaka demo` calls it; every record must lie in the past, and an alarm
    /// that is not closed is refused (the history holds no work left for anyone).
    pub async fn append_demo_history(&self, history: History) -> ServiceResult<()> {
        if history.latest().is_some_and(|t| t > self.now()) {
            return Err(ServiceError::internal(
                "the demo's history reaches the future",
            ));
        }
        if history.alarms.iter().any(|a| a.alarm.closed_at.is_none()) {
            return Err(ServiceError::internal(
                "the demo's history holds an open alarm",
            ));
        }
        let changed_alarms = !history.alarms.is_empty();
        let History {
            tasks,
            look_ins,
            dispatches,
            messages,
            alarms,
            alarm_log,
            device_events,
            technical_checks,
        } = history;
        // Encoded before the write transaction opens, as the alarm receiver's group commits are.
        // Past messages, not live receipts: they claim no duplicate keys.
        let intake = self.door.prepare_intake(messages, alarms, Vec::new(), None);
        let op = Op::cli(AuditAction::DataImported, HISTORY);
        self.door
            .change(op, async |w| {
                w.insert_tasks(&tasks).await?;
                w.insert_look_ins(&look_ins).await?;
                w.insert_dispatches(&dispatches).await?;
                w.insert_intake(intake).await?;
                w.insert_alarm_logs(&alarm_log).await?;
                for e in &device_events {
                    w.insert_device_event(e).await?;
                }
                for c in &technical_checks {
                    w.insert_technical_check(c).await?;
                }
                Ok::<(), Fault>(())
            })
            .await?;
        if changed_alarms {
            self.alarms_changed();
        }
        self.supervision_changed();
        Ok(())
    }
}

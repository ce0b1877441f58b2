//! Purging (gallring) of supervision logs: the tasks of nights older than the retention, with
//! their look-ins and dispatches, go in one transaction, and the audit log says what went.

use jiff::civil::Date;
use serde::Serialize;
use vaka_domain::audit::{AuditAction, Outcome};

use super::SUPERVISION;
use crate::door::{Op, Work};
use crate::registry::stockholm;
use crate::{ServiceResult, Services};

/// What a purge removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Purged {
    /// Nights before this one were purged.
    pub before: Date,
    pub retention_days: u32,
    pub tasks: u64,
    pub look_ins: u64,
    pub dispatches: u64,
}

impl Services {
    /// Purges supervision logs older than the configured retention (a job of the server; also
    /// run when nothing is due, so that the log shows the job ran).
    pub async fn purge_supervision(&self) -> ServiceResult<Purged> {
        let days = self.config.supervision_retention_days.max(1);
        let op = Op::system(AuditAction::SupervisionPurged, SUPERVISION);
        self.door
            .change(op, async |w| {
                let before = w
                    .now()
                    .to_zoned(stockholm())
                    .date()
                    .checked_sub(jiff::Span::new().days(i64::from(days)))
                    .unwrap_or(Date::MIN);
                let (tasks, look_ins, dispatches) = w.purge_supervision_before(before).await?;
                let report = Purged {
                    before,
                    retention_days: days,
                    tasks,
                    look_ins,
                    dispatches,
                };
                let mut entry = w.entry(Outcome::Success, None);
                entry.subject_kind = Some("supervision_log".into());
                entry.details = serde_json::to_string(&report).ok();
                w.record(entry);
                Ok(report)
            })
            .await
    }
}

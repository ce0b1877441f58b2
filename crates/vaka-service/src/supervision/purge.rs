//! Purging (gallring) of supervision logs: the tasks of nights older than the retention, with
//! their look-ins and dispatches, go in one transaction, and the audit log says what went.

use jiff::civil::Date;
use serde::Serialize;
use vaka_domain::access::Credential;
use vaka_domain::audit::{Actor, AuditAction, NewAuditEntry, Outcome};

use super::console::SUPERVISION;
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
        let now = self.now();
        let days = self.config.supervision_retention_days.max(1);
        let before = self
            .today()
            .checked_sub(jiff::Span::new().days(i64::from(days)))
            .unwrap_or(Date::MIN);
        let mut tx = self.write().await?;
        let (tasks, look_ins, dispatches) = tx.purge_supervision_before(before).await?;
        let report = Purged {
            before,
            retention_days: days,
            tasks,
            look_ins,
            dispatches,
        };
        let mut e = NewAuditEntry::new(
            now,
            Actor::system(Credential::System),
            AuditAction::SupervisionPurged,
            Outcome::Success,
        );
        e.care_context = Some(SUPERVISION.into());
        e.subject_kind = Some("supervision_log".into());
        e.details = serde_json::to_string(&report).ok();
        tx.append_audit(&e).await?;
        tx.commit().await?;
        Ok(report)
    }
}

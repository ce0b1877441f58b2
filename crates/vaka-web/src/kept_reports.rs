//! The last import report of each logged-in session, kept in memory for a short while so that
//! every problem of a large file can be paged through and downloaded after the upload's answer.
//!
//! What is kept is the report the upload already answered to the same session: row numbers,
//! column names and reasons (message ids with their arguments). A reason never repeats a cell's
//! value in full; the few that quote something quote a fragment that is wrong (a character, a
//! date that does not exist, a time that is not one, unknown column names). Nothing is written
//! to disk, and the memory is bounded: a few reports, a limited number of problems in all, each
//! for [`KEEP_FOR`] at most.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use jiff::{SignedDuration, Timestamp};
use vaka_domain::ids::{SessionId, UserId};
use vaka_service::registry::import::ImportReport;

/// How long a report stays after its upload.
pub const KEEP_FOR: SignedDuration = SignedDuration::from_mins(30);
/// Sessions whose report is kept at once (the oldest report gives way).
const MAX_REPORTS: usize = 100;
/// Problems kept in all reports together (about 100 bytes each); a report with more keeps its
/// first ones.
pub const MAX_PROBLEMS: usize = 200_000;

/// A report as kept: its problems perhaps cut at [`MAX_PROBLEMS`].
#[derive(Debug)]
pub struct KeptReport {
    pub report: ImportReport,
    /// How many problems the import found (more than `report.problems` when cut).
    pub problems_found: usize,
    user: UserId,
    at: Timestamp,
}

/// The kept reports, by session.
#[derive(Debug, Default)]
pub struct KeptReports {
    by_session: Mutex<HashMap<SessionId, Arc<KeptReport>>>,
}

impl KeptReports {
    /// Keeps `report` as the session's last one (replacing any before it); answers it as kept.
    pub fn keep(
        &self,
        session: SessionId,
        user: UserId,
        mut report: ImportReport,
        now: Timestamp,
    ) -> Arc<KeptReport> {
        let problems_found = report.problems.len();
        report.problems.truncate(MAX_PROBLEMS);
        report.problems.shrink_to_fit();
        let kept = Arc::new(KeptReport {
            report,
            problems_found,
            user,
            at: now,
        });
        let mut map = self.lock();
        map.remove(&session);
        map.retain(|_, k| now.duration_since(k.at) < KEEP_FOR);
        // Room for the new one: the oldest reports go first.
        let mut held: usize = map.values().map(|k| k.report.problems.len()).sum();
        while !map.is_empty()
            && (map.len() >= MAX_REPORTS || held + kept.report.problems.len() > MAX_PROBLEMS)
        {
            let Some(oldest) = map.iter().min_by_key(|(_, k)| k.at).map(|(s, _)| *s) else {
                break;
            };
            if let Some(k) = map.remove(&oldest) {
                held -= k.report.problems.len();
            }
        }
        map.insert(session, kept.clone());
        kept
    }

    /// The session's last report, if it is still kept and was the same user's.
    pub fn get(&self, session: SessionId, user: UserId, now: Timestamp) -> Option<Arc<KeptReport>> {
        let mut map = self.lock();
        let kept = map.get(&session)?;
        if now.duration_since(kept.at) >= KEEP_FOR {
            map.remove(&session);
            return None;
        }
        (kept.user == user).then(|| kept.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SessionId, Arc<KeptReport>>> {
        // A panic while holding the lock leaves a consistent map (every change is one call).
        self.by_session
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use vaka_domain::reason::ImportReason;
    use vaka_service::registry::import::{ImportKind, ImportMode, ImportOutcome, ImportProblem};

    use super::*;

    fn report(problems: usize) -> ImportReport {
        ImportReport {
            import_id: uuid::Uuid::now_v7(),
            kind: ImportKind::Clients,
            mode: ImportMode::Validate,
            outcome: ImportOutcome::Rejected,
            encoding: None,
            delimiter: None,
            rows_total: 0,
            rows_valid: 0,
            rows_imported: 0,
            problems: (2..)
                .take(problems)
                .map(|n| ImportProblem {
                    row: Some(n),
                    field: Some("name".into()),
                    reason: ImportReason::RowNotChecked.into(),
                })
                .collect(),
        }
    }

    fn t(mins: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + SignedDuration::from_mins(mins)
    }

    #[test]
    fn a_report_is_the_sessions_own_for_half_an_hour() {
        let kept = KeptReports::default();
        let (s, other_s) = (SessionId::new(), SessionId::new());
        let (u, other_u) = (UserId::new(), UserId::new());
        kept.keep(s, u, report(450), t(0));
        assert_eq!(kept.get(s, u, t(29)).unwrap().report.problems.len(), 450);
        assert!(kept.get(other_s, u, t(1)).is_none(), "another session");
        assert!(kept.get(s, other_u, t(1)).is_none(), "another user");
        assert!(kept.get(s, u, t(30)).is_none(), "gone after 30 minutes");
        assert!(kept.get(s, u, t(1)).is_none(), "and forgotten");
        kept.keep(s, u, report(3), t(40));
        kept.keep(s, u, report(2), t(41));
        assert_eq!(
            kept.get(s, u, t(42)).unwrap().report.problems.len(),
            2,
            "the last upload's report"
        );
    }

    #[test]
    fn memory_is_bounded_by_reports_and_problems() {
        let kept = KeptReports::default();
        let u = UserId::new();
        let big = SessionId::new();
        kept.keep(big, u, report(MAX_PROBLEMS + 5), t(0));
        let k = kept.get(big, u, t(0)).unwrap();
        assert_eq!(k.report.problems.len(), MAX_PROBLEMS);
        assert_eq!(k.problems_found, MAX_PROBLEMS + 5);
        // A second report pushes the first (oldest) out: the problems would not fit together.
        let next = SessionId::new();
        kept.keep(next, u, report(10), t(1));
        assert!(kept.get(big, u, t(1)).is_none());
        assert!(kept.get(next, u, t(1)).is_some());
        let sessions: Vec<SessionId> = (0..MAX_REPORTS + 5).map(|_| SessionId::new()).collect();
        for (i, s) in sessions.iter().enumerate() {
            kept.keep(*s, u, report(1), t(2 + i64::try_from(i).unwrap() / 100));
        }
        assert_eq!(kept.lock().len(), MAX_REPORTS);
        assert!(kept.get(*sessions.last().unwrap(), u, t(3)).is_some());
    }
}

//! The purge: one job over every kind of record in the retention table.
//!
//! A run starts with an audited entry naming, per kind, the day before which it removes records
//! and the number of clients under a legal hold (whose records it leaves), and a row in
//! `purge_runs`. It then removes each kind's records in batches of at most [`BATCH`] main
//! records, each batch a transaction of its own sized to hold the writer about [`HOLD`], pausing
//! between them as long as the batch held it ([`pace`]), so that a purge of millions of rows
//! never holds the one writer for long nor more than half the time (the alarm receiver's group
//! commits run in between). It ends with an audited entry of what it removed per kind and table; the same
//! report is kept on the run's row for the preview page. A run stopped half-way (the server
//! stopped) shows as started and not finished; the next run removes the rest.
//!
//! The audit log is purged last, and only with the server's audit key: first the newest entry
//! the purge may remove is recorded as a signed anchor (the entry's sequence number and hash,
//! signed as a checkpoint is), then the entries up to it go. `audit verify` starts the chain
//! from the anchor. Entries from the first one about a held client on are kept.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use vaka_domain::access::{Assignment, Permission};
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::audit_checkpoint::Checkpoint;
use vaka_domain::ids::UserId;
use vaka_domain::reason::RetentionReason;
use vaka_domain::retention::{RecordKind, cutoff_instant};
use vaka_store::retention::{AuditAnchorRecord, Cutoff, PurgeRunRecord};

use super::{RETENTION, RetentionRow};
use crate::door::{Op, Work};
use crate::registry::stockholm;
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// Main records removed per transaction at most (the batch starts smaller and grows while a
/// batch holds the writer for less than [`HOLD`]).
pub const BATCH: i64 = 2_000;

/// Audit entries removed per transaction at most (each is one row).
const AUDIT_BATCH: i64 = 10_000;

/// How long one batch may hold the writer: a group commit of the alarm receiver that queues
/// behind a batch waits this long at most, so the batch's size follows what the machine does
/// in this time (halved after a longer batch, doubled after one under half of it).
const HOLD: std::time::Duration = std::time::Duration::from_millis(10);

/// The next batch's size after one of `size` that held the writer for `held`.
fn next_size(size: i64, held: std::time::Duration, max: i64) -> i64 {
    if held > HOLD {
        (size / 2).max(10)
    } else if held < HOLD / 2 {
        (size * 2).min(max)
    } else {
        size
    }
}

/// The purge's share of the one writer: after a batch that held it for `d`, the purge waits
/// `d` (at least 2 ms, at most a second) before the next, so that the alarm receiver's group
/// commits and everyone else's changes always find the writer free at least half the time.
async fn pace(held: std::time::Duration) {
    let wait = held.clamp(
        std::time::Duration::from_millis(2),
        std::time::Duration::from_secs(1),
    );
    tokio::time::sleep(wait).await;
}

/// What the next purge of one kind removes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindPreview {
    pub kind: RecordKind,
    pub days: u32,
    /// Records of days before this one go.
    pub before: Date,
    /// The kind's main records past it and not held (their own rows go with them).
    pub records: u64,
}

/// What the next purge removes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurgePreview {
    pub kinds: Vec<KindPreview>,
    /// Clients under a legal hold: nothing of theirs goes.
    pub held_clients: u64,
    /// Whether the audit log can be purged (the server's audit key is set).
    pub audit_key: bool,
}

/// What a run removed of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindReport {
    pub kind: String,
    pub days: u32,
    pub before: Date,
    /// Rows removed per table.
    pub removed: BTreeMap<String, u64>,
    /// Why the kind was left (`no_key`: the audit log without the server's audit key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

impl KindReport {
    pub fn total(&self) -> u64 {
        self.removed.values().sum()
    }
}

/// What a run removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeReport {
    pub run: Uuid,
    pub started_at: Timestamp,
    pub finished_at: Timestamp,
    pub held_clients: u64,
    pub kinds: Vec<KindReport>,
}

impl PurgeReport {
    /// Rows removed from `table`.
    pub fn removed_from(&self, table: &str) -> u64 {
        self.kinds.iter().filter_map(|k| k.removed.get(table)).sum()
    }

    /// The kind's part of the report.
    pub fn kind(&self, kind: RecordKind) -> Option<&KindReport> {
        self.kinds.iter().find(|k| k.kind == kind.code())
    }
}

/// A run as the preview page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeRun {
    pub id: Uuid,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    /// `None`: the server's daily job.
    pub started_by: Option<UserId>,
    /// `None` while it runs or when it stopped half-way.
    pub report: Option<PurgeReport>,
}

impl Services {
    /// What a purge now would remove, per kind (the system manager). Counting reads no
    /// personal data; the preview is audited all the same, with its counts.
    pub async fn purge_preview(&self, ctx: &Ctx<'_>) -> ServiceResult<PurgePreview> {
        let today = self.today();
        let now = self.now();
        let op = ctx.op(AuditAction::PurgePreviewed, RETENTION);
        self.door
            .read(op, async |r| {
                let grant =
                    r.any_grant(Permission::RetentionManage, RetentionReason::MayNotManage)?;
                let stored = r.list_retention().await?;
                let rows = self.retention_of(&stored, today);
                let mut kinds = Vec::with_capacity(rows.len());
                for row in rows {
                    let records = r
                        .count_purgeable(row.kind, cutoff(today, &row, now))
                        .await?;
                    kinds.push(KindPreview {
                        kind: row.kind,
                        days: row.days,
                        before: row.purges_before,
                        records,
                    });
                }
                let held_clients = r.list_legal_holds(false).await?.len() as u64;
                let preview = PurgePreview {
                    kinds,
                    held_clients,
                    audit_key: self.anchor_key().is_some(),
                };
                r.succeeded(Some(&grant), |e| {
                    e.subject("retention", "preview")
                        .details(serde_json::to_string(&preview).unwrap_or_default())
                });
                Ok(preview)
            })
            .await
    }

    /// The latest purge runs, newest first (the system manager).
    pub async fn purge_runs(&self, ctx: &Ctx<'_>, limit: i64) -> ServiceResult<Vec<PurgeRun>> {
        let op = ctx.op(AuditAction::PurgePreviewed, RETENTION);
        self.door
            .read(op, async |r| {
                r.any_grant(Permission::RetentionManage, RetentionReason::MayNotManage)?;
                Ok(r.list_purge_runs(limit.clamp(1, 100))
                    .await?
                    .into_iter()
                    .map(|p| PurgeRun {
                        id: p.id,
                        started_at: p.started_at,
                        finished_at: p.finished_at,
                        started_by: p.started_by,
                        report: p.report.and_then(|j| serde_json::from_str(&j).ok()),
                    })
                    .collect())
            })
            .await
    }

    /// Runs the purge now, on the system manager's word.
    pub async fn run_purge(&self, ctx: &Ctx<'_>) -> ServiceResult<PurgeReport> {
        self.purge_as(Some(ctx)).await
    }

    /// Runs the purge as the server's daily job.
    pub async fn purge(&self) -> ServiceResult<PurgeReport> {
        self.purge_as(None).await
    }

    async fn purge_as(&self, ctx: Option<&Ctx<'_>>) -> ServiceResult<PurgeReport> {
        let op = || match ctx {
            Some(c) => c.op(AuditAction::PurgeRun, RETENTION),
            None => Op::system(AuditAction::PurgeRun, RETENTION),
        };
        // One run at a time (the daily job and a manager's run would count each other's rows):
        // in this process, and in a cluster on any node of the database.
        let running = match self.purge_lock.try_lock() {
            Ok(here) => self
                .door
                .purge_run_lock()
                .await?
                .map(|anywhere| (here, anywhere)),
            Err(_) => None,
        };
        let Some(_running) = running else {
            // Authorise first: the refusal of a caller without the right is the one to give.
            self.door
                .read(op(), async |r| {
                    if ctx.is_some() {
                        r.any_grant(Permission::RetentionManage, RetentionReason::MayNotManage)?;
                    }
                    Ok(())
                })
                .await?;
            return Err(ServiceError::Conflict(RetentionReason::PurgeRunning.into()));
        };
        let today = self.today();
        let run = Uuid::now_v7();
        let (rows, held_clients, grant) = self
            .door
            .change(op(), async |w| {
                let grant: Option<Assignment> = match ctx {
                    Some(_) => Some(
                        w.any_grant(Permission::RetentionManage, RetentionReason::MayNotManage)?,
                    ),
                    None => None,
                };
                let stored = w.list_retention().await?;
                let rows = self.retention_of(&stored, today);
                let held = w.list_legal_holds(false).await?.len() as u64;
                let now = w.now();
                w.insert_purge_run(&PurgeRunRecord {
                    id: run,
                    started_at: now,
                    finished_at: None,
                    started_by: ctx.map(|c| c.principal.user_id),
                    report: None,
                })
                .await?;
                let before: BTreeMap<&str, String> = rows
                    .iter()
                    .map(|r| (r.kind.code(), r.purges_before.to_string()))
                    .collect();
                w.succeeded(grant.as_ref(), |e| {
                    e.subject("purge_run", run).details(
                        serde_json::json!({ "phase": "start", "before": before, "held_clients": held })
                            .to_string(),
                    )
                });
                Ok((rows, held, grant))
            })
            .await?;
        let started_at = self.now();
        let mut kinds = Vec::with_capacity(rows.len());
        for row in &rows {
            let cut = cutoff(today, row, self.now());
            let mut removed = BTreeMap::new();
            let mut skipped = None;
            if row.kind == RecordKind::AuditLog {
                match self.anchor_key() {
                    Some(_) => {
                        let n = self.purge_audit_log(&op, cut).await?;
                        removed.insert("audit_log".to_owned(), n);
                    }
                    None => skipped = Some("no_key".to_owned()),
                }
            }
            // The audit log's own rows beside it (emergency accesses) go only when it is purged.
            if skipped.is_none() {
                let mut size = 100;
                loop {
                    let started = std::time::Instant::now();
                    let batch = self
                        .door
                        .change(op(), async |w| {
                            Ok(w.purge_batch(row.kind, cut, size).await?)
                        })
                        .await?;
                    let held = started.elapsed();
                    size = next_size(size, held, BATCH);
                    let n: u64 = batch.iter().map(|r| r.rows).sum();
                    for r in batch {
                        *removed.entry(r.table.to_owned()).or_insert(0) += r.rows;
                    }
                    if n == 0 {
                        break;
                    }
                    pace(held).await;
                }
            }
            kinds.push(KindReport {
                kind: row.kind.code().to_owned(),
                days: row.days,
                before: row.purges_before,
                removed,
                skipped,
            });
        }
        let mut report = PurgeReport {
            run,
            started_at,
            finished_at: self.now(),
            held_clients,
            kinds,
        };
        self.door
            .change(op(), async |w| {
                report.finished_at = w.now();
                let json = serde_json::to_string(&report).unwrap_or_default();
                let now = w.now();
                w.finish_purge_run(run, now, &json).await?;
                w.succeeded(grant.as_ref(), |e| {
                    e.subject("purge_run", run).details(json.clone())
                });
                Ok(())
            })
            .await?;
        if report.removed_from("supervision_tasks") > 0 {
            self.supervision_changed();
        }
        Ok(report)
    }

    /// Anchors the audit log at the newest entry past the cutoff, then removes the entries up
    /// to it. Returns how many went.
    async fn purge_audit_log<'c>(
        &self,
        op: &impl Fn() -> Op<'c>,
        cut: Cutoff,
    ) -> ServiceResult<u64> {
        let Some(key) = self.anchor_key() else {
            return Ok(0);
        };
        let upto = self
            .door
            .change(op(), async |w| {
                let Some((seq, hash)) = w.audit_purge_bound(cut.instant).await? else {
                    return Ok(None);
                };
                let signed = Checkpoint::sign(seq, hash, w.now(), key);
                w.insert_audit_anchor(&AuditAnchorRecord {
                    seq,
                    hash,
                    at: signed.at,
                    key: signed.key,
                    signature: signed.signature,
                })
                .await?;
                let mut e = w.entry(Outcome::Success, None);
                e = e
                    .subject("audit_anchor", seq)
                    .details(serde_json::json!({ "anchor": signed.to_line() }).to_string());
                w.record(e);
                Ok(Some(seq))
            })
            .await?;
        let Some(upto) = upto else {
            return Ok(0);
        };
        let mut total = 0;
        let mut size = 500;
        loop {
            let started = std::time::Instant::now();
            let n = self
                .door
                .change(op(), async |w| Ok(w.purge_audit_batch(upto, size).await?))
                .await?;
            total += n;
            if n == 0 {
                break;
            }
            let held = started.elapsed();
            size = next_size(size, held, AUDIT_BATCH);
            pace(held).await;
        }
        Ok(total)
    }
}

/// A kind's cutoff today: its day, and the start of that day in Stockholm.
fn cutoff(today: Date, row: &RetentionRow, now: Timestamp) -> Cutoff {
    Cutoff {
        date: row.purges_before,
        instant: cutoff_instant(today, row.days, &stockholm()),
        now,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{BATCH, next_size};

    #[test]
    fn a_batch_grows_while_it_is_quick_and_halves_when_it_holds_the_writer_too_long() {
        assert_eq!(next_size(100, Duration::from_millis(1), BATCH), 200);
        assert_eq!(next_size(1_500, Duration::from_millis(1), BATCH), BATCH);
        assert_eq!(next_size(400, Duration::from_millis(7), BATCH), 400);
        assert_eq!(next_size(400, Duration::from_millis(30), BATCH), 200);
        assert_eq!(next_size(12, Duration::from_secs(2), BATCH), 10);
    }
}

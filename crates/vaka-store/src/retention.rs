//! The storage contract of retention (`vaka_domain::retention`): the retention table, legal
//! holds, purge runs, the anchors of a purged audit log, and the purge itself.
//!
//! A purge removes old records in batches: each call of [`RetentionWrite::purge_batch`] removes
//! at most `limit` of a kind's main records (with the rows that belong to them) in the caller's
//! transaction, so that a purge of millions of rows never holds the one writer for long (the
//! alarm receiver's group commits run between batches). Every statement leaves out the
//! records of clients under a legal hold.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use uuid::Uuid;
use vaka_domain::ids::{ClientId, UserId};
use vaka_domain::retention::RecordKind;

use crate::StoreResult;

/// Where a kind's purge stops: records of days before `date`, or stamped before `instant`
/// (the start of `date` in Stockholm).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoff {
    pub date: Date,
    pub instant: Timestamp,
    /// When the purge runs: the stamp of what it changes rather than removes (a pseudonymised
    /// account).
    pub now: Timestamp,
}

/// A legal hold as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalHoldRecord {
    pub id: Uuid,
    pub client_id: ClientId,
    pub reason: String,
    pub placed_at: Timestamp,
    pub placed_by: UserId,
    pub lifted_at: Option<Timestamp>,
    pub lifted_by: Option<UserId>,
}

/// A purge run as stored; `report` is the JSON of what it removed (`None` while it runs, or
/// when it stopped before its end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeRunRecord {
    pub id: Uuid,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    pub started_by: Option<UserId>,
    pub report: Option<String>,
}

/// Where a purged audit log's chain starts: the last purged entry, signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditAnchorRecord {
    pub seq: u64,
    pub hash: [u8; 32],
    pub at: Timestamp,
    pub key: [u8; 32],
    pub signature: [u8; 64],
}

/// Rows removed from one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Removed {
    pub table: &'static str,
    pub rows: u64,
}

#[async_trait]
pub trait RetentionRead: Send {
    /// The retention table as set (kinds without a row keep their default).
    async fn list_retention(&mut self) -> StoreResult<Vec<(RecordKind, u32)>>;
    /// The legal holds in force, or every hold ever placed when `all`.
    async fn list_legal_holds(&mut self, all: bool) -> StoreResult<Vec<LegalHoldRecord>>;
    /// The hold in force on a client, if any.
    async fn legal_hold_in_force(
        &mut self,
        client: ClientId,
    ) -> StoreResult<Option<LegalHoldRecord>>;
    /// How many of a kind's main records are past `cutoff` and not held (what the next purge
    /// of the kind removes, before the rows that belong to them).
    async fn count_purgeable(&mut self, kind: RecordKind, cutoff: Cutoff) -> StoreResult<u64>;
    /// The newest purge runs first.
    async fn list_purge_runs(&mut self, limit: i64) -> StoreResult<Vec<PurgeRunRecord>>;
    /// The newest anchor of the audit log, if it was ever purged.
    async fn latest_audit_anchor(&mut self) -> StoreResult<Option<AuditAnchorRecord>>;
    /// Whether the purge has pseudonymised the account.
    async fn account_pseudonymised(&mut self, user: UserId) -> StoreResult<bool>;
    /// The last audit entry a purge up to `before` may remove, with its hash: the newest entry
    /// stamped before `before`, but none from the first entry about a held client on.
    async fn audit_purge_bound(
        &mut self,
        before: Timestamp,
    ) -> StoreResult<Option<(u64, [u8; 32])>>;
}

#[async_trait]
pub trait RetentionWrite: Send {
    async fn set_retention(
        &mut self,
        kind: RecordKind,
        days: u32,
        at: Timestamp,
        by: Option<UserId>,
    ) -> StoreResult<()>;
    async fn insert_legal_hold(&mut self, hold: &LegalHoldRecord) -> StoreResult<()>;
    /// Lifts the hold in force on `client`; false when none is.
    async fn lift_legal_hold(
        &mut self,
        client: ClientId,
        at: Timestamp,
        by: UserId,
    ) -> StoreResult<bool>;
    /// Removes at most `limit` of a kind's main records past `cutoff` (not held), with the rows
    /// that belong to them. Returns the rows removed per table; all zero when none is left.
    async fn purge_batch(
        &mut self,
        kind: RecordKind,
        cutoff: Cutoff,
        limit: i64,
    ) -> StoreResult<Vec<Removed>>;
    async fn insert_audit_anchor(&mut self, anchor: &AuditAnchorRecord) -> StoreResult<()>;
    /// Removes at most `limit` of the oldest audit entries up to `upto` (which an anchor must
    /// cover). Returns how many went.
    async fn purge_audit_batch(&mut self, upto: u64, limit: i64) -> StoreResult<u64>;
    async fn insert_purge_run(&mut self, run: &PurgeRunRecord) -> StoreResult<()>;
    async fn finish_purge_run(&mut self, id: Uuid, at: Timestamp, report: &str) -> StoreResult<()>;
}

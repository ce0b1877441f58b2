//! Log reviews (loggranskning) and their entries, and the access entries a review is picked
//! from (`vaka_domain::log_review`).

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use vaka_domain::access::Role;
use vaka_domain::audit::{AuditFlags, Outcome};
use vaka_domain::ids::{ClientId, LogReviewId, UnitId, UserId};
use vaka_domain::log_review::{ReviewKind, ReviewMark, ReviewRule};

use crate::{DbInstant, StoreResult};

/// An access entry a review may hold, with the names the same-surname rule compares (in
/// memory only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRow {
    pub seq: u64,
    pub at: Timestamp,
    pub actor: UserId,
    pub actor_role: Option<Role>,
    pub actor_unit: Option<UnitId>,
    pub actor_name: String,
    pub client: ClientId,
    pub client_unit: Option<UnitId>,
    pub client_name: String,
    pub flags: AuditFlags,
}

/// Which access entries to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessFilter {
    /// Accesses to the clients a unit serves, and accesses through a grant for the unit.
    Unit(UnitId),
    /// Accesses by one user.
    User(UserId),
    /// Accesses to one client.
    Client(ClientId),
}

/// A review as stored, with its entries counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogReviewRecord {
    pub id: LogReviewId,
    pub kind: ReviewKind,
    pub unit_id: Option<UnitId>,
    pub period_from: Date,
    /// The first day after the period.
    pub period_to: Date,
    pub subject_user: Option<UserId>,
    pub subject_client: Option<ClientId>,
    pub reason: Option<String>,
    pub seed: i64,
    pub created_by: Option<UserId>,
    pub created_at: Timestamp,
    pub due_on: Date,
    pub signed_by: Option<UserId>,
    pub signed_at: Option<Timestamp>,
    pub escalated_at: Option<Timestamp>,
    /// Counted when read (zero on insert).
    pub entries: u64,
    pub marked: u64,
    pub follow_ups: u64,
}

/// An entry of a review as the reviewer sees it: the audit entry it points at (gone when the
/// log was purged), the names read with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogReviewEntryRecord {
    pub seq: u64,
    pub rules: Vec<ReviewRule>,
    pub distinct_clients: Option<u32>,
    pub mark: Option<ReviewMark>,
    pub note: Option<String>,
    pub marked_at: Option<Timestamp>,
    pub at: Option<Timestamp>,
    pub actor_username: Option<String>,
    pub actor_name: Option<String>,
    pub actor_role: Option<Role>,
    pub action: Option<String>,
    pub outcome: Option<Outcome>,
    pub care_context: Option<String>,
    pub flags: AuditFlags,
    pub client_id: Option<ClientId>,
    pub client_name: Option<String>,
    pub client_identity: Option<String>,
    pub client_protected: bool,
}

/// An entry to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLogReviewEntry {
    pub seq: u64,
    pub rules: Vec<ReviewRule>,
    pub distinct_clients: Option<u32>,
}

#[async_trait]
pub trait LogReviewRead: Send {
    /// The access entries (with a user and a client) from `from` until before `to`, along the
    /// log's time index (or its actor or client index), at most `limit`.
    async fn access_entries(
        &mut self,
        from: DbInstant,
        to: DbInstant,
        filter: AccessFilter,
        limit: i64,
    ) -> StoreResult<Vec<AccessRow>>;
    /// Every review, newest period first (a dozen a unit a year).
    async fn list_log_reviews(&mut self) -> StoreResult<Vec<LogReviewRecord>>;
    async fn get_log_review(&mut self, id: LogReviewId) -> StoreResult<Option<LogReviewRecord>>;
    /// Whether the monthly review of `unit` for the month starting `from` exists.
    async fn monthly_log_review_exists(&mut self, unit: UnitId, from: Date) -> StoreResult<bool>;
    /// A review's entries in the log's order, with what they point at.
    async fn list_log_review_entries(
        &mut self,
        id: LogReviewId,
    ) -> StoreResult<Vec<LogReviewEntryRecord>>;
    /// The active users holding `role` (for a unit, or anywhere): id and display name.
    async fn users_with_role(
        &mut self,
        role: Role,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<(UserId, String)>>;
}

#[async_trait]
pub trait LogReviewWrite: LogReviewRead {
    async fn insert_log_review(
        &mut self,
        r: &LogReviewRecord,
        entries: &[NewLogReviewEntry],
    ) -> StoreResult<()>;
    /// Marks an entry of an unsigned review; false when there is no such entry.
    async fn mark_log_review_entry(
        &mut self,
        id: LogReviewId,
        seq: u64,
        mark: ReviewMark,
        note: Option<&str>,
        by: UserId,
        at: DbInstant,
    ) -> StoreResult<bool>;
    /// Signs a review off; false when it was signed before.
    async fn sign_log_review(
        &mut self,
        id: LogReviewId,
        by: UserId,
        at: DbInstant,
    ) -> StoreResult<bool>;
    /// Records that a review was escalated.
    async fn escalate_log_review(&mut self, id: LogReviewId, at: DbInstant) -> StoreResult<()>;
}

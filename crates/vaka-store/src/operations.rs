//! The operating routines' records (planned-downtime notices and their acknowledgements,
//! outage reports) and their narrow read and write traits.

use async_trait::async_trait;
use jiff::Timestamp;
use vaka_domain::ids::{DowntimeNoticeId, OrganisationId, OutageReportId, UserId};
use vaka_domain::operations::contacts::ContactKind;
use vaka_domain::operations::outage::{OutageRoute, OutageStatus};

use crate::{DbInstant, StoreResult};

/// A planned-downtime notice as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DowntimeNoticeRecord {
    pub id: DowntimeNoticeId,
    /// What is down (one line).
    pub title: String,
    /// What users should do meanwhile.
    pub details: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub published_by: UserId,
    pub published_at: Timestamp,
    pub cancelled_by: Option<UserId>,
    pub cancelled_at: Option<Timestamp>,
    /// The organisations it concerns; empty: every provider and alarm centre.
    pub organisations: Vec<OrganisationId>,
}

/// One organisation's acknowledgement of a notice, by its contact person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DowntimeAckRecord {
    pub notice_id: DowntimeNoticeId,
    pub organisation_id: OrganisationId,
    pub user_id: UserId,
    /// The user's display name (read with the row).
    pub user_name: String,
    pub acknowledged_at: Timestamp,
}

/// An unplanned outage report as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutageReportRecord {
    pub id: OutageReportId,
    /// What does not work (free text, no client data).
    pub what: String,
    pub reported_by: UserId,
    /// The reporter's display name (read with the row).
    pub reporter_name: String,
    /// The reporter's organisation.
    pub organisation_id: OrganisationId,
    pub reported_at: Timestamp,
    pub route: OutageRoute,
    pub status: OutageStatus,
    pub resolved_by: Option<UserId>,
    pub resolved_at: Option<Timestamp>,
    pub resolution: Option<String>,
}

/// One of an organisation's contact persons, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    pub organisation_id: OrganisationId,
    pub kind: ContactKind,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub confirmed_by: UserId,
    pub confirmed_at: Timestamp,
}

#[async_trait]
pub trait OperationsRead: Send {
    /// Every organisation's contact persons (all of them: a handful per provider).
    async fn list_contacts(&mut self) -> StoreResult<Vec<ContactRecord>>;
    /// The notices whose downtime ends at or after `since`, cancelled ones too, by start.
    async fn list_downtime_notices(
        &mut self,
        since: DbInstant,
    ) -> StoreResult<Vec<DowntimeNoticeRecord>>;
    async fn get_downtime_notice(
        &mut self,
        id: DowntimeNoticeId,
    ) -> StoreResult<Option<DowntimeNoticeRecord>>;
    /// The acknowledgements of the notices whose downtime ends at or after `since`.
    async fn list_downtime_acks(&mut self, since: DbInstant)
    -> StoreResult<Vec<DowntimeAckRecord>>;
    /// Open outage reports, and those resolved at or after `since`, newest first.
    async fn list_outage_reports(
        &mut self,
        since: DbInstant,
    ) -> StoreResult<Vec<OutageReportRecord>>;
    async fn get_outage_report(
        &mut self,
        id: OutageReportId,
    ) -> StoreResult<Option<OutageReportRecord>>;
}

#[async_trait]
pub trait OperationsWrite: OperationsRead {
    /// Inserts a notice with the organisations it concerns.
    async fn insert_downtime_notice(&mut self, n: &DowntimeNoticeRecord) -> StoreResult<()>;
    /// Marks a notice cancelled (no change when it was before).
    async fn cancel_downtime_notice(
        &mut self,
        id: DowntimeNoticeId,
        by: UserId,
        at: DbInstant,
    ) -> StoreResult<()>;
    /// Records an organisation's acknowledgement; false when it had acknowledged before.
    async fn insert_downtime_ack(
        &mut self,
        notice: DowntimeNoticeId,
        organisation: OrganisationId,
        user: UserId,
        at: DbInstant,
    ) -> StoreResult<bool>;
    async fn insert_outage_report(&mut self, r: &OutageReportRecord) -> StoreResult<()>;
    /// Marks an open report resolved; false when it was not open.
    async fn resolve_outage_report(
        &mut self,
        id: OutageReportId,
        by: UserId,
        at: DbInstant,
        resolution: &str,
    ) -> StoreResult<bool>;
    /// Names (or replaces) an organisation's contact of a kind.
    async fn upsert_contact(&mut self, c: &ContactRecord) -> StoreResult<()>;
    /// Confirms a named contact as current; false when none is named.
    async fn confirm_contact(
        &mut self,
        organisation: OrganisationId,
        kind: ContactKind,
        by: UserId,
        at: DbInstant,
    ) -> StoreResult<bool>;
}

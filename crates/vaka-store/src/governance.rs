//! The management plan's records (governance roles, supplier contracts, the classification,
//! the activity plan's duties and sign-offs, incident and fault reports) and their narrow read
//! and write traits.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use vaka_domain::governance::{
    Classification, FaultStatus, GovernanceRole, IncidentKind, IncidentStatus, InformationType,
    Schedule,
};
use vaka_domain::ids::{
    ContractId, DutyId, FaultReportId, GovernanceAssignmentId, IncidentId, UserId,
};

use crate::{DbDate, DbInstant, StoreResult};

/// A user's assignment to a governance role, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GovernanceAssignmentRecord {
    pub id: GovernanceAssignmentId,
    pub role: GovernanceRole,
    pub user_id: UserId,
    /// The holder's display name (read with the row).
    pub user_name: String,
    pub from: Date,
    pub until: Option<Date>,
    pub assigned_by: Option<UserId>,
    pub assigned_at: Timestamp,
}

/// A supplier contract with its SLA, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractRecord {
    pub id: ContractId,
    pub supplier: String,
    /// What the contract covers ("Drift- och underhållsavtal").
    pub subject: String,
    /// The registry number (diarienummer), maybe empty.
    pub reference: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub notice_months: u8,
    /// The SLA's availability target, per mille.
    pub availability: Option<u16>,
    /// The SLA's response and resolution times, as agreed (free text).
    pub response_terms: String,
    pub next_follow_up: Date,
    pub followed_up_at: Option<Timestamp>,
    pub follow_up_note: Option<String>,
    pub saved_by: Option<UserId>,
    pub saved_at: Timestamp,
}

/// One information type's classification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassificationRecord {
    pub info_type: InformationType,
    pub classification: Classification,
    /// None: the default from the migration.
    pub set_at: Option<Timestamp>,
}

/// A duty of the activity plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyRecord {
    pub id: DutyId,
    /// A stable name (`log_review`, …): the pages word it by this code.
    pub code: String,
    pub schedule: Schedule,
    pub responsible: GovernanceRole,
    /// The first day an occurrence can fall due.
    pub starts_on: Date,
}

/// A duty signed off for one due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOffRecord {
    pub duty_id: DutyId,
    pub due_on: Date,
    pub signed_by: UserId,
    pub signer_name: String,
    pub signed_at: Timestamp,
    pub note: String,
}

/// An incident report, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentRecord {
    pub id: IncidentId,
    pub kind: IncidentKind,
    pub what: String,
    pub occurred_at: Timestamp,
    pub reported_by: UserId,
    pub reporter_name: String,
    pub reported_at: Timestamp,
    pub status: IncidentStatus,
    pub investigating_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
}

/// A status step of an incident with its note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentStepRecord {
    pub incident_id: IncidentId,
    pub status: IncidentStatus,
    pub at: Timestamp,
    pub by: UserId,
    pub by_name: String,
    pub note: String,
}

/// A fault report to a supplier, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRecord {
    pub id: FaultReportId,
    pub contract_id: ContractId,
    /// The contract's supplier (read with the row).
    pub supplier: String,
    pub what: String,
    pub reported_by: UserId,
    pub reporter_name: String,
    pub reported_at: Timestamp,
    pub status: FaultStatus,
    /// The supplier's case number, once they gave one.
    pub supplier_ref: String,
    pub acknowledged_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
    pub resolution: String,
}

#[async_trait]
pub trait GovernanceRead: Send {
    /// Every assignment (ended ones too), by role and start.
    async fn list_governance_assignments(&mut self)
    -> StoreResult<Vec<GovernanceAssignmentRecord>>;
    async fn get_governance_assignment(
        &mut self,
        id: GovernanceAssignmentId,
    ) -> StoreResult<Option<GovernanceAssignmentRecord>>;
    /// Every contract, by supplier and start.
    async fn list_contracts(&mut self) -> StoreResult<Vec<ContractRecord>>;
    async fn get_contract(&mut self, id: ContractId) -> StoreResult<Option<ContractRecord>>;
    /// The classification of every type stored (types a newer release added are left out).
    async fn list_classifications(&mut self) -> StoreResult<Vec<ClassificationRecord>>;
    async fn list_duties(&mut self) -> StoreResult<Vec<DutyRecord>>;
    async fn get_duty(&mut self, id: DutyId) -> StoreResult<Option<DutyRecord>>;
    /// The sign-offs of occurrences due on or after `since`.
    async fn list_sign_offs(&mut self, since: DbDate) -> StoreResult<Vec<SignOffRecord>>;
    /// Every incident report, newest first.
    async fn list_incidents(&mut self) -> StoreResult<Vec<IncidentRecord>>;
    async fn get_incident(&mut self, id: IncidentId) -> StoreResult<Option<IncidentRecord>>;
    /// Every step of every incident, in time order.
    async fn list_incident_steps(&mut self) -> StoreResult<Vec<IncidentStepRecord>>;
    /// Every fault report, newest first.
    async fn list_fault_reports(&mut self) -> StoreResult<Vec<FaultRecord>>;
    async fn get_fault_report(&mut self, id: FaultReportId) -> StoreResult<Option<FaultRecord>>;
}

#[async_trait]
pub trait GovernanceWrite: GovernanceRead {
    async fn insert_governance_assignment(
        &mut self,
        a: &GovernanceAssignmentRecord,
    ) -> StoreResult<()>;
    /// Ends an assignment on `until`; false when it had ended before.
    async fn end_governance_assignment(
        &mut self,
        id: GovernanceAssignmentId,
        until: DbDate,
        by: UserId,
        at: DbInstant,
    ) -> StoreResult<bool>;
    /// Inserts a contract, or replaces the one of the same id.
    async fn upsert_contract(&mut self, c: &ContractRecord) -> StoreResult<()>;
    /// Records a contract's yearly follow-up and moves the next one.
    async fn follow_up_contract(
        &mut self,
        id: ContractId,
        next: DbDate,
        by: UserId,
        at: DbInstant,
        note: &str,
    ) -> StoreResult<bool>;
    async fn set_classification(
        &mut self,
        info_type: InformationType,
        c: &Classification,
        by: UserId,
        at: DbInstant,
    ) -> StoreResult<()>;
    /// Changes a duty's schedule, responsible role and first day.
    async fn update_duty(&mut self, d: &DutyRecord) -> StoreResult<bool>;
    /// Signs a duty off for a due date; false when it was before.
    async fn insert_sign_off(&mut self, s: &SignOffRecord) -> StoreResult<bool>;
    async fn insert_incident(&mut self, i: &IncidentRecord) -> StoreResult<()>;
    /// Moves an incident from `from` to `step.status`, recording the step; false when its
    /// status was no longer `from`.
    async fn step_incident(
        &mut self,
        from: IncidentStatus,
        step: &IncidentStepRecord,
    ) -> StoreResult<bool>;
    async fn insert_fault_report(&mut self, f: &FaultRecord) -> StoreResult<()>;
    /// Writes a fault report's new status, reference, times and resolution when its status
    /// was still `from`; false otherwise.
    async fn update_fault_report(
        &mut self,
        from: FaultStatus,
        f: &FaultRecord,
    ) -> StoreResult<bool>;
}

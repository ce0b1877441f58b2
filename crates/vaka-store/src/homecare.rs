//! The storage contract of home care: granted tasks, visit plans, visits with the outbox
//! records that made them, corrections, the week's confirmation and approval, lock dates.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use uuid::Uuid;
use vaka_domain::homecare::plan::{VisitPlan, parse_weekdays};
use vaka_domain::homecare::visit::{
    Correction, CorrectionField, CorrectionReason, Evidence, EvidenceKind, ManualReason, Stamp,
    Visit, VisitKind,
};
use vaka_domain::homecare::{GrantedTask, parse_tasks};
use vaka_domain::ids::{
    ClientId, CorrectionId, DecisionId, DeviceId, OrganisationId, UnitId, UserId, VisitId,
    VisitPlanId, VisitRecordId,
};

use crate::{DbDate, DbInstant, StoreError, StoreResult};

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::corrupt(what.to_string())
}

fn code<T>(parsed: Option<T>, what: &str, raw: &str) -> StoreResult<T> {
    parsed.ok_or_else(|| corrupt(format!("unknown {what} {raw:?}")))
}

/// A local time as stored: `HH:MM`.
pub fn time_to_text(t: Time) -> String {
    t.strftime("%H:%M").to_string()
}

fn time_from_text(s: &str) -> StoreResult<Time> {
    s.parse::<Time>()
        .map_err(|e| corrupt(format!("time {s:?}: {e}")))
}

/// One stored record of a staff app's outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRecord {
    pub id: VisitRecordId,
    pub visit_id: VisitId,
    /// The app installation that sent it.
    pub device: String,
    pub seq: i64,
    /// `visit_start`, `visit_end`, `visit_tasks`, `visit_note`.
    pub kind: String,
    pub device_time: Timestamp,
    pub received_at: Timestamp,
    pub worker: UserId,
}

/// A visit's window as the key rule reads it (`vaka_domain::keys`): a planned visit's window
/// with its visit's start and end if it has one, or a visit beside the plan from its start to
/// its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitWindowRow {
    pub visit_id: Option<VisitId>,
    pub plan_id: Option<VisitPlanId>,
    pub from: Timestamp,
    pub to: Timestamp,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
}

/// What the visit windows need of one of the user's visits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitBrief {
    pub id: VisitId,
    pub plan_id: Option<VisitPlanId>,
    pub date: Date,
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
}

/// The windows of the user's visits to one client on the days `first..=last`: each planned
/// visit of `plans` with the user's visit of that plan and day (from `visits`, the user's own)
/// if there is one, then the user's visits that no planned visit took, from their start to
/// their end; in the order the windows open.
pub fn visit_windows(
    plans: &[VisitPlan],
    visits: &[VisitBrief],
    first: Date,
    last: Date,
    tz: &jiff::tz::TimeZone,
) -> Vec<VisitWindowRow> {
    let mut out = Vec::new();
    let mut used: Vec<VisitId> = Vec::new();
    let mut day = first;
    while day <= last {
        for p in plans {
            let Some(pv) = vaka_domain::homecare::plan::plan_visit(p, day, tz) else {
                continue;
            };
            let visit = visits
                .iter()
                .find(|v| v.plan_id == Some(p.id) && v.date == day);
            if let Some(v) = visit {
                used.push(v.id);
            }
            out.push(VisitWindowRow {
                visit_id: visit.map(|v| v.id),
                plan_id: Some(p.id),
                from: pv.from,
                to: pv.to,
                started_at: visit.map(|v| v.started_at),
                ended_at: visit.and_then(|v| v.ended_at),
            });
        }
        let Ok(next) = day.tomorrow() else {
            break;
        };
        day = next;
    }
    for v in visits {
        if used.contains(&v.id) {
            continue;
        }
        out.push(VisitWindowRow {
            visit_id: Some(v.id),
            plan_id: v.plan_id,
            from: v.started_at,
            to: v.ended_at.unwrap_or(v.started_at),
            started_at: Some(v.started_at),
            ended_at: v.ended_at,
        });
    }
    out.sort_by_key(|w| w.from);
    out
}

/// A week's approval of a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekApproval {
    pub unit_id: UnitId,
    pub week_start: Date,
    pub approved_by: UserId,
    pub approved_at: Timestamp,
}

/// A provider's lock date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockDate {
    pub organisation_id: OrganisationId,
    pub locked_through: Date,
    pub set_by: UserId,
    pub set_at: Timestamp,
}

/// Reads of home care.
#[async_trait]
pub trait HomecareRead: Send {
    /// The tasks a home-care decision grants.
    async fn list_decision_tasks(&mut self, decision: DecisionId) -> StoreResult<Vec<GrantedTask>>;

    async fn get_visit_plan(&mut self, id: VisitPlanId) -> StoreResult<Option<VisitPlan>>;

    async fn list_visit_plans_for_client(
        &mut self,
        client: ClientId,
    ) -> StoreResult<Vec<VisitPlan>>;

    /// The plans a unit carries out that hold on `day` (their weekdays aside).
    async fn list_visit_plans_for_unit(
        &mut self,
        unit: UnitId,
        day: Date,
    ) -> StoreResult<Vec<VisitPlan>>;

    async fn get_visit(&mut self, id: VisitId) -> StoreResult<Option<Visit>>;

    /// A unit's visits dated `from..=to`, by start.
    async fn list_visits_for_unit(
        &mut self,
        unit: UnitId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Visit>>;

    /// A client's visits dated `from..=to`, by start.
    async fn list_visits_for_client(
        &mut self,
        client: ClientId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Visit>>;

    /// A worker's visits dated `from..=to`, by start.
    async fn list_visits_for_worker(
        &mut self,
        worker: UserId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Visit>>;

    /// The visit of this plan on this day, if one was registered.
    async fn find_planned_visit(
        &mut self,
        plan: VisitPlanId,
        day: Date,
    ) -> StoreResult<Option<Visit>>;

    /// A stored outbox record (to recognise a record synced again).
    async fn get_visit_record(&mut self, id: VisitRecordId) -> StoreResult<Option<VisitRecord>>;

    /// A visit's corrections, oldest first.
    async fn list_corrections(&mut self, visit: VisitId) -> StoreResult<Vec<Correction>>;

    /// Corrections of a client's visits dated `from..=to` (for the client's trail).
    async fn list_corrections_for_client(
        &mut self,
        client: ClientId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Correction>>;

    async fn get_lock_date(&mut self, org: OrganisationId) -> StoreResult<Option<LockDate>>;

    async fn get_week_confirmation(
        &mut self,
        worker: UserId,
        week_start: Date,
    ) -> StoreResult<Option<Timestamp>>;

    async fn get_week_approval(
        &mut self,
        unit: UnitId,
        week_start: Date,
    ) -> StoreResult<Option<WeekApproval>>;

    /// For the key rule (`vaka_domain::keys`): the user's windows at a client around
    /// `around` — the planned visits of the client's plans carried out by a unit the user holds
    /// a role in, the day before to the day after, each with its visit if one was registered,
    /// and the user's own visits to the client beside them (started within a day of
    /// `around`, or still open).
    async fn list_visit_windows(
        &mut self,
        user: UserId,
        client: ClientId,
        around: Timestamp,
    ) -> StoreResult<Vec<VisitWindowRow>>;
}

/// Changes to home care.
#[async_trait]
pub trait HomecareWrite: Send {
    /// Replaces the tasks a decision grants.
    async fn set_decision_tasks(
        &mut self,
        decision: DecisionId,
        tasks: &[GrantedTask],
    ) -> StoreResult<()>;

    async fn insert_visit_plan(&mut self, p: &VisitPlan) -> StoreResult<()>;

    async fn end_visit_plan(&mut self, id: VisitPlanId, on: DbDate) -> StoreResult<()>;

    async fn insert_visit(&mut self, v: &Visit) -> StoreResult<()>;

    /// Writes a visit's changeable parts: its end, tasks, note, times and the corrected mark.
    async fn update_visit(&mut self, v: &Visit) -> StoreResult<()>;

    async fn insert_visit_record(&mut self, r: &VisitRecord) -> StoreResult<()>;

    async fn insert_correction(&mut self, c: &Correction) -> StoreResult<()>;

    /// Records a worker's confirmation of a week (again: the time is moved).
    async fn confirm_week(
        &mut self,
        worker: UserId,
        week_start: DbDate,
        at: DbInstant,
    ) -> StoreResult<()>;

    async fn insert_week_approval(&mut self, a: &WeekApproval) -> StoreResult<()>;

    async fn set_lock_date(&mut self, l: &LockDate) -> StoreResult<()>;
}

#[derive(Debug)]
pub struct DecisionTaskRow {
    pub task: String,
    pub minutes: i64,
    pub per: String,
}

impl TryFrom<DecisionTaskRow> for GrantedTask {
    type Error = StoreError;
    fn try_from(r: DecisionTaskRow) -> StoreResult<Self> {
        use vaka_domain::homecare::{CareTask, GrantPeriod};
        Ok(GrantedTask {
            task: code(CareTask::from_code(&r.task), "care task", &r.task)?,
            minutes: u32::try_from(r.minutes).map_err(|_| corrupt("granted minutes"))?,
            per: code(GrantPeriod::from_code(&r.per), "grant period", &r.per)?,
        })
    }
}

#[derive(Debug)]
pub struct VisitPlanRow {
    pub id: Uuid,
    pub client_id: Uuid,
    pub decision_id: Uuid,
    pub unit_id: Uuid,
    pub weekdays: String,
    pub window_from: String,
    pub window_to: String,
    pub tasks: String,
    pub expected_minutes: i64,
    pub valid_from: DbDate,
    pub valid_to: Option<DbDate>,
    pub ended_on: Option<DbDate>,
    pub created_by: Uuid,
    pub created_at: DbInstant,
}

impl TryFrom<VisitPlanRow> for VisitPlan {
    type Error = StoreError;
    fn try_from(r: VisitPlanRow) -> StoreResult<Self> {
        Ok(VisitPlan {
            id: VisitPlanId(r.id),
            client_id: ClientId(r.client_id),
            decision_id: DecisionId(r.decision_id),
            unit_id: UnitId(r.unit_id),
            weekdays: parse_weekdays("weekdays", &r.weekdays)
                .map_err(|_| corrupt(format!("weekdays {:?}", r.weekdays)))?,
            from: time_from_text(&r.window_from)?,
            to: time_from_text(&r.window_to)?,
            tasks: parse_tasks("tasks", &r.tasks)
                .map_err(|_| corrupt(format!("tasks {:?}", r.tasks)))?,
            expected_minutes: u32::try_from(r.expected_minutes)
                .map_err(|_| corrupt("expected minutes"))?,
            valid_from: r.valid_from.0,
            valid_to: r.valid_to.map(|d| d.0),
            created_by: UserId(r.created_by),
            created_at: r.created_at.0,
            ended_on: r.ended_on.map(|d| d.0),
        })
    }
}

#[derive(Debug)]
pub struct VisitRow {
    pub id: Uuid,
    pub client_id: Uuid,
    pub unit_id: Uuid,
    pub worker: Uuid,
    pub plan_id: Option<Uuid>,
    pub visit_date: DbDate,
    pub kind: String,
    pub started_at: DbInstant,
    pub start_device_time: DbInstant,
    pub start_received_at: DbInstant,
    pub start_evidence: String,
    pub start_tag: Option<Uuid>,
    pub start_manual_reason: Option<String>,
    pub start_late: bool,
    pub start_skew: bool,
    pub ended_at: Option<DbInstant>,
    pub end_device_time: Option<DbInstant>,
    pub end_received_at: Option<DbInstant>,
    pub end_evidence: Option<String>,
    pub end_tag: Option<Uuid>,
    pub end_manual_reason: Option<String>,
    pub end_late: bool,
    pub end_skew: bool,
    pub tasks_done: String,
    pub note: Option<String>,
    pub corrected: bool,
    pub created_at: DbInstant,
}

fn evidence(kind: &str, tag: Option<Uuid>, manual: Option<&str>) -> StoreResult<Evidence> {
    let k = code(EvidenceKind::from_code(kind), "evidence", kind)?;
    let m = manual
        .map(|m| code(ManualReason::from_code(m), "manual reason", m))
        .transpose()?;
    Evidence::from_parts(k, tag.map(DeviceId), m)
        .ok_or_else(|| corrupt(format!("evidence {kind:?} without its tag or reason")))
}

impl TryFrom<VisitRow> for Visit {
    type Error = StoreError;
    fn try_from(r: VisitRow) -> StoreResult<Self> {
        let start = Stamp {
            at: r.started_at.0,
            device_time: r.start_device_time.0,
            received_at: r.start_received_at.0,
            evidence: evidence(
                &r.start_evidence,
                r.start_tag,
                r.start_manual_reason.as_deref(),
            )?,
            late_sync: r.start_late,
            clock_skew: r.start_skew,
        };
        let end = match (
            r.ended_at,
            r.end_device_time,
            r.end_received_at,
            r.end_evidence,
        ) {
            (Some(at), Some(d), Some(rcv), Some(ev)) => Some(Stamp {
                at: at.0,
                device_time: d.0,
                received_at: rcv.0,
                evidence: evidence(&ev, r.end_tag, r.end_manual_reason.as_deref())?,
                late_sync: r.end_late,
                clock_skew: r.end_skew,
            }),
            (None, _, _, _) => None,
            _ => return Err(corrupt("a visit's end without its times or evidence")),
        };
        Ok(Visit {
            id: VisitId(r.id),
            client_id: ClientId(r.client_id),
            unit_id: UnitId(r.unit_id),
            worker: UserId(r.worker),
            plan_id: r.plan_id.map(VisitPlanId),
            date: r.visit_date.0,
            kind: code(VisitKind::from_code(&r.kind), "visit kind", &r.kind)?,
            start,
            end,
            tasks_done: parse_tasks("tasks_done", &r.tasks_done)
                .map_err(|_| corrupt(format!("tasks {:?}", r.tasks_done)))?,
            note: r.note,
            corrected: r.corrected,
            created_at: r.created_at.0,
        })
    }
}

#[derive(Debug)]
pub struct VisitRecordRow {
    pub id: Uuid,
    pub visit_id: Uuid,
    pub device: String,
    pub seq: i64,
    pub kind: String,
    pub device_time: DbInstant,
    pub received_at: DbInstant,
    pub worker: Uuid,
}

impl TryFrom<VisitRecordRow> for VisitRecord {
    type Error = StoreError;
    fn try_from(r: VisitRecordRow) -> StoreResult<Self> {
        Ok(VisitRecord {
            id: VisitRecordId(r.id),
            visit_id: VisitId(r.visit_id),
            device: r.device,
            seq: r.seq,
            kind: r.kind,
            device_time: r.device_time.0,
            received_at: r.received_at.0,
            worker: UserId(r.worker),
        })
    }
}

#[derive(Debug)]
pub struct CorrectionRow {
    pub id: Uuid,
    pub visit_id: Uuid,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: String,
    pub text: String,
    pub corrected_by: Uuid,
    pub corrected_at: DbInstant,
}

impl TryFrom<CorrectionRow> for Correction {
    type Error = StoreError;
    fn try_from(r: CorrectionRow) -> StoreResult<Self> {
        Ok(Correction {
            id: CorrectionId(r.id),
            visit_id: VisitId(r.visit_id),
            field: code(CorrectionField::from_code(&r.field), "field", &r.field)?,
            old_value: r.old_value,
            new_value: r.new_value,
            reason: code(
                CorrectionReason::from_code(&r.reason),
                "correction reason",
                &r.reason,
            )?,
            text: r.text,
            by: UserId(r.corrected_by),
            at: r.corrected_at.0,
        })
    }
}

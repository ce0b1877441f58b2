//! Incident reports and fault reports to suppliers.
//!
//! An incident (information security or patient safety) is reported by anyone signed in: what
//! happened and when, never a client's identity (a text with a personnummer is refused; a
//! client is not referenced at all — the receivers follow up in the records the incident
//! concerns, under their own access). It goes to the current system owner and information
//! security coordinator (their home page and the list) and moves new → investigating → closed
//! with a note at each step, by them or the system manager.
//!
//! A fault report names a supplier by its contract and what is wrong; the supplier's
//! reference is recorded when they acknowledge it, and the time of each step comes from the
//! clock.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::audit::AuditAction;
use vaka_domain::governance::{
    FaultStatus, GovernanceRole, IncidentKind, IncidentStatus, holds_on,
};
use vaka_domain::ids::{ContractId, FaultReportId, IncidentId};
use vaka_domain::reason::{GovernanceReason, InputReason};
use vaka_store::governance::{FaultRecord, IncidentRecord, IncidentStepRecord};

use super::{GOVERNANCE, no_identity, roles_of};
use crate::door::Work;
use crate::error::{Fault, WorkResult};
use crate::operations::{line, parse_day, parse_time, text};
use crate::{Ctx, ServiceResult, Services};

/// The roles that receive incident reports.
pub const INCIDENT_RECEIVERS: &[GovernanceRole] = &[
    GovernanceRole::SystemOwner,
    GovernanceRole::InformationSecurityCoordinator,
];

/// An incident as the form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IncidentInput {
    /// The kind's code.
    #[serde(default)]
    pub kind: String,
    /// What happened (no client's name or personnummer).
    #[serde(default)]
    pub what: String,
    /// The day it happened (Stockholm).
    #[serde(default)]
    pub day: String,
    /// The time of day (empty: unknown, taken as 00:00).
    #[serde(default)]
    pub time: String,
}

/// A fault report as the form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FaultInput {
    /// The contract (so the supplier) it goes to.
    #[serde(default)]
    pub contract_id: String,
    #[serde(default)]
    pub what: String,
}

/// A step of a fault report as the form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FaultStepInput {
    /// `acknowledged` or `resolved`.
    #[serde(default)]
    pub status: String,
    /// The supplier's case number (at acknowledgement; kept when empty).
    #[serde(default)]
    pub supplier_ref: String,
    /// What the supplier did (at resolution).
    #[serde(default)]
    pub resolution: String,
}

/// Whether the caller handles incident reports: a current receiver or the system manager.
pub(crate) async fn handles_incidents<R: vaka_store::GovernanceRead + ?Sized>(
    r: &mut R,
    ctx: &Ctx<'_>,
    today: Date,
) -> WorkResult<bool> {
    if ctx.principal.has_permission(Permission::GovernanceManage) {
        return Ok(true);
    }
    Ok(roles_of(r, ctx.principal.user_id, today)
        .await?
        .iter()
        .any(|r| INCIDENT_RECEIVERS.contains(r)))
}

/// Whether the caller reports faults to suppliers: the municipality's system manager and
/// administrators (seed 000: "Ta emot och anmäla fel gentemot leverantörer").
pub(crate) fn reports_faults(ctx: &Ctx<'_>) -> bool {
    ctx.principal
        .has_permission(Permission::SupplierFaultReport)
}

impl Services {
    /// Reports an incident; it goes to the current system owner and information security
    /// coordinator (recorded in the audit entry). Returns its id.
    pub async fn report_incident(
        &self,
        ctx: &Ctx<'_>,
        input: IncidentInput,
    ) -> ServiceResult<IncidentId> {
        let op = ctx.op(AuditAction::IncidentReported, GOVERNANCE);
        self.door
            .change(op, async |w| {
                let kind = IncidentKind::from_code(input.kind.trim()).ok_or(Fault::invalid(
                    "kind",
                    if input.kind.trim().is_empty() {
                        InputReason::Required
                    } else {
                        InputReason::NotValid
                    },
                ))?;
                let what = text("what", &input.what, 2000)?;
                if what.is_empty() {
                    return Err(Fault::invalid("what", InputReason::Required));
                }
                let now = w.now();
                let tz = crate::registry::stockholm();
                let today = crate::registry::day_of(now);
                no_identity("what", &what, today)?;
                let day = parse_day("day", &input.day)?;
                let time = if input.time.trim().is_empty() {
                    jiff::civil::Time::midnight()
                } else {
                    parse_time("time", &input.time)?
                };
                let occurred_at: Timestamp = day
                    .to_datetime(time)
                    .to_zoned(tz)
                    .map_err(|_| Fault::invalid("day", InputReason::NotValid))?
                    .timestamp();
                if occurred_at > now {
                    return Err(Fault::invalid("day", GovernanceReason::OccurredInFuture));
                }
                let receivers: Vec<String> = w
                    .list_governance_assignments()
                    .await?
                    .into_iter()
                    .filter(|a| INCIDENT_RECEIVERS.contains(&a.role))
                    .filter(|a| holds_on(a.from, a.until, today))
                    .map(|a| a.user_id.to_string())
                    .collect();
                let id = IncidentId::new();
                w.insert_incident(&IncidentRecord {
                    id,
                    kind,
                    what,
                    occurred_at,
                    reported_by: ctx.principal.user_id,
                    reporter_name: ctx.principal.display_name.clone(),
                    reported_at: now,
                    status: IncidentStatus::New,
                    investigating_at: None,
                    closed_at: None,
                })
                .await?;
                w.succeeded(None, |e| {
                    e.subject("incident", id).details(
                        serde_json::json!({ "kind": kind.code(), "to": receivers }).to_string(),
                    )
                });
                Ok(id)
            })
            .await
    }

    /// Moves an incident forward (investigating, closed) with a note: its receivers or the
    /// system manager.
    pub async fn step_incident(
        &self,
        ctx: &Ctx<'_>,
        id: IncidentId,
        to: &str,
        note: &str,
    ) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::IncidentStatusChanged, GOVERNANCE);
        self.door
            .change(op, async |w| {
                let i = w
                    .get_incident(id)
                    .await?
                    .ok_or(Fault::not_found("incident"))?;
                let now = w.now();
                let today = crate::registry::day_of(now);
                if !handles_incidents(&mut **w, ctx, today).await? {
                    return Err(w.denied(
                        GovernanceReason::MayNotHandleIncidents,
                        Some(("incident", id.to_string())),
                    ));
                }
                let to = IncidentStatus::from_code(to.trim())
                    .ok_or(Fault::invalid("status", InputReason::NotValid))?;
                i.status.check_step(to)?;
                let note = text("note", note, 2000)?;
                if to == IncidentStatus::Closed && note.is_empty() {
                    return Err(Fault::invalid("note", InputReason::Required));
                }
                no_identity("note", &note, today)?;
                let step = IncidentStepRecord {
                    incident_id: id,
                    status: to,
                    at: now,
                    by: ctx.principal.user_id,
                    by_name: ctx.principal.display_name.clone(),
                    note,
                };
                if !w.step_incident(i.status, &step).await? {
                    return Err(Fault::conflict(GovernanceReason::StatusBackwards));
                }
                let grant = ctx
                    .principal
                    .any_grant(Permission::GovernanceManage)
                    .cloned();
                w.succeeded(grant.as_ref(), |e| {
                    e.subject("incident", id).details(
                        serde_json::json!({ "from": i.status.code(), "to": to.code() }).to_string(),
                    )
                });
                Ok(())
            })
            .await
    }

    /// Reports a fault to the supplier of a contract.
    pub async fn report_fault(
        &self,
        ctx: &Ctx<'_>,
        input: FaultInput,
    ) -> ServiceResult<FaultReportId> {
        let op = ctx.op(AuditAction::FaultReported, GOVERNANCE);
        self.door
            .change(op, async |w| {
                let now = w.now();
                let today = crate::registry::day_of(now);
                if !reports_faults(ctx) {
                    return Err(w.denied(GovernanceReason::MayNotReportFaults, None));
                }
                let contract = input
                    .contract_id
                    .trim()
                    .parse::<ContractId>()
                    .map_err(|_| {
                        Fault::invalid("contract_id", GovernanceReason::UnknownSupplier)
                    })?;
                let c = w.get_contract(contract).await?.ok_or(Fault::invalid(
                    "contract_id",
                    GovernanceReason::UnknownSupplier,
                ))?;
                let what = line("what", &input.what, 500)?;
                no_identity("what", &what, today)?;
                let id = FaultReportId::new();
                w.insert_fault_report(&FaultRecord {
                    id,
                    contract_id: contract,
                    supplier: c.supplier.clone(),
                    what,
                    reported_by: ctx.principal.user_id,
                    reporter_name: ctx.principal.display_name.clone(),
                    reported_at: now,
                    status: FaultStatus::Reported,
                    supplier_ref: String::new(),
                    acknowledged_at: None,
                    resolved_at: None,
                    resolution: String::new(),
                })
                .await?;
                let grant = ctx
                    .principal
                    .any_grant(Permission::SupplierFaultReport)
                    .cloned();
                w.succeeded(grant.as_ref(), |e| {
                    e.subject("fault_report", id).details(
                        serde_json::json!({ "contract": contract.to_string() }).to_string(),
                    )
                });
                Ok(id)
            })
            .await
    }

    /// Moves a fault report forward: acknowledged by the supplier (with their reference) or
    /// resolved (with what they did), stamped with the clock's time.
    pub async fn step_fault(
        &self,
        ctx: &Ctx<'_>,
        id: FaultReportId,
        input: FaultStepInput,
    ) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::FaultUpdated, GOVERNANCE);
        self.door
            .change(op, async |w| {
                let f = w
                    .get_fault_report(id)
                    .await?
                    .ok_or(Fault::not_found("fault report"))?;
                let now = w.now();
                let today = crate::registry::day_of(now);
                if !reports_faults(ctx) {
                    return Err(w.denied(
                        GovernanceReason::MayNotReportFaults,
                        Some(("fault_report", id.to_string())),
                    ));
                }
                let to = FaultStatus::from_code(input.status.trim())
                    .ok_or(Fault::invalid("status", InputReason::NotValid))?;
                f.status.check_step(to)?;
                let supplier_ref = text("supplier_ref", &input.supplier_ref, 100)?;
                let resolution = text("resolution", &input.resolution, 1000)?;
                no_identity("resolution", &resolution, today)?;
                let mut next = f.clone();
                next.status = to;
                if !supplier_ref.is_empty() {
                    next.supplier_ref = supplier_ref;
                }
                if next.acknowledged_at.is_none() {
                    next.acknowledged_at = Some(now);
                }
                if to == FaultStatus::Resolved {
                    next.resolved_at = Some(now);
                    next.resolution = resolution;
                }
                if !w.update_fault_report(f.status, &next).await? {
                    return Err(Fault::conflict(GovernanceReason::StatusBackwards));
                }
                let grant = ctx
                    .principal
                    .any_grant(Permission::SupplierFaultReport)
                    .cloned();
                w.succeeded(grant.as_ref(), |e| {
                    e.subject("fault_report", id).details(
                        serde_json::json!({ "from": f.status.code(), "to": to.code() }).to_string(),
                    )
                });
                Ok(())
            })
            .await
    }
}

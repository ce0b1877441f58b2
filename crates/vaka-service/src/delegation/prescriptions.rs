//! Prescribed tasks: a licensed person prescribes a task for a client (a type from the list,
//! an instruction, times of day or as needed, a period, a signing window); each day's signing
//! list follows from them.

use jiff::civil::{Date, Time};
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::audit::AuditAction;
use vaka_domain::delegation::prescription::DEFAULT_WINDOW_MINUTES;
use vaka_domain::delegation::{Prescription, PrescriptionTerms, SigningWindow, TaskTypeCode};
use vaka_domain::ids::{ClientId, PrescriptionId};
use vaka_domain::reason::{DelegationReason, RegistryReason};
use vaka_store::DbDate;
use vaka_store::values::to_db_precision;

use super::DELEGATION;
use super::delegations::judged;
use super::licences::{task_of, task_types, task_types_to_refer_to};
use crate::door::Work;
use crate::error::Fault;
use crate::registry::{client_in_scope_for, day_of, succeeded_on};
use crate::{Ctx, ServiceResult, Services};

/// A prescription as the licensed person writes it.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PrescriptionInput {
    /// The task type's code in the municipality's list.
    pub task_type: String,
    pub instruction: String,
    /// Local times of day (`HH:MM`); none for an as-needed task.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, example = json!(["08:00", "20:00"])))]
    pub times: Vec<Time>,
    #[serde(default)]
    pub as_needed: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub start: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub end: Option<Date>,
    /// Minutes before and after each time within which a signing is in time (60 each when
    /// not given).
    pub window_before_minutes: Option<u32>,
    pub window_after_minutes: Option<u32>,
}

/// A prescription with the names it is read by.
#[derive(Debug, Clone)]
pub struct PrescriptionView {
    pub prescription: Prescription,
    pub task_name: String,
    pub medication: bool,
    pub prescriber_name: String,
    /// Runs today (or later).
    pub running: bool,
}

impl Services {
    /// Prescribes a task for a client (licensed staff who delegate in the client's unit).
    pub async fn prescribe(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        input: PrescriptionInput,
    ) -> ServiceResult<Prescription> {
        let op = ctx.op(AuditAction::PrescriptionCreated, DELEGATION);
        self.door
            .change(op, async |w| {
                w.any_grant(
                    Permission::DelegationManage,
                    DelegationReason::MayNotDelegate,
                )?;
                let (c, grant) = client_in_scope_for(
                    w,
                    client,
                    Permission::DelegationManage,
                    DelegationReason::OutsideReach,
                )
                .await?;
                let licence = w.get_licence(ctx.principal.user_id).await?;
                let code = TaskTypeCode::parse(&input.task_type)?;
                let list = task_types_to_refer_to(w).await?;
                let task = task_of(&list, &code, true)?.clone();
                let existing = w.list_prescriptions_for_client(client).await?;
                let terms = PrescriptionTerms {
                    task_type: code,
                    instruction: input.instruction.clone(),
                    times: input.times.clone(),
                    as_needed: input.as_needed,
                    start: input.start,
                    end: input.end,
                    window: SigningWindow {
                        before_minutes: input
                            .window_before_minutes
                            .unwrap_or(DEFAULT_WINDOW_MINUTES),
                        after_minutes: input.window_after_minutes.unwrap_or(DEFAULT_WINDOW_MINUTES),
                    },
                };
                let terms = judged(w, terms.check(licence.as_ref(), &task, &existing), None)?;
                let p = Prescription {
                    id: PrescriptionId::new(),
                    client_id: client,
                    prescribed_by: ctx.principal.user_id,
                    terms,
                    created_at: to_db_precision(w.now()),
                    ended_on: None,
                };
                w.insert_prescription(&p).await?;
                succeeded_on(w, &grant, &c, |e| {
                    e.subject("prescription", p.id).details(
                        serde_json::json!({
                            "task_type": p.terms.task_type.as_str(),
                            "times": vaka_store::delegation::times_to_text(&p.terms.times),
                            "as_needed": p.terms.as_needed,
                            "start": p.terms.start.to_string(),
                        })
                        .to_string(),
                    )
                });
                Ok(p)
            })
            .await
    }

    /// Ends a prescription early: `on` (today when not given) is its last day.
    pub async fn end_prescription(
        &self,
        ctx: &Ctx<'_>,
        id: PrescriptionId,
        on: Option<Date>,
    ) -> ServiceResult<Prescription> {
        let op = ctx.op(AuditAction::PrescriptionEnded, DELEGATION);
        self.door
            .change(op, async |w| {
                let mut p = w
                    .get_prescription(id)
                    .await?
                    .ok_or(Fault::not_found("prescription"))?;
                let (c, grant) = client_in_scope_for(
                    w,
                    p.client_id,
                    Permission::DelegationManage,
                    DelegationReason::OutsideReach,
                )
                .await?;
                let on = on.unwrap_or_else(|| day_of(w.now()));
                if p.last_day().is_some_and(|last| last <= on) {
                    return Err(Fault::conflict(DelegationReason::PrescriptionNotActive));
                }
                if on < p.terms.start.yesterday().unwrap_or(p.terms.start) {
                    return Err(Fault::invalid(
                        "on",
                        DelegationReason::PrescriptionEndsBeforeStart,
                    ));
                }
                w.end_prescription(id, DbDate(on)).await?;
                p.ended_on = Some(on);
                succeeded_on(w, &grant, &c, |e| {
                    e.subject("prescription", id)
                        .details(serde_json::json!({ "ended_on": on.to_string() }).to_string())
                });
                Ok(p)
            })
            .await
    }

    /// A client's prescriptions, ended ones too (those who may read the client), with the
    /// client's name.
    pub async fn prescriptions(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
    ) -> ServiceResult<(String, Vec<PrescriptionView>)> {
        let op = ctx.op(AuditAction::PrescriptionsRead, DELEGATION);
        self.door
            .read(op, async |r| {
                let (c, grant) = client_in_scope_for(
                    r,
                    client,
                    Permission::ClientRead,
                    RegistryReason::OutsideNeedToKnow,
                )
                .await?;
                let list = task_types(r.reads()).await?;
                let today = day_of(r.now());
                let mut names = super::delegations::Names::default();
                let mut out = Vec::new();
                for p in r.list_prescriptions_for_client(client).await? {
                    let (task_name, medication) =
                        super::licences::task_label(&list, &p.terms.task_type);
                    out.push(PrescriptionView {
                        task_name,
                        medication,
                        prescriber_name: names.user(r, p.prescribed_by).await?,
                        running: p.last_day().is_none_or(|last| last >= today),
                        prescription: p,
                    });
                }
                succeeded_on(r, &grant, &c, |e| e);
                Ok((c.name.clone(), out))
            })
            .await
    }
}

//! Visit plans: a provider's unit plans recurring visits from a client's home-care decision.

use jiff::civil::{Date, Time, Weekday};
use serde::{Deserialize, Serialize};
use vaka_domain::access::{Permission, Target};
use vaka_domain::audit::AuditAction;
use vaka_domain::decision::ServiceKind;
use vaka_domain::homecare::CareTask;
use vaka_domain::homecare::plan::{VisitPlan, VisitPlanTerms, weekdays_to_text};
use vaka_domain::ids::{ClientId, DecisionId, UnitId, VisitPlanId};
use vaka_domain::reason::HomecareReason;
use vaka_store::DbDate;
use vaka_store::values::to_db_precision;

use super::HOMECARE;
use crate::door::Work;
use crate::error::Fault;
use crate::registry::{client_in_scope_for, day_of, succeeded_on};
use crate::{Ctx, ServiceResult, Services};

/// A visit plan as the unit manager writes it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VisitPlanInput {
    /// The client's home-care decision the plan carries out.
    pub decision_id: DecisionId,
    /// The provider's unit that carries the visits out; the client's unit when not given.
    pub unit_id: Option<UnitId>,
    /// Weekday codes `mon` … `sun`.
    pub weekdays: Vec<String>,
    /// The window's start, local time `HH:MM`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "08:00"))]
    pub from: Time,
    /// The window's end, local time `HH:MM`, after `from` on the same day.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "08:45"))]
    pub to: Time,
    pub tasks: Vec<CareTask>,
    pub expected_minutes: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub valid_from: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub valid_to: Option<Date>,
}

impl Services {
    /// Plans recurring visits for a client from a home-care decision (the provider's unit
    /// manager). The tasks must be granted, the period inside the decision's, and the unit one
    /// of the client's provider that the caller manages.
    pub async fn create_visit_plan(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        input: VisitPlanInput,
    ) -> ServiceResult<VisitPlan> {
        let op = ctx.op(AuditAction::VisitPlanChanged, HOMECARE);
        self.door
            .change(op, async |w| {
                let (c, grant) = client_in_scope_for(
                    w,
                    client,
                    Permission::VisitManage,
                    HomecareReason::MayNotManageVisits,
                )
                .await?;
                let decision = w
                    .get_decision(input.decision_id)
                    .await?
                    .filter(|d| d.client_id == client)
                    .ok_or(Fault::not_found("decision"))?;
                if decision.service != ServiceKind::HomeCare {
                    return Err(Fault::invalid(
                        "decision_id",
                        HomecareReason::NotAHomeCareDecision,
                    ));
                }
                let unit_id = input.unit_id.or(c.unit_id).ok_or_else(|| {
                    Fault::invalid("unit_id", HomecareReason::UnitOfAnotherProvider)
                })?;
                let unit = w.get_unit(unit_id).await?.ok_or(Fault::not_found("unit"))?;
                if Some(unit.organisation_id) != c.provider_id {
                    return Err(Fault::invalid(
                        "unit_id",
                        HomecareReason::UnitOfAnotherProvider,
                    ));
                }
                w.grant(
                    Permission::VisitManage,
                    Target {
                        organisation: unit.organisation_id,
                        units: &[unit.id],
                    },
                    Some(("unit", unit.id.to_string())),
                )?;
                let weekdays: Vec<Weekday> = vaka_domain::homecare::plan::parse_weekdays(
                    "weekdays",
                    &input.weekdays.join(","),
                )?;
                let terms = VisitPlanTerms {
                    weekdays,
                    from: input.from,
                    to: input.to,
                    tasks: input.tasks.clone(),
                    expected_minutes: input.expected_minutes,
                    valid_from: input.valid_from,
                    valid_to: input.valid_to,
                };
                let granted: Vec<CareTask> = w
                    .list_decision_tasks(decision.id)
                    .await?
                    .iter()
                    .map(|g| g.task)
                    .collect();
                terms.check(&granted, decision.valid_from, decision.last_day())?;
                let plan = VisitPlan {
                    id: VisitPlanId::new(),
                    client_id: client,
                    decision_id: decision.id,
                    unit_id,
                    weekdays: terms.weekdays,
                    from: terms.from,
                    to: terms.to,
                    tasks: terms.tasks,
                    expected_minutes: terms.expected_minutes,
                    valid_from: terms.valid_from,
                    valid_to: terms.valid_to,
                    created_by: ctx.principal.user_id,
                    created_at: to_db_precision(w.now()),
                    ended_on: None,
                };
                w.insert_visit_plan(&plan).await?;
                succeeded_on(w, &grant, &c, |e| {
                    e.subject("visit_plan", plan.id).details(
                        serde_json::json!({
                            "weekdays": weekdays_to_text(&plan.weekdays),
                            "from": plan.from.to_string(),
                            "to": plan.to.to_string(),
                        })
                        .to_string(),
                    )
                });
                Ok(plan)
            })
            .await
    }

    /// Ends a visit plan: `on` is its last day (today when not given).
    pub async fn end_visit_plan(
        &self,
        ctx: &Ctx<'_>,
        id: VisitPlanId,
        on: Option<Date>,
    ) -> ServiceResult<VisitPlan> {
        let op = ctx.op(AuditAction::VisitPlanChanged, HOMECARE);
        self.door
            .change(op, async |w| {
                let mut plan = w
                    .get_visit_plan(id)
                    .await?
                    .ok_or(Fault::not_found("visit plan"))?;
                let (c, grant) = client_in_scope_for(
                    w,
                    plan.client_id,
                    Permission::VisitManage,
                    HomecareReason::MayNotManageVisits,
                )
                .await?;
                if plan.ended_on.is_some() {
                    return Err(Fault::conflict(HomecareReason::PlanAlreadyEnded));
                }
                let on = on.unwrap_or_else(|| day_of(w.now()));
                if on < plan.valid_from.yesterday().unwrap_or(plan.valid_from) {
                    return Err(Fault::invalid("on", HomecareReason::PlanEndsBeforeStart));
                }
                plan.ended_on = Some(on);
                w.end_visit_plan(id, DbDate(on)).await?;
                succeeded_on(w, &grant, &c, |e| {
                    e.subject("visit_plan", id)
                        .details(serde_json::json!({ "ended_on": on.to_string() }).to_string())
                });
                Ok(plan)
            })
            .await
    }

    /// A client's visit plans (those who may read the client).
    pub async fn list_visit_plans(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
    ) -> ServiceResult<Vec<VisitPlan>> {
        let op = ctx.op(AuditAction::VisitPlansListed, HOMECARE);
        self.door
            .read(op, async |r| {
                let (c, grant) = client_in_scope_for(
                    r,
                    client,
                    Permission::ClientRead,
                    vaka_domain::reason::RegistryReason::OutsideNeedToKnow,
                )
                .await?;
                let plans = r.list_visit_plans_for_client(client).await?;
                succeeded_on(r, &grant, &c, |e| e);
                Ok(plans)
            })
            .await
    }
}

//! Decisions, the orders that carry them out, and the report on decisions not carried out.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use vaka_domain::access::{Assignment, Permission};
use vaka_domain::audit::{AuditAction, AuditFlags, Outcome};
use vaka_domain::client::ClientSummary;
use vaka_domain::decision::{
    Decision, DecisionTerms, Law, Order, OrderStatus, ServiceKind, SupervisionMode,
    check_no_overlap, not_carried_out, parse_times,
};
use vaka_domain::homecare::{GrantedTask, check_granted_tasks};
use vaka_domain::ids::{ClientId, DecisionId, OrderId, OrganisationId, UnitId};
use vaka_domain::reason::{HomecareReason, RegistryReason};
use vaka_store::values::to_db_precision;
use vaka_store::{DbDate, OrderFilter};

use super::{REGISTRY, any_grant, client_in_scope, day_of, stockholm, succeeded_on};
use crate::door::Work;
use crate::error::Fault;
use crate::{Ctx, ServiceResult, Services};

/// A decision as the needs assessor writes it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub law: Law,
    #[serde(default)]
    pub simplified: bool,
    pub service: ServiceKind,
    pub supervision_mode: Option<SupervisionMode>,
    /// Times of the night, e.g. `"23:00, 02:00, 05:00"` (night supervision only).
    #[serde(default)]
    pub times: Option<String>,
    /// `YYYY-MM-DD`; today when not given.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub decided_on: Option<Date>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub valid_from: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub valid_to: Option<Date>,
    /// For home care: the tasks granted, each with minutes per week or month.
    #[serde(default)]
    pub tasks: Vec<GrantedTask>,
}

/// The follow-up report: decisions not carried out within three months (REG-22), named where
/// the caller may read the client and counted where not (need-to-know, REG-05).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpReport {
    /// Decisions for clients the caller may read, with the client's name.
    pub lines: Vec<NotCarriedOut>,
    /// Decisions for clients outside the caller's need-to-know: counted per provider and unit
    /// of the client, never named.
    pub outside_reach: Vec<OutsideReach>,
}

/// How many decisions not carried out a provider's unit has for clients outside the caller's
/// need-to-know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutsideReach {
    pub provider_id: Option<OrganisationId>,
    pub unit_id: Option<UnitId>,
    pub decisions: usize,
}

/// Where a client is served: provider and unit.
type Placement = (Option<OrganisationId>, Option<UnitId>);

/// A client named in the report, for its audit entry.
struct Shown {
    grant: Assignment,
    protected: bool,
    decisions: Vec<DecisionId>,
}

/// A decision with its order.
#[derive(Debug, Clone)]
pub struct DecisionWithOrder {
    pub decision: Decision,
    pub order: Option<Order>,
    /// For home care: the tasks granted.
    pub tasks: Vec<GrantedTask>,
}

/// One line of the quarterly report to the inspectorate (REG-22).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotCarriedOut {
    pub decision_id: DecisionId,
    pub client_id: ClientId,
    pub client_name: String,
    pub service: ServiceKind,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub decided_on: Date,
    pub provider_id: Option<OrganisationId>,
    pub order_status: Option<OrderStatus>,
    /// When the service started (late), if it has.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub started_on: Option<Date>,
    pub days_waiting: i32,
}

/// An order as the provider's list shows it: with its client and the service it orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderEntry {
    pub order: Order,
    pub client: ClientSummary,
    pub service: ServiceKind,
}

impl Services {
    /// Records a decision and sends it as an order to the client's provider.
    pub async fn record_decision(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        input: DecisionInput,
    ) -> ServiceResult<DecisionWithOrder> {
        let op = ctx.op(AuditAction::DecisionRecorded, REGISTRY);
        self.door
            .change(op, async |w| {
                let now = to_db_precision(w.now());
                let today = day_of(w.now());
                let (c, grant) = client_in_scope(w, client, Permission::DecisionManage).await?;
                let terms = DecisionTerms {
                    law: input.law,
                    simplified: input.simplified,
                    service: input.service,
                    supervision_mode: input.supervision_mode,
                    times: parse_times("times", input.times.as_deref().unwrap_or(""))?,
                    decided_on: input.decided_on.unwrap_or(today),
                    valid_from: input.valid_from,
                    valid_to: input.valid_to,
                };
                terms.check(today)?;
                if terms.service == ServiceKind::HomeCare {
                    check_granted_tasks(&input.tasks)?;
                } else if !input.tasks.is_empty() {
                    return Err(Fault::invalid(
                        "tasks",
                        HomecareReason::TasksOnlyForHomeCare,
                    ));
                }
                let provider = c.provider_id.ok_or_else(|| {
                    Fault::invalid("provider_id", RegistryReason::NoProviderForDecision)
                })?;
                // Serialise decisions on this client so that two cannot overlap by racing.
                w.lock_client(client).await?;
                let existing = w.list_decisions(client).await?;
                check_no_overlap(&existing, terms.service, terms.valid_from, terms.valid_to)?;
                let decision = Decision {
                    id: DecisionId::new(),
                    client_id: client,
                    law: terms.law,
                    simplified: terms.simplified,
                    service: terms.service,
                    supervision_mode: terms.supervision_mode,
                    times: terms.times,
                    decided_on: terms.decided_on,
                    valid_from: terms.valid_from,
                    valid_to: terms.valid_to,
                    decided_by: ctx.principal.user_id,
                    ended_on: None,
                    created_at: now,
                };
                let order = Order {
                    id: OrderId::new(),
                    decision_id: decision.id,
                    client_id: client,
                    provider_id: provider,
                    status: OrderStatus::Ordered,
                    ordered_at: now,
                    accepted_at: None,
                    accepted_by: None,
                    activated_at: None,
                };
                w.insert_decision(&decision).await?;
                w.insert_order(&order).await?;
                if !input.tasks.is_empty() {
                    w.set_decision_tasks(decision.id, &input.tasks).await?;
                }
                succeeded_on(w, &grant, &c, |e| {
                    e.subject("decision", decision.id).details(
                        serde_json::json!({ "service": decision.service.code(), "order": order.id })
                            .to_string(),
                    )
                });
                Ok(DecisionWithOrder {
                    decision,
                    order: Some(order),
                    tasks: input.tasks.clone(),
                })
            })
            .await
    }

    /// Ends a decision early (the last day it holds).
    pub async fn end_decision(
        &self,
        ctx: &Ctx<'_>,
        id: DecisionId,
        on: Date,
    ) -> ServiceResult<Decision> {
        let op = ctx.op(AuditAction::DecisionEnded, REGISTRY);
        self.door
            .change(op, async |w| {
                let mut d = w
                    .get_decision(id)
                    .await?
                    .ok_or(Fault::not_found("decision"))?;
                let (c, grant) =
                    client_in_scope(w, d.client_id, Permission::DecisionManage).await?;
                if d.ended_on.is_some() {
                    return Err(Fault::conflict(RegistryReason::DecisionAlreadyEnded));
                }
                if on < d.valid_from {
                    return Err(Fault::invalid(
                        "ended_on",
                        RegistryReason::EndBeforeDecisionStarts,
                    ));
                }
                d.ended_on = Some(on);
                w.end_decision(id, DbDate(on)).await?;
                let orders = w
                    .list_orders(&OrderFilter {
                        client: Some(d.client_id),
                        ..OrderFilter::default()
                    })
                    .await?;
                for mut o in orders {
                    if o.decision_id == id && o.status != OrderStatus::Ended {
                        o.status = OrderStatus::Ended;
                        w.update_order(&o).await?;
                    }
                }
                succeeded_on(w, &grant, &c, |e| e.subject("decision", id));
                Ok(d)
            })
            .await
    }

    /// Orders waiting for, or accepted by, the caller's units (a provider's view). Audited:
    /// orders name clients.
    pub async fn list_orders(
        &self,
        ctx: &Ctx<'_>,
        status: Option<OrderStatus>,
    ) -> ServiceResult<Vec<OrderEntry>> {
        let op = ctx.op(AuditAction::OrdersListed, "orders");
        self.door
            .read(op, async |r| {
                let grant = any_grant(
                    r,
                    Permission::OrderAccept,
                    RegistryReason::MayNotAcceptOrders,
                )?;
                let mut out = Vec::new();
                let orders = r
                    .list_orders(&OrderFilter {
                        status,
                        ..OrderFilter::default()
                    })
                    .await?;
                for o in orders {
                    let Some(c) = r.get_client_summary(o.client_id).await? else {
                        continue;
                    };
                    if ctx
                        .principal
                        .client_grant_for(Permission::OrderAccept, c.provider_id, c.unit_id)
                        .is_some()
                    {
                        let Some(d) = r.get_decision(o.decision_id).await? else {
                            continue;
                        };
                        out.push(OrderEntry {
                            order: o,
                            client: c,
                            service: d.service,
                        });
                    }
                }
                r.succeeded(Some(&grant), |e| {
                    e.details(serde_json::json!({ "results": out.len() }).to_string())
                });
                Ok(out)
            })
            .await
    }

    /// The provider accepts an order. Physical-visit supervision and home care need no
    /// device: they start at once.
    pub async fn accept_order(&self, ctx: &Ctx<'_>, id: OrderId) -> ServiceResult<Order> {
        let op = ctx.op(AuditAction::OrderAccepted, REGISTRY);
        self.door
            .change(op, async |w| {
                let now = to_db_precision(w.now());
                let mut order = w.get_order(id).await?.ok_or(Fault::not_found("order"))?;
                let (c, grant) =
                    client_in_scope(w, order.client_id, Permission::OrderAccept).await?;
                order.status = order.status.accept()?;
                order.accepted_at = Some(now);
                order.accepted_by = Some(ctx.principal.user_id);
                let decision = w
                    .get_decision(order.decision_id)
                    .await?
                    .ok_or(Fault::not_found("decision"))?;
                if decision.supervision_mode == Some(SupervisionMode::PhysicalVisit)
                    || decision.service == ServiceKind::HomeCare
                {
                    order.status = order.status.activate()?;
                    order.activated_at = Some(now);
                }
                w.update_order(&order).await?;
                succeeded_on(w, &grant, &c, |e| e.subject("order", id));
                Ok(order)
            })
            .await
    }

    /// Decisions not carried out within three months, for the quarterly report (REG-22).
    ///
    /// Need-to-know (REG-05): a line names its client only when the caller may read that
    /// client (the reach of `ClientRead`, as everywhere else); decisions for other clients are
    /// only counted, per provider and unit. Every client named is audited: one entry per
    /// client shown, so that the client's own log tells who saw them in the report, besides
    /// the entry for the report as a whole.
    pub async fn report_not_carried_out(&self, ctx: &Ctx<'_>) -> ServiceResult<FollowUpReport> {
        let op = ctx.op(AuditAction::ReportRead, "follow_up");
        self.door
            .read(op, async |r| {
                let grant =
                    any_grant(r, Permission::ReportRead, RegistryReason::MayNotReadReports)?;
                let today = day_of(r.now());
                let tz = stockholm();
                let mut lines = Vec::new();
                let mut counted: BTreeMap<Placement, usize> = BTreeMap::new();
                let mut shown: BTreeMap<ClientId, Shown> = BTreeMap::new();
                let orders = r.list_orders(&OrderFilter::default()).await?;
                for d in r.list_all_decisions().await? {
                    if d.ended_on.is_some_and(|e| e < d.decided_on) {
                        continue;
                    }
                    let order = orders.iter().find(|o| o.decision_id == d.id);
                    let started = order
                        .and_then(|o| o.activated_at)
                        .map(|t| t.to_zoned(tz.clone()).date());
                    if !not_carried_out(d.decided_on, started, today) {
                        continue;
                    }
                    let Some(c) = r.get_client_summary(d.client_id).await? else {
                        continue;
                    };
                    let Some(through) = ctx
                        .principal
                        .client_grant_for(Permission::ClientRead, c.provider_id, c.unit_id)
                    else {
                        *counted.entry((c.provider_id, c.unit_id)).or_default() += 1;
                        continue;
                    };
                    shown
                        .entry(c.id)
                        .or_insert_with(|| Shown {
                            grant: through.clone(),
                            protected: c.protection.is_protected(),
                            decisions: Vec::new(),
                        })
                        .decisions
                        .push(d.id);
                    lines.push(NotCarriedOut {
                        decision_id: d.id,
                        client_id: d.client_id,
                        client_name: c.name,
                        service: d.service,
                        decided_on: d.decided_on,
                        provider_id: order.map(|o| o.provider_id),
                        order_status: order.map(|o| o.status),
                        started_on: started,
                        days_waiting: d
                            .decided_on
                            .until(started.unwrap_or(today))
                            .map_or(0, |s| s.get_days()),
                    });
                }
                let outside_reach: Vec<OutsideReach> = counted
                    .into_iter()
                    .map(|((provider_id, unit_id), decisions)| OutsideReach {
                        provider_id,
                        unit_id,
                        decisions,
                    })
                    .collect();
                for (client, s) in shown {
                    let mut e = r
                        .entry(Outcome::Success, Some(&s.grant))
                        .client(client)
                        .details(
                            serde_json::json!({ "report": "not_carried_out", "decisions": s.decisions })
                                .to_string(),
                        );
                    e.flags = AuditFlags {
                        protected_identity: s.protected,
                        ..AuditFlags::default()
                    };
                    r.record(e);
                }
                r.succeeded(Some(&grant), |e| {
                    e.details(
                        serde_json::json!({
                            "report": "not_carried_out",
                            "results": lines.len(),
                            "outside_reach": outside_reach.iter().map(|o| o.decisions).sum::<usize>(),
                        })
                        .to_string(),
                    )
                });
                Ok(FollowUpReport {
                    lines,
                    outside_reach,
                })
            })
            .await
    }
}

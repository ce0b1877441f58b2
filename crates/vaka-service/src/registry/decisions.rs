//! Decisions, the orders that carry them out, and the report on decisions not carried out.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use vaka_domain::access::Permission;
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::decision::{
    Decision, DecisionTerms, Law, Order, OrderStatus, ServiceKind, SupervisionMode,
    check_no_overlap, not_carried_out, parse_times,
};
use vaka_domain::ids::{ClientId, DecisionId, OrderId, OrganisationId};
use vaka_store::{DbDate, OrderFilter};

use crate::{Ctx, ServiceError, ServiceResult, Services};

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
}

/// A decision with its order.
#[derive(Debug, Clone)]
pub struct DecisionWithOrder {
    pub decision: Decision,
    pub order: Option<Order>,
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

impl Services {
    /// Records a decision and sends it as an order to the client's provider.
    pub async fn record_decision(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        input: DecisionInput,
    ) -> ServiceResult<DecisionWithOrder> {
        self.audited(async {
            let now = vaka_store::values::to_db_precision(self.now());
            let today = self.today();
            let mut tx = self.write().await?;
            let (c, grant) = self
                .client_in_scope(
                    ctx,
                    &mut *tx,
                    client,
                    Permission::DecisionManage,
                    AuditAction::DecisionRecorded,
                )
                .await?;
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
            let provider = c.provider_id.ok_or_else(|| {
                ServiceError::invalid(
                    "provider_id",
                    "the client has no provider to carry out the decision; set one first",
                )
            })?;
            // Serialise decisions on this client so that two cannot overlap by racing.
            tx.lock_client(client).await?;
            let existing = tx.list_decisions(client).await?;
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
            tx.insert_decision(&decision).await?;
            tx.insert_order(&order).await?;
            let entry = self
                .client_entry(
                    ctx,
                    AuditAction::DecisionRecorded,
                    Outcome::Success,
                    Some(&grant),
                    &c,
                )
                .subject("decision", decision.id)
                .details(
                    serde_json::json!({ "service": decision.service.code(), "order": order.id })
                        .to_string(),
                );
            tx.append_audit(&entry).await?;
            tx.commit().await?;
            Ok(DecisionWithOrder {
                decision,
                order: Some(order),
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
        self.audited(async {
            let mut tx = self.write().await?;
            let mut d = tx
                .get_decision(id)
                .await?
                .ok_or(ServiceError::NotFound("decision"))?;
            let (c, grant) = self
                .client_in_scope(
                    ctx,
                    &mut *tx,
                    d.client_id,
                    Permission::DecisionManage,
                    AuditAction::DecisionEnded,
                )
                .await?;
            if d.ended_on.is_some() {
                return Err(ServiceError::Conflict(
                    "the decision has already ended".into(),
                ));
            }
            if on < d.valid_from {
                return Err(ServiceError::invalid(
                    "ended_on",
                    "is before the decision starts",
                ));
            }
            d.ended_on = Some(on);
            tx.end_decision(id, DbDate(on)).await?;
            for mut o in tx
                .list_orders(&OrderFilter {
                    client: Some(d.client_id),
                    ..OrderFilter::default()
                })
                .await?
            {
                if o.decision_id == id && o.status != OrderStatus::Ended {
                    o.status = OrderStatus::Ended;
                    tx.update_order(&o).await?;
                }
            }
            let entry = self
                .client_entry(
                    ctx,
                    AuditAction::DecisionEnded,
                    Outcome::Success,
                    Some(&grant),
                    &c,
                )
                .subject("decision", id);
            tx.append_audit(&entry).await?;
            tx.commit().await?;
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
    ) -> ServiceResult<Vec<(Order, vaka_domain::client::ClientSummary)>> {
        self.audited(async {
            let Some(grant) = ctx.principal.any_grant(Permission::OrderAccept).cloned() else {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::OrdersListed,
                        None,
                        "your roles do not accept orders",
                    )
                    .await);
            };
            let principal = ctx.principal.clone();
            let entry = ctx.entry(
                self.now(),
                AuditAction::OrdersListed,
                Outcome::Success,
                Some(&grant),
                "orders",
            );
            self.audited_read(move |tx| {
                Box::pin(async move {
                    let mut out = Vec::new();
                    for o in tx
                        .list_orders(&OrderFilter {
                            status,
                            ..OrderFilter::default()
                        })
                        .await?
                    {
                        let Some(c) = tx.get_client_summary(o.client_id).await? else {
                            continue;
                        };
                        if principal
                            .client_grant_for(Permission::OrderAccept, c.provider_id, c.unit_id)
                            .is_some()
                        {
                            out.push((o, c));
                        }
                    }
                    let entry =
                        entry.details(serde_json::json!({ "results": out.len() }).to_string());
                    Ok((out, entry))
                })
            })
            .await
        })
        .await
    }

    /// The provider accepts an order. Physical-visit supervision needs no device: it starts
    /// at once.
    pub async fn accept_order(&self, ctx: &Ctx<'_>, id: OrderId) -> ServiceResult<Order> {
        self.audited(async {
            let now = vaka_store::values::to_db_precision(self.now());
            let mut tx = self.write().await?;
            let mut order = tx
                .get_order(id)
                .await?
                .ok_or(ServiceError::NotFound("order"))?;
            let (c, grant) = self
                .client_in_scope(
                    ctx,
                    &mut *tx,
                    order.client_id,
                    Permission::OrderAccept,
                    AuditAction::OrderAccepted,
                )
                .await?;
            order.status = order.status.accept()?;
            order.accepted_at = Some(now);
            order.accepted_by = Some(ctx.principal.user_id);
            let decision = tx
                .get_decision(order.decision_id)
                .await?
                .ok_or(ServiceError::NotFound("decision"))?;
            if decision.supervision_mode == Some(SupervisionMode::PhysicalVisit) {
                order.status = order.status.activate()?;
                order.activated_at = Some(now);
            }
            tx.update_order(&order).await?;
            let entry = self
                .client_entry(
                    ctx,
                    AuditAction::OrderAccepted,
                    Outcome::Success,
                    Some(&grant),
                    &c,
                )
                .subject("order", id);
            tx.append_audit(&entry).await?;
            tx.commit().await?;
            Ok(order)
        })
        .await
    }

    /// Decisions not carried out within three months, for the quarterly report (REG-22).
    pub async fn report_not_carried_out(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<NotCarriedOut>> {
        self.audited(async {
            let Some(grant) = ctx.principal.any_grant(Permission::ReportRead).cloned() else {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::ReportRead,
                        None,
                        "your roles do not read reports",
                    )
                    .await);
            };
            let today = self.today();
            let tz = super::stockholm();
            let entry = ctx.entry(
                self.now(),
                AuditAction::ReportRead,
                Outcome::Success,
                Some(&grant),
                "follow_up",
            );
            self.audited_read(move |tx| {
                Box::pin(async move {
                    let mut rows = Vec::new();
                    let orders = tx.list_orders(&OrderFilter::default()).await?;
                    for d in tx.list_all_decisions().await? {
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
                        let Some(c) = tx.get_client_summary(d.client_id).await? else {
                            continue;
                        };
                        rows.push(NotCarriedOut {
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
                                .map(|s| s.get_days())
                                .unwrap_or(0),
                        });
                    }
                    let entry = entry.details(
                        serde_json::json!({ "report": "not_carried_out", "results": rows.len() })
                            .to_string(),
                    );
                    Ok((rows, entry))
                })
            })
            .await
        })
        .await
    }
}

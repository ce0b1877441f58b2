//! Decisions and the orders that carry them out: their rows on the client's page, recording
//! and ending a decision, accepting an order.

use std::collections::HashMap;

use jiff::civil::Date;
use serde::Deserialize;
use vaka_domain::decision::{Law, OrderStatus, ServiceKind, SupervisionMode};
use vaka_domain::ids::{DecisionId, OrderId};
use vaka_service::registry::clients::ClientView;
use vaka_service::registry::decisions::DecisionInput;

use super::{
    Names, change, day, form_code, form_date, form_opt_code, form_opt_date, form_opt_text, found,
    times_text,
};
use crate::error::ApiError;
use crate::extract::Path;
use crate::i18n::Tr;
use crate::page::{KeptForm, PageResult, Req, Sent, local_time};

pub struct DecisionRow {
    pub id: DecisionId,
    pub law: String,
    pub simplified: bool,
    pub service: String,
    pub mode: String,
    pub times: String,
    pub decided_on: String,
    pub valid: String,
    pub state: &'static str,
    pub can_end: bool,
}

pub struct OrderRow {
    pub id: OrderId,
    pub service: String,
    pub provider: String,
    pub status: String,
    pub ordered: String,
    pub accepted: String,
    pub activated: String,
    pub can_accept: bool,
}

pub(super) fn decision_rows(
    t: Tr,
    view: &ClientView,
    today: Date,
    can_decide: bool,
) -> Vec<DecisionRow> {
    view.decisions
        .iter()
        .map(|d| {
            let state_key = if d.is_valid_on(today) {
                "decision-state-valid"
            } else if d.valid_from > today {
                "decision-state-coming"
            } else {
                "decision-state-ended"
            };
            DecisionRow {
                id: d.id,
                law: t.code("law", d.law.code()),
                simplified: d.simplified,
                service: t.code("service", d.service.code()),
                mode: d
                    .supervision_mode
                    .map(|m| t.code("mode", m.code()))
                    .unwrap_or_default(),
                times: if d.service == ServiceKind::HomeCare {
                    super::visit_plans::granted_text(t, view, d.id)
                } else {
                    times_text(&d.times)
                },
                decided_on: day(d.decided_on),
                valid: format!(
                    "{} – {}",
                    d.valid_from,
                    d.last_day().map(day).unwrap_or_default()
                ),
                state: state_key,
                can_end: can_decide && d.ended_on.is_none() && state_key != "decision-state-ended",
            }
        })
        .collect()
}

pub(super) fn order_rows(
    t: Tr,
    view: &ClientView,
    names: &Names,
    can_accept: bool,
) -> Vec<OrderRow> {
    let service_of: HashMap<DecisionId, ServiceKind> =
        view.decisions.iter().map(|d| (d.id, d.service)).collect();
    view.orders
        .iter()
        .map(|o| OrderRow {
            id: o.id,
            service: service_of
                .get(&o.decision_id)
                .map(|s| t.code("service", s.code()))
                .unwrap_or_default(),
            provider: names.org(Some(o.provider_id)),
            status: t.code("order_status", o.status.code()),
            ordered: local_time(o.ordered_at),
            accepted: o.accepted_at.map(local_time).unwrap_or_default(),
            activated: o.activated_at.map(local_time).unwrap_or_default(),
            can_accept: can_accept && o.status == OrderStatus::Ordered,
        })
        .collect()
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub law: String,
    #[serde(default)]
    pub simplified: Option<String>,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub supervision_mode: String,
    #[serde(default)]
    pub times: String,
    #[serde(default)]
    pub decided_on: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
    /// Home care: `minutes-<task>` and `per-<task>` for each task granted.
    #[serde(flatten)]
    pub task_fields: std::collections::BTreeMap<String, String>,
}

impl DecisionForm {
    /// The granted tasks of a home-care decision: each task with minutes filled in.
    fn granted_tasks(&self) -> Result<Vec<vaka_domain::homecare::GrantedTask>, ApiError> {
        use vaka_domain::homecare::{CareTask, GrantPeriod, GrantedTask};
        let mut out = Vec::new();
        for task in CareTask::ALL {
            let field = format!("minutes-{}", task.code());
            let Some(raw) = self.task_fields.get(&field).map(|s| s.trim()) else {
                continue;
            };
            if raw.is_empty() {
                continue;
            }
            let minutes: u32 = raw.parse().map_err(|_| {
                ApiError::invalid(
                    "tasks",
                    vaka_domain::reason::HomecareReason::GrantedMinutesOutOfRange {
                        max: vaka_domain::homecare::MAX_GRANTED_MINUTES,
                    },
                )
            })?;
            let per = self
                .task_fields
                .get(&format!("per-{}", task.code()))
                .and_then(|p| GrantPeriod::from_code(p.trim()))
                .unwrap_or(GrantPeriod::Week);
            out.push(GrantedTask {
                task: *task,
                minutes,
                per,
            });
        }
        Ok(out)
    }

    fn to_input(&self) -> Result<DecisionInput, ApiError> {
        Ok(DecisionInput {
            law: form_code("law", &self.law, Law::from_code)?,
            simplified: self.simplified.is_some(),
            service: form_code("service", &self.service, ServiceKind::from_code)?,
            supervision_mode: form_opt_code(
                "supervision_mode",
                &self.supervision_mode,
                SupervisionMode::from_code,
            )?,
            times: form_opt_text(&self.times),
            decided_on: form_opt_date("decided_on", &self.decided_on)?,
            valid_from: form_date("valid_from", &self.valid_from)?,
            valid_to: form_opt_date("valid_to", &self.valid_to)?,
            tasks: self.granted_tasks()?,
        })
    }
}

pub async fn add_decision(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<DecisionForm>,
) -> PageResult {
    change(
        r,
        &id,
        "decision-recorded",
        "decisions",
        sent,
        async |s, ctx, id| {
            Ok(s.services
                .record_decision(ctx, id, form.to_input()?)
                .await?)
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct EndForm {
    #[serde(default)]
    pub ended_on: String,
}

pub async fn end_decision(
    r: Req,
    Path((id, decision)): Path<(String, String)>,
    KeptForm(form, sent): KeptForm<EndForm>,
) -> PageResult {
    change(
        r,
        &id,
        "decision-ended",
        "decisions",
        sent,
        async |s, ctx, _| {
            let decision: DecisionId = found(&decision)?;
            let on = form_opt_date("ended_on", &form.ended_on)?;
            let on = on.unwrap_or_else(|| s.services.today());
            Ok(s.services.end_decision(ctx, decision, on).await?)
        },
    )
    .await
}

pub async fn accept_order(r: Req, Path((id, order)): Path<(String, String)>) -> PageResult {
    change(
        r,
        &id,
        "order-accepted",
        "orders",
        Sent::default(),
        async |s, ctx, _| {
            let order: OrderId = found(&order)?;
            Ok(s.services.accept_order(ctx, order).await?)
        },
    )
    .await
}

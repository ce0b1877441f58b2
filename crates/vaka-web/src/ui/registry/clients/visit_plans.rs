//! Home-care visit plans on the client's page: the plans, a new plan from a home-care
//! decision (the provider's unit manager), ending a plan; and the granted tasks of home-care
//! decisions as the decision rows show them.

use std::collections::BTreeMap;

use serde::Deserialize;
use vaka_domain::decision::ServiceKind;
use vaka_domain::homecare::CareTask;
use vaka_domain::homecare::plan::weekday_code;
use vaka_domain::ids::VisitPlanId;
use vaka_service::homecare::plans::VisitPlanInput;
use vaka_service::registry::clients::ClientView;

use super::{Choice, Names, change, form_date, form_opt_date, found};
use crate::error::ApiError;
use crate::extract::Path;
use crate::i18n::Tr;
use crate::page::{KeptForm, PageResult, Req, Sent};

pub struct VisitPlanRow {
    pub id: String,
    pub weekdays: String,
    pub window: String,
    pub tasks: String,
    pub expected_minutes: u32,
    pub valid: String,
    pub unit: String,
    pub ended: bool,
}

pub(super) fn rows(t: Tr, view: &ClientView, names: &Names) -> Vec<VisitPlanRow> {
    view.visit_plans
        .iter()
        .map(|p| VisitPlanRow {
            id: p.id.to_string(),
            weekdays: p
                .weekdays
                .iter()
                .map(|w| t.code("weekday", weekday_code(*w)))
                .collect::<Vec<_>>()
                .join(", "),
            window: format!("{}–{}", p.from.strftime("%H:%M"), p.to.strftime("%H:%M")),
            tasks: p
                .tasks
                .iter()
                .map(|k| t.code("care-task", k.code()))
                .collect::<Vec<_>>()
                .join(", "),
            expected_minutes: p.expected_minutes,
            valid: format!(
                "{} – {}",
                p.valid_from,
                p.last_day().map(|d| d.to_string()).unwrap_or_default()
            ),
            unit: names.unit(Some(p.unit_id)),
            ended: p.ended_on.is_some(),
        })
        .collect()
}

/// The client's home-care decisions a plan may be made from: (id, label).
pub(super) fn decisions(view: &ClientView) -> Vec<Choice> {
    view.decisions
        .iter()
        .filter(|d| d.service == ServiceKind::HomeCare && d.ended_on.is_none())
        .map(|d| {
            (
                d.id.to_string(),
                format!(
                    "{} – {}",
                    d.valid_from,
                    d.last_day().map(|x| x.to_string()).unwrap_or_default()
                ),
            )
        })
        .collect()
}

/// A home-care decision's tasks in words: `Måltider 210 min per vecka, …`.
pub(super) fn granted_text(t: Tr, view: &ClientView, id: vaka_domain::ids::DecisionId) -> String {
    view.granted_tasks
        .iter()
        .find(|(d, _)| *d == id)
        .map(|(_, tasks)| {
            tasks
                .iter()
                .map(|g| {
                    format!(
                        "{} {} min {}",
                        t.code("care-task", g.task.code()),
                        g.minutes,
                        t.code("grant_period", g.per.code())
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

#[derive(Debug, Deserialize)]
pub struct VisitPlanForm {
    #[serde(default)]
    pub decision_id: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub expected_minutes: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
    /// `day-<mon…sun>` and `task-<code>` for each box ticked.
    #[serde(flatten)]
    pub rest: BTreeMap<String, String>,
}

fn time(field: &'static str, raw: &str) -> Result<jiff::civil::Time, ApiError> {
    raw.trim()
        .parse()
        .map_err(|_| ApiError::invalid(field, vaka_domain::reason::InputReason::NotValid))
}

impl VisitPlanForm {
    fn to_input(&self) -> Result<VisitPlanInput, ApiError> {
        let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .iter()
            .filter(|d| self.rest.contains_key(&format!("day-{d}")))
            .map(|d| (*d).to_owned())
            .collect();
        let tasks = CareTask::ALL
            .iter()
            .copied()
            .filter(|k| self.rest.contains_key(&format!("task-{}", k.code())))
            .collect();
        Ok(VisitPlanInput {
            decision_id: found(&self.decision_id).map_err(|_| {
                ApiError::invalid(
                    "decision_id",
                    vaka_domain::reason::RegistryReason::NotAChoice,
                )
            })?,
            unit_id: None,
            weekdays,
            from: time("from", &self.from)?,
            to: time("to", &self.to)?,
            tasks,
            expected_minutes: self.expected_minutes.trim().parse().map_err(|_| {
                ApiError::invalid(
                    "expected_minutes",
                    vaka_domain::reason::HomecareReason::ExpectedMinutesOutOfRange {
                        max: vaka_domain::homecare::plan::MAX_EXPECTED_MINUTES,
                    },
                )
            })?,
            valid_from: form_date("valid_from", &self.valid_from)?,
            valid_to: form_opt_date("valid_to", &self.valid_to)?,
        })
    }
}

pub async fn add_visit_plan(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<VisitPlanForm>,
) -> PageResult {
    change(
        r,
        &id,
        "hc-plan-saved",
        "visit-plans",
        sent,
        async |s, ctx, id| {
            Ok(s.services
                .create_visit_plan(ctx, id, form.to_input()?)
                .await?)
        },
    )
    .await
}

pub async fn end_visit_plan(r: Req, Path((id, plan)): Path<(String, String)>) -> PageResult {
    change(
        r,
        &id,
        "hc-plan-ended-notice",
        "visit-plans",
        Sent::default(),
        async |s, ctx, _client| {
            let plan: VisitPlanId = found(&plan)?;
            Ok(s.services.end_visit_plan(ctx, plan, None).await?)
        },
    )
    .await
}

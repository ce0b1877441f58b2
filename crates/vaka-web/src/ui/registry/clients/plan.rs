//! The supervision plan and pauses: their sections of the client's page, setting the plan,
//! recording and cancelling a pause.

use jiff::civil::Date;
use serde::Deserialize;
use vaka_domain::decision::{ServiceKind, SupervisionMode};
use vaka_domain::ids::PauseId;
use vaka_domain::plan::{EscalationChain, PauseReason, PauseRequest, SupervisionDefaults};
use vaka_service::registry::care::{PauseInput, PlanInput};
use vaka_service::registry::clients::ClientView;

use super::{
    Names, change, day, form_code, form_date, form_opt_code, form_opt_date, form_opt_minutes,
    form_opt_text, found, times_text,
};
use crate::error::ApiError;
use crate::extract::Path;
use crate::i18n::Tr;
use crate::page::{KeptForm, PageResult, Req, Sent, local_time};

pub struct PlanView {
    pub mode: String,
    pub times: String,
    pub recheck: String,
    pub escalation: String,
    pub response: String,
    pub updated: String,
}

/// The plan form's current values.
#[derive(Default)]
pub struct PlanFormValues {
    pub mode: String,
    pub times: String,
    pub recheck: String,
    pub escalation: String,
    pub response: String,
}

pub struct PauseRow {
    pub id: PauseId,
    pub nights: String,
    pub reason: String,
    pub requested: String,
    pub note: String,
    pub recorded: String,
    pub cancelled: bool,
    pub past: bool,
}

/// The plan as it applies: the municipality's default where the plan sets nothing (marked).
pub(super) fn plan_view(t: Tr, view: &ClientView, names: &Names) -> Option<PlanView> {
    // The municipality's defaults (per-municipality settings come with the supervision rounds).
    let defaults = SupervisionDefaults::default();
    view.plan.as_ref().map(|pl| {
        let eff = pl.effective(defaults);
        let marker = t.t("plan-default_marker");
        let own = |set: bool| if set { "" } else { &*marker };
        PlanView {
            mode: t.code("mode", pl.mode.code()),
            times: times_text(&pl.times),
            recheck: format!(
                "{} min{}",
                eff.recheck_delay_minutes,
                own(pl.recheck_delay_minutes.is_some())
            ),
            escalation: format!(
                "{}{}",
                t.code("escalation", eff.escalation.code()),
                own(pl.escalation.is_some())
            ),
            response: format!(
                "{} min{}",
                eff.response_target_minutes,
                own(pl.response_target_minutes.is_some())
            ),
            updated: format!(
                "{} · {}",
                local_time(pl.updated_at),
                names.user(pl.updated_by)
            ),
        }
    })
}

/// The plan form: the plan's values, or the terms of today's night-supervision decision when
/// there is no plan yet.
pub(super) fn plan_form(view: &ClientView, today: Date) -> PlanFormValues {
    match &view.plan {
        Some(pl) => PlanFormValues {
            mode: pl.mode.code().to_owned(),
            times: times_text(&pl.times),
            recheck: pl
                .recheck_delay_minutes
                .map(|m| m.to_string())
                .unwrap_or_default(),
            escalation: pl
                .escalation
                .map(|e| e.code().to_owned())
                .unwrap_or_default(),
            response: pl
                .response_target_minutes
                .map(|m| m.to_string())
                .unwrap_or_default(),
        },
        None => view
            .decisions
            .iter()
            .find(|d| d.service == ServiceKind::NightSupervision && d.is_valid_on(today))
            .map(|d| PlanFormValues {
                mode: d
                    .supervision_mode
                    .map(|m| m.code().to_owned())
                    .unwrap_or_default(),
                times: times_text(&d.times),
                ..PlanFormValues::default()
            })
            .unwrap_or_default(),
    }
}

pub(super) fn pause_rows(t: Tr, view: &ClientView, names: &Names, today: Date) -> Vec<PauseRow> {
    view.pauses
        .iter()
        .map(|x| PauseRow {
            id: x.id,
            nights: if x.first_night == x.last_night {
                day(x.first_night)
            } else {
                format!("{} – {}", x.first_night, x.last_night)
            },
            reason: t.code("pause_reason", x.reason.code()),
            requested: t.code("pause_request", x.requested.code()),
            note: x.note.clone().unwrap_or_default(),
            recorded: format!(
                "{} · {}",
                local_time(x.recorded_at),
                names.user(x.recorded_by)
            ),
            cancelled: x.cancelled_at.is_some(),
            past: x.last_night < today,
        })
        .collect()
}

#[derive(Debug, Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub times: String,
    #[serde(default)]
    pub recheck_delay_minutes: String,
    #[serde(default)]
    pub escalation: String,
    #[serde(default)]
    pub response_target_minutes: String,
}

impl PlanForm {
    fn to_input(&self) -> Result<PlanInput, ApiError> {
        Ok(PlanInput {
            mode: form_code("mode", &self.mode, SupervisionMode::from_code)?,
            times: self.times.clone(),
            recheck_delay_minutes: form_opt_minutes(
                "recheck_delay_minutes",
                &self.recheck_delay_minutes,
            )?,
            escalation: form_opt_code("escalation", &self.escalation, EscalationChain::from_code)?,
            response_target_minutes: form_opt_minutes(
                "response_target_minutes",
                &self.response_target_minutes,
            )?,
        })
    }
}

pub async fn set_plan(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<PlanForm>,
) -> PageResult {
    change(r, &id, "plan-saved", "plan", sent, async |s, ctx, id| {
        Ok(s.services.set_plan(ctx, id, form.to_input()?).await?)
    })
    .await
}

#[derive(Debug, Deserialize)]
pub struct PauseForm {
    #[serde(default)]
    pub first_night: String,
    #[serde(default)]
    pub last_night: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub requested: String,
    #[serde(default)]
    pub note: String,
}

impl PauseForm {
    fn to_input(&self) -> Result<PauseInput, ApiError> {
        let first_night = form_date("first_night", &self.first_night)?;
        Ok(PauseInput {
            first_night,
            last_night: form_opt_date("last_night", &self.last_night)?.unwrap_or(first_night),
            reason: form_code("reason", &self.reason, PauseReason::from_code)?,
            requested: form_code("requested", &self.requested, PauseRequest::from_code)?,
            note: form_opt_text(&self.note),
        })
    }
}

pub async fn add_pause(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<PauseForm>,
) -> PageResult {
    change(
        r,
        &id,
        "pause-recorded",
        "pauses",
        sent,
        async |s, ctx, id| Ok(s.services.record_pause(ctx, id, form.to_input()?).await?),
    )
    .await
}

pub async fn cancel_pause(r: Req, Path((id, pause)): Path<(String, String)>) -> PageResult {
    change(
        r,
        &id,
        "pause-cancelled",
        "pauses",
        Sent::default(),
        async |s, ctx, id| {
            let pause: PauseId = found(&pause)?;
            Ok(s.services.cancel_pause(ctx, id, pause).await?)
        },
    )
    .await
}

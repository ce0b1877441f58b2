//! A client's prescribed tasks (and the form that prescribes one), and the client's signing
//! history of a period as a page, CSV or PDF.

use askama::Template;
use axum::response::IntoResponse;
use jiff::ToSpan;
use jiff::civil::{Date, Time};
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::delegation::prescription::hhmm;
use vaka_domain::ids::{ClientId, PrescriptionId};
use vaka_service::delegation::prescriptions::PrescriptionInput;

use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::identity::Caller;
use crate::page::{
    KeptForm, OrPage, PageCtx, PageResult, Req, change_record, found, local_time, parse_id,
    record_page, render,
};
use crate::reports::signing_history::{download, marks, outcome_text, time_text};
use crate::state::AppState;
use crate::ui::account::home::Flash;
use crate::ui::delegation::optional;
use crate::ui::registry::clients::Choice;

pub struct PrescriptionRow {
    pub id: String,
    pub task: String,
    pub medication: bool,
    pub instruction: String,
    pub times: String,
    pub period: String,
    pub window: String,
    pub prescriber: String,
    pub running: bool,
}

#[derive(Template)]
#[template(path = "prescriptions.html")]
pub struct PrescriptionsPage {
    pub page: PageCtx,
    pub id: String,
    pub name: String,
    pub rows: Vec<PrescriptionRow>,
    pub may_prescribe: bool,
    pub task_types: Vec<Choice>,
    pub today: String,
}

async fn prescriptions_page(
    state: &AppState,
    caller: &Caller,
    id: ClientId,
    page: PageCtx,
) -> PageResult {
    let t = page.t;
    let ctx = caller.ctx();
    let (name, list) = state
        .services
        .prescriptions(&ctx, id)
        .await
        .or_page(&page)?;
    let may_prescribe = caller
        .principal
        .has_permission(Permission::DelegationManage);
    let task_types = if may_prescribe {
        state
            .services
            .task_types(&ctx)
            .await
            .or_page(&page)?
            .into_iter()
            .filter(|k| !k.retired)
            .map(|k| (k.code.to_string(), k.name))
            .collect()
    } else {
        Vec::new()
    };
    let rows = list
        .iter()
        .map(|v| {
            let p = &v.prescription;
            PrescriptionRow {
                id: p.id.to_string(),
                task: v.task_name.clone(),
                medication: v.medication,
                instruction: p.terms.instruction.clone(),
                times: if p.terms.as_needed {
                    t.t("sign-as-needed").into_owned()
                } else {
                    p.terms
                        .times
                        .iter()
                        .map(|x| hhmm(*x))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                period: match p.last_day() {
                    Some(last) => format!("{} – {last}", p.terms.start),
                    None => format!("{} –", p.terms.start),
                },
                window: t
                    .message(
                        "presc-window-text",
                        &[
                            ("before", p.terms.window.before_minutes.into()),
                            ("after", p.terms.window.after_minutes.into()),
                        ],
                    )
                    .into_owned(),
                prescriber: v.prescriber_name.clone(),
                running: v.running,
            }
        })
        .collect();
    Ok(render(
        page.status(),
        &PrescriptionsPage {
            id: id.to_string(),
            name,
            rows,
            may_prescribe,
            task_types,
            today: state.services.today().to_string(),
            page,
        },
    ))
}

pub async fn prescriptions(r: Req, Path(id): Path<String>, Query(f): Query<Flash>) -> PageResult {
    record_page(r, "clients", &id, f.ok.as_deref(), prescriptions_page).await
}

/// The prescription form as sent.
#[derive(Debug, Default, Deserialize)]
pub struct PrescriptionForm {
    #[serde(default)]
    pub task_type: String,
    #[serde(default)]
    pub instruction: String,
    /// Times of day separated by commas or spaces: `08:00, 20:00`.
    #[serde(default)]
    pub times: String,
    #[serde(default)]
    pub as_needed: Option<String>,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub window_before: String,
    #[serde(default)]
    pub window_after: String,
}

impl PrescriptionForm {
    fn to_input(&self) -> Result<PrescriptionInput, ApiError> {
        let times = self
            .times
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<Time>().map_err(|_| {
                    ApiError::invalid("times", vaka_domain::reason::InputReason::NotValid)
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PrescriptionInput {
            task_type: self.task_type.trim().to_owned(),
            instruction: self.instruction.clone(),
            times,
            as_needed: self.as_needed.is_some(),
            start: optional::<Date>(&self.start, "start")?.ok_or_else(|| {
                ApiError::invalid("start", vaka_domain::reason::InputReason::Required)
            })?,
            end: optional(&self.end, "end")?,
            window_before_minutes: optional(&self.window_before, "window_before")?,
            window_after_minutes: optional(&self.window_after, "window_after")?,
        })
    }
}

pub async fn prescribe(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<PrescriptionForm>,
) -> PageResult {
    change_record(
        r,
        "clients",
        &id,
        async |s: &AppState, caller: &Caller, id: ClientId| {
            let input = form.to_input()?;
            s.services
                .prescribe(&caller.ctx(), id, input)
                .await
                .map_err(ApiError::from)
        },
        |id| format!("/clients/{id}/prescriptions?ok=presc-created"),
        async |s, caller, id, page| prescriptions_page(s, caller, id, page.keeping(sent)).await,
    )
    .await
}

pub async fn end(r: Req, Path((id, p)): Path<(String, String)>) -> PageResult {
    change_record(
        r,
        "clients",
        &id,
        async |s: &AppState, caller: &Caller, _client: ClientId| {
            let p: PrescriptionId = found(&p)?;
            s.services
                .end_prescription(&caller.ctx(), p, None)
                .await
                .map_err(ApiError::from)
        },
        |id| format!("/clients/{id}/prescriptions?ok=presc-ended"),
        prescriptions_page,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct HistoryQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    /// `csv` or `pdf` for a file.
    pub format: Option<String>,
}

pub struct HistoryRow {
    pub day: String,
    pub time: String,
    pub task: String,
    pub outcome: String,
    pub state_code: &'static str,
    pub signer: String,
    pub signed_at: String,
    pub marks: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "signing_history.html")]
pub struct HistoryPage {
    pub page: PageCtx,
    pub id: String,
    pub name: String,
    pub from: String,
    pub to: String,
    pub rows: Vec<HistoryRow>,
    pub occasions: usize,
    pub in_time: usize,
    pub late: usize,
    pub missed: usize,
    pub deviations: usize,
}

/// The history of `from..=to` (the last seven days to today when not given) as a page or a
/// file.
pub async fn history(r: Req, Path(id): Path<String>, Query(q): Query<HistoryQuery>) -> PageResult {
    let Req { state, t, caller } = r;
    let page = PageCtx::for_caller(&caller, t, "clients");
    let id: ClientId = parse_id(&id, &page)?;
    let today = state.services.today();
    let to = optional::<Date>(q.to.as_deref().unwrap_or(""), "to")
        .or_page(&page)?
        .unwrap_or(today);
    let from = optional::<Date>(q.from.as_deref().unwrap_or(""), "from")
        .or_page(&page)?
        .unwrap_or_else(|| to.checked_sub(6.days()).unwrap_or(to));
    let h = state
        .services
        .signing_history(&caller.ctx(), id, from, to)
        .await
        .or_page(&page)?;
    if let Some(format) = q.format.as_deref().filter(|f| *f == "csv" || *f == "pdf") {
        return Ok(download(&h, t, format).into_response());
    }
    let rows = h
        .lines
        .iter()
        .map(|l| HistoryRow {
            day: l.day.to_string(),
            time: time_text(t, l),
            task: l.task_name.clone(),
            outcome: outcome_text(t, l),
            state_code: l.state,
            signer: l.signer_name.clone().unwrap_or_default(),
            signed_at: l
                .signing
                .as_ref()
                .map(|s| local_time(s.signed_at))
                .unwrap_or_default(),
            marks: marks(t, l),
            note: l
                .signing
                .as_ref()
                .and_then(|s| s.draft.note.clone())
                .unwrap_or_default(),
        })
        .collect();
    Ok(render(
        page.status(),
        &HistoryPage {
            id: id.to_string(),
            name: h.client_name.clone(),
            from: from.to_string(),
            to: to.to_string(),
            rows,
            occasions: h.tally.occasions,
            in_time: h.tally.in_time,
            late: h.tally.late,
            missed: h.tally.missed,
            deviations: h.tally.deviations,
            page,
        },
    ))
}

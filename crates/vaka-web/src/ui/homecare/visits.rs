//! A unit's visits (a day or a week) with their flags, a visit with its corrections and the
//! correction form, and the week's approval.

use std::collections::BTreeMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::civil::{Date, DateTime};
use jiff::{Timestamp, ToSpan};
use serde::Deserialize;
use vaka_domain::access::{Permission, Scope};
use vaka_domain::homecare::CareTask;
use vaka_domain::homecare::visit::{CorrectionReason, Visit, week_start};
use vaka_domain::ids::{UnitId, VisitId};
use vaka_domain::reason::HomecareReason;
use vaka_service::homecare::manage::{CorrectionInput, VisitDetail, VisitLine};

use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::i18n::Tr;
use crate::page::{
    KeptForm, OrPage, PageCtx, PageResult, Req, change_record, local_time, parse_id, render,
    stockholm,
};
use crate::ui::registry::clients::{Choice, Names, choices, form_code, form_opt_date};

/// One visit as a row of the unit's list.
pub struct VisitRow {
    pub id: String,
    pub date: String,
    pub client: String,
    pub worker: String,
    pub kind: String,
    pub time: String,
    pub minutes: i64,
    pub tasks: String,
    pub evidence: String,
    pub manual: bool,
    pub late: bool,
    pub skew: bool,
    pub corrected: bool,
    pub open: bool,
}

/// A planned visit nothing was registered for.
pub struct MissingRow {
    pub date: String,
    pub client: String,
    pub window: String,
}

#[derive(Template)]
#[template(path = "homecare_hub.html")]
pub struct HubPage {
    pub page: PageCtx,
    pub units: Vec<(String, String)>,
    pub can_lock: bool,
    pub can_pay: bool,
}

#[derive(Template)]
#[template(path = "homecare_unit.html")]
pub struct UnitPage {
    pub page: PageCtx,
    pub unit_id: String,
    pub unit: String,
    pub week: bool,
    pub from: String,
    pub to: String,
    pub prev: String,
    pub next: String,
    pub rows: Vec<VisitRow>,
    pub missing: Vec<MissingRow>,
    pub approved: Option<String>,
    pub can_approve: bool,
    /// The week's workers: (name, when they confirmed the week).
    pub workers: Vec<(String, Option<String>)>,
    /// Some worker has not confirmed the week yet (the approval waits).
    pub waiting: bool,
    pub locked_through: Option<String>,
    pub count_manual: usize,
    pub count_late: usize,
    pub count_corrected: usize,
}

pub struct CorrectionRow {
    pub at: String,
    pub by: String,
    pub field: String,
    pub old_value: String,
    pub new_value: String,
    pub reason: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "homecare_visit.html")]
pub struct VisitPage {
    pub page: PageCtx,
    pub id: String,
    pub unit_id: String,
    pub row: VisitRow,
    pub start_device: String,
    pub start_received: String,
    pub end_device: String,
    pub end_received: String,
    pub note: String,
    pub corrections: Vec<CorrectionRow>,
    pub approved: bool,
    pub locked_through: Option<String>,
    pub may_correct: bool,
    pub started_local: String,
    pub ended_local: String,
    pub tasks: Vec<(String, String, bool)>,
    pub reasons: Vec<Choice>,
    /// The client's door during the visit: (local time, what happened and by whom).
    pub door: Vec<(String, String)>,
}

/// A local wall-clock time `HH:MM`.
fn hm(ts: Timestamp) -> String {
    ts.to_zoned(stockholm()).strftime("%H:%M").to_string()
}

/// A local time for a `datetime-local` field.
fn local_input(ts: Timestamp) -> String {
    ts.to_zoned(stockholm())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

fn tasks_text(t: Tr, tasks: &[CareTask]) -> String {
    tasks
        .iter()
        .map(|k| t.code("care-task", k.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn row(t: Tr, l: &VisitLine) -> VisitRow {
    let v: &Visit = &l.visit;
    VisitRow {
        id: v.id.to_string(),
        date: v.date.to_string(),
        client: l.client_name.clone(),
        worker: l.worker_name.clone(),
        kind: t.code("visit_kind", v.kind.code()),
        time: format!(
            "{}–{}",
            hm(v.started_at()),
            v.ended_at().map(hm).unwrap_or_default()
        ),
        minutes: v.minutes(),
        tasks: tasks_text(t, &v.tasks_done),
        evidence: t.code("evidence", v.start.evidence.kind().code()),
        manual: v.manual(),
        late: v.late_sync(),
        skew: v.clock_skew(),
        corrected: v.corrected,
        open: v.end.is_none(),
    }
}

/// The units whose visits the caller manages.
fn managed_units(r: &Req) -> Vec<UnitId> {
    let mut units: Vec<UnitId> = r
        .caller
        .principal
        .assignments
        .iter()
        .filter(|a| a.role.has(Permission::VisitManage))
        .filter_map(|a| match a.scope() {
            Scope::Unit(u) => Some(u),
            _ => None,
        })
        .collect();
    units.sort();
    units.dedup();
    units
}

pub async fn hub(r: Req) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "homecare");
    let names = Names::load(&r.state, &r.caller, &[]).await.or_page(&page)?;
    let units = managed_units(&r)
        .into_iter()
        .map(|u| (u.to_string(), names.unit(Some(u))))
        .collect();
    let p = &r.caller.principal;
    Ok(render(
        StatusCode::OK,
        &HubPage {
            units,
            can_lock: p.has_permission(Permission::VisitPeriodLock),
            can_pay: p.has_permission(Permission::PaymentBasisRead),
            page,
        },
    ))
}

#[derive(Debug, Deserialize)]
pub struct UnitQuery {
    /// `YYYY-MM-DD`
    pub date: Option<String>,
    /// `day` (default) or `week`.
    pub view: Option<String>,
    pub ok: Option<String>,
}

pub async fn unit(r: Req, Path(id): Path<String>, Query(q): Query<UnitQuery>) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "homecare").with_flash_key(q.ok.as_deref());
    let unit: UnitId = parse_id(&id, &page)?;
    show_unit(
        &r,
        unit,
        q.date.as_deref(),
        q.view.as_deref() == Some("week"),
        page,
    )
    .await
}

async fn show_unit(
    r: &Req,
    unit: UnitId,
    date: Option<&str>,
    week: bool,
    page: PageCtx,
) -> PageResult {
    let t = r.t;
    let today = r.state.services.today();
    let day = form_opt_date("date", date.unwrap_or(""))
        .or_page(&page)?
        .unwrap_or(today);
    let (from, to) = if week {
        let m = week_start(day);
        (m, m.checked_add(6.days()).unwrap_or(m))
    } else {
        (day, day)
    };
    let step = if week { 7 } else { 1 };
    let u = r
        .state
        .services
        .unit_visits(&r.caller.ctx(), unit, from, to)
        .await
        .or_page(&page)?;
    let rows: Vec<VisitRow> = u.visits.iter().map(|l| row(t, l)).collect();
    let missing = u
        .missing
        .iter()
        .map(|(pv, name)| MissingRow {
            date: pv.date.to_string(),
            client: name.clone(),
            window: format!("{}–{}", hm(pv.from), hm(pv.to)),
        })
        .collect();
    let shift = |d: Date, n: i64| d.checked_add(n.days()).unwrap_or(d).to_string();
    let status = page.status();
    let waiting = u.workers.iter().any(|x| x.confirmed_at.is_none());
    Ok(render(
        status,
        &UnitPage {
            unit_id: unit.to_string(),
            unit: u.unit.name.clone(),
            week,
            from: from.to_string(),
            to: to.to_string(),
            prev: shift(from, -step),
            next: shift(from, step),
            count_manual: rows.iter().filter(|x| x.manual).count(),
            count_late: rows.iter().filter(|x| x.late).count(),
            count_corrected: rows.iter().filter(|x| x.corrected).count(),
            rows,
            missing,
            approved: u.approval.as_ref().map(|a| local_time(a.approved_at)),
            can_approve: week && u.approval.is_none() && to < today && !waiting,
            workers: u
                .workers
                .iter()
                .map(|x| (x.name.clone(), x.confirmed_at.map(local_time)))
                .collect(),
            waiting,
            locked_through: u.locked_through.map(|d| d.to_string()),
            page,
        },
    ))
}

#[derive(Debug, Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    pub week: String,
}

pub async fn approve(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<ApproveForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "homecare");
    let unit: UnitId = parse_id(&id, &page)?;
    let week = form_opt_date("week", &form.week).or_page(&page)?;
    let result = match week {
        Some(w) => r
            .state
            .services
            .approve_week(&r.caller.ctx(), unit, w)
            .await
            .map_err(ApiError::from),
        None => Err(ApiError::invalid("week", HomecareReason::WeekStartsMonday)),
    };
    match result {
        Ok(a) => Ok(Redirect::to(&format!(
            "/homecare/units/{unit}?view=week&date={}&ok=hc-week-approved",
            a.week_start
        ))
        .into_response()),
        Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND => {
            Err(crate::page::PageError { error: e, page })
        }
        Err(e) => {
            let page = page.with_error(&e).keeping(sent);
            show_unit(&r, unit, Some(&form.week), true, page).await
        }
    }
}

pub async fn visit(r: Req, Path(id): Path<String>, Query(q): Query<UnitQuery>) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "homecare").with_flash_key(q.ok.as_deref());
    let id: VisitId = parse_id(&id, &page)?;
    show_visit(&r.state, &r.caller, r.t, id, page).await
}

async fn show_visit(
    state: &crate::state::AppState,
    caller: &crate::identity::Caller,
    t: Tr,
    id: VisitId,
    page: PageCtx,
) -> PageResult {
    let d: VisitDetail = state
        .services
        .visit_detail(&caller.ctx(), id)
        .await
        .or_page(&page)?;
    let users: Vec<_> = d.corrections.iter().map(|c| c.by).collect();
    let names = Names::load(state, caller, &users).await.or_page(&page)?;
    let v = &d.line.visit;
    let corrections = d
        .corrections
        .iter()
        .map(|c| CorrectionRow {
            at: local_time(c.at),
            by: names.user(c.by),
            field: t.code("correction_field", c.field.code()),
            old_value: shown_value(t, c.old_value.as_deref()),
            new_value: shown_value(t, c.new_value.as_deref()),
            reason: t.code("correction_reason", c.reason.code()),
            text: c.text.clone(),
        })
        .collect();
    let locked = d.locked_through.is_some_and(|l| v.date <= l);
    let status = page.status();
    Ok(render(
        status,
        &VisitPage {
            id: v.id.to_string(),
            unit_id: v.unit_id.to_string(),
            start_device: local_time(v.start.device_time),
            start_received: local_time(v.start.received_at),
            end_device: v.end.map(|e| local_time(e.device_time)).unwrap_or_default(),
            end_received: v.end.map(|e| local_time(e.received_at)).unwrap_or_default(),
            note: v.note.clone().unwrap_or_default(),
            started_local: local_input(v.started_at()),
            ended_local: v.ended_at().map(local_input).unwrap_or_default(),
            tasks: CareTask::ALL
                .iter()
                .map(|k| {
                    (
                        k.code().to_owned(),
                        t.code("care-task", k.code()),
                        v.tasks_done.contains(k),
                    )
                })
                .collect(),
            reasons: choices(
                t,
                "correction_reason",
                CorrectionReason::ALL,
                CorrectionReason::code,
            ),
            door: d
                .door_events
                .iter()
                .map(|e| {
                    (
                        local_time(e.at),
                        crate::ui::keys::event_text(
                            t,
                            e.kind,
                            e.user_name.as_deref(),
                            e.detail.as_deref(),
                        ),
                    )
                })
                .collect(),
            row: row(t, &d.line),
            corrections,
            approved: d.approval.is_some(),
            locked_through: d.locked_through.map(|x| x.to_string()),
            may_correct: d.may_correct && !locked,
            page,
        },
    ))
}

/// A value of a correction as the page shows it: an instant in local time, task codes in
/// words, anything else as it is.
fn shown_value(t: Tr, v: Option<&str>) -> String {
    let Some(v) = v else {
        return "—".into();
    };
    if let Ok(ts) = v.parse::<Timestamp>() {
        return local_time(ts);
    }
    let tasks: Vec<CareTask> = v.split(',').filter_map(CareTask::from_code).collect();
    if !tasks.is_empty() && tasks.len() == v.split(',').count() {
        return tasks_text(t, &tasks);
    }
    v.to_owned()
}

#[derive(Debug, Deserialize)]
pub struct CorrectionForm {
    #[serde(default)]
    pub started_at: String,
    #[serde(default)]
    pub ended_at: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub text: String,
    /// `task-<code>` for each task ticked; `tasks` = "shown" says the boxes were on the form.
    #[serde(flatten)]
    pub rest: BTreeMap<String, String>,
}

/// A local `datetime-local` value as an instant (an empty field: unchanged).
fn local_instant(field: &'static str, raw: &str) -> Result<Option<Timestamp>, ApiError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let dt: DateTime = raw
        .parse()
        .map_err(|_| ApiError::invalid(field, vaka_domain::reason::InputReason::NotValid))?;
    dt.to_zoned(stockholm())
        .map(|z| Some(z.timestamp()))
        .map_err(|_| ApiError::invalid(field, vaka_domain::reason::InputReason::NotValid))
}

impl CorrectionForm {
    fn to_input(&self) -> Result<CorrectionInput, ApiError> {
        let reason = match self.reason.trim() {
            "" => None,
            r => Some(form_code("reason", r, CorrectionReason::from_code)?),
        };
        let tasks = self.rest.contains_key("tasks").then(|| {
            CareTask::ALL
                .iter()
                .copied()
                .filter(|k| self.rest.contains_key(&format!("task-{}", k.code())))
                .collect()
        });
        Ok(CorrectionInput {
            started_at: local_instant("started_at", &self.started_at)?,
            ended_at: local_instant("ended_at", &self.ended_at)?,
            tasks,
            note: Some(self.note.clone()),
            reason,
            text: self.text.clone(),
        })
    }
}

pub async fn correct(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<CorrectionForm>,
) -> PageResult {
    let t = r.t;
    change_record(
        r,
        "homecare",
        &id,
        async |s, caller, id: VisitId| {
            let input = form.to_input()?;
            s.services
                .correct_visit(&caller.ctx(), id, input)
                .await
                .map_err(ApiError::from)
        },
        |id| format!("/homecare/visits/{id}?ok=hc-corrected"),
        async |s, caller, id, page| show_visit(s, caller, t, id, page.keeping(sent)).await,
    )
    .await
}

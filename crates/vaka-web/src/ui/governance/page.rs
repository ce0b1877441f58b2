//! The `/governance` page and its forms. Everything is worded here from the service's views;
//! the template lays it out.

use askama::Template;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use vaka_domain::governance::{
    FaultStatus, GovernanceRole, IncidentStatus, InformationType, KlassaLevel,
};
use vaka_domain::ids::{ContractId, DutyId, FaultReportId, GovernanceAssignmentId, IncidentId};
use vaka_service::governance::overview::GovernanceOverview;
use vaka_service::governance::plan::{ClassificationInput, ContractInput, DutyInput};
use vaka_service::governance::reports::{FaultInput, FaultStepInput, IncidentInput};
use vaka_service::governance::roles::RoleInput;

use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::i18n::Tr;
use crate::identity::Caller;
use crate::page::{
    ErrorPage, KeptForm, OrPage, PageCtx, PageResult, Req, Sent, after_change, local_time,
};
use crate::state::AppState;
use crate::ui::account::home::Flash;

pub struct HolderRow {
    pub id: String,
    pub role: String,
    pub name: String,
    pub period: String,
    pub current: bool,
}

pub struct ContractRow {
    pub id: String,
    pub supplier: String,
    pub subject: String,
    pub reference: String,
    pub period: String,
    pub notice: String,
    pub sla: String,
    pub follow_up: String,
    pub last_follow_up: String,
    /// Worded reminders ("Uppsägning senast 2026-12-30").
    pub reminders: Vec<String>,
    /// The values of the edit form: (field, label key, input type, value).
    pub fields: Vec<(&'static str, &'static str, &'static str, String)>,
}

pub struct ClassRow {
    pub code: &'static str,
    pub name: String,
    /// (field, level code, level words) for the four aspects.
    pub levels: Vec<(&'static str, &'static str, String)>,
    pub changed: String,
}

pub struct OccurrenceRow {
    pub duty: String,
    pub name: String,
    pub role: String,
    pub due: String,
    pub signed: String,
    pub overdue: bool,
    pub may_sign: bool,
    pub form: String,
}

pub struct DutyRow {
    pub id: String,
    pub name: String,
    pub recurrence: &'static str,
    pub month: String,
    pub day: String,
    pub responsible: &'static str,
    pub starts_on: String,
    /// "Månadsvis, dag 10 · Systemförvaltare · från 2026-01-01".
    pub summary: String,
}

pub struct StepRow {
    pub status: String,
    pub at: String,
    pub by: String,
    pub note: String,
}

pub struct IncidentRow {
    pub id: String,
    pub kind: String,
    pub what: String,
    pub occurred: String,
    pub reported: String,
    pub status_code: &'static str,
    pub status: String,
    pub steps: Vec<StepRow>,
    /// The steps the handler may take next: (code, words).
    pub next: Vec<(&'static str, String)>,
}

pub struct FaultRow {
    pub id: String,
    pub supplier: String,
    pub what: String,
    pub reported: String,
    pub status_code: &'static str,
    pub status: String,
    pub supplier_ref: String,
    pub acknowledged: String,
    pub resolved: String,
    pub resolution: String,
    pub next: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "governance.html")]
pub struct GovernancePage {
    pub page: PageCtx,
    pub may_manage: bool,
    pub member: bool,
    pub handles_incidents: bool,
    pub reports_faults: bool,
    pub my_roles: Vec<String>,
    pub holders: Vec<HolderRow>,
    pub roles: Vec<(&'static str, String)>,
    pub contracts: Vec<ContractRow>,
    pub classes: Vec<ClassRow>,
    pub levels: Vec<(&'static str, String)>,
    pub occurrences: Vec<OccurrenceRow>,
    pub duties: Vec<DutyRow>,
    pub recurrences: Vec<(&'static str, String)>,
    pub incidents: Vec<IncidentRow>,
    pub incident_kinds: Vec<(&'static str, String)>,
    pub faults: Vec<FaultRow>,
    /// The suppliers a fault can go to: (contract id, "supplier — subject").
    pub suppliers: Vec<(String, String)>,
    pub receivers: String,
    pub today: String,
}

fn period(t: Tr, from: jiff::civil::Date, until: Option<jiff::civil::Date>) -> String {
    match until {
        Some(u) => format!("{from} – {u}"),
        None => t
            .message("gov-from-on", &[("from", from.to_string().into())])
            .into_owned(),
    }
}

fn level_words(t: Tr, l: KlassaLevel) -> String {
    format!("{} {}", l.number(), t.code("gov-level", l.code()))
}

fn build(t: Tr, o: &GovernanceOverview) -> GovernancePage {
    let role = |r: GovernanceRole| t.code("gov-role", r.code());
    let holders = o
        .holders
        .iter()
        .map(|h| HolderRow {
            id: h.id.to_string(),
            role: role(h.role),
            name: h.name.clone(),
            period: period(t, h.from, h.until),
            current: h.current,
        })
        .collect();
    let contracts = o
        .contracts
        .iter()
        .map(|c| {
            let r = &c.record;
            let sla = match r.availability {
                Some(a) => t
                    .message(
                        "gov-sla-availability",
                        &[("percent", format!("{},{}", a / 10, a % 10).into())],
                    )
                    .into_owned(),
                None => String::new(),
            };
            ContractRow {
                id: r.id.to_string(),
                supplier: r.supplier.clone(),
                subject: r.subject.clone(),
                reference: r.reference.clone(),
                period: period(t, r.starts_on, r.ends_on),
                notice: match c.notice_by {
                    Some(d) => t
                        .message(
                            "gov-notice-by",
                            &[
                                ("months", i64::from(r.notice_months).into()),
                                ("date", d.to_string().into()),
                            ],
                        )
                        .into_owned(),
                    None => t
                        .message(
                            "gov-notice-open",
                            &[("months", i64::from(r.notice_months).into())],
                        )
                        .into_owned(),
                },
                sla: [sla, r.response_terms.clone()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
                follow_up: r.next_follow_up.to_string(),
                last_follow_up: match (&r.followed_up_at, &r.follow_up_note) {
                    (Some(at), note) => format!(
                        "{}{}",
                        local_time(*at),
                        note.as_deref()
                            .filter(|n| !n.is_empty())
                            .map(|n| format!(": {n}"))
                            .unwrap_or_default()
                    ),
                    (None, _) => String::new(),
                },
                fields: vec![
                    ("supplier", "gov-supplier", "text", r.supplier.clone()),
                    ("subject", "gov-subject", "text", r.subject.clone()),
                    ("reference", "gov-reference", "text", r.reference.clone()),
                    (
                        "starts_on",
                        "gov-starts-on",
                        "date",
                        r.starts_on.to_string(),
                    ),
                    (
                        "ends_on",
                        "gov-ends-on",
                        "date",
                        r.ends_on.map(|d| d.to_string()).unwrap_or_default(),
                    ),
                    (
                        "notice_months",
                        "gov-notice-months",
                        "number",
                        r.notice_months.to_string(),
                    ),
                    (
                        "availability",
                        "gov-availability",
                        "text",
                        r.availability
                            .map(|a| format!("{},{}", a / 10, a % 10))
                            .unwrap_or_default(),
                    ),
                    (
                        "response_terms",
                        "gov-response-terms",
                        "text",
                        r.response_terms.clone(),
                    ),
                    (
                        "next_follow_up",
                        "gov-next-follow-up",
                        "date",
                        r.next_follow_up.to_string(),
                    ),
                ],
                reminders: c
                    .reminders
                    .iter()
                    .map(|r| crate::ui::account::home::reminder(t, *r))
                    .collect(),
            }
        })
        .collect();
    let classes = o
        .classification
        .iter()
        .map(|c| {
            let k = &c.classification;
            ClassRow {
                code: c.info_type.code(),
                name: t.code("gov-info", c.info_type.code()),
                levels: vec![
                    (
                        "confidentiality",
                        k.confidentiality.code(),
                        level_words(t, k.confidentiality),
                    ),
                    ("integrity", k.integrity.code(), level_words(t, k.integrity)),
                    (
                        "availability",
                        k.availability.code(),
                        level_words(t, k.availability),
                    ),
                    (
                        "traceability",
                        k.traceability.code(),
                        level_words(t, k.traceability),
                    ),
                ],
                changed: c.set_at.map(local_time).unwrap_or_default(),
            }
        })
        .collect();
    let occurrences = o
        .occurrences
        .iter()
        .map(|x| OccurrenceRow {
            duty: x.duty_id.to_string(),
            name: t.code("gov-duty", &x.code),
            role: role(x.responsible),
            due: x.due.to_string(),
            signed: x
                .signed
                .as_ref()
                .map(|(who, at, note)| {
                    let mut s = format!("{} {}", who, local_time(*at));
                    if !note.is_empty() {
                        s.push_str(": ");
                        s.push_str(note);
                    }
                    s
                })
                .unwrap_or_default(),
            overdue: x.overdue,
            may_sign: x.may_sign,
            form: format!("sign-{}-{}", x.duty_id, x.due),
        })
        .collect();
    let duties = o
        .duties
        .iter()
        .map(|d| {
            let rec = d.schedule.recurrence;
            DutyRow {
                id: d.id.to_string(),
                name: t.code("gov-duty", &d.code),
                recurrence: rec.code(),
                month: d.schedule.month.to_string(),
                day: d.schedule.day.to_string(),
                responsible: d.responsible.code(),
                starts_on: d.starts_on.to_string(),
                summary: t
                    .message(
                        &format!("gov-schedule-{}", rec.code()),
                        &[
                            ("month", i64::from(d.schedule.month).into()),
                            ("day", i64::from(d.schedule.day).into()),
                        ],
                    )
                    .into_owned()
                    + &format!(
                        " · {} · {}",
                        role(d.responsible),
                        period(t, d.starts_on, None)
                    ),
            }
        })
        .collect();
    let incidents = o
        .incidents
        .iter()
        .map(|i| {
            let r = &i.record;
            let next = if o.handles_incidents {
                IncidentStatus::ALL
                    .iter()
                    .filter(|s| r.status.check_step(**s).is_ok())
                    .map(|s| (s.code(), t.code("gov-incident-to", s.code())))
                    .collect()
            } else {
                Vec::new()
            };
            IncidentRow {
                id: r.id.to_string(),
                kind: t.code("gov-incident-kind", r.kind.code()),
                what: r.what.clone(),
                occurred: local_time(r.occurred_at),
                reported: format!("{} · {}", local_time(r.reported_at), r.reporter_name),
                status_code: r.status.code(),
                status: t.code("gov-incident-status", r.status.code()),
                steps: i
                    .steps
                    .iter()
                    .map(|s| StepRow {
                        status: t.code("gov-incident-status", s.status.code()),
                        at: local_time(s.at),
                        by: s.by_name.clone(),
                        note: s.note.clone(),
                    })
                    .collect(),
                next,
            }
        })
        .collect();
    let faults = o
        .faults
        .iter()
        .map(|f| FaultRow {
            id: f.id.to_string(),
            supplier: f.supplier.clone(),
            what: f.what.clone(),
            reported: format!("{} · {}", local_time(f.reported_at), f.reporter_name),
            status_code: f.status.code(),
            status: t.code("gov-fault-status", f.status.code()),
            supplier_ref: f.supplier_ref.clone(),
            acknowledged: f.acknowledged_at.map(local_time).unwrap_or_default(),
            resolved: f.resolved_at.map(local_time).unwrap_or_default(),
            resolution: f.resolution.clone(),
            next: if o.reports_faults {
                FaultStatus::ALL
                    .iter()
                    .filter(|s| f.status.check_step(**s).is_ok())
                    .map(|s| (s.code(), t.code("gov-fault-to", s.code())))
                    .collect()
            } else {
                Vec::new()
            },
        })
        .collect();
    let suppliers = o
        .contracts
        .iter()
        .map(|c| {
            (
                c.record.id.to_string(),
                format!("{} — {}", c.record.supplier, c.record.subject),
            )
        })
        .collect();
    GovernancePage {
        page: PageCtx::anonymous(t),
        may_manage: o.may_manage,
        member: o.member,
        handles_incidents: o.handles_incidents,
        reports_faults: o.reports_faults,
        my_roles: o.my_roles.iter().map(|r| role(*r)).collect(),
        holders,
        roles: GovernanceRole::ALL
            .iter()
            .map(|r| (r.code(), role(*r)))
            .collect(),
        contracts,
        classes,
        levels: KlassaLevel::ALL
            .iter()
            .map(|l| (l.code(), level_words(t, *l)))
            .collect(),
        occurrences,
        duties,
        recurrences: vaka_domain::governance::Recurrence::ALL
            .iter()
            .map(|r| (r.code(), t.code("gov-recurrence", r.code())))
            .collect(),
        incidents,
        incident_kinds: vaka_domain::governance::IncidentKind::ALL
            .iter()
            .map(|k| (k.code(), t.code("gov-incident-kind", k.code())))
            .collect(),
        faults,
        suppliers,
        receivers: if o.receivers.is_empty() {
            t.t("gov-no-receivers").into_owned()
        } else {
            o.receivers.join(", ")
        },
        today: o.today.map(|d| d.to_string()).unwrap_or_default(),
    }
}

async fn show(state: &AppState, caller: &Caller, page: PageCtx) -> PageResult {
    let o = state
        .services
        .governance_overview(&caller.ctx())
        .await
        .or_page(&page)?;
    let mut built = build(page.t, &o);
    built.page = page;
    Ok(crate::page::render(built.page.status(), &built))
}

pub async fn page(r: Req, Query(f): Query<Flash>) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "governance").with_flash_key(f.ok.as_deref());
    show(&r.state, &r.caller, page).await
}

/// Back to the page with a notice, or the page again with the error beside the form.
async fn changed<T>(
    r: Req,
    result: Result<T, ApiError>,
    sent: Sent,
    ok: &'static str,
    anchor: &'static str,
) -> PageResult {
    let Req { state, t, caller } = r;
    let page = PageCtx::for_caller(&caller, t, "governance");
    after_change(
        ErrorPage::Refused,
        result,
        page,
        |_, _| Redirect::to(&format!("/governance?ok={ok}#{anchor}")).into_response(),
        async |page| show(&state, &caller, page.keeping(sent)).await,
    )
    .await
}

pub async fn assign(r: Req, KeptForm(form, sent): KeptForm<RoleInput>) -> PageResult {
    let result = r
        .state
        .services
        .assign_governance_role(&r.caller.ctx(), form)
        .await
        .map_err(ApiError::from);
    changed(r, result, sent, "gov-ok-role-assigned", "roles").await
}

#[derive(Debug, Default, Deserialize)]
pub struct EndForm {
    #[serde(default)]
    pub until: String,
}

pub async fn end_role(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<EndForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "governance");
    let id: GovernanceAssignmentId = crate::page::parse_id(&id, &page)?;
    let result = r
        .state
        .services
        .end_governance_role(&r.caller.ctx(), id, &form.until)
        .await
        .map_err(ApiError::from);
    changed(r, result, sent, "gov-ok-role-ended", "roles").await
}

pub async fn add_contract(r: Req, KeptForm(form, sent): KeptForm<ContractInput>) -> PageResult {
    let result = r
        .state
        .services
        .save_contract(&r.caller.ctx(), None, form)
        .await
        .map_err(ApiError::from);
    changed(r, result, sent, "gov-ok-contract-saved", "contracts").await
}

pub async fn edit_contract(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<ContractInput>,
) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "governance");
    let id: ContractId = crate::page::parse_id(&id, &page)?;
    let result = r
        .state
        .services
        .save_contract(&r.caller.ctx(), Some(id), form)
        .await
        .map_err(ApiError::from);
    changed(r, result, sent, "gov-ok-contract-saved", "contracts").await
}

#[derive(Debug, Default, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    pub note: String,
}

pub async fn follow_up(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<NoteForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "governance");
    let id: ContractId = crate::page::parse_id(&id, &page)?;
    let result = r
        .state
        .services
        .follow_up_contract(&r.caller.ctx(), id, &form.note)
        .await
        .map_err(ApiError::from);
    changed(r, result, sent, "gov-ok-contract-followed-up", "contracts").await
}

pub async fn classify(
    r: Req,
    Path(kind): Path<String>,
    KeptForm(form, sent): KeptForm<ClassificationInput>,
) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "governance");
    if InformationType::from_code(&kind).is_none() {
        return Err(ApiError::not_found("page")).or_page(&page);
    }
    let result = r
        .state
        .services
        .set_classification(&r.caller.ctx(), &kind, form)
        .await
        .map_err(ApiError::from);
    changed(
        r,
        result,
        sent,
        "gov-ok-classification-saved",
        "classification",
    )
    .await
}

pub async fn set_duty(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<DutyInput>,
) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "governance");
    let id: DutyId = crate::page::parse_id(&id, &page)?;
    let result = r
        .state
        .services
        .set_duty(&r.caller.ctx(), id, form)
        .await
        .map_err(ApiError::from);
    changed(r, result, sent, "gov-ok-duty-changed", "plan").await
}

#[derive(Debug, Default, Deserialize)]
pub struct SignOffForm {
    #[serde(default)]
    pub due: String,
    #[serde(default)]
    pub note: String,
}

pub async fn sign_off(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<SignOffForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "governance");
    let id: DutyId = crate::page::parse_id(&id, &page)?;
    let result = r
        .state
        .services
        .sign_off_duty(&r.caller.ctx(), id, &form.due, &form.note)
        .await
        .map_err(ApiError::from);
    changed(r, result, sent, "gov-ok-duty-signed", "plan").await
}

pub async fn report(r: Req, KeptForm(form, sent): KeptForm<IncidentInput>) -> PageResult {
    let result = r
        .state
        .services
        .report_incident(&r.caller.ctx(), form)
        .await
        .map_err(ApiError::from);
    changed(r, result, sent, "gov-ok-incident-reported", "incidents").await
}

#[derive(Debug, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub note: String,
}

pub async fn step_incident(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<StepForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "governance");
    let id: IncidentId = crate::page::parse_id(&id, &page)?;
    let result = r
        .state
        .services
        .step_incident(&r.caller.ctx(), id, &form.status, &form.note)
        .await
        .map_err(ApiError::from);
    changed(r, result, sent, "gov-ok-incident-stepped", "incidents").await
}

pub async fn report_fault(r: Req, KeptForm(form, sent): KeptForm<FaultInput>) -> PageResult {
    let result = r
        .state
        .services
        .report_fault(&r.caller.ctx(), form)
        .await
        .map_err(ApiError::from);
    changed(r, result, sent, "gov-ok-fault-reported", "faults").await
}

pub async fn step_fault(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<FaultStepInput>,
) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "governance");
    let id: FaultReportId = crate::page::parse_id(&id, &page)?;
    let result = r
        .state
        .services
        .step_fault(&r.caller.ctx(), id, form)
        .await
        .map_err(ApiError::from);
    changed(r, result, sent, "gov-ok-fault-stepped", "faults").await
}

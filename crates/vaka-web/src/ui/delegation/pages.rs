//! The hub, a unit's page, one delegation, and their forms.

use askama::Template;
use axum::response::{IntoResponse, Redirect};
use jiff::civil::Date;
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::delegation::{
    CompetenceMethod, Delegation, DelegationEvent, DelegationStatus, RevocationReason, Scope,
    Validity,
};
use vaka_domain::ids::{ClientId, DelegationId, DeviationId, UnitId, UserId};
use vaka_service::delegation::delegations::{DelegationInput, DelegationView, RevocationInput};

use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::i18n::Tr;
use crate::identity::Caller;
use crate::page::{
    Fragment, KeptForm, OrPage, PageCtx, PageResult, Req, after_change, change_record, local_time,
    parse_id, record_page, render,
};
use crate::state::AppState;
use crate::ui::account::home::Flash;
use crate::ui::delegation::optional;
use crate::ui::registry::clients::Choice;
use crate::ui::supervision::console::live_fragment;

/// A delegation as a line of a list.
pub struct DelegationRow {
    pub id: String,
    pub task: String,
    pub delegator: String,
    pub recipient: String,
    pub unit: String,
    pub scope: String,
    pub period: String,
    pub status: String,
    pub status_code: &'static str,
    pub must_sign: bool,
}

/// A register line.
pub struct RegisterRow {
    pub id: String,
    pub recipient: String,
    pub task: String,
    pub scope: String,
    pub period: String,
    pub status: String,
    pub reminder_due: bool,
}

/// A signing list line.
pub struct SigningRow {
    pub time: String,
    pub client: String,
    pub client_id: String,
    pub task: String,
    pub state: String,
    pub state_code: &'static str,
    pub outcome: String,
    pub signer: String,
    pub late: bool,
    pub flagged: bool,
}

/// An open deviation.
pub struct DeviationRow {
    pub id: String,
    pub client: String,
    pub task: String,
    pub outcome: String,
    pub signer: String,
    pub at: String,
    pub note: String,
}

/// A missed signing, with who was called.
pub struct MissedRow {
    /// The occasion's key, stable while it is listed (for the live list).
    pub key: String,
    pub client: String,
    pub client_id: String,
    pub task: String,
    pub due: String,
    pub calls: String,
}

/// The status of a delegation in words.
pub fn status_text(t: Tr, s: DelegationStatus) -> String {
    let base = t.code("delegation_status", s.code());
    match s {
        DelegationStatus::AwaitingSignatures {
            delegator,
            recipient,
        } => {
            let waiting = match (delegator, recipient) {
                (false, false) => t.t("deleg-waiting-both"),
                (true, false) => t.t("deleg-waiting-recipient"),
                (false, true) => t.t("deleg-waiting-delegator"),
                (true, true) => t.t("deleg-waiting-none"),
            };
            format!("{base} ({waiting})")
        }
        DelegationStatus::Revoked { reason, .. } => {
            format!("{base} ({})", t.code("revocation_reason", reason.code()))
        }
        DelegationStatus::Ended { cause, .. } => {
            format!("{base} ({})", t.code("end_cause", cause.code()))
        }
        _ => base,
    }
}

fn period_text(t: Tr, v: Validity) -> String {
    match v {
        Validity::Period { from, to } => format!("{from} – {to}"),
        Validity::OneOccasion { on } => format!("{} {on}", t.t("deleg-one-occasion")),
    }
}

fn scope_text(t: Tr, scope: &Scope, names: &[String]) -> String {
    match scope {
        Scope::WholeUnit => t.t("deleg-whole-unit").into_owned(),
        Scope::Clients(_) => names.join(", "),
    }
}

fn row_of(t: Tr, v: &DelegationView) -> DelegationRow {
    let names: Vec<String> = v.clients.iter().map(|c| c.1.clone()).collect();
    DelegationRow {
        id: v.delegation.id.to_string(),
        task: v.task_name.clone(),
        delegator: v.delegator_name.clone(),
        recipient: v.recipient_name.clone(),
        unit: v.unit_name.clone(),
        scope: scope_text(t, &v.delegation.terms.scope, &names),
        period: period_text(t, v.delegation.terms.validity),
        status: status_text(t, v.status),
        status_code: v.status.code(),
        must_sign: v.i_must_sign,
    }
}

#[derive(Template)]
#[template(path = "delegation_hub.html")]
pub struct HubPage {
    pub page: PageCtx,
    pub mine: Vec<DelegationRow>,
    pub units: Vec<Choice>,
    pub follows_up: bool,
    pub expiring: Vec<DelegationRow>,
    pub deviations: Vec<DeviationRow>,
    /// The live list of missed signings, drawn ([`missed_html`]).
    pub missed: String,
    pub may_close: bool,
}

/// The missed signings the caller follows up, as the hub's live list.
#[derive(Template)]
#[template(path = "delegation_missed.html")]
pub struct MissedFragment {
    pub t: Tr,
    pub rows: Vec<MissedRow>,
}

/// Draws the missed signings the caller follows up (each client shown is audited by the
/// service).
async fn missed_html(state: &AppState, caller: &Caller, t: Tr) -> Result<String, ApiError> {
    let rows = state
        .services
        .missed_signings(&caller.ctx(), None)
        .await?
        .into_iter()
        .map(|m| MissedRow {
            key: format!(
                "{}-{}-{}",
                m.key.prescription_id,
                m.key.date,
                vaka_domain::delegation::prescription::hhmm(m.key.time)
            ),
            client: m.client_name,
            client_id: m.client_id.to_string(),
            task: m.task_name,
            due: local_time(m.due),
            calls: m
                .calls
                .iter()
                .map(|c| format!("{} {}", c.name, local_time(c.called_at)))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    MissedFragment { t, rows }.fragment()
}

/// The hub's missed signings as server-sent events: drawn again when occasions are signed or
/// a missed one is called (and every half minute, as windows close).
pub async fn missed_events(
    axum::extract::State(state): axum::extract::State<AppState>,
    t: Tr,
    caller: Caller,
) -> axum::response::Response {
    live_fragment(state, t, caller, move |state, caller| async move {
        missed_html(&state, &caller, t).await
    })
}

async fn hub_page(state: &AppState, caller: &Caller, page: PageCtx) -> PageResult {
    let t = page.t;
    let ctx = caller.ctx();
    let s = &state.services;
    let p = &caller.principal;
    let follows_up = p.has_permission(Permission::DelegationManage)
        || p.has_permission(Permission::DelegationOversee);
    let mut mine: Vec<DelegationRow> = s
        .my_delegations(&ctx)
        .await
        .or_page(&page)?
        .iter()
        .map(|v| row_of(t, v))
        .collect();
    mine.sort_by_key(|r| !r.must_sign);
    let missed = if follows_up {
        missed_html(state, caller, t).await.or_page(&page)?
    } else {
        String::new()
    };
    let (units, expiring, deviations) = if follows_up {
        let units = s
            .delegation_units(&ctx)
            .await
            .or_page(&page)?
            .into_iter()
            .map(|(u, _)| (u.id.to_string(), u.name))
            .collect();
        let expiring = s
            .delegations_expiring(&ctx, 30)
            .await
            .or_page(&page)?
            .iter()
            .map(|v| row_of(t, v))
            .collect();
        let deviations = s
            .open_deviations(&ctx, None)
            .await
            .or_page(&page)?
            .into_iter()
            .map(|d| DeviationRow {
                id: d.deviation.id.to_string(),
                client: d.client_name,
                task: d.task_name,
                outcome: if d.flagged {
                    format!(
                        "{} ({})",
                        t.code("signing_outcome", d.deviation.outcome.code()),
                        t.t("sign-mark-flagged")
                    )
                } else {
                    t.code("signing_outcome", d.deviation.outcome.code())
                },
                signer: d.signer_name,
                at: local_time(d.signed_at),
                note: d.note.unwrap_or_default(),
            })
            .collect();
        (units, expiring, deviations)
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    Ok(render(
        page.status(),
        &HubPage {
            mine,
            units,
            follows_up,
            expiring,
            deviations,
            missed,
            may_close: p.has_permission(Permission::DelegationManage),
            page,
        },
    ))
}

pub async fn hub(r: Req, Query(f): Query<Flash>) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "delegation").with_flash_key(f.ok.as_deref());
    hub_page(&r.state, &r.caller, page).await
}

#[derive(Debug, Deserialize)]
pub struct DayQuery {
    pub date: Option<String>,
    pub ok: Option<String>,
}

#[derive(Template)]
#[template(path = "delegation_unit.html")]
pub struct UnitPage {
    pub page: PageCtx,
    pub id: String,
    pub name: String,
    pub date: String,
    /// The ISO week of `date` (its report).
    pub week: String,
    pub register: Vec<RegisterRow>,
    pub lines: Vec<SigningRow>,
    pub occasions: usize,
    pub in_time: usize,
    pub late: usize,
    pub missed: usize,
    pub pending: usize,
    pub deviations: usize,
    pub may_delegate: bool,
    pub task_types: Vec<Choice>,
    pub recipients: Vec<Choice>,
    pub clients: Vec<Choice>,
    pub methods: Vec<Choice>,
    pub today: String,
}

async fn unit_page(
    state: &AppState,
    caller: &Caller,
    id: UnitId,
    day: Date,
    page: PageCtx,
) -> PageResult {
    let t = page.t;
    let ctx = caller.ctx();
    let s = &state.services;
    let reg = s.unit_register(&ctx, id).await.or_page(&page)?;
    let list = s.unit_signing_list(&ctx, id, day).await.or_page(&page)?;
    let may_delegate = s
        .delegation_units(&ctx)
        .await
        .or_page(&page)?
        .iter()
        .any(|(u, delegates)| u.id == id && *delegates);
    let (task_types, recipients, clients) = if may_delegate {
        let types = s
            .task_types(&ctx)
            .await
            .or_page(&page)?
            .into_iter()
            .filter(|k| !k.retired)
            .map(|k| (k.code.to_string(), k.name))
            .collect();
        let recipients = s
            .delegation_recipients(&ctx, id)
            .await
            .or_page(&page)?
            .into_iter()
            .map(|(u, n)| (u.to_string(), n))
            .collect();
        let clients = s
            .delegation_clients(&ctx, id)
            .await
            .or_page(&page)?
            .into_iter()
            .map(|(c, n)| (c.to_string(), n))
            .collect();
        (types, recipients, clients)
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let register = reg
        .lines
        .iter()
        .map(|l| RegisterRow {
            id: l.entry.delegation_id.to_string(),
            recipient: l.recipient_name.clone(),
            task: l.task_name.clone(),
            scope: scope_text(t, &l.entry.scope, &l.clients),
            period: format!("{} – {}", l.entry.first_day, l.entry.last_day),
            status: status_text(t, l.entry.status),
            reminder_due: l.entry.reminder_due,
        })
        .collect();
    let lines = list
        .lines
        .iter()
        .map(|l| SigningRow {
            time: vaka_domain::delegation::prescription::hhmm(l.occasion.key.time),
            client: l.client_name.clone(),
            client_id: l.client_id.to_string(),
            task: l.task_name.clone(),
            state: t.code("occasion_state", l.state),
            state_code: l.state,
            outcome: l
                .signing
                .as_ref()
                .map(|s| t.code("signing_outcome", s.outcome.code()))
                .unwrap_or_default(),
            signer: l.signer_name.clone().unwrap_or_default(),
            late: l.signing.as_ref().is_some_and(|s| s.late),
            flagged: l.signing.as_ref().is_some_and(|s| s.flagged),
        })
        .collect();
    let methods = CompetenceMethod::ALL
        .iter()
        .map(|m| (m.code().to_owned(), t.code("competence_method", m.code())))
        .collect();
    Ok(render(
        page.status(),
        &UnitPage {
            id: id.to_string(),
            name: reg.unit.name.clone(),
            date: day.to_string(),
            week: vaka_domain::delegation::week::IsoWeek::containing(day).to_string(),
            register,
            lines,
            occasions: list.tally.occasions,
            in_time: list.tally.in_time,
            late: list.tally.late,
            missed: list.tally.missed,
            pending: list.tally.pending,
            deviations: list.tally.deviations,
            may_delegate,
            task_types,
            recipients,
            clients,
            methods,
            today: state.services.today().to_string(),
            page,
        },
    ))
}

pub async fn unit(r: Req, Path(id): Path<String>, Query(q): Query<DayQuery>) -> PageResult {
    let today = r.state.services.today();
    let page = PageCtx::for_caller(&r.caller, r.t, "delegation").with_flash_key(q.ok.as_deref());
    let id: UnitId = parse_id(&id, &page)?;
    let day = optional(q.date.as_deref().unwrap_or(""), "date")
        .or_page(&page)?
        .unwrap_or(today);
    unit_page(&r.state, &r.caller, id, day, page).await
}

/// The delegation form as sent; `clients` and `competence_methods` repeat (checkboxes), so
/// they are read from what was sent ([`crate::page::Sent::all`]).
#[derive(Debug, Default, Deserialize)]
pub struct DelegationForm {
    #[serde(default)]
    pub task_type: String,
    #[serde(default)]
    pub recipient: String,
    /// `unit` or `clients`.
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub one_occasion: Option<String>,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub competence_checked_on: String,
    #[serde(default)]
    pub competence_note: String,
}

impl DelegationForm {
    fn to_input(
        &self,
        unit: UnitId,
        sent: &crate::page::Sent,
    ) -> Result<DelegationInput, ApiError> {
        let recipient: UserId = self.recipient.trim().parse().map_err(|_| {
            ApiError::invalid("recipient", vaka_domain::reason::InputReason::Required)
        })?;
        let clients = sent
            .all("clients")
            .iter()
            .map(|c| {
                c.trim().parse::<ClientId>().map_err(|_| {
                    ApiError::invalid("clients", vaka_domain::reason::InputReason::NotValid)
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let from = optional(&self.from, "from")?
            .ok_or_else(|| ApiError::invalid("from", vaka_domain::reason::InputReason::Required))?;
        Ok(DelegationInput {
            task_type: self.task_type.trim().to_owned(),
            recipient,
            unit_id: unit,
            whole_unit: self.scope == "unit",
            clients,
            one_occasion: self.one_occasion.is_some(),
            from,
            to: optional(&self.to, "to")?,
            competence_methods: sent.all("competence_methods"),
            competence_checked_on: optional(&self.competence_checked_on, "competence_checked_on")?,
            competence_note: Some(self.competence_note.clone()).filter(|s| !s.trim().is_empty()),
        })
    }
}

pub async fn create(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<DelegationForm>,
) -> PageResult {
    let Req { state, t, caller } = r;
    let page = PageCtx::for_caller(&caller, t, "delegation");
    let unit: UnitId = parse_id(&id, &page)?;
    let result = match form.to_input(unit, &sent) {
        Ok(input) => state
            .services
            .create_delegation(&caller.ctx(), input)
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    after_change(
        crate::page::ErrorPage::Refused,
        result,
        page,
        |d: Delegation, _| {
            Redirect::to(&format!("/delegation/{}?ok=deleg-created", d.id)).into_response()
        },
        async |page| {
            let today = state.services.today();
            unit_page(&state, &caller, unit, today, page.keeping(sent)).await
        },
    )
    .await
}

/// A line of a delegation's history.
pub struct EventRow {
    pub at: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "delegation.html")]
pub struct DetailPage {
    pub page: PageCtx,
    pub id: String,
    pub row: DelegationRow,
    pub unit_id: String,
    pub competence: String,
    pub decided_at: String,
    pub delegator_signed: String,
    pub recipient_signed: String,
    pub events: Vec<EventRow>,
    /// The leaves of its parties that run now or lie ahead, each with the day it would end
    /// the delegation (more than three months).
    pub leave_notes: Vec<String>,
    pub must_sign: bool,
    pub needs_code: bool,
    /// The code asked for may be a passkey's answer: the caller has one (a button offers it).
    pub passkey_step_up: bool,
    /// Or a step-up at the identity provider (signing with one's SITHS card).
    pub oidc_step_up: crate::ui::account::oidc::StepUpOffer,
    pub may_revoke: bool,
    pub reasons: Vec<Choice>,
}

async fn detail_page(
    state: &AppState,
    caller: &Caller,
    id: DelegationId,
    page: PageCtx,
) -> PageResult {
    let t = page.t;
    let v = state
        .services
        .delegation(&caller.ctx(), id)
        .await
        .or_page(&page)?;
    let d = &v.delegation;
    let competence = d.terms.competence.as_ref().map_or_else(String::new, |c| {
        let methods: Vec<String> = c
            .methods
            .iter()
            .map(|m| t.code("competence_method", m.code()))
            .collect();
        let mut s = format!("{} ({})", methods.join(", "), c.checked_on);
        if let Some(n) = &c.note {
            s.push_str(&format!(": {n}"));
        }
        s
    });
    let signed = |at: Option<jiff::Timestamp>| {
        at.map_or_else(|| t.t("deleg-not-signed").into_owned(), local_time)
    };
    let events = d
        .events
        .iter()
        .map(|e| match e {
            DelegationEvent::Revoked {
                at, reason, note, ..
            } => EventRow {
                at: local_time(*at),
                text: format!(
                    "{}: {}{}",
                    t.t("deleg-event-revoked"),
                    t.code("revocation_reason", reason.code()),
                    note.as_ref().map(|n| format!(" – {n}")).unwrap_or_default()
                ),
            },
            DelegationEvent::Left { party, at } => EventRow {
                at: local_time(*at),
                text: format!(
                    "{} ({})",
                    t.t("deleg-event-left"),
                    t.code("party", party.code())
                ),
            },
            DelegationEvent::ChangedUnit { party, at } => EventRow {
                at: local_time(*at),
                text: format!(
                    "{} ({})",
                    t.t("deleg-event-changed-unit"),
                    t.code("party", party.code())
                ),
            },
            DelegationEvent::Leave { party, from, to } => EventRow {
                at: from.to_string(),
                text: format!(
                    "{} ({}){}",
                    t.t("deleg-event-leave"),
                    t.code("party", party.code()),
                    to.map(|d| format!(" – {d}")).unwrap_or_default()
                ),
            },
            DelegationEvent::OccasionUsed { at } => EventRow {
                at: local_time(*at),
                text: t.t("deleg-event-used").into_owned(),
            },
        })
        .collect();
    let reasons = RevocationReason::ALL
        .iter()
        .map(|r| (r.code().to_owned(), t.code("revocation_reason", r.code())))
        .collect();
    let today = state.services.today();
    let leave_notes = if v.status.is_over() {
        Vec::new()
    } else {
        d.leaves()
            .iter()
            .filter(|l| l.to.is_none_or(|to| to >= today))
            .map(|l| {
                let party = t.code("party", l.party.code());
                let from = l.from.to_string();
                match (l.ends_delegation_on(), l.to) {
                    (Some(date), _) => t.message(
                        "deleg-leave-ends",
                        &[
                            ("party", (&party).into()),
                            ("from", (&from).into()),
                            ("date", date.to_string().into()),
                        ],
                    ),
                    (None, to) => t.message(
                        "deleg-leave-short",
                        &[
                            ("party", (&party).into()),
                            ("from", (&from).into()),
                            ("to", to.map(|d| d.to_string()).unwrap_or_default().into()),
                        ],
                    ),
                }
                .into_owned()
            })
            .collect()
    };
    Ok(render(
        page.status(),
        &DetailPage {
            leave_notes,
            id: id.to_string(),
            row: row_of(t, &v),
            unit_id: d.terms.unit_id.to_string(),
            competence,
            decided_at: local_time(d.decided_at),
            delegator_signed: signed(d.delegator_signed_at),
            recipient_signed: signed(d.recipient_signed_at),
            events,
            must_sign: v.i_must_sign,
            needs_code: state
                .services
                .needs_fresh_second_factor(caller.session.as_ref()),
            passkey_step_up: crate::ui::account::passkeys::step_up_offered(state, caller).await,
            oidc_step_up: crate::ui::account::oidc::step_up_offer(
                state,
                caller,
                t,
                &format!("/delegation/{id}"),
            )
            .await,
            may_revoke: v.may_revoke,
            reasons,
            page,
        },
    ))
}

pub async fn detail(r: Req, Path(id): Path<String>, Query(f): Query<Flash>) -> PageResult {
    record_page(r, "delegation", &id, f.ok.as_deref(), detail_page).await
}

#[derive(Debug, Default, Deserialize)]
pub struct SignForm {
    #[serde(default)]
    pub code: String,
}

pub async fn sign(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<SignForm>,
) -> PageResult {
    change_record(
        r,
        "delegation",
        &id,
        async |s: &AppState, caller: &Caller, id: DelegationId| {
            let code = Some(form.code.trim()).filter(|c| !c.is_empty());
            s.services.sign_delegation(&caller.ctx(), id, code).await
        },
        |id| format!("/delegation/{id}?ok=deleg-signed"),
        async |s, caller, id, page| detail_page(s, caller, id, page.keeping(sent)).await,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub note: String,
}

pub async fn revoke(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<RevokeForm>,
) -> PageResult {
    change_record(
        r,
        "delegation",
        &id,
        async |s: &AppState, caller: &Caller, id: DelegationId| {
            let input = RevocationInput {
                reason: form.reason.clone(),
                note: Some(form.note.clone()).filter(|n| !n.trim().is_empty()),
            };
            s.services.revoke_delegation(&caller.ctx(), id, input).await
        },
        |id| format!("/delegation/{id}?ok=deleg-revoked"),
        async |s, caller, id, page| detail_page(s, caller, id, page.keeping(sent)).await,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    pub note: String,
}

pub async fn close_deviation(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<CloseForm>,
) -> PageResult {
    let Req { state, t, caller } = r;
    let page = PageCtx::for_caller(&caller, t, "delegation");
    let id: DeviationId = parse_id(&id, &page)?;
    let result = state
        .services
        .close_deviation(&caller.ctx(), id, &form.note)
        .await;
    after_change(
        crate::page::ErrorPage::RefusedOrUnknown,
        result,
        page,
        |_, _| Redirect::to("/delegation?ok=deleg-deviation-closed").into_response(),
        async |page| hub_page(&state, &caller, page.keeping(sent)).await,
    )
    .await
}

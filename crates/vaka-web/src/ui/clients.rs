//! Client pages: the list, registering and changing a client, and the client's page with its
//! decisions, orders, consent, supervision plan, pauses, devices and protected-identity group.
//!
//! Every page goes through the same services as the API, so need-to-know, the
//! protected-identity rule and the audit log apply in one place.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::client::{AreaType, Client, ClientSummary, Disclosure, KeyAccess, Protection};
use vaka_domain::consent::{GivenBy, InformedHow};
use vaka_domain::decision::{Law, OrderStatus, ServiceKind, SupervisionMode};
use vaka_domain::directory::OrganisationKind;
use vaka_domain::ids::{
    ClientId, ConsentId, DecisionId, OrderId, OrganisationId, PauseId, UnitId, UserId,
};
use vaka_domain::personnummer::IdentityKind;
use vaka_domain::plan::{EscalationChain, PauseReason, PauseRequest};
use vaka_service::registry::care::{ConsentInput, PauseInput, PlanInput, WithdrawInput};
use vaka_service::registry::clients::{ClientInput, ClientView, ContactInput};
use vaka_service::registry::decisions::DecisionInput;
use vaka_store::times_to_text;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::ui::home::Flash;
use crate::ui::pages::{OrPage, PageCtx, PageError, PageForm, local_time, parse_id, render};

/// A choice in a select: (code, label).
pub type Choice = (String, String);

pub fn choices<T: Copy>(
    t: Tr,
    prefix: &str,
    all: &[T],
    code: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|k| (code(*k).to_owned(), t.code(prefix, code(*k))))
        .collect()
}

/// A date typed in a form (`YYYY-MM-DD`).
pub fn form_date(field: &'static str, raw: &str) -> Result<Date, ApiError> {
    raw.trim()
        .parse::<Date>()
        .map_err(|_| ApiError::invalid(field, "is not a date (YYYY-MM-DD)"))
}

/// An optional date: empty means none.
pub fn form_opt_date(field: &'static str, raw: &str) -> Result<Option<Date>, ApiError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        form_date(field, raw).map(Some)
    }
}

/// A code typed in a form.
pub fn form_code<T>(
    field: &'static str,
    raw: &str,
    from: fn(&str) -> Option<T>,
) -> Result<T, ApiError> {
    from(raw.trim()).ok_or_else(|| ApiError::invalid(field, "is not one of the choices"))
}

fn form_opt_text(raw: &str) -> Option<String> {
    let s = raw.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn form_opt_minutes(field: &'static str, raw: &str) -> Result<Option<u16>, ApiError> {
    match raw.trim() {
        "" => Ok(None),
        s => s
            .parse::<u16>()
            .map(Some)
            .map_err(|_| ApiError::invalid(field, "must be a whole number of minutes")),
    }
}

/// Redirects after a change, or shows the client page again with the error.
async fn after<T>(
    state: &AppState,
    caller: &Caller,
    client: ClientId,
    page: PageCtx,
    result: Result<T, ApiError>,
    ok: &str,
    anchor: &str,
) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/clients/{client}?ok={ok}#{anchor}")).into_response()),
        Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND => {
            Err(PageError { error: e, page })
        }
        Err(e) => client_page(state, caller, client, page.with_error(&e)).await,
    }
}

// --- the list ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "clients.html")]
pub struct ClientsPage {
    pub page: PageCtx,
    pub q: String,
    pub clients: Vec<ClientSummary>,
    pub can_create: bool,
    pub can_import: bool,
}

#[derive(Debug, Deserialize)]
pub struct ClientSearch {
    pub q: Option<String>,
    pub ok: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Query(s): Query<ClientSearch>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients").with_flash_key(s.ok.as_deref());
    let clients = state
        .services
        .list_clients(&caller.ctx(), s.q.as_deref(), 200)
        .await
        .or_page(&page)?;
    Ok(render(
        StatusCode::OK,
        &ClientsPage {
            q: s.q.unwrap_or_default(),
            clients,
            can_create: caller.principal.has_permission(Permission::ClientWrite),
            can_import: caller.principal.has_permission(Permission::ImportData),
            page,
        },
    ))
}

// --- registering and changing ------------------------------------------------------------------

/// The client form's fields, as typed.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct ClientForm {
    #[serde(default)]
    pub identity_kind: String,
    #[serde(default)]
    pub identity: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub address_street: String,
    #[serde(default)]
    pub address_postcode: String,
    #[serde(default)]
    pub address_city: String,
    #[serde(default)]
    pub phone: String,
    /// `provider` or `provider/unit`.
    #[serde(default)]
    pub placement: String,
    #[serde(default)]
    pub protection: String,
    #[serde(default)]
    pub area_type: String,
    #[serde(default)]
    pub key_access: String,
    #[serde(default)]
    pub key_note: String,
    #[serde(default)]
    pub c1_name: String,
    #[serde(default)]
    pub c1_relation: String,
    #[serde(default)]
    pub c1_phone: String,
    #[serde(default)]
    pub c2_name: String,
    #[serde(default)]
    pub c2_relation: String,
    #[serde(default)]
    pub c2_phone: String,
    #[serde(default)]
    pub c3_name: String,
    #[serde(default)]
    pub c3_relation: String,
    #[serde(default)]
    pub c3_phone: String,
}

impl ClientForm {
    fn from_client(c: &Client) -> Self {
        let contact = |i: usize| c.contacts.get(i);
        let field = |i: usize, f: fn(&vaka_domain::client::Contact) -> &str| {
            contact(i).map(|c| f(c).to_owned()).unwrap_or_default()
        };
        ClientForm {
            identity_kind: c.identity.kind().code().to_owned(),
            identity: c.identity.to_string(),
            name: c.name.clone(),
            address_street: c
                .address
                .as_ref()
                .map(|a| a.street.clone())
                .unwrap_or_default(),
            address_postcode: c
                .address
                .as_ref()
                .map(|a| a.postcode.clone())
                .unwrap_or_default(),
            address_city: c
                .address
                .as_ref()
                .map(|a| a.city.clone())
                .unwrap_or_default(),
            phone: c.phone.clone().unwrap_or_default(),
            placement: match (c.provider_id, c.unit_id) {
                (Some(p), Some(u)) => format!("{p}/{u}"),
                (Some(p), None) => p.to_string(),
                _ => String::new(),
            },
            protection: c.protection.code().to_owned(),
            area_type: c.area_type.code().to_owned(),
            key_access: c.key_access.code().to_owned(),
            key_note: c.key_note.clone().unwrap_or_default(),
            c1_name: field(0, |c| &c.name),
            c1_relation: field(0, |c| &c.relation),
            c1_phone: field(0, |c| &c.phone),
            c2_name: field(1, |c| &c.name),
            c2_relation: field(1, |c| &c.relation),
            c2_phone: field(1, |c| &c.phone),
            c3_name: field(2, |c| &c.name),
            c3_relation: field(2, |c| &c.relation),
            c3_phone: field(2, |c| &c.phone),
        }
    }

    fn to_input(&self) -> Result<ClientInput, ApiError> {
        let kind = match self.identity_kind.trim() {
            "" => None,
            k => Some(form_code("identity_kind", k, IdentityKind::from_code)?),
        };
        let (provider_id, unit_id) = match self.placement.trim() {
            "" => (None, None),
            s => {
                let mut parts = s.splitn(2, '/');
                let p = parts
                    .next()
                    .and_then(|p| p.parse::<OrganisationId>().ok())
                    .ok_or_else(|| ApiError::invalid("unit_id", "is not valid"))?;
                let u = match parts.next() {
                    Some(u) => Some(
                        u.parse::<UnitId>()
                            .map_err(|_| ApiError::invalid("unit_id", "is not valid"))?,
                    ),
                    None => None,
                };
                (Some(p), u)
            }
        };
        let mut contacts = Vec::new();
        for (i, (n, r, p)) in [
            (&self.c1_name, &self.c1_relation, &self.c1_phone),
            (&self.c2_name, &self.c2_relation, &self.c2_phone),
            (&self.c3_name, &self.c3_relation, &self.c3_phone),
        ]
        .into_iter()
        .enumerate()
        {
            if n.trim().is_empty() && r.trim().is_empty() && p.trim().is_empty() {
                continue;
            }
            contacts.push(ContactInput {
                name: n.clone(),
                relation: r.clone(),
                phone: p.clone(),
                priority: u8::try_from(i + 1).unwrap_or(u8::MAX),
                note: None,
            });
        }
        Ok(ClientInput {
            identity_kind: kind,
            identity: self.identity.clone(),
            name: self.name.clone(),
            address_street: form_opt_text(&self.address_street),
            address_postcode: form_opt_text(&self.address_postcode),
            address_city: form_opt_text(&self.address_city),
            phone: form_opt_text(&self.phone),
            provider_id,
            unit_id,
            protection: match self.protection.trim() {
                "" => None,
                p => Some(form_code("protection", p, Protection::from_code)?),
            },
            area_type: match self.area_type.trim() {
                "" => None,
                a => Some(form_code("area_type", a, AreaType::from_code)?),
            },
            key_access: match self.key_access.trim() {
                "" => None,
                k => Some(form_code("key_access", k, KeyAccess::from_code)?),
            },
            key_note: form_opt_text(&self.key_note),
            contacts,
        })
    }
}

#[derive(Template)]
#[template(path = "client_form.html")]
pub struct ClientFormPage {
    pub page: PageCtx,
    /// The client being changed, or none when registering.
    pub client_id: Option<ClientId>,
    pub form: ClientForm,
    /// Outside a protected client's named group: address and contacts are not shown.
    pub withheld: bool,
    pub placements: Vec<Choice>,
    pub identity_kinds: Vec<Choice>,
    pub protections: Vec<Choice>,
    pub area_types: Vec<Choice>,
    pub key_accesses: Vec<Choice>,
}

/// Where a client can be placed: every provider, and every unit of one.
async fn placements(state: &AppState, caller: &Caller, t: Tr) -> Result<Vec<Choice>, ApiError> {
    let names = state.services.directory_names(&caller.ctx(), &[]).await?;
    let (orgs, units) = (names.organisations, names.units);
    let mut out = vec![(String::new(), t.t("client-placement_none").into_owned())];
    for o in orgs
        .iter()
        .filter(|o| o.kind == OrganisationKind::Provider && o.active)
    {
        out.push((
            o.id.to_string(),
            format!("{} — {}", o.name, t.t("common-whole_org")),
        ));
        for u in units
            .iter()
            .filter(|u| u.organisation_id == o.id && u.active)
        {
            out.push((
                format!("{}/{}", o.id, u.id),
                format!("{} — {}", o.name, u.name),
            ));
        }
    }
    Ok(out)
}

async fn form_page(
    state: &AppState,
    caller: &Caller,
    page: PageCtx,
    client_id: Option<ClientId>,
    form: ClientForm,
    withheld: bool,
) -> Result<Response, PageError> {
    let t = page.t;
    let placements = placements(state, caller, t).await.or_page(&page)?;
    let status = page.status();
    Ok(render(
        status,
        &ClientFormPage {
            client_id,
            form,
            withheld,
            placements,
            identity_kinds: choices(t, "identity_kind", IdentityKind::ALL, IdentityKind::code),
            protections: choices(t, "protection", Protection::ALL, Protection::code),
            area_types: choices(t, "area_type", AreaType::ALL, AreaType::code),
            key_accesses: choices(t, "key_access", KeyAccess::ALL, KeyAccess::code),
            page,
        },
    ))
}

pub async fn new_form(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients");
    form_page(&state, &caller, page, None, ClientForm::default(), false).await
}

pub async fn create(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    PageForm(form): PageForm<ClientForm>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let result = async {
        let input = form.to_input()?;
        Ok::<_, ApiError>(state.services.create_client(&caller.ctx(), input).await?)
    }
    .await;
    match result {
        Ok(c) => Ok(Redirect::to(&format!("/clients/{}?ok=client-created", c.id)).into_response()),
        Err(e) if e.status == StatusCode::FORBIDDEN => Err(PageError { error: e, page }),
        Err(e) => form_page(&state, &caller, page.with_error(&e), None, form, false).await,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let id: ClientId = parse_id(&id, &page)?;
    let view = state
        .services
        .view_client(&caller.ctx(), id)
        .await
        .or_page(&page)?;
    let withheld = view.disclosure == Disclosure::NameOnly;
    form_page(
        &state,
        &caller,
        page,
        Some(id),
        ClientForm::from_client(&view.client),
        withheld,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(form): PageForm<ClientForm>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let id: ClientId = parse_id(&id, &page)?;
    let result = async {
        let input = form.to_input()?;
        Ok::<_, ApiError>(
            state
                .services
                .update_client(&caller.ctx(), id, input)
                .await?,
        )
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/clients/{id}?ok=client-updated")).into_response()),
        Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND => {
            Err(PageError { error: e, page })
        }
        Err(e) => {
            // Show the form again as the user may see it.
            let withheld = match state.services.view_client(&caller.ctx(), id).await {
                Ok(v) => v.disclosure == Disclosure::NameOnly,
                Err(_) => true,
            };
            form_page(
                &state,
                &caller,
                page.with_error(&e),
                Some(id),
                form,
                withheld,
            )
            .await
        }
    }
}

// --- the client's page -------------------------------------------------------------------------

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

pub struct ConsentRow {
    pub id: ConsentId,
    pub service: String,
    pub informed: String,
    pub given: String,
    pub reconfirm_by: String,
    pub state: &'static str,
    pub withdrawn: String,
    pub can_withdraw: bool,
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

pub struct DeviceRow {
    pub id: String,
    pub kind: String,
    pub serial: String,
    pub model: String,
    pub status: String,
}

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

#[derive(Template)]
#[template(path = "client.html")]
pub struct ClientPage {
    pub page: PageCtx,
    pub id: ClientId,
    pub name: String,
    pub identity: String,
    pub identity_kind: String,
    pub protected: bool,
    pub protection: String,
    pub withheld: bool,
    pub address: Option<String>,
    pub phone: String,
    pub contacts: Vec<(u8, String, String, String)>,
    pub provider: String,
    pub unit: String,
    pub area_type: String,
    pub key_access: String,
    pub key_note: String,
    pub decisions: Vec<DecisionRow>,
    pub orders: Vec<OrderRow>,
    pub consents: Vec<ConsentRow>,
    pub plan: Option<PlanView>,
    pub plan_form: PlanFormValues,
    pub pauses: Vec<PauseRow>,
    pub devices: Vec<DeviceRow>,
    /// The named group (for those who manage it) and who may be added.
    pub group: Option<Vec<(UserId, String)>>,
    pub group_candidates: Vec<(UserId, String)>,
    pub can_edit: bool,
    pub can_decide: bool,
    pub can_consent: bool,
    pub can_plan: bool,
    pub can_pause: bool,
    pub can_devices: bool,
    pub today: String,
    pub laws: Vec<Choice>,
    pub services: Vec<Choice>,
    pub modes: Vec<Choice>,
    pub informed_hows: Vec<Choice>,
    pub given_bys: Vec<Choice>,
    pub escalations: Vec<Choice>,
    pub pause_reasons: Vec<Choice>,
    pub pause_requests: Vec<Choice>,
}

fn times_text(times: &[jiff::civil::Time]) -> String {
    times_to_text(times).replace(',', ", ")
}

fn day(d: Date) -> String {
    d.to_string()
}

/// Names of units, organisations and users for a page (directory data, not client data).
#[derive(Default)]
pub(crate) struct Names {
    orgs: HashMap<OrganisationId, String>,
    units: HashMap<UnitId, String>,
    users: HashMap<UserId, String>,
}

impl Names {
    pub(crate) async fn load(
        state: &AppState,
        caller: &Caller,
        users: &[UserId],
    ) -> Result<Names, ApiError> {
        let names = state.services.directory_names(&caller.ctx(), users).await?;
        Ok(Names {
            orgs: names
                .organisations
                .into_iter()
                .map(|o| (o.id, o.name))
                .collect(),
            units: names.units.into_iter().map(|u| (u.id, u.name)).collect(),
            users: names.users,
        })
    }

    pub(crate) fn org(&self, id: Option<OrganisationId>) -> String {
        id.and_then(|i| self.orgs.get(&i).cloned())
            .unwrap_or_else(|| "—".into())
    }

    pub(crate) fn unit(&self, id: Option<UnitId>) -> String {
        id.and_then(|i| self.units.get(&i).cloned())
            .unwrap_or_else(|| "—".into())
    }

    pub(crate) fn user(&self, id: UserId) -> String {
        self.users
            .get(&id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

async fn client_page(
    state: &AppState,
    caller: &Caller,
    id: ClientId,
    page: PageCtx,
) -> Result<Response, PageError> {
    let t = page.t;
    let view: ClientView = state
        .services
        .view_client(&caller.ctx(), id)
        .await
        .or_page(&page)?;
    let today = state.services.today();
    let c = &view.client;
    let p = &caller.principal;
    let grant = |perm: Permission| p.client_grant_for(perm, c.provider_id, c.unit_id).is_some();

    // Users to name: who recorded things, the named group and who may join it.
    let mut user_ids: Vec<UserId> = view.pauses.iter().map(|x| x.recorded_by).collect();
    if let Some(plan) = &view.plan {
        user_ids.push(plan.updated_by);
    }
    let mut candidates: Vec<UserId> = Vec::new();
    if let Some(group) = &view.access_group {
        user_ids.extend(group.iter().copied());
        if let Some(unit) = c.unit_id {
            candidates = state
                .services
                .unit_members(&caller.ctx(), unit)
                .await
                .or_page(&page)?;
            candidates.retain(|u| !group.contains(u));
            user_ids.extend(candidates.iter().copied());
        }
    }
    let names = Names::load(state, caller, &user_ids).await.or_page(&page)?;
    let can_decide = grant(Permission::DecisionManage);
    let can_accept = grant(Permission::OrderAccept);
    let can_consent = grant(Permission::ConsentManage);

    let service_of: HashMap<DecisionId, ServiceKind> =
        view.decisions.iter().map(|d| (d.id, d.service)).collect();
    let decisions = view
        .decisions
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
                times: times_text(&d.times),
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
        .collect();
    let orders = view
        .orders
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
        .collect();
    let consents = view
        .consents
        .iter()
        .map(|k| {
            let state_key = if k.withdrawn_on.is_some() {
                "consent-state-withdrawn"
            } else if k.is_valid_on(today) {
                "consent-state-valid"
            } else if k.reconfirm_by < today {
                "consent-state-reconfirm"
            } else {
                "consent-state-coming"
            };
            ConsentRow {
                id: k.id,
                service: t.code("service", k.service.code()),
                informed: format!(
                    "{} · {} · {}",
                    k.informed_on,
                    t.code("informed_how", k.informed_how.code()),
                    k.informed_by
                ),
                given: match &k.representative_name {
                    Some(n) => format!(
                        "{} ({}) · {}",
                        t.code("given_by", k.given_by.code()),
                        n,
                        k.given_on
                    ),
                    None => format!("{} · {}", t.code("given_by", k.given_by.code()), k.given_on),
                },
                reconfirm_by: day(k.reconfirm_by),
                state: state_key,
                withdrawn: k
                    .withdrawn_on
                    .map(|w| format!("{w} {}", k.withdrawal_note.clone().unwrap_or_default()))
                    .unwrap_or_default(),
                can_withdraw: can_consent && k.withdrawn_on.is_none(),
            }
        })
        .collect();
    // The municipality's defaults (per-municipality settings come with the supervision rounds).
    let defaults = vaka_domain::plan::SupervisionDefaults::default();
    let plan = view.plan.as_ref().map(|pl| {
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
    });
    let plan_form = match &view.plan {
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
        // Start from the decision's terms when there is no plan yet.
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
    };
    let pauses = view
        .pauses
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
        .collect();
    let devices = view
        .devices
        .iter()
        .map(|d| DeviceRow {
            id: d.id.to_string(),
            kind: t.code("device_kind", d.kind.code()),
            serial: d.serial.clone(),
            model: d.model.clone(),
            status: t.code("device_status", d.status.code()),
        })
        .collect();
    let named = |ids: &[UserId]| -> Vec<(UserId, String)> {
        let mut v: Vec<_> = ids.iter().map(|u| (*u, names.user(*u))).collect();
        v.sort_by(|a, b| a.1.cmp(&b.1));
        v
    };
    let withheld = view.disclosure == Disclosure::NameOnly;
    let status = page.status();
    Ok(render(
        status,
        &ClientPage {
            id,
            name: c.name.clone(),
            identity: c.identity.to_string(),
            identity_kind: t.code("identity_kind", c.identity.kind().code()),
            protected: c.protection.is_protected(),
            protection: t.code("protection", c.protection.code()),
            withheld,
            address: c
                .address
                .as_ref()
                .map(|a| format!("{}, {} {}", a.street, a.postcode, a.city)),
            phone: c.phone.clone().unwrap_or_default(),
            contacts: c
                .contacts
                .iter()
                .map(|k| {
                    (
                        k.priority,
                        k.name.clone(),
                        k.relation.clone(),
                        k.phone.clone(),
                    )
                })
                .collect(),
            provider: names.org(c.provider_id),
            unit: names.unit(c.unit_id),
            area_type: t.code("area_type", c.area_type.code()),
            key_access: t.code("key_access", c.key_access.code()),
            key_note: c.key_note.clone().unwrap_or_default(),
            decisions,
            orders,
            consents,
            plan,
            plan_form,
            pauses,
            devices,
            group: view.access_group.as_deref().map(named),
            group_candidates: named(&candidates),
            can_edit: grant(Permission::ClientWrite),
            can_decide,
            can_consent,
            can_plan: grant(Permission::PlanManage),
            can_pause: grant(Permission::PauseRecord),
            can_devices: p.has_permission(Permission::DeviceManage),
            today: day(today),
            laws: choices(t, "law", Law::ALL, Law::code),
            services: choices(t, "service", ServiceKind::ALL, ServiceKind::code),
            modes: choices(t, "mode", SupervisionMode::ALL, SupervisionMode::code),
            informed_hows: choices(t, "informed_how", InformedHow::ALL, InformedHow::code),
            given_bys: choices(t, "given_by", GivenBy::ALL, GivenBy::code),
            escalations: choices(t, "escalation", EscalationChain::ALL, EscalationChain::code),
            pause_reasons: choices(t, "pause_reason", PauseReason::ALL, PauseReason::code),
            pause_requests: choices(t, "pause_request", PauseRequest::ALL, PauseRequest::code),
            page,
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients").with_flash_key(f.ok.as_deref());
    let id: ClientId = parse_id(&id, &page)?;
    client_page(&state, &caller, id, page).await
}

// --- changes from the client's page ------------------------------------------------------------

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
}

impl DecisionForm {
    fn to_input(&self) -> Result<DecisionInput, ApiError> {
        Ok(DecisionInput {
            law: form_code("law", &self.law, Law::from_code)?,
            simplified: self.simplified.is_some(),
            service: form_code("service", &self.service, ServiceKind::from_code)?,
            supervision_mode: match self.supervision_mode.trim() {
                "" => None,
                m => Some(form_code(
                    "supervision_mode",
                    m,
                    SupervisionMode::from_code,
                )?),
            },
            times: form_opt_text(&self.times),
            decided_on: form_opt_date("decided_on", &self.decided_on)?,
            valid_from: form_date("valid_from", &self.valid_from)?,
            valid_to: form_opt_date("valid_to", &self.valid_to)?,
        })
    }
}

pub async fn add_decision(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(form): PageForm<DecisionForm>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let id: ClientId = parse_id(&id, &page)?;
    let result = async {
        let input = form.to_input()?;
        Ok::<_, ApiError>(
            state
                .services
                .record_decision(&caller.ctx(), id, input)
                .await?,
        )
    }
    .await;
    after(
        &state,
        &caller,
        id,
        page,
        result,
        "decision-recorded",
        "decisions",
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct EndForm {
    #[serde(default)]
    pub ended_on: String,
}

pub async fn end_decision(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path((id, decision)): Path<(String, String)>,
    PageForm(form): PageForm<EndForm>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let id: ClientId = parse_id(&id, &page)?;
    let decision: DecisionId = parse_id(&decision, &page)?;
    let result = async {
        let on = form_opt_date("ended_on", &form.ended_on)?;
        let on = on.unwrap_or_else(|| state.services.today());
        Ok::<_, ApiError>(
            state
                .services
                .end_decision(&caller.ctx(), decision, on)
                .await?,
        )
    }
    .await;
    after(
        &state,
        &caller,
        id,
        page,
        result,
        "decision-ended",
        "decisions",
    )
    .await
}

pub async fn accept_order(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path((id, order)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let id: ClientId = parse_id(&id, &page)?;
    let order: OrderId = parse_id(&order, &page)?;
    let result = state
        .services
        .accept_order(&caller.ctx(), order)
        .await
        .map_err(ApiError::from);
    after(
        &state,
        &caller,
        id,
        page,
        result,
        "order-accepted",
        "orders",
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct ConsentForm {
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub informed_by: String,
    #[serde(default)]
    pub informed_on: String,
    #[serde(default)]
    pub informed_how: String,
    #[serde(default)]
    pub given_by: String,
    #[serde(default)]
    pub representative_name: String,
    #[serde(default)]
    pub given_on: String,
    #[serde(default)]
    pub reconfirm_by: String,
}

impl ConsentForm {
    fn to_input(&self) -> Result<ConsentInput, ApiError> {
        Ok(ConsentInput {
            service: form_code("service", &self.service, ServiceKind::from_code)?,
            informed_by: self.informed_by.clone(),
            informed_on: form_date("informed_on", &self.informed_on)?,
            informed_how: form_code("informed_how", &self.informed_how, InformedHow::from_code)?,
            given_by: form_code("given_by", &self.given_by, GivenBy::from_code)?,
            representative_name: form_opt_text(&self.representative_name),
            given_on: form_date("given_on", &self.given_on)?,
            reconfirm_by: form_opt_date("reconfirm_by", &self.reconfirm_by)?,
        })
    }
}

pub async fn add_consent(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(form): PageForm<ConsentForm>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let id: ClientId = parse_id(&id, &page)?;
    let result = async {
        let input = form.to_input()?;
        Ok::<_, ApiError>(
            state
                .services
                .record_consent(&caller.ctx(), id, input)
                .await?,
        )
    }
    .await;
    after(
        &state,
        &caller,
        id,
        page,
        result,
        "consent-recorded",
        "consent",
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    pub withdrawn_on: String,
    #[serde(default)]
    pub note: String,
}

pub async fn withdraw_consent(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path((id, consent)): Path<(String, String)>,
    PageForm(form): PageForm<WithdrawForm>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let id: ClientId = parse_id(&id, &page)?;
    let consent: ConsentId = parse_id(&consent, &page)?;
    let result = async {
        let input = WithdrawInput {
            withdrawn_on: form_opt_date("withdrawn_on", &form.withdrawn_on)?,
            note: form_opt_text(&form.note),
        };
        Ok::<_, ApiError>(
            state
                .services
                .withdraw_consent(&caller.ctx(), id, consent, input)
                .await?,
        )
    }
    .await;
    after(
        &state,
        &caller,
        id,
        page,
        result,
        "consent-withdrawn",
        "consent",
    )
    .await
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
            escalation: match self.escalation.trim() {
                "" => None,
                e => Some(form_code("escalation", e, EscalationChain::from_code)?),
            },
            response_target_minutes: form_opt_minutes(
                "response_target_minutes",
                &self.response_target_minutes,
            )?,
        })
    }
}

pub async fn set_plan(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(form): PageForm<PlanForm>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let id: ClientId = parse_id(&id, &page)?;
    let result = async {
        let input = form.to_input()?;
        Ok::<_, ApiError>(state.services.set_plan(&caller.ctx(), id, input).await?)
    }
    .await;
    after(&state, &caller, id, page, result, "plan-saved", "plan").await
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
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(form): PageForm<PauseForm>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let id: ClientId = parse_id(&id, &page)?;
    let result = async {
        let input = form.to_input()?;
        Ok::<_, ApiError>(
            state
                .services
                .record_pause(&caller.ctx(), id, input)
                .await?,
        )
    }
    .await;
    after(
        &state,
        &caller,
        id,
        page,
        result,
        "pause-recorded",
        "pauses",
    )
    .await
}

pub async fn cancel_pause(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path((id, pause)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let id: ClientId = parse_id(&id, &page)?;
    let pause: PauseId = parse_id(&pause, &page)?;
    let result = state
        .services
        .cancel_pause(&caller.ctx(), id, pause)
        .await
        .map_err(ApiError::from);
    after(
        &state,
        &caller,
        id,
        page,
        result,
        "pause-cancelled",
        "pauses",
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct GroupForm {
    #[serde(default)]
    pub user_id: String,
    /// `add` or `remove`.
    #[serde(default)]
    pub action: String,
}

pub async fn change_group(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(form): PageForm<GroupForm>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let id: ClientId = parse_id(&id, &page)?;
    let result = match (form.user_id.trim().parse::<UserId>(), form.action.as_str()) {
        (Ok(user), action @ ("add" | "remove")) => state
            .services
            .set_access_group_member(&caller.ctx(), id, user, action == "add")
            .await
            .map_err(ApiError::from),
        (Err(_), _) => Err(ApiError::invalid("user_id", "choose a user")),
        _ => Err(ApiError::invalid("action", "is not one of the choices")),
    };
    after(&state, &caller, id, page, result, "group-changed", "group").await
}

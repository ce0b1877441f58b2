//! The client list, and registering and changing a client's record.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::client::{
    AreaType, Client, ClientSummary, Contact, Disclosure, KeyAccess, Protection,
};
use vaka_domain::directory::OrganisationKind;
use vaka_domain::ids::{ClientId, OrganisationId, UnitId};
use vaka_domain::personnummer::IdentityKind;
use vaka_domain::reason::RegistryReason;
use vaka_service::registry::clients::{ClientInput, ContactInput};

use super::{Choice, choices, form_opt_code, form_opt_text};
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::i18n::Tr;
use crate::identity::Caller;
use crate::page::{
    ErrorPage, OrPage, PageCtx, PageForm, PageResult, Req, after_change, after_create, parse_id,
    render,
};
use crate::state::AppState;
use crate::ui::widgets::paging::{Pager, page_number};

// --- the list ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "clients.html")]
pub struct ClientsPage {
    pub page: PageCtx,
    pub q: String,
    pub clients: Vec<ClientSummary>,
    pub pager: Pager,
    pub can_create: bool,
    pub can_import: bool,
}

#[derive(Debug, Deserialize)]
pub struct ClientSearch {
    pub q: Option<String>,
    pub ok: Option<String>,
    /// The page of the list (1-based).
    pub page: Option<String>,
}

/// Clients a page of the list shows.
const CLIENTS_PAGE: i64 = 200;

pub async fn list(Req { state, t, caller }: Req, Query(s): Query<ClientSearch>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "clients").with_flash_key(s.ok.as_deref());
    let n = page_number(s.page.as_deref());
    let found = state
        .services
        .list_clients_page(
            &caller.ctx(),
            s.q.as_deref(),
            (n - 1) * CLIENTS_PAGE,
            CLIENTS_PAGE,
        )
        .await
        .or_page(&page)?;
    let q = s.q.unwrap_or_default();
    let pager = Pager::new(
        t,
        "/clients",
        &[("q", q.as_str())],
        (n, CLIENTS_PAGE),
        (found.offset, found.items.len(), found.total),
    );
    Ok(render(
        StatusCode::OK,
        &ClientsPage {
            q,
            clients: found.items,
            pager,
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
        let field = |i: usize, f: fn(&Contact) -> &str| {
            contact(i).map(|c| f(c).to_owned()).unwrap_or_default()
        };
        let address = |f: fn(&vaka_domain::client::Address) -> &String| {
            c.address.as_ref().map(|a| f(a).clone()).unwrap_or_default()
        };
        ClientForm {
            identity_kind: c.identity.kind().code().to_owned(),
            identity: c.identity.to_string(),
            name: c.name.clone(),
            address_street: address(|a| &a.street),
            address_postcode: address(|a| &a.postcode),
            address_city: address(|a| &a.city),
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

    /// The provider and unit of `provider` or `provider/unit`.
    fn placement(&self) -> Result<(Option<OrganisationId>, Option<UnitId>), ApiError> {
        let not_valid = || ApiError::invalid("unit_id", RegistryReason::NotAPlacement);
        match self.placement.trim() {
            "" => Ok((None, None)),
            s => {
                let mut parts = s.splitn(2, '/');
                let p = parts
                    .next()
                    .and_then(|p| p.parse::<OrganisationId>().ok())
                    .ok_or_else(not_valid)?;
                let u = match parts.next() {
                    Some(u) => Some(u.parse::<UnitId>().map_err(|_| not_valid())?),
                    None => None,
                };
                Ok((Some(p), u))
            }
        }
    }

    fn to_input(&self) -> Result<ClientInput, ApiError> {
        let identity_kind = form_opt_code(
            "identity_kind",
            &self.identity_kind,
            IdentityKind::from_code,
        )?;
        let (provider_id, unit_id) = self.placement()?;
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
            identity_kind,
            identity: self.identity.clone(),
            name: self.name.clone(),
            address_street: form_opt_text(&self.address_street),
            address_postcode: form_opt_text(&self.address_postcode),
            address_city: form_opt_text(&self.address_city),
            phone: form_opt_text(&self.phone),
            provider_id,
            unit_id,
            protection: form_opt_code("protection", &self.protection, Protection::from_code)?,
            area_type: form_opt_code("area_type", &self.area_type, AreaType::from_code)?,
            key_access: form_opt_code("key_access", &self.key_access, KeyAccess::from_code)?,
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
) -> PageResult {
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

pub async fn new_form(Req { state, t, caller }: Req) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "clients");
    form_page(&state, &caller, page, None, ClientForm::default(), false).await
}

pub async fn create(
    Req { state, t, caller }: Req,
    PageForm(form): PageForm<ClientForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let result = async {
        let input = form.to_input()?;
        Ok::<_, ApiError>(state.services.create_client(&caller.ctx(), input).await?)
    }
    .await;
    after_create(
        result,
        page,
        |c| format!("/clients/{}?ok=client-created", c.id),
        async |page| form_page(&state, &caller, page, None, form, false).await,
    )
    .await
}

pub async fn edit_form(Req { state, t, caller }: Req, Path(id): Path<String>) -> PageResult {
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
    Req { state, t, caller }: Req,
    Path(id): Path<String>,
    PageForm(form): PageForm<ClientForm>,
) -> PageResult {
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
    after_change(
        ErrorPage::RefusedOrUnknown,
        result,
        page,
        |_, _| Redirect::to(&format!("/clients/{id}?ok=client-updated")).into_response(),
        async |page| {
            // Show the form again as the user may see it.
            let withheld = match state.services.view_client(&caller.ctx(), id).await {
                Ok(v) => v.disclosure == Disclosure::NameOnly,
                Err(_) => true,
            };
            form_page(&state, &caller, page, Some(id), form, withheld).await
        },
    )
    .await
}

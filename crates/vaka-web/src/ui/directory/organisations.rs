//! Organisations: the list, one organisation with its units, creating and changing them.

use askama::Template;
use axum::extract::Path;
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::directory::{Organisation, OrganisationKind, ProviderKind};
use vaka_domain::ids::{OrganisationId, UnitId};
use vaka_domain::reason::InputReason;
use vaka_service::directory::{NewOrganisationInput, OrganisationPatch};

use crate::error::ApiError;
use crate::extract::Query;
use crate::identity::Caller;
use crate::page::{
    OrPage, PageCtx, PageForm, PageResult, Req, after_create, change_record, record_page, render,
};
use crate::state::AppState;
use crate::ui::account::home::Flash;

use super::{org_kind_label, unit_kinds};

/// An organisation's number as a page shows it: empty when it has none.
fn org_number(o: &Organisation) -> String {
    o.org_number
        .as_ref()
        .map(|n| n.as_str().to_owned())
        .unwrap_or_default()
}

pub struct OrgRow {
    pub id: OrganisationId,
    pub name: String,
    pub kind_label: String,
    pub org_number: String,
    pub units: usize,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "organisations.html")]
pub struct OrganisationsPage {
    pub page: PageCtx,
    pub orgs: Vec<OrgRow>,
    pub can_manage: bool,
}

async fn organisations_page(state: &AppState, caller: &Caller, page: PageCtx) -> PageResult {
    let t = page.t;
    let ctx = caller.ctx();
    let orgs = state
        .services
        .list_organisations(&ctx)
        .await
        .or_page(&page)?;
    let units = state.services.list_units(&ctx, None).await.or_page(&page)?;
    let rows = orgs
        .iter()
        .map(|o| OrgRow {
            id: o.id,
            name: o.name.clone(),
            kind_label: org_kind_label(t, o),
            org_number: org_number(o),
            units: units.iter().filter(|u| u.organisation_id == o.id).count(),
            active: o.active,
        })
        .collect();
    Ok(render(
        page.form_status(),
        &OrganisationsPage {
            orgs: rows,
            can_manage: caller
                .principal
                .has_permission(Permission::OrganisationManage),
            page,
        },
    ))
}

pub async fn organisations(Req { state, t, caller }: Req, Query(f): Query<Flash>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "organisations").with_flash_key(f.ok.as_deref());
    organisations_page(&state, &caller, page).await
}

#[derive(Debug, Deserialize)]
pub struct OrgForm {
    pub name: String,
    pub kind: String,
    pub provider_kind: Option<String>,
    pub org_number: Option<String>,
}

pub async fn create_organisation(
    Req { state, t, caller }: Req,
    PageForm(form): PageForm<OrgForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "organisations");
    let kind = OrganisationKind::from_code(&form.kind);
    let input = kind.map(|kind| NewOrganisationInput {
        kind,
        provider_kind: if kind == OrganisationKind::Provider {
            form.provider_kind
                .as_deref()
                .and_then(ProviderKind::from_code)
        } else {
            None
        },
        name: form.name.clone(),
        org_number: form.org_number.clone(),
    });
    let result = match input {
        Some(i) => state
            .services
            .create_organisation(&caller.ctx(), i)
            .await
            .map_err(ApiError::from),
        None => Err(ApiError::invalid("kind", InputReason::NotValid)),
    };
    after_create(
        result,
        page,
        |org| format!("/admin/organisations/{}?ok=org-created", org.id),
        async |page| organisations_page(&state, &caller, page).await,
    )
    .await
}

pub struct UnitRow {
    pub id: UnitId,
    pub name: String,
    pub kind_label: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "organisation.html")]
pub struct OrganisationPage {
    pub page: PageCtx,
    pub org: Organisation,
    pub kind_label: String,
    pub org_number: String,
    pub units: Vec<UnitRow>,
    pub can_manage: bool,
    pub can_units: bool,
    pub unit_kinds: Vec<(String, String)>,
}

pub(super) async fn organisation_page(
    state: &AppState,
    caller: &Caller,
    id: OrganisationId,
    page: PageCtx,
) -> PageResult {
    let t = page.t;
    let ctx = caller.ctx();
    let org = state
        .services
        .get_organisation(&ctx, id)
        .await
        .or_page(&page)?;
    let units = state
        .services
        .list_units(&ctx, Some(id))
        .await
        .or_page(&page)?;
    let p = &caller.principal;
    let target = vaka_domain::access::Target {
        organisation: id,
        units: &[],
    };
    Ok(render(
        page.form_status(),
        &OrganisationPage {
            kind_label: org_kind_label(t, &org),
            org_number: org_number(&org),
            units: units
                .into_iter()
                .map(|u| UnitRow {
                    id: u.id,
                    name: u.name,
                    kind_label: t.code("unit-kind", u.kind.code()),
                    active: u.active,
                })
                .collect(),
            can_manage: p
                .grant_for(Permission::OrganisationManage, target)
                .is_some(),
            can_units: p.grant_for(Permission::UnitManage, target).is_some(),
            unit_kinds: unit_kinds(t),
            org,
            page,
        },
    ))
}

pub async fn organisation(r: Req, Path(id): Path<String>, Query(f): Query<Flash>) -> PageResult {
    record_page(r, "organisations", &id, f.ok.as_deref(), organisation_page).await
}

#[derive(Debug, Deserialize)]
pub struct OrgEditForm {
    pub name: String,
    pub org_number: Option<String>,
    pub active: Option<String>,
}

pub async fn update_organisation(
    r: Req,
    Path(id): Path<String>,
    PageForm(form): PageForm<OrgEditForm>,
) -> PageResult {
    let patch = OrganisationPatch {
        name: Some(form.name),
        org_number: Some(form.org_number.unwrap_or_default()),
        active: Some(form.active.is_some()),
    };
    change_record(
        r,
        "organisations",
        &id,
        async |state, caller, id| {
            state
                .services
                .update_organisation(&caller.ctx(), id, patch)
                .await
        },
        |id: OrganisationId| format!("/admin/organisations/{id}?ok=org-saved"),
        organisation_page,
    )
    .await
}

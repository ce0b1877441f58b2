//! Units: creating and changing them, and the units a unit covers.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::directory::{Unit, UnitKind};
use vaka_domain::ids::{OrganisationId, UnitId};
use vaka_domain::reason::InputReason;
use vaka_service::directory::{NewUnitInput, UnitPatch};

use crate::error::ApiError;
use crate::extract::Query;
use crate::identity::Caller;
use crate::page::{
    OrPage, PageCtx, PageForm, PageResult, Req, after_create, change_record, found, parse_id,
    record_page, render,
};
use crate::state::AppState;
use crate::ui::account::home::Flash;

use super::organisations::organisation_page;
use super::unit_kinds;

#[derive(Debug, Deserialize)]
pub struct UnitForm {
    pub organisation_id: String,
    pub name: String,
    pub kind: String,
}

pub async fn create_unit(
    Req { state, t, caller }: Req,
    PageForm(form): PageForm<UnitForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "organisations");
    let org: OrganisationId = parse_id(&form.organisation_id, &page)?;
    let result = match UnitKind::from_code(&form.kind) {
        Some(kind) => state
            .services
            .create_unit(
                &caller.ctx(),
                NewUnitInput {
                    organisation_id: org,
                    name: form.name,
                    kind,
                },
            )
            .await
            .map_err(ApiError::from),
        None => Err(ApiError::invalid("kind", InputReason::NotValid)),
    };
    after_create(
        result,
        page,
        |unit| format!("/admin/units/{}?ok=unit-created", unit.id),
        async |page| organisation_page(&state, &caller, org, page).await,
    )
    .await
}

pub struct CoverageCandidate {
    pub id: UnitId,
    pub name: String,
    pub org_name: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "unit.html")]
pub struct UnitPage {
    pub page: PageCtx,
    pub unit: Unit,
    pub org_name: String,
    pub kind_label: String,
    pub can_manage: bool,
    pub unit_kinds: Vec<(String, String)>,
    pub unit_kind: String,
    pub candidates: Vec<CoverageCandidate>,
}

async fn unit_page(state: &AppState, caller: &Caller, id: UnitId, page: PageCtx) -> PageResult {
    let t = page.t;
    let ctx = caller.ctx();
    let (unit, covered) = state.services.get_unit(&ctx, id).await.or_page(&page)?;
    let orgs = state
        .services
        .list_organisations(&ctx)
        .await
        .or_page(&page)?;
    let org_names: HashMap<OrganisationId, String> =
        orgs.into_iter().map(|o| (o.id, o.name)).collect();
    let all_units = state.services.list_units(&ctx, None).await.or_page(&page)?;
    let candidates = all_units
        .into_iter()
        .filter(|u| u.id != id && matches!(u.kind, UnitKind::HomeCare | UnitKind::SpecialHousing))
        .map(|u| CoverageCandidate {
            checked: covered.contains(&u.id),
            org_name: org_names
                .get(&u.organisation_id)
                .cloned()
                .unwrap_or_default(),
            id: u.id,
            name: u.name,
        })
        .collect();
    let can_manage = caller
        .principal
        .grant_for(
            Permission::UnitManage,
            vaka_domain::access::Target {
                organisation: unit.organisation_id,
                units: &[unit.id],
            },
        )
        .is_some();
    Ok(render(
        page.form_status(),
        &UnitPage {
            org_name: org_names
                .get(&unit.organisation_id)
                .cloned()
                .unwrap_or_default(),
            kind_label: t.code("unit-kind", unit.kind.code()),
            unit_kinds: unit_kinds(t),
            unit_kind: unit.kind.code().to_owned(),
            can_manage,
            candidates,
            unit,
            page,
        },
    ))
}

pub async fn unit(r: Req, Path(id): Path<String>, Query(f): Query<Flash>) -> PageResult {
    record_page(r, "organisations", &id, f.ok.as_deref(), unit_page).await
}

#[derive(Debug, Deserialize)]
pub struct UnitEditForm {
    pub name: String,
    pub kind: String,
    pub active: Option<String>,
}

/// A change on a unit's page, back to it with the `ok` notice.
async fn unit_change<T>(
    r: Req,
    raw_id: &str,
    work: impl AsyncFnOnce(&AppState, &Caller, UnitId) -> Result<T, ApiError>,
) -> PageResult {
    change_record(
        r,
        "organisations",
        raw_id,
        work,
        |id| format!("/admin/units/{id}?ok=unit-saved"),
        unit_page,
    )
    .await
}

pub async fn update_unit(
    r: Req,
    Path(id): Path<String>,
    PageForm(form): PageForm<UnitEditForm>,
) -> PageResult {
    let patch = UnitPatch {
        name: Some(form.name),
        kind: UnitKind::from_code(&form.kind),
        active: Some(form.active.is_some()),
    };
    unit_change(r, &id, async |state, caller, id| {
        Ok(state.services.update_unit(&caller.ctx(), id, patch).await?)
    })
    .await
}

pub async fn set_coverage(r: Req, Path(id): Path<String>, body: Bytes) -> PageResult {
    unit_change(r, &id, async |state, caller, id| {
        let mut covered = Vec::new();
        for (k, v) in form_urlencoded::parse(&body) {
            if k == "covered" {
                covered.push(found::<UnitId>(&v)?);
            }
        }
        Ok(state
            .services
            .set_unit_coverage(&caller.ctx(), id, covered)
            .await?)
    })
    .await
}

//! Administration pages: organisations, units, accounts and roles.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use vaka_domain::access::{Permission, Role};
use vaka_domain::directory::{
    AccountStatus, Organisation, OrganisationKind, ProviderKind, Unit, UnitKind, UserAccount,
};
use vaka_domain::ids::{ApiTokenId, OrganisationId, RoleAssignmentId, UnitId, UserId};
use vaka_service::directory::{
    NewAccountInput, NewOrganisationInput, NewUnitInput, OrganisationPatch, RoleInput, UnitPatch,
    UserListQuery,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::Query;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::ui::home::Flash;
use crate::ui::pages::{
    OrPage, PageCtx, PageError, PageForm, local_time, opt_id, parse_id, render,
};

fn org_kind_label(t: Tr, o: &Organisation) -> String {
    match (o.kind, o.provider_kind) {
        (OrganisationKind::Provider, Some(pk)) => format!(
            "{} ({})",
            t.t("org-kind-provider"),
            t.code("org-provider_kind", pk.code())
        ),
        (k, _) => t.code("org-kind", k.code()),
    }
}

fn unit_kinds(t: Tr) -> Vec<(String, String)> {
    UnitKind::ALL
        .iter()
        .map(|k| (k.code().to_owned(), t.code("unit-kind", k.code())))
        .collect()
}

// ---- organisations ---------------------------------------------------------------------

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

async fn organisations_page(
    state: &AppState,
    caller: &Caller,
    page: PageCtx,
) -> Result<Response, PageError> {
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
            org_number: o
                .org_number
                .as_ref()
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default(),
            units: units.iter().filter(|u| u.organisation_id == o.id).count(),
            active: o.active,
        })
        .collect();
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render(
        status,
        &OrganisationsPage {
            orgs: rows,
            can_manage: caller
                .principal
                .has_permission(Permission::OrganisationManage),
            page,
        },
    ))
}

pub async fn organisations(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
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
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    PageForm(form): PageForm<OrgForm>,
) -> Result<Response, PageError> {
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
        None => Err(ApiError::invalid("kind", "is not valid")),
    };
    match result {
        Ok(org) => Ok(
            Redirect::to(&format!("/admin/organisations/{}?ok=org-created", org.id))
                .into_response(),
        ),
        Err(e) if e.status == StatusCode::FORBIDDEN => Err(PageError { error: e, page }),
        Err(e) => organisations_page(&state, &caller, page.with_error(&e)).await,
    }
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

async fn organisation_page(
    state: &AppState,
    caller: &Caller,
    id: OrganisationId,
    page: PageCtx,
) -> Result<Response, PageError> {
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
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render(
        status,
        &OrganisationPage {
            kind_label: org_kind_label(t, &org),
            org_number: org
                .org_number
                .as_ref()
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default(),
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

pub async fn organisation(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "organisations").with_flash_key(f.ok.as_deref());
    let id = parse_id(&id, &page)?;
    organisation_page(&state, &caller, id, page).await
}

#[derive(Debug, Deserialize)]
pub struct OrgEditForm {
    pub name: String,
    pub org_number: Option<String>,
    pub active: Option<String>,
}

pub async fn update_organisation(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(form): PageForm<OrgEditForm>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "organisations");
    let id: OrganisationId = parse_id(&id, &page)?;
    let patch = OrganisationPatch {
        name: Some(form.name),
        org_number: Some(form.org_number.unwrap_or_default()),
        active: Some(form.active.is_some()),
    };
    match state
        .services
        .update_organisation(&caller.ctx(), id, patch)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/admin/organisations/{id}?ok=org-saved")).into_response())
        }
        Err(e) => {
            let e = ApiError::from(e);
            if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND {
                return Err(PageError { error: e, page });
            }
            organisation_page(&state, &caller, id, page.with_error(&e)).await
        }
    }
}

// ---- units -----------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct UnitForm {
    pub organisation_id: String,
    pub name: String,
    pub kind: String,
}

pub async fn create_unit(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    PageForm(form): PageForm<UnitForm>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "organisations");
    let org: OrganisationId = parse_id(&form.organisation_id, &page)?;
    let Some(kind) = UnitKind::from_code(&form.kind) else {
        return organisation_page(
            &state,
            &caller,
            org,
            page.with_error(&ApiError::invalid("kind", "is not valid")),
        )
        .await;
    };
    match state
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
    {
        Ok(unit) => {
            Ok(Redirect::to(&format!("/admin/units/{}?ok=unit-created", unit.id)).into_response())
        }
        Err(e) => {
            let e = ApiError::from(e);
            if e.status == StatusCode::FORBIDDEN {
                return Err(PageError { error: e, page });
            }
            organisation_page(&state, &caller, org, page.with_error(&e)).await
        }
    }
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

async fn unit_page(
    state: &AppState,
    caller: &Caller,
    id: UnitId,
    page: PageCtx,
) -> Result<Response, PageError> {
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
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render(
        status,
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

pub async fn unit(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "organisations").with_flash_key(f.ok.as_deref());
    let id = parse_id(&id, &page)?;
    unit_page(&state, &caller, id, page).await
}

#[derive(Debug, Deserialize)]
pub struct UnitEditForm {
    pub name: String,
    pub kind: String,
    pub active: Option<String>,
}

pub async fn update_unit(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(form): PageForm<UnitEditForm>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "organisations");
    let id: UnitId = parse_id(&id, &page)?;
    let patch = UnitPatch {
        name: Some(form.name),
        kind: UnitKind::from_code(&form.kind),
        active: Some(form.active.is_some()),
    };
    match state.services.update_unit(&caller.ctx(), id, patch).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/units/{id}?ok=unit-saved")).into_response()),
        Err(e) => {
            let e = ApiError::from(e);
            if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND {
                return Err(PageError { error: e, page });
            }
            unit_page(&state, &caller, id, page.with_error(&e)).await
        }
    }
}

pub async fn set_coverage(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "organisations");
    let id: UnitId = parse_id(&id, &page)?;
    let mut covered = Vec::new();
    for (k, v) in form_urlencoded::parse(&body) {
        if k == "covered" {
            covered.push(parse_id::<UnitId>(&v, &page)?);
        }
    }
    match state
        .services
        .set_unit_coverage(&caller.ctx(), id, covered)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/admin/units/{id}?ok=unit-saved")).into_response()),
        Err(e) => {
            let e = ApiError::from(e);
            if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND {
                return Err(PageError { error: e, page });
            }
            unit_page(&state, &caller, id, page.with_error(&e)).await
        }
    }
}

// ---- users -----------------------------------------------------------------------------

fn status_view(t: Tr, s: AccountStatus) -> (String, &'static str) {
    let class = match s {
        AccountStatus::Active => "ok",
        AccountStatus::Requested => "warn",
        AccountStatus::Rejected | AccountStatus::Deactivated => "muted",
    };
    (t.code("user-status", s.code()), class)
}

pub struct UserRow {
    pub id: UserId,
    pub display_name: String,
    pub username: String,
    pub org_name: String,
    pub status_label: String,
    pub status_class: &'static str,
    pub totp: bool,
    pub last_login: String,
    pub unused: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    pub page: PageCtx,
    pub users: Vec<UserRow>,
    pub orgs: Vec<(String, String)>,
    pub statuses: Vec<(String, String)>,
    pub q: String,
    pub sel_org: String,
    pub sel_status: String,
    pub only_unused: bool,
    pub can_create: bool,
    pub can_request: bool,
}

#[derive(Debug, Deserialize, Default)]
pub struct UserFilterForm {
    pub q: Option<String>,
    pub organisation_id: Option<String>,
    pub status: Option<String>,
    pub unused: Option<String>,
    pub ok: Option<String>,
}

pub async fn users(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Query(f): Query<UserFilterForm>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "users").with_flash_key(f.ok.as_deref());
    let ctx = caller.ctx();
    let org = opt_id::<OrganisationId>(f.organisation_id.as_deref(), "organisation_id", &page)?;
    let status = f.status.as_deref().and_then(AccountStatus::from_code);
    let items = state
        .services
        .list_users(
            &ctx,
            &UserListQuery {
                organisation: org,
                unit: None,
                status,
                search: f.q.clone(),
                only_unused: f.unused.is_some(),
            },
        )
        .await
        .or_page(&page)?;
    let orgs = state
        .services
        .list_organisations(&ctx)
        .await
        .or_page(&page)?;
    let names: HashMap<OrganisationId, String> =
        orgs.iter().map(|o| (o.id, o.name.clone())).collect();
    let users = items
        .into_iter()
        .map(|i| {
            let (status_label, status_class) = status_view(t, i.account.status);
            UserRow {
                id: i.account.id,
                display_name: i.account.display_name,
                username: i.account.username.to_string(),
                org_name: names
                    .get(&i.account.organisation_id)
                    .cloned()
                    .unwrap_or_default(),
                status_label,
                status_class,
                totp: i.account.totp_enabled,
                last_login: i
                    .account
                    .last_login_at
                    .map(local_time)
                    .unwrap_or_else(|| t.t("user-never").into_owned()),
                unused: i.unused,
            }
        })
        .collect();
    let p = &caller.principal;
    Ok(render(
        StatusCode::OK,
        &UsersPage {
            users,
            orgs: orgs
                .iter()
                .map(|o| (o.id.to_string(), o.name.clone()))
                .collect(),
            statuses: AccountStatus::ALL
                .iter()
                .map(|s| (s.code().to_owned(), t.code("user-status", s.code())))
                .collect(),
            q: f.q.unwrap_or_default(),
            sel_org: org.map(|o| o.to_string()).unwrap_or_default(),
            sel_status: status.map(|s| s.code().to_owned()).unwrap_or_default(),
            only_unused: f.unused.is_some(),
            can_create: p.has_permission(Permission::AccountManage),
            can_request: p.has_permission(Permission::AccountRequest),
            page,
        },
    ))
}

#[derive(Debug, Deserialize, Default)]
pub struct NewUserForm {
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub hsa_id: String,
    #[serde(default)]
    pub organisation_id: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub unit_id: String,
}

#[derive(Template)]
#[template(path = "user_new.html")]
pub struct NewUserPage {
    pub page: PageCtx,
    pub heading: String,
    pub request: bool,
    pub form: NewUserForm,
    pub orgs: Vec<(String, String)>,
    pub roles: Vec<(String, String)>,
    pub units: Vec<(String, String)>,
}

async fn new_user_page(
    state: &AppState,
    caller: &Caller,
    page: PageCtx,
    form: NewUserForm,
) -> Result<Response, PageError> {
    let t = page.t;
    let p = &caller.principal;
    let (perm, request) = if p.has_permission(Permission::AccountManage) {
        (Permission::AccountManage, false)
    } else if p.has_permission(Permission::AccountRequest) {
        (Permission::AccountRequest, true)
    } else {
        return Err(PageError {
            error: ApiError::forbidden("no right to create accounts"),
            page,
        });
    };
    let ctx = caller.ctx();
    let orgs: Vec<Organisation> = state
        .services
        .list_organisations(&ctx)
        .await
        .or_page(&page)?
        .into_iter()
        .filter(|o| {
            p.grant_for(
                perm,
                vaka_domain::access::Target {
                    organisation: o.id,
                    units: &[],
                },
            )
            .is_some()
                || !p.reach(perm).units.is_empty()
        })
        .collect();
    let names: HashMap<OrganisationId, String> =
        orgs.iter().map(|o| (o.id, o.name.clone())).collect();
    let units: Vec<(String, String)> = state
        .services
        .list_units(&ctx, None)
        .await
        .or_page(&page)?
        .into_iter()
        .filter(|u| names.contains_key(&u.organisation_id))
        .filter(|u| {
            p.grant_for(
                perm,
                vaka_domain::access::Target {
                    organisation: u.organisation_id,
                    units: &[u.id],
                },
            )
            .is_some()
        })
        .map(|u| {
            (
                u.id.to_string(),
                format!(
                    "{} — {}",
                    names.get(&u.organisation_id).cloned().unwrap_or_default(),
                    u.name
                ),
            )
        })
        .collect();
    let kinds: Vec<OrganisationKind> = orgs.iter().map(|o| o.kind).collect();
    let roles = Role::ALL
        .iter()
        .filter(|r| kinds.iter().any(|k| r.allowed_in(*k)))
        .map(|r| (r.code().to_owned(), t.code("role", r.code())))
        .collect();
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render(
        status,
        &NewUserPage {
            heading: if request {
                t.t("user-request")
            } else {
                t.t("user-new")
            }
            .into_owned(),
            request,
            orgs: orgs
                .iter()
                .map(|o| (o.id.to_string(), o.name.clone()))
                .collect(),
            roles,
            units,
            form,
            page,
        },
    ))
}

pub async fn new_user_form(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "users");
    new_user_page(&state, &caller, page, NewUserForm::default()).await
}

#[derive(Template)]
#[template(path = "user_secret.html")]
pub struct SecretPage {
    pub page: PageCtx,
    pub heading: String,
    pub user_id: UserId,
    pub username: String,
    pub password: Option<String>,
    pub token: Option<String>,
}

pub async fn new_user_submit(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    PageForm(form): PageForm<NewUserForm>,
) -> Result<Response, PageError> {
    add_account(state, t, caller, form, false).await
}

pub async fn request_user_submit(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    PageForm(form): PageForm<NewUserForm>,
) -> Result<Response, PageError> {
    add_account(state, t, caller, form, true).await
}

async fn add_account(
    state: AppState,
    t: Tr,
    caller: Caller,
    form: NewUserForm,
    request: bool,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "users");
    let build = || -> Result<NewAccountInput, ApiError> {
        let org: OrganisationId = form
            .organisation_id
            .parse()
            .map_err(|_| ApiError::invalid("organisation_id", "is required"))?;
        let role =
            Role::from_code(&form.role).ok_or_else(|| ApiError::invalid("role", "is required"))?;
        let unit = match form.unit_id.trim() {
            "" => None,
            s => Some(
                s.parse::<UnitId>()
                    .map_err(|_| ApiError::invalid("unit_id", "is not valid"))?,
            ),
        };
        Ok(NewAccountInput {
            username: form.username.clone(),
            display_name: form.display_name.clone(),
            email: form.email.clone(),
            hsa_id: Some(form.hsa_id.clone()),
            organisation_id: org,
            roles: vec![RoleInput {
                role,
                organisation_id: org,
                unit_id: unit,
            }],
        })
    };
    let input = match build() {
        Ok(i) => i,
        Err(e) => return new_user_page(&state, &caller, page.with_error(&e), form).await,
    };
    let ctx = caller.ctx();
    let result = if request {
        state.services.request_user(&ctx, input).await
    } else {
        state.services.create_user(&ctx, input).await
    };
    match result {
        Ok(created) => match created.initial_password {
            Some(pw) => Ok(render(
                StatusCode::CREATED,
                &SecretPage {
                    heading: t.t("user-created").into_owned(),
                    user_id: created.account.id,
                    username: created.account.username.to_string(),
                    password: Some(pw),
                    token: None,
                    page,
                },
            )),
            None => Ok(Redirect::to(&format!(
                "/admin/users/{}?ok=user-requested",
                created.account.id
            ))
            .into_response()),
        },
        Err(e) => {
            let e = ApiError::from(e);
            if e.status == StatusCode::FORBIDDEN {
                return Err(PageError { error: e, page });
            }
            new_user_page(&state, &caller, page.with_error(&e), form).await
        }
    }
}

pub struct RoleRow {
    pub id: RoleAssignmentId,
    pub label: String,
    pub unit: String,
}

pub struct TokenRow {
    pub id: ApiTokenId,
    pub name: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "user.html")]
pub struct UserPage {
    pub page: PageCtx,
    pub u: UserAccount,
    pub status_label: String,
    pub status_class: &'static str,
    pub unused: bool,
    pub hsa_id: String,
    pub org_name: String,
    pub last_login: String,
    pub created: String,
    pub sessions: i64,
    pub roles: Vec<RoleRow>,
    pub tokens: Vec<TokenRow>,
    pub role_options: Vec<(String, String)>,
    pub unit_options: Vec<(String, String)>,
    pub can_approve: bool,
    pub can_deactivate: bool,
    pub can_manage: bool,
    pub can_tokens: bool,
    pub is_requested: bool,
    pub is_active: bool,
    pub is_deactivated: bool,
    pub is_self: bool,
}

async fn user_page(
    state: &AppState,
    caller: &Caller,
    id: UserId,
    page: PageCtx,
) -> Result<Response, PageError> {
    let t = page.t;
    let ctx = caller.ctx();
    let d = state.services.get_user(&ctx, id).await.or_page(&page)?;
    let orgs = state
        .services
        .list_organisations(&ctx)
        .await
        .or_page(&page)?;
    let org = orgs.iter().find(|o| o.id == d.account.organisation_id);
    let units: Vec<Unit> = state
        .services
        .list_units(&ctx, Some(d.account.organisation_id))
        .await
        .or_page(&page)?;
    let unit_name = |u: Option<UnitId>| match u {
        None => t.t("common-whole_org").into_owned(),
        Some(u) => units
            .iter()
            .find(|x| x.id == u)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| u.to_string()),
    };
    let p = &caller.principal;
    let unit_ids: Vec<UnitId> = d.assignments.iter().filter_map(|a| a.unit_id).collect();
    let target = vaka_domain::access::Target {
        organisation: d.account.organisation_id,
        units: &unit_ids,
    };
    let (status_label, status_class) = status_view(t, d.account.status);
    let s = d.account.status;
    Ok(render(
        if page.error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &UserPage {
            status_label,
            status_class,
            unused: d.unused,
            hsa_id: d
                .account
                .hsa_id
                .as_ref()
                .map(|h| h.as_str().to_owned())
                .unwrap_or_default(),
            org_name: org.map(|o| o.name.clone()).unwrap_or_default(),
            last_login: d
                .account
                .last_login_at
                .map(local_time)
                .unwrap_or_else(|| t.t("user-never").into_owned()),
            created: local_time(d.account.created_at),
            sessions: d.active_sessions,
            roles: d
                .assignments
                .iter()
                .map(|a| RoleRow {
                    id: a.id,
                    label: t.code("role", a.role.code()),
                    unit: unit_name(a.unit_id),
                })
                .collect(),
            tokens: d
                .tokens
                .iter()
                .map(|tk| TokenRow {
                    id: tk.id,
                    name: tk.name.clone(),
                    created: local_time(tk.created_at),
                    last_used: tk
                        .last_used_at
                        .map(local_time)
                        .unwrap_or_else(|| t.t("user-never").into_owned()),
                    revoked: tk.revoked_at.is_some(),
                })
                .collect(),
            role_options: Role::ALL
                .iter()
                .filter(|r| org.is_some_and(|o| r.allowed_in(o.kind)))
                .map(|r| (r.code().to_owned(), t.code("role", r.code())))
                .collect(),
            unit_options: units
                .iter()
                .map(|u| (u.id.to_string(), u.name.clone()))
                .collect(),
            can_approve: p.grant_for(Permission::AccountApprove, target).is_some(),
            can_deactivate: p.grant_for(Permission::AccountDeactivate, target).is_some(),
            can_manage: p.grant_for(Permission::AccountManage, target).is_some(),
            can_tokens: p.grant_for(Permission::TokenManage, target).is_some(),
            is_requested: s == AccountStatus::Requested,
            is_active: s == AccountStatus::Active,
            is_deactivated: s == AccountStatus::Deactivated,
            is_self: d.account.id == p.user_id,
            u: d.account,
            page,
        },
    ))
}

pub async fn user(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "users").with_flash_key(f.ok.as_deref());
    let id = parse_id(&id, &page)?;
    user_page(&state, &caller, id, page).await
}

/// Runs an action on a user and comes back to their page with a notice, or the error.
async fn user_action<F, Fut>(
    state: &AppState,
    t: Tr,
    caller: &Caller,
    raw_id: &str,
    ok_key: &str,
    f: F,
) -> Result<Response, PageError>
where
    F: FnOnce(UserId) -> Fut,
    Fut: std::future::Future<Output = Result<(), vaka_service::ServiceError>>,
{
    let page = PageCtx::for_caller(caller, t, "users");
    let id: UserId = parse_id(raw_id, &page)?;
    match f(id).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{id}?ok={ok_key}")).into_response()),
        Err(e) => {
            let e = ApiError::from(e);
            if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND {
                return Err(PageError { error: e, page });
            }
            user_page(state, caller, id, page.with_error(&e)).await
        }
    }
}

pub async fn approve(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "users");
    let uid: UserId = parse_id(&id, &page)?;
    match state.services.approve_user(&caller.ctx(), uid).await {
        Ok(c) => Ok(render(
            StatusCode::OK,
            &SecretPage {
                heading: t.t("user-approved").into_owned(),
                user_id: uid,
                username: c.account.username.to_string(),
                password: c.initial_password,
                token: None,
                page,
            },
        )),
        Err(e) => {
            let e = ApiError::from(e);
            if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND {
                return Err(PageError { error: e, page });
            }
            user_page(&state, &caller, uid, page.with_error(&e)).await
        }
    }
}

pub async fn reject(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let ctx = caller.ctx();
    let svc = state.services.clone();
    user_action(&state, t, &caller, &id, "user-rejected", |u| async move {
        svc.reject_user(&ctx, u).await.map(|_| ())
    })
    .await
}

pub async fn deactivate(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let ctx = caller.ctx();
    let svc = state.services.clone();
    user_action(
        &state,
        t,
        &caller,
        &id,
        "user-deactivated",
        |u| async move { svc.deactivate_user(&ctx, u).await.map(|_| ()) },
    )
    .await
}

pub async fn reactivate(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let ctx = caller.ctx();
    let svc = state.services.clone();
    user_action(
        &state,
        t,
        &caller,
        &id,
        "user-reactivated",
        |u| async move { svc.reactivate_user(&ctx, u).await.map(|_| ()) },
    )
    .await
}

pub async fn reset_second_factor(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let ctx = caller.ctx();
    let svc = state.services.clone();
    user_action(&state, t, &caller, &id, "user-totp_reset", |u| async move {
        svc.reset_second_factor(&ctx, u).await
    })
    .await
}

pub async fn reset_password(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "users");
    let uid: UserId = parse_id(&id, &page)?;
    match state.services.reset_password(&caller.ctx(), uid).await {
        Ok(pw) => {
            let username = state
                .services
                .get_user(&caller.ctx(), uid)
                .await
                .map(|d| d.account.username.to_string())
                .unwrap_or_default();
            Ok(render(
                StatusCode::OK,
                &SecretPage {
                    heading: t.t("user-reset_password").into_owned(),
                    user_id: uid,
                    username,
                    password: Some(pw),
                    token: None,
                    page,
                },
            ))
        }
        Err(e) => {
            let e = ApiError::from(e);
            if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND {
                return Err(PageError { error: e, page });
            }
            user_page(&state, &caller, uid, page.with_error(&e)).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    pub role: String,
    #[serde(default)]
    pub unit_id: String,
}

pub async fn add_role(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(form): PageForm<RoleForm>,
) -> Result<Response, PageError> {
    let ctx = caller.ctx();
    let services = state.services.clone();
    user_action(&state, t, &caller, &id, "user-role_added", |u| async move {
        let role = Role::from_code(&form.role)
            .ok_or_else(|| vaka_service::ServiceError::invalid("role", "is required"))?;
        let unit = match form.unit_id.trim() {
            "" => None,
            s => Some(
                s.parse::<UnitId>()
                    .map_err(|_| vaka_service::ServiceError::invalid("unit_id", "is not valid"))?,
            ),
        };
        services
            .grant_role_in_own_organisation(&ctx, u, role, unit)
            .await
            .map(|_| ())
    })
    .await
}

pub async fn remove_role(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path((id, assignment)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let ctx = caller.ctx();
    let svc = state.services.clone();
    let page = PageCtx::for_caller(&caller, t, "users");
    let assignment: RoleAssignmentId = parse_id(&assignment, &page)?;
    user_action(
        &state,
        t,
        &caller,
        &id,
        "user-role_removed",
        |u| async move { svc.revoke_role(&ctx, u, assignment).await },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    pub name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(form): PageForm<TokenForm>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "users");
    let uid: UserId = parse_id(&id, &page)?;
    match state
        .services
        .create_api_token(&caller.ctx(), uid, &form.name)
        .await
    {
        Ok(tok) => Ok(render(
            StatusCode::CREATED,
            &SecretPage {
                heading: t.t("user-token_new").into_owned(),
                user_id: uid,
                username: String::new(),
                password: None,
                token: Some(tok.token),
                page,
            },
        )),
        Err(e) => {
            let e = ApiError::from(e);
            if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND {
                return Err(PageError { error: e, page });
            }
            user_page(&state, &caller, uid, page.with_error(&e)).await
        }
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path((id, token)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let ctx = caller.ctx();
    let svc = state.services.clone();
    let page = PageCtx::for_caller(&caller, t, "users");
    let token: ApiTokenId = parse_id(&token, &page)?;
    user_action(
        &state,
        t,
        &caller,
        &id,
        "user-token_revoked",
        |u| async move { svc.revoke_api_token(&ctx, u, token).await },
    )
    .await
}

//! Accounts: the list, and creating or requesting one.

use std::collections::HashMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use vaka_domain::access::{Permission, Role};
use vaka_domain::directory::{AccountStatus, Organisation, OrganisationKind};
use vaka_domain::ids::{OrganisationId, UnitId, UserId};
use vaka_domain::reason::{DirectoryReason, InputReason};
use vaka_service::directory::{NewAccountInput, RoleInput, UserListQuery};

use crate::error::ApiError;
use crate::extract::Query;
use crate::i18n::Tr;
use crate::identity::Caller;
use crate::page::{
    ErrorPage, OrPage, PageCtx, PageError, PageForm, PageResult, Req, after_change, local_time,
    opt_id, render,
};
use crate::state::AppState;

pub(super) fn status_view(t: Tr, s: AccountStatus) -> (String, &'static str) {
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

pub async fn users(Req { state, t, caller }: Req, Query(f): Query<UserFilterForm>) -> PageResult {
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
                    .map_or_else(|| t.t("user-never").into_owned(), local_time),
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
) -> PageResult {
    let t = page.t;
    let p = &caller.principal;
    let (perm, request) = if p.has_permission(Permission::AccountManage) {
        (Permission::AccountManage, false)
    } else if p.has_permission(Permission::AccountRequest) {
        (Permission::AccountRequest, true)
    } else {
        return Err(PageError {
            error: ApiError::forbidden(DirectoryReason::MayNotCreateAccounts),
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
    Ok(render(
        page.form_status(),
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

pub async fn new_user_form(Req { state, t, caller }: Req) -> PageResult {
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
    Req { state, t, caller }: Req,
    PageForm(form): PageForm<NewUserForm>,
) -> PageResult {
    add_account(state, t, caller, form, false).await
}

pub async fn request_user_submit(
    Req { state, t, caller }: Req,
    PageForm(form): PageForm<NewUserForm>,
) -> PageResult {
    add_account(state, t, caller, form, true).await
}

async fn add_account(
    state: AppState,
    t: Tr,
    caller: Caller,
    form: NewUserForm,
    request: bool,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "users");
    let build = || -> Result<NewAccountInput, ApiError> {
        let org: OrganisationId = form
            .organisation_id
            .parse()
            .map_err(|_| ApiError::invalid("organisation_id", InputReason::Required))?;
        let role = Role::from_code(&form.role)
            .ok_or_else(|| ApiError::invalid("role", InputReason::Required))?;
        let unit = match form.unit_id.trim() {
            "" => None,
            s => Some(
                s.parse::<UnitId>()
                    .map_err(|_| ApiError::invalid("unit_id", InputReason::NotValid))?,
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
    let result = async {
        let input = build()?;
        let ctx = caller.ctx();
        Ok::<_, ApiError>(if request {
            state.services.request_user(&ctx, input).await?
        } else {
            state.services.create_user(&ctx, input).await?
        })
    }
    .await;
    after_change(
        ErrorPage::Refused,
        result,
        page,
        |created, page| match created.initial_password {
            Some(pw) => render(
                StatusCode::CREATED,
                &SecretPage {
                    heading: t.t("user-created").into_owned(),
                    user_id: created.account.id,
                    username: created.account.username.to_string(),
                    password: Some(pw),
                    token: None,
                    page,
                },
            ),
            None => Redirect::to(&format!(
                "/admin/users/{}?ok=user-requested",
                created.account.id
            ))
            .into_response(),
        },
        async |page| new_user_page(&state, &caller, page, form).await,
    )
    .await
}

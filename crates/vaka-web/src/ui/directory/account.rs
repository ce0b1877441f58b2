//! One account: its page with roles and tokens, and the steps an administrator takes on it
//! (approve, reject, end, reactivate, reset password or second factor, roles, tokens).

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use vaka_domain::access::{Permission, Role};
use vaka_domain::directory::{AccountStatus, Unit, UserAccount};
use vaka_domain::ids::{ApiTokenId, RoleAssignmentId, UnitId, UserId};
use vaka_domain::reason::InputReason;

use super::users::{SecretPage, status_view};
use crate::error::ApiError;
use crate::extract::Query;
use crate::i18n::Tr;
use crate::identity::Caller;
use crate::page::{
    OrPage, PageCtx, PageError, PageForm, PageResult, Req, local_time, parse_id, render,
};
use crate::state::AppState;
use crate::ui::account::home::Flash;

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

async fn user_page(state: &AppState, caller: &Caller, id: UserId, page: PageCtx) -> PageResult {
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
            .map_or_else(|| u.to_string(), |x| x.name.clone()),
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
                .map_or_else(|| t.t("user-never").into_owned(), local_time),
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
                        .map_or_else(|| t.t("user-never").into_owned(), local_time),
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
    Req { state, t, caller }: Req,
    Path(id): Path<String>,
    Query(f): Query<Flash>,
) -> PageResult {
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

pub async fn approve(Req { state, t, caller }: Req, Path(id): Path<String>) -> PageResult {
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

pub async fn reject(Req { state, t, caller }: Req, Path(id): Path<String>) -> PageResult {
    let ctx = caller.ctx();
    let svc = state.services.clone();
    user_action(&state, t, &caller, &id, "user-rejected", |u| async move {
        svc.reject_user(&ctx, u).await.map(|_| ())
    })
    .await
}

pub async fn deactivate(Req { state, t, caller }: Req, Path(id): Path<String>) -> PageResult {
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

pub async fn reactivate(Req { state, t, caller }: Req, Path(id): Path<String>) -> PageResult {
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
    Req { state, t, caller }: Req,
    Path(id): Path<String>,
) -> PageResult {
    let ctx = caller.ctx();
    let svc = state.services.clone();
    user_action(&state, t, &caller, &id, "user-totp_reset", |u| async move {
        svc.reset_second_factor(&ctx, u).await
    })
    .await
}

pub async fn reset_password(Req { state, t, caller }: Req, Path(id): Path<String>) -> PageResult {
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
    Req { state, t, caller }: Req,
    Path(id): Path<String>,
    PageForm(form): PageForm<RoleForm>,
) -> PageResult {
    let ctx = caller.ctx();
    let services = state.services.clone();
    user_action(&state, t, &caller, &id, "user-role_added", |u| async move {
        let role = Role::from_code(&form.role)
            .ok_or_else(|| vaka_service::ServiceError::invalid("role", InputReason::Required))?;
        let unit = match form.unit_id.trim() {
            "" => None,
            s => Some(s.parse::<UnitId>().map_err(|_| {
                vaka_service::ServiceError::invalid("unit_id", InputReason::NotValid)
            })?),
        };
        services
            .grant_role_in_own_organisation(&ctx, u, role, unit)
            .await
            .map(|_| ())
    })
    .await
}

pub async fn remove_role(
    Req { state, t, caller }: Req,
    Path((id, assignment)): Path<(String, String)>,
) -> PageResult {
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
    Req { state, t, caller }: Req,
    Path(id): Path<String>,
    PageForm(form): PageForm<TokenForm>,
) -> PageResult {
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
    Req { state, t, caller }: Req,
    Path((id, token)): Path<(String, String)>,
) -> PageResult {
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

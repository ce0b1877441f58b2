//! One account: its page with roles and tokens, and the steps an administrator takes on it
//! (approve, reject, end, reactivate, reset password or second factor, roles, tokens).

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use serde::Deserialize;
use vaka_domain::access::{Permission, Role};
use vaka_domain::directory::{AccountStatus, Unit, UserAccount};
use vaka_domain::ids::{ApiTokenId, RoleAssignmentId, UnitId, UserId};
use vaka_domain::reason::InputReason;

use super::users::{SecretPage, status_view};
use crate::error::ApiError;
use crate::extract::Query;
use crate::identity::Caller;
use crate::page::{
    OrPage, PageCtx, PageForm, PageResult, Req, change_record, change_record_answering, found,
    local_time, record_page, render,
};
use crate::state::AppState;
use crate::ui::account::home::{CodeForm, Flash};

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
    /// Another account has the username this request asks for (shown to approvers only).
    pub username_taken: bool,
    pub is_active: bool,
    pub is_deactivated: bool,
    pub is_self: bool,
    /// Resetting a second factor and creating a token ask for a current code: the caller's
    /// session has not proven its second factor in the last minutes.
    pub needs_code: bool,
    /// The code asked for may be a passkey's answer: the caller has one (a button offers it).
    pub passkey_step_up: bool,
    /// Or a step-up at the identity provider (SITHS eID).
    pub oidc_step_up: crate::ui::account::oidc::StepUpOffer,
    /// The person's licence and leave (delegated health-care tasks).
    pub deleg: super::licence::StaffDelegation,
}

pub(super) async fn user_page(
    state: &AppState,
    caller: &Caller,
    id: UserId,
    page: PageCtx,
) -> PageResult {
    let t = page.t;
    let ctx = caller.ctx();
    let d = state.services.get_user(&ctx, id).await.or_page(&page)?;
    let deleg = super::licence::staff_delegation(state, caller, id, &page).await?;
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
        page.form_status(),
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
            username_taken: d.username_taken,
            is_active: s == AccountStatus::Active,
            is_deactivated: s == AccountStatus::Deactivated,
            is_self: d.account.id == p.user_id,
            needs_code: state
                .services
                .needs_fresh_second_factor(caller.session.as_ref()),
            passkey_step_up: crate::ui::account::passkeys::step_up_offered(state, caller).await,
            oidc_step_up: crate::ui::account::oidc::step_up_offer(
                state,
                caller,
                page.t,
                &format!("/admin/users/{}", d.account.id),
            )
            .await,
            deleg,
            u: d.account,
            page,
        },
    ))
}

pub async fn user(r: Req, Path(id): Path<String>, Query(f): Query<Flash>) -> PageResult {
    record_page(r, "users", &id, f.ok.as_deref(), user_page).await
}

/// Runs an action on a user and comes back to their page with a notice, or the error.
async fn user_action<T, E: Into<ApiError>>(
    r: Req,
    raw_id: &str,
    ok_key: &str,
    work: impl AsyncFnOnce(&AppState, &Caller, UserId) -> Result<T, E>,
) -> PageResult {
    change_record(
        r,
        "users",
        raw_id,
        work,
        |id| format!("/admin/users/{id}?ok={ok_key}"),
        user_page,
    )
    .await
}

/// Runs an action on a user that gives a secret to hand over once (a password, a token): the
/// secret's page under `heading`, or the user's page again with the error.
async fn secret_action<T>(
    r: Req,
    raw_id: &str,
    heading: &'static str,
    status: StatusCode,
    work: impl AsyncFnOnce(&AppState, &Caller, UserId) -> Result<T, vaka_service::ServiceError>,
    secret: impl FnOnce(T) -> Secret,
) -> PageResult {
    change_record_answering(
        r,
        "users",
        raw_id,
        work,
        |user_id, v, page| {
            let Secret {
                username,
                password,
                token,
            } = secret(v);
            render(
                status,
                &SecretPage {
                    heading: page.t.t(heading).into_owned(),
                    user_id,
                    username,
                    password,
                    token,
                    page,
                },
            )
        },
        user_page,
    )
    .await
}

/// What a secret's page shows besides its heading.
struct Secret {
    username: String,
    password: Option<String>,
    token: Option<String>,
}

/// The approval form: the username, as asked for or as the approver changes it.
#[derive(Debug, Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    pub username: String,
}

pub async fn approve(
    r: Req,
    Path(id): Path<String>,
    PageForm(form): PageForm<ApproveForm>,
) -> PageResult {
    secret_action(
        r,
        &id,
        "user-approved",
        StatusCode::OK,
        async |state, caller, u| {
            state
                .services
                .approve_user(&caller.ctx(), u, Some(&form.username))
                .await
        },
        |c| Secret {
            username: c.account.username.to_string(),
            password: c.initial_password,
            token: None,
        },
    )
    .await
}

pub async fn reject(r: Req, Path(id): Path<String>) -> PageResult {
    user_action(r, &id, "user-rejected", async |state, caller, u| {
        state.services.reject_user(&caller.ctx(), u).await
    })
    .await
}

pub async fn deactivate(r: Req, Path(id): Path<String>) -> PageResult {
    user_action(r, &id, "user-deactivated", async |state, caller, u| {
        state.services.deactivate_user(&caller.ctx(), u).await
    })
    .await
}

pub async fn reactivate(r: Req, Path(id): Path<String>) -> PageResult {
    user_action(r, &id, "user-reactivated", async |state, caller, u| {
        state.services.reactivate_user(&caller.ctx(), u).await
    })
    .await
}

pub async fn reset_second_factor(
    r: Req,
    Path(id): Path<String>,
    PageForm(form): PageForm<CodeForm>,
) -> PageResult {
    user_action(r, &id, "user-totp_reset", async |state, caller, u| {
        state
            .services
            .reset_second_factor(&caller.ctx(), u, form.code.as_deref())
            .await
    })
    .await
}

pub async fn reset_password(
    r: Req,
    Path(id): Path<String>,
    PageForm(form): PageForm<CodeForm>,
) -> PageResult {
    secret_action(
        r,
        &id,
        "user-reset_password",
        StatusCode::OK,
        async |state, caller, u| {
            let pw = state
                .services
                .reset_password(&caller.ctx(), u, form.code.as_deref())
                .await?;
            let username = state
                .services
                .get_user(&caller.ctx(), u)
                .await
                .map(|d| d.account.username.to_string())
                .unwrap_or_default();
            Ok((pw, username))
        },
        |(pw, username)| Secret {
            username,
            password: Some(pw),
            token: None,
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    pub role: String,
    #[serde(default)]
    pub unit_id: String,
}

pub async fn add_role(
    r: Req,
    Path(id): Path<String>,
    PageForm(form): PageForm<RoleForm>,
) -> PageResult {
    user_action(r, &id, "user-role_added", async |state, caller, u| {
        let role = Role::from_code(&form.role)
            .ok_or_else(|| vaka_service::ServiceError::invalid("role", InputReason::Required))?;
        let unit = match form.unit_id.trim() {
            "" => None,
            s => Some(s.parse::<UnitId>().map_err(|_| {
                vaka_service::ServiceError::invalid("unit_id", InputReason::NotValid)
            })?),
        };
        state
            .services
            .grant_role_in_own_organisation(&caller.ctx(), u, role, unit)
            .await
    })
    .await
}

pub async fn remove_role(r: Req, Path((id, assignment)): Path<(String, String)>) -> PageResult {
    user_action(r, &id, "user-role_removed", async |state, caller, u| {
        let assignment: RoleAssignmentId = found(&assignment)?;
        Ok::<_, ApiError>(
            state
                .services
                .revoke_role(&caller.ctx(), u, assignment)
                .await?,
        )
    })
    .await
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    pub name: String,
    /// A current one-time code (or a recovery code), when the session's is not fresh.
    #[serde(default)]
    pub code: Option<String>,
}

pub async fn create_token(
    r: Req,
    Path(id): Path<String>,
    PageForm(form): PageForm<TokenForm>,
) -> PageResult {
    secret_action(
        r,
        &id,
        "user-token_new",
        StatusCode::CREATED,
        async |state, caller, u| {
            state
                .services
                .create_api_token(&caller.ctx(), u, &form.name, form.code.as_deref())
                .await
        },
        |tok| Secret {
            username: String::new(),
            password: None,
            token: Some(tok.token),
        },
    )
    .await
}

pub async fn revoke_token(r: Req, Path((id, token)): Path<(String, String)>) -> PageResult {
    user_action(r, &id, "user-token_revoked", async |state, caller, u| {
        let token: ApiTokenId = found(&token)?;
        Ok::<_, ApiError>(
            state
                .services
                .revoke_api_token(&caller.ctx(), u, token)
                .await?,
        )
    })
    .await
}

//! Organisations, units, accounts, roles and tokens.

pub mod dto;

use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use vaka_domain::directory::AccountStatus;
use vaka_domain::ids::{ApiTokenId, OrganisationId, RoleAssignmentId, UnitId, UserId};
use vaka_service::directory::{
    NewAccountInput, NewOrganisationInput, NewUnitInput, OrganisationPatch, ProfilePatch,
    RoleInput, UnitPatch, UserListQuery,
};

use crate::api::Api;
use crate::api::directory::dto::{
    AssignmentDto, CreatedAccountDto, IssuedTokenDto, OrganisationDto, PasswordDto, TokenDto,
    UnitDto, UserDetailDto, UserDto,
};
use crate::error::{ApiResult, Problem};
use crate::extract::{Json, Path, Query};

/// List the organisations in your scope.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "directory",
    responses((status = 200, body = Vec<OrganisationDto>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_organisations(
    Api { state: s, caller }: Api,
) -> ApiResult<Json<Vec<OrganisationDto>>> {
    let orgs = s.services.list_organisations(&caller.ctx()).await?;
    Ok(Json(orgs.into_iter().map(Into::into).collect()))
}

/// Create an organisation (municipal system administrators).
#[utoipa::path(post, path = "/api/v1/organisations", tag = "directory", request_body = NewOrganisationInput,
    responses((status = 201, body = OrganisationDto), (status = 400, body = Problem), (status = 403, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_organisation(
    Api { state: s, caller }: Api,
    Json(input): Json<NewOrganisationInput>,
) -> ApiResult<(StatusCode, Json<OrganisationDto>)> {
    let org = s.services.create_organisation(&caller.ctx(), input).await?;
    Ok((StatusCode::CREATED, Json(org.into())))
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "directory",
    params(("id" = OrganisationId, Path, description = "Organisation id")),
    responses((status = 200, body = OrganisationDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_organisation(
    Api { state: s, caller }: Api,
    Path(id): Path<OrganisationId>,
) -> ApiResult<Json<OrganisationDto>> {
    Ok(Json(
        s.services.get_organisation(&caller.ctx(), id).await?.into(),
    ))
}

/// Change an organisation.
#[utoipa::path(patch, path = "/api/v1/organisations/{id}", tag = "directory", request_body = OrganisationPatch,
    params(("id" = OrganisationId, Path, description = "Organisation id")),
    responses((status = 200, body = OrganisationDto), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_organisation(
    Api { state: s, caller }: Api,
    Path(id): Path<OrganisationId>,
    Json(patch): Json<OrganisationPatch>,
) -> ApiResult<Json<OrganisationDto>> {
    Ok(Json(
        s.services
            .update_organisation(&caller.ctx(), id, patch)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UnitListParams {
    /// Only units of this organisation.
    pub organisation_id: Option<OrganisationId>,
}

/// List the units in your scope.
#[utoipa::path(get, path = "/api/v1/units", tag = "directory", params(UnitListParams),
    responses((status = 200, body = Vec<UnitDto>), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list_units(
    Api { state: s, caller }: Api,
    Query(p): Query<UnitListParams>,
) -> ApiResult<Json<Vec<UnitDto>>> {
    let units = s
        .services
        .list_units(&caller.ctx(), p.organisation_id)
        .await?;
    Ok(Json(units.into_iter().map(Into::into).collect()))
}

/// Create a unit.
#[utoipa::path(post, path = "/api/v1/units", tag = "directory", request_body = NewUnitInput,
    responses((status = 201, body = UnitDto), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_unit(
    Api { state: s, caller }: Api,
    Json(input): Json<NewUnitInput>,
) -> ApiResult<(StatusCode, Json<UnitDto>)> {
    let unit = s.services.create_unit(&caller.ctx(), input).await?;
    Ok((StatusCode::CREATED, Json(unit.into())))
}

/// One unit, with the units it covers.
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "directory",
    params(("id" = UnitId, Path, description = "Unit id")),
    responses((status = 200, body = UnitDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_unit(
    Api { state: s, caller }: Api,
    Path(id): Path<UnitId>,
) -> ApiResult<Json<UnitDto>> {
    let (unit, covered) = s.services.get_unit(&caller.ctx(), id).await?;
    let mut dto = UnitDto::from(unit);
    dto.covered_unit_ids = Some(covered);
    Ok(Json(dto))
}

/// Change a unit.
#[utoipa::path(patch, path = "/api/v1/units/{id}", tag = "directory", request_body = UnitPatch,
    params(("id" = UnitId, Path, description = "Unit id")),
    responses((status = 200, body = UnitDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_unit(
    Api { state: s, caller }: Api,
    Path(id): Path<UnitId>,
    Json(patch): Json<UnitPatch>,
) -> ApiResult<Json<UnitDto>> {
    Ok(Json(
        s.services
            .update_unit(&caller.ctx(), id, patch)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, serde::Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoverageInput {
    pub covered_unit_ids: Vec<UnitId>,
}

/// Set which units a night patrol, duty team or alarm-operator unit covers.
#[utoipa::path(put, path = "/api/v1/units/{id}/coverage", tag = "directory", request_body = CoverageInput,
    params(("id" = UnitId, Path, description = "Unit id")),
    responses((status = 200, body = CoverageInput), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_coverage(
    Api { state: s, caller }: Api,
    Path(id): Path<UnitId>,
    Json(input): Json<CoverageInput>,
) -> ApiResult<Json<CoverageInput>> {
    let covered = s
        .services
        .set_unit_coverage(&caller.ctx(), id, input.covered_unit_ids)
        .await?;
    Ok(Json(CoverageInput {
        covered_unit_ids: covered,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UserListParams {
    pub organisation_id: Option<OrganisationId>,
    pub unit_id: Option<UnitId>,
    pub status: Option<AccountStatus>,
    /// Prefix of the username or name.
    pub q: Option<String>,
    /// Only accounts unused for 90 days.
    pub unused: Option<bool>,
}

/// List accounts in your scope (audited: staff data is personal data).
#[utoipa::path(get, path = "/api/v1/users", tag = "directory", params(UserListParams),
    responses((status = 200, body = Vec<UserDto>), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list_users(
    Api { state: s, caller }: Api,
    Query(p): Query<UserListParams>,
) -> ApiResult<Json<Vec<UserDto>>> {
    let items = s
        .services
        .list_users(
            &caller.ctx(),
            &UserListQuery {
                organisation: p.organisation_id,
                unit: p.unit_id,
                status: p.status,
                search: p.q,
                only_unused: p.unused.unwrap_or(false),
            },
        )
        .await?;
    Ok(Json(
        items
            .into_iter()
            .map(|i| UserDto::new(i.account, i.unused))
            .collect(),
    ))
}

/// Create an active account directly (municipal administrators).
#[utoipa::path(post, path = "/api/v1/users", tag = "directory", request_body = NewAccountInput,
    responses((status = 201, body = CreatedAccountDto), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_user(
    Api { state: s, caller }: Api,
    Json(input): Json<NewAccountInput>,
) -> ApiResult<(StatusCode, Json<CreatedAccountDto>)> {
    let c = s.services.create_user(&caller.ctx(), input).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedAccountDto {
            user: UserDto::new(c.account, false),
            initial_password: c.initial_password,
        }),
    ))
}

/// Request an account for your organisation; the municipality approves it.
#[utoipa::path(post, path = "/api/v1/users/requests", tag = "directory", request_body = NewAccountInput,
    responses((status = 201, body = CreatedAccountDto), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn request_user(
    Api { state: s, caller }: Api,
    Json(input): Json<NewAccountInput>,
) -> ApiResult<(StatusCode, Json<CreatedAccountDto>)> {
    let c = s.services.request_user(&caller.ctx(), input).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedAccountDto {
            user: UserDto::new(c.account, false),
            initial_password: None,
        }),
    ))
}

/// One account with its roles, sessions and tokens.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "directory",
    params(("id" = UserId, Path, description = "User id")),
    responses((status = 200, body = UserDetailDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_user(
    Api { state: s, caller }: Api,
    Path(id): Path<UserId>,
) -> ApiResult<Json<UserDetailDto>> {
    let d = s.services.get_user(&caller.ctx(), id).await?;
    Ok(Json(UserDetailDto {
        roles: d.assignments.iter().map(AssignmentDto::from).collect(),
        tokens: d.tokens.iter().map(TokenDto::from).collect(),
        active_sessions: d.active_sessions,
        user: UserDto::new(d.account, d.unused),
    }))
}

/// Change an account's name, e-mail or HSA-id.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "directory", request_body = ProfilePatch,
    params(("id" = UserId, Path, description = "User id")),
    responses((status = 200, body = UserDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_user(
    Api { state: s, caller }: Api,
    Path(id): Path<UserId>,
    Json(patch): Json<ProfilePatch>,
) -> ApiResult<Json<UserDto>> {
    Ok(Json(UserDto::new(
        s.services.update_user(&caller.ctx(), id, patch).await?,
        false,
    )))
}

/// What an approver may change when approving a request.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveInput {
    /// Another username than the one asked for (when that one is taken: see `username_taken`
    /// on the account). Omit the body, or this field, to keep the one asked for.
    #[serde(default)]
    pub username: Option<String>,
}

/// Approve a requested account; returns its one-time password. 409 when the username is
/// taken: approve again with another.
#[utoipa::path(post, path = "/api/v1/users/{id}/approve", tag = "directory",
    params(("id" = UserId, Path, description = "User id")),
    request_body(content = Option<ApproveInput>, description = "Optional: another username"),
    responses((status = 200, body = CreatedAccountDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn approve_user(
    Api { state: s, caller }: Api,
    Path(id): Path<UserId>,
    body: Option<Json<Option<ApproveInput>>>,
) -> ApiResult<Json<CreatedAccountDto>> {
    // No body, a `null` body and `{}` all keep the username asked for.
    let input = body.and_then(|Json(i)| i).unwrap_or_default();
    let c = s
        .services
        .approve_user(&caller.ctx(), id, input.username.as_deref())
        .await?;
    Ok(Json(CreatedAccountDto {
        user: UserDto::new(c.account, false),
        initial_password: c.initial_password,
    }))
}

/// Reject a requested account.
#[utoipa::path(post, path = "/api/v1/users/{id}/reject", tag = "directory",
    params(("id" = UserId, Path, description = "User id")),
    responses((status = 200, body = UserDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn reject_user(
    Api { state: s, caller }: Api,
    Path(id): Path<UserId>,
) -> ApiResult<Json<UserDto>> {
    Ok(Json(UserDto::new(
        s.services.reject_user(&caller.ctx(), id).await?,
        false,
    )))
}

/// End an account at once: its sessions end and its tokens are revoked.
#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "directory",
    params(("id" = UserId, Path, description = "User id")),
    responses((status = 200, body = UserDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn deactivate_user(
    Api { state: s, caller }: Api,
    Path(id): Path<UserId>,
) -> ApiResult<Json<UserDto>> {
    Ok(Json(UserDto::new(
        s.services.deactivate_user(&caller.ctx(), id).await?,
        false,
    )))
}

/// Reactivate an ended account.
#[utoipa::path(post, path = "/api/v1/users/{id}/reactivate", tag = "directory",
    params(("id" = UserId, Path, description = "User id")),
    responses((status = 200, body = UserDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn reactivate_user(
    Api { state: s, caller }: Api,
    Path(id): Path<UserId>,
) -> ApiResult<Json<UserDto>> {
    Ok(Json(UserDto::new(
        s.services.reactivate_user(&caller.ctx(), id).await?,
        false,
    )))
}

/// Issue a new one-time password; the account's sessions end. Only a logged-in person
/// (session cookie) with a fresh second factor may: a bearer token is refused (409
/// `auth-fresh-second-factor-needs-session`).
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "directory",
    request_body(content = Option<StepUpInput>),
    params(("id" = UserId, Path, description = "User id")),
    responses((status = 200, body = PasswordDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn reset_password(
    Api { state: s, caller }: Api,
    Path(id): Path<UserId>,
    input: Option<Json<StepUpInput>>,
) -> ApiResult<Json<PasswordDto>> {
    let input = input.map(|Json(i)| i).unwrap_or_default();
    let p = s
        .services
        .reset_password(&caller.ctx(), id, input.code.as_deref())
        .await?;
    Ok(Json(PasswordDto {
        initial_password: p,
    }))
}

/// A sensitive action's confirmation by the person logged in.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepUpInput {
    /// A current one-time code (or a recovery code) of the caller, needed when the session has
    /// not proven its second factor in the last minutes (else 409 `auth-fresh-second-factor-needed`).
    /// A passkey's answer goes here too: `{"challenge", "credential"}` as JSON text, to a
    /// challenge from `POST /profile/passkeys/step-up`.
    #[serde(default)]
    pub code: Option<String>,
}

/// Remove an account's second factor so that it is enrolled again at next login. Only a
/// logged-in person (session cookie) with a fresh second factor may: a bearer token is refused
/// (409 `auth-fresh-second-factor-needs-session`).
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-second-factor", tag = "directory",
    request_body(content = Option<StepUpInput>),
    params(("id" = UserId, Path, description = "User id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn reset_second_factor(
    Api { state: s, caller }: Api,
    Path(id): Path<UserId>,
    input: Option<Json<StepUpInput>>,
) -> ApiResult<StatusCode> {
    let input = input.map(|Json(i)| i).unwrap_or_default();
    s.services
        .reset_second_factor(&caller.ctx(), id, input.code.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Grant a role.
#[utoipa::path(post, path = "/api/v1/users/{id}/roles", tag = "directory", request_body = RoleInput,
    params(("id" = UserId, Path, description = "User id")),
    responses((status = 201, body = AssignmentDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn grant_role(
    Api { state: s, caller }: Api,
    Path(id): Path<UserId>,
    Json(role): Json<RoleInput>,
) -> ApiResult<(StatusCode, Json<AssignmentDto>)> {
    let a = s.services.grant_role(&caller.ctx(), id, role).await?;
    Ok((StatusCode::CREATED, Json(AssignmentDto::from(&a))))
}

/// Revoke a role.
#[utoipa::path(delete, path = "/api/v1/users/{id}/roles/{assignment_id}", tag = "directory",
    params(("id" = UserId, Path, description = "User id"), ("assignment_id" = RoleAssignmentId, Path, description = "Role assignment id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn revoke_role(
    Api { state: s, caller }: Api,
    Path((id, assignment)): Path<(UserId, RoleAssignmentId)>,
) -> ApiResult<StatusCode> {
    s.services
        .revoke_role(&caller.ctx(), id, assignment)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    /// What the token is for, e.g. "Lifecare integration".
    pub name: String,
    /// A current one-time code (or a recovery code) of the caller, needed when the session has
    /// not proven its second factor in the last minutes; or a passkey's answer (see
    /// `StepUpInput`).
    #[serde(default)]
    pub code: Option<String>,
}

/// Issue a bearer token for an account; the token is shown only in this response. Only a
/// logged-in person (session cookie) with a fresh second factor may: a bearer token is refused
/// (409 `auth-fresh-second-factor-needs-session`), so a leaked token cannot mint more.
#[utoipa::path(post, path = "/api/v1/users/{id}/tokens", tag = "directory", request_body = TokenInput,
    params(("id" = UserId, Path, description = "User id")),
    responses((status = 201, body = IssuedTokenDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_token(
    Api { state: s, caller }: Api,
    Path(id): Path<UserId>,
    Json(input): Json<TokenInput>,
) -> ApiResult<(StatusCode, Json<IssuedTokenDto>)> {
    let t = s
        .services
        .create_api_token(&caller.ctx(), id, &input.name, input.code.as_deref())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedTokenDto {
            id: t.id,
            token: t.token,
        }),
    ))
}

/// Revoke a bearer token.
#[utoipa::path(delete, path = "/api/v1/users/{id}/tokens/{token_id}", tag = "directory",
    params(("id" = UserId, Path, description = "User id"), ("token_id" = ApiTokenId, Path, description = "Token id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn revoke_token(
    Api { state: s, caller }: Api,
    Path((id, token)): Path<(UserId, ApiTokenId)>,
) -> ApiResult<StatusCode> {
    s.services
        .revoke_api_token(&caller.ctx(), id, token)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

//! The caller.

use serde::Serialize;
use utoipa::ToSchema;

use crate::api::directory::dto::AssignmentDto;
use crate::extract::Json;
use crate::identity::Caller;

#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    pub user_id: vaka_domain::ids::UserId,
    pub username: String,
    pub display_name: String,
    pub organisation_id: vaka_domain::ids::OrganisationId,
    pub roles: Vec<AssignmentDto>,
    /// How this request was authenticated: `session:<id>` or `token:<id>`.
    pub credential: String,
}

/// Who am I?
#[utoipa::path(get, path = "/api/v1/me", tag = "me",
    responses((status = 200, body = MeDto), (status = 401, body = crate::error::Problem)))]
pub async fn me(caller: Caller) -> Json<MeDto> {
    let p = &caller.principal;
    Json(MeDto {
        user_id: p.user_id,
        username: p.username.clone(),
        display_name: p.display_name.clone(),
        organisation_id: p.organisation_id,
        roles: p.assignments.iter().map(AssignmentDto::from).collect(),
        credential: p.credential.audit_ref(),
    })
}

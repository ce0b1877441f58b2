//! A client's protected identity lifted, lowered or raised as a decision of its own.

use vaka_domain::ids::ClientId;
use vaka_service::registry::protection::{ProtectionChanged, ProtectionInput};

use crate::api::Api;
use crate::error::{ApiResult, Problem};
use crate::extract::{Json, Path};

/// Lift, lower or raise a client's protected identity, with the reason (the system manager).
/// Editing the record can only add or raise a protection. Audited and flagged.
#[utoipa::path(put, path = "/api/v1/clients/{id}/protection", tag = "clients", request_body = ProtectionInput,
    params(("id" = ClientId, Path, description = "Client id")),
    responses((status = 200, body = ProtectionChanged), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn change_protection(
    Api { state: s, caller }: Api,
    Path(id): Path<ClientId>,
    Json(input): Json<ProtectionInput>,
) -> ApiResult<Json<ProtectionChanged>> {
    Ok(Json(
        s.services
            .change_protection(&caller.ctx(), id, input)
            .await?,
    ))
}

//! Clients within need-to-know.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::Api;
use crate::api::registry::dto::ClientDto;
use crate::error::{ApiResult, Problem};
use crate::extract::{Json, Query};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ClientParams {
    /// Prefix of the name or of the identity number.
    pub q: Option<String>,
    /// At most this many (default 100, at most 500).
    pub limit: Option<i64>,
}

/// Clients you may see: your units', your organisation's, or all for municipal roles. Audited.
#[utoipa::path(get, path = "/api/v1/clients", tag = "clients", params(ClientParams),
    responses((status = 200, body = Vec<ClientDto>), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list_clients(
    Api { state: s, caller }: Api,
    Query(p): Query<ClientParams>,
) -> ApiResult<Json<Vec<ClientDto>>> {
    let clients = s
        .services
        .list_clients(&caller.ctx(), p.q.as_deref(), p.limit.unwrap_or(100))
        .await?;
    Ok(Json(clients.into_iter().map(Into::into).collect()))
}

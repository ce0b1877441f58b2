//! NFC tags in the staff app's API: the demo's simulated read of a client's door tag.

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vaka_domain::ids::ClientId;

use crate::api::Api;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Json, Query};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct TagReadQuery {
    pub client_id: ClientId,
}

/// A tag read as the staff app sends it (`tag` of a visit record).
#[derive(Debug, Serialize, ToSchema)]
pub struct TagReadDto {
    /// The tag's serial number (UID), lowercase hex.
    pub serial: String,
    /// The URL the tag gives on this tap (with its SUN parameters for a secure tag).
    pub url: String,
}

/// The demo only (`vaka demo`): the next read of the client's door tag, as if the phone had
/// been held to it — a genuine SUN message under the demo tag's key. Not found outside the
/// demo, and for a client without an active tag. Need-to-know applies; audited.
#[utoipa::path(get, path = "/api/v1/app/demo/tag-read", tag = "app", params(TagReadQuery),
    responses((status = 200, body = TagReadDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn demo_tag_read(
    Api { state: s, caller }: Api,
    headers: HeaderMap,
    Query(q): Query<TagReadQuery>,
) -> ApiResult<Json<TagReadDto>> {
    if s.demo_logins.is_empty() {
        return Err(ApiError::from(vaka_service::ServiceError::NotFound("demo")));
    }
    let read = s
        .services
        .simulated_tag_read(&caller.ctx(), q.client_id)
        .await?
        .ok_or(ApiError::from(vaka_service::ServiceError::NotFound("tag")))?;
    let base = base_url(&s, &headers);
    Ok(Json(TagReadDto {
        serial: read.serial,
        url: format!("{base}{}", read.path),
    }))
}

/// The server's address as the reader reached it (`https://host`, `http://` when cookies are
/// not marked secure): where the tags' URLs point. Empty when the request names no usable
/// host, and the URL is then shown from its path.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        });
    match host {
        Some(h) if state.config.secure_cookies => format!("https://{h}"),
        Some(h) => format!("http://{h}"),
        None => String::new(),
    }
}

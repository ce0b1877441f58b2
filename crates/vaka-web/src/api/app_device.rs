//! The staff app's PIN login on a phone (see `vaka_service::auth::app_devices`): a logged-in
//! phone asks for a device key with a PIN; later the key and the PIN open a new session there.

use std::net::{IpAddr, Ipv4Addr};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vaka_domain::ids::AppDeviceId;
use vaka_service::auth::AppUnlock;

use crate::api::Api;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::identity::{Meta, make_session_cookie};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolInput {
    /// 4–8 digits, not one digit repeated nor a straight run (1234).
    pub pin: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceKeyDto {
    pub id: AppDeviceId,
    /// The device key: shown once; the phone keeps it.
    pub key: String,
    /// RFC 3339.
    pub expires_at: String,
}

/// Keep a PIN login on this phone: issues a device key (returned once) that, with the PIN,
/// opens a new session on this phone later. Only from a logged-in session, not an API token.
#[utoipa::path(post, path = "/api/v1/app/device", tag = "app", request_body = EnrolInput,
    responses((status = 201, body = DeviceKeyDto), (status = 422, body = crate::error::Problem)))]
pub async fn enrol(
    Api { state, caller }: Api,
    Json(input): Json<EnrolInput>,
) -> ApiResult<(StatusCode, Json<DeviceKeyDto>)> {
    let issued = state
        .services
        .enrol_app_device(&caller.ctx(), &input.pin)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(DeviceKeyDto {
            id: issued.id,
            key: issued.key,
            expires_at: issued.expires_at.to_string(),
        }),
    ))
}

/// Forget this phone: revokes one of the caller's own device keys.
#[utoipa::path(post, path = "/api/v1/app/device/{id}/revoke", tag = "app",
    params(("id" = AppDeviceId, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn revoke(
    Api { state, caller }: Api,
    Path(id): Path<AppDeviceId>,
) -> ApiResult<StatusCode> {
    state.services.revoke_app_device(&caller.ctx(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnlockInput {
    pub id: AppDeviceId,
    pub key: String,
    pub pin: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnlockDto {
    /// `ok` (the session cookie is set), `wrong_pin` (`left` tries remain) or `gone` (the key
    /// no longer works: forget it and log in fully).
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left: Option<u32>,
}

/// Log in again on a phone with its device key and the PIN: sets the session cookie. A wrong
/// PIN answers 401 `wrong_pin` with the tries left; the last one revokes the key (`gone`).
#[utoipa::path(post, path = "/api/v1/app/unlock", tag = "app", request_body = UnlockInput,
    security(()),
    responses((status = 200, body = UnlockDto), (status = 401, body = UnlockDto),
        (status = 429, body = crate::error::Problem)))]
pub async fn unlock(
    State(state): State<AppState>,
    jar: CookieJar,
    Meta(meta): Meta,
    Json(input): Json<UnlockInput>,
) -> Response {
    let ip: IpAddr = meta
        .source_ip
        .as_deref()
        .and_then(|s| s.parse().ok())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if !state.login_limiter.allow(ip) {
        return ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "too many attempts; wait a minute",
        )
        .into_response();
    }
    match state
        .services
        .unlock_app_device(input.id, &input.key, &input.pin, &meta)
        .await
    {
        Ok(AppUnlock::Session(new)) => (
            jar.add(make_session_cookie(&state, new.token)),
            Json(UnlockDto {
                status: "ok",
                left: None,
            }),
        )
            .into_response(),
        Ok(AppUnlock::WrongPin { left }) => (
            StatusCode::UNAUTHORIZED,
            Json(UnlockDto {
                status: "wrong_pin",
                left: Some(left),
            }),
        )
            .into_response(),
        Ok(AppUnlock::Gone) => (
            StatusCode::UNAUTHORIZED,
            Json(UnlockDto {
                status: "gone",
                left: None,
            }),
        )
            .into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

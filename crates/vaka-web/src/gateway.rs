//! Where devices connect: `GET /camera/v1/connect` upgrades a camera's authenticated request
//! to the WebSocket of the camera protocol (`docs/CAMERA-PROTOCOL.md`), `GET /lock/v1/connect`
//! a lock's to the lock protocol (`docs/LOCK-PROTOCOL.md`).

use axum::extract::{State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use vaka_domain::device::DeviceKind;
use vaka_service::registry::devices::DeviceRefused;

use crate::error::ApiError;
use crate::identity::{Access, bearer};
use crate::routes::Routes;
use crate::state::AppState;

/// Registers the device endpoints. They are open at the route level: the device's credential,
/// not a user's, is checked in the handler.
pub fn register(r: Routes) -> Routes {
    r.get("/camera/v1/connect", Access::Public, camera_connect)
        .get("/lock/v1/connect", Access::Public, lock_connect)
}

/// Bytes each camera connection reads at a time.
pub const CAMERA_READ_BUFFER: usize = 8 * 1024;

pub async fn camera_connect(
    State(state): State<AppState>,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    let (device, ws) = match device_upgrade(&state, &headers, ws, DeviceKind::Camera).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let hub = state.cameras.clone();
    let max = hub.settings.max_frame_bytes + vaka_camera_protocol::FRAME_HEADER_BYTES;
    // A small read buffer: tungstenite zero-fills the whole buffer of every connection, and
    // the default 128 KiB made 10,000 idle cameras cost 1.3 GB (docs/PERFORMANCE.md).
    ws.max_message_size(max)
        .max_frame_size(max)
        .read_buffer_size(CAMERA_READ_BUFFER)
        .on_upgrade(move |socket| async move { hub.serve(device, socket).await })
}

/// A device connecting out: its credential (a bearer token) authenticated as a device of
/// `kind`, and the WebSocket upgrade; or the refusal to answer.
async fn device_upgrade(
    state: &AppState,
    headers: &HeaderMap,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
    kind: DeviceKind,
) -> Result<(vaka_domain::ids::DeviceId, WebSocketUpgrade), Response> {
    let (noun, token_hint, wrong_kind, retired) = match kind {
        DeviceKind::Lock => (
            "lock",
            "connect with the lock's credential as a bearer token",
            "the credential is not a lock's",
            "the lock is returned or decommissioned",
        ),
        _ => (
            "camera",
            "connect with the camera's credential as a bearer token",
            "the credential is not a camera's",
            "the camera is returned or decommissioned",
        ),
    };
    let refused = |why: &'static str| {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", why).into_response()
    };
    let Some(credential) = bearer(headers) else {
        return Err(refused(token_hint));
    };
    let device = match state.services.authenticate_device(credential, kind).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(reason = ?e, device = noun, "device refused");
            return Err(refused(match e {
                DeviceRefused::UnknownCredential => "the credential is not valid",
                DeviceRefused::WrongKind => wrong_kind,
                DeviceRefused::Retired => retired,
            }));
        }
    };
    let ws = ws.map_err(|e| {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid", e.body_text()).into_response()
    })?;
    Ok((device.id, ws))
}

/// Bytes each lock connection reads at a time (a lock's messages are at most 4 KiB).
pub const LOCK_READ_BUFFER: usize = 4 * 1024;

pub async fn lock_connect(
    State(state): State<AppState>,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    let (device, ws) = match device_upgrade(&state, &headers, ws, DeviceKind::Lock).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let hub = state.locks.clone();
    let max = vaka_lock_protocol::MAX_TEXT_BYTES;
    ws.max_message_size(max)
        .max_frame_size(max)
        .read_buffer_size(LOCK_READ_BUFFER)
        .on_upgrade(move |socket| async move { hub.serve(device, socket).await })
}

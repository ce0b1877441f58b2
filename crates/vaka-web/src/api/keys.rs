//! Digital keys: unlocking a client's door through its online lock, the caller's capabilities
//! for offline locks, the server's lock public key, and a client's key access.
//! `docs/LOCK-PROTOCOL.md` describes the locks' side.

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use vaka_domain::client::KeyAccess;
use vaka_domain::ids::{AlarmId, ClientId, DeviceId};
use vaka_domain::reason::KeyReason;
use vaka_service::keys::{IssuedCapability, KeyAccessView, UnlockInput};

use crate::api::Api;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Json, Path};

/// What to open with: a visit of the caller's, or an alarm dispatched to them (both optional:
/// without, any ground the caller has now counts).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnlockBody {
    pub visit_id: Option<Uuid>,
    pub alarm_id: Option<AlarmId>,
}

/// The unlock was decided, audited and sent to the lock.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnlockDto {
    /// What the lock answered within a few seconds: `unlocked` (the door can be opened),
    /// `refused` or `jammed` (it could not open), or `sent` (no answer yet; its events come to
    /// the client's trail when they come).
    pub status: String,
    /// The request id the lock's events name.
    pub request: Uuid,
    /// `visit`, `alarm` or `adhoc`.
    pub reason: String,
}

/// Open a client's lock now. Only a user whose reach covers the client, during their visit,
/// while an alarm of the client's is dispatched to them, or on a night-patrol shift covering
/// the client; every decision is audited. 409 with the reason when refused (outside every
/// window, lock offline), 403 outside need-to-know.
#[utoipa::path(post, path = "/api/v1/app/locks/{lock_id}/unlock", tag = "keys",
    params(("lock_id" = DeviceId, Path, description = "The lock (a device of kind lock)")),
    request_body(content = UnlockBody, description = "Optional: the visit or alarm"),
    responses((status = 200, body = UnlockDto), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn unlock(
    Api { state: s, caller }: Api,
    Path(lock_id): Path<DeviceId>,
    body: Option<Json<UnlockBody>>,
) -> ApiResult<Json<UnlockDto>> {
    let body = body.map(|Json(b)| b).unwrap_or_default();
    let hub = s.locks.clone();
    let online = move |d| hub.is_online(d);
    let granted = s
        .services
        .unlock(
            &caller.ctx(),
            lock_id,
            UnlockInput {
                visit_id: body.visit_id,
                alarm_id: body.alarm_id,
            },
            &online,
        )
        .await?;
    // To the lock wherever it is connected (this node or another of the cluster).
    let status = match s
        .locks
        .unlock_waiting(
            granted.lock_id,
            granted.request,
            granted.user.0,
            granted.reason,
            LOCK_ANSWER_WAIT,
        )
        .await
    {
        Ok(Some(kind)) => kind.code(),
        Ok(None) => "sent",
        Err(_) => return Err(offline()),
    };
    Ok(Json(UnlockDto {
        status: status.into(),
        request: granted.request,
        reason: granted.reason.code().into(),
    }))
}

/// How long an unlock waits for the lock's answer before it says only "sent".
const LOCK_ANSWER_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The lock went in the moment since the decision.
fn offline() -> ApiError {
    ApiError::from(vaka_service::ServiceError::Conflict(
        KeyReason::LockOffline.into(),
    ))
}

/// A capability for an offline lock.
#[derive(Debug, Serialize, ToSchema)]
pub struct CapabilityDto {
    pub lock_id: DeviceId,
    pub client_id: ClientId,
    /// base64url; hand it to the lock.
    pub token: String,
    /// `visit` or `alarm`.
    pub reason: String,
    pub visit_id: Option<Uuid>,
    pub alarm_id: Option<AlarmId>,
    /// RFC 3339.
    pub not_before: String,
    pub expires: String,
}

impl From<IssuedCapability> for CapabilityDto {
    fn from(c: IssuedCapability) -> Self {
        Self {
            lock_id: c.lock_id,
            client_id: c.client_id,
            token: c.token,
            reason: c.reason.into(),
            visit_id: c.visit_id,
            alarm_id: c.alarm_id,
            not_before: c.not_before.to_string(),
            expires: c.expires.to_string(),
        }
    }
}

/// The caller's capabilities for their shift: for each visit of today whose window is still
/// open (valid from 15 minutes before to the planned end plus a margin) and each alarm
/// dispatched to them (5 minutes), one per lock at the client. Issued, recorded and audited.
#[utoipa::path(get, path = "/api/v1/app/capabilities", tag = "keys",
    responses((status = 200, body = Vec<CapabilityDto>), (status = 403, body = Problem)))]
pub async fn capabilities(Api { state: s, caller }: Api) -> ApiResult<Json<Vec<CapabilityDto>>> {
    let caps = s.services.capabilities(&caller.ctx()).await?;
    Ok(Json(caps.into_iter().map(CapabilityDto::from).collect()))
}

/// The server's lock public key.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicKeyDto {
    /// `ed25519`.
    pub algorithm: String,
    /// 64 hex digits.
    pub public_key: String,
}

/// The Ed25519 public key locks check capabilities with (install it in each lock).
#[utoipa::path(get, path = "/api/v1/locks/public-key", tag = "keys",
    responses((status = 200, body = PublicKeyDto), (status = 404, body = Problem)))]
pub async fn public_key(Api { state: s, .. }: Api) -> ApiResult<Json<PublicKeyDto>> {
    let key = s
        .services
        .lock_public_key()
        .ok_or_else(|| ApiError::from(vaka_service::ServiceError::NotFound("lock public key")))?;
    Ok(Json(PublicKeyDto {
        algorithm: "ed25519".into(),
        public_key: hex::encode(key),
    }))
}

/// One lock event.
#[derive(Debug, Serialize, ToSchema)]
pub struct LockEventDto {
    pub lock_id: DeviceId,
    /// `unlocked`, `locked`, `refused`, `battery_low`, `jammed`, `tamper`.
    pub kind: String,
    pub at: String,
    pub by: Option<String>,
    pub alarm_id: Option<AlarmId>,
    pub visit_id: Option<Uuid>,
    pub detail: Option<String>,
}

/// A client's key access.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyAccessDto {
    pub client_id: ClientId,
    /// `digital_lock`, `key_box`, `reserve_key`.
    pub key_access: Vec<String>,
    pub locks: Vec<DeviceId>,
    /// A private provider's client without a registered physical reserve key.
    pub lacks_reserve_key: bool,
    pub events: Vec<LockEventDto>,
    /// Unlocks sent and capabilities issued in the last week, newest first.
    pub grants: Vec<GrantDto>,
}

/// An unlock sent or a capability issued.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantDto {
    /// `unlock` or `capability`.
    pub kind: String,
    pub lock_id: DeviceId,
    pub user_id: vaka_domain::ids::UserId,
    /// `visit`, `alarm` or `adhoc`.
    pub reason: String,
    pub not_before: String,
    pub expires: String,
    /// When it was revoked (the user deactivated or removed from the unit).
    pub revoked_at: Option<String>,
}

impl From<KeyAccessView> for KeyAccessDto {
    fn from(v: KeyAccessView) -> Self {
        Self {
            client_id: v.client_id,
            key_access: v.key_access.iter().map(|k| k.code().into()).collect(),
            locks: v.locks.iter().map(|l| l.0).collect(),
            lacks_reserve_key: v.lacks_reserve_key,
            events: v
                .events
                .into_iter()
                .map(|e| LockEventDto {
                    lock_id: e.event.lock_id,
                    kind: e.event.kind.into(),
                    at: e.event.at.to_string(),
                    by: e.user_name,
                    alarm_id: e.event.alarm_id,
                    visit_id: e.event.visit_id,
                    detail: e.event.detail,
                })
                .collect(),
            grants: v
                .grants
                .into_iter()
                .map(|g| GrantDto {
                    kind: g.kind.code().into(),
                    lock_id: g.lock_id,
                    user_id: g.user_id,
                    reason: g.ground.reason_code().into(),
                    not_before: g.not_before.to_string(),
                    expires: g.expires.to_string(),
                    revoked_at: g.revoked_at.map(|t| t.to_string()),
                })
                .collect(),
        }
    }
}

/// A client's key access: the ways in, the locks, the latest lock events. Audited.
#[utoipa::path(get, path = "/api/v1/clients/{id}/key-access", tag = "keys",
    params(("id" = ClientId, Path, description = "Client id")),
    responses((status = 200, body = KeyAccessDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn key_access(
    Api { state: s, caller }: Api,
    Path(id): Path<ClientId>,
) -> ApiResult<Json<KeyAccessDto>> {
    Ok(Json(s.services.key_access(&caller.ctx(), id).await?.into()))
}

/// The ways in, as a set.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyAccessBody {
    /// `digital_lock`, `key_box`, `reserve_key`.
    pub key_access: Vec<String>,
}

/// Replaces a client's key access set. Audited with the set before and after.
#[utoipa::path(put, path = "/api/v1/clients/{id}/key-access", tag = "keys",
    params(("id" = ClientId, Path, description = "Client id")),
    request_body = KeyAccessBody,
    responses((status = 200, body = Vec<String>), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn set_key_access(
    Api { state: s, caller }: Api,
    Path(id): Path<ClientId>,
    Json(body): Json<KeyAccessBody>,
) -> ApiResult<(StatusCode, Json<Vec<String>>)> {
    let mut kinds = Vec::new();
    for code in &body.key_access {
        match KeyAccess::from_code(code) {
            Some(k) if k != KeyAccess::None => kinds.push(k),
            _ => {
                return Err(ApiError::from(vaka_service::ServiceError::invalid(
                    "key_access",
                    KeyReason::UnknownKeyAccess,
                )));
            }
        }
    }
    let set = s.services.set_key_access(&caller.ctx(), id, &kinds).await?;
    Ok((
        StatusCode::OK,
        Json(set.iter().map(|k| k.code().to_owned()).collect()),
    ))
}

//! The registry: clients, decisions and orders, consent, plans, pauses, devices, reports.

pub mod clients;
pub mod dto;
pub mod import;
pub mod protection;

use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use vaka_domain::decision::OrderStatus;
use vaka_domain::device::DeviceStep;
use vaka_domain::device::{DeviceKind, DeviceStatus};
use vaka_domain::filters::DeviceFilter;
use vaka_domain::ids::{ClientId, ConsentId, DecisionId, DeviceId, OrderId, PauseId, UserId};
use vaka_gateway::camera::LookInRefused;
use vaka_service::registry::care::{ConsentInput, PauseInput, PlanInput, WithdrawInput};
use vaka_service::registry::clients::ClientInput;
use vaka_service::registry::decisions::{DecisionInput, FollowUpReport};
use vaka_service::registry::devices::{DeviceInput, DeviceStepInput, TestSeen};

use crate::api::Api;
use crate::api::registry::dto::{
    ClientDetailDto, ClientDto, ConsentDto, CredentialDto, DecisionDto, DeviceDetailDto, DeviceDto,
    DeviceEventDto, OrderDto, PauseDto, PlanDto, RegisteredDeviceDto,
};
use crate::error::{ApiResult, Problem};
use crate::extract::{Json, Path, Query};
use crate::identity::Caller;
use crate::state::AppState;

/// Register a client.
#[utoipa::path(post, path = "/api/v1/clients", tag = "clients", request_body = ClientInput,
    responses((status = 201, body = ClientDetailDto), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_client(
    Api { state: s, caller }: Api,
    Json(input): Json<ClientInput>,
) -> ApiResult<(StatusCode, Json<ClientDetailDto>)> {
    let c = s.services.create_client(&caller.ctx(), input).await?;
    let view = s.services.view_client(&caller.ctx(), c.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(ClientDetailDto::new(view, s.services.today())),
    ))
}

/// A client's record, decisions, orders, consent, plan, pauses and devices. Audited.
#[utoipa::path(get, path = "/api/v1/clients/{id}", tag = "clients",
    params(("id" = ClientId, Path, description = "Client id")),
    responses((status = 200, body = ClientDetailDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_client(
    Api { state: s, caller }: Api,
    Path(id): Path<ClientId>,
) -> ApiResult<Json<ClientDetailDto>> {
    let view = s.services.view_client(&caller.ctx(), id).await?;
    Ok(Json(ClientDetailDto::new(view, s.services.today())))
}

/// Change a client's record (the whole record is sent).
#[utoipa::path(put, path = "/api/v1/clients/{id}", tag = "clients", request_body = ClientInput,
    params(("id" = ClientId, Path, description = "Client id")),
    responses((status = 200, body = ClientDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_client(
    Api { state: s, caller }: Api,
    Path(id): Path<ClientId>,
    Json(input): Json<ClientInput>,
) -> ApiResult<Json<ClientDto>> {
    let c = s.services.update_client(&caller.ctx(), id, input).await?;
    Ok(Json(c.summary().into()))
}

/// Add a user to a protected client's named group.
#[utoipa::path(put, path = "/api/v1/clients/{id}/access-group/{user_id}", tag = "clients",
    params(("id" = ClientId, Path, description = "Client id"), ("user_id" = UserId, Path, description = "User id")),
    responses((status = 200, body = Vec<UserId>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_group_member(
    Api { state: s, caller }: Api,
    Path((id, user)): Path<(ClientId, UserId)>,
) -> ApiResult<Json<Vec<UserId>>> {
    Ok(Json(
        s.services
            .set_access_group_member(&caller.ctx(), id, user, true)
            .await?,
    ))
}

/// Remove a user from a protected client's named group.
#[utoipa::path(delete, path = "/api/v1/clients/{id}/access-group/{user_id}", tag = "clients",
    params(("id" = ClientId, Path, description = "Client id"), ("user_id" = UserId, Path, description = "User id")),
    responses((status = 200, body = Vec<UserId>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove_group_member(
    Api { state: s, caller }: Api,
    Path((id, user)): Path<(ClientId, UserId)>,
) -> ApiResult<Json<Vec<UserId>>> {
    Ok(Json(
        s.services
            .set_access_group_member(&caller.ctx(), id, user, false)
            .await?,
    ))
}

/// Record a decision; it is sent to the client's provider as an order.
#[utoipa::path(post, path = "/api/v1/clients/{id}/decisions", tag = "clients", request_body = DecisionInput,
    params(("id" = ClientId, Path, description = "Client id")),
    responses((status = 201, body = DecisionDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn record_decision(
    Api { state: s, caller }: Api,
    Path(id): Path<ClientId>,
    Json(input): Json<DecisionInput>,
) -> ApiResult<(StatusCode, Json<DecisionDto>)> {
    let d = s.services.record_decision(&caller.ctx(), id, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(DecisionDto::with_tasks(&d.decision, &d.tasks)),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndInput {
    /// The last day the decision holds.
    #[schema(value_type = String, format = Date)]
    pub ended_on: jiff::civil::Date,
}

/// End a decision early.
#[utoipa::path(post, path = "/api/v1/decisions/{id}/end", tag = "clients", request_body = EndInput,
    params(("id" = DecisionId, Path, description = "Decision id")),
    responses((status = 200, body = DecisionDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn end_decision(
    Api { state: s, caller }: Api,
    Path(id): Path<DecisionId>,
    Json(input): Json<EndInput>,
) -> ApiResult<Json<DecisionDto>> {
    let d = s
        .services
        .end_decision(&caller.ctx(), id, input.ended_on)
        .await?;
    Ok(Json(DecisionDto::from(&d)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OrderParams {
    pub status: Option<OrderStatus>,
}

/// Orders for the clients of your units.
#[utoipa::path(get, path = "/api/v1/orders", tag = "clients", params(OrderParams),
    responses((status = 200, body = Vec<OrderDto>), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list_orders(
    Api { state: s, caller }: Api,
    Query(p): Query<OrderParams>,
) -> ApiResult<Json<Vec<OrderDto>>> {
    let orders = s.services.list_orders(&caller.ctx(), p.status).await?;
    Ok(Json(
        orders.iter().map(|o| OrderDto::from(&o.order)).collect(),
    ))
}

/// Accept an order on behalf of the provider.
#[utoipa::path(post, path = "/api/v1/orders/{id}/accept", tag = "clients",
    params(("id" = OrderId, Path, description = "Order id")),
    responses((status = 200, body = OrderDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn accept_order(
    Api { state: s, caller }: Api,
    Path(id): Path<OrderId>,
) -> ApiResult<Json<OrderDto>> {
    Ok(Json(OrderDto::from(
        &s.services.accept_order(&caller.ctx(), id).await?,
    )))
}

/// Document consent.
#[utoipa::path(post, path = "/api/v1/clients/{id}/consents", tag = "clients", request_body = ConsentInput,
    params(("id" = ClientId, Path, description = "Client id")),
    responses((status = 201, body = ConsentDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn record_consent(
    Api { state: s, caller }: Api,
    Path(id): Path<ClientId>,
    Json(input): Json<ConsentInput>,
) -> ApiResult<(StatusCode, Json<ConsentDto>)> {
    let c = s.services.record_consent(&caller.ctx(), id, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(ConsentDto::new(&c, s.services.today())),
    ))
}

/// Record the withdrawal of consent (the service stops at once).
#[utoipa::path(post, path = "/api/v1/clients/{id}/consents/{consent_id}/withdraw", tag = "clients", request_body = WithdrawInput,
    params(("id" = ClientId, Path, description = "Client id"), ("consent_id" = ConsentId, Path, description = "Consent id")),
    responses((status = 200, body = ConsentDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn withdraw_consent(
    Api { state: s, caller }: Api,
    Path((id, consent)): Path<(ClientId, ConsentId)>,
    Json(input): Json<WithdrawInput>,
) -> ApiResult<Json<ConsentDto>> {
    let c = s
        .services
        .withdraw_consent(&caller.ctx(), id, consent, input)
        .await?;
    Ok(Json(ConsentDto::new(&c, s.services.today())))
}

/// Set the supervision plan.
#[utoipa::path(put, path = "/api/v1/clients/{id}/plan", tag = "clients", request_body = PlanInput,
    params(("id" = ClientId, Path, description = "Client id")),
    responses((status = 200, body = PlanDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_plan(
    Api { state: s, caller }: Api,
    Path(id): Path<ClientId>,
    Json(input): Json<PlanInput>,
) -> ApiResult<Json<PlanDto>> {
    Ok(Json(PlanDto::from(
        &s.services.set_plan(&caller.ctx(), id, input).await?,
    )))
}

/// Pause supervision for a night or a period.
#[utoipa::path(post, path = "/api/v1/clients/{id}/pauses", tag = "clients", request_body = PauseInput,
    params(("id" = ClientId, Path, description = "Client id")),
    responses((status = 201, body = PauseDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn record_pause(
    Api { state: s, caller }: Api,
    Path(id): Path<ClientId>,
    Json(input): Json<PauseInput>,
) -> ApiResult<(StatusCode, Json<PauseDto>)> {
    let p = s.services.record_pause(&caller.ctx(), id, input).await?;
    Ok((StatusCode::CREATED, Json(PauseDto::from(&p))))
}

/// Cancel a pause.
#[utoipa::path(post, path = "/api/v1/clients/{id}/pauses/{pause_id}/cancel", tag = "clients",
    params(("id" = ClientId, Path, description = "Client id"), ("pause_id" = PauseId, Path, description = "Pause id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn cancel_pause(
    Api { state: s, caller }: Api,
    Path((id, pause)): Path<(ClientId, PauseId)>,
) -> ApiResult<StatusCode> {
    s.services.cancel_pause(&caller.ctx(), id, pause).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DeviceParams {
    pub kind: Option<DeviceKind>,
    pub status: Option<DeviceStatus>,
    pub client_id: Option<ClientId>,
    /// Prefix of the serial number.
    pub serial: Option<String>,
}

/// The device inventory.
#[utoipa::path(get, path = "/api/v1/devices", tag = "devices", params(DeviceParams),
    responses((status = 200, body = Vec<DeviceDto>), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list_devices(
    Api { state: s, caller }: Api,
    Query(p): Query<DeviceParams>,
) -> ApiResult<Json<Vec<DeviceDto>>> {
    let f = DeviceFilter {
        kind: p.kind,
        status: p.status,
        client: p.client_id,
        serial: p.serial,
        limit: 1000,
        offset: 0,
    };
    let d = s.services.list_devices(&caller.ctx(), f).await?;
    Ok(Json(d.iter().map(DeviceDto::from).collect()))
}

/// Register a device in stock; its credential is shown once.
#[utoipa::path(post, path = "/api/v1/devices", tag = "devices", request_body = DeviceInput,
    responses((status = 201, body = RegisteredDeviceDto), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn register_device(
    Api { state: s, caller }: Api,
    Json(input): Json<DeviceInput>,
) -> ApiResult<(StatusCode, Json<RegisteredDeviceDto>)> {
    let r = s.services.register_device(&caller.ctx(), input).await?;
    Ok((
        StatusCode::CREATED,
        Json(RegisteredDeviceDto {
            device: DeviceDto::from(&r.device),
            credential: r.credential,
        }),
    ))
}

/// A device and its history.
#[utoipa::path(get, path = "/api/v1/devices/{id}", tag = "devices",
    params(("id" = DeviceId, Path, description = "Device id")),
    responses((status = 200, body = DeviceDetailDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_device(
    Api { state: s, caller }: Api,
    Path(id): Path<DeviceId>,
) -> ApiResult<Json<DeviceDetailDto>> {
    let (d, events) = s.services.get_device(&caller.ctx(), id).await?;
    Ok(Json(DeviceDetailDto {
        device: DeviceDto::from(&d),
        history: events.iter().map(DeviceEventDto::from).collect(),
    }))
}

/// Change a device's model, firmware or DC-09 settings.
#[utoipa::path(put, path = "/api/v1/devices/{id}", tag = "devices", request_body = DeviceInput,
    params(("id" = DeviceId, Path, description = "Device id")),
    responses((status = 200, body = DeviceDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_device(
    Api { state: s, caller }: Api,
    Path(id): Path<DeviceId>,
    Json(input): Json<DeviceInput>,
) -> ApiResult<Json<DeviceDto>> {
    Ok(Json(DeviceDto::from(
        &s.services.update_device(&caller.ctx(), id, input).await?,
    )))
}

/// Take a device one step through its lifecycle (assign, install, pass_test, fail_test,
/// activate, deactivate, return, restock, decommission).
#[utoipa::path(post, path = "/api/v1/devices/{id}/steps", tag = "devices", request_body = DeviceStepInput,
    params(("id" = DeviceId, Path, description = "Device id")),
    responses((status = 200, body = DeviceDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn device_step(
    Api { state: s, caller }: Api,
    Path(id): Path<DeviceId>,
    Json(input): Json<DeviceStepInput>,
) -> ApiResult<Json<DeviceDto>> {
    Ok(Json(DeviceDto::from(
        &s.services
            .device_step(
                &caller.ctx(),
                id,
                input.clone(),
                test_seen(&s, &caller, id, input.step).await,
            )
            .await?,
    )))
}

/// How long a camera has to deliver its test frame.
const TEST_FRAME_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// What the camera gateway sees of a device when its test's pass is asked for: whether it is
/// connected and, if so, when it delivered a test frame (dropped unseen). Only for callers who
/// may handle devices, and only for the pass step (anything else asks the camera nothing).
pub(crate) async fn test_seen(
    s: &AppState,
    caller: &Caller,
    id: DeviceId,
    step: DeviceStep,
) -> TestSeen {
    if step != DeviceStep::PassTest
        || !caller
            .principal
            .has_permission(vaka_domain::access::Permission::DeviceManage)
    {
        return TestSeen::NOTHING;
    }
    match s.cameras.test_frame(id, TEST_FRAME_WAIT).await {
        Ok(true) => TestSeen::Gateway {
            camera_connected: true,
            camera_frame_at: Some(s.services.now()),
        },
        Ok(false) | Err(LookInRefused::Busy) => TestSeen::Gateway {
            camera_connected: true,
            camera_frame_at: None,
        },
        Err(LookInRefused::Offline) => TestSeen::NOTHING,
    }
}

/// Issue a new credential (the old one stops working); shown once.
#[utoipa::path(post, path = "/api/v1/devices/{id}/credential", tag = "devices",
    params(("id" = DeviceId, Path, description = "Device id")),
    responses((status = 201, body = CredentialDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn issue_credential(
    Api { state: s, caller }: Api,
    Path(id): Path<DeviceId>,
) -> ApiResult<(StatusCode, Json<CredentialDto>)> {
    let c = s
        .services
        .device_credential(&caller.ctx(), id, true)
        .await?
        .unwrap_or_default();
    Ok((StatusCode::CREATED, Json(CredentialDto { credential: c })))
}

/// Revoke the device's credential.
#[utoipa::path(delete, path = "/api/v1/devices/{id}/credential", tag = "devices",
    params(("id" = DeviceId, Path, description = "Device id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn revoke_credential(
    Api { state: s, caller }: Api,
    Path(id): Path<DeviceId>,
) -> ApiResult<StatusCode> {
    s.services
        .device_credential(&caller.ctx(), id, false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Decisions not carried out within three months (the quarterly report to IVO). Lines name
/// only clients the caller may read; the others are counted per provider and unit. Every
/// client named is audited.
#[utoipa::path(get, path = "/api/v1/reports/not-carried-out", tag = "reports",
    responses((status = 200, body = FollowUpReport), (status = 403, body = Problem)))]
pub async fn not_carried_out(Api { state: s, caller }: Api) -> ApiResult<Json<FollowUpReport>> {
    Ok(Json(
        s.services.report_not_carried_out(&caller.ctx()).await?,
    ))
}

//! Night supervision: the operator's queue, look-ins and outcomes, and the night patrol's
//! dispatches. The same checks as the pages: a look-in outside its window, after consent was
//! withdrawn, on a paused night or through an offline camera is refused here too.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vaka_domain::ids::{ClientId, DeviceId, DispatchId, LookInId, TaskId, UnitId, UserId};
use vaka_domain::reason::SupervisionReason;
use vaka_domain::supervision::{Dispatch, DispatchStep, Outcome};
use vaka_service::supervision::console::QueueItem;
use vaka_service::supervision::patrol::PatrolItem;

use crate::api::Api;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Json, Path};
use crate::identity::Caller;
use crate::state::AppState;

/// A look-in due now or soon.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItemDto {
    pub task_id: TaskId,
    pub client_id: ClientId,
    pub client_name: String,
    pub unit_id: Option<UnitId>,
    /// `look_in`.
    pub kind: String,
    /// planned, open, recheck_open, looked_in, recheck_due, escalated, missed, camera_unreachable.
    pub state: String,
    pub due: String,
    pub opens: String,
    pub closes: String,
    pub camera_id: Option<DeviceId>,
    pub camera_online: bool,
    pub can_look_in: bool,
}

impl From<QueueItem> for QueueItemDto {
    fn from(i: QueueItem) -> Self {
        Self {
            task_id: i.task_id,
            client_id: i.client_id,
            client_name: i.client_name,
            unit_id: i.unit_id,
            kind: i.kind.code().into(),
            state: i.state.into(),
            due: i.due.to_string(),
            opens: i.opens.to_string(),
            closes: i.closes.to_string(),
            camera_id: i.camera,
            camera_online: i.camera_online,
            can_look_in: i.can_look_in,
        }
    }
}

/// The look-in queue of tonight (due now and in the next three hours). Audited.
#[utoipa::path(get, path = "/api/v1/supervision/queue", tag = "supervision",
    responses((status = 200, body = Vec<QueueItemDto>), (status = 403, body = Problem)))]
pub async fn queue(Api { state: s, caller }: Api) -> ApiResult<Json<Vec<QueueItemDto>>> {
    let cams = s.cameras.clone();
    let items = s
        .services
        .supervision_queue(&caller.ctx(), &move |d| cams.is_online(d))
        .await?;
    Ok(Json(items.into_iter().map(Into::into).collect()))
}

/// A started look-in. The picture is served to the operator's browser session at `stream`
/// until `ends_at`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LookInDto {
    pub id: LookInId,
    pub task_id: TaskId,
    pub client_id: ClientId,
    pub client_name: String,
    pub device_id: DeviceId,
    pub operator: UserId,
    pub started_at: String,
    pub ends_at: String,
    pub limit_seconds: u16,
    pub recheck: bool,
    pub stream: String,
}

/// Start a look-in on a task: role and need-to-know, valid decision and consent today, not
/// paused, inside the window, camera connected. A refusal (409) says which. Audited.
#[utoipa::path(post, path = "/api/v1/supervision/tasks/{id}/look-in", tag = "supervision",
    params(("id" = TaskId, Path, description = "Supervision task id")),
    responses((status = 201, body = LookInDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn start_look_in(
    Api { state: s, caller }: Api,
    Path(id): Path<TaskId>,
) -> ApiResult<(StatusCode, Json<LookInDto>)> {
    let cams = s.cameras.clone();
    let limit = u16::try_from(cams.settings.look_in_seconds).unwrap_or(30);
    let l = s
        .services
        .start_look_in(&caller.ctx(), id, limit, &move |d| cams.is_online(d))
        .await?;
    let r = l.record;
    Ok((
        StatusCode::CREATED,
        Json(LookInDto {
            id: r.id,
            task_id: r.task_id,
            client_id: r.client_id,
            client_name: l.client_name,
            device_id: r.device_id,
            operator: r.operator,
            started_at: r.started_at.to_string(),
            ends_at: (r.started_at + jiff::SignedDuration::from_secs(i64::from(r.limit_seconds)))
                .to_string(),
            limit_seconds: r.limit_seconds,
            recheck: r.recheck,
            stream: format!("/supervision/look-ins/{}/stream", r.id),
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    /// seen_ok, not_visible or deviation.
    pub outcome: String,
    /// Required for a deviation; at most 500 characters.
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeDto {
    /// The task's state after the outcome (done, recheck_due, escalated).
    pub state: String,
}

/// Record what was seen on one's own look-in. Not visible → a re-check; not visible on a
/// re-check, or a deviation → a dispatch. Audited.
#[utoipa::path(post, path = "/api/v1/supervision/tasks/{id}/outcome", tag = "supervision",
    request_body = OutcomeInput,
    params(("id" = TaskId, Path, description = "Supervision task id")),
    responses((status = 200, body = OutcomeDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn record_outcome(
    Api { state: s, caller }: Api,
    Path(id): Path<TaskId>,
    Json(input): Json<OutcomeInput>,
) -> ApiResult<Json<OutcomeDto>> {
    let outcome = Outcome::from_code(input.outcome.trim())
        .ok_or_else(|| ApiError::invalid("outcome", SupervisionReason::ChooseOutcome))?;
    let state = s
        .services
        .record_outcome(&caller.ctx(), id, outcome, input.note.as_deref())
        .await?;
    Ok(Json(OutcomeDto {
        state: state.code().into(),
    }))
}

/// An open dispatch, with its response clock.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatrolItemDto {
    pub id: DispatchId,
    pub client_id: ClientId,
    pub client_name: String,
    /// Absent when the client's identity is protected.
    pub address: Option<String>,
    pub unit_id: Option<UnitId>,
    pub cause: String,
    /// What was seen that sent staff (a deviation's note).
    pub note: Option<String>,
    pub phone_first: bool,
    pub status: String,
    pub created_at: String,
    pub deadline: String,
    pub acknowledged_at: Option<String>,
    pub on_way_at: Option<String>,
    pub arrived_at: Option<String>,
}

impl From<PatrolItem> for PatrolItemDto {
    fn from(d: PatrolItem) -> Self {
        Self {
            id: d.dispatch_id,
            client_id: d.client_id,
            client_name: d.client_name,
            address: d.address,
            unit_id: d.unit_id,
            cause: d.cause.code().into(),
            note: d.note,
            phone_first: d.phone_first,
            status: d.status.code().into(),
            created_at: d.created_at.to_string(),
            deadline: d.deadline.to_string(),
            acknowledged_at: d.acknowledged_at.map(|t| t.to_string()),
            on_way_at: d.on_way_at.map(|t| t.to_string()),
            arrived_at: d.arrived_at.map(|t| t.to_string()),
        }
    }
}

/// Open dispatches to the caller's clients, oldest first. Audited.
#[utoipa::path(get, path = "/api/v1/dispatches", tag = "supervision",
    responses((status = 200, body = Vec<PatrolItemDto>), (status = 403, body = Problem)))]
pub async fn dispatches(Api { state: s, caller }: Api) -> ApiResult<Json<Vec<PatrolItemDto>>> {
    let items = s.services.patrol_dispatches(&caller.ctx()).await?;
    Ok(Json(items.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepInput {
    /// acknowledge, on_the_way, arrived or close.
    pub step: String,
    /// Required to close; at most 500 characters.
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DispatchDto {
    pub id: DispatchId,
    pub task_id: TaskId,
    pub client_id: ClientId,
    pub cause: String,
    pub status: String,
    pub response_target_minutes: u16,
    pub created_at: String,
    pub responder: Option<UserId>,
    pub acknowledged_at: Option<String>,
    pub on_way_at: Option<String>,
    pub arrived_at: Option<String>,
    pub closed_at: Option<String>,
    pub response_seconds: Option<i64>,
}

impl From<Dispatch> for DispatchDto {
    fn from(d: Dispatch) -> Self {
        Self {
            id: d.id,
            task_id: d.task_id,
            client_id: d.client_id,
            cause: d.cause.code().into(),
            status: d.status().code().into(),
            response_target_minutes: d.response_target_minutes,
            created_at: d.created_at.to_string(),
            responder: d.responder,
            acknowledged_at: d.acknowledged_at.map(|t| t.to_string()),
            on_way_at: d.on_way_at.map(|t| t.to_string()),
            arrived_at: d.arrived_at.map(|t| t.to_string()),
            closed_at: d.closed_at.map(|t| t.to_string()),
            response_seconds: d.response_time().map(|r| r.as_secs()),
        }
    }
}

/// Take a step on a dispatch: acknowledge → on the way → arrived → close (with a note).
/// Closing closes the supervision task. Audited.
#[utoipa::path(post, path = "/api/v1/dispatches/{id}/steps", tag = "supervision",
    request_body = StepInput,
    params(("id" = DispatchId, Path, description = "Dispatch id")),
    responses((status = 200, body = DispatchDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn dispatch_step(
    Api { state: s, caller }: Api,
    Path(id): Path<DispatchId>,
    Json(input): Json<StepInput>,
) -> ApiResult<Json<DispatchDto>> {
    let step = DispatchStep::from_code(input.step.trim())
        .ok_or_else(|| ApiError::invalid("step", SupervisionReason::ChooseStep))?;
    let d = s
        .services
        .dispatch_step(&caller.ctx(), id, step, input.note.as_deref())
        .await?;
    Ok(Json(d.into()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LogParams {
    /// The first night (YYYY-MM-DD); default 30 nights before `to`.
    pub from: Option<String>,
    /// The last night (YYYY-MM-DD); default today.
    pub to: Option<String>,
    /// json (default), csv or pdf.
    pub format: Option<String>,
}

/// A client's supervision log for a period of nights: planned times, look-ins (when, how long,
/// who, outcome, re-check), dispatches and response times. As JSON, CSV or PDF. Audited.
#[utoipa::path(get, path = "/api/v1/clients/{id}/supervision-log", tag = "supervision",
    params(("id" = ClientId, Path, description = "Client id"), LogParams),
    responses((status = 200, description = "The log (JSON, text/csv or application/pdf)"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn supervision_log(
    State(s): State<AppState>,
    t: crate::i18n::Tr,
    caller: Caller,
    Path(id): Path<ClientId>,
    crate::extract::Query(q): crate::extract::Query<LogParams>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let format = match q.format.as_deref().map(str::trim) {
        None | Some("" | "json") => "json",
        Some("csv") => "csv",
        Some("pdf") => "pdf",
        Some(_) => return Err(ApiError::invalid("format", SupervisionReason::ApiLogFormat)),
    };
    let (from, to) =
        crate::reports::periods::nights(s.services.today(), q.from.as_deref(), q.to.as_deref())?;
    let log = s
        .services
        .supervision_log(&caller.ctx(), id, from, to, format)
        .await?;
    Ok(match format {
        "json" => Json(log).into_response(),
        f => crate::reports::supervision_log::download(&log, t, f),
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct StatsParams {
    /// The first month (YYYY-MM); default five months before `to`.
    pub from: Option<String>,
    /// The last month (YYYY-MM); default this month.
    pub to: Option<String>,
}

/// Night-supervision statistics per unit and month for the units in the caller's scope:
/// planned, performed, on time, not visible, deviations, missed, dispatches and response-time
/// buckets. Counts only. Audited.
#[utoipa::path(get, path = "/api/v1/supervision/statistics", tag = "supervision",
    params(StatsParams),
    responses((status = 200, description = "Rows per unit and month"), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn statistics(
    Api { state: s, caller }: Api,
    crate::extract::Query(q): crate::extract::Query<StatsParams>,
) -> ApiResult<Json<vaka_service::supervision::statistics::Statistics>> {
    let (from, to) =
        crate::reports::periods::months(s.services.today(), q.from.as_deref(), q.to.as_deref())?;
    Ok(Json(
        s.services
            .supervision_statistics(&caller.ctx(), from, to)
            .await?,
    ))
}

/// A planned visit of tonight.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitDto {
    pub task_id: TaskId,
    pub client_id: ClientId,
    pub client_name: String,
    /// Absent when the client's identity is protected.
    pub address: Option<String>,
    pub unit_id: Option<UnitId>,
    pub due: String,
    pub opens: String,
    pub closes: String,
    pub state: String,
}

/// Tonight's planned visits (plans with physical visits) due within three hours, for the
/// caller's clients. Audited.
#[utoipa::path(get, path = "/api/v1/visits", tag = "supervision",
    responses((status = 200, body = Vec<VisitDto>), (status = 403, body = Problem)))]
pub async fn visits(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<VisitDto>>> {
    let items = s.services.patrol_visits(&caller.ctx()).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|v| VisitDto {
                task_id: v.task_id,
                client_id: v.client_id,
                client_name: v.client_name,
                address: v.address,
                unit_id: v.unit_id,
                due: v.due.to_string(),
                opens: v.opens.to_string(),
                closes: v.closes.to_string(),
                state: v.state.into(),
            })
            .collect(),
    ))
}

/// Record a visit: seen_ok ends it; deviation (with a note) escalates it. Audited.
#[utoipa::path(post, path = "/api/v1/visits/{id}/outcome", tag = "supervision",
    request_body = OutcomeInput,
    params(("id" = TaskId, Path, description = "Supervision task id")),
    responses((status = 200, body = OutcomeDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn record_visit(
    Api { state: s, caller }: Api,
    Path(id): Path<TaskId>,
    Json(input): Json<OutcomeInput>,
) -> ApiResult<Json<OutcomeDto>> {
    let outcome = Outcome::from_code(input.outcome.trim())
        .ok_or_else(|| ApiError::invalid("outcome", SupervisionReason::VisitOutcome))?;
    let state = s
        .services
        .record_visit(&caller.ctx(), id, outcome, input.note.as_deref())
        .await?;
    Ok(Json(OutcomeDto {
        state: state.code().into(),
    }))
}

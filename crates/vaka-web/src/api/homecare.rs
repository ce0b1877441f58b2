//! Home care: the staff app's day and sync (`/api/v1/app/…`; the rules in
//! `docs/ARCHITECTURE.md`, "Home care"), visit plans, and what unit managers and the municipality need
//! (a unit's visits, a visit with its corrections, corrections, the week's approval, lock
//! dates).

use axum::http::StatusCode;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vaka_domain::delegation::{NotGivenReason, SigningOutcome};
use vaka_domain::homecare::CareTask;
use vaka_domain::homecare::plan::{VisitPlan, weekday_code};
use vaka_domain::homecare::visit::{
    CorrectionField, CorrectionReason, EvidenceKind, ManualReason, Stamp, Visit, VisitKind,
};
use vaka_domain::ids::{
    ClientId, CorrectionId, DecisionId, DeviceId, OrganisationId, PrescriptionId, SigningId,
    UnitId, UserId, VisitId, VisitPlanId, VisitRecordId,
};
use vaka_domain::nfc::TagTap;
use vaka_domain::reason::{InputReason, Reason};
use vaka_service::delegation::signing::SigningInput;
use vaka_service::homecare::manage::{CorrectionInput, UnitVisits, VisitDetail, VisitLine};
use vaka_service::homecare::plans::VisitPlanInput;
use vaka_service::homecare::sync::{
    RecordKind, RecordResult, RecordStatus, SyncBatch, SyncItem, SyncRecord,
};
use vaka_service::homecare::today::TodayVisit;

use crate::api::Api;
use crate::error::{ApiResult, Problem};
use crate::extract::{Json, Path, Query};
use crate::i18n::reason::api_words;
use crate::i18n::{Lang, Tr};

// ---- the staff app's day ---------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct TodayQuery {
    /// `YYYY-MM-DD`; today (Europe/Stockholm) when not given.
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<Date>,
}

/// The day's planned visits of the caller's units.
#[derive(Debug, Serialize, ToSchema)]
pub struct TodayDto {
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    pub visits: Vec<TodayVisitDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TodayVisitDto {
    pub plan_id: VisitPlanId,
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    pub client: VisitClientDto,
    pub window: WindowDto,
    pub tasks: Vec<TaskDto>,
    pub expected_minutes: u32,
    /// What was registered for the visit, if anything.
    pub visit: Option<VisitDto>,
    /// The client's lock, if one is installed.
    pub lock: Option<LockRefDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitClientDto {
    pub id: ClientId,
    pub name: String,
    /// One line; `null` for a protected identity (or none registered).
    pub address: Option<String>,
}

/// A window as instants (RFC 3339, UTC).
#[derive(Debug, Serialize, ToSchema)]
pub struct WindowDto {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskDto {
    pub code: CareTask,
    /// The task's name in Swedish.
    pub label_sv: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LockRefDto {
    pub id: DeviceId,
}

/// How the start and end of a visit were proven: `nfc_sun`, `nfc_plain` or `manual`.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceDto {
    pub start: EvidenceKind,
    pub end: Option<EvidenceKind>,
    pub start_manual_reason: Option<ManualReason>,
    pub end_manual_reason: Option<ManualReason>,
}

/// A registered visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitDto {
    pub id: VisitId,
    pub client_id: ClientId,
    pub unit_id: UnitId,
    pub worker: UserId,
    pub plan_id: Option<VisitPlanId>,
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    pub kind: VisitKind,
    /// The instant used (RFC 3339); see `late_sync` and `clock_skew`.
    pub started_at: String,
    pub ended_at: Option<String>,
    /// The phone's times and the server's receipt times.
    pub start_device_time: String,
    pub start_received_at: String,
    pub end_device_time: Option<String>,
    pub end_received_at: Option<String>,
    pub tasks_done: Vec<CareTask>,
    pub note: Option<String>,
    pub evidence: EvidenceDto,
    /// Registered without a tag at either end.
    pub manual: bool,
    /// Reached the server later than 15 minutes after it happened.
    pub late_sync: bool,
    /// The phone's clock was off by more than 5 minutes; the server's time was used.
    pub clock_skew: bool,
    pub corrected: bool,
    pub minutes: i64,
}

impl From<&Visit> for VisitDto {
    fn from(v: &Visit) -> Self {
        let end: Option<&Stamp> = v.end.as_ref();
        Self {
            id: v.id,
            client_id: v.client_id,
            unit_id: v.unit_id,
            worker: v.worker,
            plan_id: v.plan_id,
            date: v.date,
            kind: v.kind,
            started_at: v.start.at.to_string(),
            ended_at: end.map(|e| e.at.to_string()),
            start_device_time: v.start.device_time.to_string(),
            start_received_at: v.start.received_at.to_string(),
            end_device_time: end.map(|e| e.device_time.to_string()),
            end_received_at: end.map(|e| e.received_at.to_string()),
            tasks_done: v.tasks_done.clone(),
            note: v.note.clone(),
            evidence: EvidenceDto {
                start: v.start.evidence.kind(),
                end: end.map(|e| e.evidence.kind()),
                start_manual_reason: v.start.evidence.manual_reason(),
                end_manual_reason: end.and_then(|e| e.evidence.manual_reason()),
            },
            manual: v.manual(),
            late_sync: v.late_sync(),
            clock_skew: v.clock_skew(),
            corrected: v.corrected,
            minutes: v.minutes(),
        }
    }
}

fn task_dto(t: CareTask) -> TaskDto {
    TaskDto {
        code: t,
        label_sv: Tr::new(Lang::Sv).code("care-task", t.code()),
    }
}

impl From<TodayVisit> for TodayVisitDto {
    fn from(t: TodayVisit) -> Self {
        Self {
            plan_id: t.planned.plan_id,
            date: t.planned.date,
            client: VisitClientDto {
                id: t.client.id,
                name: t.client.name,
                address: t.client.address,
            },
            window: WindowDto {
                from: t.planned.from.to_string(),
                to: t.planned.to.to_string(),
            },
            tasks: t.planned.tasks.iter().copied().map(task_dto).collect(),
            expected_minutes: t.planned.expected_minutes,
            visit: t.visit.as_ref().map(VisitDto::from),
            lock: t.lock.map(|id| LockRefDto { id }),
        }
    }
}

/// The day's planned visits of the caller's units, each with what was registered for it.
/// Need-to-know applies; a protected client's address is not given. Every client shown is
/// audited.
#[utoipa::path(get, path = "/api/v1/app/today", tag = "homecare", params(TodayQuery),
    responses((status = 200, body = TodayDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn today(
    Api { state: s, caller }: Api,
    Query(q): Query<TodayQuery>,
) -> ApiResult<Json<TodayDto>> {
    let date = q.date.unwrap_or_else(|| s.services.today());
    let visits = s.services.visits_today(&caller.ctx(), date).await?;
    Ok(Json(TodayDto {
        date,
        visits: visits.into_iter().map(Into::into).collect(),
    }))
}

// ---- the outbox ------------------------------------------------------------------------------

/// A tag as the phone read it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TagDto {
    /// The tag's UID (hex, separators allowed).
    pub serial: String,
    /// The URL in the tag's NDEF record, if any.
    pub url: Option<String>,
}

/// One record of the outbox.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SyncRecordDto {
    /// Generated by the app; the same id sent again is a duplicate.
    #[schema(value_type = String, format = Uuid)]
    pub id: VisitRecordId,
    /// The record's place in the app's outbox (records are applied in this order).
    pub seq: i64,
    /// `visit_start`, `visit_end`, `visit_tasks`, `visit_note` or `signing`.
    pub kind: String,
    #[schema(value_type = String, format = Uuid)]
    pub visit_id: VisitId,
    /// The phone's clock when it happened (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub device_time: Timestamp,
    pub client_id: ClientId,
    pub plan_id: Option<VisitPlanId>,
    /// The plan's day, `YYYY-MM-DD`.
    #[schema(value_type = Option<String>, format = Date)]
    pub date: Option<Date>,
    /// `planned` (default with a plan), `extra` (default without), `alarm`, `night_help`,
    /// `meal_delivery`.
    pub visit_kind: Option<VisitKind>,
    pub tag: Option<TagDto>,
    /// Without a tag: `no_nfc_phone`, `tag_broken`, `tag_missing`, `system_down`, `forgot`.
    pub manual_reason: Option<ManualReason>,
    pub tasks: Option<Vec<CareTask>>,
    pub note: Option<String>,
    /// For a `signing` record: what is signed (the record's id is the signing's).
    pub signing: Option<SigningRecordDto>,
}

/// A prescribed task signed during a visit.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SigningRecordDto {
    /// The scheduled occasion, `{prescription}/{YYYY-MM-DD}/{HH:MM}`; absent for an as-needed
    /// task.
    pub occasion: Option<String>,
    /// The as-needed prescription, when `occasion` is absent.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub prescription_id: Option<PrescriptionId>,
    /// `given`, `partly_given`, `not_given`, `cannot_take`, `sent_with_client`,
    /// `stock_count_wrong`, `as_needed_given` (a "given" after the window is stored as
    /// `given_late`).
    pub outcome: SigningOutcome,
    /// With `not_given`: `refused`, `not_at_home`, `in_hospital`, `other`.
    pub not_given_reason: Option<NotGivenReason>,
    pub note: Option<String>,
}

/// A batch of the outbox.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SyncInput {
    /// The app installation's id.
    pub device: String,
    /// The phone's clock when it sent the batch (RFC 3339): lets the server recognise a clock
    /// that is off. Optional.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<Timestamp>,
    #[schema(value_type = Vec<SyncRecordDto>)]
    pub records: Vec<serde_json::Value>,
}

/// Why a record was refused.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordReasonDto {
    /// A stable code (the reason's message id, e.g. `homecare-no-plan-today`).
    pub code: String,
    /// In English.
    pub detail: String,
    /// The record's field it is about, when there is one.
    pub field: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordResultDto {
    /// The record's id as sent (`null` when it had none that could be read).
    pub id: Option<String>,
    /// `stored`, `duplicate` or `refused`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<RecordReasonDto>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub late: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub clock_skew: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncResultDto {
    /// One per record, in the order sent.
    pub results: Vec<RecordResultDto>,
}

impl From<RecordResult> for RecordResultDto {
    fn from(r: RecordResult) -> Self {
        Self {
            id: r.id,
            status: match r.status {
                RecordStatus::Stored => "stored",
                RecordStatus::Duplicate => "duplicate",
                RecordStatus::Refused => "refused",
            }
            .into(),
            reason: r.refusal.map(|(field, reason)| RecordReasonDto {
                code: reason.id().to_owned(),
                detail: api_words(&reason),
                field: (!field.is_empty()).then_some(field),
            }),
            late: r.late,
            clock_skew: r.clock_skew,
        }
    }
}

/// One record of the outbox, read on its own: a record that cannot be read is refused alone.
fn item(v: serde_json::Value) -> SyncItem {
    let id = v.get("id").and_then(|i| i.as_str()).map(str::to_owned);
    let dto: SyncRecordDto = match serde_json::from_value(v) {
        Ok(d) => d,
        Err(e) => {
            let text = e.to_string();
            let field = text
                .split('`')
                .nth(1)
                .filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or("record")
                .to_owned();
            return SyncItem::Malformed {
                id,
                field,
                reason: Reason::from(InputReason::NotValid),
            };
        }
    };
    let Some(kind) = RecordKind::from_code(&dto.kind) else {
        return SyncItem::Malformed {
            id,
            field: "kind".into(),
            reason: Reason::from(InputReason::NotValid),
        };
    };
    SyncItem::Record(SyncRecord {
        id: dto.id,
        seq: dto.seq,
        kind,
        visit_id: dto.visit_id,
        device_time: dto.device_time,
        client_id: dto.client_id,
        plan_id: dto.plan_id,
        date: dto.date,
        visit_kind: dto.visit_kind,
        tag: dto.tag.map(|t| TagTap {
            serial: t.serial,
            url: t.url,
        }),
        manual_reason: dto.manual_reason,
        tasks: dto.tasks,
        note: dto.note,
        signing: dto.signing.map(|g| SigningInput {
            id: SigningId(dto.id.0),
            occasion: g.occasion,
            prescription_id: g.prescription_id,
            client_id: Some(dto.client_id),
            outcome: g.outcome,
            not_given_reason: g.not_given_reason,
            note: g.note,
        }),
    })
}

/// Sync the app's outbox. Idempotent by record id: a record stored before is answered
/// `duplicate` and not written again. Each record is judged on its own (`stored`, `duplicate`
/// or `refused` with a reason); a refused record does not fail the batch. Times: the phone's
/// time is kept beside the server's receipt time; a record received more than 15 minutes
/// after it happened is `late`; a phone clock more than 5 minutes off (judged from `sent_at`)
/// is `clock_skew` and the server's time is used. At most 2,000 records.
#[utoipa::path(post, path = "/api/v1/app/sync", tag = "homecare", request_body = SyncInput,
    responses((status = 200, body = SyncResultDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn sync(
    Api { state: s, caller }: Api,
    Json(input): Json<SyncInput>,
) -> ApiResult<Json<SyncResultDto>> {
    let device: String = input.device.chars().take(100).collect();
    let batch = SyncBatch {
        device,
        sent_at: input.sent_at,
        items: input.records.into_iter().map(item).collect(),
    };
    let results = s.services.sync_visits(&caller.ctx(), batch).await?;
    Ok(Json(SyncResultDto {
        results: results.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConfirmedDto {
    #[schema(value_type = String, format = Date)]
    pub week: Date,
    pub confirmed_at: String,
}

/// Confirm one's own visits of a week (named by its Monday, `YYYY-MM-DD`).
#[utoipa::path(post, path = "/api/v1/app/weeks/{week}/confirm", tag = "homecare",
    params(("week" = String, Path, description = "The week's Monday, YYYY-MM-DD")),
    responses((status = 200, body = ConfirmedDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn confirm_week(
    Api { state: s, caller }: Api,
    Path(week): Path<Date>,
) -> ApiResult<Json<ConfirmedDto>> {
    let at = s.services.confirm_week(&caller.ctx(), week).await?;
    Ok(Json(ConfirmedDto {
        week,
        confirmed_at: at.to_string(),
    }))
}

/// A worker's own visits of a week.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyWeekDto {
    /// The week's Monday.
    #[schema(value_type = String, format = Date)]
    pub week: Date,
    /// Oldest first.
    pub visits: Vec<VisitLineDto>,
    /// When the worker confirmed the week (RFC 3339), if they did.
    pub confirmed_at: Option<String>,
    /// Every unit the worker made visits for has approved the week.
    pub approved: bool,
}

/// One's own visits of a week (named by its Monday, `YYYY-MM-DD`), with one's confirmation of
/// it and whether the unit manager approved it. Every client shown is audited.
#[utoipa::path(get, path = "/api/v1/app/weeks/{week}", tag = "homecare",
    params(("week" = String, Path, description = "The week's Monday, YYYY-MM-DD")),
    responses((status = 200, body = MyWeekDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn my_week(
    Api { state: s, caller }: Api,
    Path(week): Path<Date>,
) -> ApiResult<Json<MyWeekDto>> {
    let wk = s.services.my_week(&caller.ctx(), week).await?;
    Ok(Json(MyWeekDto {
        week: wk.week,
        visits: wk.visits.iter().map(VisitLineDto::from).collect(),
        confirmed_at: wk.confirmed_at.map(|t| t.to_string()),
        approved: wk.approved,
    }))
}

// ---- visit plans -----------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitPlanDto {
    pub id: VisitPlanId,
    pub client_id: ClientId,
    pub decision_id: DecisionId,
    pub unit_id: UnitId,
    /// `mon` … `sun`.
    pub weekdays: Vec<String>,
    /// Local time `HH:MM`.
    pub from: String,
    pub to: String,
    pub tasks: Vec<CareTask>,
    pub expected_minutes: u32,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub ended_on: Option<String>,
}

impl From<&VisitPlan> for VisitPlanDto {
    fn from(p: &VisitPlan) -> Self {
        Self {
            id: p.id,
            client_id: p.client_id,
            decision_id: p.decision_id,
            unit_id: p.unit_id,
            weekdays: p
                .weekdays
                .iter()
                .map(|w| weekday_code(*w).to_owned())
                .collect(),
            from: p.from.strftime("%H:%M").to_string(),
            to: p.to.strftime("%H:%M").to_string(),
            tasks: p.tasks.clone(),
            expected_minutes: p.expected_minutes,
            valid_from: p.valid_from.to_string(),
            valid_to: p.valid_to.map(|d| d.to_string()),
            ended_on: p.ended_on.map(|d| d.to_string()),
        }
    }
}

/// A client's home-care visit plans. Audited.
#[utoipa::path(get, path = "/api/v1/clients/{id}/visit-plans", tag = "homecare",
    params(("id" = ClientId, Path, description = "Client id")),
    responses((status = 200, body = Vec<VisitPlanDto>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_plans(
    Api { state: s, caller }: Api,
    Path(id): Path<ClientId>,
) -> ApiResult<Json<Vec<VisitPlanDto>>> {
    let plans = s.services.list_visit_plans(&caller.ctx(), id).await?;
    Ok(Json(plans.iter().map(VisitPlanDto::from).collect()))
}

/// Plan recurring visits from a client's home-care decision (the provider's unit manager).
#[utoipa::path(post, path = "/api/v1/clients/{id}/visit-plans", tag = "homecare",
    request_body = VisitPlanInput,
    params(("id" = ClientId, Path, description = "Client id")),
    responses((status = 201, body = VisitPlanDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_plan(
    Api { state: s, caller }: Api,
    Path(id): Path<ClientId>,
    Json(input): Json<VisitPlanInput>,
) -> ApiResult<(StatusCode, Json<VisitPlanDto>)> {
    let p = s
        .services
        .create_visit_plan(&caller.ctx(), id, input)
        .await?;
    Ok((StatusCode::CREATED, Json(VisitPlanDto::from(&p))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndPlanInput {
    /// The plan's last day; today when not given.
    #[schema(value_type = Option<String>, format = Date)]
    pub ended_on: Option<Date>,
}

/// End a visit plan.
#[utoipa::path(post, path = "/api/v1/visit-plans/{id}/end", tag = "homecare",
    request_body = EndPlanInput,
    params(("id" = VisitPlanId, Path, description = "Visit plan id")),
    responses((status = 200, body = VisitPlanDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn end_plan(
    Api { state: s, caller }: Api,
    Path(id): Path<VisitPlanId>,
    Json(input): Json<EndPlanInput>,
) -> ApiResult<Json<VisitPlanDto>> {
    let p = s
        .services
        .end_visit_plan(&caller.ctx(), id, input.ended_on)
        .await?;
    Ok(Json(VisitPlanDto::from(&p)))
}

// ---- managers --------------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct PeriodQuery {
    /// First day, `YYYY-MM-DD` (today when not given).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<Date>,
    /// Last day (at most 31 days after `from`; `from` when not given).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<Date>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitLineDto {
    pub visit: VisitDto,
    pub client_name: String,
    pub worker_name: String,
}

impl From<&VisitLine> for VisitLineDto {
    fn from(l: &VisitLine) -> Self {
        Self {
            visit: VisitDto::from(&l.visit),
            client_name: l.client_name.clone(),
            worker_name: l.worker_name.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MissingVisitDto {
    pub plan_id: VisitPlanId,
    pub client_id: ClientId,
    pub client_name: String,
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    pub window: WindowDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WeekWorkerDto {
    pub user_id: UserId,
    pub name: String,
    pub confirmed_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitVisitsDto {
    pub unit_id: UnitId,
    #[schema(value_type = String, format = Date)]
    pub from: Date,
    #[schema(value_type = String, format = Date)]
    pub to: Date,
    pub visits: Vec<VisitLineDto>,
    /// Planned visits with nothing registered (up to today).
    pub missing: Vec<MissingVisitDto>,
    /// When `from` is a Monday: who approved that week, and when.
    pub approved_by: Option<UserId>,
    pub approved_at: Option<String>,
    /// When `from` is a Monday: the workers with visits that week and when each confirmed it
    /// (the approval waits for them all).
    pub workers: Vec<WeekWorkerDto>,
    #[schema(value_type = Option<String>, format = Date)]
    pub locked_through: Option<Date>,
}

impl From<UnitVisits> for UnitVisitsDto {
    fn from(u: UnitVisits) -> Self {
        Self {
            unit_id: u.unit.id,
            from: u.from,
            to: u.to,
            visits: u.visits.iter().map(VisitLineDto::from).collect(),
            missing: u
                .missing
                .iter()
                .map(|(pv, name)| MissingVisitDto {
                    plan_id: pv.plan_id,
                    client_id: pv.client_id,
                    client_name: name.clone(),
                    date: pv.date,
                    window: WindowDto {
                        from: pv.from.to_string(),
                        to: pv.to.to_string(),
                    },
                })
                .collect(),
            approved_by: u.approval.as_ref().map(|a| a.approved_by),
            approved_at: u.approval.as_ref().map(|a| a.approved_at.to_string()),
            workers: u
                .workers
                .iter()
                .map(|x| WeekWorkerDto {
                    user_id: x.user,
                    name: x.name.clone(),
                    confirmed_at: x.confirmed_at.map(|t| t.to_string()),
                })
                .collect(),
            locked_through: u.locked_through,
        }
    }
}

/// A unit's visits of some days, with their flags and the planned visits nothing was
/// registered for (the unit's manager). Every client shown is audited.
#[utoipa::path(get, path = "/api/v1/homecare/units/{id}/visits", tag = "homecare",
    params(("id" = UnitId, Path, description = "Unit id"), PeriodQuery),
    responses((status = 200, body = UnitVisitsDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn unit_visits(
    Api { state: s, caller }: Api,
    Path(id): Path<UnitId>,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<UnitVisitsDto>> {
    let from = q.from.unwrap_or_else(|| s.services.today());
    let to = q.to.unwrap_or(from);
    let u = s.services.unit_visits(&caller.ctx(), id, from, to).await?;
    Ok(Json(u.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CorrectionDto {
    pub id: CorrectionId,
    pub field: CorrectionField,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: CorrectionReason,
    pub text: String,
    pub by: UserId,
    pub at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitDetailDto {
    pub visit: VisitDto,
    pub client_name: String,
    pub worker_name: String,
    /// Oldest first; the original values are in the first correction of each field.
    pub corrections: Vec<CorrectionDto>,
    pub week_approved: bool,
    #[schema(value_type = Option<String>, format = Date)]
    pub locked_through: Option<Date>,
    /// The client's door during the visit (unlocks for it, refusals), oldest first.
    pub door_events: Vec<DoorEventDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DoorEventDto {
    /// `unlocked`, `locked`, `refused`, `battery_low`, `jammed` or `tamper`.
    pub kind: String,
    pub at: String,
    /// Who the unlock was for, by name.
    pub by: Option<String>,
    /// The lock's reason for a refusal.
    pub detail: Option<String>,
}

impl From<VisitDetail> for VisitDetailDto {
    fn from(d: VisitDetail) -> Self {
        Self {
            visit: VisitDto::from(&d.line.visit),
            client_name: d.line.client_name,
            worker_name: d.line.worker_name,
            corrections: d
                .corrections
                .into_iter()
                .map(|c| CorrectionDto {
                    id: c.id,
                    field: c.field,
                    old_value: c.old_value,
                    new_value: c.new_value,
                    reason: c.reason,
                    text: c.text,
                    by: c.by,
                    at: c.at.to_string(),
                })
                .collect(),
            week_approved: d.approval.is_some(),
            locked_through: d.locked_through,
            door_events: d
                .door_events
                .into_iter()
                .map(|e| DoorEventDto {
                    kind: e.kind.to_owned(),
                    at: e.at.to_string(),
                    by: e.user_name,
                    detail: e.detail,
                })
                .collect(),
        }
    }
}

/// A visit with its corrections (the unit's manager, or the visit's worker). Audited.
#[utoipa::path(get, path = "/api/v1/homecare/visits/{id}", tag = "homecare",
    params(("id" = VisitId, Path, description = "Visit id")),
    responses((status = 200, body = VisitDetailDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn visit(
    Api { state: s, caller }: Api,
    Path(id): Path<VisitId>,
) -> ApiResult<Json<VisitDetailDto>> {
    Ok(Json(
        s.services.visit_detail(&caller.ctx(), id).await?.into(),
    ))
}

/// Correct a registered visit: the new values, a reason code (`forgot_start`, `forgot_end`,
/// `wrong_time`, `wrong_tasks`, `technical_fault`, `other`) and a text, both required. The
/// original is kept in the correction. Refused on or before the provider's lock date.
#[utoipa::path(post, path = "/api/v1/homecare/visits/{id}/corrections", tag = "homecare",
    request_body = CorrectionInput,
    params(("id" = VisitId, Path, description = "Visit id")),
    responses((status = 200, body = VisitDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn correct(
    Api { state: s, caller }: Api,
    Path(id): Path<VisitId>,
    Json(input): Json<CorrectionInput>,
) -> ApiResult<Json<VisitDto>> {
    let v = s.services.correct_visit(&caller.ctx(), id, input).await?;
    Ok(Json(VisitDto::from(&v)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovalDto {
    pub unit_id: UnitId,
    #[schema(value_type = String, format = Date)]
    pub week: Date,
    pub approved_by: UserId,
    pub approved_at: String,
}

/// Approve a unit's visits of a week (named by its Monday).
#[utoipa::path(post, path = "/api/v1/homecare/units/{id}/weeks/{week}/approve", tag = "homecare",
    params(("id" = UnitId, Path, description = "Unit id"), ("week" = String, Path, description = "The week's Monday, YYYY-MM-DD")),
    responses((status = 200, body = ApprovalDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn approve_week(
    Api { state: s, caller }: Api,
    Path((id, week)): Path<(UnitId, Date)>,
) -> ApiResult<Json<ApprovalDto>> {
    let a = s.services.approve_week(&caller.ctx(), id, week).await?;
    Ok(Json(ApprovalDto {
        unit_id: a.unit_id,
        week: a.week_start,
        approved_by: a.approved_by,
        approved_at: a.approved_at.to_string(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LockDateDto {
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    /// No visit dated on or before it may be registered or changed.
    #[schema(value_type = Option<String>, format = Date)]
    pub locked_through: Option<Date>,
    pub set_by: Option<UserId>,
    pub set_at: Option<String>,
}

/// Every provider's lock date (the municipality).
#[utoipa::path(get, path = "/api/v1/homecare/lock-dates", tag = "homecare",
    responses((status = 200, body = Vec<LockDateDto>), (status = 403, body = Problem)))]
pub async fn lock_dates(Api { state: s, caller }: Api) -> ApiResult<Json<Vec<LockDateDto>>> {
    let list = s.services.lock_dates(&caller.ctx()).await?;
    Ok(Json(
        list.into_iter()
            .map(|p| LockDateDto {
                organisation_id: p.organisation.id,
                organisation_name: p.organisation.name,
                locked_through: p.lock.as_ref().map(|l| l.locked_through),
                set_by: p.lock.as_ref().map(|l| l.set_by),
                set_at: p.lock.as_ref().map(|l| l.set_at.to_string()),
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LockDateInput {
    /// The last locked day, `YYYY-MM-DD`. An earlier date than before reopens the days after it.
    #[schema(value_type = String, format = Date)]
    pub locked_through: Date,
}

/// Set a provider's lock date (the municipality; moving it back reopens a period).
#[utoipa::path(put, path = "/api/v1/homecare/lock-dates/{id}", tag = "homecare",
    request_body = LockDateInput,
    params(("id" = OrganisationId, Path, description = "Provider organisation id")),
    responses((status = 200, body = LockDateDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_lock_date(
    Api { state: s, caller }: Api,
    Path(id): Path<OrganisationId>,
    Json(input): Json<LockDateInput>,
) -> ApiResult<Json<LockDateDto>> {
    let l = s
        .services
        .set_lock_date(&caller.ctx(), id, input.locked_through)
        .await?;
    Ok(Json(LockDateDto {
        organisation_id: l.organisation_id,
        organisation_name: String::new(),
        locked_through: Some(l.locked_through),
        set_by: Some(l.set_by),
        set_at: Some(l.set_at.to_string()),
    }))
}

// ---- the payment basis -----------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct PaymentQuery {
    /// The provider organisation.
    #[param(value_type = String, format = Uuid)]
    pub provider: OrganisationId,
    /// `YYYY-MM`; this month when not given.
    pub month: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentLineDto {
    pub client_id: ClientId,
    pub client_name: String,
    pub identity: String,
    /// `null`: time of visits with no task.
    pub task: Option<CareTask>,
    pub granted_minutes: i64,
    pub performed_minutes: i64,
    pub paid_minutes: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeviationDto {
    pub visit_id: VisitId,
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    pub client_name: String,
    pub worker_name: String,
    pub minutes: i64,
    pub manual: bool,
    pub late_sync: bool,
    pub clock_skew: bool,
    pub corrected: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentBasisDto {
    pub provider_id: OrganisationId,
    pub provider_name: String,
    /// `YYYY-MM`
    pub month: String,
    pub rule: vaka_domain::homecare::payment::PaymentRule,
    pub visits: usize,
    pub granted_minutes: i64,
    pub performed_minutes: i64,
    pub paid_minutes: i64,
    pub lines: Vec<PaymentLineDto>,
    pub deviations: Vec<DeviationDto>,
}

/// A provider's payment basis for a month: per client and task the granted, performed and
/// paid minutes (performed, capped at granted, by default), and the deviations. The
/// municipality reads every provider's; a unit manager their units' clients. Every client
/// named is audited. The same as CSV and PDF: `/homecare/payment/export?provider=…&month=…&format=csv|pdf`.
#[utoipa::path(get, path = "/api/v1/homecare/payment-basis", tag = "homecare", params(PaymentQuery),
    responses((status = 200, body = PaymentBasisDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn payment_basis(
    Api { state: s, caller }: Api,
    Query(q): Query<PaymentQuery>,
) -> ApiResult<Json<PaymentBasisDto>> {
    let month = crate::reports::payment_basis::parse_month(q.month.as_deref(), s.services.today())?;
    let b = s
        .services
        .payment_basis(&caller.ctx(), q.provider, month, "json")
        .await?;
    Ok(Json(PaymentBasisDto {
        provider_id: b.provider_id,
        provider_name: b.provider_name.clone(),
        month: b.month.strftime("%Y-%m").to_string(),
        rule: b.rule,
        visits: b.visits,
        granted_minutes: b.total_granted(),
        performed_minutes: b.total_performed(),
        paid_minutes: b.total_paid(),
        lines: b
            .lines
            .iter()
            .map(|l| PaymentLineDto {
                client_id: l.line.client_id,
                client_name: l.client_name.clone(),
                identity: l.identity.clone(),
                task: l.line.task,
                granted_minutes: l.line.granted_minutes,
                performed_minutes: l.line.performed_minutes,
                paid_minutes: l.line.paid_minutes,
            })
            .collect(),
        deviations: b
            .deviations
            .iter()
            .map(|d| DeviationDto {
                visit_id: d.visit_id,
                date: d.date,
                client_name: d.client_name.clone(),
                worker_name: d.worker_name.clone(),
                minutes: d.minutes,
                manual: d.manual,
                late_sync: d.late_sync,
                clock_skew: d.clock_skew,
                corrected: d.corrected,
            })
            .collect(),
    }))
}

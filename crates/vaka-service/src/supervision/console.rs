//! The operator's console: the live queue of look-ins, the look-in itself with every server-side
//! check, and the outcome that moves the task on (re-check, escalation).
//!
//! A look-in is allowed only when all of these hold at that moment, checked here and not only
//! hidden in a page: the operator's role reaches the client (need-to-know), a night-supervision
//! decision and consent are valid today, the night is not paused, the task's window (or its
//! re-check's) is open, and the client's active camera is connected. Each refusal says why and
//! is written to the audit log; so is every look-in and every outcome.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use vaka_domain::access::{Assignment, Permission};
use vaka_domain::audit::{AuditAction, Outcome as AuditOutcome};
use vaka_domain::client::{Client, ClientSummary};
use vaka_domain::consent::{Refusal, service_allowed};
use vaka_domain::decision::ServiceKind;
use vaka_domain::device::{DeviceKind, DeviceStatus};
use vaka_domain::ids::{ClientId, DeviceId, LookInId, TaskId};
use vaka_domain::reason::SupervisionReason;
use vaka_domain::rounds::{TaskKind, night_of};
use vaka_domain::supervision::{
    Dispatch, Event, LookInRecord, Outcome, SupervisionTask, TaskState, apply,
};
use vaka_store::values::to_db_precision;
use vaka_store::{DeviceFilter, ReadTx, StoreResult};

use super::scheduler::{RECHECK_WINDOW, client_settings, task_rules};
use super::{SUPERVISION, given_note, move_task, record_list_read, task_in_scope};
use crate::door::{Change, Op, Work};
use crate::error::Fault;
use crate::registry::{stockholm, succeeded_on};
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// How far ahead the queue shows look-ins.
pub const QUEUE_AHEAD: SignedDuration = SignedDuration::from_hours(3);

/// Whether a camera is connected now (the gateway's knowledge).
pub type Online<'a> = &'a (dyn Fn(DeviceId) -> bool + Send + Sync);

/// One line of the operator's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueItem {
    pub task_id: TaskId,
    pub client_id: ClientId,
    pub client_name: String,
    pub unit_id: Option<vaka_domain::ids::UnitId>,
    pub kind: TaskKind,
    /// The task's state (a [`TaskState`] code: its variants carry data, so there is no enum of
    /// the codes alone).
    pub state: &'static str,
    /// The planned instant; for a re-check, when it falls due.
    pub due: Timestamp,
    pub opens: Timestamp,
    /// When the window (or the re-check's window) closes.
    pub closes: Timestamp,
    pub camera: Option<DeviceId>,
    pub camera_online: bool,
    /// Whether a look-in can start now (the same checks as the look-in, except consent).
    pub can_look_in: bool,
}

/// What an operator sees after starting a look-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookInStarted {
    pub record: LookInRecord,
    pub client_name: String,
}

/// Where a task stands in the queue: when it is due, and its window (a re-check's own).
fn queue_times(t: &SupervisionTask) -> (Timestamp, Timestamp, Timestamp) {
    let rw = RECHECK_WINDOW;
    match t.state {
        TaskState::RecheckDue { at } => (at, at, at + rw),
        TaskState::Open {
            recheck: Some(closes),
        }
        | TaskState::LookedIn {
            recheck: Some(closes),
        } => (closes - rw, closes - rw, closes),
        _ => (t.due, t.opens, t.closes),
    }
}

/// A look-in refused by a rule of the moment: audited as a failure that says why, answered
/// 409.
fn refused(
    w: &Change<'_>,
    grant: &Assignment,
    client: &Client,
    task: TaskId,
    reason: SupervisionReason,
) -> Fault {
    let entry = w
        .client_entry(AuditOutcome::Failure, Some(grant), client)
        .subject("supervision_task", task)
        .details(serde_json::json!({ "refused": reason.logged() }).to_string());
    Fault::refused(entry, reason)
}

impl Services {
    /// The due and upcoming look-ins of tonight the caller may see, ordered by time, with
    /// re-checks and tasks whose staff are on their way. One audit entry per read.
    pub async fn supervision_queue(
        &self,
        ctx: &Ctx<'_>,
        online: Online<'_>,
    ) -> ServiceResult<Vec<QueueItem>> {
        let op = ctx.op(AuditAction::SupervisionQueueRead, SUPERVISION);
        self.door
            .read(op, async |r| {
                let grant = r.any_grant(Permission::Supervise, SupervisionReason::MayNotLookIn)?;
                let now = r.now();
                let tasks = tonight_tasks(&mut **r, now).await?;
                let cameras = active_cameras(&mut **r).await?;
                let mut clients: HashMap<ClientId, Option<ClientSummary>> = HashMap::new();
                let mut items = Vec::new();
                let mut protected = false;
                for t in tasks.into_iter().filter(|t| t.kind == TaskKind::LookIn) {
                    if let std::collections::hash_map::Entry::Vacant(e) = clients.entry(t.client_id)
                    {
                        let c = r.get_client_summary(t.client_id).await?.filter(|c| {
                            ctx.principal
                                .client_grant_for(Permission::Supervise, c.provider_id, c.unit_id)
                                .is_some()
                        });
                        e.insert(c);
                    }
                    let Some(Some(c)) = clients.get(&t.client_id) else {
                        continue;
                    };
                    protected |= c.protection.is_protected();
                    let camera = cameras.get(&t.client_id).copied();
                    let camera_online = camera.is_some_and(online);
                    let (due, opens, closes) = queue_times(&t);
                    items.push(QueueItem {
                        task_id: t.id,
                        client_id: t.client_id,
                        client_name: c.name.clone(),
                        unit_id: c.unit_id,
                        kind: t.kind,
                        state: t.state.code(),
                        due,
                        opens,
                        closes,
                        camera,
                        camera_online,
                        can_look_in: camera_online
                            && matches!(
                                t.state,
                                TaskState::Open { .. } | TaskState::LookedIn { .. }
                            ),
                    });
                }
                items.sort_by_key(|i| (i.due, i.task_id));
                record_list_read(r, &grant, "results", items.len(), protected);
                Ok(items)
            })
            .await
    }

    /// Starts a look-in on a task after every check; the caller then opens the camera's picture
    /// for at most `limit_seconds` and reports its end with [`Services::end_look_in`].
    pub async fn start_look_in(
        &self,
        ctx: &Ctx<'_>,
        task_id: TaskId,
        limit_seconds: u16,
        online: Online<'_>,
    ) -> ServiceResult<LookInStarted> {
        let op = ctx.op(AuditAction::LookInStarted, SUPERVISION);
        let started = self
            .door
            .change(op, async |w| {
                let now = to_db_precision(w.now());
                let (task, client, grant) =
                    task_in_scope(w, task_id, Permission::Supervise).await?;
                let refuse = |w: &Change<'_>, reason| refused(w, &grant, &client, task.id, reason);
                if task.kind != TaskKind::LookIn {
                    return Err(refuse(w, SupervisionReason::VisitNotLookIn));
                }
                let decisions = w.list_decisions(client.id).await?;
                let consents = w.list_consents(client.id).await?;
                let today = now.to_zoned(stockholm()).date();
                if let Err(r) =
                    service_allowed(ServiceKind::NightSupervision, &decisions, &consents, today)
                {
                    return Err(refuse(
                        w,
                        match r {
                            Refusal::NoValidDecision => SupervisionReason::NoValidDecision,
                            Refusal::NoValidConsent => SupervisionReason::NoValidConsent,
                        },
                    ));
                }
                if w.list_pauses(client.id)
                    .await?
                    .iter()
                    .any(|p| p.covers(task.night))
                {
                    return Err(refuse(w, SupervisionReason::PausedTonight));
                }
                let effective = client_settings(&mut **w, client.id).await?;
                let rules = task_rules(&task, effective);
                let state = match apply(task.state, Event::LookInStarted(now), &rules) {
                    Ok((state, _)) => state,
                    Err(r) => return Err(refuse(w, r.reason())),
                };
                let Some(device) = active_cameras(&mut **w).await?.get(&client.id).copied() else {
                    return Err(refuse(w, SupervisionReason::NoActiveCamera));
                };
                if !online(device) {
                    return Err(refuse(w, SupervisionReason::CameraOffline));
                }
                move_task(w, &task, state, now).await?;
                let record = LookInRecord {
                    id: LookInId::new(),
                    task_id: task.id,
                    client_id: client.id,
                    device_id: device,
                    operator: ctx.principal.user_id,
                    started_at: now,
                    ended_at: None,
                    limit_seconds,
                    recheck: matches!(
                        task.state,
                        TaskState::Open { recheck: Some(_) }
                            | TaskState::LookedIn { recheck: Some(_) }
                    ),
                    outcome: None,
                    note: None,
                };
                w.insert_look_in(&record).await?;
                let details = serde_json::json!({
                    "task": task.id,
                    "device": device,
                    "limit_seconds": limit_seconds,
                    "recheck": record.recheck,
                });
                succeeded_on(w, &grant, &client, |e| {
                    e.subject("look_in", record.id).details(details.to_string())
                });
                Ok(LookInStarted {
                    record,
                    client_name: client.name.clone(),
                })
            })
            .await?;
        self.supervision_changed();
        Ok(started)
    }

    /// The look-in as logged with the client's name, for its operator only (the page that
    /// shows the picture; the read is part of the audited look-in).
    pub async fn own_look_in(
        &self,
        ctx: &Ctx<'_>,
        id: LookInId,
    ) -> ServiceResult<(LookInRecord, String)> {
        let op = ctx.op(AuditAction::LookInStarted, SUPERVISION);
        self.door
            .read(op, async |r| match r.get_look_in(id).await? {
                Some(l) if l.operator == ctx.principal.user_id => {
                    let name = r
                        .get_client_summary(l.client_id)
                        .await?
                        .map(|c| c.name)
                        .unwrap_or_default();
                    Ok((l, name))
                }
                _ => Err(Fault::not_found("look-in")),
            })
            .await
    }

    /// Records when the picture stopped (the limit, the operator leaving, the camera dropping).
    /// Written by the server itself: the operator cannot shorten or lengthen the log.
    pub async fn end_look_in(&self, record: &LookInRecord, at: Timestamp) -> ServiceResult<()> {
        let at = to_db_precision(at);
        let op = Op::system(AuditAction::LookInEnded, SUPERVISION);
        self.door
            .change(op, async |w| {
                w.end_look_in(record.id, at).await?;
                let mut entry = w
                    .entry(AuditOutcome::Success, None)
                    .client(record.client_id)
                    .subject("look_in", record.id)
                    .details(
                        serde_json::json!({
                            "seconds": at.duration_since(record.started_at).as_secs(),
                            "limit_seconds": record.limit_seconds,
                        })
                        .to_string(),
                    );
                // The entry is dated when the picture stopped.
                entry.at = at;
                w.record(entry);
                Ok(())
            })
            .await
    }

    /// Records what the operator saw on their look-in: seen, OK ends the task; not visible
    /// schedules the re-check (or, on a re-check, sends staff); a deviation sends staff at once.
    pub async fn record_outcome(
        &self,
        ctx: &Ctx<'_>,
        task_id: TaskId,
        outcome: Outcome,
        note: Option<&str>,
    ) -> ServiceResult<TaskState> {
        let note = given_note(note)?;
        if outcome == Outcome::Deviation && note.is_none() {
            return Err(ServiceError::invalid(
                "note",
                SupervisionReason::DescribeDeviation,
            ));
        }
        let op = ctx.op(AuditAction::OutcomeRecorded, SUPERVISION);
        let state = self
            .door
            .change(op, async |w| {
                let now = to_db_precision(w.now());
                let (task, client, grant) =
                    task_in_scope(w, task_id, Permission::Supervise).await?;
                // Only the operator who looked records what was seen.
                let Some(look_in) = w
                    .list_task_look_ins(task.id)
                    .await?
                    .into_iter()
                    .rev()
                    .find(|l| l.operator == ctx.principal.user_id && l.outcome.is_none())
                else {
                    return Err(Fault::conflict(SupervisionReason::OutcomeAfterOwnLookIn));
                };
                let effective = client_settings(&mut **w, client.id).await?;
                let rules = task_rules(&task, effective);
                let (state, effects) = apply(task.state, Event::Outcome(now, outcome), &rules)
                    .map_err(Fault::conflict)?;
                move_task(w, &task, state, now).await?;
                w.set_look_in_outcome(look_in.id, outcome, note).await?;
                if look_in.ended_at.is_none() {
                    w.end_look_in(look_in.id, now).await?;
                }
                let mut details = serde_json::json!({
                    "task": task.id,
                    "outcome": outcome.code(),
                    "state": state.code(),
                });
                if let Some(mut d) =
                    Dispatch::from_effects(&task, &effects, effective.response_target_minutes, now)
                {
                    d.note = note.map(str::to_owned);
                    w.insert_dispatch(&d).await?;
                    details["dispatch"] = serde_json::json!(d.id);
                    details["cause"] = serde_json::json!(d.cause.code());
                }
                succeeded_on(w, &grant, &client, |e| {
                    e.subject("look_in", look_in.id)
                        .details(details.to_string())
                });
                Ok(state)
            })
            .await?;
        self.supervision_changed();
        Ok(state)
    }
}

/// The tasks of tonight (and of last night, until it is over) due within [`QUEUE_AHEAD`] of
/// `now`.
pub(crate) async fn tonight_tasks(
    tx: &mut dyn ReadTx,
    now: Timestamp,
) -> StoreResult<Vec<SupervisionTask>> {
    let night = night_of(now, &stockholm());
    tx.list_console_tasks(night.yesterday().unwrap_or(night), night, now + QUEUE_AHEAD)
        .await
}

/// Each client's active camera (the first, if a client has several).
pub(crate) async fn active_cameras(
    tx: &mut dyn ReadTx,
) -> StoreResult<HashMap<ClientId, DeviceId>> {
    let mut map = HashMap::new();
    for (client, camera) in client_cameras(tx).await? {
        map.entry(client).or_insert(camera);
    }
    Ok(map)
}

/// Every active camera placed with a client, as (client, camera), in the store's order.
pub(crate) async fn client_cameras(tx: &mut dyn ReadTx) -> StoreResult<Vec<(ClientId, DeviceId)>> {
    let cameras = tx
        .list_devices(&DeviceFilter {
            kind: Some(DeviceKind::Camera),
            status: Some(DeviceStatus::Active),
            limit: i64::MAX,
            ..DeviceFilter::default()
        })
        .await?;
    Ok(cameras
        .into_iter()
        .filter_map(|d| Some((d.client_id?, d.id)))
        .collect())
}

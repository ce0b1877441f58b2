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
use vaka_domain::access::Permission;
use vaka_domain::audit::{AuditAction, AuditFlags, NewAuditEntry, Outcome as AuditOutcome};
use vaka_domain::client::ClientSummary;
use vaka_domain::consent::service_allowed;
use vaka_domain::decision::ServiceKind;
use vaka_domain::device::{DeviceKind, DeviceStatus};
use vaka_domain::ids::{ClientId, DeviceId, LookInId, TaskId};
use vaka_domain::rounds::{TaskKind, night_of};
use vaka_domain::supervision::{Dispatch, Event, LookInRecord, Outcome, TaskState, apply};
use vaka_store::{DeviceFilter, ReadTx};

use super::scheduler::{client_settings, task_rules};
use crate::error::Denial;
use crate::registry::stockholm;
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// The care context of the console's audit entries.
pub(crate) const SUPERVISION: &str = "night_supervision";

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

impl Services {
    /// The due and upcoming look-ins of tonight the caller may see, ordered by time, with
    /// re-checks and tasks whose staff are on their way. One audit entry per read.
    pub async fn supervision_queue(
        &self,
        ctx: &Ctx<'_>,
        online: Online<'_>,
    ) -> ServiceResult<Vec<QueueItem>> {
        self.audited(async {
            let now = self.now();
            let Some(grant) = ctx.principal.any_grant(Permission::Supervise).cloned() else {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::SupervisionQueueRead,
                        None,
                        "your roles do not include looking in",
                    )
                    .await);
            };
            let tz = stockholm();
            let night = night_of(now, &tz);
            let mut tx = self.read().await?;
            let tasks = tx
                .list_console_tasks(night.yesterday().unwrap_or(night), night, now + QUEUE_AHEAD)
                .await?;
            let cameras = active_cameras(&mut *tx).await?;
            let mut clients: HashMap<ClientId, Option<ClientSummary>> = HashMap::new();
            let mut items = Vec::new();
            let mut protected = false;
            for t in tasks.into_iter().filter(|t| t.kind == TaskKind::LookIn) {
                if let std::collections::hash_map::Entry::Vacant(e) = clients.entry(t.client_id) {
                    let c = tx.get_client_summary(t.client_id).await?.filter(|c| {
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
                let rw = super::scheduler::RECHECK_WINDOW;
                let (due, opens, closes) = match t.state {
                    TaskState::RecheckDue { at } => (at, at, at + rw),
                    TaskState::Open {
                        recheck: Some(closes),
                    }
                    | TaskState::LookedIn {
                        recheck: Some(closes),
                    } => (closes - rw, closes - rw, closes),
                    _ => (t.due, t.opens, t.closes),
                };
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
                        && matches!(t.state, TaskState::Open { .. } | TaskState::LookedIn { .. }),
                });
            }
            drop(tx);
            items.sort_by_key(|i| (i.due, i.task_id));
            self.audit_list_read(
                ctx,
                &grant,
                AuditAction::SupervisionQueueRead,
                "results",
                items.len(),
                protected,
            )
            .await?;
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
        self.audited(async {
            let now = vaka_store::values::to_db_precision(self.now());
            let mut tx = self.write().await?;
            let task = tx
                .get_task(task_id)
                .await?
                .ok_or(ServiceError::NotFound("supervision task"))?;
            let (client, grant) = self
                .client_in_scope(
                    ctx,
                    &mut *tx,
                    task.client_id,
                    Permission::Supervise,
                    AuditAction::LookInStarted,
                )
                .await?;
            let refuse = |reason: &'static str| {
                let e = self
                    .client_entry(
                        ctx,
                        AuditAction::LookInStarted,
                        AuditOutcome::Failure,
                        Some(&grant),
                        &client,
                    )
                    .subject("supervision_task", task.id)
                    .details(serde_json::json!({ "refused": reason }).to_string());
                ServiceError::Refused(Box::new(Denial {
                    entry: with_context(e),
                    reason: reason.into(),
                }))
            };
            if task.kind != TaskKind::LookIn {
                return Err(refuse("this supervision is a visit, not a look-in"));
            }
            let decisions = tx.list_decisions(client.id).await?;
            let consents = tx.list_consents(client.id).await?;
            if let Err(r) = service_allowed(
                ServiceKind::NightSupervision,
                &decisions,
                &consents,
                self.today(),
            ) {
                return Err(refuse(match r {
                    vaka_domain::consent::Refusal::NoValidDecision => {
                        "there is no valid decision on night supervision"
                    }
                    vaka_domain::consent::Refusal::NoValidConsent => {
                        "there is no valid consent to night supervision"
                    }
                }));
            }
            if tx
                .list_pauses(client.id)
                .await?
                .iter()
                .any(|p| p.covers(task.night))
            {
                return Err(refuse("supervision is paused tonight"));
            }
            let effective = client_settings(&mut *tx, client.id).await?;
            let rules = task_rules(&task, &effective);
            let (state, _) = apply(task.state, Event::LookInStarted(now), &rules)
                .map_err(|r| refuse(r.reason()))?;
            let Some(device) = active_cameras(&mut *tx).await?.get(&client.id).copied() else {
                return Err(refuse("the client has no active camera"));
            };
            if !online(device) {
                return Err(refuse("the camera is not connected"));
            }
            if !tx.move_task(&task, state, now).await? {
                return Err(ServiceError::Conflict(
                    "the supervision changed meanwhile; try again".into(),
                ));
            }
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
                    TaskState::Open { recheck: Some(_) } | TaskState::LookedIn { recheck: Some(_) }
                ),
                outcome: None,
                note: None,
            };
            tx.insert_look_in(&record).await?;
            let entry = self
                .client_entry(
                    ctx,
                    AuditAction::LookInStarted,
                    AuditOutcome::Success,
                    Some(&grant),
                    &client,
                )
                .subject("look_in", record.id)
                .details(
                    serde_json::json!({
                        "task": task.id,
                        "device": device,
                        "limit_seconds": limit_seconds,
                        "recheck": record.recheck,
                    })
                    .to_string(),
                );
            tx.append_audit(&with_context(entry)).await?;
            tx.commit().await?;
            self.supervision_changed();
            Ok(LookInStarted {
                record,
                client_name: client.name.clone(),
            })
        })
        .await
    }

    /// The look-in as logged with the client's name, for its operator only (the page that
    /// shows the picture; the read is part of the audited look-in).
    pub async fn own_look_in(
        &self,
        ctx: &Ctx<'_>,
        id: LookInId,
    ) -> ServiceResult<(LookInRecord, String)> {
        let mut tx = self.read().await?;
        match tx.get_look_in(id).await? {
            Some(l) if l.operator == ctx.principal.user_id => {
                let name = tx
                    .get_client_summary(l.client_id)
                    .await?
                    .map(|c| c.name)
                    .unwrap_or_default();
                Ok((l, name))
            }
            _ => Err(ServiceError::NotFound("look-in")),
        }
    }

    /// Records when the picture stopped (the limit, the operator leaving, the camera dropping).
    /// Written by the server itself: the operator cannot shorten or lengthen the log.
    pub async fn end_look_in(&self, record: &LookInRecord, at: Timestamp) -> ServiceResult<()> {
        let at = vaka_store::values::to_db_precision(at);
        let mut tx = self.write().await?;
        tx.end_look_in(record.id, at).await?;
        let mut e = NewAuditEntry::new(
            at,
            vaka_domain::audit::Actor::system(vaka_domain::access::Credential::System),
            AuditAction::LookInEnded,
            AuditOutcome::Success,
        );
        e.client_id = Some(record.client_id);
        e.care_context = Some(SUPERVISION.into());
        e.subject_kind = Some("look_in".into());
        e.subject_id = Some(record.id.to_string());
        e.details = Some(
            serde_json::json!({
                "seconds": at.duration_since(record.started_at).as_secs(),
                "limit_seconds": record.limit_seconds,
            })
            .to_string(),
        );
        tx.append_audit(&e).await?;
        tx.commit().await?;
        Ok(())
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
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if let Some(n) = note {
            vaka_domain::validate::parse_name("note", n, 500)?;
        }
        if outcome == Outcome::Deviation && note.is_none() {
            return Err(ServiceError::invalid("note", "describe the deviation"));
        }
        self.audited(async {
            let now = vaka_store::values::to_db_precision(self.now());
            let mut tx = self.write().await?;
            let task = tx
                .get_task(task_id)
                .await?
                .ok_or(ServiceError::NotFound("supervision task"))?;
            let (client, grant) = self
                .client_in_scope(
                    ctx,
                    &mut *tx,
                    task.client_id,
                    Permission::Supervise,
                    AuditAction::OutcomeRecorded,
                )
                .await?;
            // Only the operator who looked records what was seen.
            let Some(look_in) = tx
                .list_task_look_ins(task.id)
                .await?
                .into_iter()
                .rev()
                .find(|l| l.operator == ctx.principal.user_id && l.outcome.is_none())
            else {
                return Err(ServiceError::Conflict(
                    "record an outcome after your own look-in".into(),
                ));
            };
            let effective = client_settings(&mut *tx, client.id).await?;
            let rules = task_rules(&task, &effective);
            let (state, effects) = apply(task.state, Event::Outcome(now, outcome), &rules)
                .map_err(|r| ServiceError::Conflict(r.reason().into()))?;
            if !tx.move_task(&task, state, now).await? {
                return Err(ServiceError::Conflict(
                    "the supervision changed meanwhile; try again".into(),
                ));
            }
            tx.set_look_in_outcome(look_in.id, outcome, note).await?;
            if look_in.ended_at.is_none() {
                tx.end_look_in(look_in.id, now).await?;
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
                tx.insert_dispatch(&d).await?;
                details["dispatch"] = serde_json::json!(d.id);
                details["cause"] = serde_json::json!(d.cause.code());
            }
            let entry = self
                .client_entry(
                    ctx,
                    AuditAction::OutcomeRecorded,
                    AuditOutcome::Success,
                    Some(&grant),
                    &client,
                )
                .subject("look_in", look_in.id)
                .details(details.to_string());
            tx.append_audit(&with_context(entry)).await?;
            tx.commit().await?;
            self.supervision_changed();
            Ok(state)
        })
        .await
    }
}

impl Services {
    /// Audits a read of a list of clients' supervision (the queue, the patrol's lists): one
    /// entry with the count, flagged when it showed a protected identity.
    pub(crate) async fn audit_list_read(
        &self,
        ctx: &Ctx<'_>,
        grant: &vaka_domain::access::Assignment,
        action: AuditAction,
        what: &str,
        count: usize,
        protected: bool,
    ) -> ServiceResult<()> {
        let mut entry = ctx
            .entry(
                self.now(),
                action,
                AuditOutcome::Success,
                Some(grant),
                SUPERVISION,
            )
            .details(serde_json::json!({ what: count }).to_string());
        entry.flags = AuditFlags {
            protected_identity: protected,
            ..AuditFlags::default()
        };
        self.audit_alone(entry).await
    }
}

/// An entry of the registry's helpers moved to the supervision context.
fn with_context(mut e: NewAuditEntry) -> NewAuditEntry {
    e.care_context = Some(SUPERVISION.into());
    e
}

/// Each client's active camera (the first, if a client has several).
pub(crate) async fn active_cameras(
    tx: &mut dyn ReadTx,
) -> ServiceResult<HashMap<ClientId, DeviceId>> {
    let mut map = HashMap::new();
    for d in tx
        .list_devices(&DeviceFilter {
            kind: Some(DeviceKind::Camera),
            status: Some(DeviceStatus::Active),
            limit: i64::MAX,
            ..DeviceFilter::default()
        })
        .await?
    {
        if let Some(c) = d.client_id {
            map.entry(c).or_insert(d.id);
        }
    }
    Ok(map)
}

//! The night patrol's work list: dispatches with their response clock, and the responder's
//! steps (acknowledge → on the way → arrived → closed). Closing a dispatch closes the task that
//! caused it.

use jiff::Timestamp;
use serde::Serialize;
use vaka_domain::access::Permission;
use vaka_domain::audit::AuditAction;
use vaka_domain::audit::Outcome as AuditOutcome;
use vaka_domain::client::{Address, Client, ResponderOnDispatch, responder_sees_address};
use vaka_domain::ids::{ClientId, DispatchId, TaskId, UnitId};
use vaka_domain::reason::SupervisionReason;
use vaka_domain::rounds::TaskKind;
use vaka_domain::supervision::{
    Dispatch, DispatchCause, DispatchStatus, DispatchStep, Event, Outcome, TaskState, apply,
};
use vaka_store::values::to_db_precision;

use super::console::tonight_tasks;
use super::scheduler::{client_settings, task_rules};
use super::{SUPERVISION, client_in_scope, given_note, move_task, record_list_read, task_in_scope};
use crate::door::Work;
use crate::error::Fault;
use crate::registry::succeeded_on;
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// One dispatch as the night patrol sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatrolItem {
    pub dispatch_id: DispatchId,
    pub client_id: ClientId,
    pub client_name: String,
    /// The address. For a client whose identity is protected, only while the dispatch is open
    /// and the caller's (waiting for a responder, or acknowledged by them); audited, flagged.
    pub address: Option<String>,
    pub unit_id: Option<UnitId>,
    pub cause: DispatchCause,
    /// What was seen (a deviation's note).
    pub note: Option<String>,
    pub phone_first: bool,
    pub status: DispatchStatus,
    pub created_at: Timestamp,
    pub deadline: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
    pub on_way_at: Option<Timestamp>,
    pub arrived_at: Option<Timestamp>,
}

/// Where a client's dispatches and visits are shown: the address, unless the client's identity
/// is protected.
fn shown_address(c: &Client) -> Option<String> {
    c.address
        .as_ref()
        .filter(|_| !c.protection.is_protected())
        .map(vaka_domain::client::Address::one_line)
}

/// Whether the caller responds for a client (need-to-know for the night patrol).
fn responds_for(ctx: &Ctx<'_>, c: &Client) -> bool {
    ctx.principal
        .client_grant_for(Permission::DispatchRespond, c.provider_id, c.unit_id)
        .is_some()
}

impl Services {
    /// Open dispatches to clients the caller responds for, oldest first. One audit entry.
    pub async fn patrol_dispatches(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<PatrolItem>> {
        let op = ctx.op(AuditAction::DispatchesListed, SUPERVISION);
        self.door
            .read(op, async |r| {
                let grant = r.any_grant(
                    Permission::DispatchRespond,
                    SupervisionReason::MayNotRespond,
                )?;
                let mut items = Vec::new();
                let mut protected = false;
                for d in r.list_open_dispatches().await? {
                    let Some(c) = r.get_client(d.client_id).await? else {
                        continue;
                    };
                    let Some(client_grant) = ctx
                        .principal
                        .client_grant_for(Permission::DispatchRespond, c.provider_id, c.unit_id)
                        .cloned()
                    else {
                        continue;
                    };
                    protected |= c.protection.is_protected();
                    // The responder sent to a protected client sees where to go while the
                    // dispatch is open and theirs (waiting, or acknowledged by them); each
                    // such read is an entry of its own about the client, flagged.
                    let on = match d.responder {
                        None => ResponderOnDispatch::Waiting,
                        Some(u) if u == ctx.principal.user_id => ResponderOnDispatch::Mine,
                        Some(_) => ResponderOnDispatch::NotMine,
                    };
                    let address = if responder_sees_address(c.protection, on) {
                        c.address.as_ref().map(Address::one_line)
                    } else {
                        None
                    };
                    if c.protection.is_protected() && address.is_some() {
                        let entry = r
                            .client_entry(AuditOutcome::Success, Some(&client_grant), &c)
                            .subject("dispatch", d.id)
                            .details(
                                serde_json::json!({ "disclosure": "address_on_dispatch" })
                                    .to_string(),
                            );
                        r.record(entry);
                    }
                    items.push(PatrolItem {
                        dispatch_id: d.id,
                        client_id: c.id,
                        address,
                        client_name: c.name,
                        unit_id: c.unit_id,
                        cause: d.cause,
                        note: d.note.clone(),
                        phone_first: d.phone_first,
                        status: d.status(),
                        created_at: d.created_at,
                        deadline: d.deadline(),
                        acknowledged_at: d.acknowledged_at,
                        on_way_at: d.on_way_at,
                        arrived_at: d.arrived_at,
                    });
                }
                record_list_read(r, &grant, "results", items.len(), protected);
                Ok(items)
            })
            .await
    }

    /// Takes one step on a dispatch; closing it (with a note) closes its task.
    pub async fn dispatch_step(
        &self,
        ctx: &Ctx<'_>,
        id: DispatchId,
        step: DispatchStep,
        note: Option<&str>,
    ) -> ServiceResult<Dispatch> {
        // Checked when given; the step keeps the note as typed.
        given_note(note)?;
        let op = ctx.op(AuditAction::DispatchStepTaken, SUPERVISION);
        let after = self
            .door
            .change(op, async |w| {
                let now = to_db_precision(w.now());
                let before = w
                    .get_dispatch(id)
                    .await?
                    .ok_or(Fault::not_found("dispatch"))?;
                let (client, grant) =
                    client_in_scope(w, before.client_id, Permission::DispatchRespond).await?;
                let after = before
                    .step(step, ctx.principal.user_id, now, note)
                    .map_err(|r| match r.reason() {
                        r @ SupervisionReason::NoteRequired => Fault::invalid("note", r),
                        r => Fault::conflict(r),
                    })?;
                if !w.update_dispatch(&before, &after).await? {
                    return Err(Fault::conflict(SupervisionReason::DispatchChangedMeanwhile));
                }
                if step == DispatchStep::Close
                    && let Some(task) = w.get_task(before.task_id).await?
                {
                    let effective = client_settings(&mut **w, client.id).await?;
                    if let Ok((state, _)) = apply(
                        task.state,
                        Event::DispatchClosed(now),
                        &task_rules(&task, effective),
                    ) && !w.move_task(&task, state, now).await?
                    {
                        return Err(Fault::conflict(SupervisionReason::ChangedMeanwhile));
                    }
                }
                let mut details =
                    serde_json::json!({ "step": step.code(), "status": after.status().code() });
                if let Some(rt) = after.response_time() {
                    details["response_seconds"] = serde_json::json!(rt.as_secs());
                }
                succeeded_on(w, &grant, &client, |e| {
                    e.subject("dispatch", id).details(details.to_string())
                });
                Ok(after)
            })
            .await?;
        self.supervision_changed();
        Ok(after)
    }
}

/// A planned visit of tonight (a client whose plan says physical visits, or both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitItem {
    pub task_id: TaskId,
    pub client_id: ClientId,
    pub client_name: String,
    pub address: Option<String>,
    pub unit_id: Option<UnitId>,
    pub due: Timestamp,
    pub opens: Timestamp,
    pub closes: Timestamp,
    pub state: &'static str,
}

impl Services {
    /// Tonight's visits due within three hours to clients the caller responds for, by time.
    /// One audit entry.
    pub async fn patrol_visits(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<VisitItem>> {
        let op = ctx.op(AuditAction::DispatchesListed, SUPERVISION);
        self.door
            .read(op, async |r| {
                let grant = r.any_grant(
                    Permission::DispatchRespond,
                    SupervisionReason::MayNotRespond,
                )?;
                let now = r.now();
                let tasks = tonight_tasks(&mut **r, now).await?;
                let mut items = Vec::new();
                let mut protected = false;
                for t in tasks.into_iter().filter(|t| {
                    t.kind == TaskKind::Visit
                        && matches!(
                            t.state,
                            TaskState::Planned
                                | TaskState::Open { .. }
                                | TaskState::LookedIn { .. }
                        )
                }) {
                    let Some(c) = r.get_client(t.client_id).await? else {
                        continue;
                    };
                    if !responds_for(ctx, &c) {
                        continue;
                    }
                    protected |= c.protection.is_protected();
                    items.push(VisitItem {
                        task_id: t.id,
                        client_id: c.id,
                        address: shown_address(&c),
                        client_name: c.name,
                        unit_id: c.unit_id,
                        due: t.due,
                        opens: t.opens,
                        closes: t.closes,
                        state: t.state.code(),
                    });
                }
                record_list_read(r, &grant, "visits", items.len(), protected);
                Ok(items)
            })
            .await
    }

    /// Records a planned visit: seen, OK ends it; a deviation (with a note) escalates it, which
    /// stores a dispatch for the unit to follow up. Inside the visit's window only.
    pub async fn record_visit(
        &self,
        ctx: &Ctx<'_>,
        task_id: TaskId,
        outcome: Outcome,
        note: Option<&str>,
    ) -> ServiceResult<TaskState> {
        let note = given_note(note)?;
        match (outcome, note) {
            (Outcome::NotVisible, _) => {
                return Err(ServiceError::invalid(
                    "outcome",
                    SupervisionReason::VisitOutcome,
                ));
            }
            (Outcome::Deviation, None) => {
                return Err(ServiceError::invalid(
                    "note",
                    SupervisionReason::DescribeDeviation,
                ));
            }
            _ => {}
        }
        let op = ctx.op(AuditAction::OutcomeRecorded, SUPERVISION);
        let state = self
            .door
            .change(op, async |w| {
                let now = to_db_precision(w.now());
                let (task, client, grant) =
                    task_in_scope(w, task_id, Permission::DispatchRespond).await?;
                if task.kind != TaskKind::Visit {
                    return Err(Fault::conflict(SupervisionReason::LookInNotVisit));
                }
                let effective = client_settings(&mut **w, client.id).await?;
                let rules = task_rules(&task, effective);
                // On site counts as the look-in.
                let (looked, _) = apply(task.state, Event::LookInStarted(now), &rules)
                    .map_err(Fault::conflict)?;
                let (state, effects) =
                    apply(looked, Event::Outcome(now, outcome), &rules).map_err(Fault::conflict)?;
                move_task(w, &task, state, now).await?;
                let mut details = serde_json::json!({
                    "task": task.id,
                    "kind": "visit",
                    "outcome": outcome.code(),
                    "state": state.code(),
                });
                if let Some(n) = note {
                    details["note_chars"] = serde_json::json!(n.chars().count());
                }
                if let Some(mut d) =
                    Dispatch::from_effects(&task, &effects, effective.response_target_minutes, now)
                {
                    d.note = note.map(str::to_owned);
                    // The patrol is already there: the dispatch is acknowledged and arrived at
                    // once, and stays open for what follows (a nurse, relatives) until closed.
                    let me = ctx.principal.user_id;
                    let on_site = d
                        .step(DispatchStep::Acknowledge, me, now, None)
                        .and_then(|a| a.step(DispatchStep::Arrived, me, now, None))
                        .map_err(Fault::conflict)?;
                    w.insert_dispatch(&d).await?;
                    if !w.update_dispatch(&d, &on_site).await? {
                        return Err(Fault::conflict(SupervisionReason::DispatchChangedMeanwhile));
                    }
                    details["dispatch"] = serde_json::json!(d.id);
                }
                succeeded_on(w, &grant, &client, |e| {
                    e.subject("supervision_task", task.id)
                        .details(details.to_string())
                });
                Ok(state)
            })
            .await?;
        self.supervision_changed();
        Ok(state)
    }
}

/// A missed supervision the unit's supervisor is told of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupervisorAlert {
    pub dispatch_id: DispatchId,
    pub client_id: ClientId,
    pub client_name: String,
    pub cause: DispatchCause,
    pub created_at: Timestamp,
    pub status: DispatchStatus,
}

impl Services {
    /// Missed supervisions of the last 24 hours at the caller's units (the unit manager's
    /// overview). Empty for roles that do not manage a unit's plans; audited when not empty.
    pub async fn supervisor_alerts(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<SupervisorAlert>> {
        let Some(grant) = ctx.principal.any_grant(Permission::PlanManage).cloned() else {
            return Ok(Vec::new());
        };
        let op = ctx.op(AuditAction::DispatchesListed, SUPERVISION);
        self.door
            .read(op, async |r| {
                let now = r.now();
                let mut alerts = Vec::new();
                for d in r
                    .list_dispatches_between(
                        now - jiff::SignedDuration::from_hours(24),
                        now + jiff::SignedDuration::from_secs(1),
                    )
                    .await?
                    .into_iter()
                    .filter(|d| d.alert_supervisor)
                {
                    let Some(c) = r.get_client_summary(d.client_id).await? else {
                        continue;
                    };
                    if ctx
                        .principal
                        .client_grant_for(Permission::PlanManage, c.provider_id, c.unit_id)
                        .is_none()
                    {
                        continue;
                    }
                    alerts.push(SupervisorAlert {
                        dispatch_id: d.id,
                        client_id: c.id,
                        client_name: c.name,
                        cause: d.cause,
                        created_at: d.created_at,
                        status: d.status(),
                    });
                }
                if !alerts.is_empty() {
                    r.succeeded(Some(&grant), |e| {
                        e.details(
                            serde_json::json!({ "supervisor_alerts": alerts.len() }).to_string(),
                        )
                    });
                }
                Ok(alerts)
            })
            .await
    }
}

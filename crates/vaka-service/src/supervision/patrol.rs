//! The night patrol's work list: dispatches with their response clock, and the responder's
//! steps (acknowledge → on the way → arrived → closed). Closing a dispatch closes the task that
//! caused it.

use jiff::Timestamp;
use serde::Serialize;
use vaka_domain::access::Permission;
use vaka_domain::audit::{AuditAction, Outcome as AuditOutcome};
use vaka_domain::ids::{ClientId, DispatchId, UnitId};
use vaka_domain::supervision::{
    Dispatch, DispatchCause, DispatchStatus, DispatchStep, Event, apply,
};

use super::console::SUPERVISION;
use super::scheduler::{client_settings, task_rules};
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// One dispatch as the night patrol sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatrolItem {
    pub dispatch_id: DispatchId,
    pub client_id: ClientId,
    pub client_name: String,
    /// The address, unless the client's identity is protected (then the client's page, for
    /// those in the named group).
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

impl Services {
    /// Open dispatches to clients the caller responds for, oldest first. One audit entry.
    pub async fn patrol_dispatches(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<PatrolItem>> {
        self.audited(async {
            let Some(grant) = ctx
                .principal
                .any_grant(Permission::DispatchRespond)
                .cloned()
            else {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::DispatchesListed,
                        None,
                        "your roles do not include responding to dispatches",
                    )
                    .await);
            };
            let mut tx = self.read().await?;
            let mut items = Vec::new();
            let mut protected = false;
            for d in tx.list_open_dispatches().await? {
                let Some(c) = tx.get_client(d.client_id).await? else {
                    continue;
                };
                if ctx
                    .principal
                    .client_grant_for(Permission::DispatchRespond, c.provider_id, c.unit_id)
                    .is_none()
                {
                    continue;
                }
                let hidden = c.protection.is_protected();
                protected |= hidden;
                items.push(PatrolItem {
                    dispatch_id: d.id,
                    client_id: c.id,
                    client_name: c.name.clone(),
                    address: c.address.as_ref().filter(|_| !hidden).map(|a| a.one_line()),
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
            drop(tx);
            self.audit_list_read(
                ctx,
                &grant,
                AuditAction::DispatchesListed,
                "results",
                items.len(),
                protected,
            )
            .await?;
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
        if let Some(n) = note.map(str::trim).filter(|n| !n.is_empty()) {
            vaka_domain::validate::parse_name("note", n, 500)?;
        }
        self.audited(async {
            let now = vaka_store::values::to_db_precision(self.now());
            let mut tx = self.write().await?;
            let before = tx
                .get_dispatch(id)
                .await?
                .ok_or(ServiceError::NotFound("dispatch"))?;
            let (client, grant) = self
                .client_in_scope(
                    ctx,
                    &mut *tx,
                    before.client_id,
                    Permission::DispatchRespond,
                    AuditAction::DispatchStepTaken,
                )
                .await?;
            let after = before
                .step(step, ctx.principal.user_id, now, note)
                .map_err(|r| {
                    if r == vaka_domain::supervision::Refused::NotNow(
                        vaka_domain::supervision::NOTE_REQUIRED,
                    ) {
                        ServiceError::invalid("note", r.reason())
                    } else {
                        ServiceError::Conflict(r.reason().into())
                    }
                })?;
            if !tx.update_dispatch(&before, &after).await? {
                return Err(ServiceError::Conflict(
                    "the dispatch changed meanwhile; reload and try again".into(),
                ));
            }
            if step == DispatchStep::Close
                && let Some(task) = tx.get_task(before.task_id).await?
            {
                let effective = client_settings(&mut *tx, client.id).await?;
                if let Ok((state, _)) = apply(
                    task.state,
                    Event::DispatchClosed(now),
                    &task_rules(&task, &effective),
                ) && !tx.move_task(&task, state, now).await?
                {
                    return Err(ServiceError::Conflict(
                        "the supervision changed meanwhile; try again".into(),
                    ));
                }
            }
            let mut details =
                serde_json::json!({ "step": step.code(), "status": after.status().code() });
            if let Some(rt) = after.response_time() {
                details["response_seconds"] = serde_json::json!(rt.as_secs());
            }
            let mut entry = self
                .client_entry(
                    ctx,
                    AuditAction::DispatchStepTaken,
                    AuditOutcome::Success,
                    Some(&grant),
                    &client,
                )
                .subject("dispatch", id)
                .details(details.to_string());
            entry.care_context = Some(SUPERVISION.into());
            tx.append_audit(&entry).await?;
            tx.commit().await?;
            self.supervision_changed();
            Ok(after)
        })
        .await
    }
}

/// A planned visit of tonight (a client whose plan says physical visits, or both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitItem {
    pub task_id: vaka_domain::ids::TaskId,
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
        self.audited(async {
            let now = self.now();
            let Some(grant) = ctx
                .principal
                .any_grant(Permission::DispatchRespond)
                .cloned()
            else {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::DispatchesListed,
                        None,
                        "your roles do not include responding to dispatches",
                    )
                    .await);
            };
            let night = vaka_domain::rounds::night_of(now, &crate::registry::stockholm());
            let mut tx = self.read().await?;
            let tasks = tx
                .list_console_tasks(
                    night.yesterday().unwrap_or(night),
                    night,
                    now + super::console::QUEUE_AHEAD,
                )
                .await?;
            let mut items = Vec::new();
            let mut protected = false;
            for t in tasks.into_iter().filter(|t| {
                t.kind == vaka_domain::rounds::TaskKind::Visit
                    && matches!(
                        t.state,
                        vaka_domain::supervision::TaskState::Planned
                            | vaka_domain::supervision::TaskState::Open { .. }
                            | vaka_domain::supervision::TaskState::LookedIn { .. }
                    )
            }) {
                let Some(c) = tx.get_client(t.client_id).await? else {
                    continue;
                };
                if ctx
                    .principal
                    .client_grant_for(Permission::DispatchRespond, c.provider_id, c.unit_id)
                    .is_none()
                {
                    continue;
                }
                let hidden = c.protection.is_protected();
                protected |= hidden;
                items.push(VisitItem {
                    task_id: t.id,
                    client_id: c.id,
                    client_name: c.name.clone(),
                    address: c.address.as_ref().filter(|_| !hidden).map(|a| a.one_line()),
                    unit_id: c.unit_id,
                    due: t.due,
                    opens: t.opens,
                    closes: t.closes,
                    state: t.state.code(),
                });
            }
            drop(tx);
            self.audit_list_read(
                ctx,
                &grant,
                AuditAction::DispatchesListed,
                "visits",
                items.len(),
                protected,
            )
            .await?;
            Ok(items)
        })
        .await
    }

    /// Records a planned visit: seen, OK ends it; a deviation (with a note) escalates it, which
    /// stores a dispatch for the unit to follow up. Inside the visit's window only.
    pub async fn record_visit(
        &self,
        ctx: &Ctx<'_>,
        task_id: vaka_domain::ids::TaskId,
        outcome: vaka_domain::supervision::Outcome,
        note: Option<&str>,
    ) -> ServiceResult<vaka_domain::supervision::TaskState> {
        use vaka_domain::supervision::Outcome;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if let Some(n) = note {
            vaka_domain::validate::parse_name("note", n, 500)?;
        }
        match (outcome, note) {
            (Outcome::NotVisible, _) => {
                return Err(ServiceError::invalid(
                    "outcome",
                    "a visit is seen_ok or deviation",
                ));
            }
            (Outcome::Deviation, None) => {
                return Err(ServiceError::invalid("note", "describe the deviation"));
            }
            _ => {}
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
                    Permission::DispatchRespond,
                    AuditAction::OutcomeRecorded,
                )
                .await?;
            if task.kind != vaka_domain::rounds::TaskKind::Visit {
                return Err(ServiceError::Conflict(
                    "this supervision is a look-in, not a visit".into(),
                ));
            }
            let effective = client_settings(&mut *tx, client.id).await?;
            let rules = task_rules(&task, &effective);
            // On site counts as the look-in.
            let (looked, _) = apply(task.state, Event::LookInStarted(now), &rules)
                .map_err(|r| ServiceError::Conflict(r.reason().into()))?;
            let (state, effects) = apply(looked, Event::Outcome(now, outcome), &rules)
                .map_err(|r| ServiceError::Conflict(r.reason().into()))?;
            if !tx.move_task(&task, state, now).await? {
                return Err(ServiceError::Conflict(
                    "the supervision changed meanwhile; try again".into(),
                ));
            }
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
                // The patrol is already there: the dispatch is acknowledged and arrived at once,
                // and stays open for what follows (a nurse, relatives) until closed.
                let on_site = d
                    .step(DispatchStep::Acknowledge, ctx.principal.user_id, now, None)
                    .and_then(|a| a.step(DispatchStep::Arrived, ctx.principal.user_id, now, None))
                    .map_err(|r| ServiceError::Conflict(r.reason().into()))?;
                tx.insert_dispatch(&d).await?;
                if !tx.update_dispatch(&d, &on_site).await? {
                    return Err(ServiceError::Conflict(
                        "the dispatch changed meanwhile; reload and try again".into(),
                    ));
                }
                details["dispatch"] = serde_json::json!(d.id);
            }
            let mut entry = self
                .client_entry(
                    ctx,
                    AuditAction::OutcomeRecorded,
                    AuditOutcome::Success,
                    Some(&grant),
                    &client,
                )
                .subject("supervision_task", task.id)
                .details(details.to_string());
            entry.care_context = Some(SUPERVISION.into());
            tx.append_audit(&entry).await?;
            tx.commit().await?;
            self.supervision_changed();
            Ok(state)
        })
        .await
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
        let now = self.now();
        let mut tx = self.read().await?;
        let mut alerts = Vec::new();
        for d in tx
            .list_dispatches_between(
                now - jiff::SignedDuration::from_hours(24),
                now + jiff::SignedDuration::from_secs(1),
            )
            .await?
            .into_iter()
            .filter(|d| d.alert_supervisor)
        {
            let Some(c) = tx.get_client_summary(d.client_id).await? else {
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
        drop(tx);
        if !alerts.is_empty() {
            let entry = ctx
                .entry(
                    now,
                    AuditAction::DispatchesListed,
                    AuditOutcome::Success,
                    Some(&grant),
                    SUPERVISION,
                )
                .details(serde_json::json!({ "supervisor_alerts": alerts.len() }).to_string());
            self.audit_alone(entry).await?;
        }
        Ok(alerts)
    }
}

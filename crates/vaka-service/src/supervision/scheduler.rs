//! Moving the night's tasks with the clock: windows open and close, re-checks fall due, a camera
//! that cannot be reached before its window turns the look-in into a visit, and a window that
//! closes unseen is missed. Every dispatch this causes is stored for the night patrol and audited.

use std::collections::HashMap;

use jiff::SignedDuration;
use serde::Serialize;
use vaka_domain::audit::AuditAction;
use vaka_domain::ids::{ClientId, DeviceId};
use vaka_domain::plan::SupervisionDefaults;
use vaka_domain::rounds::TaskKind;
use vaka_domain::supervision::{Dispatch, Event, SupervisionTask, TaskRules, TaskState, apply};
use vaka_store::values::to_db_precision;
use vaka_store::{ReadTx, StoreResult, WriteTx};

use super::SUPERVISION;
use super::console::client_cameras;
use crate::door::{Op, Work};
use crate::{ServiceResult, Services};

/// How long before a window the camera must answer (CAM-24).
pub const PRECHECK: SignedDuration = SignedDuration::from_mins(10);
/// How long a re-check stays open.
pub const RECHECK_WINDOW: SignedDuration = SignedDuration::from_mins(30);

/// What one pass of the scheduler did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Advanced {
    /// Tasks that changed state.
    pub moved: u64,
    pub dispatches: u64,
    /// Tasks someone else moved between reading and writing (left for the next pass).
    pub raced: u64,
}

/// A client's supervision settings: the plan's own where set, else the municipality's.
pub(crate) async fn client_settings(
    tx: &mut dyn ReadTx,
    client: ClientId,
) -> StoreResult<SupervisionDefaults> {
    let defaults = SupervisionDefaults::default();
    Ok(tx
        .get_plan(client)
        .await?
        .map_or(defaults, |p| p.effective(defaults)))
}

/// The rules a task follows under a client's settings.
pub(crate) fn task_rules(t: &SupervisionTask, effective: SupervisionDefaults) -> TaskRules {
    TaskRules {
        opens: t.opens,
        closes: t.closes,
        recheck_delay: SignedDuration::from_mins(i64::from(effective.recheck_delay_minutes)),
        recheck_window: RECHECK_WINDOW,
        escalation: effective.escalation,
    }
}

impl Services {
    /// One pass over the tasks the clock can move. `online` says whether a camera is connected
    /// now (the gateway's knowledge). Visits move with the clock too: one not made by the end of
    /// its window is missed.
    pub async fn advance_tasks(
        &self,
        online: &(dyn Fn(DeviceId) -> bool + Send + Sync),
    ) -> ServiceResult<Advanced> {
        let defaults = SupervisionDefaults::default();
        let op = Op::system(AuditAction::Dispatched, SUPERVISION);
        let report = self
            .door
            .change(op, async |w| {
                let now = to_db_precision(w.now());
                // A week back is far more than any window or re-check lasts; it only matters
                // after the server was down for days.
                let since = vaka_domain::rounds::night_of(now, &crate::registry::stockholm())
                    .checked_sub(jiff::Span::new().days(7))
                    .unwrap_or(jiff::civil::Date::MIN);
                let tasks = w.list_moving_tasks(since, now + PRECHECK).await?;
                let mut report = Advanced::default();
                if tasks.is_empty() {
                    return Ok(report);
                }
                let mut cameras: HashMap<ClientId, Vec<DeviceId>> = HashMap::new();
                for (client, camera) in client_cameras(w.reads()).await? {
                    cameras.entry(client).or_default().push(camera);
                }
                let mut plans = HashMap::new();
                for t in &tasks {
                    if let std::collections::hash_map::Entry::Vacant(e) = plans.entry(t.client_id) {
                        e.insert(w.get_plan(t.client_id).await?);
                    }
                    let effective = plans
                        .get(&t.client_id)
                        .and_then(Option::as_ref)
                        .map_or(defaults, |p| p.effective(defaults));
                    let rules = task_rules(t, effective);
                    let mut state = t.state;
                    let mut effects = Vec::new();
                    let reachable = cameras
                        .get(&t.client_id)
                        .is_some_and(|ds| ds.iter().any(|d| online(*d)));
                    // Only a look-in needs the camera; a visit is the night patrol's.
                    if t.kind == TaskKind::LookIn
                        && matches!(state, TaskState::Planned | TaskState::Open { .. })
                        && now + PRECHECK >= t.opens
                        && !reachable
                        && let Ok((s, fx)) = apply(state, Event::CameraUnreachable(now), &rules)
                    {
                        state = s;
                        effects.extend(fx);
                    }
                    if let Ok((s, fx)) = apply(state, Event::Tick(now), &rules) {
                        state = s;
                        effects.extend(fx);
                    }
                    if state == t.state {
                        continue;
                    }
                    if !w.move_task(t, state, now).await? {
                        report.raced += 1;
                        continue;
                    }
                    report.moved += 1;
                    if let Some(d) =
                        Dispatch::from_effects(t, &effects, effective.response_target_minutes, now)
                    {
                        w.insert_dispatch(&d).await?;
                        w.succeeded(None, |e| {
                            e.client(d.client_id).subject("dispatch", d.id).details(
                                serde_json::json!({"cause": d.cause.code(), "task": t.id, "phone_first": d.phone_first})
                                    .to_string(),
                            )
                        });
                        report.dispatches += 1;
                    }
                }
                Ok(report)
            })
            .await?;
        if report.moved > 0 {
            self.supervision_changed();
        }
        Ok(report)
    }

    /// Dispatches not yet closed (for the night patrol's view and the tests).
    pub async fn open_dispatches(&self) -> ServiceResult<Vec<Dispatch>> {
        let op = Op::system(AuditAction::DispatchesListed, SUPERVISION);
        self.door
            .read(op, async |r| Ok(r.list_open_dispatches().await?))
            .await
    }
}

impl Services {
    /// Ends a client's unfinished tasks of nights `first..=last` for which `applies` holds,
    /// with `event` (a pause, or a consent or decision that ended), in the caller's
    /// transaction. Tasks whose staff are already sent stay as they are. Returns how many moved.
    pub(crate) async fn settle_client_tasks(
        &self,
        tx: &mut dyn WriteTx,
        client: ClientId,
        first: jiff::civil::Date,
        last: jiff::civil::Date,
        event: fn(jiff::Timestamp) -> Event,
        applies: &(dyn Fn(jiff::civil::Date) -> bool + Send + Sync),
    ) -> ServiceResult<u64> {
        let now = vaka_store::values::to_db_precision(self.now());
        let effective = client_settings(tx, client).await?;
        let mut moved = 0;
        for t in tx.list_client_tasks(client, first, last).await? {
            if t.state.is_final() || !applies(t.night) {
                continue;
            }
            if let Ok((state, _)) = apply(t.state, event(now), &task_rules(&t, effective))
                && state != t.state
                && tx.move_task(&t, state, now).await?
            {
                moved += 1;
            }
        }
        Ok(moved)
    }
}

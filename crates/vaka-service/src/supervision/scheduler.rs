//! Moving the night's tasks with the clock: windows open and close, re-checks fall due, a camera
//! that cannot be reached before its window turns the look-in into a visit, and a window that
//! closes unseen is missed. Every dispatch this causes is stored for the night patrol and audited.

use std::collections::HashMap;

use jiff::SignedDuration;
use serde::Serialize;
use vaka_domain::access::Credential;
use vaka_domain::audit::{Actor, AuditAction, NewAuditEntry, Outcome};
use vaka_domain::device::{DeviceKind, DeviceStatus};
use vaka_domain::ids::{ClientId, DeviceId};
use vaka_domain::plan::SupervisionDefaults;
use vaka_domain::rounds::TaskKind;
use vaka_domain::supervision::{Dispatch, Event, SupervisionTask, TaskRules, TaskState, apply};
use vaka_store::DeviceFilter;

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
    tx: &mut dyn vaka_store::ReadTx,
    client: ClientId,
) -> ServiceResult<SupervisionDefaults> {
    let defaults = SupervisionDefaults::default();
    Ok(tx
        .get_plan(client)
        .await?
        .map_or(defaults, |p| p.effective(defaults)))
}

/// The rules a task follows under a client's settings.
pub(crate) fn task_rules(t: &SupervisionTask, effective: &SupervisionDefaults) -> TaskRules {
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
        let now = vaka_store::values::to_db_precision(self.now());
        let defaults = SupervisionDefaults::default();
        let mut tx = self.write().await?;
        // A week back is far more than any window or re-check lasts; it only matters after the
        // server was down for days.
        let since = vaka_domain::rounds::night_of(now, &crate::registry::stockholm())
            .checked_sub(jiff::Span::new().days(7))
            .unwrap_or(jiff::civil::Date::MIN);
        let tasks = tx.list_moving_tasks(since, now + PRECHECK).await?;
        let mut report = Advanced::default();
        if tasks.is_empty() {
            return Ok(report);
        }
        let mut cameras: HashMap<ClientId, Vec<DeviceId>> = HashMap::new();
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
                cameras.entry(c).or_default().push(d.id);
            }
        }
        let mut plans = HashMap::new();
        for t in &tasks {
            if let std::collections::hash_map::Entry::Vacant(e) = plans.entry(t.client_id) {
                e.insert(tx.get_plan(t.client_id).await?);
            }
            let effective = plans
                .get(&t.client_id)
                .and_then(Option::as_ref)
                .map_or(defaults, |p| p.effective(defaults));
            let rules = task_rules(t, &effective);
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
            if !tx.move_task(t, state, now).await? {
                report.raced += 1;
                continue;
            }
            report.moved += 1;
            if let Some(d) =
                Dispatch::from_effects(t, &effects, effective.response_target_minutes, now)
            {
                tx.insert_dispatch(&d).await?;
                let mut e = NewAuditEntry::new(
                    now,
                    Actor::system(Credential::System),
                    AuditAction::Dispatched,
                    Outcome::Success,
                );
                e.client_id = Some(d.client_id);
                e.care_context = Some("night_supervision".into());
                e.subject_kind = Some("dispatch".into());
                e.subject_id = Some(d.id.to_string());
                e.details = Some(
                    serde_json::json!({"cause": d.cause.code(), "task": t.id, "phone_first": d.phone_first})
                        .to_string(),
                );
                tx.append_audit(&e).await?;
                report.dispatches += 1;
            }
        }
        tx.commit().await?;
        if report.moved > 0 {
            self.supervision_changed();
        }
        Ok(report)
    }

    /// Dispatches not yet closed (for the night patrol's view and the tests).
    pub async fn open_dispatches(&self) -> ServiceResult<Vec<Dispatch>> {
        let mut tx = self.read().await?;
        Ok(tx.list_open_dispatches().await?)
    }
}

impl Services {
    /// Ends a client's unfinished tasks of nights `first..=last` for which `applies` holds,
    /// with `event` (a pause, or a consent or decision that ended), in the caller's
    /// transaction. Tasks whose staff are already sent stay as they are. Returns how many moved.
    pub(crate) async fn settle_client_tasks(
        &self,
        tx: &mut dyn vaka_store::WriteTx,
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
            if let Ok((state, _)) = apply(t.state, event(now), &task_rules(&t, &effective))
                && state != t.state
                && tx.move_task(&t, state, now).await?
            {
                moved += 1;
            }
        }
        Ok(moved)
    }
}

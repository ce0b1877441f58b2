//! A unit's home care as its manager sees it: the visits of a day or week with their flags,
//! one visit with its corrections, corrections (a reason code and a text, the original kept),
//! the worker's confirmation of a week, the manager's approval, and the municipality's lock
//! date per provider.

use std::collections::HashMap;

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::Deserialize;
use vaka_domain::access::{Assignment, Permission, Target};
use vaka_domain::audit::{AuditAction, AuditFlags, Outcome};
use vaka_domain::client::Client;
use vaka_domain::directory::{Organisation, OrganisationKind, Unit};
use vaka_domain::homecare::plan::{PlannedVisit, plan_day};
use vaka_domain::homecare::visit::{
    Correction, CorrectionField, CorrectionReason, Evidence, ManualReason, Stamp, Visit,
    check_correction_text, check_end, check_note, check_unlocked, is_week_start, week_start,
};
use vaka_domain::homecare::{CareTask, tasks_to_text};
use vaka_domain::ids::{ClientId, CorrectionId, OrganisationId, UnitId, UserId, VisitId};
use vaka_domain::reason::HomecareReason;
use vaka_store::homecare::{LockDate, WeekApproval};
use vaka_store::values::to_db_precision;
use vaka_store::{DbDate, DbInstant};

use super::{HOMECARE, locked_through};
use crate::door::Work;
use crate::error::{Fault, WorkResult};
use crate::registry::{stockholm, succeeded_on};
use crate::{Ctx, ServiceResult, Services};

/// A visit with the names a manager reads it by.
#[derive(Debug, Clone)]
pub struct VisitLine {
    pub visit: Visit,
    pub client_name: String,
    pub worker_name: String,
}

/// A unit's visits over some days.
#[derive(Debug, Clone)]
pub struct UnitVisits {
    pub unit: Unit,
    pub from: Date,
    pub to: Date,
    pub visits: Vec<VisitLine>,
    /// Planned visits with nothing registered (up to today).
    pub missing: Vec<(PlannedVisit, String)>,
    /// The week's approval, when `from`..`to` is a week.
    pub approval: Option<WeekApproval>,
    /// When `from` is a Monday: the workers with visits that week, each with their
    /// confirmation of it (the approval waits for them all).
    pub workers: Vec<WeekWorker>,
    pub locked_through: Option<Date>,
}

/// A worker with visits in a unit's week, and when they confirmed the week.
#[derive(Debug, Clone)]
pub struct WeekWorker {
    pub user: UserId,
    pub name: String,
    pub confirmed_at: Option<Timestamp>,
}

/// A worker's own visits of a week, as the staff app shows them.
#[derive(Debug, Clone)]
pub struct WorkerWeek {
    /// The week's Monday.
    pub week: Date,
    pub visits: Vec<VisitLine>,
    pub confirmed_at: Option<Timestamp>,
    /// Every unit the worker made visits for has approved the week (false without visits).
    pub approved: bool,
}

/// One visit with its history.
#[derive(Debug, Clone)]
pub struct VisitDetail {
    pub line: VisitLine,
    pub corrections: Vec<Correction>,
    pub approval: Option<WeekApproval>,
    pub locked_through: Option<Date>,
    /// Whether the caller may correct it.
    pub may_correct: bool,
    /// The client's door during the visit (unlocks for it, refusals), oldest first.
    pub door_events: Vec<DoorEvent>,
}

/// A lock event of a visit: "door unlocked 08:02 by Johan".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoorEvent {
    /// The event's code (`unlocked`, `refused`, …).
    pub kind: &'static str,
    pub at: Timestamp,
    pub user_name: Option<String>,
    /// The lock's reason for a refusal, as it reported it.
    pub detail: Option<String>,
}

/// A correction as a manager (or the visit's worker) writes it: the new values of what
/// changes, a reason code and a text.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub started_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub ended_at: Option<Timestamp>,
    pub tasks: Option<Vec<CareTask>>,
    pub note: Option<String>,
    /// Required: why.
    pub reason: Option<CorrectionReason>,
    /// Required: what happened, in words.
    #[serde(default)]
    pub text: String,
}

/// A provider and its lock date.
#[derive(Debug, Clone)]
pub struct ProviderLock {
    pub organisation: Organisation,
    pub lock: Option<LockDate>,
}

/// The unit, and the caller's right to manage its visits.
async fn managed_unit<'a>(w: &mut impl Work<'a>, unit: UnitId) -> WorkResult<(Unit, Assignment)> {
    let u = w
        .reads()
        .get_unit(unit)
        .await?
        .ok_or(Fault::not_found("unit"))?;
    let grant = w
        .ctx()
        .and_then(|ctx| {
            ctx.principal
                .grant_for(
                    Permission::VisitManage,
                    Target {
                        organisation: u.organisation_id,
                        units: &[u.id],
                    },
                )
                .cloned()
        })
        .ok_or_else(|| {
            w.denied(
                HomecareReason::MayNotManageVisits,
                Some(("unit", u.id.to_string())),
            )
        })?;
    Ok((u, grant))
}

async fn names<'a>(
    w: &mut impl Work<'a>,
    users: &mut HashMap<UserId, String>,
    id: UserId,
) -> WorkResult<String> {
    if let Some(n) = users.get(&id) {
        return Ok(n.clone());
    }
    let n = w
        .reads()
        .get_user(id)
        .await?
        .map_or_else(|| id.to_string(), |u| u.display_name);
    users.insert(id, n.clone());
    Ok(n)
}

/// The visit's client and the caller's right over it: the unit's manager, or the visit's own
/// worker.
async fn visit_in_scope<'a>(
    w: &mut impl Work<'a>,
    v: &Visit,
) -> WorkResult<(Client, Assignment, bool)> {
    let client = w
        .reads()
        .get_client(v.client_id)
        .await?
        .ok_or(Fault::not_found("client"))?;
    let (manager, worker) = match w.ctx() {
        Some(ctx) => (
            ctx.principal
                .grant_for(
                    Permission::VisitManage,
                    Target {
                        organisation: client
                            .provider_id
                            .unwrap_or(OrganisationId(uuid::Uuid::nil())),
                        units: &[v.unit_id],
                    },
                )
                .cloned(),
            (ctx.principal.user_id == v.worker)
                .then(|| {
                    ctx.principal
                        .client_grant_for(
                            Permission::VisitRegister,
                            client.provider_id,
                            client.unit_id,
                        )
                        .cloned()
                })
                .flatten(),
        ),
        None => (None, None),
    };
    match (manager, worker) {
        (Some(g), _) => Ok((client, g, true)),
        (None, Some(g)) => Ok((client, g, true)),
        (None, None) => Err(Fault::denied(
            w.client_entry(Outcome::Denied, None, &client)
                .subject("visit", v.id),
            HomecareReason::MayNotManageVisits,
        )),
    }
}

impl Services {
    /// A unit's visits dated `from..=to` (at most 31 days), with the planned visits nothing
    /// was registered for, for its manager. Each client shown is audited.
    pub async fn unit_visits(
        &self,
        ctx: &Ctx<'_>,
        unit: UnitId,
        from: Date,
        to: Date,
    ) -> ServiceResult<UnitVisits> {
        let op = ctx.op(AuditAction::VisitsRead, HOMECARE);
        self.door
            .read(op, async |r| {
                let (u, grant) = managed_unit(r, unit).await?;
                let to = to
                    .max(from)
                    .min(from.checked_add(30.days()).unwrap_or(from));
                let today = crate::registry::day_of(r.now());
                let visits = r.list_visits_for_unit(unit, from, to).await?;
                let mut users = HashMap::new();
                let mut clients: HashMap<ClientId, Client> = HashMap::new();
                let mut lines = Vec::new();
                for v in visits {
                    if !clients.contains_key(&v.client_id)
                        && let Some(c) = r.get_client(v.client_id).await?
                    {
                        clients.insert(c.id, c);
                    }
                    let client_name = clients
                        .get(&v.client_id)
                        .map_or_else(String::new, |c| c.name.clone());
                    let worker_name = names(r, &mut users, v.worker).await?;
                    lines.push(VisitLine {
                        visit: v,
                        client_name,
                        worker_name,
                    });
                }
                let tz = stockholm();
                let mut missing = Vec::new();
                let mut day = from;
                while day <= to.min(today) {
                    let plans = r.list_visit_plans_for_unit(unit, day).await?;
                    for pv in plan_day(&plans, day, &tz) {
                        if lines
                            .iter()
                            .any(|l| l.visit.plan_id == Some(pv.plan_id) && l.visit.date == day)
                        {
                            continue;
                        }
                        if !clients.contains_key(&pv.client_id)
                            && let Some(c) = r.get_client(pv.client_id).await?
                        {
                            clients.insert(c.id, c);
                        }
                        let name = clients
                            .get(&pv.client_id)
                            .map_or_else(String::new, |c| c.name.clone());
                        missing.push((pv, name));
                    }
                    let Ok(next) = day.tomorrow() else { break };
                    day = next;
                }
                let (approval, workers) = if is_week_start(from) {
                    let week_visits = if to == week_end(from) {
                        lines.iter().map(|l| l.visit.clone()).collect()
                    } else {
                        r.list_visits_for_unit(unit, from, week_end(from)).await?
                    };
                    (
                        r.get_week_approval(unit, from).await?,
                        week_workers(r, &week_visits, from).await?,
                    )
                } else {
                    (None, Vec::new())
                };
                let locked = locked_through(r.reads(), Some(u.organisation_id)).await?;
                for c in clients.values() {
                    succeeded_on(r, &grant, c, |e| {
                        e.subject("unit", unit).details(
                            serde_json::json!({ "from": from.to_string(), "to": to.to_string() })
                                .to_string(),
                        )
                    });
                }
                if clients.is_empty() {
                    r.succeeded(Some(&grant), |e| e.subject("unit", unit));
                }
                Ok(UnitVisits {
                    unit: u,
                    from,
                    to,
                    visits: lines,
                    missing,
                    approval,
                    workers,
                    locked_through: locked,
                })
            })
            .await
    }

    /// One visit with its corrections (the unit's manager, or the visit's worker). Audited.
    pub async fn visit_detail(&self, ctx: &Ctx<'_>, id: VisitId) -> ServiceResult<VisitDetail> {
        let op = ctx.op(AuditAction::VisitsRead, HOMECARE);
        self.door
            .read(op, async |r| {
                let v = r.get_visit(id).await?.ok_or(Fault::not_found("visit"))?;
                let (client, grant, may_correct) = visit_in_scope(r, &v).await?;
                let corrections = r.list_corrections(id).await?;
                let approval = r.get_week_approval(v.unit_id, week_start(v.date)).await?;
                let locked = locked_through(r.reads(), client.provider_id).await?;
                let mut users = HashMap::new();
                let worker_name = names(r, &mut users, v.worker).await?;
                let mut door_events = Vec::new();
                for e in r.list_visit_lock_events(client.id, id).await? {
                    let user_name = match e.user_id {
                        Some(u) => Some(names(r, &mut users, u).await?),
                        None => None,
                    };
                    door_events.push(DoorEvent {
                        kind: e.kind.code(),
                        at: e.at,
                        user_name,
                        detail: e.detail,
                    });
                }
                succeeded_on(r, &grant, &client, |e| e.subject("visit", id));
                Ok(VisitDetail {
                    line: VisitLine {
                        visit: v,
                        client_name: client.name.clone(),
                        worker_name,
                    },
                    corrections,
                    approval,
                    may_correct,
                    locked_through: locked,
                    door_events,
                })
            })
            .await
    }

    /// Corrects a registered visit: each changed field becomes a correction row with its old
    /// and new value, the reason code and the text; the visit is marked corrected. Refused
    /// without a reason or a text, when nothing changes, when the end would not come after the
    /// start, and on or before the provider's lock date.
    pub async fn correct_visit(
        &self,
        ctx: &Ctx<'_>,
        id: VisitId,
        input: CorrectionInput,
    ) -> ServiceResult<Visit> {
        let op = ctx.op(AuditAction::VisitCorrected, HOMECARE);
        self.door
            .change(op, async |w| {
                let mut v = w.get_visit(id).await?.ok_or(Fault::not_found("visit"))?;
                let (client, grant, _) = visit_in_scope(w, &v).await?;
                let reason = input.reason.ok_or_else(|| {
                    Fault::invalid("reason", HomecareReason::CorrectionReasonRequired)
                })?;
                let text = check_correction_text(&input.text)?;
                check_unlocked(v.date, locked_through(w.reads(), client.provider_id).await?)?;
                let now = to_db_precision(w.now());
                let mut changes: Vec<(CorrectionField, Option<String>, Option<String>)> =
                    Vec::new();
                if let Some(at) = input.started_at.map(to_db_precision)
                    && at != v.start.at
                {
                    changes.push((
                        CorrectionField::StartedAt,
                        Some(v.start.at.to_string()),
                        Some(at.to_string()),
                    ));
                    v.start.at = at;
                }
                if let Some(at) = input.ended_at.map(to_db_precision)
                    && Some(at) != v.ended_at()
                {
                    changes.push((
                        CorrectionField::EndedAt,
                        v.ended_at().map(|t| t.to_string()),
                        Some(at.to_string()),
                    ));
                    match v.end.as_mut() {
                        Some(e) => e.at = at,
                        // An end nobody registered: the correction is its only evidence.
                        None => {
                            v.end = Some(Stamp {
                                at,
                                device_time: now,
                                received_at: now,
                                evidence: Evidence::Manual(ManualReason::Forgot),
                                late_sync: false,
                                clock_skew: false,
                            });
                        }
                    }
                }
                if let Some(end) = v.ended_at() {
                    check_end(v.start.at, end)?;
                }
                if let Some(tasks) = &input.tasks {
                    let mut new = tasks.clone();
                    new.sort();
                    new.dedup();
                    let mut old = v.tasks_done.clone();
                    old.sort();
                    if new != old {
                        changes.push((
                            CorrectionField::Tasks,
                            Some(tasks_to_text(&v.tasks_done)),
                            Some(tasks_to_text(&new)),
                        ));
                        v.tasks_done = new;
                    }
                }
                if input.note.is_some() {
                    let note = check_note(input.note.as_deref())?;
                    if note != v.note {
                        changes.push((CorrectionField::Note, v.note.clone(), note.clone()));
                        v.note = note;
                    }
                }
                if changes.is_empty() {
                    return Err(Fault::invalid("reason", HomecareReason::NothingToCorrect));
                }
                v.corrected = true;
                w.update_visit(&v).await?;
                for (field, old_value, new_value) in &changes {
                    w.insert_correction(&Correction {
                        id: CorrectionId::new(),
                        visit_id: id,
                        field: *field,
                        old_value: old_value.clone(),
                        new_value: new_value.clone(),
                        reason,
                        text: text.clone(),
                        by: ctx.principal.user_id,
                        at: now,
                    })
                    .await?;
                }
                succeeded_on(w, &grant, &client, |e| {
                    e.subject("visit", id).details(
                        serde_json::json!({
                            "reason": reason.code(),
                            "fields": changes.iter().map(|c| c.0.code()).collect::<Vec<_>>(),
                        })
                        .to_string(),
                    )
                });
                Ok(v)
            })
            .await
    }

    /// The caller confirms their visits of the week starting `week` (a Monday).
    pub async fn confirm_week(&self, ctx: &Ctx<'_>, week: Date) -> ServiceResult<Timestamp> {
        let op = ctx.op(AuditAction::WeekConfirmed, HOMECARE);
        self.door
            .change(op, async |w| {
                let grant = w.any_grant(
                    Permission::VisitRegister,
                    HomecareReason::MayNotRegisterVisits,
                )?;
                if !is_week_start(week) {
                    return Err(Fault::invalid("week", HomecareReason::WeekStartsMonday));
                }
                let now = to_db_precision(w.now());
                w.confirm_week(ctx.principal.user_id, DbDate(week), DbInstant::new(now))
                    .await?;
                w.succeeded(Some(&grant), |e| {
                    e.details(serde_json::json!({ "week": week.to_string() }).to_string())
                });
                Ok(now)
            })
            .await
    }

    /// The unit manager approves the unit's visits of the week starting `week` (a Monday).
    pub async fn approve_week(
        &self,
        ctx: &Ctx<'_>,
        unit: UnitId,
        week: Date,
    ) -> ServiceResult<WeekApproval> {
        let op = ctx.op(AuditAction::WeekApproved, HOMECARE);
        self.door
            .change(op, async |w| {
                let (u, grant) = managed_unit(w, unit).await?;
                if !is_week_start(week) {
                    return Err(Fault::invalid("week", HomecareReason::WeekStartsMonday));
                }
                if w.get_week_approval(unit, week).await?.is_some() {
                    return Err(Fault::conflict(HomecareReason::WeekAlreadyApproved));
                }
                // The workers confirm their week first; the manager's approval rests on it.
                let visits = w.list_visits_for_unit(unit, week, week_end(week)).await?;
                let waiting: Vec<String> = week_workers(w, &visits, week)
                    .await?
                    .into_iter()
                    .filter(|x| x.confirmed_at.is_none())
                    .map(|x| x.name)
                    .collect();
                if !waiting.is_empty() {
                    return Err(Fault::conflict(HomecareReason::WeekNotConfirmed {
                        workers: waiting.join(", "),
                    }));
                }
                let a = WeekApproval {
                    unit_id: u.id,
                    week_start: week,
                    approved_by: ctx.principal.user_id,
                    approved_at: to_db_precision(w.now()),
                };
                w.insert_week_approval(&a).await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("unit", unit)
                        .details(serde_json::json!({ "week": week.to_string() }).to_string())
                });
                Ok(a)
            })
            .await
    }

    /// Whether the caller confirmed the week starting `week`.
    pub async fn week_confirmation(
        &self,
        ctx: &Ctx<'_>,
        week: Date,
    ) -> ServiceResult<Option<Timestamp>> {
        let op = ctx.op(AuditAction::VisitsRead, HOMECARE);
        self.door
            .read(op, async |r| {
                r.any_grant(
                    Permission::VisitRegister,
                    HomecareReason::MayNotRegisterVisits,
                )?;
                Ok(r.get_week_confirmation(ctx.principal.user_id, week).await?)
            })
            .await
    }

    /// The caller's own visits of the week starting `week` (a Monday), with their confirmation
    /// of it and whether it is approved. Each client shown is audited.
    pub async fn my_week(&self, ctx: &Ctx<'_>, week: Date) -> ServiceResult<WorkerWeek> {
        let op = ctx.op(AuditAction::VisitsRead, HOMECARE);
        self.door
            .read(op, async |r| {
                let grant = r.any_grant(
                    Permission::VisitRegister,
                    HomecareReason::MayNotRegisterVisits,
                )?;
                if !is_week_start(week) {
                    return Err(Fault::invalid("week", HomecareReason::WeekStartsMonday));
                }
                let me = ctx.principal.user_id;
                let visits = r.list_visits_for_worker(me, week, week_end(week)).await?;
                let mut clients: HashMap<ClientId, Client> = HashMap::new();
                let mut units: Vec<UnitId> = Vec::new();
                let mut lines = Vec::new();
                let mut users = HashMap::new();
                let worker_name = names(r, &mut users, me).await?;
                for v in visits {
                    if !clients.contains_key(&v.client_id)
                        && let Some(c) = r.get_client(v.client_id).await?
                    {
                        clients.insert(c.id, c);
                    }
                    if !units.contains(&v.unit_id) {
                        units.push(v.unit_id);
                    }
                    lines.push(VisitLine {
                        client_name: clients
                            .get(&v.client_id)
                            .map_or_else(String::new, |c| c.name.clone()),
                        worker_name: worker_name.clone(),
                        visit: v,
                    });
                }
                let mut approved = !units.is_empty();
                for u in &units {
                    approved &= r.get_week_approval(*u, week).await?.is_some();
                }
                let confirmed_at = r.get_week_confirmation(me, week).await?;
                for c in clients.values() {
                    succeeded_on(r, &grant, c, |e| {
                        e.details(serde_json::json!({ "week": week.to_string() }).to_string())
                    });
                }
                if clients.is_empty() {
                    r.succeeded(Some(&grant), |e| {
                        e.details(serde_json::json!({ "week": week.to_string() }).to_string())
                    });
                }
                Ok(WorkerWeek {
                    week,
                    visits: lines,
                    confirmed_at,
                    approved,
                })
            })
            .await
    }

    /// Sets a provider's lock date (the municipality). Moving it back reopens the days after
    /// the new date; the entry says so.
    pub async fn set_lock_date(
        &self,
        ctx: &Ctx<'_>,
        org: OrganisationId,
        through: Date,
    ) -> ServiceResult<LockDate> {
        let op = ctx.op(AuditAction::LockDateSet, HOMECARE);
        self.door
            .change(op, async |w| {
                let grant = w.any_grant(
                    Permission::VisitPeriodLock,
                    HomecareReason::OnlyMunicipalityReopens,
                )?;
                let o = w
                    .get_organisation(org)
                    .await?
                    .ok_or(Fault::not_found("organisation"))?;
                if o.kind != OrganisationKind::Provider {
                    return Err(Fault::invalid(
                        "organisation_id",
                        HomecareReason::LockOnlyForProviders,
                    ));
                }
                let before = w.get_lock_date(org).await?;
                let l = LockDate {
                    organisation_id: org,
                    locked_through: through,
                    set_by: ctx.principal.user_id,
                    set_at: to_db_precision(w.now()),
                };
                w.set_lock_date(&l).await?;
                let reopened = before.as_ref().is_some_and(|b| b.locked_through > through);
                w.succeeded(Some(&grant), |e| {
                    let mut e = e.subject("organisation", org).details(
                        serde_json::json!({
                            "locked_through": through.to_string(),
                            "before": before.map(|b| b.locked_through.to_string()),
                            "reopened": reopened,
                        })
                        .to_string(),
                    );
                    e.flags = AuditFlags {
                        ..AuditFlags::default()
                    };
                    e
                });
                Ok(l)
            })
            .await
    }

    /// The providers and their lock dates (for the municipality's page).
    pub async fn lock_dates(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<ProviderLock>> {
        let op = ctx.op(AuditAction::LockDateSet, HOMECARE);
        self.door
            .read(op, async |r| {
                r.any_grant(
                    Permission::VisitPeriodLock,
                    HomecareReason::OnlyMunicipalityReopens,
                )?;
                let mut out = Vec::new();
                for o in r.list_organisations().await? {
                    if o.kind != OrganisationKind::Provider {
                        continue;
                    }
                    let lock = r.get_lock_date(o.id).await?;
                    out.push(ProviderLock {
                        organisation: o,
                        lock,
                    });
                }
                Ok(out)
            })
            .await
    }
}

/// The week's last day (its Sunday).
fn week_end(monday: Date) -> Date {
    monday.checked_add(6.days()).unwrap_or(monday)
}

/// The workers of `visits` (a unit's visits of the week starting `week`), by name, each with
/// their confirmation of the week.
async fn week_workers<'a>(
    w: &mut impl Work<'a>,
    visits: &[Visit],
    week: Date,
) -> WorkResult<Vec<WeekWorker>> {
    let mut ids: Vec<UserId> = visits.iter().map(|v| v.worker).collect();
    ids.sort();
    ids.dedup();
    let mut users = HashMap::new();
    let mut out = Vec::new();
    for id in ids {
        let name = names(w, &mut users, id).await?;
        let confirmed_at = w.reads().get_week_confirmation(id, week).await?;
        out.push(WeekWorker {
            user: id,
            name,
            confirmed_at,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The client's visits and corrections over `from..=to`, for its trail (the caller checked
/// the right to read the client).
pub(crate) async fn client_visits<'a>(
    r: &mut impl Work<'a>,
    client: ClientId,
    from: Date,
    to: Date,
) -> WorkResult<(Vec<VisitLine>, Vec<Correction>)> {
    let visits = r.reads().list_visits_for_client(client, from, to).await?;
    let corrections = r
        .reads()
        .list_corrections_for_client(client, from, to)
        .await?;
    let mut users = HashMap::new();
    let mut lines = Vec::new();
    for v in visits {
        let worker_name = names(r, &mut users, v.worker).await?;
        lines.push(VisitLine {
            visit: v,
            client_name: String::new(),
            worker_name,
        });
    }
    Ok((lines, corrections))
}

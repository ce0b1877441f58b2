//! Missed signings: the server's scan for occasions whose window closed unsigned, the calls
//! of each unit's escalation ladder, and the notices (e-mail) they send; and the live overview
//! of what is missed now.
//!
//! - [`Services::scan_missed_signings`] (a job of the server, every 30 s): reads the
//!   prescriptions running yesterday and today with the occasions signed on those days (one
//!   statement each a day, whatever the number of clients), finds the missed occasions (the
//!   domain's [`missed_occasions`]) and, per the client's unit's ladder, records each call that
//!   is due ([`EscalationLadder::due_calls`]); each call is audited as `signing.missed_call`.
//!   Most passes find nothing new to call: they read on a read connection and open no write
//!   transaction. A call is recorded once (the store refuses the same person twice for an
//!   occasion), so two passes, or two servers, never call twice. The report says what each
//!   call's notice needs, and no more: the recipient's address, the unit, the task type and the
//!   local time. Never the client: a notice leaves the system, and only says where to look.
//! - [`Services::missed_signings`]: the missed occasions of today and yesterday with their
//!   client, task, time and who was called when, for the unit's oversight (unit managers:
//!   their units; nurses: their units, and the occasions of their own prescriptions).

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use vaka_domain::access::{Assignment, Permission, Role, Target};
use vaka_domain::audit::{AuditAction, AuditFlags, Outcome};
use vaka_domain::delegation::prescription::occasions_of;
use vaka_domain::delegation::signing::SignedTarget;
use vaka_domain::delegation::{
    EscalationLadder, Occasion, OccasionKey, Prescription, TaskTypeCode, missed_occasions,
};
use vaka_domain::directory::{AccountStatus, Unit, UserAccount};
use vaka_domain::ids::{ClientId, PrescriptionId, UnitId, UserId};
use vaka_domain::reason::AccessReason;
use vaka_store::delegation::EscalationCall;
use vaka_store::values::to_db_precision;
use vaka_store::{ReadTx, StoreResult};

use super::{DELEGATION, tz};
use crate::door::{Op, Work};
use crate::error::{Fault, WorkResult};
use crate::{Ctx, ServiceResult, Services};

/// Calls recorded per write transaction: a flood (a whole district's morning missed after an
/// outage) must not hold SQLite's one writer for seconds.
const CALL_CHUNK: usize = 500;

/// One call the scan made: `recipient` is told that an occasion went unsigned. What a notice
/// (e-mail) needs, and nothing about the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissedCall {
    /// The occasion (prescription, local date, prescribed time).
    pub key: OccasionKey,
    /// The step of the unit's ladder (0 first) that called.
    pub step: u32,
    pub recipient: UserId,
    /// The recipient's e-mail address.
    pub email: String,
    /// The client's unit, by name (none for a client without a unit).
    pub unit_name: Option<String>,
    pub task_type: TaskTypeCode,
    /// The task type's name as staff know it ("Insulin").
    pub task_name: String,
    /// The prescribed local date and time of day (Europe/Stockholm), as the list shows it.
    pub date: Date,
    pub time: Time,
    /// The instant it was due (differs from the local time only on a DST change).
    pub due: Timestamp,
    pub called_at: Timestamp,
}

/// What one pass of the scan found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanReport {
    /// Occasions of yesterday and today whose window has closed unsigned.
    pub missed: usize,
    /// The calls made in this pass (none for those made before).
    pub calls: Vec<MissedCall>,
}

/// Who was called for a missed occasion, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallMade {
    pub user: UserId,
    /// Their display name.
    pub name: String,
    pub step: u32,
    pub called_at: Timestamp,
}

/// A missed occasion as the live overview shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissedSigning {
    pub key: OccasionKey,
    pub client_id: ClientId,
    pub client_name: String,
    /// The client's unit.
    pub unit_id: Option<UnitId>,
    pub task_type: TaskTypeCode,
    pub task_name: String,
    pub prescribed_by: UserId,
    /// When it was due, and when its window closed.
    pub due: Timestamp,
    pub closes: Timestamp,
    /// The calls made so far, in step order.
    pub calls: Vec<CallMade>,
}

/// A missed occasion with what the scan needs of its client.
struct Found {
    occasion: Occasion,
    unit: Option<UnitId>,
    protected: bool,
}

/// A call the scan decided on, to be recorded.
struct Planned {
    call: EscalationCall,
    client: ClientId,
    protected: bool,
    notice: MissedCall,
}

/// The local days whose occasions can have closed recently: yesterday and today.
fn recent_days(now: Timestamp) -> Vec<Date> {
    let today = now.to_zoned(tz()).date();
    today.yesterday().map_or(vec![today], |y| vec![y, today])
}

/// The occasions of `day` among `prescriptions` that were missed at `now`, given the signed
/// keys of the day.
fn missed_among<'p>(
    prescriptions: impl IntoIterator<Item = &'p Prescription>,
    day: Date,
    signed: Vec<OccasionKey>,
    now: Timestamp,
) -> Vec<Occasion> {
    let tz = tz();
    let occasions: Vec<Occasion> = prescriptions
        .into_iter()
        .flat_map(|p| occasions_of(p, day, &tz))
        .collect();
    missed_occasions(&occasions, signed, now)
        .into_iter()
        .cloned()
        .collect()
}

/// Every missed occasion of `days` at `now`, in the whole municipality (two statements a day).
async fn missed_everywhere(
    r: &mut dyn ReadTx,
    days: &[Date],
    now: Timestamp,
) -> StoreResult<Vec<Found>> {
    let mut out = Vec::new();
    for &day in days {
        let active = r.list_prescriptions_active_on(day).await?;
        let signed = r.list_signed_occasions_on(day).await?;
        let of: HashMap<PrescriptionId, (Option<UnitId>, bool)> = active
            .iter()
            .map(|a| (a.prescription.id, (a.unit_id, a.protected)))
            .collect();
        let missed = missed_among(active.iter().map(|a| &a.prescription), day, signed, now);
        out.extend(missed.into_iter().map(|occasion| {
            let (unit, protected) = of
                .get(&occasion.key.prescription_id)
                .copied()
                .unwrap_or((None, false));
            Found {
                occasion,
                unit,
                protected,
            }
        }));
    }
    Ok(out)
}

/// The missed occasions of `days` at `now` of one unit's clients.
async fn missed_in_unit(
    r: &mut dyn ReadTx,
    unit: UnitId,
    days: &[Date],
    now: Timestamp,
) -> StoreResult<Vec<Found>> {
    let mut out = Vec::new();
    for &day in days {
        let prescriptions = r.list_prescriptions_for_unit_on(unit, day).await?;
        let signed: Vec<OccasionKey> = r
            .list_signings_for_unit_on(unit, day)
            .await?
            .into_iter()
            .filter_map(|s| match s.target {
                SignedTarget::Occasion(k) => Some(k),
                SignedTarget::AsNeeded(_) => None,
            })
            .collect();
        out.extend(
            missed_among(&prescriptions, day, signed, now)
                .into_iter()
                .map(|occasion| Found {
                    occasion,
                    unit: Some(unit),
                    protected: false,
                }),
        );
    }
    Ok(out)
}

/// The calls made for occasions of `days`, by occasion, in step order.
async fn calls_by_occasion(
    r: &mut dyn ReadTx,
    days: &[Date],
) -> StoreResult<HashMap<OccasionKey, Vec<EscalationCall>>> {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(HashMap::new());
    };
    let mut by: HashMap<OccasionKey, Vec<EscalationCall>> = HashMap::new();
    for c in r.list_escalation_calls(*first, *last).await? {
        by.entry(c.key).or_default().push(c);
    }
    Ok(by)
}

/// Reads each user once.
async fn user<'u>(
    r: &mut dyn ReadTx,
    cache: &'u mut HashMap<UserId, Option<UserAccount>>,
    id: UserId,
) -> StoreResult<Option<&'u UserAccount>> {
    if let std::collections::hash_map::Entry::Vacant(e) = cache.entry(id) {
        e.insert(r.get_user(id).await?);
    }
    Ok(cache.get(&id).and_then(Option::as_ref))
}

fn system_op() -> Op<'static> {
    Op::system(AuditAction::MissedSigningCalled, DELEGATION)
}

impl Services {
    /// The scan for missed signings (the server runs it every 30 s): records and audits every
    /// call of the units' escalation ladders that is due now for an occasion of yesterday or
    /// today whose window closed unsigned, and returns them with what their notices need.
    /// A recipient whose account is not active is not called.
    pub async fn scan_missed_signings(&self) -> ServiceResult<ScanReport> {
        let now = to_db_precision(self.now());
        let days = recent_days(now);
        let (missed, planned) = self
            .door
            .read(system_op(), async |r| {
                Ok(plan_calls(&mut **r, &days, now).await?)
            })
            .await?;
        let mut report = ScanReport {
            missed,
            calls: Vec::new(),
        };
        for chunk in planned.chunks(CALL_CHUNK) {
            let made = self
                .door
                .change(system_op(), async |w| {
                    let mut made = Vec::new();
                    for p in chunk {
                        // Recorded once: another pass may have called them since the read.
                        if !w.insert_escalation_call(&p.call).await? {
                            continue;
                        }
                        let mut e = w
                            .entry(Outcome::Success, None)
                            .subject("occasion", p.call.key)
                            .client(p.client)
                            .details(
                                serde_json::json!({
                                    "recipient": p.call.user,
                                    "step": p.call.step,
                                })
                                .to_string(),
                            );
                        e.flags = AuditFlags {
                            protected_identity: p.protected,
                            ..AuditFlags::default()
                        };
                        w.record(e);
                        made.push(p.notice.clone());
                    }
                    Ok(made)
                })
                .await?;
            report.calls.extend(made);
        }
        if !report.calls.is_empty() {
            self.delegation_changed();
            tracing::warn!(
                missed = report.missed,
                calls = report.calls.len(),
                "missed signings called"
            );
        }
        Ok(report)
    }

    /// The missed occasions of today and yesterday (window closed, unsigned) that the caller
    /// follows up, with client, task, time and who was called when, by when their windows
    /// closed: with `DelegationOversee`, those of the units it reaches; with
    /// `DelegationManage`, those of the caller's own prescriptions. `unit` narrows to one unit.
    /// Each client shown is audited (`signing.missed_read`); a caller with neither right (or
    /// neither for `unit`) is refused, audited.
    pub async fn missed_signings(
        &self,
        ctx: &Ctx<'_>,
        unit: Option<UnitId>,
    ) -> ServiceResult<Vec<MissedSigning>> {
        let op = ctx.op(AuditAction::MissedSigningsRead, DELEGATION);
        self.door
            .read(op, async |r| {
                let Some(ctx) = r.ctx().copied() else {
                    return Err(r.denied(AccessReason::NotAllowedHere, None));
                };
                let me = ctx.principal;
                let subject = unit.map(|u| ("unit", u.to_string()));
                let manage = me.any_grant(Permission::DelegationManage).cloned();
                if manage.is_none() && !me.has_permission(Permission::DelegationOversee) {
                    return Err(r.denied(AccessReason::NotAllowedHere, subject));
                }
                let units: HashMap<UnitId, Unit> = r
                    .list_units()
                    .await?
                    .into_iter()
                    .map(|u| (u.id, u))
                    .collect();
                let oversee = |u: UnitId| {
                    units.get(&u).and_then(|unit| {
                        me.grant_for(
                            Permission::DelegationOversee,
                            Target {
                                organisation: unit.organisation_id,
                                units: &[u],
                            },
                        )
                        .cloned()
                    })
                };
                if let Some(u) = unit {
                    if !units.contains_key(&u) {
                        return Err(Fault::not_found("unit"));
                    }
                    if manage.is_none() && oversee(u).is_none() {
                        return Err(r.denied(AccessReason::NotAllowedHere, subject));
                    }
                }
                let now = r.now();
                let days = recent_days(now);
                let found = match unit {
                    Some(u) => missed_in_unit(&mut **r, u, &days, now).await?,
                    None => missed_everywhere(&mut **r, &days, now).await?,
                };
                // What the caller follows up, and through which of their roles.
                let mut by_unit: HashMap<UnitId, Option<Assignment>> = HashMap::new();
                let mut shown: Vec<(Found, Assignment)> = Vec::new();
                for f in found {
                    let through_unit = match f.unit {
                        Some(u) => by_unit.entry(u).or_insert_with(|| oversee(u)).clone(),
                        None => None,
                    };
                    let own = manage
                        .as_ref()
                        .filter(|_| f.occasion.prescribed_by == me.user_id)
                        .cloned();
                    if let Some(grant) = through_unit.or(own) {
                        shown.push((f, grant));
                    }
                }
                overview(r, shown, &days).await
            })
            .await
    }
}

/// The rows of the overview, each client read and audited once.
async fn overview(
    r: &mut crate::door::Read<'_>,
    shown: Vec<(Found, Assignment)>,
    days: &[Date],
) -> WorkResult<Vec<MissedSigning>> {
    if shown.is_empty() {
        // The look itself is on record, though it showed no client.
        r.succeeded(None, |e| e);
        return Ok(Vec::new());
    }
    let calls = calls_by_occasion(&mut **r, days).await?;
    let names: HashMap<TaskTypeCode, String> = r
        .list_task_types()
        .await?
        .into_iter()
        .map(|t| (t.code, t.name))
        .collect();
    let mut users: HashMap<UserId, Option<UserAccount>> = HashMap::new();
    let mut clients: HashMap<ClientId, String> = HashMap::new();
    let mut rows = Vec::with_capacity(shown.len());
    for (f, grant) in shown {
        let o = f.occasion;
        let client_name = if let Some(n) = clients.get(&o.client_id) {
            n.clone()
        } else {
            let Some(summary) = r.get_client_summary(o.client_id).await? else {
                continue;
            };
            let e = r.summary_entry(Outcome::Success, Some(&grant), &summary);
            r.record(e);
            clients.insert(o.client_id, summary.name.clone());
            summary.name
        };
        let mut made = Vec::new();
        for c in calls.get(&o.key).into_iter().flatten() {
            let name = user(&mut **r, &mut users, c.user)
                .await?
                .map_or_else(|| c.user.to_string(), |u| u.display_name.clone());
            made.push(CallMade {
                user: c.user,
                name,
                step: c.step,
                called_at: c.called_at,
            });
        }
        rows.push(MissedSigning {
            key: o.key,
            client_id: o.client_id,
            client_name,
            unit_id: f.unit,
            task_name: names
                .get(&o.task_type)
                .cloned()
                .unwrap_or_else(|| o.task_type.to_string()),
            task_type: o.task_type,
            prescribed_by: o.prescribed_by,
            due: o.due,
            closes: o.closes,
            calls: made,
        });
    }
    rows.sort_by_key(|m| (m.closes, m.key));
    Ok(rows)
}

/// The scan's reads and decisions: how many occasions are missed, and the calls due now.
async fn plan_calls(
    r: &mut dyn ReadTx,
    days: &[Date],
    now: Timestamp,
) -> StoreResult<(usize, Vec<Planned>)> {
    let found = missed_everywhere(r, days, now).await?;
    if found.is_empty() {
        return Ok((0, Vec::new()));
    }
    let called = calls_by_occasion(r, days).await?;
    let mut ladders: HashMap<UnitId, EscalationLadder> = HashMap::new();
    for u in found.iter().filter_map(|f| f.unit).collect::<HashSet<_>>() {
        let ladder = r.get_escalation_ladder(u).await?.unwrap_or_default();
        ladders.insert(u, ladder);
    }
    let default_ladder = EscalationLadder::default();
    // Who manages each unit: one statement for all.
    let mut managers: HashMap<UnitId, Vec<UserId>> = HashMap::new();
    for (user, a) in r.list_all_assignments().await? {
        if let (Role::UnitManager, Some(u)) = (a.role, a.unit_id)
            && ladders.contains_key(&u)
        {
            managers.entry(u).or_default().push(user);
        }
    }
    for m in managers.values_mut() {
        m.sort();
        m.dedup();
    }
    let mut due = Vec::new();
    for f in &found {
        let ladder = f
            .unit
            .and_then(|u| ladders.get(&u))
            .unwrap_or(&default_ladder);
        let unit_managers = f
            .unit
            .and_then(|u| managers.get(&u))
            .map_or(&[][..], Vec::as_slice);
        let already: Vec<UserId> = called
            .get(&f.occasion.key)
            .map(|cs| cs.iter().map(|c| c.user).collect())
            .unwrap_or_default();
        for call in ladder.due_calls(
            f.occasion.closes,
            now,
            f.occasion.prescribed_by,
            unit_managers,
            &already,
        ) {
            due.push((f, call));
        }
    }
    if due.is_empty() {
        return Ok((found.len(), Vec::new()));
    }
    let unit_names: HashMap<UnitId, String> = r
        .list_units()
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let task_names: HashMap<TaskTypeCode, String> = r
        .list_task_types()
        .await?
        .into_iter()
        .map(|t| (t.code, t.name))
        .collect();
    let mut users: HashMap<UserId, Option<UserAccount>> = HashMap::new();
    let mut planned = Vec::with_capacity(due.len());
    for (f, call) in due {
        let Some(account) = user(r, &mut users, call.user).await? else {
            continue;
        };
        if account.status != AccountStatus::Active {
            continue;
        }
        let o = &f.occasion;
        let step = u32::try_from(call.step).unwrap_or(u32::MAX);
        planned.push(Planned {
            call: EscalationCall {
                key: o.key,
                user: call.user,
                step,
                called_at: now,
            },
            client: o.client_id,
            protected: f.protected,
            notice: MissedCall {
                key: o.key,
                step,
                recipient: call.user,
                email: account.email.as_str().to_owned(),
                unit_name: f.unit.and_then(|u| unit_names.get(&u).cloned()),
                task_type: o.task_type.clone(),
                task_name: task_names
                    .get(&o.task_type)
                    .cloned()
                    .unwrap_or_else(|| o.task_type.to_string()),
                date: o.key.date,
                time: o.key.time,
                due: o.due,
                called_at: now,
            },
        });
    }
    Ok((found.len(), planned))
}

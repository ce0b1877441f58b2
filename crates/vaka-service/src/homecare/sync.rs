//! The staff app's outbox, synced: each record has an id the app generated, so a batch may be
//! sent again and again — a record already stored is answered `duplicate` and written once.
//! Each record is judged on its own: a refused record (another unit's client, a client without
//! a plan today, an end before the start, a locked period…) is answered with its reason and
//! audited, and the others of the batch are stored. The whole batch is one transaction: a
//! failure of the database stores none of it, and the app sends it again.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use vaka_domain::DomainError;
use vaka_domain::access::{Assignment, Permission};
use vaka_domain::audit::{AuditAction, AuditFlags, NewAuditEntry, Outcome};
use vaka_domain::client::Client;
use vaka_domain::homecare::CareTask;
use vaka_domain::homecare::plan::{VisitPlan, plan_visit};
use vaka_domain::homecare::visit::{
    Evidence, ManualReason, Stamp, Timing, Visit, VisitKind, check_end, check_note, check_unlocked,
    timing,
};
use vaka_domain::ids::{ClientId, VisitId, VisitPlanId, VisitRecordId};
use vaka_domain::nfc::TagTap;
use vaka_domain::reason::{HomecareReason, Reason};
use vaka_store::homecare::VisitRecord;
use vaka_store::values::to_db_precision;

use super::{HOMECARE, has_home_care, locked_through};
use crate::door::{Change, Work};
use crate::error::{Fault, ServiceError};
use crate::registry::{day_of, stockholm};
use crate::{Ctx, ServiceResult, Services};

/// The most records one sync may carry.
pub const MAX_BATCH: usize = 2000;

/// What a record of the outbox says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    VisitStart,
    VisitEnd,
    VisitTasks,
    VisitNote,
    /// A prescribed task signed during the visit (`crate::delegation::signing`).
    Signing,
}

impl RecordKind {
    pub fn code(self) -> &'static str {
        match self {
            RecordKind::VisitStart => "visit_start",
            RecordKind::VisitEnd => "visit_end",
            RecordKind::VisitTasks => "visit_tasks",
            RecordKind::VisitNote => "visit_note",
            RecordKind::Signing => "signing",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Some(match s {
            "visit_start" => RecordKind::VisitStart,
            "visit_end" => RecordKind::VisitEnd,
            "visit_tasks" => RecordKind::VisitTasks,
            "visit_note" => RecordKind::VisitNote,
            "signing" => RecordKind::Signing,
            _ => return None,
        })
    }
}

/// One record of the outbox, read.
#[derive(Debug, Clone)]
pub struct SyncRecord {
    pub id: VisitRecordId,
    pub seq: i64,
    pub kind: RecordKind,
    pub visit_id: VisitId,
    pub device_time: Timestamp,
    pub client_id: ClientId,
    pub plan_id: Option<VisitPlanId>,
    pub date: Option<Date>,
    pub visit_kind: Option<VisitKind>,
    pub tag: Option<TagTap>,
    pub manual_reason: Option<ManualReason>,
    pub tasks: Option<Vec<CareTask>>,
    pub note: Option<String>,
    /// What a `signing` record signs (its id is the record's).
    pub signing: Option<crate::delegation::signing::SigningInput>,
}

/// A record as it came: read, or not readable (which field was wrong).
#[derive(Debug, Clone)]
pub enum SyncItem {
    Record(SyncRecord),
    Malformed {
        /// The record's id as sent, if it had one.
        id: Option<String>,
        field: String,
        reason: Reason,
    },
}

/// A batch of the outbox.
#[derive(Debug, Clone)]
pub struct SyncBatch {
    /// The app installation's id.
    pub device: String,
    /// The phone's clock when it sent the batch (to recognise a clock that is off).
    pub sent_at: Option<Timestamp>,
    pub items: Vec<SyncItem>,
}

/// What became of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    Stored,
    Duplicate,
    Refused,
}

/// The answer for one record, in the batch's order.
#[derive(Debug, Clone)]
pub struct RecordResult {
    pub id: Option<String>,
    pub status: RecordStatus,
    /// Why it was refused: the field, and the reason.
    pub refusal: Option<(String, Reason)>,
    pub late: bool,
    pub clock_skew: bool,
}

/// A refusal of one record: the field it is about and why (its audit entry, if the rule
/// made one, is recorded by the caller).
struct Refusal {
    field: String,
    reason: Reason,
    entry: Option<NewAuditEntry>,
}

impl Refusal {
    fn of(field: &str, reason: impl Into<Reason>) -> Self {
        Self {
            field: field.to_owned(),
            reason: reason.into(),
            entry: None,
        }
    }
}

impl From<DomainError> for Refusal {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, reason } => Self {
                field: field.into_owned(),
                reason,
                entry: None,
            },
            DomainError::Forbidden { reason } | DomainError::Conflict { reason } => Self {
                field: String::new(),
                reason,
                entry: None,
            },
            DomainError::NotFound { what } => Self::of(what, HomecareReason::VisitNotStarted),
        }
    }
}

/// A record's work: stored (with its timing), or refused; a database failure ends the batch.
enum Step {
    Stored(Timing),
    Duplicate,
}

type StepResult = Result<Result<Step, Refusal>, Fault>;

/// What one batch keeps in memory while it works.
#[derive(Default)]
struct Cache {
    clients: HashMap<ClientId, Option<(Client, Option<Assignment>)>>,
    home_care: HashMap<(ClientId, Date), bool>,
    locks: HashMap<ClientId, Option<Date>>,
    plans: HashMap<ClientId, Vec<VisitPlan>>,
    visits: HashMap<VisitId, Option<Visit>>,
    seen: HashSet<VisitRecordId>,
}

impl Services {
    /// Stores a batch of the staff app's outbox; see the module's documentation.
    pub async fn sync_visits(
        &self,
        ctx: &Ctx<'_>,
        batch: SyncBatch,
    ) -> ServiceResult<Vec<RecordResult>> {
        if batch.items.len() > MAX_BATCH {
            return Err(ServiceError::invalid(
                "records",
                HomecareReason::BatchTooLarge { max: MAX_BATCH },
            ));
        }
        let rule = self.config.homecare.timing;
        let op = ctx.op(AuditAction::VisitsSynced, HOMECARE);
        let signs = batch
            .items
            .iter()
            .any(|i| matches!(i, SyncItem::Record(r) if r.kind == RecordKind::Signing));
        let results = self
            .door
            .change(op, async |w| {
                w.any_grant(
                    Permission::VisitRegister,
                    HomecareReason::MayNotRegisterVisits,
                )?;
                let received = to_db_precision(w.now());
                let mut results: Vec<Option<RecordResult>> = vec![None; batch.items.len()];
                // Records in the order the phone made them (their sequence), whatever the
                // order they arrive in.
                let mut order: Vec<usize> = (0..batch.items.len()).collect();
                order.sort_by_key(|&i| match &batch.items[i] {
                    SyncItem::Record(r) => (0, r.seq),
                    SyncItem::Malformed { .. } => (1, 0),
                });
                let mut cache = Cache::default();
                let (mut stored, mut duplicate, mut refused) = (0usize, 0usize, 0usize);
                for i in order {
                    let result = match &batch.items[i] {
                        SyncItem::Malformed { id, field, reason } => {
                            let mut e =
                                w.entry_for(AuditAction::VisitRecorded, Outcome::Denied, None);
                            e = e.details(
                                serde_json::json!({ "field": field, "reason": reason.id() })
                                    .to_string(),
                            );
                            w.record(e);
                            RecordResult {
                                id: id.clone(),
                                status: RecordStatus::Refused,
                                refusal: Some((field.clone(), reason.clone())),
                                late: false,
                                clock_skew: false,
                            }
                        }
                        SyncItem::Record(r) => {
                            let step =
                                record(w, ctx, &mut cache, r, &batch, received, rule).await?;
                            match step {
                                Ok(Step::Stored(t)) => RecordResult {
                                    id: Some(r.id.to_string()),
                                    status: RecordStatus::Stored,
                                    refusal: None,
                                    late: t.late_sync,
                                    clock_skew: t.clock_skew,
                                },
                                Ok(Step::Duplicate) => RecordResult {
                                    id: Some(r.id.to_string()),
                                    status: RecordStatus::Duplicate,
                                    refusal: None,
                                    late: false,
                                    clock_skew: false,
                                },
                                Err(refusal) => {
                                    let mut e = refusal.entry.unwrap_or_else(|| {
                                        w.entry_for(
                                            AuditAction::VisitRecorded,
                                            Outcome::Denied,
                                            None,
                                        )
                                    });
                                    let (action, subject) = if r.kind == RecordKind::Signing {
                                        (AuditAction::TaskSigned, ("signing", r.id.to_string()))
                                    } else {
                                        (
                                            AuditAction::VisitRecorded,
                                            ("visit", r.visit_id.to_string()),
                                        )
                                    };
                                    e.action = action;
                                    if e.client_id.is_none() {
                                        e = e.client(r.client_id);
                                    }
                                    e = e.subject(subject.0, subject.1).details(
                                        serde_json::json!({
                                            "record": r.id,
                                            "kind": r.kind.code(),
                                            "reason": refusal.reason.id(),
                                        })
                                        .to_string(),
                                    );
                                    w.record(e);
                                    RecordResult {
                                        id: Some(r.id.to_string()),
                                        status: RecordStatus::Refused,
                                        refusal: Some((refusal.field, refusal.reason)),
                                        late: false,
                                        clock_skew: false,
                                    }
                                }
                            }
                        }
                    };
                    match result.status {
                        RecordStatus::Stored => stored += 1,
                        RecordStatus::Duplicate => duplicate += 1,
                        RecordStatus::Refused => refused += 1,
                    }
                    results[i] = Some(result);
                }
                w.succeeded(None, |e| {
                    e.details(
                        serde_json::json!({
                            "stored": stored,
                            "duplicate": duplicate,
                            "refused": refused,
                        })
                        .to_string(),
                    )
                });
                Ok(results.into_iter().flatten().collect())
            })
            .await?;
        if signs {
            self.delegation_changed();
        }
        Ok(results)
    }
}

/// The client, and the caller's assignment that lets them register visits to it (`None`:
/// another unit's client).
async fn client<'c>(
    w: &mut Change<'_>,
    ctx: &Ctx<'_>,
    cache: &'c mut Cache,
    id: ClientId,
) -> Result<Option<&'c (Client, Option<Assignment>)>, Fault> {
    if let std::collections::hash_map::Entry::Vacant(slot) = cache.clients.entry(id) {
        let c = w.get_client(id).await?.map(|c| {
            let grant = ctx
                .principal
                .client_grant_for(Permission::VisitRegister, c.provider_id, c.unit_id)
                .cloned();
            (c, grant)
        });
        slot.insert(c);
    }
    Ok(cache.clients.get(&id).and_then(Option::as_ref))
}

async fn visit(w: &mut Change<'_>, cache: &mut Cache, id: VisitId) -> Result<Option<Visit>, Fault> {
    if let Some(v) = cache.visits.get(&id) {
        return Ok(v.clone());
    }
    let v = w.get_visit(id).await?;
    cache.visits.insert(id, v.clone());
    Ok(v)
}

/// The evidence of a start or end: a tag of this client, or a manual reason.
async fn evidence_of(
    w: &mut Change<'_>,
    r: &SyncRecord,
    client: ClientId,
    at: Timestamp,
) -> Result<Result<Evidence, Refusal>, Fault> {
    if let Some(tap) = &r.tag {
        return match super::evidence::tag_tap(w, tap, at).await {
            Ok(e) if e.client_id == client => Ok(Ok(Evidence::Nfc {
                kind: e.strength,
                tag: e.device_id,
            })),
            Ok(e) => {
                let entry = w
                    .entry_for(AuditAction::VisitRecorded, Outcome::Denied, None)
                    .subject("device", e.device_id);
                Ok(Err(Refusal {
                    field: "tag".into(),
                    reason: HomecareReason::TagOfAnotherClient.into(),
                    entry: Some(entry),
                }))
            }
            Err(Fault::Denied(d) | Fault::Refused(d)) => Ok(Err(Refusal {
                field: "tag".into(),
                reason: d.reason,
                entry: Some(d.entry),
            })),
            Err(e @ Fault::Error(_)) => Err(e),
        };
    }
    match r.manual_reason {
        Some(m) => Ok(Ok(Evidence::Manual(m))),
        None => Ok(Err(Refusal::of(
            "manual_reason",
            HomecareReason::EvidenceRequired,
        ))),
    }
}

macro_rules! refuse_if {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(refusal) => return Ok(Err(refusal.into())),
        }
    };
}

/// A `signing` record: judged as an online signing is, at the phone's time (as the timing rule
/// judges it), its delegation checked again at receipt.
async fn signing(
    w: &mut Change<'_>,
    r: &SyncRecord,
    batch: &SyncBatch,
    received: Timestamp,
    rule: vaka_domain::homecare::visit::TimingRule,
) -> StepResult {
    let Some(s) = &r.signing else {
        return Ok(Err(Refusal::of(
            "signing",
            vaka_domain::reason::InputReason::Required,
        )));
    };
    let t = timing(rule, r.device_time, received, batch.sent_at);
    let input = crate::delegation::signing::SigningInput {
        id: vaka_domain::ids::SigningId(r.id.0),
        client_id: Some(r.client_id),
        ..s.clone()
    };
    match crate::delegation::signing::judge_signing(w, &input, t.at).await {
        Ok(done) if done.duplicate => Ok(Ok(Step::Duplicate)),
        Ok(_) => Ok(Ok(Step::Stored(t))),
        Err(Fault::Denied(d) | Fault::Refused(d)) => Ok(Err(Refusal {
            field: String::new(),
            reason: d.reason,
            entry: Some(d.entry),
        })),
        Err(Fault::Error(ServiceError::Invalid { field, reason })) => Ok(Err(Refusal {
            field: field.into_owned(),
            reason,
            entry: None,
        })),
        Err(Fault::Error(ServiceError::Conflict(reason) | ServiceError::Forbidden(reason))) => {
            Ok(Err(Refusal {
                field: String::new(),
                reason,
                entry: None,
            }))
        }
        Err(Fault::Error(ServiceError::NotFound(what))) => Ok(Err(Refusal::of(
            what,
            vaka_domain::reason::DelegationReason::UnknownOccasion,
        ))),
        Err(e) => Err(e),
    }
}

/// One record's work.
async fn record(
    w: &mut Change<'_>,
    ctx: &Ctx<'_>,
    cache: &mut Cache,
    r: &SyncRecord,
    batch: &SyncBatch,
    received: Timestamp,
    rule: vaka_domain::homecare::visit::TimingRule,
) -> StepResult {
    // The same record again: in this batch, or stored by an earlier sync.
    if !cache.seen.insert(r.id) {
        return Ok(Ok(Step::Duplicate));
    }
    if r.kind == RecordKind::Signing {
        return signing(w, r, batch, received, rule).await;
    }
    if let Some(old) = w.get_visit_record(r.id).await? {
        if old.visit_id != r.visit_id || old.worker != ctx.principal.user_id {
            return Ok(Err(Refusal::of("id", HomecareReason::RecordIdReused)));
        }
        return Ok(Ok(Step::Duplicate));
    }
    let t = timing(rule, r.device_time, received, batch.sent_at);
    let Some((c, grant)) = client(w, ctx, cache, r.client_id).await?.cloned() else {
        return Ok(Err(Refusal::of(
            "client_id",
            HomecareReason::ClientOfAnotherUnit,
        )));
    };
    let Some(grant) = grant else {
        return Ok(Err(Refusal::of(
            "client_id",
            HomecareReason::ClientOfAnotherUnit,
        )));
    };
    let lock = if let Some(l) = cache.locks.get(&c.id) {
        *l
    } else {
        let l = locked_through(w.reads(), c.provider_id).await?;
        cache.locks.insert(c.id, l);
        l
    };
    let mut v = if r.kind == RecordKind::VisitStart {
        if visit(w, cache, r.visit_id).await?.is_some() {
            return Ok(Err(Refusal::of(
                "visit_id",
                HomecareReason::VisitAlreadyStarted,
            )));
        }
        refuse_if!(new_visit(w, ctx, cache, r, &c, t, lock).await?)
    } else {
        let Some(mut v) = visit(w, cache, r.visit_id).await? else {
            return Ok(Err(Refusal::of(
                "visit_id",
                HomecareReason::VisitNotStarted,
            )));
        };
        if v.client_id != r.client_id || v.worker != ctx.principal.user_id {
            return Ok(Err(Refusal::of("visit_id", HomecareReason::NotYourVisit)));
        }
        refuse_if!(check_unlocked(v.date, lock));
        match r.kind {
            RecordKind::VisitEnd => {
                if v.end.is_some() {
                    return Ok(Err(Refusal::of(
                        "visit_id",
                        HomecareReason::VisitAlreadyEnded,
                    )));
                }
                refuse_if!(check_end(v.start.at, t.at));
                let evidence = refuse_if!(evidence_of(w, r, c.id, t.at).await?);
                v.end = Some(Stamp {
                    at: t.at,
                    device_time: to_db_precision(r.device_time),
                    received_at: received,
                    evidence,
                    late_sync: t.late_sync,
                    clock_skew: t.clock_skew,
                });
                if let Some(tasks) = &r.tasks {
                    v.tasks_done.clone_from(tasks);
                }
                if r.note.is_some() {
                    v.note = refuse_if!(check_note(r.note.as_deref()));
                }
            }
            RecordKind::VisitTasks => {
                let Some(tasks) = &r.tasks else {
                    return Ok(Err(Refusal::of(
                        "tasks",
                        HomecareReason::FieldRequired {
                            field: "tasks".into(),
                        },
                    )));
                };
                v.tasks_done.clone_from(tasks);
            }
            RecordKind::VisitNote => {
                v.note = refuse_if!(check_note(r.note.as_deref()));
            }
            // A start is stored below; a signing never comes this far (see `signing`).
            RecordKind::VisitStart | RecordKind::Signing => {}
        }
        w.update_visit(&v).await?;
        v
    };
    if r.kind == RecordKind::VisitStart {
        w.insert_visit(&v).await?;
    }
    w.insert_visit_record(&VisitRecord {
        id: r.id,
        visit_id: r.visit_id,
        device: batch.device.clone(),
        seq: r.seq,
        kind: r.kind.code().to_owned(),
        device_time: to_db_precision(r.device_time),
        received_at: received,
        worker: ctx.principal.user_id,
    })
    .await?;
    v.created_at = to_db_precision(v.created_at);
    cache.visits.insert(v.id, Some(v.clone()));
    let mut e = w
        .entry_for(AuditAction::VisitRecorded, Outcome::Success, Some(&grant))
        .client(c.id)
        .subject("visit", v.id)
        .details(
            serde_json::json!({
                "record": r.id,
                "kind": r.kind.code(),
                "late_sync": t.late_sync,
                "clock_skew": t.clock_skew,
            })
            .to_string(),
        );
    e.flags = AuditFlags {
        protected_identity: c.protection.is_protected(),
        ..AuditFlags::default()
    };
    w.record(e);
    Ok(Ok(Step::Stored(t)))
}

/// A visit from its start record: the client's plan and day, the decision, the lock date and
/// the evidence checked.
async fn new_visit(
    w: &mut Change<'_>,
    ctx: &Ctx<'_>,
    cache: &mut Cache,
    r: &SyncRecord,
    c: &Client,
    t: Timing,
    lock: Option<Date>,
) -> Result<Result<Visit, Refusal>, Fault> {
    let tz = stockholm();
    let kind = r.visit_kind.unwrap_or(if r.plan_id.is_some() {
        VisitKind::Planned
    } else {
        VisitKind::Extra
    });
    let local_day = day_of(t.at);
    let plans = if let Some(p) = cache.plans.get(&c.id) {
        p.clone()
    } else {
        let p = w.list_visit_plans_for_client(c.id).await?;
        cache.plans.insert(c.id, p.clone());
        p
    };
    let plan = match (kind, r.plan_id) {
        (_, Some(pid)) => {
            let Some(p) = plans.iter().find(|p| p.id == pid) else {
                return Ok(Err(Refusal::of(
                    "plan_id",
                    HomecareReason::PlanOfAnotherClient,
                )));
            };
            Some(p.clone())
        }
        (VisitKind::Planned, None) => {
            // The plan of the day whose window is nearest the start.
            let day = r.date.unwrap_or(local_day);
            plans
                .iter()
                .filter_map(|p| plan_visit(p, day, &tz).map(|pv| (p, pv)))
                .min_by_key(|(_, pv)| {
                    let mid = pv.from + pv.to.duration_since(pv.from) / 2;
                    mid.duration_since(t.at).abs()
                })
                .map(|(p, _)| p.clone())
        }
        _ => None,
    };
    let date = r.date.unwrap_or(local_day);
    if let Some(p) = &plan
        && !p.covers(date)
    {
        return Ok(Err(Refusal::of("date", HomecareReason::NoPlanToday)));
    }
    if kind == VisitKind::Planned && plan.is_none() {
        return Ok(Err(Refusal::of("plan_id", HomecareReason::NoPlanToday)));
    }
    // A visit is dated within a day of its start (a plan's day is the day it is planned).
    let near = date.yesterday().is_ok_and(|y| y <= local_day)
        && date.tomorrow().is_ok_and(|n| local_day <= n);
    if !near {
        return Ok(Err(Refusal::of("date", HomecareReason::NoPlanToday)));
    }
    if let Err(e) = check_unlocked(date, lock) {
        return Ok(Err(e.into()));
    }
    let home_care = if let Some(h) = cache.home_care.get(&(c.id, date)) {
        *h
    } else {
        let h = has_home_care(w.reads(), c.id, date).await?;
        cache.home_care.insert((c.id, date), h);
        h
    };
    if !home_care {
        return Ok(Err(Refusal::of("client_id", HomecareReason::ClientEnded)));
    }
    let Some(unit_id) = plan.as_ref().map(|p| p.unit_id).or(c.unit_id) else {
        return Ok(Err(Refusal::of(
            "client_id",
            HomecareReason::ClientOfAnotherUnit,
        )));
    };
    let evidence = match evidence_of(w, r, c.id, t.at).await? {
        Ok(e) => e,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let note = match check_note(r.note.as_deref()) {
        Ok(n) => n,
        Err(e) => return Ok(Err(e.into())),
    };
    Ok(Ok(Visit {
        id: r.visit_id,
        client_id: c.id,
        unit_id,
        worker: ctx.principal.user_id,
        plan_id: plan.map(|p| p.id),
        date,
        kind,
        start: Stamp {
            at: t.at,
            device_time: to_db_precision(r.device_time),
            received_at: to_db_precision(w.now()),
            evidence,
            late_sync: t.late_sync,
            clock_skew: t.clock_skew,
        },
        end: None,
        tasks_done: r.tasks.clone().unwrap_or_default(),
        note,
        corrected: false,
        created_at: to_db_precision(w.now()),
    }))
}

impl Services {
    /// Stores visits as they were registered (the demo's past week), from the command line:
    /// each audited as a recorded visit of its client.
    pub async fn cli_insert_visits(&self, visits: &[Visit]) -> ServiceResult<()> {
        let op = crate::door::Op::cli(AuditAction::VisitRecorded, HOMECARE);
        self.door
            .change(op, async |w| {
                for v in visits {
                    w.insert_visit(v).await?;
                    w.succeeded(None, |e| e.client(v.client_id).subject("visit", v.id));
                }
                Ok(())
            })
            .await
    }
}

//! Log review (loggranskning, issue 17 part 2): the monthly review of each unit's access
//! entries and reviews on request, marking and signing off, escalation of overdue reviews and
//! the quarterly summary. The rules are `vaka_domain::log_review`'s; this module reads the
//! candidates through the door, writes the reviews with their audit entries, and audits every
//! view of a review's entries as an access to each client it shows (reviewing the log is itself
//! an access).

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::Deserialize;
use vaka_domain::access::{Assignment, Permission, Principal, Role, Scope};
use vaka_domain::audit::{AuditAction, AuditFlags, Outcome};
use vaka_domain::ids::{ClientId, LogReviewId, UnitId, UserId};
use vaka_domain::log_review::{
    self, Candidate, Picked, ReviewKind, ReviewMark, ReviewRule, ReviewSettings,
};
use vaka_domain::personnummer::ClientIdentity;
use vaka_domain::reason::{InputReason, LogReviewReason};
use vaka_store::DbInstant;
use vaka_store::log_review::{
    AccessFilter, AccessRow, LogReviewEntryRecord, LogReviewRecord, NewLogReviewEntry,
};

use crate::door::{Op, Work};
use crate::error::Fault;
use crate::registry::stockholm;
use crate::{Ctx, ServiceResult, Services};

/// The care context of log review.
const LOG_REVIEW: &str = "log_review";

/// At most this many access entries are read for one unit's month (the rules and the sample
/// are picked among them).
pub const MAX_CANDIDATES: i64 = 1_000_000;

/// A review on request holds at most this many entries (the oldest of the period first).
pub const MAX_REQUESTED: i64 = 500;

/// Days a review on request is due after it is made.
const REQUEST_DUE_DAYS: i32 = 14;

/// A review as the lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewSummary {
    pub id: LogReviewId,
    pub kind: ReviewKind,
    pub unit_id: Option<UnitId>,
    /// The unit's name (empty for a review on request).
    pub unit: String,
    pub period_from: Date,
    /// The last day of the period.
    pub period_last: Date,
    pub due_on: Date,
    /// Who is to do it: the unit's managers, or who asked for it.
    pub assignees: Vec<String>,
    pub reason: Option<String>,
    pub signed_at: Option<Timestamp>,
    pub signed_by: Option<String>,
    pub escalated_at: Option<Timestamp>,
    pub overdue: bool,
    pub entries: u64,
    pub marked: u64,
    pub follow_ups: u64,
    /// Whether the caller may mark and sign it.
    pub may_review: bool,
}

/// An entry of a review, as the reviewer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewEntryView {
    pub seq: u64,
    pub at: Option<Timestamp>,
    pub actor: String,
    pub actor_username: String,
    pub actor_role: Option<Role>,
    pub action: String,
    pub outcome: Option<Outcome>,
    pub care_context: String,
    pub client: String,
    pub client_identity: String,
    pub flags: AuditFlags,
    pub rules: Vec<ReviewRule>,
    pub distinct_clients: Option<u32>,
    pub mark: Option<ReviewMark>,
    pub note: String,
    pub marked_at: Option<Timestamp>,
}

/// A review with its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewView {
    pub summary: ReviewSummary,
    /// For a review on request: the user (username) or the client (name, personnummer) named.
    pub subject: Option<String>,
    pub entries: Vec<ReviewEntryView>,
}

/// One unit's quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterRow {
    pub unit: String,
    pub year: i16,
    pub quarter: i8,
    pub reviews: u64,
    pub entries: u64,
    pub follow_ups: u64,
    /// Signed by the due day.
    pub on_time: u64,
    /// Signed after the due day, or unsigned past it.
    pub late: u64,
    /// Unsigned, not yet due.
    pub open: u64,
}

/// A review on request, as the form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReviewRequestInput {
    /// The user named (a username), or empty.
    #[serde(default)]
    pub username: String,
    /// The client named (a personnummer), or empty.
    #[serde(default)]
    pub personnummer: String,
    #[serde(default)]
    pub reason: String,
    /// The first day of the period (`2026-11-01`).
    #[serde(default)]
    pub from: String,
    /// The last day of the period.
    #[serde(default)]
    pub to: String,
}

/// What the daily job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReviewJobReport {
    pub created: usize,
    pub escalated: usize,
}

/// The caller's assignment that lets them review `r`: a municipal audit right reaches every
/// review; a unit's audit right its unit's monthly reviews; a review on request is its
/// requester's.
fn review_grant(p: &Principal, r: &LogReviewRecord) -> Option<Assignment> {
    let grants = p
        .assignments
        .iter()
        .filter(|a| a.role.has(Permission::AuditRead));
    let mut fallback = None;
    for a in grants {
        match a.scope() {
            Scope::Everything => fallback = Some(a.clone()),
            Scope::Unit(u) if r.kind == ReviewKind::Monthly && r.unit_id == Some(u) => {
                return Some(a.clone());
            }
            _ if r.kind == ReviewKind::OnRequest && r.created_by == Some(p.user_id) => {
                return Some(a.clone());
            }
            _ => {}
        }
    }
    fallback
}

/// Whether the caller reaches everything with the audit right (the municipality's managers).
fn sees_all(p: &Principal) -> bool {
    p.assignments
        .iter()
        .any(|a| a.role.has(Permission::AuditRead) && a.scope() == Scope::Everything)
}

fn candidates(rows: Vec<AccessRow>) -> Vec<Candidate> {
    rows.into_iter()
        .map(|r| Candidate {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            actor_role: r.actor_role,
            actor_unit: r.actor_unit,
            client: r.client,
            client_unit: r.client_unit,
            flags: r.flags,
            actor_surname: log_review::surname(&r.actor_name),
            client_surname: log_review::surname(&r.client_name),
        })
        .collect()
}

fn new_entries(picked: Vec<Picked>) -> Vec<NewLogReviewEntry> {
    picked
        .into_iter()
        .map(|p| NewLogReviewEntry {
            seq: p.seq,
            rules: p.rules,
            distinct_clients: p.distinct_clients,
        })
        .collect()
}

/// The start of a Stockholm day, as an instant.
fn start_of(day: Date) -> Timestamp {
    day.to_zoned(stockholm())
        .map_or(Timestamp::UNIX_EPOCH, |z| z.timestamp())
}

/// The seed of a review's sample, from its id (so it can be made again).
fn seed_of(id: LogReviewId) -> i64 {
    i64::from_be_bytes(id.0.as_bytes()[8..16].try_into().unwrap_or([0; 8]))
}

impl Services {
    fn review_settings(&self) -> &ReviewSettings {
        &self.config.log_review
    }

    /// Who an overdue review is escalated to: the system owner of the management plan (the
    /// governance role held today), and the municipality's system managers, who keep the
    /// plan and see every unit's reviews.
    async fn escalation_recipients(w: &mut impl Work<'_>) -> Result<Vec<UserId>, Fault> {
        let today = crate::registry::day_of(w.now());
        let mut ids: Vec<UserId> = w
            .reads()
            .list_governance_assignments()
            .await?
            .into_iter()
            .filter(|a| {
                a.role == vaka_domain::governance::GovernanceRole::SystemOwner
                    && vaka_domain::governance::holds_on(a.from, a.until, today)
            })
            .map(|a| a.user_id)
            .collect();
        for (id, _) in w.reads().users_with_role(Role::SystemManager, None).await? {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// The daily job: makes last month's review of every unit whose clients or staff had
    /// access entries that month (once: a review made is not made again), then escalates the
    /// reviews past their due day.
    pub async fn log_review_job(&self) -> ServiceResult<ReviewJobReport> {
        let created = self.create_monthly_log_reviews().await?;
        let escalated = self.escalate_overdue_log_reviews().await?;
        Ok(ReviewJobReport { created, escalated })
    }

    /// Appends access entries of the past through the audit appender, chained and committed
    /// like every other entry: `vaka demo`'s month of history for the log review to pick from
    /// (the demo builds the entries as the use cases would have written them).
    pub async fn append_access_history(
        &self,
        entries: Vec<vaka_domain::audit::NewAuditEntry>,
    ) -> ServiceResult<()> {
        self.door.audit_history(entries).await
    }

    /// Makes last month's review of each unit that has none yet. Returns how many were made.
    pub async fn create_monthly_log_reviews(&self) -> ServiceResult<usize> {
        let settings = self.review_settings().clone();
        let (from, to) = log_review::last_month(self.today());
        let tz = stockholm();
        let units = self
            .door
            .read(
                Op::system(AuditAction::LogReviewCreated, LOG_REVIEW),
                async |r| Ok(r.list_units().await?),
            )
            .await?;
        let mut created = 0;
        for unit in units.into_iter().filter(|u| u.active) {
            // The candidates are read on a read connection: the month's scan never holds the
            // writer.
            let op = Op::system(AuditAction::LogReviewCreated, LOG_REVIEW);
            let found = self
                .door
                .read(op, async |r| {
                    if r.monthly_log_review_exists(unit.id, from).await? {
                        return Ok(None);
                    }
                    let rows = r
                        .access_entries(
                            DbInstant::new(start_of(from)),
                            DbInstant::new(start_of(to)),
                            AccessFilter::Unit(unit.id),
                            MAX_CANDIDATES,
                        )
                        .await?;
                    let coverage: BTreeSet<(UnitId, UnitId)> =
                        r.list_coverage().await?.into_iter().collect();
                    Ok(Some((candidates(rows), coverage)))
                })
                .await?;
            let Some((cands, coverage)) = found else {
                continue;
            };
            if cands.is_empty() {
                continue;
            }
            let id = LogReviewId::new();
            let seed = seed_of(id);
            let picked = log_review::select(
                &cands,
                &coverage,
                &settings,
                &tz,
                u64::from_ne_bytes(seed.to_ne_bytes()),
            );
            let entries = new_entries(picked);
            let op = Op::system(AuditAction::LogReviewCreated, LOG_REVIEW);
            let made = self
                .door
                .change(op, async |w| {
                    if w.monthly_log_review_exists(unit.id, from).await? {
                        return Ok(false);
                    }
                    let record = LogReviewRecord {
                        id,
                        kind: ReviewKind::Monthly,
                        unit_id: Some(unit.id),
                        period_from: from,
                        period_to: to,
                        subject_user: None,
                        subject_client: None,
                        reason: None,
                        seed,
                        created_by: None,
                        created_at: w.now(),
                        due_on: log_review::due_on(from, &settings),
                        signed_by: None,
                        signed_at: None,
                        escalated_at: None,
                        entries: 0,
                        marked: 0,
                        follow_ups: 0,
                    };
                    w.insert_log_review(&record, &entries).await?;
                    let managers: Vec<String> = w
                        .users_with_role(Role::UnitManager, Some(unit.id))
                        .await?
                        .into_iter()
                        .map(|(id, _)| id.to_string())
                        .collect();
                    w.succeeded(None, |e| {
                        e.subject("log_review", id).details(
                            serde_json::json!({
                                "unit": unit.id.to_string(),
                                "from": from.to_string(),
                                "candidates": cands.len(),
                                "entries": entries.len(),
                                "assigned_to": managers,
                            })
                            .to_string(),
                        )
                    });
                    Ok(true)
                })
                .await?;
            if made {
                created += 1;
            }
        }
        Ok(created)
    }

    /// Escalates every unsigned review past its due day that has not been escalated: the
    /// escalation is recorded on the review and in the log, naming its recipients.
    pub async fn escalate_overdue_log_reviews(&self) -> ServiceResult<usize> {
        let today = self.today();
        let op = Op::system(AuditAction::LogReviewEscalated, LOG_REVIEW);
        self.door
            .change(op, async |w| {
                let due: Vec<LogReviewRecord> = w
                    .list_log_reviews()
                    .await?
                    .into_iter()
                    .filter(|r| {
                        r.escalated_at.is_none()
                            && log_review::overdue(r.due_on, r.signed_at.is_some(), today)
                    })
                    .collect();
                if due.is_empty() {
                    return Ok(0);
                }
                let to: Vec<String> = Self::escalation_recipients(w)
                    .await?
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                let now = DbInstant::new(w.now());
                for r in &due {
                    w.escalate_log_review(r.id, now).await?;
                    w.succeeded(None, |e| {
                        e.subject("log_review", r.id).details(
                            serde_json::json!({ "due_on": r.due_on.to_string(), "to": to })
                                .to_string(),
                        )
                    });
                }
                Ok(due.len())
            })
            .await
    }

    /// The reviews the caller may see, newest period first: a unit manager's units' and their
    /// own requests; every review for the municipality's managers. No client data.
    pub async fn log_reviews(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<ReviewSummary>> {
        let today = self.today();
        let op = ctx.op(AuditAction::LogReviewRead, LOG_REVIEW);
        self.door
            .read(op, async |r| {
                r.any_grant(Permission::AuditRead, LogReviewReason::MayNotReview)?;
                let all = r.list_log_reviews().await?;
                let units: BTreeMap<UnitId, String> = r
                    .list_units()
                    .await?
                    .into_iter()
                    .map(|u| (u.id, u.name))
                    .collect();
                let mut out = Vec::new();
                for rec in all {
                    if review_grant(ctx.principal, &rec).is_none() {
                        continue;
                    }
                    out.push(summary(r, ctx.principal, &units, rec, today).await?);
                }
                Ok(out)
            })
            .await
    }

    /// The reviews waiting for the caller (the start page): a unit manager's unsigned ones; the
    /// overdue ones for the municipality's managers (those escalated to them).
    pub async fn log_reviews_waiting(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<ReviewSummary>> {
        if !ctx.principal.has_permission(Permission::AuditRead) {
            return Ok(Vec::new());
        }
        let all = sees_all(ctx.principal);
        Ok(self
            .log_reviews(ctx)
            .await?
            .into_iter()
            .filter(|r| r.signed_at.is_none() && (r.overdue || !all))
            .collect())
    }

    /// The quarterly summary per unit of the monthly reviews the caller may see.
    pub async fn log_review_quarters(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<QuarterRow>> {
        let reviews = self.log_reviews(ctx).await?;
        Ok(quarters(&reviews))
    }

    /// A review with its entries. Every client it shows is read: one audit entry each.
    pub async fn log_review(&self, ctx: &Ctx<'_>, id: LogReviewId) -> ServiceResult<ReviewView> {
        let today = self.today();
        let op = ctx.op(AuditAction::LogReviewRead, LOG_REVIEW);
        self.door
            .read(op, async |r| {
                r.any_grant(Permission::AuditRead, LogReviewReason::MayNotReview)?;
                let rec = r
                    .get_log_review(id)
                    .await?
                    .ok_or(Fault::not_found("log review"))?;
                let Some(grant) = review_grant(ctx.principal, &rec) else {
                    return Err(r.denied(
                        LogReviewReason::MayNotReview,
                        Some(("log_review", id.to_string())),
                    ));
                };
                let subject = match (rec.subject_user, rec.subject_client) {
                    (Some(u), _) => r.get_user(u).await?.map(|u| u.username.to_string()),
                    (None, Some(c)) => r
                        .get_client_summary(c)
                        .await?
                        .map(|s| format!("{} ({})", s.name, s.identity.as_str())),
                    _ => None,
                };
                let units: BTreeMap<UnitId, String> = r
                    .list_units()
                    .await?
                    .into_iter()
                    .map(|u| (u.id, u.name))
                    .collect();
                let entries = r.list_log_review_entries(id).await?;
                let mut shown: BTreeMap<ClientId, bool> = BTreeMap::new();
                for e in &entries {
                    if let Some(c) = e.client_id {
                        shown.insert(c, e.client_protected);
                    }
                }
                if let Some(c) = rec.subject_client {
                    shown.entry(c).or_insert(false);
                }
                let summary = summary(r, ctx.principal, &units, rec, today).await?;
                for (client, protected) in &shown {
                    let mut e = r
                        .entry(Outcome::Success, Some(&grant))
                        .client(*client)
                        .subject("log_review", id);
                    e.flags.protected_identity = *protected;
                    r.record(e);
                }
                if shown.is_empty() {
                    r.succeeded(Some(&grant), |e| e.subject("log_review", id));
                }
                Ok(ReviewView {
                    summary,
                    subject,
                    entries: entries.into_iter().map(entry_view).collect(),
                })
            })
            .await
    }

    /// Marks an entry OK or for follow-up (a follow-up needs a note).
    pub async fn mark_log_review_entry(
        &self,
        ctx: &Ctx<'_>,
        id: LogReviewId,
        seq: u64,
        mark: &str,
        note: &str,
    ) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::LogReviewMarked, LOG_REVIEW);
        self.door
            .change(op, async |w| {
                let (rec, grant) = open_review(w, ctx, id).await?;
                let mark = ReviewMark::from_code(mark.trim())
                    .ok_or_else(|| Fault::invalid("mark", InputReason::NotValid))?;
                let note = crate::operations::text("note", note, 1000)?;
                log_review::check_mark(mark, &note)?;
                let note = (!note.is_empty()).then_some(note);
                let now = DbInstant::new(w.now());
                if !w
                    .mark_log_review_entry(
                        rec.id,
                        seq,
                        mark,
                        note.as_deref(),
                        ctx.principal.user_id,
                        now,
                    )
                    .await?
                {
                    return Err(Fault::invalid("seq", LogReviewReason::NoSuchEntry));
                }
                w.succeeded(Some(&grant), |e| {
                    e.subject("log_review", id)
                        .details(serde_json::json!({ "seq": seq, "mark": mark.code() }).to_string())
                });
                Ok(())
            })
            .await
    }

    /// Signs a review off: refused while an entry is unmarked. A signed review is read-only.
    pub async fn sign_log_review(&self, ctx: &Ctx<'_>, id: LogReviewId) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::LogReviewSigned, LOG_REVIEW);
        self.door
            .change(op, async |w| {
                let (rec, grant) = open_review(w, ctx, id).await?;
                let marks: Vec<Option<ReviewMark>> = w
                    .list_log_review_entries(id)
                    .await?
                    .iter()
                    .map(|e| e.mark)
                    .collect();
                log_review::check_sign_off(&marks)?;
                let now = DbInstant::new(w.now());
                if !w.sign_log_review(id, ctx.principal.user_id, now).await? {
                    return Err(Fault::conflict(LogReviewReason::ReviewSigned));
                }
                let follow_ups = marks
                    .iter()
                    .filter(|m| **m == Some(ReviewMark::FollowUp))
                    .count();
                w.succeeded(Some(&grant), |e| {
                    e.subject("log_review", id).details(
                        serde_json::json!({
                            "entries": marks.len(),
                            "follow_ups": follow_ups,
                            "due_on": rec.due_on.to_string(),
                        })
                        .to_string(),
                    )
                });
                Ok(())
            })
            .await
    }

    /// A review on request: the caller names a user (username) or a client (personnummer) in
    /// their reach, a reason and a period; the review holds that user's or client's access
    /// entries of the period (at most [`MAX_REQUESTED`]), each with the rules it trips.
    pub async fn request_log_review(
        &self,
        ctx: &Ctx<'_>,
        input: ReviewRequestInput,
    ) -> ServiceResult<LogReviewId> {
        let today = self.today();
        let settings = self.review_settings().clone();
        let op = ctx.op(AuditAction::LogReviewCreated, LOG_REVIEW);
        self.door
            .change(op, async |w| {
                let grant = w.any_grant(Permission::AuditRead, LogReviewReason::MayNotReview)?;
                let username = input.username.trim();
                let personnummer = input.personnummer.trim();
                if username.is_empty() == personnummer.is_empty() {
                    return Err(Fault::invalid(
                        "username",
                        LogReviewReason::RequestNeedsSubject,
                    ));
                }
                let reason = crate::operations::text("reason", &input.reason, 500)?;
                if reason.is_empty() {
                    return Err(Fault::invalid(
                        "reason",
                        LogReviewReason::RequestNeedsReason,
                    ));
                }
                let from = crate::operations::parse_day("from", &input.from)?;
                let last = crate::operations::parse_day("to", &input.to)?;
                if last < from || from.checked_add(1.year()).is_ok_and(|y| last >= y) {
                    return Err(Fault::invalid("to", LogReviewReason::BadPeriod));
                }
                let to = last.tomorrow().unwrap_or(last);
                let reach = ctx.principal.reach(Permission::AuditRead);
                let (filter, subject_user, subject_client) = if username.is_empty() {
                    let identity = ClientIdentity::parse_official(personnummer, today)
                        .map_err(|e| Fault::invalid("personnummer", e.reason()))?;
                    let client = w
                        .find_client_by_identity(identity.as_str())
                        .await?
                        .ok_or_else(|| {
                            Fault::invalid("personnummer", LogReviewReason::NoSuchClient)
                        })?;
                    let summary = w.get_client_summary(client).await?.ok_or_else(|| {
                        Fault::invalid("personnummer", LogReviewReason::NoSuchClient)
                    })?;
                    let within = reach.everything
                        || summary.unit_id.is_some_and(|u| reach.units.contains(&u))
                        || summary
                            .provider_id
                            .is_some_and(|o| reach.organisations.contains(&o));
                    if !within {
                        return Err(Fault::invalid(
                            "personnummer",
                            LogReviewReason::NoSuchClient,
                        ));
                    }
                    (AccessFilter::Client(client), None, Some(client))
                } else {
                    let user = w
                        .get_user_by_username(username)
                        .await?
                        .ok_or_else(|| Fault::invalid("username", LogReviewReason::NoSuchUser))?;
                    let assignments = w.list_assignments(user.id).await?;
                    let within = reach.everything
                        || assignments.iter().any(|a| {
                            a.unit_id.is_some_and(|u| reach.units.contains(&u))
                                || reach.organisations.contains(&a.organisation_id)
                        });
                    if !within {
                        return Err(Fault::invalid("username", LogReviewReason::NoSuchUser));
                    }
                    (AccessFilter::User(user.id), Some(user.id), None)
                };
                let rows = w
                    .access_entries(
                        DbInstant::new(start_of(from)),
                        DbInstant::new(start_of(to)),
                        filter,
                        MAX_REQUESTED,
                    )
                    .await?;
                let coverage: BTreeSet<(UnitId, UnitId)> =
                    w.list_coverage().await?.into_iter().collect();
                let picked =
                    log_review::requested(&candidates(rows), &coverage, &settings, &stockholm());
                let entries = new_entries(picked);
                let id = LogReviewId::new();
                let record = LogReviewRecord {
                    id,
                    kind: ReviewKind::OnRequest,
                    unit_id: None,
                    period_from: from,
                    period_to: to,
                    subject_user,
                    subject_client,
                    reason: Some(reason.clone()),
                    seed: seed_of(id),
                    created_by: Some(ctx.principal.user_id),
                    created_at: w.now(),
                    due_on: today.checked_add(REQUEST_DUE_DAYS.days()).unwrap_or(today),
                    signed_by: None,
                    signed_at: None,
                    escalated_at: None,
                    entries: 0,
                    marked: 0,
                    follow_ups: 0,
                };
                w.insert_log_review(&record, &entries).await?;
                w.succeeded(Some(&grant), |e| {
                    let e = e.subject("log_review", id).details(
                        serde_json::json!({
                            "kind": "on_request",
                            "reason": reason,
                            "user": subject_user.map(|u| u.to_string()),
                            "from": from.to_string(),
                            "to": last.to_string(),
                            "entries": entries.len(),
                        })
                        .to_string(),
                    );
                    match subject_client {
                        Some(c) => e.client(c),
                        None => e,
                    }
                });
                Ok(id)
            })
            .await
    }
}

/// Loads a review the caller may work on: theirs to review and not signed.
async fn open_review(
    w: &mut impl Work<'_>,
    ctx: &Ctx<'_>,
    id: LogReviewId,
) -> Result<(LogReviewRecord, Assignment), Fault> {
    let rec = w
        .reads()
        .get_log_review(id)
        .await?
        .ok_or(Fault::not_found("log review"))?;
    let Some(grant) = review_grant(ctx.principal, &rec) else {
        return Err(w.denied(
            LogReviewReason::MayNotReview,
            Some(("log_review", id.to_string())),
        ));
    };
    if rec.signed_at.is_some() {
        return Err(Fault::conflict(LogReviewReason::ReviewSigned));
    }
    Ok((rec, grant))
}

async fn summary(
    r: &mut impl Work<'_>,
    p: &Principal,
    units: &BTreeMap<UnitId, String>,
    rec: LogReviewRecord,
    today: Date,
) -> Result<ReviewSummary, Fault> {
    let assignees = match (rec.kind, rec.unit_id, rec.created_by) {
        (ReviewKind::Monthly, Some(u), _) => r
            .reads()
            .users_with_role(Role::UnitManager, Some(u))
            .await?
            .into_iter()
            .map(|(_, n)| n)
            .collect(),
        (_, _, Some(by)) => r
            .reads()
            .get_user(by)
            .await?
            .map(|u| vec![u.display_name])
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let signed_by = match rec.signed_by {
        Some(u) => r.reads().get_user(u).await?.map(|u| u.display_name),
        None => None,
    };
    Ok(ReviewSummary {
        id: rec.id,
        kind: rec.kind,
        unit_id: rec.unit_id,
        unit: rec
            .unit_id
            .and_then(|u| units.get(&u).cloned())
            .unwrap_or_default(),
        period_from: rec.period_from,
        period_last: rec.period_to.yesterday().unwrap_or(rec.period_to),
        due_on: rec.due_on,
        assignees,
        reason: rec.reason.clone(),
        signed_at: rec.signed_at,
        signed_by,
        escalated_at: rec.escalated_at,
        overdue: log_review::overdue(rec.due_on, rec.signed_at.is_some(), today),
        entries: rec.entries,
        marked: rec.marked,
        follow_ups: rec.follow_ups,
        may_review: rec.signed_at.is_none() && review_grant(p, &rec).is_some(),
    })
}

fn entry_view(e: LogReviewEntryRecord) -> ReviewEntryView {
    ReviewEntryView {
        seq: e.seq,
        at: e.at,
        actor: e.actor_name.unwrap_or_default(),
        actor_username: e.actor_username.unwrap_or_default(),
        actor_role: e.actor_role,
        action: e.action.unwrap_or_default(),
        outcome: e.outcome,
        care_context: e.care_context.unwrap_or_default(),
        client: e.client_name.unwrap_or_default(),
        client_identity: e.client_identity.unwrap_or_default(),
        flags: e.flags,
        rules: e.rules,
        distinct_clients: e.distinct_clients,
        mark: e.mark,
        note: e.note.unwrap_or_default(),
        marked_at: e.marked_at,
    }
}

/// The quarterly summary of monthly reviews, per unit and quarter, newest first.
pub fn quarters(reviews: &[ReviewSummary]) -> Vec<QuarterRow> {
    let mut rows: BTreeMap<(std::cmp::Reverse<(i16, i8)>, String), QuarterRow> = BTreeMap::new();
    for r in reviews.iter().filter(|r| r.kind == ReviewKind::Monthly) {
        let (year, quarter) = log_review::quarter_of(r.period_from);
        let row = rows
            .entry((std::cmp::Reverse((year, quarter)), r.unit.clone()))
            .or_insert_with(|| QuarterRow {
                unit: r.unit.clone(),
                year,
                quarter,
                reviews: 0,
                entries: 0,
                follow_ups: 0,
                on_time: 0,
                late: 0,
                open: 0,
            });
        row.reviews += 1;
        row.entries += r.entries;
        row.follow_ups += r.follow_ups;
        match r.signed_at {
            Some(at) if crate::registry::day_of(at) <= r.due_on => row.on_time += 1,
            Some(_) => row.late += 1,
            None if r.overdue => row.late += 1,
            None => row.open += 1,
        }
    }
    rows.into_values().collect()
}

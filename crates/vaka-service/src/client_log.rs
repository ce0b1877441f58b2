//! The client's own log: on request from the client or a representative — or a manager after an
//! incident, with its reason — one extract across every module of what Vaka recorded about the
//! client over a period: who read or changed the record (the audit log), look-ins and
//! dispatches, alarms and how they were handled, home-care visits, door events, signings of
//! delegated tasks. The request itself is recorded: its audit entry names who asked, the
//! period, the reason and what the extract held. Taking it out needs the right that takes out
//! the supervision log (`SupervisionLogExport`), over the client.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::Serialize;
use vaka_domain::access::{Permission, Role};
use vaka_domain::alarm::{AlarmKind, CloseCause};
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::client_log::{ExtractRequest, Requester};
use vaka_domain::delegation::signing::{NotGivenReason, SignedTarget, SigningOutcome};
use vaka_domain::ids::{ClientId, PrescriptionId};
use vaka_domain::reason::AccessReason;
use vaka_store::AuditQuery;

use crate::delegation::delegations::Names;
use crate::door::Work;
use crate::error::WorkResult;
use crate::registry::{client_in_scope_for, stockholm};
use crate::supervision::log::{LogDoorEvent, LogRow, LogVisit, Trail, trail};
use crate::{Ctx, ServiceResult, Services};

/// The care context of the extract's audit entries.
pub(crate) const CLIENT_LOG: &str = "client_log";

/// The most audit entries one extract lists (the newest are kept; the extract says so).
pub const MAX_ACCESS_LINES: usize = 20_000;

/// Audit entries read per page.
const ACCESS_PAGE: i64 = 1_000;

/// One access to the client's record, from the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessLine {
    pub at: Timestamp,
    /// Who, by name (none for the system or the command line: see `credential`).
    pub who: Option<String>,
    /// The role the access came through.
    pub role: Option<Role>,
    /// For an entry without a user: how the system acted (`system`, `cli`).
    pub credential: Option<String>,
    pub action: AuditAction,
    pub outcome: Outcome,
    /// Under emergency access (nödåtkomst).
    pub emergency: bool,
}

/// A step in an alarm's handling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlarmStepLine {
    pub at: Timestamp,
    /// The step's code (`take`, `contact`, `dispatch`, `raised`, …).
    pub step: String,
    pub by: Option<String>,
    pub note: Option<String>,
}

/// One of the client's alarms with its handling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlarmLine {
    pub received_at: Timestamp,
    pub kind: AlarmKind,
    /// The finer category (`personal_alarm`, `low_battery`, …).
    pub category: String,
    /// The code as the device sent it.
    pub code: String,
    pub closed_at: Option<Timestamp>,
    pub cause: Option<CloseCause>,
    pub note: Option<String>,
    pub steps: Vec<AlarmStepLine>,
}

/// A signing of a delegated task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SigningLine {
    pub signed_at: Timestamp,
    pub task_name: String,
    /// The occasion signed (its day and prescribed time); none for an as-needed task.
    pub occasion: Option<(Date, Time)>,
    pub signer: String,
    pub outcome: SigningOutcome,
    pub not_given_reason: Option<NotGivenReason>,
    pub note: Option<String>,
    pub late: bool,
}

/// A client's log over a period, as extracted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientLog {
    pub client_id: ClientId,
    pub client_name: String,
    pub identity: String,
    pub request: ExtractRequest,
    pub generated_at: Timestamp,
    /// Who took the extract out.
    pub extracted_by: String,
    /// Accesses to the record, oldest first.
    pub access: Vec<AccessLine>,
    /// More accesses than [`MAX_ACCESS_LINES`] fell in the period: the oldest are left out.
    pub access_truncated: bool,
    pub supervision: Vec<LogRow>,
    pub alarms: Vec<AlarmLine>,
    pub visits: Vec<LogVisit>,
    pub doors: Vec<LogDoorEvent>,
    pub signings: Vec<SigningLine>,
}

/// The instant a Stockholm day starts.
fn day_start(d: Date) -> Timestamp {
    d.to_zoned(stockholm())
        .map_or(Timestamp::UNIX_EPOCH, |z| z.timestamp())
}

/// The audit entries about the client in `[start, end)`, oldest first, at most
/// [`MAX_ACCESS_LINES`] (the newest), and whether more there were.
async fn accesses<'a>(
    r: &mut impl Work<'a>,
    names: &mut Names,
    client: ClientId,
    start: Timestamp,
    end: Timestamp,
) -> WorkResult<(Vec<AccessLine>, bool)> {
    let mut out = Vec::new();
    let mut before_seq = None;
    let mut truncated = false;
    loop {
        let page = r
            .reads()
            .search_audit(&AuditQuery {
                client: Some(client),
                from: Some(start),
                to: Some(end),
                before_seq,
                limit: ACCESS_PAGE,
                ..AuditQuery::default()
            })
            .await?;
        let full = i64::try_from(page.len()).unwrap_or(i64::MAX) >= ACCESS_PAGE;
        before_seq = page.last().map(|e| e.seq);
        for e in page {
            if out.len() >= MAX_ACCESS_LINES {
                truncated = true;
                break;
            }
            let a = &e.new.actor;
            let who = match a.user_id {
                Some(u) => Some(names.user(r, u).await?),
                None => a.username.clone(),
            };
            out.push(AccessLine {
                at: e.new.at,
                credential: if a.user_id.is_none() {
                    a.credential.clone()
                } else {
                    None
                },
                who,
                role: a.role,
                action: e.new.action,
                outcome: e.new.outcome,
                emergency: e.new.flags.emergency_access,
            });
        }
        if truncated || !full || before_seq.is_none() {
            break;
        }
    }
    out.reverse();
    Ok((out, truncated))
}

/// The client's alarms received in `[start, end)` with their handling.
async fn alarms<'a>(
    r: &mut impl Work<'a>,
    names: &mut Names,
    client: ClientId,
    start: Timestamp,
    end: Timestamp,
) -> WorkResult<Vec<AlarmLine>> {
    let mut out = Vec::new();
    for a in r
        .reads()
        .list_client_alarms_between(client, start, end)
        .await?
    {
        let mut steps = Vec::new();
        for s in r.reads().list_alarm_log(a.id).await? {
            let by = match s.user_id {
                Some(u) => Some(names.user(r, u).await?),
                None => None,
            };
            steps.push(AlarmStepLine {
                at: s.at,
                step: s.step,
                by,
                note: s.note,
            });
        }
        out.push(AlarmLine {
            received_at: a.alarm.received_at,
            kind: a.alarm.kind,
            category: a.category,
            code: a.code,
            closed_at: a.alarm.closed_at,
            cause: a.cause,
            note: a.note,
            steps,
        });
    }
    Ok(out)
}

/// The client's signings dated `from..=to`.
async fn signings<'a>(
    r: &mut impl Work<'a>,
    names: &mut Names,
    client: ClientId,
    from: Date,
    to: Date,
) -> WorkResult<Vec<SigningLine>> {
    let signings = r.reads().list_signings_for_client(client, from, to).await?;
    if signings.is_empty() {
        return Ok(Vec::new());
    }
    let list = crate::delegation::licences::task_types(r.reads()).await?;
    let tasks: HashMap<PrescriptionId, String> = r
        .reads()
        .list_prescriptions_for_client(client)
        .await?
        .into_iter()
        .map(|p| {
            let name = crate::delegation::licences::task_label(&list, &p.terms.task_type).0;
            (p.id, name)
        })
        .collect();
    let mut out = Vec::with_capacity(signings.len());
    for s in signings {
        let (pid, occasion) = match s.target {
            SignedTarget::Occasion(k) => (k.prescription_id, Some((k.date, k.time))),
            SignedTarget::AsNeeded(p) => (p, None),
        };
        out.push(SigningLine {
            signed_at: s.signed_at,
            task_name: tasks.get(&pid).cloned().unwrap_or_default(),
            occasion,
            signer: names.user(r, s.signer).await?,
            outcome: s.outcome,
            not_given_reason: s.draft.not_given_reason,
            note: s.draft.note.clone(),
            late: s.late,
        });
    }
    Ok(out)
}

impl Services {
    /// Extracts a client's own log for the days `from..=to`, asked for by `requested_by` with
    /// `reason` (required after an incident). A request that breaks a rule is refused before
    /// anything is read or recorded; a taken-out extract is audited with the request.
    pub async fn client_log(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        from: Date,
        to: Date,
        requested_by: Requester,
        reason: &str,
    ) -> ServiceResult<ClientLog> {
        let request = ExtractRequest::new(from, to, requested_by, reason, self.today())?;
        let op = ctx.op(AuditAction::ClientLogExtracted, CLIENT_LOG);
        self.door
            .read(op, async |r| {
                let (c, grant) = client_in_scope_for(
                    r,
                    client,
                    Permission::SupervisionLogExport,
                    AccessReason::OutsideNeedToKnow,
                )
                .await?;
                let start = day_start(from);
                let end = day_start(to.tomorrow().unwrap_or(to));
                let mut names = Names::default();
                let extracted_by = names.user(r, ctx.principal.user_id).await?;
                let (access, access_truncated) =
                    accesses(r, &mut names, client, start, end).await?;
                let Trail {
                    rows,
                    visits,
                    doors,
                } = trail(r, client, from, to).await?;
                let alarms = alarms(r, &mut names, client, start, end).await?;
                let signings = signings(r, &mut names, client, from, to).await?;
                let entry = r.client_entry(Outcome::Success, Some(&grant), &c).details(
                    serde_json::json!({
                        "requested_by": requested_by.code(),
                        "reason": request.reason,
                        "from": from.to_string(),
                        "to": to.to_string(),
                        "access": access.len(),
                        "access_truncated": access_truncated,
                        "supervisions": rows.len(),
                        "alarms": alarms.len(),
                        "visits": visits.len(),
                        "door_events": doors.len(),
                        "signings": signings.len(),
                    })
                    .to_string(),
                );
                r.record(entry);
                Ok(ClientLog {
                    client_id: c.id,
                    client_name: c.name,
                    identity: c.identity.to_string(),
                    request,
                    generated_at: r.now(),
                    extracted_by,
                    access,
                    access_truncated,
                    supervision: rows,
                    alarms,
                    visits,
                    doors,
                    signings,
                })
            })
            .await
    }
}

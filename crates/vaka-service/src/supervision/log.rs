//! A client's supervision log for a period: what the municipality promises the client it can
//! show. Per planned supervision: the planned time, how it ended, every look-in (when, how long,
//! who, what was seen, whether a re-check) and any dispatch with its response times. Extracting
//! it is audited. The client's home-care visits of the same days, with their corrections, are
//! part of the trail.

use std::collections::HashMap;

use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use vaka_domain::access::Permission;
use vaka_domain::audit::AuditAction;
use vaka_domain::ids::{ClientId, UserId};
use vaka_domain::reason::SupervisionReason;
use vaka_domain::rounds::TaskKind;
use vaka_domain::supervision::{Dispatch, DispatchCause, Outcome};

use super::{SUPERVISION, client_in_scope};
use crate::door::Work;
use crate::error::WorkResult;
use crate::registry::stockholm;
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// The longest period one extract covers.
pub const MAX_DAYS: i64 = 366;

/// One look-in as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogLookIn {
    pub started_at: Timestamp,
    /// How long the picture was shown, when its end is known.
    pub seconds: Option<i64>,
    pub operator: String,
    pub outcome: Option<Outcome>,
    pub recheck: bool,
}

/// One planned supervision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogRow {
    pub night: Date,
    pub planned_time: Time,
    pub due: Timestamp,
    pub kind: TaskKind,
    /// The task's state code (see [`vaka_domain::supervision::TaskState::code`]).
    pub state: &'static str,
    pub look_ins: Vec<LogLookIn>,
    pub dispatch: Option<LogDispatch>,
}

/// The dispatch of a supervision, with its response times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogDispatch {
    pub cause: DispatchCause,
    pub created_at: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
    pub arrived_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub response_minutes: Option<i64>,
    pub response_target_minutes: u16,
    pub close_note: Option<String>,
    /// What was seen that sent staff.
    pub note: Option<String>,
}

impl From<&Dispatch> for LogDispatch {
    fn from(d: &Dispatch) -> Self {
        Self {
            cause: d.cause,
            created_at: d.created_at,
            acknowledged_at: d.acknowledged_at,
            arrived_at: d.arrived_at,
            closed_at: d.closed_at,
            response_minutes: d.response_time().map(|r| r.as_secs() / 60),
            response_target_minutes: d.response_target_minutes,
            close_note: d.close_note.clone(),
            note: d.note.clone(),
        }
    }
}

/// A client's log for the nights `from..=to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupervisionLog {
    pub client_id: ClientId,
    pub client_name: String,
    pub identity: String,
    pub from: Date,
    pub to: Date,
    pub generated_at: Timestamp,
    pub rows: Vec<LogRow>,
    /// Home-care visits dated `from..=to`, with their corrections.
    pub visits: Vec<LogVisit>,
    /// What the client's door locks reported from the first day's start to the last day's end
    /// (Stockholm), oldest first: who opened, on which visit or alarm.
    pub doors: Vec<LogDoorEvent>,
}

/// A lock event on the client's trail ("door opened 02:14 by Johan").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogDoorEvent {
    /// By the lock's clock.
    pub at: Timestamp,
    /// The event's code (`unlocked`, `locked`, `refused`, …).
    pub kind: &'static str,
    /// Who opened, for an unlock.
    pub by: Option<String>,
    /// The unlock was for a visit (its worker's).
    pub visit: bool,
    pub alarm_id: Option<vaka_domain::ids::AlarmId>,
    /// For a refusal: the lock's reason code.
    pub detail: Option<String>,
}

/// A home-care visit as the client's trail shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogVisit {
    pub date: Date,
    pub kind: vaka_domain::homecare::visit::VisitKind,
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    pub worker: String,
    pub tasks: Vec<vaka_domain::homecare::CareTask>,
    pub start_evidence: vaka_domain::homecare::visit::EvidenceKind,
    pub end_evidence: Option<vaka_domain::homecare::visit::EvidenceKind>,
    pub late_sync: bool,
    pub clock_skew: bool,
    pub corrections: Vec<LogCorrection>,
}

/// A correction of a visit, as the trail shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogCorrection {
    pub at: Timestamp,
    pub by: String,
    pub field: vaka_domain::homecare::visit::CorrectionField,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: vaka_domain::homecare::visit::CorrectionReason,
    pub text: String,
}

/// Checks the period of an extract.
pub fn check_period(from: Date, to: Date) -> ServiceResult<()> {
    if to < from {
        return Err(ServiceError::invalid(
            "to",
            SupervisionReason::PeriodEndsBeforeStart,
        ));
    }
    if from
        .until(to)
        .map_or(true, |s| i64::from(s.get_days()) > MAX_DAYS)
    {
        return Err(ServiceError::invalid(
            "to",
            SupervisionReason::ExtractTooLong { nights: MAX_DAYS },
        ));
    }
    Ok(())
}

/// What the client's trail holds for `from..=to`: its supervisions with their look-ins and
/// dispatches, its home-care visits with their corrections, its door events.
pub(crate) struct Trail {
    pub rows: Vec<LogRow>,
    pub visits: Vec<LogVisit>,
    pub doors: Vec<LogDoorEvent>,
}

/// Gathers the client's trail for the nights (visits: the days) `from..=to`; the caller has
/// checked its right to it and records the audit entry.
pub(crate) async fn trail<'a>(
    r: &mut impl Work<'a>,
    client: ClientId,
    from: Date,
    to: Date,
) -> WorkResult<Trail> {
    let tz = stockholm();
    // A night's look-ins fall between noon of its evening and noon the day after.
    let noon = |d: Date| {
        d.at(12, 0, 0, 0)
            .to_zoned(tz.clone())
            .map_or(Timestamp::UNIX_EPOCH, |z| z.timestamp())
    };
    let start = noon(from);
    let end = noon(to.tomorrow().unwrap_or(to)) + SignedDuration::from_hours(6);
    let tasks = r.reads().list_client_tasks(client, from, to).await?;
    let mut look_ins: HashMap<_, Vec<_>> = HashMap::new();
    for l in r.reads().list_client_look_ins(client, start, end).await? {
        look_ins.entry(l.task_id).or_default().push(l);
    }
    let dispatches: HashMap<_, _> = r
        .reads()
        .list_client_dispatches(client, start, end)
        .await?
        .into_iter()
        .map(|d| (d.task_id, d))
        .collect();
    let mut names: HashMap<UserId, String> = HashMap::new();
    let mut rows = Vec::with_capacity(tasks.len());
    for t in tasks {
        let mut shown = Vec::new();
        for l in look_ins.remove(&t.id).unwrap_or_default() {
            if let std::collections::hash_map::Entry::Vacant(e) = names.entry(l.operator) {
                let name = r
                    .reads()
                    .get_user(l.operator)
                    .await?
                    .map(|u| u.display_name)
                    .unwrap_or_default();
                e.insert(name);
            }
            shown.push(LogLookIn {
                started_at: l.started_at,
                seconds: l.ended_at.map(|e| e.duration_since(l.started_at).as_secs()),
                operator: names[&l.operator].clone(),
                outcome: l.outcome,
                recheck: l.recheck,
            });
        }
        rows.push(LogRow {
            night: t.night,
            planned_time: t.planned_time,
            due: t.due,
            kind: t.kind,
            state: t.state.code(),
            look_ins: shown,
            dispatch: dispatches.get(&t.id).map(LogDispatch::from),
        });
    }
    let (lines, corrections) = crate::homecare::manage::client_visits(r, client, from, to).await?;
    let mut visits = Vec::with_capacity(lines.len());
    for l in lines {
        let v = &l.visit;
        let mut cs = Vec::new();
        for k in corrections.iter().filter(|k| k.visit_id == v.id) {
            if let std::collections::hash_map::Entry::Vacant(e) = names.entry(k.by) {
                let name = r
                    .reads()
                    .get_user(k.by)
                    .await?
                    .map(|u| u.display_name)
                    .unwrap_or_default();
                e.insert(name);
            }
            cs.push(LogCorrection {
                at: k.at,
                by: names[&k.by].clone(),
                field: k.field,
                old_value: k.old_value.clone(),
                new_value: k.new_value.clone(),
                reason: k.reason,
                text: k.text.clone(),
            });
        }
        visits.push(LogVisit {
            date: v.date,
            kind: v.kind,
            started_at: v.started_at(),
            ended_at: v.ended_at(),
            worker: l.worker_name.clone(),
            tasks: v.tasks_done.clone(),
            start_evidence: v.start.evidence.kind(),
            end_evidence: v.end.map(|e| e.evidence.kind()),
            late_sync: v.late_sync(),
            clock_skew: v.clock_skew(),
            corrections: cs,
        });
    }
    let midnight = |d: Date| {
        d.to_zoned(tz.clone())
            .map_or(Timestamp::UNIX_EPOCH, |z| z.timestamp())
    };
    let mut doors = Vec::new();
    for e in r
        .reads()
        .list_client_lock_events_between(
            client,
            midnight(from),
            midnight(to.tomorrow().unwrap_or(to)),
        )
        .await?
    {
        let by = match e.user_id {
            Some(u) => {
                if let std::collections::hash_map::Entry::Vacant(v) = names.entry(u) {
                    let name = r
                        .reads()
                        .get_user(u)
                        .await?
                        .map(|u| u.display_name)
                        .unwrap_or_default();
                    v.insert(name);
                }
                Some(names[&u].clone())
            }
            None => None,
        };
        doors.push(LogDoorEvent {
            at: e.at,
            kind: e.kind.code(),
            by,
            visit: e.visit_id.is_some(),
            alarm_id: e.alarm_id,
            detail: e.detail,
        });
    }
    Ok(Trail {
        rows,
        visits,
        doors,
    })
}

impl Services {
    /// Extracts a client's supervision log for the nights `from..=to`; `format` (csv, pdf,
    /// json) is recorded in the audit entry.
    pub async fn supervision_log(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        from: Date,
        to: Date,
        format: &str,
    ) -> ServiceResult<SupervisionLog> {
        check_period(from, to)?;
        let op = ctx.op(AuditAction::SupervisionLogExported, SUPERVISION);
        self.door
            .read(op, async |r| {
                let (c, grant) =
                    client_in_scope(r, client, Permission::SupervisionLogExport).await?;
                let Trail {
                    rows,
                    visits,
                    doors,
                } = trail(r, client, from, to).await?;
                let entry = r
                    .client_entry(vaka_domain::audit::Outcome::Success, Some(&grant), &c)
                    .details(
                        serde_json::json!({
                            "from": from.to_string(),
                            "to": to.to_string(),
                            "format": format,
                            "rows": rows.len(),
                            "visits": visits.len(),
                            "door_events": doors.len(),
                        })
                        .to_string(),
                    );
                r.record(entry);
                Ok(SupervisionLog {
                    client_id: c.id,
                    client_name: c.name,
                    identity: c.identity.to_string(),
                    from,
                    to,
                    generated_at: r.now(),
                    rows,
                    visits,
                    doors,
                })
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_period_is_checked() {
        assert!(check_period(date(2026, 1, 1), date(2026, 12, 31)).is_ok());
        assert!(check_period(date(2026, 1, 2), date(2026, 1, 1)).is_err());
        assert!(check_period(date(2026, 1, 1), date(2027, 1, 3)).is_err());
        assert!(check_period(date(2026, 1, 1), date(2026, 1, 1)).is_ok());
    }
}

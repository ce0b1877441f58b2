//! Night-supervision statistics per unit and month, for the units in the caller's scope. No
//! personal data leaves here: only counts. The read is audited all the same.

use std::collections::HashMap;

use jiff::civil::Date;
use serde::Serialize;
use vaka_domain::access::{Permission, Target};
use vaka_domain::audit::{AuditAction, Outcome as AuditOutcome};
use vaka_domain::reason::SupervisionReason;
use vaka_domain::statistics::{TaskFacts, UnitMonth, summarise};
use vaka_domain::supervision::Outcome;

use super::SUPERVISION;
use crate::door::Work;
use crate::registry::stockholm;
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// At most this many months in one report.
pub const MAX_MONTHS: i32 = 24;

/// Statistics for the months `from..=to` (first days of months).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statistics {
    pub from: Date,
    pub to: Date,
    pub rows: Vec<UnitMonth>,
}

/// The months of a report, `from`'s to `to`'s (first days of months): in order, and at most
/// [`MAX_MONTHS`] of them.
pub(crate) fn report_months(from: Date, to: Date) -> ServiceResult<(Date, Date)> {
    let (from, to) = (from.first_of_month(), to.first_of_month());
    if to < from {
        return Err(ServiceError::invalid(
            "to",
            SupervisionReason::PeriodEndsBeforeStart,
        ));
    }
    let months = (i32::from(to.year()) - i32::from(from.year())) * 12 + i32::from(to.month())
        - i32::from(from.month());
    if months >= MAX_MONTHS {
        return Err(ServiceError::invalid(
            "to",
            SupervisionReason::ReportTooLong { months: MAX_MONTHS },
        ));
    }
    Ok((from, to))
}

impl Services {
    /// Statistics per unit and month for the months from `from`'s to `to`'s (inclusive).
    pub async fn supervision_statistics(
        &self,
        ctx: &Ctx<'_>,
        from: Date,
        to: Date,
    ) -> ServiceResult<Statistics> {
        let (from, to) = report_months(from, to)?;
        let op = ctx.op(AuditAction::StatisticsRead, SUPERVISION);
        self.door
            .read(op, async |r| {
                let grant = r.any_grant(Permission::StatisticsRead, SupervisionReason::MayNotReadStatistics)?;
                let reach = ctx.principal.reach(Permission::StatisticsRead);
                let last = to.last_of_month();
                let tz = stockholm();
                let noon = |d: Date| {
                    d.at(12, 0, 0, 0)
                        .to_zoned(tz.clone())
                        .map_or(jiff::Timestamp::UNIX_EPOCH, |z| z.timestamp())
                };
                let (start, end) = (
                    noon(from),
                    noon(last.tomorrow().unwrap_or(last)) + jiff::SignedDuration::from_hours(6),
                );
                let tasks = r.list_tasks_with_units(from, last).await?;
                let mut first_look: HashMap<_, jiff::Timestamp> = HashMap::new();
                let mut not_visible: HashMap<_, u32> = HashMap::new();
                for l in r.list_look_ins_between(start, end).await? {
                    first_look
                        .entry(l.task_id)
                        .and_modify(|t| *t = (*t).min(l.started_at))
                        .or_insert(l.started_at);
                    if l.outcome == Some(Outcome::NotVisible) {
                        *not_visible.entry(l.task_id).or_default() += 1;
                    }
                }
                let dispatches: HashMap<_, _> = r
                    .list_dispatches_between(start, end)
                    .await?
                    .into_iter()
                    .map(|d| (d.task_id, (d.cause, d.response_time())))
                    .collect();
                let facts: Vec<TaskFacts> = tasks
                    .into_iter()
                    .filter(|(_, provider, unit)| {
                        reach.everything
                            || provider.is_some_and(|p| {
                                reach.covers(Target {
                                    organisation: p,
                                    units: unit.as_slice(),
                                })
                            })
                    })
                    .map(|(t, _, unit)| TaskFacts {
                        unit,
                        night: t.night,
                        kind: t.kind,
                        due: t.due,
                        state: t.state,
                        first_look_in: first_look.get(&t.id).copied(),
                        not_visible: not_visible.get(&t.id).copied().unwrap_or(0),
                        dispatch: dispatches.get(&t.id).copied(),
                    })
                    .collect();
                let rows = summarise(&facts);
                let mut entry = r.entry(AuditOutcome::Success, Some(&grant)).details(
                    serde_json::json!({ "from": from.to_string(), "to": to.to_string(), "rows": rows.len() })
                        .to_string(),
                );
                entry.subject_kind = Some("statistics".into());
                r.record(entry);
                Ok(Statistics { from, to, rows })
            })
            .await
    }
}

#[cfg(test)]
mod report_months_tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_report_is_whole_months_in_order_and_at_most_two_years() {
        assert_eq!(
            report_months(date(2026, 3, 17), date(2026, 5, 2)).unwrap(),
            (date(2026, 3, 1), date(2026, 5, 1))
        );
        assert!(report_months(date(2026, 5, 1), date(2026, 4, 30)).is_err());
        assert!(report_months(date(2025, 1, 1), date(2026, 12, 31)).is_ok());
        assert!(report_months(date(2025, 1, 1), date(2027, 1, 1)).is_err());
    }
}

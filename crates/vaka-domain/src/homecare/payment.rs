//! The provider's payment basis: per month, client and task, the time performed against the
//! time granted.
//!
//! A visit's minutes (start to end, as corrected) are shared among the tasks ticked on it,
//! equally, the odd minutes to the first tasks in code order; a visit with no task ticked
//! counts for the plan's tasks, and one without either counts as `unspecified` time of no
//! task. The municipality's rule ([`PaymentRule`]) decides what is paid: the performed time
//! capped at the granted time (the default), the performed time, or the granted time.
//!
//! Granted time is prorated by the days of the month the decision holds ([`days_valid`]): a
//! decision that starts or ends within the month grants only its share of the month
//! ([`GrantedTask::minutes_for_days`]).

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use super::{CareTask, GrantedTask};
use crate::ids::ClientId;

/// What the provider is paid for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum PaymentRule {
    /// Performed time, at most the granted time (per client and task).
    #[default]
    PerformedCapped,
    /// Performed time, whatever was granted.
    Performed,
    /// Granted time, whatever was performed.
    Granted,
}

crate::impl_codes!(PaymentRule);

/// Minutes of one visit, for the basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerformedVisit {
    pub client_id: ClientId,
    pub minutes: i64,
    /// The tasks ticked (or, when none were, the plan's).
    pub tasks: Vec<CareTask>,
}

/// A task a decision grants, and on how many days of the month the decision holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantInMonth {
    pub task: GrantedTask,
    /// The days of the month the decision is valid ([`days_valid`]).
    pub days: i8,
}

/// The days of the month `first..=last` on which a decision valid from `from` through `until`
/// (inclusive; `None`: open-ended) holds; 0 when they do not meet.
pub fn days_valid(first: Date, last: Date, from: Date, until: Option<Date>) -> i8 {
    let start = first.max(from);
    let end = until.map_or(last, |u| last.min(u));
    if end < start {
        return 0;
    }
    let days = end.since(start).map_or(0, |s| s.get_days()) + 1;
    i8::try_from(days).unwrap_or(0)
}

/// One line of the basis: a client's task in the month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BasisLine {
    pub client_id: ClientId,
    /// `None`: time of visits with no task.
    pub task: Option<CareTask>,
    pub granted_minutes: i64,
    pub performed_minutes: i64,
    pub paid_minutes: i64,
}

/// Shares a visit's minutes among its tasks (equally; the odd minutes to the first ones).
pub fn share(minutes: i64, tasks: &[CareTask]) -> Vec<(Option<CareTask>, i64)> {
    let mut t = tasks.to_vec();
    t.sort();
    t.dedup();
    if t.is_empty() {
        return vec![(None, minutes)];
    }
    let n = i64::try_from(t.len()).unwrap_or(1);
    let (each, rest) = (minutes / n, minutes % n);
    t.into_iter()
        .enumerate()
        .map(|(i, task)| {
            let extra = i64::from(i64::try_from(i).unwrap_or(i64::MAX) < rest);
            (Some(task), each + extra)
        })
        .collect()
}

/// The month's basis: for each client, the granted tasks (minutes of the days the decision
/// holds, see [`GrantedTask::minutes_for_days`]) and the visits performed, as lines ordered by
/// client and task; a task performed but not granted has a line with 0 granted.
pub fn basis(
    granted: &BTreeMap<ClientId, Vec<GrantInMonth>>,
    visits: &[PerformedVisit],
    days_in_month: i8,
    rule: PaymentRule,
) -> Vec<BasisLine> {
    let mut lines: BTreeMap<(ClientId, Option<CareTask>), (i64, i64)> = BTreeMap::new();
    for (client, tasks) in granted {
        for g in tasks {
            lines.entry((*client, Some(g.task.task))).or_default().0 +=
                i64::from(g.task.minutes_for_days(days_in_month, g.days));
        }
    }
    for v in visits {
        for (task, m) in share(v.minutes, &v.tasks) {
            lines.entry((v.client_id, task)).or_default().1 += m;
        }
    }
    lines
        .into_iter()
        .map(
            |((client_id, task), (granted_minutes, performed_minutes))| BasisLine {
                client_id,
                task,
                granted_minutes,
                performed_minutes,
                paid_minutes: match rule {
                    PaymentRule::PerformedCapped => performed_minutes.min(granted_minutes),
                    PaymentRule::Performed => performed_minutes,
                    PaymentRule::Granted => granted_minutes,
                },
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::homecare::GrantPeriod;

    #[test]
    fn sharing_a_visit() {
        assert_eq!(
            share(31, &[CareTask::Shower, CareTask::Meals]),
            vec![(Some(CareTask::Meals), 16), (Some(CareTask::Shower), 15)]
        );
        assert_eq!(share(20, &[]), vec![(None, 20)]);
        let total: i64 = share(47, &[CareTask::Meals, CareTask::Shower, CareTask::Cleaning])
            .iter()
            .map(|x| x.1)
            .sum();
        assert_eq!(total, 47, "no minute lost");
    }

    #[test]
    fn capped_at_granted() {
        let a = ClientId::new();
        let whole = |task| GrantInMonth { task, days: 30 };
        let granted = BTreeMap::from([(
            a,
            vec![
                whole(GrantedTask {
                    task: CareTask::Meals,
                    minutes: 70,
                    per: GrantPeriod::Week,
                }),
                whole(GrantedTask {
                    task: CareTask::Cleaning,
                    minutes: 60,
                    per: GrantPeriod::Month,
                }),
            ],
        )]);
        let visits = vec![
            PerformedVisit {
                client_id: a,
                minutes: 200,
                tasks: vec![CareTask::Meals],
            },
            PerformedVisit {
                client_id: a,
                minutes: 400,
                tasks: vec![CareTask::Cleaning],
            },
            PerformedVisit {
                client_id: a,
                minutes: 10,
                tasks: vec![CareTask::Shower],
            },
        ];
        let lines = basis(&granted, &visits, 30, PaymentRule::PerformedCapped);
        let get = |t: CareTask| lines.iter().find(|l| l.task == Some(t)).unwrap().clone();
        // Meals: 70/week over 30 days = 300 granted; 200 performed; paid 200.
        assert_eq!(get(CareTask::Meals).granted_minutes, 300);
        assert_eq!(get(CareTask::Meals).paid_minutes, 200);
        // Cleaning: 60 granted, 400 performed, capped at 60.
        assert_eq!(get(CareTask::Cleaning).paid_minutes, 60);
        // Shower not granted: performed 10, paid 0.
        assert_eq!(get(CareTask::Shower).granted_minutes, 0);
        assert_eq!(get(CareTask::Shower).paid_minutes, 0);
        let uncapped = basis(&granted, &visits, 30, PaymentRule::Performed);
        assert_eq!(
            uncapped
                .iter()
                .find(|l| l.task == Some(CareTask::Cleaning))
                .unwrap()
                .paid_minutes,
            400
        );
        let by_grant = basis(&granted, &visits, 30, PaymentRule::Granted);
        assert_eq!(
            by_grant
                .iter()
                .find(|l| l.task == Some(CareTask::Meals))
                .unwrap()
                .paid_minutes,
            300
        );
    }

    #[test]
    fn days_a_decision_holds_in_a_month() {
        use jiff::civil::date;
        let (first, last) = (date(2026, 11, 1), date(2026, 11, 30));
        assert_eq!(days_valid(first, last, date(2026, 1, 1), None), 30);
        // Starts on the 16th: 15 days; ends on the 10th: 10 days; both: the 5th..=the 14th.
        assert_eq!(days_valid(first, last, date(2026, 11, 16), None), 15);
        assert_eq!(
            days_valid(first, last, date(2026, 1, 1), Some(date(2026, 11, 10))),
            10
        );
        assert_eq!(
            days_valid(first, last, date(2026, 11, 5), Some(date(2026, 11, 14))),
            10
        );
        // One day; none (ended before, starts after).
        assert_eq!(
            days_valid(first, last, date(2026, 11, 30), Some(date(2027, 1, 1))),
            1
        );
        assert_eq!(
            days_valid(first, last, date(2026, 1, 1), Some(date(2026, 10, 31))),
            0
        );
        assert_eq!(days_valid(first, last, date(2026, 12, 1), None), 0);
    }

    #[test]
    fn a_decision_starting_or_ending_mid_month_grants_its_share() {
        let a = ClientId::new();
        let weekly = GrantedTask {
            task: CareTask::Meals,
            minutes: 70,
            per: GrantPeriod::Week,
        };
        let monthly = GrantedTask {
            task: CareTask::Cleaning,
            minutes: 120,
            per: GrantPeriod::Month,
        };
        // From the 16th of a 30-day month: 15 days.
        let granted = BTreeMap::from([(
            a,
            vec![
                GrantInMonth {
                    task: weekly,
                    days: 15,
                },
                GrantInMonth {
                    task: monthly,
                    days: 15,
                },
            ],
        )]);
        let visits = vec![PerformedVisit {
            client_id: a,
            minutes: 200,
            tasks: vec![CareTask::Meals],
        }];
        let lines = basis(&granted, &visits, 30, PaymentRule::PerformedCapped);
        let get = |t: CareTask| lines.iter().find(|l| l.task == Some(t)).unwrap().clone();
        // 70 a week over 15 days: 150; 120 a month over half of it: 60.
        assert_eq!(get(CareTask::Meals).granted_minutes, 150);
        assert_eq!(
            get(CareTask::Meals).paid_minutes,
            150,
            "capped at the share"
        );
        assert_eq!(get(CareTask::Cleaning).granted_minutes, 60);
        // A decision ending on the 10th and its successor from the 11th (another grant): the
        // month sums both shares.
        let two = BTreeMap::from([(
            a,
            vec![
                GrantInMonth {
                    task: weekly,
                    days: 10,
                },
                GrantInMonth {
                    task: GrantedTask {
                        minutes: 140,
                        ..weekly
                    },
                    days: 20,
                },
            ],
        )]);
        let lines = basis(&two, &[], 30, PaymentRule::PerformedCapped);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].granted_minutes, 100 + 400);
        // The whole month is the whole grant, also for a monthly grant.
        assert_eq!(monthly.minutes_for_days(31, 31), 120);
        assert_eq!(
            monthly.minutes_for_days(31, 40),
            120,
            "never more than the month"
        );
        assert_eq!(monthly.minutes_for_days(31, 0), 0);
        assert_eq!(weekly.minutes_for_days(28, 28), weekly.minutes_in_month(28));
    }
}

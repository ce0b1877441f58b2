//! Home-care execution (DOMAIN.md §3): what a home-care decision grants, the visit plans a
//! provider's unit makes from it, each day's planned visits, and the visits performed.
//!
//! - [`GrantedTask`]: a decision on home care (`ServiceKind::HomeCare`, SoL) grants tasks
//!   (insatser) from the coded list [`CareTask`], each with minutes per week or month.
//! - [`plan`]: a [`plan::VisitPlan`] (weekdays, a local time window, tasks, expected minutes,
//!   valid from/to, the unit) and [`plan::plan_day`], which turns a day's plans into
//!   [`plan::PlannedVisit`]s placed in Europe/Stockholm, DST-correct.
//! - [`visit`]: a [`visit::Visit`] as registered by the staff app (device time and receipt time,
//!   the evidence of each end, late-sync and clock-skew flags), corrections with a reason,
//!   the week's confirmation and approval, and the lock date.
//! - [`payment`]: the provider's monthly payment basis (performed against granted time).

pub mod payment;
pub mod plan;
pub mod visit;

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::reason::HomecareReason;
use crate::{DomainError, DomainResult};

/// A task of home care (insats), by code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum CareTask {
    PersonalCare,
    Meals,
    MealDelivery,
    Shopping,
    Cleaning,
    Laundry,
    MedicationReminder,
    Supervision,
    Escort,
    Shower,
}

crate::impl_codes!(CareTask);

/// The period a granted time is counted over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum GrantPeriod {
    Week,
    Month,
}

crate::impl_codes!(GrantPeriod);

/// The most minutes a task can be granted for one period (a whole week, every minute of it).
pub const MAX_GRANTED_MINUTES: u32 = 7 * 24 * 60 * 5;

/// One task a home-care decision grants, with its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GrantedTask {
    pub task: CareTask,
    /// Minutes granted per `per`.
    pub minutes: u32,
    pub per: GrantPeriod,
}

impl GrantedTask {
    /// The granted minutes for a month of `days_in_month` days: a monthly grant as it is, a
    /// weekly one pro rata (minutes × days / 7, rounded to the nearest minute).
    pub fn minutes_in_month(&self, days_in_month: i8) -> u32 {
        self.minutes_for_days(days_in_month, days_in_month)
    }

    /// The granted minutes for `days` days of a month of `days_in_month` days (a decision that
    /// starts or ends within the month): a weekly grant pro rata over the days (minutes × days
    /// / 7), a monthly one pro rata over the month (minutes × days / days of the month), each
    /// rounded to the nearest minute; the whole month gives the whole grant.
    pub fn minutes_for_days(&self, days_in_month: i8, days: i8) -> u32 {
        let month = u32::try_from(days_in_month).unwrap_or(30).max(1);
        let days = u32::try_from(days).unwrap_or(0).min(month);
        match self.per {
            GrantPeriod::Month if days == month => self.minutes,
            GrantPeriod::Month => (self.minutes * days + month / 2) / month,
            GrantPeriod::Week => (self.minutes * days + 3) / 7,
        }
    }
}

/// The rules of a home-care decision's tasks: at least one, each once, each with 1 minute up
/// to [`MAX_GRANTED_MINUTES`].
pub fn check_granted_tasks(tasks: &[GrantedTask]) -> DomainResult<()> {
    if tasks.is_empty() {
        return Err(DomainError::invalid("tasks", HomecareReason::TasksRequired));
    }
    for (i, t) in tasks.iter().enumerate() {
        if tasks[..i].iter().any(|o| o.task == t.task) {
            return Err(DomainError::invalid("tasks", HomecareReason::TaskTwice));
        }
        if t.minutes == 0 || t.minutes > MAX_GRANTED_MINUTES {
            return Err(DomainError::invalid(
                "tasks",
                HomecareReason::GrantedMinutesOutOfRange {
                    max: MAX_GRANTED_MINUTES,
                },
            ));
        }
    }
    Ok(())
}

/// Task codes as stored: `personal_care,meals`.
pub fn tasks_to_text(tasks: &[CareTask]) -> String {
    tasks.iter().map(|t| t.code()).collect::<Vec<_>>().join(",")
}

/// Task codes from their stored or typed form (commas or spaces between); an unknown code is
/// refused, a repeated one kept once.
pub fn parse_tasks(field: &'static str, raw: &str) -> DomainResult<Vec<CareTask>> {
    let mut out: Vec<CareTask> = Vec::new();
    for s in raw
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let t = CareTask::from_code(s).ok_or_else(|| {
            DomainError::invalid(
                field,
                HomecareReason::UnknownTask {
                    code: s.chars().take(40).collect(),
                },
            )
        })?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

/// Granted tasks as stored: `personal_care:120/week,meals:600/month`.
pub fn granted_to_text(tasks: &[GrantedTask]) -> String {
    tasks
        .iter()
        .map(|t| format!("{}:{}/{}", t.task.code(), t.minutes, t.per.code()))
        .collect::<Vec<_>>()
        .join(",")
}

/// Granted tasks from their stored form (see [`granted_to_text`]).
pub fn granted_from_text(raw: &str) -> Option<Vec<GrantedTask>> {
    raw.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (task, rest) = s.split_once(':')?;
            let (minutes, per) = rest.split_once('/')?;
            Some(GrantedTask {
                task: CareTask::from_code(task)?,
                minutes: minutes.parse().ok()?,
                per: GrantPeriod::from_code(per)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(task: CareTask, minutes: u32, per: GrantPeriod) -> GrantedTask {
        GrantedTask { task, minutes, per }
    }

    #[test]
    fn granted_tasks_rules() {
        assert!(check_granted_tasks(&[]).is_err());
        assert!(check_granted_tasks(&[g(CareTask::Meals, 300, GrantPeriod::Week)]).is_ok());
        assert!(
            check_granted_tasks(&[
                g(CareTask::Meals, 300, GrantPeriod::Week),
                g(CareTask::Meals, 30, GrantPeriod::Month)
            ])
            .is_err(),
            "a task granted twice"
        );
        assert!(check_granted_tasks(&[g(CareTask::Meals, 0, GrantPeriod::Week)]).is_err());
        assert!(
            check_granted_tasks(&[g(
                CareTask::Meals,
                MAX_GRANTED_MINUTES + 1,
                GrantPeriod::Week
            )])
            .is_err()
        );
    }

    #[test]
    fn texts_round_trip() {
        let tasks = vec![
            g(CareTask::PersonalCare, 210, GrantPeriod::Week),
            g(CareTask::Cleaning, 120, GrantPeriod::Month),
        ];
        let text = granted_to_text(&tasks);
        assert_eq!(text, "personal_care:210/week,cleaning:120/month");
        assert_eq!(granted_from_text(&text), Some(tasks));
        assert_eq!(granted_from_text(""), Some(vec![]));
        assert_eq!(granted_from_text("bogus:1/week"), None);
        assert_eq!(
            parse_tasks("tasks", "meals, shower meals").unwrap(),
            vec![CareTask::Meals, CareTask::Shower]
        );
        assert!(parse_tasks("tasks", "meals, dancing").is_err());
        assert_eq!(
            tasks_to_text(&[CareTask::Meals, CareTask::Shower]),
            "meals,shower"
        );
    }

    #[test]
    fn monthly_minutes() {
        assert_eq!(
            g(CareTask::Meals, 70, GrantPeriod::Week).minutes_in_month(31),
            310
        );
        assert_eq!(
            g(CareTask::Meals, 70, GrantPeriod::Week).minutes_in_month(28),
            280
        );
        assert_eq!(
            g(CareTask::Meals, 100, GrantPeriod::Month).minutes_in_month(31),
            100
        );
        // 30 min a week over 30 days: 128.57… → 129.
        assert_eq!(
            g(CareTask::Meals, 30, GrantPeriod::Week).minutes_in_month(30),
            129
        );
    }
}

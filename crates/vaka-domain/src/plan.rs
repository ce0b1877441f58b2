//! The supervision plan: a client's nightly times and mode, the settings that override the
//! municipality's defaults, and pauses (a night or a period without supervision).

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::decision::{Decision, ServiceKind, SupervisionMode};
use crate::ids::{ClientId, PauseId, UserId};
use crate::reason::RegistryReason;
use crate::{DomainError, DomainResult};

/// What happens after a second "not visible" (or at once after a deviation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum EscalationChain {
    /// Dispatch the night patrol to the home.
    NightPatrol,
    /// Phone the client first; dispatch the night patrol if there is no answer.
    PhoneFirst,
}

crate::impl_codes!(EscalationChain);

/// The municipality's defaults (see docs/RULES.md, "Night supervision by camera").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisionDefaults {
    pub recheck_delay_minutes: u16,
    pub escalation: EscalationChain,
    pub response_target_minutes: u16,
}

impl Default for SupervisionDefaults {
    fn default() -> Self {
        Self {
            recheck_delay_minutes: 15,
            escalation: EscalationChain::NightPatrol,
            response_target_minutes: 45,
        }
    }
}

/// A client's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisionPlan {
    pub client_id: ClientId,
    pub mode: SupervisionMode,
    pub times: Vec<Time>,
    pub recheck_delay_minutes: Option<u16>,
    pub escalation: Option<EscalationChain>,
    pub response_target_minutes: Option<u16>,
    pub updated_by: UserId,
    pub updated_at: Timestamp,
}

impl SupervisionPlan {
    /// Checks a plan: at least one time, no time twice, overrides within sensible bounds.
    pub fn check(&self) -> DomainResult<()> {
        if self.times.is_empty() {
            return Err(DomainError::invalid("times", RegistryReason::TimesRequired));
        }
        let mut t = self.times.clone();
        t.sort();
        t.dedup();
        if t.len() != self.times.len() {
            return Err(DomainError::invalid("times", RegistryReason::TimeTwice));
        }
        if let Some(d) = self.recheck_delay_minutes
            && !(5..=60).contains(&d)
        {
            return Err(DomainError::invalid(
                "recheck_delay_minutes",
                RegistryReason::RecheckDelayRange,
            ));
        }
        if let Some(r) = self.response_target_minutes
            && !(5..=180).contains(&r)
        {
            return Err(DomainError::invalid(
                "response_target_minutes",
                RegistryReason::ResponseTargetRange,
            ));
        }
        Ok(())
    }

    /// The settings in effect: the client's own where set, else the defaults.
    pub fn effective(&self, d: SupervisionDefaults) -> SupervisionDefaults {
        SupervisionDefaults {
            recheck_delay_minutes: self
                .recheck_delay_minutes
                .unwrap_or(d.recheck_delay_minutes),
            escalation: self.escalation.unwrap_or(d.escalation),
            response_target_minutes: self
                .response_target_minutes
                .unwrap_or(d.response_target_minutes),
        }
    }
}

/// Why supervision pauses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum PauseReason {
    Guests,
    Travel,
    Hospital,
    Other,
}

crate::impl_codes!(PauseReason);

/// How the pause was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum PauseRequest {
    ClientInPerson,
    ClientByPhone,
    Relative,
    /// The unit learned it another way (e.g. the hospital called).
    Staff,
}

crate::impl_codes!(PauseRequest);

/// No look-ins and no escalation on the nights from `first_night` to `last_night` (a night is
/// named by the evening it starts on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    pub id: PauseId,
    pub client_id: ClientId,
    pub first_night: Date,
    pub last_night: Date,
    pub reason: PauseReason,
    pub requested: PauseRequest,
    pub note: Option<String>,
    pub recorded_by: UserId,
    pub recorded_at: Timestamp,
    pub cancelled_at: Option<Timestamp>,
}

/// Checks the nights of a new pause: not backwards, not in the past, at most a year.
pub fn check_pause_nights(first: Date, last: Date, today: Date) -> DomainResult<()> {
    if last < first {
        return Err(DomainError::invalid(
            "last_night",
            RegistryReason::LastNightBeforeFirst,
        ));
    }
    // Yesterday's night is still going on in the small hours.
    if let Ok(yesterday) = today.yesterday()
        && first < yesterday
    {
        return Err(DomainError::invalid(
            "first_night",
            RegistryReason::FirstNightPast,
        ));
    }
    if first.until(last).map_or(i32::MAX, |s| s.get_days()) > 366 {
        return Err(DomainError::invalid(
            "last_night",
            RegistryReason::PauseTooLong,
        ));
    }
    Ok(())
}

impl Pause {
    /// Whether the night that starts on the evening of `night` is paused.
    pub fn covers(&self, night: Date) -> bool {
        self.cancelled_at.is_none() && self.first_night <= night && night <= self.last_night
    }
}

/// Whether a plan's mode is one a decision of `granted` allows: the same, or either of the two
/// when the decision grants both.
pub fn mode_granted(planned: SupervisionMode, granted: SupervisionMode) -> bool {
    planned == granted || granted == SupervisionMode::Both
}

/// The decision a plan set on `today` answers to: the night supervision decision in force,
/// or else the next one to come.
pub fn governing_decision(decisions: &[Decision], today: Date) -> Option<&Decision> {
    let night: Vec<&Decision> = decisions
        .iter()
        .filter(|d| d.service == ServiceKind::NightSupervision)
        .filter(|d| d.last_day().is_none_or(|last| today <= last))
        .collect();
    night
        .iter()
        .find(|d| d.is_valid_on(today))
        .or_else(|| night.iter().min_by_key(|d| d.valid_from))
        .copied()
}

/// A plan may only hold what the decision granted: its mode (or one of the two a decision of
/// both grants) and its times or fewer. Refused, naming what was granted, otherwise; and
/// refused without a decision on night supervision now or to come.
pub fn check_granted(
    mode: SupervisionMode,
    times: &[Time],
    decisions: &[Decision],
    today: Date,
) -> DomainResult<()> {
    let Some(d) = governing_decision(decisions, today) else {
        return Err(DomainError::invalid(
            "mode",
            RegistryReason::PlanWithoutDecision,
        ));
    };
    let granted_mode = d.supervision_mode.unwrap_or(SupervisionMode::Both);
    if !mode_granted(mode, granted_mode) {
        return Err(DomainError::invalid(
            "mode",
            RegistryReason::PlanModeNotGranted {
                granted: crate::reason::Arg::Code {
                    kind: "mode",
                    code: granted_mode.code(),
                },
            },
        ));
    }
    let hm = |t: &Time| format!("{:02}:{:02}", t.hour(), t.minute());
    if let Some(t) = times.iter().find(|t| !d.times.contains(t)) {
        return Err(DomainError::invalid(
            "times",
            RegistryReason::PlanTimeNotGranted {
                time: hm(t),
                granted: d.times.iter().map(hm).collect::<Vec<_>>().join(", "),
            },
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn granting(mode: SupervisionMode, times: &[Time], from: Date, to: Option<Date>) -> Decision {
        Decision {
            id: crate::ids::DecisionId::new(),
            client_id: ClientId::new(),
            law: crate::decision::Law::Sol,
            simplified: false,
            service: ServiceKind::NightSupervision,
            supervision_mode: Some(mode),
            times: times.to_vec(),
            decided_on: from,
            valid_from: from,
            valid_to: to,
            decided_by: UserId::new(),
            ended_on: None,
            created_at: Timestamp::UNIX_EPOCH,
        }
    }

    fn reason(e: DomainError) -> String {
        match e {
            DomainError::Invalid { reason, .. } => reason.to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn a_plan_holds_what_the_decision_granted_or_less() {
        let today = date(2026, 12, 4);
        let (t23, t02, t04) = (time(23, 0, 0, 0), time(2, 0, 0, 0), time(4, 0, 0, 0));
        let d = [granting(
            SupervisionMode::Camera,
            &[t23, t02],
            date(2026, 11, 1),
            None,
        )];
        assert!(check_granted(SupervisionMode::Camera, &[t23, t02], &d, today).is_ok());
        assert!(check_granted(SupervisionMode::Camera, &[t02], &d, today).is_ok());
        assert_eq!(
            reason(check_granted(SupervisionMode::Camera, &[t23, t04], &d, today).unwrap_err()),
            "registry-plan-time-not-granted(time=04:00, granted=23:00, 02:00)"
        );
        assert_eq!(
            reason(check_granted(SupervisionMode::Both, &[t23], &d, today).unwrap_err()),
            "registry-plan-mode-not-granted(granted=camera)"
        );
        // A decision of both allows either.
        let both = [granting(
            SupervisionMode::Both,
            &[t23],
            date(2026, 11, 1),
            None,
        )];
        assert!(check_granted(SupervisionMode::PhysicalVisit, &[t23], &both, today).is_ok());
        assert!(check_granted(SupervisionMode::Camera, &[t23], &both, today).is_ok());
    }

    #[test]
    fn without_a_decision_now_or_to_come_no_plan() {
        let today = date(2026, 12, 4);
        let t23 = time(23, 0, 0, 0);
        let ended = [granting(
            SupervisionMode::Camera,
            &[t23],
            date(2026, 1, 1),
            Some(date(2026, 12, 3)),
        )];
        assert_eq!(
            reason(check_granted(SupervisionMode::Camera, &[t23], &ended, today).unwrap_err()),
            "registry-plan-without-decision"
        );
        // One to come governs until then; the one in force governs over it.
        let coming = [granting(
            SupervisionMode::PhysicalVisit,
            &[t23],
            date(2026, 12, 10),
            None,
        )];
        assert!(check_granted(SupervisionMode::PhysicalVisit, &[t23], &coming, today).is_ok());
        let both = [
            ended[0].clone(),
            coming[0].clone(),
            granting(
                SupervisionMode::Camera,
                &[t23],
                date(2026, 12, 4),
                Some(date(2026, 12, 9)),
            ),
        ];
        assert!(check_granted(SupervisionMode::Camera, &[t23], &both, today).is_ok());
        assert!(check_granted(SupervisionMode::PhysicalVisit, &[t23], &both, today).is_err());
    }

    fn plan() -> SupervisionPlan {
        SupervisionPlan {
            client_id: ClientId::new(),
            mode: SupervisionMode::Camera,
            times: vec![time(23, 0, 0, 0), time(2, 0, 0, 0)],
            recheck_delay_minutes: None,
            escalation: Some(EscalationChain::PhoneFirst),
            response_target_minutes: None,
            updated_by: UserId::new(),
            updated_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn plans_and_overrides() {
        assert!(plan().check().is_ok());
        assert!(
            SupervisionPlan {
                times: vec![],
                ..plan()
            }
            .check()
            .is_err()
        );
        assert!(
            SupervisionPlan {
                recheck_delay_minutes: Some(2),
                ..plan()
            }
            .check()
            .is_err()
        );
        let e = plan().effective(SupervisionDefaults::default());
        assert_eq!(e.recheck_delay_minutes, 15);
        assert_eq!(e.escalation, EscalationChain::PhoneFirst);
        assert_eq!(e.response_target_minutes, 45);
    }

    #[test]
    fn pauses() {
        let today = date(2026, 11, 22);
        assert!(check_pause_nights(today, today, today).is_ok());
        assert!(
            check_pause_nights(date(2026, 11, 21), today, today).is_ok(),
            "last night, still under way"
        );
        assert!(check_pause_nights(date(2026, 11, 20), today, today).is_err());
        assert!(check_pause_nights(today, date(2026, 11, 21), today).is_err());
        assert!(check_pause_nights(today, date(2028, 1, 1), today).is_err());
        let p = Pause {
            id: PauseId::new(),
            client_id: ClientId::new(),
            first_night: date(2026, 11, 24),
            last_night: date(2026, 11, 26),
            reason: PauseReason::Travel,
            requested: PauseRequest::Relative,
            note: None,
            recorded_by: UserId::new(),
            recorded_at: Timestamp::UNIX_EPOCH,
            cancelled_at: None,
        };
        assert!(p.covers(date(2026, 11, 24)) && p.covers(date(2026, 11, 26)));
        assert!(!p.covers(date(2026, 11, 27)));
        let cancelled = Pause {
            cancelled_at: Some(Timestamp::UNIX_EPOCH),
            ..p
        };
        assert!(!cancelled.covers(date(2026, 11, 25)));
    }
}

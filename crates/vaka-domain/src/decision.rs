//! Decisions (biståndsbeslut) and the orders (beställningar) that carry them out.
//!
//! A needs assessor decides, under SoL or LSS, that a client is granted a service for a period;
//! the decision becomes an order to the executing provider, which accepts it; the service is
//! activated when its device is installed and tested. A decision not carried out within three
//! months must be reported to the inspectorate every quarter (REG-22).

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::ids::{ClientId, OrganisationId, UserId};
use crate::reason::RegistryReason;
use crate::{DomainError, DomainResult};

/// The law a decision is made under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Law {
    /// Socialtjänstlagen.
    Sol,
    /// Lagen om stöd och service till vissa funktionshindrade.
    Lss,
}

crate::impl_codes!(Law);

/// A service (insats) a decision grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ServiceKind {
    NightSupervision,
    SafetyAlarm,
    /// Home care (hemtjänst): tasks granted with time per week or month
    /// (see `crate::homecare::GrantedTask`).
    HomeCare,
}

crate::impl_codes!(ServiceKind);

/// How night supervision is carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum SupervisionMode {
    Camera,
    PhysicalVisit,
    Both,
}

crate::impl_codes!(SupervisionMode);

/// A decision on one service for one client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub id: crate::ids::DecisionId,
    pub client_id: ClientId,
    pub law: Law,
    /// Granted without an individual needs assessment (allowed under the SoL of 2025).
    pub simplified: bool,
    pub service: ServiceKind,
    /// For night supervision: how, and at which times of the night.
    pub supervision_mode: Option<SupervisionMode>,
    pub times: Vec<Time>,
    pub decided_on: Date,
    pub valid_from: Date,
    /// Open-ended when `None`.
    pub valid_to: Option<Date>,
    pub decided_by: UserId,
    /// Set when the decision is ended early (or replaced).
    pub ended_on: Option<Date>,
    pub created_at: Timestamp,
}

/// What a needs assessor writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionTerms {
    pub law: Law,
    pub simplified: bool,
    pub service: ServiceKind,
    pub supervision_mode: Option<SupervisionMode>,
    pub times: Vec<Time>,
    pub decided_on: Date,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

impl DecisionTerms {
    /// The rules of a decision on its own: a period that does not run backwards, a decision
    /// not made in the future, and the supervision details exactly when the service needs them.
    pub fn check(&self, today: Date) -> DomainResult<()> {
        if self.decided_on > today {
            return Err(DomainError::invalid("decided_on", RegistryReason::InFuture));
        }
        if let Some(to) = self.valid_to
            && to < self.valid_from
        {
            return Err(DomainError::invalid(
                "valid_to",
                RegistryReason::ValidToBeforeValidFrom,
            ));
        }
        match self.service {
            ServiceKind::NightSupervision => {
                if self.supervision_mode.is_none() {
                    return Err(DomainError::invalid(
                        "supervision_mode",
                        RegistryReason::ModeRequired,
                    ));
                }
                if self.times.is_empty() {
                    return Err(DomainError::invalid("times", RegistryReason::TimesRequired));
                }
                if self.times.len() > 12 {
                    return Err(DomainError::invalid("times", RegistryReason::TooManyTimes));
                }
                let mut sorted = self.times.clone();
                sorted.sort();
                sorted.dedup();
                if sorted.len() != self.times.len() {
                    return Err(DomainError::invalid("times", RegistryReason::TimeTwice));
                }
            }
            ServiceKind::SafetyAlarm | ServiceKind::HomeCare => {
                if self.supervision_mode.is_some() || !self.times.is_empty() {
                    return Err(DomainError::invalid(
                        "supervision_mode",
                        RegistryReason::SafetyAlarmHasNoMode,
                    ));
                }
            }
        }
        Ok(())
    }
}

impl Decision {
    /// The last day the decision holds (ending early counts).
    pub fn last_day(&self) -> Option<Date> {
        match (self.valid_to, self.ended_on) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    pub fn is_valid_on(&self, day: Date) -> bool {
        self.valid_from <= day && self.last_day().is_none_or(|last| day <= last)
    }

    /// Whether two decisions for the same service cover a common day.
    pub fn overlaps(&self, from: Date, to: Option<Date>) -> bool {
        let starts_before_other_ends = to.is_none_or(|t| self.valid_from <= t);
        let other_starts_before_this_ends = self.last_day().is_none_or(|l| from <= l);
        starts_before_other_ends && other_starts_before_this_ends
    }
}

/// A client may hold one decision per service at a time.
pub fn check_no_overlap(
    existing: &[Decision],
    service: ServiceKind,
    from: Date,
    to: Option<Date>,
) -> DomainResult<()> {
    if existing
        .iter()
        .any(|d| d.service == service && d.overlaps(from, to))
    {
        return Err(DomainError::invalid(
            "valid_from",
            RegistryReason::DecisionOverlaps,
        ));
    }
    Ok(())
}

/// Where an order is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum OrderStatus {
    /// Sent to the provider, not yet accepted.
    Ordered,
    /// The provider has accepted the assignment.
    Accepted,
    /// The service is running (the device installed and tested).
    Active,
    /// Ended with its decision.
    Ended,
}

crate::impl_codes!(OrderStatus);

/// The order that carries a decision out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub id: crate::ids::OrderId,
    pub decision_id: crate::ids::DecisionId,
    pub client_id: ClientId,
    pub provider_id: OrganisationId,
    pub status: OrderStatus,
    pub ordered_at: Timestamp,
    pub accepted_at: Option<Timestamp>,
    pub accepted_by: Option<UserId>,
    pub activated_at: Option<Timestamp>,
}

impl OrderStatus {
    pub fn accept(self) -> DomainResult<Self> {
        match self {
            OrderStatus::Ordered => Ok(OrderStatus::Accepted),
            _ => Err(DomainError::conflict(RegistryReason::OnlyNewOrderAccepted)),
        }
    }

    /// The service starts when its device is active (or at once for physical visits).
    pub fn activate(self) -> DomainResult<Self> {
        match self {
            OrderStatus::Accepted => Ok(OrderStatus::Active),
            OrderStatus::Ordered => Err(DomainError::conflict(RegistryReason::OrderNotAccepted)),
            _ => Err(DomainError::conflict(RegistryReason::OrderNotWaiting)),
        }
    }
}

/// A decision is "not carried out" when three months have passed since it was made and the
/// service has not started (REG-22).
pub fn not_carried_out(decided_on: Date, activated: Option<Date>, today: Date) -> bool {
    let Ok(deadline) = decided_on.checked_add(jiff::Span::new().months(3)) else {
        return false;
    };
    match activated {
        Some(a) => a > deadline,
        None => today >= deadline,
    }
}

/// Parses times of the night such as `23:00, 02:00,05:30`.
pub fn parse_times(field: &'static str, raw: &str) -> DomainResult<Vec<Time>> {
    raw.split([',', ' ', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let t: Time = s.parse().map_err(|_| {
                DomainError::invalid(
                    field,
                    RegistryReason::NotATime {
                        text: format!("{s:?}"),
                    },
                )
            })?;
            if t.second() != 0 || t.subsec_nanosecond() != 0 {
                return Err(DomainError::invalid(field, RegistryReason::WholeMinutes));
            }
            Ok(t)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn terms(service: ServiceKind) -> DecisionTerms {
        DecisionTerms {
            law: Law::Sol,
            simplified: false,
            service,
            supervision_mode: (service == ServiceKind::NightSupervision)
                .then_some(SupervisionMode::Camera),
            times: if service == ServiceKind::NightSupervision {
                vec![time(23, 0, 0, 0), time(2, 0, 0, 0)]
            } else {
                vec![]
            },
            decided_on: date(2026, 11, 1),
            valid_from: date(2026, 11, 2),
            valid_to: Some(date(2027, 11, 1)),
        }
    }

    fn decision(from: Date, to: Option<Date>) -> Decision {
        let t = terms(ServiceKind::NightSupervision);
        Decision {
            id: crate::ids::DecisionId::new(),
            client_id: ClientId::new(),
            law: t.law,
            simplified: false,
            service: t.service,
            supervision_mode: t.supervision_mode,
            times: t.times,
            decided_on: from,
            valid_from: from,
            valid_to: to,
            decided_by: UserId::new(),
            ended_on: None,
            created_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn terms_rules() {
        let today = date(2026, 11, 22);
        assert!(terms(ServiceKind::NightSupervision).check(today).is_ok());
        assert!(terms(ServiceKind::SafetyAlarm).check(today).is_ok());
        let reversed = DecisionTerms {
            valid_to: Some(date(2026, 10, 1)),
            ..terms(ServiceKind::SafetyAlarm)
        };
        assert!(
            matches!(reversed.check(today), Err(DomainError::Invalid { ref field, .. }) if field == "valid_to")
        );
        let future = DecisionTerms {
            decided_on: date(2026, 12, 1),
            ..terms(ServiceKind::SafetyAlarm)
        };
        assert!(future.check(today).is_err());
        let no_times = DecisionTerms {
            times: vec![],
            ..terms(ServiceKind::NightSupervision)
        };
        assert!(no_times.check(today).is_err());
        let twice = DecisionTerms {
            times: vec![time(23, 0, 0, 0), time(23, 0, 0, 0)],
            ..terms(ServiceKind::NightSupervision)
        };
        assert!(twice.check(today).is_err());
        let alarm_with_mode = DecisionTerms {
            supervision_mode: Some(SupervisionMode::Both),
            ..terms(ServiceKind::SafetyAlarm)
        };
        assert!(alarm_with_mode.check(today).is_err());
    }

    #[test]
    fn validity_and_overlap() {
        let d = decision(date(2026, 1, 1), Some(date(2026, 12, 31)));
        assert!(d.is_valid_on(date(2026, 1, 1)) && d.is_valid_on(date(2026, 12, 31)));
        assert!(!d.is_valid_on(date(2027, 1, 1)) && !d.is_valid_on(date(2025, 12, 31)));
        assert!(d.overlaps(date(2026, 12, 31), None));
        assert!(!d.overlaps(date(2027, 1, 1), None));
        assert!(d.overlaps(date(2025, 1, 1), Some(date(2026, 1, 1))));
        assert!(!d.overlaps(date(2025, 1, 1), Some(date(2025, 12, 31))));
        let open = decision(date(2026, 1, 1), None);
        assert!(open.overlaps(date(2030, 1, 1), None));
        let mut ended = open.clone();
        ended.ended_on = Some(date(2026, 6, 30));
        assert!(!ended.is_valid_on(date(2026, 7, 1)));
        assert!(
            !ended.overlaps(date(2026, 7, 1), None),
            "an ended decision leaves room for a new one"
        );
        assert!(
            check_no_overlap(
                std::slice::from_ref(&d),
                ServiceKind::SafetyAlarm,
                date(2026, 5, 1),
                None
            )
            .is_ok()
        );
        assert!(
            check_no_overlap(&[d], ServiceKind::NightSupervision, date(2026, 5, 1), None).is_err()
        );
    }

    #[test]
    fn three_months_not_carried_out() {
        let decided = date(2026, 8, 22);
        assert!(!not_carried_out(decided, None, date(2026, 11, 21)));
        assert!(not_carried_out(decided, None, date(2026, 11, 22)));
        assert!(!not_carried_out(
            decided,
            Some(date(2026, 11, 1)),
            date(2027, 1, 1)
        ));
        assert!(
            not_carried_out(decided, Some(date(2026, 12, 1)), date(2027, 1, 1)),
            "started late"
        );
        // Month ends: 30 November + 3 months is the end of February.
        assert!(!not_carried_out(
            date(2026, 11, 30),
            None,
            date(2027, 2, 27)
        ));
        assert!(not_carried_out(date(2026, 11, 30), None, date(2027, 2, 28)));
    }

    #[test]
    fn order_steps() {
        assert_eq!(
            OrderStatus::Ordered.accept().unwrap(),
            OrderStatus::Accepted
        );
        assert!(OrderStatus::Accepted.accept().is_err());
        assert!(OrderStatus::Ordered.activate().is_err());
        assert_eq!(
            OrderStatus::Accepted.activate().unwrap(),
            OrderStatus::Active
        );
    }

    #[test]
    fn times_parse() {
        assert_eq!(
            parse_times("times", "23:00, 02:00;05:30").unwrap(),
            vec![time(23, 0, 0, 0), time(2, 0, 0, 0), time(5, 30, 0, 0)]
        );
        assert!(parse_times("times", "25:00").is_err());
        assert!(parse_times("times", "soon").is_err());
        assert!(parse_times("times", "").unwrap().is_empty());
    }
}

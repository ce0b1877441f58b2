//! Consent to a service, as documented: who was informed, when and how, who consented, until
//! when it holds, and its withdrawal. A camera look-in needs a valid decision *and* a valid
//! consent on the day; withdrawal stops it at once (CAM-01..04).

use jiff::civil::Date;
use jiff::{Span, Timestamp};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::decision::{Decision, ServiceKind};
use crate::ids::{ClientId, ConsentId, UserId};
use crate::reason::RegistryReason;
use crate::validate::parse_name;
use crate::{DomainError, DomainResult};

/// How the client (or representative) was informed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum InformedHow {
    InPerson,
    Phone,
    Letter,
    Other,
}

crate::impl_codes!(InformedHow);

/// Who gave consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum GivenBy {
    Client,
    /// A legal representative (god man, förvaltare) or someone with a power of attorney.
    Representative,
}

crate::impl_codes!(GivenBy);

/// The default time until consent must be confirmed again, in months.
pub const DEFAULT_RECONFIRM_MONTHS: i32 = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub id: ConsentId,
    pub client_id: ClientId,
    pub service: ServiceKind,
    /// The person who informed (staff), by name as documented.
    pub informed_by: String,
    pub informed_on: Date,
    pub informed_how: InformedHow,
    pub given_by: GivenBy,
    pub representative_name: Option<String>,
    pub given_on: Date,
    pub reconfirm_by: Date,
    pub withdrawn_on: Option<Date>,
    pub withdrawal_note: Option<String>,
    pub recorded_by: UserId,
    pub recorded_at: Timestamp,
}

/// What is written when consent is documented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentTerms {
    pub service: ServiceKind,
    pub informed_by: String,
    pub informed_on: Date,
    pub informed_how: InformedHow,
    pub given_by: GivenBy,
    pub representative_name: Option<String>,
    pub given_on: Date,
    /// Defaults to twelve months after `given_on`.
    pub reconfirm_by: Option<Date>,
}

impl ConsentTerms {
    /// Checks the terms and returns them with the re-confirm date settled.
    pub fn check(mut self, today: Date) -> DomainResult<(Self, Date)> {
        self.informed_by = parse_name("informed_by", &self.informed_by, 100)?;
        if self.given_on > today {
            return Err(DomainError::invalid(
                "given_on",
                RegistryReason::ConsentInFuture,
            ));
        }
        if self.informed_on > today {
            return Err(DomainError::invalid(
                "informed_on",
                RegistryReason::InFuture,
            ));
        }
        if self.informed_on > self.given_on {
            return Err(DomainError::invalid(
                "informed_on",
                RegistryReason::InformedAfterConsent,
            ));
        }
        match (
            self.given_by,
            self.representative_name.as_deref().map(str::trim),
        ) {
            (GivenBy::Representative, None | Some("")) => {
                return Err(DomainError::invalid(
                    "representative_name",
                    RegistryReason::RepresentativeRequired,
                ));
            }
            (GivenBy::Representative, Some(n)) => {
                self.representative_name = Some(parse_name("representative_name", n, 100)?);
            }
            (GivenBy::Client, _) => self.representative_name = None,
        }
        let reconfirm_by = match self.reconfirm_by {
            Some(d) => d,
            None => self
                .given_on
                .checked_add(Span::new().months(DEFAULT_RECONFIRM_MONTHS))
                .map_err(|_| DomainError::invalid("given_on", RegistryReason::OutOfRange))?,
        };
        if reconfirm_by <= self.given_on {
            return Err(DomainError::invalid(
                "reconfirm_by",
                RegistryReason::ReconfirmAfterGiven,
            ));
        }
        Ok((self, reconfirm_by))
    }
}

impl Consent {
    pub fn is_valid_on(&self, day: Date) -> bool {
        self.given_on <= day
            && day <= self.reconfirm_by
            && self.withdrawn_on.is_none_or(|w| day < w)
    }

    pub fn withdraw(&mut self, on: Date, note: Option<String>, today: Date) -> DomainResult<()> {
        if self.withdrawn_on.is_some() {
            return Err(DomainError::conflict(
                RegistryReason::ConsentAlreadyWithdrawn,
            ));
        }
        if on > today {
            return Err(DomainError::invalid(
                "withdrawn_on",
                RegistryReason::InFuture,
            ));
        }
        if on < self.given_on {
            return Err(DomainError::invalid(
                "withdrawn_on",
                RegistryReason::BeforeConsentGiven,
            ));
        }
        self.withdrawn_on = Some(on);
        self.withdrawal_note = note;
        Ok(())
    }
}

/// Why a service may not be given on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NoValidDecision,
    NoValidConsent,
}

impl Refusal {
    pub fn reason(self) -> RegistryReason {
        match self {
            Refusal::NoValidDecision => RegistryReason::NoValidDecision,
            Refusal::NoValidConsent => RegistryReason::NoValidConsent,
        }
    }
}

/// The gate every look-in passes: a decision on the service valid today, and a consent to it
/// valid today. Returns the decision that grants it.
pub fn service_allowed<'a>(
    service: ServiceKind,
    decisions: &'a [Decision],
    consents: &[Consent],
    day: Date,
) -> Result<&'a Decision, Refusal> {
    let decision = decisions
        .iter()
        .find(|d| d.service == service && d.is_valid_on(day))
        .ok_or(Refusal::NoValidDecision)?;
    if !consents
        .iter()
        .any(|c| c.service == service && c.is_valid_on(day))
    {
        return Err(Refusal::NoValidConsent);
    }
    Ok(decision)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::{Law, SupervisionMode};
    use jiff::civil::{date, time};

    fn terms() -> ConsentTerms {
        ConsentTerms {
            service: ServiceKind::NightSupervision,
            informed_by: "Karin Handläggare".into(),
            informed_on: date(2026, 10, 1),
            informed_how: InformedHow::InPerson,
            given_by: GivenBy::Client,
            representative_name: None,
            given_on: date(2026, 10, 2),
            reconfirm_by: None,
        }
    }

    fn consent(t: ConsentTerms, reconfirm: Date) -> Consent {
        Consent {
            id: ConsentId::new(),
            client_id: ClientId::new(),
            service: t.service,
            informed_by: t.informed_by,
            informed_on: t.informed_on,
            informed_how: t.informed_how,
            given_by: t.given_by,
            representative_name: t.representative_name,
            given_on: t.given_on,
            reconfirm_by: reconfirm,
            withdrawn_on: None,
            withdrawal_note: None,
            recorded_by: UserId::new(),
            recorded_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn terms_rules() {
        let today = date(2026, 11, 22);
        let (_, reconfirm) = terms().check(today).unwrap();
        assert_eq!(reconfirm, date(2027, 10, 2), "twelve months by default");
        let future = ConsentTerms {
            given_on: date(2026, 11, 23),
            ..terms()
        };
        assert!(
            matches!(future.check(today), Err(DomainError::Invalid { ref field, .. }) if field == "given_on")
        );
        let informed_after = ConsentTerms {
            informed_on: date(2026, 10, 3),
            ..terms()
        };
        assert!(informed_after.check(today).is_err());
        let rep = ConsentTerms {
            given_by: GivenBy::Representative,
            ..terms()
        };
        assert!(rep.clone().check(today).is_err());
        let rep = ConsentTerms {
            representative_name: Some("God Man".into()),
            ..rep
        };
        assert!(rep.check(today).is_ok());
        let early = ConsentTerms {
            reconfirm_by: Some(date(2026, 10, 2)),
            ..terms()
        };
        assert!(early.check(today).is_err());
    }

    #[test]
    fn validity_and_withdrawal() {
        let today = date(2026, 11, 22);
        let (t, r) = terms().check(today).unwrap();
        let mut c = consent(t, r);
        assert!(c.is_valid_on(date(2026, 10, 2)) && c.is_valid_on(date(2027, 10, 2)));
        assert!(!c.is_valid_on(date(2026, 10, 1)) && !c.is_valid_on(date(2027, 10, 3)));
        c.withdraw(today, Some("the client changed their mind".into()), today)
            .unwrap();
        assert!(!c.is_valid_on(today), "withdrawal stops it at once");
        assert!(c.is_valid_on(date(2026, 11, 21)));
        assert!(c.withdraw(today, None, today).is_err());
    }

    #[test]
    fn the_gate_needs_both_decision_and_consent() {
        let day = date(2026, 11, 22);
        let decision = Decision {
            id: crate::ids::DecisionId::new(),
            client_id: ClientId::new(),
            law: Law::Sol,
            simplified: false,
            service: ServiceKind::NightSupervision,
            supervision_mode: Some(SupervisionMode::Camera),
            times: vec![time(23, 0, 0, 0)],
            decided_on: date(2026, 10, 1),
            valid_from: date(2026, 10, 1),
            valid_to: None,
            decided_by: UserId::new(),
            ended_on: None,
            created_at: Timestamp::UNIX_EPOCH,
        };
        let (t, r) = terms().check(day).unwrap();
        let c = consent(t, r);
        assert!(
            service_allowed(
                ServiceKind::NightSupervision,
                std::slice::from_ref(&decision),
                std::slice::from_ref(&c),
                day
            )
            .is_ok()
        );
        assert_eq!(
            service_allowed(
                ServiceKind::NightSupervision,
                &[],
                std::slice::from_ref(&c),
                day
            )
            .unwrap_err(),
            Refusal::NoValidDecision
        );
        assert_eq!(
            service_allowed(
                ServiceKind::NightSupervision,
                std::slice::from_ref(&decision),
                &[],
                day
            )
            .unwrap_err(),
            Refusal::NoValidConsent
        );
        assert_eq!(
            service_allowed(ServiceKind::SafetyAlarm, &[decision], &[c], day).unwrap_err(),
            Refusal::NoValidDecision
        );
    }
}

//! The management plan as data (systemförvaltningsplan, seeds 000 and 004; issue 17 part 7),
//! with the incident and fault reports of the operating routines (part 6).
//!
//! - The management organisation's roles ([`GovernanceRole`]) are held by user accounts from a
//!   day, maybe until a day; the system owner, the data protection officer and the information
//!   security coordinator have one current holder at most ([`GovernanceRole::single_holder`]).
//! - Supplier contracts: the last day notice can be given ([`notice_by`]) and the reminders of
//!   a contract ([`contract_reminders`]).
//! - Information classification per information type on the KLASSA scale ([`KlassaLevel`]):
//!   confidentiality, integrity (riktighet), availability and traceability (spårbarhet).
//! - The yearly activity plan (årshjul): recurring duties whose due dates
//!   ([`Schedule::due_dates`]) are Stockholm days, a day past the month's end falling on its
//!   last day.
//! - Incident reports and fault reports to suppliers move forward only
//!   ([`IncidentStatus::check_step`], [`FaultStatus::check_step`]), and their free texts may
//!   not hold a personnummer ([`holds_personal_identity`]).

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::error::{DomainError, DomainResult};
use crate::reason::{GovernanceReason, InputReason};
use crate::retention::RecordKind;

/// A role of the management organisation (förvaltningsorganisationen, seed 004 §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum GovernanceRole {
    /// Systemägare: owns the system on behalf of the committee (the head of social services).
    SystemOwner,
    /// Systemförvaltare / systemansvarig: contracts, follow-up, the activity plan.
    SystemManager,
    /// Systemadministratör: configuration, devices, fault reports to suppliers.
    SystemAdministrator,
    /// Dataskyddsombud.
    DataProtectionOfficer,
    /// Informationssäkerhetssamordnare: takes incident reports with the system owner.
    InformationSecurityCoordinator,
}

crate::impl_codes!(GovernanceRole);

impl GovernanceRole {
    /// Whether the role has one current holder at most (several system managers and
    /// administrators share the work; the seed names two of each).
    pub fn single_holder(self) -> bool {
        matches!(
            self,
            Self::SystemOwner | Self::DataProtectionOfficer | Self::InformationSecurityCoordinator
        )
    }
}

/// Checks an assignment's period: it may not end before it starts.
pub fn check_period(from: Date, until: Option<Date>) -> DomainResult<()> {
    match until {
        Some(u) if u < from => Err(DomainError::invalid(
            "until",
            GovernanceReason::EndsBeforeStart,
        )),
        _ => Ok(()),
    }
}

/// Whether a period (from, maybe until, both days included) holds on `day`.
pub fn holds_on(from: Date, until: Option<Date>, day: Date) -> bool {
    from <= day && until.is_none_or(|u| day <= u)
}

// ---------------------------------------------------------------------------------------------
// Supplier contracts
// ---------------------------------------------------------------------------------------------

/// The longest notice period accepted, in months (a longer one is a typing mistake).
pub const MAX_NOTICE_MONTHS: i64 = 60;

/// The checked dates of a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractTerms {
    pub starts_on: Date,
    /// None: until further notice (löpande).
    pub ends_on: Option<Date>,
    pub notice_months: u8,
}

/// Checks a contract's dates and notice period.
pub fn check_contract(
    starts_on: Date,
    ends_on: Option<Date>,
    notice_months: i64,
) -> DomainResult<ContractTerms> {
    if let Some(end) = ends_on
        && end < starts_on
    {
        return Err(DomainError::invalid(
            "ends_on",
            GovernanceReason::EndsBeforeStart,
        ));
    }
    if notice_months < 0 {
        return Err(DomainError::invalid(
            "notice_months",
            GovernanceReason::NoticePeriodNegative,
        ));
    }
    if notice_months > MAX_NOTICE_MONTHS {
        return Err(DomainError::invalid(
            "notice_months",
            GovernanceReason::NoticePeriodTooLong {
                max: MAX_NOTICE_MONTHS,
            },
        ));
    }
    Ok(ContractTerms {
        starts_on,
        ends_on,
        notice_months: u8::try_from(notice_months).unwrap_or(u8::MAX),
    })
}

/// Checks an SLA's availability target, in per mille of a month (99.5 % is 995).
pub fn check_availability(per_mille: i64) -> DomainResult<u16> {
    u16::try_from(per_mille)
        .ok()
        .filter(|p| *p <= 1000)
        .ok_or(DomainError::invalid(
            "availability",
            GovernanceReason::AvailabilityOutOfRange,
        ))
}

/// The last day notice can be given for a contract to end on `ends_on`: that day less the
/// notice period, in calendar months (a day the earlier month does not have falls on its last
/// day: notice of 1 month for 31 March is due 28 or 29 February). None for a contract without
/// an end (notice can be given any day).
pub fn notice_by(ends_on: Option<Date>, notice_months: u8) -> Option<Date> {
    let end = ends_on?;
    end.checked_sub(i64::from(notice_months).months()).ok()
}

/// Why a contract shows on the system manager's overview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractReminder {
    /// Notice must be given by this day (within the window, or passed while the contract runs).
    Notice(Date),
    /// The yearly follow-up of the contract and its SLA is due on this day (or was).
    FollowUp(Date),
}

/// The reminders of a contract on `today`: the notice day when it is within `window_days`
/// ahead, or has passed while the contract still runs; the yearly follow-up when it is due
/// within the window or overdue. An ended contract has none.
pub fn contract_reminders(
    terms: ContractTerms,
    next_follow_up: Date,
    today: Date,
    window_days: i64,
) -> Vec<ContractReminder> {
    if terms.ends_on.is_some_and(|e| e < today) {
        return Vec::new();
    }
    let horizon = today.checked_add(window_days.days()).unwrap_or(today);
    let mut out = Vec::new();
    if let Some(by) = notice_by(terms.ends_on, terms.notice_months)
        && by <= horizon
    {
        out.push(ContractReminder::Notice(by));
    }
    if next_follow_up <= horizon {
        out.push(ContractReminder::FollowUp(next_follow_up));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Information classification
// ---------------------------------------------------------------------------------------------

/// A consequence level of KLASSA (SKR), after MSB's model: the harm a loss of the aspect does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum KlassaLevel {
    /// 0 — ingen eller försumbar skada.
    Negligible,
    /// 1 — måttlig skada.
    Moderate,
    /// 2 — betydande skada.
    Significant,
    /// 3 — allvarlig skada.
    Serious,
    /// 4 — synnerligen allvarlig skada (outside KLASSA's action plans: a separate analysis).
    VerySerious,
}

crate::impl_codes!(KlassaLevel);

impl KlassaLevel {
    /// The level's number on the scale (0–4).
    pub fn number(self) -> u8 {
        match self {
            Self::Negligible => 0,
            Self::Moderate => 1,
            Self::Significant => 2,
            Self::Serious => 3,
            Self::VerySerious => 4,
        }
    }
}

/// A type of information Vaka keeps, as the classification lists it: each kind of record of
/// the retention table, and the register and decisions they hang on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum InformationType {
    /// The client register: identity, address, protected identity, contacts, key access.
    ClientRegister,
    /// Decisions, orders, consents and supervision plans.
    DecisionsAndConsents,
    Supervision,
    Alarms,
    DeviceEvents,
    TechnicalChecks,
    Visits,
    LockEvents,
    Signings,
    Delegations,
    AuditLog,
    /// User accounts, roles and the directory of organisations and units.
    Directory,
}

crate::impl_codes!(InformationType);

impl InformationType {
    /// The information type of a kind of record of the retention table (the same code where the
    /// kind is a type of its own): a new kind of record must be classified too, which this
    /// match makes a compile error to forget.
    pub fn of_record(kind: RecordKind) -> Self {
        match kind {
            RecordKind::Supervision => Self::Supervision,
            RecordKind::Alarms => Self::Alarms,
            RecordKind::DeviceEvents => Self::DeviceEvents,
            RecordKind::TechnicalChecks => Self::TechnicalChecks,
            RecordKind::Visits => Self::Visits,
            RecordKind::LockEvents => Self::LockEvents,
            RecordKind::Signings => Self::Signings,
            RecordKind::Delegations => Self::Delegations,
            RecordKind::AuditLog | RecordKind::LogReviews => Self::AuditLog,
            RecordKind::EndedClients => Self::ClientRegister,
            RecordKind::DeactivatedAccounts => Self::Directory,
        }
    }
}

/// The four aspects of one information type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classification {
    pub confidentiality: KlassaLevel,
    /// Riktighet.
    pub integrity: KlassaLevel,
    pub availability: KlassaLevel,
    /// Spårbarhet.
    pub traceability: KlassaLevel,
}

/// The default of every type: seed 004 §1.3 classes "all verksamhetsdata i systemet" as
/// Allvarlig in all four aspects.
pub const DEFAULT_CLASSIFICATION: Classification = Classification {
    confidentiality: KlassaLevel::Serious,
    integrity: KlassaLevel::Serious,
    availability: KlassaLevel::Serious,
    traceability: KlassaLevel::Serious,
};

// ---------------------------------------------------------------------------------------------
// The yearly activity plan
// ---------------------------------------------------------------------------------------------

/// How often a duty recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Recurrence {
    Monthly,
    Quarterly,
    Yearly,
}

crate::impl_codes!(Recurrence);

/// When a duty falls due: on `day` of every month (monthly), of the `month`th month of every
/// quarter (quarterly: 1–3), or of `month` (yearly: 1–12). A day past a month's end falls on
/// its last day (31 is every month's last day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub recurrence: Recurrence,
    pub month: i8,
    pub day: i8,
}

impl Schedule {
    /// Checks a schedule (`month` is 1 for a monthly duty).
    pub fn new(recurrence: Recurrence, month: i64, day: i64) -> DomainResult<Self> {
        let months = match recurrence {
            Recurrence::Monthly => 1,
            Recurrence::Quarterly => 3,
            Recurrence::Yearly => 12,
        };
        let month = i8::try_from(month)
            .ok()
            .filter(|m| (1..=months).contains(m))
            .ok_or(DomainError::invalid("month", InputReason::NotValid))?;
        let day = i8::try_from(day)
            .ok()
            .filter(|d| (1..=31).contains(d))
            .ok_or(DomainError::invalid("day", InputReason::NotValid))?;
        Ok(Self {
            recurrence,
            month,
            day,
        })
    }

    fn due_in(self, year: i16, month: i8) -> Option<Date> {
        let matches = match self.recurrence {
            Recurrence::Monthly => true,
            Recurrence::Quarterly => (month - 1) % 3 == self.month - 1,
            Recurrence::Yearly => month == self.month,
        };
        if !matches {
            return None;
        }
        let first = Date::new(year, month, 1).ok()?;
        let day = self.day.min(first.days_in_month());
        Date::new(year, month, day).ok()
    }

    /// Every due date from `from` to `to`, both included, in order.
    pub fn due_dates(self, from: Date, to: Date) -> Vec<Date> {
        let mut out = Vec::new();
        let mut year = from.year();
        let mut month = from.month();
        while (year, month) <= (to.year(), to.month()) {
            if let Some(d) = self.due_in(year, month)
                && d >= from
                && d <= to
            {
                out.push(d);
            }
            if month == 12 {
                year += 1;
                month = 1;
            } else {
                month += 1;
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Incident and fault reports
// ---------------------------------------------------------------------------------------------

/// What an incident concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum IncidentKind {
    /// An information-security incident (access, loss, disclosure, a breach of personal data).
    InformationSecurity,
    /// A patient-safety incident (a missed supervision, a device that failed a client).
    PatientSafety,
}

crate::impl_codes!(IncidentKind);

/// Where an incident report stands; it moves forward only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum IncidentStatus {
    New,
    Investigating,
    Closed,
}

crate::impl_codes!(IncidentStatus);

impl IncidentStatus {
    /// Checks a step from `self` to `to`: forward only (new → investigating → closed; new →
    /// closed at once is allowed).
    pub fn check_step(self, to: Self) -> DomainResult<()> {
        if to > self {
            Ok(())
        } else {
            Err(DomainError::conflict(GovernanceReason::StatusBackwards))
        }
    }
}

/// Where a fault report to a supplier stands; it moves forward only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum FaultStatus {
    /// Sent to the supplier.
    Reported,
    /// The supplier has taken it (with their reference).
    Acknowledged,
    Resolved,
}

crate::impl_codes!(FaultStatus);

impl FaultStatus {
    /// Checks a step from `self` to `to`: forward only.
    pub fn check_step(self, to: Self) -> DomainResult<()> {
        if to > self {
            Ok(())
        } else {
            Err(DomainError::conflict(GovernanceReason::StatusBackwards))
        }
    }
}

/// Whether a free text holds what reads as a personnummer or samordningsnummer (10 or 12
/// digits, maybe with `-` or `+` before the last four, a valid date and check digit). Incident
/// and fault reports travel to people outside the client's care: they must not name a client.
pub fn holds_personal_identity(text: &str, today: Date) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        // A run of digits with at most one separator inside it.
        let mut j = i;
        let mut candidate = String::new();
        let mut separators = 0;
        while j < chars.len() {
            let c = chars[j];
            if c.is_ascii_digit() {
                candidate.push(c);
            } else if (c == '-' || c == '+')
                && separators == 0
                && chars.get(j + 1).is_some_and(char::is_ascii_digit)
            {
                separators += 1;
                candidate.push(c);
            } else {
                break;
            }
            j += 1;
        }
        let digits = candidate.chars().filter(char::is_ascii_digit).count();
        if (digits == 10 || digits == 12)
            && (crate::personnummer::Personnummer::parse(&candidate, today).is_ok()
                || crate::personnummer::Samordningsnummer::parse(&candidate, today).is_ok())
        {
            return true;
        }
        i = j.max(i + 1);
    }
    false
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn sched(r: Recurrence, month: i64, day: i64) -> Schedule {
        Schedule::new(r, month, day).unwrap()
    }

    #[test]
    fn monthly_due_dates_fall_on_the_months_last_day() {
        let s = sched(Recurrence::Monthly, 1, 31);
        assert_eq!(
            s.due_dates(date(2027, 1, 1), date(2027, 4, 30)),
            vec![
                date(2027, 1, 31),
                date(2027, 2, 28),
                date(2027, 3, 31),
                date(2027, 4, 30)
            ]
        );
        // A leap year's February has 29 days.
        assert_eq!(
            s.due_dates(date(2028, 2, 1), date(2028, 2, 29)),
            vec![date(2028, 2, 29)]
        );
        let s30 = sched(Recurrence::Monthly, 1, 30);
        assert_eq!(
            s30.due_dates(date(2100, 2, 1), date(2100, 3, 31)),
            vec![date(2100, 2, 28), date(2100, 3, 30)],
            "2100 is not a leap year"
        );
    }

    #[test]
    fn the_range_includes_both_ends_and_nothing_outside() {
        let s = sched(Recurrence::Monthly, 1, 10);
        assert_eq!(
            s.due_dates(date(2026, 12, 10), date(2027, 1, 10)),
            vec![date(2026, 12, 10), date(2027, 1, 10)]
        );
        assert_eq!(
            s.due_dates(date(2026, 12, 11), date(2027, 1, 9)),
            Vec::<Date>::new()
        );
        assert!(s.due_dates(date(2027, 1, 1), date(2026, 1, 1)).is_empty());
    }

    #[test]
    fn quarterly_and_yearly_due_dates() {
        // The report of decisions not carried out: the last day of each quarter's first month.
        let q = sched(Recurrence::Quarterly, 1, 31);
        assert_eq!(
            q.due_dates(date(2027, 1, 1), date(2027, 12, 31)),
            vec![
                date(2027, 1, 31),
                date(2027, 4, 30),
                date(2027, 7, 31),
                date(2027, 10, 31)
            ]
        );
        let q3 = sched(Recurrence::Quarterly, 2, 29);
        assert_eq!(
            q3.due_dates(date(2027, 1, 1), date(2028, 3, 1)),
            vec![
                date(2027, 2, 28),
                date(2027, 5, 29),
                date(2027, 8, 29),
                date(2027, 11, 29),
                date(2028, 2, 29)
            ]
        );
        let y = sched(Recurrence::Yearly, 2, 29);
        assert_eq!(
            y.due_dates(date(2027, 1, 1), date(2029, 12, 31)),
            vec![date(2027, 2, 28), date(2028, 2, 29), date(2029, 2, 28)]
        );
    }

    #[test]
    fn a_schedule_out_of_range_is_refused() {
        assert!(Schedule::new(Recurrence::Monthly, 1, 0).is_err());
        assert!(Schedule::new(Recurrence::Monthly, 1, 32).is_err());
        assert!(Schedule::new(Recurrence::Monthly, 2, 1).is_err());
        assert!(Schedule::new(Recurrence::Quarterly, 4, 1).is_err());
        assert!(Schedule::new(Recurrence::Yearly, 13, 1).is_err());
        assert!(Schedule::new(Recurrence::Yearly, 12, 31).is_ok());
    }

    #[test]
    fn notice_is_due_the_notice_period_before_the_end() {
        assert_eq!(
            notice_by(Some(date(2027, 3, 31)), 6),
            Some(date(2026, 9, 30))
        );
        assert_eq!(
            notice_by(Some(date(2027, 3, 31)), 1),
            Some(date(2027, 2, 28))
        );
        assert_eq!(
            notice_by(Some(date(2028, 3, 31)), 1),
            Some(date(2028, 2, 29))
        );
        assert_eq!(
            notice_by(Some(date(2027, 3, 31)), 0),
            Some(date(2027, 3, 31))
        );
        assert_eq!(notice_by(None, 6), None);
    }

    #[test]
    fn contracts_are_checked() {
        let d = date(2026, 1, 1);
        assert!(check_contract(d, Some(date(2025, 12, 31)), 3).is_err());
        assert!(check_contract(d, Some(d), 3).is_ok());
        let neg = check_contract(d, None, -1).unwrap_err();
        assert!(neg.to_string().contains("notice-period-negative"), "{neg}");
        assert!(check_contract(d, None, MAX_NOTICE_MONTHS + 1).is_err());
        assert_eq!(check_availability(995).unwrap(), 995);
        assert!(check_availability(1001).is_err());
        assert!(check_availability(-1).is_err());
    }

    #[test]
    fn reminders_come_within_the_window_and_not_for_ended_contracts() {
        let terms = check_contract(date(2024, 1, 1), Some(date(2027, 6, 30)), 6).unwrap();
        // Notice by 2026-12-30.
        let far = contract_reminders(terms, date(2027, 5, 1), date(2026, 10, 1), 60);
        assert!(far.is_empty(), "{far:?}");
        let near = contract_reminders(terms, date(2027, 5, 1), date(2026, 11, 15), 60);
        assert_eq!(near, vec![ContractReminder::Notice(date(2026, 12, 30))]);
        let passed = contract_reminders(terms, date(2027, 5, 1), date(2027, 1, 15), 60);
        assert_eq!(passed, vec![ContractReminder::Notice(date(2026, 12, 30))]);
        let follow = contract_reminders(terms, date(2027, 5, 1), date(2027, 4, 1), 60);
        assert!(follow.contains(&ContractReminder::FollowUp(date(2027, 5, 1))));
        let ended = contract_reminders(terms, date(2027, 5, 1), date(2027, 7, 1), 60);
        assert!(ended.is_empty());
        // Until further notice: only the follow-up.
        let open = check_contract(date(2024, 1, 1), None, 3).unwrap();
        assert_eq!(
            contract_reminders(open, date(2026, 12, 1), date(2026, 11, 15), 30),
            vec![ContractReminder::FollowUp(date(2026, 12, 1))]
        );
    }

    #[test]
    fn statuses_move_forward_only() {
        use IncidentStatus::{Closed, Investigating, New};
        assert!(New.check_step(Investigating).is_ok());
        assert!(New.check_step(Closed).is_ok());
        assert!(Investigating.check_step(Closed).is_ok());
        assert!(Investigating.check_step(New).is_err());
        assert!(Closed.check_step(Investigating).is_err());
        assert!(Closed.check_step(Closed).is_err());
        assert!(
            FaultStatus::Resolved
                .check_step(FaultStatus::Acknowledged)
                .is_err()
        );
        assert!(
            FaultStatus::Reported
                .check_step(FaultStatus::Resolved)
                .is_ok()
        );
    }

    #[test]
    fn periods() {
        let d = date(2026, 12, 1);
        assert!(check_period(d, Some(date(2026, 11, 30))).is_err());
        assert!(check_period(d, Some(d)).is_ok());
        assert!(holds_on(d, None, date(2030, 1, 1)));
        assert!(!holds_on(d, None, date(2026, 11, 30)));
        assert!(!holds_on(d, Some(d), date(2026, 12, 2)));
        assert!(GovernanceRole::SystemOwner.single_holder());
        assert!(!GovernanceRole::SystemManager.single_holder());
    }

    #[test]
    fn a_personnummer_in_a_text_is_found() {
        let today = date(2026, 12, 4);
        assert!(holds_personal_identity(
            "Brukare 19400404-9807 ramlade",
            today
        ));
        assert!(holds_personal_identity("pnr 400404-9807", today));
        assert!(holds_personal_identity("194004049807", today));
        assert!(holds_personal_identity("x 191212121212", today));
        // Phone numbers, dates and a bad check digit are not.
        assert!(!holds_personal_identity(
            "Ring 060-163157 eller 0701234567",
            today
        ));
        assert!(!holds_personal_identity(
            "Kameran föll ur 2026-12-03 kl 23",
            today
        ));
        assert!(!holds_personal_identity("19400404-9808", today));
        assert!(!holds_personal_identity("", today));
    }

    #[test]
    fn every_record_kind_is_an_information_type_of_the_same_code_where_there_is_one() {
        let mut own = 0;
        for &k in RecordKind::ALL {
            if let Some(t) = InformationType::from_code(k.code()) {
                assert_eq!(InformationType::of_record(k), t, "{k:?}");
                own += 1;
            }
        }
        assert_eq!(own, RecordKind::ALL.len() - 3);
        assert_eq!(
            InformationType::of_record(RecordKind::EndedClients),
            InformationType::ClientRegister
        );
        assert_eq!(
            InformationType::of_record(RecordKind::DeactivatedAccounts),
            InformationType::Directory
        );
    }
}

//! Delegated health-care tasks and their signing (DOMAIN.md §3, research/homecare.md §2,
//! seed 003: MCSS).
//!
//! A licensed person (nurse, occupational therapist, physiotherapist) prescribes health-care
//! tasks for clients and delegates the task types to named care workers, who sign every
//! occasion. The modules, in the order a task travels:
//!
//! - [`licence`]: [`Profession`], [`Licence`], the municipality's coded list of [`TaskType`]s
//!   (who may prescribe and delegate each), and the acts that are never delegated.
//! - [`terms`]: what a delegation says ([`DelegationTerms`]: task type, delegating person,
//!   care worker, scope, at most a year or one occasion, the competence check) and the rules
//!   of a new one.
//! - [`delegate`]: a [`Delegation`] as recorded (its terms, both signatures), its
//!   [`DelegationEvent`]s (revocation, leaving, change of unit, leave, use), its
//!   [`DelegationStatus`] at an instant and the expiry reminder.
//! - [`register`]: a unit's register, who may do what until when ([`unit_register`]).
//! - [`prescription`]: a [`Prescription`] for a client (times of day in Europe/Stockholm or
//!   as-needed, a signing window) and the [`Occasion`]s of a day, DST-correct, each with a
//!   stable [`OccasionKey`].
//! - [`signing`]: the outcomes a care worker signs and [`may_sign`], which checks the
//!   delegation at the moment of signing and again at sync (a delegation revoked in between
//!   is accepted and *flagged*), the window (late) and the repeat of an offline sync.
//! - [`list`]: the signing list at `now` (upcoming, open, missed, signed), the staff app's
//!   order (what is due first) and the counts of a report.
//! - [`missed`]: the scan for occasions whose window closed unsigned, the per-unit escalation
//!   ladder, and the deviation a medication not given (or partly given, cannot take, wrong
//!   stock count) opens.
//! - [`week`]: the report of missed and late signings per unit and ISO week ([`IsoWeek`]).
//!
//! Refusals are [`DelegationReason`](crate::reason::DelegationReason)s.

pub mod delegate;
pub mod licence;
pub mod list;
pub mod missed;
pub mod prescription;
pub mod register;
pub mod signing;
pub mod terms;
pub mod week;

pub use delegate::{
    Delegation, DelegationEvent, DelegationStatus, EndCause, LeaveSpan, Party, RevocationReason,
    check_leave, check_leave_end,
};
pub use licence::{
    Licence, LicenceNumber, LicensedAct, Profession, TaskType, TaskTypeCode, default_task_types,
    find_task_type,
};
pub use list::{ListRow, OccasionState, Tally, due_first, signing_list, tally};
pub use missed::{
    Deviation, DeviationState, DueCall, EscalationLadder, EscalationStep, Recipient,
    missed_occasions, opens_deviation,
};
pub use prescription::{
    Occasion, OccasionKey, Prescription, PrescriptionTerms, SigningWindow, occasions_on,
};
pub use register::{RegisterEntry, unit_register};
pub use signing::{
    NotGivenReason, Signing, SigningDraft, SigningFlag, SigningOutcome, SigningRequest,
    SigningTarget, SigningVerdict, check_effect, check_repeat, may_sign,
};
pub use terms::{CompetenceCheck, CompetenceMethod, DelegationTerms, Scope, Validity};
pub use week::{DayCounts, Exception, ExceptionRow, IsoWeek, WeekReport, week_report};

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

/// The instant a local day begins (midnight, or the first instant after a gap at midnight).
pub(crate) fn start_of(day: Date, tz: &TimeZone) -> Timestamp {
    crate::homecare::plan::instant_on(day, Time::midnight(), tz).0
}

/// The local day of an instant.
pub(crate) fn day_of(at: Timestamp, tz: &TimeZone) -> Date {
    at.to_zoned(tz.clone()).date()
}

/// A text given by a person: trimmed, `None` when empty; refused when longer than `max`.
pub(crate) fn note(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
) -> crate::DomainResult<Option<String>> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if s.chars().count() > max {
        return Err(crate::DomainError::invalid(
            field,
            crate::reason::DelegationReason::TooLong { max },
        ));
    }
    Ok(Some(s.to_owned()))
}

#[cfg(test)]
pub(crate) mod test_support {
    use jiff::Timestamp;
    use jiff::civil::{Date, date};

    use super::{
        CompetenceCheck, CompetenceMethod, Delegation, DelegationTerms, Licence, LicenceNumber,
        Profession, Scope, TaskType, TaskTypeCode, Validity, default_task_types,
    };
    use crate::DomainError;
    use crate::ids::{DelegationId, UnitId, UserId};

    /// The message id of a refusal, whatever its kind.
    pub fn id_of<T: std::fmt::Debug>(r: Result<T, DomainError>) -> &'static str {
        match r.unwrap_err() {
            DomainError::Invalid { reason, .. }
            | DomainError::Forbidden { reason }
            | DomainError::Conflict { reason } => reason.id(),
            DomainError::NotFound { what } => panic!("{what} not found"),
        }
    }

    pub fn tz() -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get("Europe/Stockholm").unwrap()
    }

    pub fn nurse() -> Licence {
        Licence {
            profession: Profession::Nurse,
            number: LicenceNumber::parse("7654321").unwrap(),
        }
    }

    pub fn insulin() -> TaskType {
        default_task_types()
            .into_iter()
            .find(|t| t.code.as_str() == "insulin")
            .unwrap()
    }

    pub fn terms() -> DelegationTerms {
        DelegationTerms {
            task_type: TaskTypeCode::parse("insulin").unwrap(),
            delegator: UserId::new(),
            recipient: UserId::new(),
            unit_id: UnitId::new(),
            scope: Scope::WholeUnit,
            validity: Validity::Period {
                from: date(2026, 12, 4),
                to: date(2027, 6, 3),
            },
            competence: Some(CompetenceCheck {
                methods: vec![
                    CompetenceMethod::Teaching,
                    CompetenceMethod::PracticalDemonstration,
                ],
                checked_on: date(2026, 12, 3),
                note: None,
            }),
        }
    }

    pub const TODAY: Date = date(2026, 12, 3);

    pub fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    pub fn signed(t: DelegationTerms) -> Delegation {
        Delegation {
            id: DelegationId::new(),
            terms: t,
            decided_at: ts("2026-12-03T09:00:00Z"),
            delegator_signed_at: Some(ts("2026-12-03T09:00:00Z")),
            recipient_signed_at: Some(ts("2026-12-03T10:00:00Z")),
            events: vec![],
        }
    }
}

//! The client's own log: an extract, on request, of everything recorded about one client over a
//! period — who read or changed the record, look-ins, alarms, visits, door events, signings
//! (patientdatalagen 8 kap. 9 §: a patient's right to know who has accessed their record). The
//! supervision and alarm log a manager asks for after an incident is the same extract with its
//! reason. This module holds the request and its rules; the gathering is the service's.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::reason::{ClientLogReason, InputReason};
use crate::{DomainError, DomainResult};

/// The longest period one extract covers: five years (the audit log is kept at least as long).
pub const MAX_YEARS: i32 = 5;

/// The longest reason text.
pub const MAX_REASON: usize = 1000;

/// Who asked for the extract.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Requester {
    /// The client themself.
    Client,
    /// The client's representative (a guardian, a trustee, someone with power of attorney).
    Representative,
    /// A manager, after an incident: the reason is required.
    Incident,
}

crate::impl_codes!(Requester);

impl Requester {
    /// Whether the request must say why.
    pub fn needs_reason(self) -> bool {
        self == Self::Incident
    }
}

/// A request for a client's log extract, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtractRequest {
    pub from: Date,
    pub to: Date,
    pub requested_by: Requester,
    /// Why (required after an incident; optional otherwise), trimmed.
    pub reason: Option<String>,
}

impl ExtractRequest {
    /// Checks a request made on `today`: the period `from..=to` ends on or after its start,
    /// starts no later than today and spans at most [`MAX_YEARS`]; a request after an incident
    /// says why; a reason is at most [`MAX_REASON`] characters.
    pub fn new(
        from: Date,
        to: Date,
        requested_by: Requester,
        reason: &str,
        today: Date,
    ) -> DomainResult<Self> {
        if to < from {
            return Err(DomainError::invalid("to", ClientLogReason::EndsBeforeStart));
        }
        if from > today {
            return Err(DomainError::invalid(
                "from",
                ClientLogReason::StartsInFuture,
            ));
        }
        let limit = from
            .checked_add(jiff::Span::new().years(MAX_YEARS))
            .unwrap_or(Date::MAX);
        if to >= limit {
            return Err(DomainError::invalid(
                "to",
                ClientLogReason::TooLong { years: MAX_YEARS },
            ));
        }
        let reason = reason.trim();
        if reason.chars().count() > MAX_REASON {
            return Err(DomainError::invalid(
                "reason",
                InputReason::TooLong { max: MAX_REASON },
            ));
        }
        if reason.is_empty() && requested_by.needs_reason() {
            return Err(DomainError::invalid(
                "reason",
                ClientLogReason::IncidentNeedsReason,
            ));
        }
        Ok(Self {
            from,
            to,
            requested_by,
            reason: (!reason.is_empty()).then(|| reason.to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn reason_of(r: DomainResult<ExtractRequest>) -> String {
        match r {
            Err(DomainError::Invalid { field, reason }) => format!("{field}: {}", reason.id()),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn codes_are_stable() {
        crate::codes::check_codes(
            "Requester",
            Requester::ALL,
            Requester::code,
            Requester::from_code,
        )
        .unwrap();
        let codes: Vec<_> = Requester::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes, ["client", "representative", "incident"]);
    }

    #[test]
    fn a_request_is_checked() {
        let today = date(2026, 12, 4);
        let ok = ExtractRequest::new(
            date(2026, 1, 1),
            date(2026, 12, 4),
            Requester::Client,
            "  ",
            today,
        )
        .unwrap();
        assert_eq!(ok.reason, None);
        let ok = ExtractRequest::new(
            date(2026, 11, 1),
            date(2026, 11, 1),
            Requester::Incident,
            " fall 3 nov ",
            today,
        )
        .unwrap();
        assert_eq!(ok.reason.as_deref(), Some("fall 3 nov"));
        assert_eq!(
            reason_of(ExtractRequest::new(
                date(2026, 2, 1),
                date(2026, 1, 1),
                Requester::Client,
                "",
                today
            )),
            "to: client-log-ends-before-start"
        );
        assert_eq!(
            reason_of(ExtractRequest::new(
                date(2026, 12, 5),
                date(2026, 12, 6),
                Requester::Client,
                "",
                today
            )),
            "from: client-log-starts-in-future"
        );
        // Five years less a day is the longest period.
        assert!(
            ExtractRequest::new(
                date(2021, 12, 5),
                date(2026, 12, 4),
                Requester::Representative,
                "",
                today
            )
            .is_ok()
        );
        assert_eq!(
            reason_of(ExtractRequest::new(
                date(2021, 12, 4),
                date(2026, 12, 4),
                Requester::Representative,
                "",
                today
            )),
            "to: client-log-too-long"
        );
        assert_eq!(
            reason_of(ExtractRequest::new(
                date(2026, 11, 1),
                date(2026, 11, 2),
                Requester::Incident,
                " \n ",
                today
            )),
            "reason: client-log-incident-needs-reason"
        );
        assert_eq!(
            reason_of(ExtractRequest::new(
                date(2026, 11, 1),
                date(2026, 11, 2),
                Requester::Client,
                &"x".repeat(MAX_REASON + 1),
                today
            )),
            "reason: input-too-long"
        );
    }
}

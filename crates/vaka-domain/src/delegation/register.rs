//! A unit's register of delegations: who may do what, for whom, until when.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::delegate::{Delegation, DelegationStatus};
use super::licence::TaskTypeCode;
use super::terms::Scope;
use crate::ids::{DelegationId, UnitId, UserId};

/// One line of a unit's register: who may do what, for whom, until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterEntry {
    pub delegation_id: DelegationId,
    pub recipient: UserId,
    pub delegator: UserId,
    pub task_type: TaskTypeCode,
    pub scope: Scope,
    pub first_day: Date,
    pub last_day: Date,
    pub status: DelegationStatus,
    pub reminder_due: bool,
}

/// The register of `unit` at `now`: its delegations that are valid, not yet started or
/// awaiting signatures (not those that are over), by recipient, task type and last day.
pub fn unit_register(
    delegations: &[Delegation],
    unit: UnitId,
    now: Timestamp,
    tz: &TimeZone,
) -> Vec<RegisterEntry> {
    let mut out: Vec<RegisterEntry> = delegations
        .iter()
        .filter(|d| d.terms.unit_id == unit)
        .filter_map(|d| {
            let status = d.status(now, tz);
            (!status.is_over()).then(|| RegisterEntry {
                delegation_id: d.id,
                recipient: d.terms.recipient,
                delegator: d.terms.delegator,
                task_type: d.terms.task_type.clone(),
                scope: d.terms.scope.clone(),
                first_day: d.terms.validity.first_day(),
                last_day: d.terms.validity.last_day(),
                status,
                reminder_due: d.reminder_due(now, tz),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (a.recipient, &a.task_type, a.last_day, a.delegation_id).cmp(&(
            b.recipient,
            &b.task_type,
            b.last_day,
            b.delegation_id,
        ))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delegation::test_support::{signed, terms, ts, tz};
    use crate::delegation::{DelegationEvent, DelegationTerms, RevocationReason};
    use jiff::civil::date;

    #[test]
    fn reminder_and_register() {
        let tz = tz();
        let d = signed(terms()); // last day 2027-06-03
        assert_eq!(d.reminder_from(), Some(date(2027, 5, 4)));
        assert!(!d.reminder_due(ts("2027-05-03T12:00:00Z"), &tz));
        assert!(d.reminder_due(ts("2027-05-04T12:00:00Z"), &tz));
        assert!(!d.reminder_due(ts("2027-06-04T12:00:00Z"), &tz), "expired");

        let unit = d.terms.unit_id;
        let mut revoked = signed(DelegationTerms {
            unit_id: unit,
            ..terms()
        });
        revoked.events.push(DelegationEvent::Revoked {
            at: ts("2027-01-01T00:00:00Z"),
            by: revoked.terms.delegator,
            reason: RevocationReason::NeedGone,
            note: None,
        });
        let mut pending = signed(DelegationTerms {
            unit_id: unit,
            ..terms()
        });
        pending.delegator_signed_at = None;
        let elsewhere = signed(terms());
        let now = ts("2027-05-10T12:00:00Z");
        let reg = unit_register(
            &[d.clone(), revoked, pending.clone(), elsewhere],
            unit,
            now,
            &tz,
        );
        let ids: Vec<_> = reg.iter().map(|e| e.delegation_id).collect();
        assert_eq!(ids.len(), 2);
        assert!(ids.contains(&d.id) && ids.contains(&pending.id));
        let line = reg.iter().find(|e| e.delegation_id == d.id).unwrap();
        assert_eq!(line.last_day, date(2027, 6, 3));
        assert!(line.reminder_due);
        assert_eq!(line.status.code(), "valid");
        // Sorted by recipient.
        assert!(reg[0].recipient <= reg[1].recipient);
    }
}

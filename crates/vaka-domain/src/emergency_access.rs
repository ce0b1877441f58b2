//! Emergency access (nödåtkomst, REG-12): opening a client's record from outside one's
//! need-to-know, when the client's life or health is at risk and nobody within reach can act.
//!
//! It is a separate, deliberate step: a reason is required, the access lasts at most
//! [`EMERGENCY_ACCESS_MINUTES`], every entry it produces is flagged in the audit log, and log
//! review always picks those entries. It never opens a protected identity to someone outside
//! the client's named group, and it opens reading only.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::ids::{ClientId, UserId};
use crate::reason::AccessReason;

/// How long an emergency access lasts.
pub const EMERGENCY_ACCESS_MINUTES: i64 = 60;

/// The longest reason kept (characters).
pub const MAX_REASON_CHARS: usize = 500;

/// An emergency access as opened: by whom, to whom, why, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyAccess {
    pub id: uuid::Uuid,
    pub user_id: UserId,
    pub client_id: ClientId,
    pub reason: String,
    pub opened_at: Timestamp,
    /// When it ends: [`EMERGENCY_ACCESS_MINUTES`] after it was opened, or earlier when the
    /// user ended it.
    pub ends_at: Timestamp,
}

impl EmergencyAccess {
    /// Whether it opens the record at `at`.
    pub fn is_open_at(&self, at: Timestamp) -> bool {
        self.opened_at <= at && at < self.ends_at
    }

    /// Whole minutes left at `at` (rounded up; zero once it has ended).
    pub fn minutes_left(&self, at: Timestamp) -> i64 {
        let left = self.ends_at.duration_since(at);
        if left <= SignedDuration::ZERO {
            0
        } else {
            (left.as_secs() + 59) / 60
        }
    }
}

/// What the rule knows of a request for emergency access.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The reason as typed.
    pub reason: &'a str,
    /// The caller holds a role that reads clients somewhere (only such roles may ask).
    pub reads_clients: bool,
    /// The client is already within the caller's need-to-know (no emergency then).
    pub within_reach: bool,
    /// The client's identity is protected.
    pub protected: bool,
    /// The caller is in the client's named group.
    pub in_named_group: bool,
}

/// Decides a request: the reason to keep (trimmed) and when the access ends, or why not.
pub fn open(req: Request<'_>, at: Timestamp) -> Result<(String, Timestamp), AccessReason> {
    if !req.reads_clients {
        return Err(AccessReason::EmergencyNoClientRole);
    }
    if req.within_reach {
        return Err(AccessReason::EmergencyNotNeeded);
    }
    if req.protected && !req.in_named_group {
        return Err(AccessReason::EmergencyProtectedIdentity);
    }
    let reason = req.reason.trim();
    if reason.is_empty() {
        return Err(AccessReason::EmergencyReasonRequired);
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(AccessReason::EmergencyReasonTooLong);
    }
    let ends = at
        .checked_add(SignedDuration::from_mins(EMERGENCY_ACCESS_MINUTES))
        .map_err(|_| AccessReason::EmergencyReasonRequired)?;
    Ok((reason.to_owned(), ends))
}

/// Whether an access opened earlier still opens the record at `at`, given what is true of the
/// client now: a protection placed since, on someone outside the named group, closes it.
pub fn still_opens(
    access: &EmergencyAccess,
    at: Timestamp,
    protected: bool,
    in_named_group: bool,
) -> bool {
    access.is_open_at(at) && (!protected || in_named_group)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(reason: &str) -> Request<'_> {
        Request {
            reason,
            reads_clients: true,
            within_reach: false,
            protected: false,
            in_named_group: false,
        }
    }

    fn at() -> Timestamp {
        "2026-12-04T02:10:00Z".parse().unwrap()
    }

    #[test]
    fn a_reason_opens_the_record_for_sixty_minutes() {
        let (reason, ends) =
            open(req("  Larm utan svar, brukaren ligger på golvet "), at()).unwrap();
        assert_eq!(reason, "Larm utan svar, brukaren ligger på golvet");
        assert_eq!(ends.duration_since(at()), SignedDuration::from_mins(60));
    }

    #[test]
    fn no_reason_no_access() {
        assert_eq!(
            open(req(""), at()),
            Err(AccessReason::EmergencyReasonRequired)
        );
        assert_eq!(
            open(req(" \n\t "), at()),
            Err(AccessReason::EmergencyReasonRequired)
        );
        let long = "x".repeat(MAX_REASON_CHARS + 1);
        assert_eq!(
            open(req(&long), at()),
            Err(AccessReason::EmergencyReasonTooLong)
        );
        let just = "å".repeat(MAX_REASON_CHARS);
        assert!(open(req(&just), at()).is_ok());
    }

    #[test]
    fn only_roles_that_read_clients_and_only_outside_reach() {
        let r = Request {
            reads_clients: false,
            ..req("akut")
        };
        assert_eq!(open(r, at()), Err(AccessReason::EmergencyNoClientRole));
        let r = Request {
            within_reach: true,
            ..req("akut")
        };
        assert_eq!(open(r, at()), Err(AccessReason::EmergencyNotNeeded));
    }

    #[test]
    fn a_protected_identity_opens_only_to_its_named_group() {
        let r = Request {
            protected: true,
            ..req("akut")
        };
        assert_eq!(open(r, at()), Err(AccessReason::EmergencyProtectedIdentity));
        let r = Request {
            protected: true,
            in_named_group: true,
            ..req("akut")
        };
        assert!(open(r, at()).is_ok());
    }

    #[test]
    fn it_ends_after_sixty_minutes_or_when_a_protection_is_placed() {
        let (reason, ends) = open(req("akut"), at()).unwrap();
        let a = EmergencyAccess {
            id: uuid::Uuid::nil(),
            user_id: UserId::new(),
            client_id: ClientId::new(),
            reason,
            opened_at: at(),
            ends_at: ends,
        };
        let later = |m: i64| at().checked_add(SignedDuration::from_mins(m)).unwrap();
        assert!(still_opens(&a, at(), false, false));
        assert!(still_opens(&a, later(59), false, false));
        assert!(!still_opens(&a, later(60), false, false));
        assert!(!still_opens(&a, later(-1), false, false));
        assert!(!still_opens(&a, later(10), true, false));
        assert!(still_opens(&a, later(10), true, true));
        assert_eq!(a.minutes_left(at()), 60);
        assert_eq!(
            a.minutes_left(at().checked_add(SignedDuration::from_secs(61)).unwrap()),
            59
        );
        assert_eq!(a.minutes_left(later(61)), 0);
    }
}

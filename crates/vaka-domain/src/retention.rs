//! Retention (gallring): how long each kind of record is kept, and the rules a setting of it
//! must follow.
//!
//! Each kind of record Vaka keeps has a row in the retention table: a default, the shortest
//! retention the law (or a rule the municipality is bound by) allows, and the field of the
//! record that counts (a night, a day, an instant). The municipality may keep a kind longer
//! than its default, or shorter down to the floor — never shorter. A new kind of record joins
//! the table by a variant here, a default with its source, and a purge step in the store.
//!
//! Retention is counted in days from the Stockholm day of the record: a record of day `d` is
//! purged when `d < today - days` ([`cutoff_date`]); for records dated by an instant, the
//! cutoff is the start of that Stockholm day ([`cutoff_instant`]), so a record is never purged
//! a day early across a change of time.
//!
//! A client under a legal hold (an open investigation, a complaint, a request under the
//! Freedom of the Press Act) is left out of every purge until the hold is lifted: the store
//! skips their rows, and the audit log is purged no further than the entry before their first.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use serde::Serialize;

use crate::error::{DomainError, DomainResult};
use crate::reason::RetentionReason;

/// Days in a year of retention (the floors below are "at least N years").
pub const YEAR_DAYS: u32 = 366;

/// The longest retention the table accepts: 100 years (a longer one is a typing mistake;
/// "never purge" is a legal hold, not a number).
pub const MAX_DAYS: u32 = 100 * 365;

/// A kind of record with its own retention.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// Supervision tasks of a night, with their look-ins and dispatches, and the nights a
    /// client's supervision lapsed (by night).
    Supervision,
    /// Closed safety alarms with their handling log, and the received messages no open alarm
    /// points at (by the time received).
    Alarms,
    /// The lifecycle events of devices (by time).
    DeviceEvents,
    /// The weekend and holiday checks of technical alarms (by when they were due).
    TechnicalChecks,
    /// Home-care visits with their records from the phones and their corrections; the
    /// confirmations and approvals of their weeks (by day).
    Visits,
    /// Door events of locks and the unlock grants they answered (by time).
    LockEvents,
    /// Signings of delegated tasks with their deviations, and the escalation calls of missed
    /// occasions (by the occasion's day).
    Signings,
    /// Delegations with their events, counted from their last day; one that signings still
    /// point at is kept with them.
    Delegations,
    /// The documented log reviews with their marked entries (by the end of the period
    /// reviewed).
    LogReviews,
    /// The audit log: who read or changed what (by time).
    AuditLog,
    /// What is left of a client whose care has ended — the register entry, contacts,
    /// decisions, orders, consents, plans, pauses and key access — counted from the last
    /// entry: the client's last change, the last day of their last decision, and the last
    /// access logged about them. Kept while any other record of the client is (REG-50: not
    /// while other data on the same person remains), and while a device is with them.
    EndedClients,
    /// Deactivated and rejected user accounts, counted from the deactivation: the name,
    /// e-mail, HSA-id and credentials are replaced by a pseudonym and the sessions, tokens,
    /// app devices and group memberships removed — the account itself stays, so that records
    /// kept longer still point at someone. Not while the audit log still holds an entry by the
    /// account, or a signing, delegation or visit names them (those records must say who).
    DeactivatedAccounts,
}

crate::impl_codes!(RecordKind);

impl RecordKind {
    /// The retention a new installation starts with, in days.
    pub fn default_days(self) -> u32 {
        match self {
            // Set in the data processing agreement (REG-53); a year until it is.
            RecordKind::Supervision | RecordKind::TechnicalChecks => 365,
            // Key receipts are kept 2 years after the alarm ends (Växjö, ALM-23).
            RecordKind::Alarms | RecordKind::DeviceEvents | RecordKind::LockEvents => 2 * 365,
            // The payment basis of private providers is accounting material: 7 years
            // (bokföringslagen 7 kap. 2 §).
            RecordKind::Visits => 7 * 365,
            // Signing lists belong to the patient record: at least 10 years (PDL 3 kap. 17 §);
            // delegation decisions about 10 years after they ended (SIG-02).
            RecordKind::Signings | RecordKind::Delegations => 10 * YEAR_DAYS,
            // Access logs at least 5 years (HSLF-FS 2016:40, REG-02), and the documented
            // reviews of them as long.
            RecordKind::AuditLog | RecordKind::LogReviews => 5 * YEAR_DAYS,
            // Social services files: 5 years after the last entry (REG-50).
            RecordKind::EndedClients => 5 * YEAR_DAYS,
            // An account is no longer needed once no kept record names its holder (the purge
            // checks that); a year after it ended, for questions about its last work.
            RecordKind::DeactivatedAccounts => 365,
        }
    }

    /// The shortest retention allowed, in days.
    pub fn min_days(self) -> u32 {
        match self {
            // No statutory floor; a month, so that the month's log review and an incident
            // report can still read them.
            RecordKind::Supervision
            | RecordKind::Alarms
            | RecordKind::DeviceEvents
            | RecordKind::TechnicalChecks
            | RecordKind::LockEvents => 31,
            // Accounting material.
            RecordKind::Visits => 7 * 365,
            RecordKind::Signings | RecordKind::Delegations => 10 * YEAR_DAYS,
            RecordKind::AuditLog | RecordKind::LogReviews | RecordKind::EndedClients => {
                5 * YEAR_DAYS
            }
            // The records that name the holder keep the account whatever this says.
            RecordKind::DeactivatedAccounts => 31,
        }
    }

    /// Whether the kind's records belong to clients, so that a legal hold keeps them.
    pub fn held_by_client(self) -> bool {
        !matches!(
            self,
            RecordKind::TechnicalChecks | RecordKind::DeactivatedAccounts
        )
    }
}

/// A kind's retention as set, checked against its floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Retention {
    pub kind: RecordKind,
    pub days: u32,
}

impl Retention {
    /// A retention of `days` for `kind`, refused when shorter than the floor or absurdly long.
    pub fn new(kind: RecordKind, days: u32) -> DomainResult<Self> {
        if days < kind.min_days() {
            return Err(DomainError::invalid(
                "days",
                RetentionReason::BelowMinimum {
                    kind: kind.code().to_owned(),
                    min_days: kind.min_days(),
                },
            ));
        }
        if days > MAX_DAYS {
            return Err(DomainError::invalid(
                "days",
                RetentionReason::TooLong { max_days: MAX_DAYS },
            ));
        }
        Ok(Self { kind, days })
    }

    /// The default of `kind`.
    pub fn default_for(kind: RecordKind) -> Self {
        Self {
            kind,
            days: kind.default_days(),
        }
    }
}

/// The whole table: every kind with its retention, stored values over the defaults. A stored
/// value below the floor (an older release's, or one written past the service) counts as the
/// floor.
pub fn table(stored: &[(RecordKind, u32)]) -> Vec<Retention> {
    RecordKind::ALL
        .iter()
        .map(|&kind| {
            let days = stored
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(kind.default_days(), |&(_, d)| {
                    d.clamp(kind.min_days(), MAX_DAYS)
                });
            Retention { kind, days }
        })
        .collect()
}

/// Records of Stockholm days before this one are past a retention of `days` on `today`.
pub fn cutoff_date(today: Date, days: u32) -> Date {
    today
        .checked_sub(Span::new().days(i64::from(days)))
        .unwrap_or(Date::MIN)
}

/// Records stamped before this instant are past a retention of `days` on `today`: the start
/// of [`cutoff_date`] in `tz`.
pub fn cutoff_instant(today: Date, days: u32, tz: &TimeZone) -> Timestamp {
    cutoff_date(today, days)
        .to_zoned(tz.clone())
        .map_or(Timestamp::MIN, |z| z.timestamp())
}

/// A legal hold's reason must say why: 3 to 500 characters after trimming.
pub fn hold_reason(text: &str) -> DomainResult<String> {
    let t = text.trim();
    if t.chars().count() < 3 {
        return Err(DomainError::invalid(
            "reason",
            RetentionReason::HoldNeedsReason,
        ));
    }
    if t.chars().count() > 500 {
        return Err(DomainError::invalid(
            "reason",
            crate::reason::InputReason::TooLong { max: 500 },
        ));
    }
    Ok(t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn stockholm() -> TimeZone {
        TimeZone::get("Europe/Stockholm").unwrap()
    }

    fn reason_id(e: &DomainError) -> Option<&'static str> {
        match e {
            DomainError::Invalid { reason, .. } => Some(reason.id()),
            _ => None,
        }
    }

    #[test]
    fn codes_roundtrip() {
        crate::codes::check_codes(
            "RecordKind",
            RecordKind::ALL,
            RecordKind::code,
            RecordKind::from_code,
        )
        .unwrap();
    }

    #[test]
    fn defaults_are_within_their_floors() {
        for &k in RecordKind::ALL {
            assert!(k.default_days() >= k.min_days(), "{k:?}");
            assert!(Retention::new(k, k.default_days()).is_ok(), "{k:?}");
        }
    }

    #[test]
    fn the_audit_log_is_kept_at_least_five_years() {
        assert!(RecordKind::AuditLog.min_days() > 5 * 365);
        let e = Retention::new(RecordKind::AuditLog, 4 * 365).unwrap_err();
        assert_eq!(reason_id(&e), Some("retention-below-minimum"));
        assert!(Retention::new(RecordKind::AuditLog, 6 * 365).is_ok());
    }

    #[test]
    fn ended_clients_and_log_reviews_are_kept_at_least_five_years() {
        for k in [RecordKind::EndedClients, RecordKind::LogReviews] {
            assert!(k.min_days() > 5 * 365, "{k:?}");
            let e = Retention::new(k, 5 * 365).unwrap_err();
            assert_eq!(reason_id(&e), Some("retention-below-minimum"));
        }
        assert!(Retention::new(RecordKind::DeactivatedAccounts, 31).is_ok());
        assert!(Retention::new(RecordKind::DeactivatedAccounts, 30).is_err());
    }

    #[test]
    fn a_retention_below_the_floor_or_absurdly_long_is_refused() {
        assert!(Retention::new(RecordKind::Supervision, 30).is_err());
        assert!(Retention::new(RecordKind::Supervision, 31).is_ok());
        assert!(Retention::new(RecordKind::Signings, 9 * 365).is_err());
        let e = Retention::new(RecordKind::Supervision, MAX_DAYS + 1).unwrap_err();
        assert_eq!(reason_id(&e), Some("retention-too-long"));
    }

    #[test]
    fn the_table_has_every_kind_with_stored_values_over_defaults() {
        let t = table(&[(RecordKind::Supervision, 90), (RecordKind::AuditLog, 10)]);
        assert_eq!(t.len(), RecordKind::ALL.len());
        let days = |k| t.iter().find(|r| r.kind == k).unwrap().days;
        assert_eq!(days(RecordKind::Supervision), 90);
        // A stored value below the floor counts as the floor.
        assert_eq!(days(RecordKind::AuditLog), RecordKind::AuditLog.min_days());
        assert_eq!(days(RecordKind::Visits), RecordKind::Visits.default_days());
    }

    #[test]
    fn cutoffs_count_stockholm_days_across_a_change_of_time() {
        // 2026-03-29 is the spring change; 2026-10-25 the autumn change.
        assert_eq!(cutoff_date(date(2026, 4, 1), 3), date(2026, 3, 29));
        let c = cutoff_instant(date(2026, 4, 1), 3, &stockholm());
        // Midnight in Stockholm before the change is 23:00 UTC the day before.
        assert_eq!(c.to_string(), "2026-03-28T23:00:00Z");
        let c = cutoff_instant(date(2026, 10, 28), 2, &stockholm());
        // After the autumn change Stockholm is UTC+1.
        assert_eq!(c.to_string(), "2026-10-25T23:00:00Z");
        let c = cutoff_instant(date(2026, 10, 27), 2, &stockholm());
        assert_eq!(c.to_string(), "2026-10-24T22:00:00Z");
    }

    #[test]
    fn a_hold_needs_a_reason() {
        assert!(hold_reason("  ").is_err());
        assert!(hold_reason("ab").is_err());
        assert_eq!(
            hold_reason(" IVO-ärende 2026/41 ").unwrap(),
            "IVO-ärende 2026/41"
        );
        assert!(hold_reason(&"x".repeat(501)).is_err());
    }
}

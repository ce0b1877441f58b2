//! Visits as performed: what the staff app registers, how its times are judged, corrections,
//! the week's confirmation and approval, and the lock date.
//!
//! **Two times per event.** Every start and end keeps the phone's time (`device_time`) and the
//! server's time of receipt (`received_at`); the instant *used* (`at`) is decided by
//! [`timing`]:
//!
//! - **Clock skew.** The app sends, with each outbox batch, its own clock at sending
//!   (`sent_at`). The server compares it with its receipt time: a difference of more than
//!   [`TimingRule::skew_tolerance`] (5 minutes) means the phone's clock is off. Its times are
//!   then not used as such: the instant used is the server's receipt time moved back by how
//!   long the record waited in the outbox (a difference of two phone times, which a wrong
//!   clock does not spoil) — for a record synced at once, the receipt time itself — and the
//!   event is flagged `clock_skew`. Without `sent_at` only a device time in the future (more
//!   than the tolerance after receipt) can be recognised; the receipt time is then used.
//! - **Late sync.** An event received more than [`TimingRule::late_after`] (15 minutes) after
//!   the instant used is flagged `late_sync`: the phone was offline, and the follow-up sees
//!   that the time was registered on the phone and reached the server later. A device time is
//!   never later than the receipt (it is capped at it).
//!
//! **Corrections** ([`Correction`]) are rows of their own: which field, the old and new value,
//! a reason code from a fixed list ([`CorrectionReason`]) and a text; the visit shows the new
//! value and is marked corrected, the original stays in the correction (and the device and
//! receipt times are never changed).
//!
//! **Confirmation, approval, lock date.** The worker confirms their week, the unit manager
//! approves the unit's week, and the municipality sets a lock date per provider organisation:
//! no visit dated on or before it may be registered or changed ([`check_unlocked`]) until the
//! municipality moves the date back (reopens).

use jiff::civil::{Date, Weekday};
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use super::CareTask;
use crate::ids::{ClientId, CorrectionId, DeviceId, UnitId, UserId, VisitId, VisitPlanId};
use crate::reason::HomecareReason;
use crate::{DomainError, DomainResult};

/// Why a visit happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum VisitKind {
    /// A visit of a plan.
    Planned,
    /// An extra visit beside the plan.
    Extra,
    /// A visit because of a safety alarm.
    Alarm,
    /// Night help.
    NightHelp,
    MealDelivery,
}

crate::impl_codes!(VisitKind);

/// How the start or end of a visit was proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum EvidenceKind {
    /// An NTAG 424 DNA tap with a verified SUN message: proven.
    NfcSun,
    /// A plain tag's read (its serial and the server-written record): weaker, a serial can be
    /// cloned.
    NfcPlain,
    /// No tag read; a reason is given.
    Manual,
}

crate::impl_codes!(EvidenceKind);

/// Why a start or end was registered without a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ManualReason {
    /// The phone cannot read NFC (an iPhone).
    NoNfcPhone,
    TagBroken,
    TagMissing,
    SystemDown,
    Forgot,
}

crate::impl_codes!(ManualReason);

/// The evidence of one end of a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    Nfc { kind: NfcStrength, tag: DeviceId },
    Manual(ManualReason),
}

/// How strongly a tag proves its tap (mirrors [`crate::nfc::TagStrength`]).
pub type NfcStrength = crate::nfc::TagStrength;

impl Evidence {
    pub fn kind(&self) -> EvidenceKind {
        match self {
            Evidence::Nfc {
                kind: NfcStrength::Sun,
                ..
            } => EvidenceKind::NfcSun,
            Evidence::Nfc {
                kind: NfcStrength::Plain,
                ..
            } => EvidenceKind::NfcPlain,
            Evidence::Manual(_) => EvidenceKind::Manual,
        }
    }

    pub fn tag(&self) -> Option<DeviceId> {
        match self {
            Evidence::Nfc { tag, .. } => Some(*tag),
            Evidence::Manual(_) => None,
        }
    }

    pub fn manual_reason(&self) -> Option<ManualReason> {
        match self {
            Evidence::Manual(r) => Some(*r),
            Evidence::Nfc { .. } => None,
        }
    }

    /// From the stored parts.
    pub fn from_parts(
        kind: EvidenceKind,
        tag: Option<DeviceId>,
        manual: Option<ManualReason>,
    ) -> Option<Self> {
        match (kind, tag, manual) {
            (EvidenceKind::NfcSun, Some(tag), _) => Some(Evidence::Nfc {
                kind: NfcStrength::Sun,
                tag,
            }),
            (EvidenceKind::NfcPlain, Some(tag), _) => Some(Evidence::Nfc {
                kind: NfcStrength::Plain,
                tag,
            }),
            (EvidenceKind::Manual, _, Some(r)) => Some(Evidence::Manual(r)),
            _ => None,
        }
    }
}

/// The thresholds by which event times are judged (see the module's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimingRule {
    /// A phone clock further than this from the server's is off.
    pub skew_tolerance: SignedDuration,
    /// An event received later than this after it happened synced late.
    pub late_after: SignedDuration,
}

impl Default for TimingRule {
    fn default() -> Self {
        Self {
            skew_tolerance: SignedDuration::from_mins(5),
            late_after: SignedDuration::from_mins(15),
        }
    }
}

/// One end of a visit as it was registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// The instant used (see [`timing`]).
    pub at: Timestamp,
    /// The phone's time.
    pub device_time: Timestamp,
    /// The server's time of receipt.
    pub received_at: Timestamp,
    pub evidence: Evidence,
    pub late_sync: bool,
    pub clock_skew: bool,
}

/// How an event's time was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub at: Timestamp,
    pub late_sync: bool,
    pub clock_skew: bool,
}

/// The instant used for an event the phone stamped `device_time`, received at `received_at`
/// in a batch the phone sent at `sent_at` (its own clock), and the flags it earns.
pub fn timing(
    rule: TimingRule,
    device_time: Timestamp,
    received_at: Timestamp,
    sent_at: Option<Timestamp>,
) -> Timing {
    let (at, clock_skew) = match sent_at {
        Some(sent) => {
            let offset = sent.duration_since(received_at);
            if offset.abs() > rule.skew_tolerance {
                // How long the record waited in the outbox, on the phone's own clock.
                let waited = sent.duration_since(device_time).max(SignedDuration::ZERO);
                (received_at - waited, true)
            } else {
                (device_time, false)
            }
        }
        None if device_time.duration_since(received_at) > rule.skew_tolerance => {
            (received_at, true)
        }
        None => (device_time, false),
    };
    let at = at.min(received_at);
    Timing {
        at,
        late_sync: received_at.duration_since(at) > rule.late_after,
        clock_skew,
    }
}

/// A visit as performed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// Generated by the app (a UUID), so that a sync can be repeated.
    pub id: VisitId,
    pub client_id: ClientId,
    pub unit_id: UnitId,
    pub worker: UserId,
    /// The plan and day it carries out; `None` for a visit beside the plan.
    pub plan_id: Option<VisitPlanId>,
    /// The day the visit belongs to (the plan's day, or the local day of its start).
    pub date: Date,
    pub kind: VisitKind,
    pub start: Stamp,
    pub end: Option<Stamp>,
    pub tasks_done: Vec<CareTask>,
    pub note: Option<String>,
    /// Set once a correction changed it.
    pub corrected: bool,
    pub created_at: Timestamp,
}

impl Visit {
    pub fn started_at(&self) -> Timestamp {
        self.start.at
    }

    pub fn ended_at(&self) -> Option<Timestamp> {
        self.end.map(|e| e.at)
    }

    /// Whole minutes from start to end (0 while open).
    pub fn minutes(&self) -> i64 {
        self.ended_at()
            .map_or(0, |e| e.duration_since(self.start.at).as_mins().max(0))
    }

    /// Whether either end was registered without a tag.
    pub fn manual(&self) -> bool {
        self.start.evidence.kind() == EvidenceKind::Manual
            || self
                .end
                .is_some_and(|e| e.evidence.kind() == EvidenceKind::Manual)
    }

    pub fn late_sync(&self) -> bool {
        self.start.late_sync || self.end.is_some_and(|e| e.late_sync)
    }

    pub fn clock_skew(&self) -> bool {
        self.start.clock_skew || self.end.is_some_and(|e| e.clock_skew)
    }
}

/// An end must come after the start.
pub fn check_end(started_at: Timestamp, ended_at: Timestamp) -> DomainResult<()> {
    if ended_at <= started_at {
        return Err(DomainError::invalid(
            "device_time",
            HomecareReason::EndBeforeStart,
        ));
    }
    Ok(())
}

/// The most characters of a visit's note or a correction's text.
pub const MAX_NOTE_CHARS: usize = 2000;

/// Why a registered visit was changed afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum CorrectionReason {
    /// The start was not registered at the door.
    ForgotStart,
    /// The end was not registered at the door.
    ForgotEnd,
    /// A time registered wrongly (too early, too late).
    WrongTime,
    /// The tasks ticked were not those performed.
    WrongTasks,
    /// A fault of the phone, tag or system.
    TechnicalFault,
    Other,
}

crate::impl_codes!(CorrectionReason);

/// Which part of a visit a correction changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum CorrectionField {
    StartedAt,
    EndedAt,
    Tasks,
    Note,
}

crate::impl_codes!(CorrectionField);

/// One change to a registered visit, kept beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub id: CorrectionId,
    pub visit_id: VisitId,
    pub field: CorrectionField,
    /// The value before, as text (an RFC 3339 instant, task codes, the note), `None` if unset.
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: CorrectionReason,
    pub text: String,
    pub by: UserId,
    pub at: Timestamp,
}

/// A correction's reason text: required, at most [`MAX_NOTE_CHARS`].
pub fn check_correction_text(text: &str) -> DomainResult<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(DomainError::invalid(
            "text",
            HomecareReason::CorrectionTextRequired,
        ));
    }
    if t.chars().count() > MAX_NOTE_CHARS {
        return Err(DomainError::invalid(
            "text",
            HomecareReason::TooLong {
                max: MAX_NOTE_CHARS,
            },
        ));
    }
    Ok(t.to_owned())
}

/// A visit's note: at most [`MAX_NOTE_CHARS`]; blank is none.
pub fn check_note(note: Option<&str>) -> DomainResult<Option<String>> {
    let Some(n) = note.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if n.chars().count() > MAX_NOTE_CHARS {
        return Err(DomainError::invalid(
            "note",
            HomecareReason::TooLong {
                max: MAX_NOTE_CHARS,
            },
        ));
    }
    Ok(Some(n.to_owned()))
}

/// No visit dated on or before the lock date may be registered or changed.
pub fn check_unlocked(date: Date, locked_through: Option<Date>) -> DomainResult<()> {
    match locked_through {
        Some(lock) if date <= lock => Err(DomainError::conflict(HomecareReason::PeriodLocked {
            through: lock.to_string(),
        })),
        _ => Ok(()),
    }
}

/// The Monday of the (ISO) week `day` falls in.
pub fn week_start(day: Date) -> Date {
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day.checked_sub(back.days()).unwrap_or(day)
}

/// Whether `day` is a Monday (weeks are named by their Monday).
pub fn is_week_start(day: Date) -> bool {
    day.weekday() == Weekday::Monday
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn synced_at_once_uses_the_device_time() {
        let t = timing(
            TimingRule::default(),
            ts("2026-12-03T08:00:00Z"),
            ts("2026-12-03T08:00:02Z"),
            Some(ts("2026-12-03T08:00:01Z")),
        );
        assert_eq!(t.at, ts("2026-12-03T08:00:00Z"));
        assert!(!t.late_sync && !t.clock_skew);
    }

    #[test]
    fn offline_for_an_hour_is_late_but_keeps_its_time() {
        let t = timing(
            TimingRule::default(),
            ts("2026-12-03T08:00:00Z"),
            ts("2026-12-03T09:00:00Z"),
            Some(ts("2026-12-03T09:00:00Z")),
        );
        assert_eq!(t.at, ts("2026-12-03T08:00:00Z"));
        assert!(t.late_sync && !t.clock_skew);
        // Just under the threshold is not late; just over is.
        let under = timing(
            TimingRule::default(),
            ts("2026-12-03T08:45:01Z"),
            ts("2026-12-03T09:00:00Z"),
            None,
        );
        assert!(!under.late_sync);
        let over = timing(
            TimingRule::default(),
            ts("2026-12-03T08:44:59Z"),
            ts("2026-12-03T09:00:00Z"),
            None,
        );
        assert!(over.late_sync);
    }

    #[test]
    fn a_clock_hours_off_is_flagged_and_server_time_used() {
        // The phone is three hours behind; the record synced at once.
        let t = timing(
            TimingRule::default(),
            ts("2026-12-03T05:00:00Z"),
            ts("2026-12-03T08:00:00Z"),
            Some(ts("2026-12-03T05:00:00Z")),
        );
        assert_eq!(t.at, ts("2026-12-03T08:00:00Z"));
        assert!(t.clock_skew && !t.late_sync, "synced at once is not late");
        // Three hours ahead, and the record waited 40 minutes in the outbox.
        let t = timing(
            TimingRule::default(),
            ts("2026-12-03T10:20:00Z"),
            ts("2026-12-03T08:00:00Z"),
            Some(ts("2026-12-03T11:00:00Z")),
        );
        assert_eq!(t.at, ts("2026-12-03T07:20:00Z"));
        assert!(t.clock_skew && t.late_sync);
        // Without the batch's sending time only a future device time is recognised.
        let t = timing(
            TimingRule::default(),
            ts("2026-12-03T11:00:00Z"),
            ts("2026-12-03T08:00:00Z"),
            None,
        );
        assert_eq!(t.at, ts("2026-12-03T08:00:00Z"));
        assert!(t.clock_skew);
        // A few minutes ahead is tolerated, but the time is capped at the receipt.
        let t = timing(
            TimingRule::default(),
            ts("2026-12-03T08:03:00Z"),
            ts("2026-12-03T08:00:00Z"),
            Some(ts("2026-12-03T08:03:00Z")),
        );
        assert_eq!(t.at, ts("2026-12-03T08:00:00Z"));
        assert!(!t.clock_skew);
    }

    #[test]
    fn end_before_start_refused() {
        assert!(check_end(ts("2026-12-03T08:00:00Z"), ts("2026-12-03T08:30:00Z")).is_ok());
        assert!(check_end(ts("2026-12-03T08:00:00Z"), ts("2026-12-03T08:00:00Z")).is_err());
        assert!(check_end(ts("2026-12-03T08:00:00Z"), ts("2026-12-03T07:59:00Z")).is_err());
    }

    #[test]
    fn lock_date_and_weeks() {
        assert!(check_unlocked(date(2026, 11, 30), Some(date(2026, 11, 30))).is_err());
        assert!(check_unlocked(date(2026, 12, 1), Some(date(2026, 11, 30))).is_ok());
        assert!(check_unlocked(date(2020, 1, 1), None).is_ok());
        assert_eq!(week_start(date(2026, 12, 3)), date(2026, 11, 30));
        assert_eq!(week_start(date(2026, 11, 30)), date(2026, 11, 30));
        assert_eq!(week_start(date(2026, 12, 6)), date(2026, 11, 30));
        assert!(is_week_start(date(2026, 11, 30)) && !is_week_start(date(2026, 12, 1)));
    }

    #[test]
    fn texts() {
        assert!(check_correction_text("  ").is_err());
        assert_eq!(check_correction_text(" glömde ").unwrap(), "glömde");
        assert!(check_correction_text(&"x".repeat(MAX_NOTE_CHARS + 1)).is_err());
        assert_eq!(check_note(Some("  ")).unwrap(), None);
        assert!(check_note(Some(&"x".repeat(MAX_NOTE_CHARS + 1))).is_err());
    }

    #[test]
    fn evidence_parts() {
        let tag = DeviceId::new();
        for e in [
            Evidence::Nfc {
                kind: NfcStrength::Sun,
                tag,
            },
            Evidence::Nfc {
                kind: NfcStrength::Plain,
                tag,
            },
            Evidence::Manual(ManualReason::TagBroken),
        ] {
            assert_eq!(
                Evidence::from_parts(e.kind(), e.tag(), e.manual_reason()),
                Some(e)
            );
        }
        assert_eq!(Evidence::from_parts(EvidenceKind::Manual, None, None), None);
        assert_eq!(Evidence::from_parts(EvidenceKind::NfcSun, None, None), None);
    }
}

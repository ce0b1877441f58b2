//! A delegation as recorded, what happens to it, and where it stands at an instant.
//!
//! - **Signatures.** Both parties sign, each with its instant (the second factor is checked by
//!   the caller); the delegation is valid only from the later signature.
//! - **Ending.** Revocation with a reason takes effect at once; the delegation ends by itself
//!   when either party leaves or changes unit, or when a leave of either lasts more than
//!   three months (it ends on the day three months after the leave began, if the leave is
//!   still running then); a one-occasion delegation is used by its first signing. What ended
//!   first is what the status shows.
//!
//! [`Delegation::status`] is a pure function of the record, its events and an instant; it
//! is also how a signing checks the delegation at the moment it was made
//! ([`Delegation::valid_at`]).

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use super::terms::{DelegationTerms, NOTE_MAX, Scope, Validity};
use super::{day_of, note, start_of};
use crate::ids::{ClientId, DelegationId, UnitId, UserId};
use crate::reason::DelegationReason;
use crate::{DomainError, DomainResult};

/// How many days before its last day a delegation's renewal reminder is due.
pub const REMINDER_DAYS: i32 = 30;
/// A leave longer than this many months ends the delegation.
pub const LONG_LEAVE_MONTHS: i32 = 3;

/// A party of a delegation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Party {
    /// The licensed person who delegates.
    Delegator,
    /// The care worker who receives the delegation.
    Recipient,
}

crate::impl_codes!(Party);

/// Why a delegation was revoked (MCSS's defaults and the municipal routines' grounds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum RevocationReason {
    /// Doubt about the care worker's competence.
    CompetenceDoubt,
    /// The task is not done as it should be.
    NotDoneProperly,
    /// The need is gone.
    NeedGone,
    /// The care worker left.
    StaffLeft,
    /// Replaced by a new delegation.
    Replaced,
    /// Another reason, described in the note.
    Other,
}

crate::impl_codes!(RevocationReason);

impl RevocationReason {
    /// Whether the revocation needs its text.
    pub fn needs_note(self) -> bool {
        matches!(
            self,
            RevocationReason::CompetenceDoubt
                | RevocationReason::NotDoneProperly
                | RevocationReason::Other
        )
    }
}

/// Why a delegation ended by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum EndCause {
    RecipientLeft,
    DelegatorLeft,
    RecipientChangedUnit,
    DelegatorChangedUnit,
    RecipientLongLeave,
    DelegatorLongLeave,
}

crate::impl_codes!(EndCause);

impl EndCause {
    fn left(p: Party) -> Self {
        match p {
            Party::Recipient => EndCause::RecipientLeft,
            Party::Delegator => EndCause::DelegatorLeft,
        }
    }

    fn changed_unit(p: Party) -> Self {
        match p {
            Party::Recipient => EndCause::RecipientChangedUnit,
            Party::Delegator => EndCause::DelegatorChangedUnit,
        }
    }

    fn long_leave(p: Party) -> Self {
        match p {
            Party::Recipient => EndCause::RecipientLongLeave,
            Party::Delegator => EndCause::DelegatorLongLeave,
        }
    }
}

/// Something that happened to a delegation (or to a party of it) after it was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum DelegationEvent {
    /// Revoked by `by` (the delegating person, another licensed person or the unit manager);
    /// in effect from `at`.
    Revoked {
        at: Timestamp,
        by: UserId,
        reason: RevocationReason,
        note: Option<String>,
    },
    /// The party's employment ended (their account was deactivated).
    Left { party: Party, at: Timestamp },
    /// The party moved to another unit.
    ChangedUnit { party: Party, at: Timestamp },
    /// A leave (or sick leave) of the party, local days; `to` is `None` while it runs.
    Leave {
        party: Party,
        from: Date,
        to: Option<Date>,
    },
    /// A one-occasion delegation was used by a signing at `at`.
    OccasionUsed { at: Timestamp },
}

/// A delegation as recorded: its terms, the two signatures and what happened since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegation {
    pub id: DelegationId,
    pub terms: DelegationTerms,
    pub decided_at: Timestamp,
    pub delegator_signed_at: Option<Timestamp>,
    pub recipient_signed_at: Option<Timestamp>,
    pub events: Vec<DelegationEvent>,
}

/// Where a delegation stands at an instant. As JSON, tagged by `status` with its
/// [`code`](DelegationStatus::code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DelegationStatus {
    /// Not yet signed by both; says who has signed.
    AwaitingSignatures { delegator: bool, recipient: bool },
    /// Signed by both; its first day has not come.
    NotYetStarted { from: Date },
    /// May be used, through `last_day`.
    Valid { last_day: Date },
    /// Its last day passed (signed or not).
    Expired { last_day: Date },
    /// A one-occasion delegation, used.
    Used { at: Timestamp },
    Revoked {
        at: Timestamp,
        reason: RevocationReason,
    },
    /// Ended by itself.
    Ended { at: Timestamp, cause: EndCause },
}

impl DelegationStatus {
    /// A stable code for lists and filters.
    pub fn code(self) -> &'static str {
        match self {
            DelegationStatus::AwaitingSignatures { .. } => "awaiting_signatures",
            DelegationStatus::NotYetStarted { .. } => "not_yet_started",
            DelegationStatus::Valid { .. } => "valid",
            DelegationStatus::Expired { .. } => "expired",
            DelegationStatus::Used { .. } => "used",
            DelegationStatus::Revoked { .. } => "revoked",
            DelegationStatus::Ended { .. } => "ended",
        }
    }

    /// Whether the delegation is over for good (it cannot become valid again).
    pub fn is_over(self) -> bool {
        matches!(
            self,
            DelegationStatus::Expired { .. }
                | DelegationStatus::Used { .. }
                | DelegationStatus::Revoked { .. }
                | DelegationStatus::Ended { .. }
        )
    }
}

impl Delegation {
    /// The party `user` is, if any.
    pub fn party_of(&self, user: UserId) -> Option<Party> {
        if user == self.terms.delegator {
            Some(Party::Delegator)
        } else if user == self.terms.recipient {
            Some(Party::Recipient)
        } else {
            None
        }
    }

    /// The instant both had signed, if both have.
    pub fn signed_by_both_at(&self) -> Option<Timestamp> {
        Some(self.delegator_signed_at?.max(self.recipient_signed_at?))
    }

    /// The span of instants its days cover: from the start of the first day to the start of
    /// the day after the last.
    pub fn days_span(&self, tz: &TimeZone) -> (Timestamp, Timestamp) {
        let v = self.terms.validity;
        let after = v.last_day().checked_add(1.day()).unwrap_or(v.last_day());
        (start_of(v.first_day(), tz), start_of(after, tz))
    }

    /// Every way it ended or will end by itself, with its instant (not ordered).
    fn endings(&self, tz: &TimeZone) -> Vec<(Timestamp, DelegationStatus)> {
        let mut out = Vec::new();
        let (_, expires) = self.days_span(tz);
        out.push((
            expires,
            DelegationStatus::Expired {
                last_day: self.terms.validity.last_day(),
            },
        ));
        for e in &self.events {
            match *e {
                DelegationEvent::Revoked { at, reason, .. } => {
                    out.push((at, DelegationStatus::Revoked { at, reason }));
                }
                DelegationEvent::Left { party, at } => out.push((
                    at,
                    DelegationStatus::Ended {
                        at,
                        cause: EndCause::left(party),
                    },
                )),
                DelegationEvent::ChangedUnit { party, at } => out.push((
                    at,
                    DelegationStatus::Ended {
                        at,
                        cause: EndCause::changed_unit(party),
                    },
                )),
                DelegationEvent::Leave { party, from, to } => {
                    // More than three months: the leave is still running on the day three
                    // months after it began.
                    let Ok(limit) = from.checked_add(LONG_LEAVE_MONTHS.months()) else {
                        continue;
                    };
                    if to.is_none_or(|to| to >= limit) {
                        let at = start_of(limit, tz);
                        out.push((
                            at,
                            DelegationStatus::Ended {
                                at,
                                cause: EndCause::long_leave(party),
                            },
                        ));
                    }
                }
                DelegationEvent::OccasionUsed { at } => {
                    // Used *after* the signing that used it: that signing itself is valid.
                    let after = at
                        .checked_add(jiff::SignedDuration::from_nanos(1))
                        .unwrap_or(at);
                    out.push((after, DelegationStatus::Used { at }));
                }
            }
        }
        out
    }

    /// Where the delegation stands at `now`.
    pub fn status(&self, now: Timestamp, tz: &TimeZone) -> DelegationStatus {
        if let Some((_, ended)) = self
            .endings(tz)
            .into_iter()
            .filter(|(at, _)| *at <= now)
            .min_by_key(|(at, _)| *at)
        {
            return ended;
        }
        let signed = |s: Option<Timestamp>| s.is_some_and(|at| at <= now);
        if !(signed(self.delegator_signed_at) && signed(self.recipient_signed_at)) {
            return DelegationStatus::AwaitingSignatures {
                delegator: signed(self.delegator_signed_at),
                recipient: signed(self.recipient_signed_at),
            };
        }
        let (starts, _) = self.days_span(tz);
        if now < starts {
            return DelegationStatus::NotYetStarted {
                from: self.terms.validity.first_day(),
            };
        }
        DelegationStatus::Valid {
            last_day: self.terms.validity.last_day(),
        }
    }

    /// Whether it may be used at `at`.
    pub fn valid_at(&self, at: Timestamp, tz: &TimeZone) -> bool {
        matches!(self.status(at, tz), DelegationStatus::Valid { .. })
    }

    /// Whether its scope covers `client`, whose unit is `client_unit`.
    pub fn covers(&self, client: ClientId, client_unit: UnitId) -> bool {
        match &self.terms.scope {
            Scope::Clients(clients) => clients.contains(&client),
            Scope::WholeUnit => client_unit == self.terms.unit_id,
        }
    }

    /// The rule of a signature by `signer` at `at` (the second factor already checked):
    /// a party, who has not signed, of a delegation not over. Returns the signer's party.
    pub fn check_signature(
        &self,
        signer: UserId,
        at: Timestamp,
        tz: &TimeZone,
    ) -> DomainResult<Party> {
        let Some(party) = self.party_of(signer) else {
            return Err(DomainError::forbidden(DelegationReason::NotAParty));
        };
        let already = match party {
            Party::Delegator => self.delegator_signed_at,
            Party::Recipient => self.recipient_signed_at,
        };
        if already.is_some() {
            return Err(DomainError::conflict(DelegationReason::AlreadySigned));
        }
        if self.status(at, tz).is_over() {
            return Err(DomainError::conflict(DelegationReason::NoLongerOpen));
        }
        Ok(party)
    }

    /// The rule of a revocation at `at`: a reason (with its text where it needs one) on a
    /// delegation not already over. Returns the event to record. Who may revoke (the
    /// delegating person, another licensed person, the unit manager) is the caller's check.
    pub fn revoke(
        &self,
        by: UserId,
        at: Timestamp,
        reason: RevocationReason,
        text: Option<&str>,
        tz: &TimeZone,
    ) -> DomainResult<DelegationEvent> {
        let text = note("note", text, NOTE_MAX)?;
        if reason.needs_note() && text.is_none() {
            return Err(DomainError::invalid(
                "note",
                DelegationReason::RevocationNoteRequired,
            ));
        }
        if self.status(at, tz).is_over() {
            return Err(DomainError::conflict(DelegationReason::AlreadyEnded));
        }
        Ok(DelegationEvent::Revoked {
            at,
            by,
            reason,
            note: text,
        })
    }

    /// The day from which the renewal reminder is due; `None` for one occasion.
    pub fn reminder_from(&self) -> Option<Date> {
        match self.terms.validity {
            Validity::Period { to, .. } => to.checked_sub(REMINDER_DAYS.days()).ok(),
            Validity::OneOccasion { .. } => None,
        }
    }

    /// Whether the renewal reminder is due at `now`: from [`REMINDER_DAYS`] days before the
    /// last day, while the delegation is not over. (Whether it was already sent is the
    /// caller's record.)
    pub fn reminder_due(&self, now: Timestamp, tz: &TimeZone) -> bool {
        self.reminder_from()
            .is_some_and(|from| day_of(now, tz) >= from && !self.status(now, tz).is_over())
    }
}

/// A leave of a party, as the delegation holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaveSpan {
    pub party: Party,
    pub from: Date,
    /// `None` while it runs.
    pub to: Option<Date>,
}

impl LeaveSpan {
    /// The day a leave begun on `from` ends a delegation if it is still running then (three
    /// months later; `None` only past the end of the calendar).
    pub fn limit_of(from: Date) -> Option<Date> {
        from.checked_add(LONG_LEAVE_MONTHS.months()).ok()
    }

    /// The day this leave ends the delegation, if it runs that long: while it runs, or when
    /// its last day is on or after the limit.
    pub fn ends_delegation_on(self) -> Option<Date> {
        Self::ending(self.from, self.to)
    }

    /// The day a leave from `from` through `to` (running when `None`) ends a delegation, if
    /// it lasts more than three months.
    pub fn ending(from: Date, to: Option<Date>) -> Option<Date> {
        let limit = Self::limit_of(from)?;
        to.is_none_or(|to| to >= limit).then_some(limit)
    }
}

/// The rules of a leave as it is recorded on `today`: it may begin at most a year back
/// (older ones are history, not a reason to end anything), and a last day, when given, is on
/// or after the first.
pub fn check_leave(from: Date, to: Option<Date>, today: Date) -> DomainResult<()> {
    let earliest = today.checked_sub(1.year()).unwrap_or(today);
    if from < earliest {
        return Err(DomainError::invalid(
            "from",
            DelegationReason::LeaveTooFarBack {
                earliest: earliest.to_string(),
            },
        ));
    }
    if let Some(to) = to {
        check_leave_end(from, to)?;
    }
    Ok(())
}

/// The rule of a leave's last day: on or after its first.
pub fn check_leave_end(from: Date, to: Date) -> DomainResult<()> {
    if to < from {
        return Err(DomainError::invalid(
            "to",
            DelegationReason::LeaveEndsBeforeStart {
                from: from.to_string(),
            },
        ));
    }
    Ok(())
}

impl Delegation {
    /// The leaves of its parties, in the order recorded.
    pub fn leaves(&self) -> Vec<LeaveSpan> {
        self.events
            .iter()
            .filter_map(|e| match *e {
                DelegationEvent::Leave { party, from, to } => Some(LeaveSpan { party, from, to }),
                _ => None,
            })
            .collect()
    }

    /// The running leave of `party` (no last day yet), if any.
    pub fn running_leave(&self, party: Party) -> Option<LeaveSpan> {
        self.leaves()
            .into_iter()
            .find(|l| l.party == party && l.to.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delegation::test_support::{TODAY, id_of, signed, terms, ts, tz};
    use jiff::civil::date;

    #[test]
    fn valid_only_once_both_have_signed_and_within_its_days() {
        let tz = tz();
        let mut d = signed(terms());
        d.recipient_signed_at = None;
        assert_eq!(
            d.status(ts("2026-12-10T10:00:00Z"), &tz),
            DelegationStatus::AwaitingSignatures {
                delegator: true,
                recipient: false
            }
        );
        assert!(!d.valid_at(ts("2026-12-10T10:00:00Z"), &tz));
        d.recipient_signed_at = Some(ts("2026-12-05T12:00:00Z"));
        // Signed on the 5th: valid from that instant, not before.
        assert!(!d.valid_at(ts("2026-12-05T11:59:59Z"), &tz));
        assert!(d.valid_at(ts("2026-12-05T12:00:00Z"), &tz));
        // Signed before the first day: not yet started until local midnight (UTC+1).
        let d = signed(terms());
        assert_eq!(
            d.status(ts("2026-12-03T22:59:59Z"), &tz),
            DelegationStatus::NotYetStarted {
                from: date(2026, 12, 4)
            }
        );
        assert!(d.valid_at(ts("2026-12-03T23:00:00Z"), &tz));
        // The last day, 2027-06-03, is summer time (UTC+2): it ends at 22:00 UTC.
        assert!(d.valid_at(ts("2027-06-03T21:59:59Z"), &tz));
        assert_eq!(
            d.status(ts("2027-06-03T22:00:00Z"), &tz),
            DelegationStatus::Expired {
                last_day: date(2027, 6, 3)
            }
        );
    }

    #[test]
    fn revocation_takes_effect_at_once_and_needs_its_reason() {
        let tz = tz();
        let mut d = signed(terms());
        let at = ts("2027-01-10T08:00:00Z");
        let by = d.terms.delegator;
        assert_eq!(
            id_of(d.revoke(by, at, RevocationReason::CompetenceDoubt, None, &tz)),
            "delegation-revocation-note-required"
        );
        let ev = d
            .revoke(by, at, RevocationReason::NeedGone, None, &tz)
            .unwrap();
        d.events.push(ev);
        assert!(d.valid_at(ts("2027-01-10T07:59:59Z"), &tz));
        assert_eq!(
            d.status(at, &tz),
            DelegationStatus::Revoked {
                at,
                reason: RevocationReason::NeedGone
            }
        );
        assert_eq!(
            id_of(d.revoke(
                by,
                ts("2027-01-11T08:00:00Z"),
                RevocationReason::Other,
                Some("x"),
                &tz
            )),
            "delegation-already-ended"
        );
    }

    #[test]
    fn it_ends_by_itself() {
        let tz = tz();
        let base = signed(terms());
        let at = ts("2027-02-01T12:00:00Z");
        for (event, cause) in [
            (
                DelegationEvent::Left {
                    party: Party::Recipient,
                    at,
                },
                EndCause::RecipientLeft,
            ),
            (
                DelegationEvent::Left {
                    party: Party::Delegator,
                    at,
                },
                EndCause::DelegatorLeft,
            ),
            (
                DelegationEvent::ChangedUnit {
                    party: Party::Recipient,
                    at,
                },
                EndCause::RecipientChangedUnit,
            ),
            (
                DelegationEvent::ChangedUnit {
                    party: Party::Delegator,
                    at,
                },
                EndCause::DelegatorChangedUnit,
            ),
        ] {
            let mut d = base.clone();
            d.events.push(event);
            assert!(d.valid_at(ts("2027-02-01T11:59:59Z"), &tz));
            assert_eq!(d.status(at, &tz), DelegationStatus::Ended { at, cause });
        }
        // A leave of exactly three months (Jan 10 – Apr 9) does not end it; one more day does,
        // from the start of Apr 10 (summer time, UTC+2).
        let leave = |to| {
            let mut d = base.clone();
            d.events.push(DelegationEvent::Leave {
                party: Party::Recipient,
                from: date(2027, 1, 10),
                to,
            });
            d
        };
        let d = leave(Some(date(2027, 4, 9)));
        assert!(d.valid_at(ts("2027-04-20T10:00:00Z"), &tz));
        for d in [leave(Some(date(2027, 4, 10))), leave(None)] {
            assert!(d.valid_at(ts("2027-04-09T21:59:59Z"), &tz));
            assert_eq!(
                d.status(ts("2027-04-09T22:00:00Z"), &tz),
                DelegationStatus::Ended {
                    at: ts("2027-04-09T22:00:00Z"),
                    cause: EndCause::RecipientLongLeave
                }
            );
        }
        // What ended first is what it shows: the leave ended it before a later revocation.
        let mut d = leave(None);
        d.events.push(DelegationEvent::Revoked {
            at: ts("2027-05-01T08:00:00Z"),
            by: d.terms.delegator,
            reason: RevocationReason::StaffLeft,
            note: None,
        });
        assert_eq!(d.status(ts("2027-05-02T08:00:00Z"), &tz).code(), "ended");
    }

    #[test]
    fn a_leave_is_checked_and_says_when_it_would_end_the_delegation() {
        // At most a year back; a last day not before the first.
        assert!(check_leave(date(2025, 12, 3), None, TODAY).is_ok());
        assert_eq!(
            id_of(check_leave(date(2025, 12, 2), None, TODAY)),
            "delegation-leave-too-far-back"
        );
        assert!(check_leave(TODAY, Some(TODAY), TODAY).is_ok());
        assert_eq!(
            id_of(check_leave(TODAY, Some(date(2026, 12, 2)), TODAY)),
            "delegation-leave-ends-before-start"
        );
        // Planned ahead is fine.
        assert!(check_leave(date(2027, 1, 10), Some(date(2027, 2, 1)), TODAY).is_ok());

        let span = |to| LeaveSpan {
            party: Party::Recipient,
            from: date(2027, 1, 10),
            to,
        };
        assert_eq!(span(None).ends_delegation_on(), Some(date(2027, 4, 10)));
        assert_eq!(
            span(Some(date(2027, 4, 10))).ends_delegation_on(),
            Some(date(2027, 4, 10))
        );
        assert_eq!(span(Some(date(2027, 4, 9))).ends_delegation_on(), None);

        let mut d = signed(terms());
        assert_eq!(d.running_leave(Party::Recipient), None);
        d.events.push(DelegationEvent::Leave {
            party: Party::Recipient,
            from: date(2027, 1, 10),
            to: None,
        });
        assert_eq!(d.running_leave(Party::Recipient), Some(span(None)));
        assert_eq!(d.running_leave(Party::Delegator), None);
        assert_eq!(d.leaves().len(), 1);
    }

    #[test]
    fn status_as_json_is_tagged_by_its_code() {
        let at = ts("2027-01-01T00:00:00Z");
        for s in [
            DelegationStatus::AwaitingSignatures {
                delegator: true,
                recipient: false,
            },
            DelegationStatus::NotYetStarted { from: TODAY },
            DelegationStatus::Valid { last_day: TODAY },
            DelegationStatus::Expired { last_day: TODAY },
            DelegationStatus::Used { at },
            DelegationStatus::Revoked {
                at,
                reason: RevocationReason::Other,
            },
            DelegationStatus::Ended {
                at,
                cause: EndCause::RecipientLeft,
            },
        ] {
            let json = serde_json::to_value(s).unwrap();
            assert_eq!(json["status"], s.code(), "{json}");
            assert_eq!(serde_json::from_value::<DelegationStatus>(json).unwrap(), s);
        }
    }

    #[test]
    fn one_occasion_is_used_by_its_signing() {
        let tz = tz();
        let mut d = signed(DelegationTerms {
            validity: Validity::OneOccasion { on: TODAY },
            ..terms()
        });
        let used = ts("2026-12-03T15:00:00Z");
        d.events.push(DelegationEvent::OccasionUsed { at: used });
        // The signing that used it was valid; nothing after it is.
        assert!(d.valid_at(used, &tz));
        assert_eq!(
            d.status(ts("2026-12-03T15:00:01Z"), &tz),
            DelegationStatus::Used { at: used }
        );
        assert_eq!(d.reminder_from(), None);
    }

    #[test]
    fn signatures() {
        let tz = tz();
        let mut d = signed(terms());
        d.recipient_signed_at = None;
        let at = ts("2026-12-03T11:00:00Z");
        assert_eq!(
            d.check_signature(d.terms.recipient, at, &tz).unwrap(),
            Party::Recipient
        );
        assert_eq!(
            id_of(d.check_signature(d.terms.delegator, at, &tz)),
            "delegation-already-signed"
        );
        assert_eq!(
            id_of(d.check_signature(UserId::new(), at, &tz)),
            "delegation-not-a-party"
        );
        d.events.push(DelegationEvent::Revoked {
            at: ts("2026-12-03T10:30:00Z"),
            by: d.terms.delegator,
            reason: RevocationReason::NeedGone,
            note: None,
        });
        assert_eq!(
            id_of(d.check_signature(d.terms.recipient, at, &tz)),
            "delegation-no-longer-open"
        );
    }

    #[test]
    fn scope() {
        let c = ClientId::new();
        let other = ClientId::new();
        let mut d = signed(terms());
        let unit = d.terms.unit_id;
        assert!(d.covers(c, unit));
        assert!(!d.covers(c, UnitId::new()));
        d.terms.scope = Scope::Clients(vec![c]);
        assert!(d.covers(c, UnitId::new()));
        assert!(!d.covers(other, unit));
    }

    proptest::proptest! {
        /// A revocation takes effect at once and for good.
        #[test]
        fn revoked_is_revoked_for_good(
            at_min in 0i64..(200 * 24 * 60),
            later in 0i64..(400 * 24 * 60),
        ) {
            let tz = tz();
            let mut d = signed(terms());
            let at = ts("2026-12-04T00:00:00Z") + jiff::SignedDuration::from_mins(at_min);
            d.events.push(DelegationEvent::Revoked {
                at,
                by: d.terms.delegator,
                reason: RevocationReason::NeedGone,
                note: None,
            });
            let when = at + jiff::SignedDuration::from_mins(later);
            proptest::prop_assert!(!d.valid_at(when, &tz));
            proptest::prop_assert!(d.status(when, &tz).is_over());
        }
    }
}

//! Delegations: a licensed person lets a named care worker perform one task type.
//!
//! The rules (SOSFS 1997:14 and municipal routines, research/homecare.md §2.1–2.2):
//!
//! - **Who.** Only a licensed person whose profession may prescribe the task type delegates it
//!   ([`TaskType::may_delegate`]); never to themself. The recipient holds no right to pass it on:
//!   delegating needs a licence, and a delegation is not one.
//! - **How long.** A period of local days (Europe/Stockholm) whose last day is at most a year
//!   less a day after its first (2026-12-04 → 2027-12-03), or one occasion: its day, until the
//!   first signing under it.
//! - **Competence.** How it was checked (teaching, practical demonstration, knowledge test,
//!   other with a description) is recorded before the delegation starts.
//! - **Scope.** Named clients, or every client of the delegation's unit.
//! - **Signatures.** Both parties sign, each with its instant (the second factor is checked by
//!   the caller); the delegation is valid only from the later signature.
//! - **Ending.** Revocation with a reason takes effect at once; the delegation ends by itself
//!   when either party leaves or changes unit, or when a leave of either lasts more than
//!   three months (it ends on the day three months after the leave began, if the leave is
//!   still running then). What ended first is what the status shows.
//!
//! [`Delegation::status`] is a pure function of the record, its events and an instant; it
//! is also how a signing checks the delegation at the moment it was made
//! ([`Delegation::valid_at`]).

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use super::licence::{Licence, TaskType, TaskTypeCode, check_licensed};
use super::{day_of, note, start_of};
use crate::ids::{ClientId, DelegationId, UnitId, UserId};
use crate::reason::DelegationReason;
use crate::{DomainError, DomainResult};

/// How many days before its last day a delegation's renewal reminder is due.
pub const REMINDER_DAYS: i32 = 30;
/// A leave longer than this many months ends the delegation.
pub const LONG_LEAVE_MONTHS: i32 = 3;
/// The most characters of a note (competence check, revocation).
pub const NOTE_MAX: usize = 1000;

/// Which clients a delegation covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "clients", rename_all = "snake_case")]
pub enum Scope {
    /// These clients only.
    Clients(Vec<ClientId>),
    /// Every client of the delegation's unit.
    WholeUnit,
}

/// How long a delegation holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Validity {
    /// From `from` through `to`, local days.
    Period { from: Date, to: Date },
    /// One occasion on `on`: used up by the first signing under it.
    OneOccasion { on: Date },
}

impl Validity {
    pub fn first_day(self) -> Date {
        match self {
            Validity::Period { from, .. } => from,
            Validity::OneOccasion { on } => on,
        }
    }

    pub fn last_day(self) -> Date {
        match self {
            Validity::Period { to, .. } => to,
            Validity::OneOccasion { on } => on,
        }
    }

    /// The latest last day a period starting on `from` may have: a year less a day.
    pub fn latest_last_day(from: Date) -> Date {
        from.checked_add(1.year())
            .and_then(|d| d.checked_sub(1.day()))
            .unwrap_or(from)
    }
}

/// How the delegating person checked the care worker's competence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum CompetenceMethod {
    /// Teaching (theory).
    Teaching,
    /// The task done under supervision.
    PracticalDemonstration,
    /// A knowledge test passed.
    KnowledgeTest,
    /// Another way, described in the note.
    Other,
}

crate::impl_codes!(CompetenceMethod);

/// The record of the competence check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompetenceCheck {
    pub methods: Vec<CompetenceMethod>,
    pub checked_on: Date,
    pub note: Option<String>,
}

/// What the delegating person writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegationTerms {
    pub task_type: TaskTypeCode,
    pub delegator: UserId,
    pub recipient: UserId,
    /// The unit the delegation belongs to (its register), and whose clients
    /// [`Scope::WholeUnit`] covers.
    pub unit_id: UnitId,
    pub scope: Scope,
    pub validity: Validity,
    pub competence: Option<CompetenceCheck>,
}

impl DelegationTerms {
    /// The rules of a new delegation decided on `today` (local) by a person holding
    /// `delegator_licence`, for `task` (the list's entry of `task_type`). Returns the terms
    /// with their notes trimmed.
    pub fn check(
        &self,
        delegator_licence: Option<&Licence>,
        task: &TaskType,
        today: Date,
    ) -> DomainResult<DelegationTerms> {
        if self.delegator == self.recipient {
            return Err(DomainError::invalid(
                "recipient",
                DelegationReason::ToOneself,
            ));
        }
        check_licensed(delegator_licence, task, |task| {
            DelegationReason::ProfessionMayNotDelegate { task }
        })?;
        if task.code != self.task_type {
            return Err(DomainError::invalid(
                "task_type",
                DelegationReason::UnknownTaskType {
                    code: self.task_type.to_string(),
                },
            ));
        }
        if let Scope::Clients(clients) = &self.scope {
            if clients.is_empty() {
                return Err(DomainError::invalid(
                    "clients",
                    DelegationReason::ClientsRequired,
                ));
            }
            let mut seen = std::collections::HashSet::new();
            if !clients.iter().all(|c| seen.insert(*c)) {
                return Err(DomainError::invalid(
                    "clients",
                    DelegationReason::ClientTwice,
                ));
            }
        }
        let first = self.validity.first_day();
        if let Validity::Period { from, to } = self.validity {
            if to < from {
                return Err(DomainError::invalid(
                    "to",
                    DelegationReason::EndsBeforeStart,
                ));
            }
            let latest = Validity::latest_last_day(from);
            if to > latest {
                return Err(DomainError::invalid(
                    "to",
                    DelegationReason::LongerThanAYear {
                        last: latest.to_string(),
                    },
                ));
            }
        }
        if first < today {
            return Err(DomainError::invalid(
                "from",
                DelegationReason::StartsInThePast,
            ));
        }
        let Some(check) = &self.competence else {
            return Err(DomainError::invalid(
                "competence",
                DelegationReason::CompetenceCheckRequired,
            ));
        };
        if check.methods.is_empty() {
            return Err(DomainError::invalid(
                "competence",
                DelegationReason::CompetenceCheckRequired,
            ));
        }
        let text = note("competence_note", check.note.as_deref(), NOTE_MAX)?;
        if check.methods.contains(&CompetenceMethod::Other) && text.is_none() {
            return Err(DomainError::invalid(
                "competence_note",
                DelegationReason::CompetenceNoteRequired,
            ));
        }
        if check.checked_on > first {
            return Err(DomainError::invalid(
                "checked_on",
                DelegationReason::CompetenceCheckAfterStart,
            ));
        }
        let mut methods = check.methods.clone();
        methods.sort();
        methods.dedup();
        Ok(DelegationTerms {
            competence: Some(CompetenceCheck {
                methods,
                checked_on: check.checked_on,
                note: text,
            }),
            ..self.clone()
        })
    }
}

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
    use crate::delegation::licence::{LicenceNumber, Profession, default_task_types};
    use crate::delegation::test_support::{id_of, tz};
    use jiff::civil::date;

    fn nurse() -> Licence {
        Licence {
            profession: Profession::Nurse,
            number: LicenceNumber::parse("7654321").unwrap(),
        }
    }

    fn insulin() -> TaskType {
        default_task_types()
            .into_iter()
            .find(|t| t.code.as_str() == "insulin")
            .unwrap()
    }

    fn terms() -> DelegationTerms {
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

    const TODAY: Date = date(2026, 12, 3);

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn signed(t: DelegationTerms) -> Delegation {
        Delegation {
            id: DelegationId::new(),
            terms: t,
            decided_at: ts("2026-12-03T09:00:00Z"),
            delegator_signed_at: Some(ts("2026-12-03T09:00:00Z")),
            recipient_signed_at: Some(ts("2026-12-03T10:00:00Z")),
            events: vec![],
        }
    }

    #[test]
    fn a_good_delegation_passes() {
        let t = terms();
        assert_eq!(t.check(Some(&nurse()), &insulin(), TODAY).unwrap(), t);
        // One occasion, today.
        let once = DelegationTerms {
            validity: Validity::OneOccasion { on: TODAY },
            ..t
        };
        assert!(once.check(Some(&nurse()), &insulin(), TODAY).is_ok());
    }

    #[test]
    fn bad_delegations_are_refused_with_their_reason() {
        let bad =
            |t: DelegationTerms, lic: Option<&Licence>| id_of(t.check(lic, &insulin(), TODAY));
        let n = nurse();
        let t = terms();
        assert_eq!(
            bad(
                DelegationTerms {
                    recipient: t.delegator,
                    ..t.clone()
                },
                Some(&n)
            ),
            "delegation-to-oneself"
        );
        assert_eq!(bad(t.clone(), None), "delegation-no-licence");
        let ot = Licence {
            profession: Profession::OccupationalTherapist,
            ..n.clone()
        };
        assert_eq!(
            bad(t.clone(), Some(&ot)),
            "delegation-profession-may-not-delegate"
        );
        // A year exactly is one day too long; a year less a day is the longest.
        let year = |to| DelegationTerms {
            validity: Validity::Period {
                from: date(2026, 12, 4),
                to,
            },
            ..t.clone()
        };
        assert_eq!(
            id_of(year(date(2027, 12, 4)).check(Some(&n), &insulin(), TODAY)),
            "delegation-longer-than-a-year"
        );
        assert!(
            year(date(2027, 12, 3))
                .check(Some(&n), &insulin(), TODAY)
                .is_ok()
        );
        assert_eq!(
            bad(year(date(2026, 12, 3)), Some(&n)),
            "delegation-ends-before-start"
        );
        assert_eq!(
            bad(
                DelegationTerms {
                    competence: None,
                    ..t.clone()
                },
                Some(&n)
            ),
            "delegation-competence-check-required"
        );
        let competence =
            |methods: Vec<CompetenceMethod>, on: Date, note: Option<&str>| DelegationTerms {
                competence: Some(CompetenceCheck {
                    methods,
                    checked_on: on,
                    note: note.map(str::to_owned),
                }),
                ..t.clone()
            };
        assert_eq!(
            bad(competence(vec![], TODAY, None), Some(&n)),
            "delegation-competence-check-required"
        );
        assert_eq!(
            bad(
                competence(vec![CompetenceMethod::Other], TODAY, Some("  ")),
                Some(&n)
            ),
            "delegation-competence-note-required"
        );
        assert!(
            competence(vec![CompetenceMethod::Other], TODAY, Some("e-learning"))
                .check(Some(&n), &insulin(), TODAY)
                .is_ok()
        );
        assert_eq!(
            bad(
                competence(
                    vec![CompetenceMethod::KnowledgeTest],
                    date(2026, 12, 5),
                    None
                ),
                Some(&n)
            ),
            "delegation-competence-check-after-start"
        );
        assert_eq!(
            bad(
                DelegationTerms {
                    scope: Scope::Clients(vec![]),
                    ..t.clone()
                },
                Some(&n)
            ),
            "delegation-clients-required"
        );
        let c = ClientId::new();
        assert_eq!(
            bad(
                DelegationTerms {
                    scope: Scope::Clients(vec![c, c]),
                    ..t.clone()
                },
                Some(&n)
            ),
            "delegation-client-twice"
        );
        assert_eq!(
            bad(
                DelegationTerms {
                    validity: Validity::OneOccasion {
                        on: date(2026, 12, 2)
                    },
                    ..t.clone()
                },
                Some(&n)
            ),
            "delegation-starts-in-the-past"
        );
    }

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

    proptest::proptest! {
        /// At most a year: a period is accepted exactly when its last day is no later than a
        /// year less a day after its first.
        #[test]
        fn at_most_a_year(start in 0i32..2000, days in 0i32..800) {
            let from = TODAY.checked_add(start.days()).unwrap();
            let to = from.checked_add(days.days()).unwrap();
            let t = DelegationTerms {
                validity: Validity::Period { from, to },
                competence: Some(CompetenceCheck {
                    methods: vec![CompetenceMethod::KnowledgeTest],
                    checked_on: TODAY,
                    note: None,
                }),
                ..terms()
            };
            let ok = t.check(Some(&nurse()), &insulin(), TODAY).is_ok();
            proptest::prop_assert_eq!(ok, to < from.checked_add(1.year()).unwrap());
            // A year less a day is 364 or 365 days on; never more.
            if ok {
                proptest::prop_assert!(days <= 365);
            }
        }

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

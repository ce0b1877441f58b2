//! The terms of a delegation and the rules of a new one (SOSFS 1997:14 and municipal
//! routines, research/homecare.md §2.1–2.2):
//!
//! - **Who.** Only a licensed person whose profession may prescribe the task type delegates it
//!   ([`TaskType::may_delegate`](super::TaskType::may_delegate)); never to themself. The
//!   recipient holds no right to pass it on: delegating needs a licence, and a delegation is
//!   not one.
//! - **How long.** A period of local days (Europe/Stockholm) whose last day is at most a year
//!   less a day after its first (2026-12-04 → 2027-12-03), or one occasion: its day, until the
//!   first signing under it.
//! - **Competence.** How it was checked (teaching, practical demonstration, knowledge test,
//!   other with a description) is recorded before the delegation starts.
//! - **Scope.** Named clients, or every client of the delegation's unit.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use super::licence::{Licence, TaskType, TaskTypeCode, check_licensed};
use super::note;
use crate::ids::{ClientId, UnitId, UserId};
use crate::reason::DelegationReason;
use crate::{DomainError, DomainResult};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delegation::Profession;
    use crate::delegation::test_support::{TODAY, id_of, insulin, nurse, terms};
    use jiff::civil::date;

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
    }
}

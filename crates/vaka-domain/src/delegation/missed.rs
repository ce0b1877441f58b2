//! Missed signings, their escalation, and deviations.
//!
//! - [`missed_occasions`]: the occasions whose window has closed with no signing — one pass
//!   over the occasions with a hash set of the signed keys, then a sort of what was missed
//!   (O(n + m log m)), so that a scan over 100,000 occasions stays well inside a second.
//! - [`EscalationLadder`]: per unit, steps of minutes after the window closed, each naming
//!   recipients; the first step calls the prescribing person and the unit manager.
//!   [`EscalationLadder::due_calls`] says who is due to be called at `now` given who was
//!   already called (the caller records each call). The scan is given only occasions still
//!   unsigned: a late signing stops the ladder.
//! - [`Deviation`]: a deviating outcome of a medication ("not given", "partly given",
//!   "cannot take", a wrong stock count — MCSS's deviations) opens one for the prescribing
//!   person, who closes it with a note.

use std::collections::HashSet;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::prescription::{Occasion, OccasionKey};
use super::signing::{Signing, SigningOutcome};
use crate::ids::{ClientId, DeviationId, PrescriptionId, SigningId, UserId};
use crate::reason::DelegationReason;
use crate::{DomainError, DomainResult};

/// The occasions of `occasions` whose window closed before `now` and that no key of `signed`
/// names, in the order their windows closed.
pub fn missed_occasions(
    occasions: &[Occasion],
    signed: impl IntoIterator<Item = OccasionKey>,
    now: Timestamp,
) -> Vec<&Occasion> {
    let signed: HashSet<OccasionKey> = signed.into_iter().collect();
    let mut out: Vec<&Occasion> = occasions
        .iter()
        .filter(|o| o.closes < now && !signed.contains(&o.key))
        .collect();
    out.sort_unstable_by_key(|o| (o.closes, o.key));
    out
}

/// Who a step of the ladder calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "user", rename_all = "snake_case")]
pub enum Recipient {
    /// The licensed person who prescribed the task.
    PrescribingPerson,
    /// The unit manager(s) of the client's unit.
    UnitManager,
    /// A named person.
    User(UserId),
}

/// One step: its recipients are called this many minutes after the window closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationStep {
    pub after_minutes: u32,
    pub recipients: Vec<Recipient>,
}

/// A unit's escalation ladder for missed signings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationLadder {
    pub steps: Vec<EscalationStep>,
}

/// The most steps of a ladder.
pub const MAX_STEPS: usize = 10;
/// The latest minute a step may wait (a day).
pub const MAX_STEP_MINUTES: u32 = 24 * 60;

impl Default for EscalationLadder {
    /// The prescribing person and the unit manager, as soon as the window closed.
    fn default() -> Self {
        Self {
            steps: vec![EscalationStep {
                after_minutes: 0,
                recipients: vec![Recipient::PrescribingPerson, Recipient::UnitManager],
            }],
        }
    }
}

/// A call due now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueCall {
    pub user: UserId,
    /// The step (0 first) that calls them.
    pub step: usize,
}

impl EscalationLadder {
    /// The ladder's rules: 1–10 steps, each with recipients, the first calling the prescribing
    /// person and the unit manager, minutes strictly increasing up to a day. Returns it with
    /// each step's recipients once.
    pub fn check(&self) -> DomainResult<EscalationLadder> {
        let Some(first) = self.steps.first() else {
            return Err(DomainError::invalid(
                "steps",
                DelegationReason::StepsRequired,
            ));
        };
        if self.steps.len() > MAX_STEPS {
            return Err(DomainError::invalid(
                "steps",
                DelegationReason::TooManySteps { max: MAX_STEPS },
            ));
        }
        if self.steps.iter().any(|s| s.recipients.is_empty()) {
            return Err(DomainError::invalid(
                "recipients",
                DelegationReason::RecipientsRequired,
            ));
        }
        if !(first.recipients.contains(&Recipient::PrescribingPerson)
            && first.recipients.contains(&Recipient::UnitManager))
        {
            return Err(DomainError::invalid(
                "steps",
                DelegationReason::FirstStepNurseAndManager,
            ));
        }
        let increasing = self
            .steps
            .windows(2)
            .all(|w| w[0].after_minutes < w[1].after_minutes);
        if !increasing
            || self
                .steps
                .iter()
                .any(|s| s.after_minutes > MAX_STEP_MINUTES)
        {
            return Err(DomainError::invalid(
                "after_minutes",
                DelegationReason::StepMinutesOrder {
                    max: MAX_STEP_MINUTES,
                },
            ));
        }
        let steps = self
            .steps
            .iter()
            .map(|s| {
                let mut seen = HashSet::new();
                EscalationStep {
                    after_minutes: s.after_minutes,
                    recipients: s
                        .recipients
                        .iter()
                        .copied()
                        .filter(|r| seen.insert(*r))
                        .collect(),
                }
            })
            .collect();
        Ok(EscalationLadder { steps })
    }

    fn step_at(closes: Timestamp, step: &EscalationStep) -> Timestamp {
        closes
            .checked_add(SignedDuration::from_mins(i64::from(step.after_minutes)))
            .unwrap_or(closes)
    }

    /// Who is due to be called at `now` for an occasion whose window closed at `closes`: the
    /// recipients of every step whose minutes have passed, as users (`prescriber`,
    /// `unit_managers`), each once, except those in `already_called`. In step order.
    pub fn due_calls(
        &self,
        closes: Timestamp,
        now: Timestamp,
        prescriber: UserId,
        unit_managers: &[UserId],
        already_called: &[UserId],
    ) -> Vec<DueCall> {
        let mut seen: HashSet<UserId> = already_called.iter().copied().collect();
        let mut out = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            if Self::step_at(closes, step) > now {
                break;
            }
            for r in &step.recipients {
                let users: &[UserId] = match r {
                    Recipient::PrescribingPerson => std::slice::from_ref(&prescriber),
                    Recipient::UnitManager => unit_managers,
                    Recipient::User(u) => std::slice::from_ref(u),
                };
                for u in users {
                    if seen.insert(*u) {
                        out.push(DueCall { user: *u, step: i });
                    }
                }
            }
        }
        out
    }

    /// When the next step after `now` falls due, if one is left (for the caller's timer).
    pub fn next_step_at(&self, closes: Timestamp, now: Timestamp) -> Option<Timestamp> {
        self.steps
            .iter()
            .map(|s| Self::step_at(closes, s))
            .find(|at| *at > now)
    }
}

/// Whether a signing's outcome opens a deviation: a deviating outcome of a medication.
pub fn opens_deviation(outcome: SigningOutcome, medication: bool) -> bool {
    medication && outcome.is_deviation()
}

/// Where a deviation stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DeviationState {
    Open,
    Closed {
        by: UserId,
        at: Timestamp,
        note: String,
    },
}

impl DeviationState {
    pub fn code(&self) -> &'static str {
        match self {
            DeviationState::Open => "open",
            DeviationState::Closed { .. } => "closed",
        }
    }
}

/// The most characters of a deviation's closing note.
pub const DEVIATION_NOTE_MAX: usize = 2000;

/// A deviation for the prescribing person to follow up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deviation {
    pub id: DeviationId,
    pub signing_id: SigningId,
    pub client_id: ClientId,
    pub prescription_id: PrescriptionId,
    pub outcome: SigningOutcome,
    /// Who follows it up (the prescribing person).
    pub assigned_to: UserId,
    pub opened_at: Timestamp,
    pub state: DeviationState,
}

impl Deviation {
    /// The deviation `signing` opens, if its outcome on a task of `medication` is one, for
    /// `prescriber` of `prescription_id`; opened when it was received.
    pub fn opened_by(
        signing: &Signing,
        prescription_id: PrescriptionId,
        prescriber: UserId,
        medication: bool,
    ) -> Option<Deviation> {
        opens_deviation(signing.outcome, medication).then(|| Deviation {
            id: DeviationId::new(),
            signing_id: signing.id,
            client_id: signing.client_id,
            prescription_id,
            outcome: signing.outcome,
            assigned_to: prescriber,
            opened_at: signing.received_at,
            state: DeviationState::Open,
        })
    }

    /// The rule of closing it: by a licensed person (`closer_licensed`), with a note, once.
    /// Returns the closed state.
    pub fn close(
        &self,
        by: UserId,
        at: Timestamp,
        text: &str,
        closer_licensed: bool,
    ) -> DomainResult<DeviationState> {
        if !closer_licensed {
            return Err(DomainError::forbidden(
                DelegationReason::DeviationNeedsLicence,
            ));
        }
        if matches!(self.state, DeviationState::Closed { .. }) {
            return Err(DomainError::conflict(
                DelegationReason::DeviationAlreadyClosed,
            ));
        }
        let Some(note) = super::note("note", Some(text), DEVIATION_NOTE_MAX)? else {
            return Err(DomainError::invalid(
                "note",
                DelegationReason::DeviationNoteRequired,
            ));
        };
        Ok(DeviationState::Closed { by, at, note })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delegation::TaskTypeCode;
    use crate::delegation::signing::{NotGivenReason, SignedTarget, SigningDraft};
    use crate::delegation::test_support::id_of;
    use crate::ids::DelegationId;
    use jiff::civil::{Time, date};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn occasion(p: PrescriptionId, minute: i64, base: Timestamp) -> Occasion {
        let due = base + SignedDuration::from_mins(minute);
        Occasion {
            key: OccasionKey {
                prescription_id: p,
                date: date(2026, 12, 3),
                time: Time::MIN + SignedDuration::from_mins(minute % (24 * 60)),
            },
            client_id: ClientId::new(),
            task_type: TaskTypeCode::parse("medication").unwrap(),
            prescribed_by: UserId::new(),
            due,
            opens: due - SignedDuration::from_hours(1),
            closes: due + SignedDuration::from_hours(1),
            dst: None,
        }
    }

    #[test]
    fn the_scan_finds_closed_unsigned_occasions() {
        let base = ts("2026-12-03T00:00:00Z");
        let p = PrescriptionId::new();
        // Due 00:00, 01:00, 02:00, 03:00 UTC; windows close an hour later.
        let os: Vec<Occasion> = (0..4).map(|i| occasion(p, i * 60, base)).collect();
        let now = ts("2026-12-03T03:30:00Z");
        // Closed: 01:00, 02:00, 03:00. Signed: the second.
        let missed = missed_occasions(&os, [os[1].key], now);
        assert_eq!(
            missed.iter().map(|o| o.key).collect::<Vec<_>>(),
            vec![os[0].key, os[2].key]
        );
        // A window closing exactly now is not yet missed.
        assert_eq!(
            missed_occasions(&os, [], ts("2026-12-03T02:00:00Z")).len(),
            1
        );
    }

    #[test]
    fn the_scan_over_a_hundred_thousand_occasions() {
        let base = ts("2026-12-03T00:00:00Z");
        let prescriptions: Vec<PrescriptionId> = (0..1000).map(|_| PrescriptionId::new()).collect();
        let os: Vec<Occasion> = (0..100_000_i64)
            .map(|i| {
                occasion(
                    prescriptions[usize::try_from(i % 1000).unwrap()],
                    (i / 1000) * 10,
                    base,
                )
            })
            .collect();
        // Every third signed.
        let signed: Vec<OccasionKey> = os.iter().step_by(3).map(|o| o.key).collect();
        let now = base + SignedDuration::from_hours(24 * 365);
        let started = std::time::Instant::now();
        let missed = missed_occasions(&os, signed, now);
        let took = started.elapsed();
        assert_eq!(missed.len(), 100_000 - 33_334);
        assert!(missed.windows(2).all(|w| w[0].closes <= w[1].closes));
        // Generous even for a debug build on a loaded machine; a quadratic scan takes minutes.
        assert!(took.as_secs() < 5, "{took:?}");
    }

    #[test]
    fn ladder_rules() {
        let ok = EscalationLadder::default();
        assert_eq!(ok.check().unwrap(), ok);
        let step = |m, r: Vec<Recipient>| EscalationStep {
            after_minutes: m,
            recipients: r,
        };
        let bad = |steps| id_of(EscalationLadder { steps }.check());
        assert_eq!(bad(vec![]), "delegation-steps-required");
        assert_eq!(
            bad(vec![step(0, vec![Recipient::UnitManager])]),
            "delegation-first-step-nurse-and-manager"
        );
        let first = vec![Recipient::PrescribingPerson, Recipient::UnitManager];
        assert_eq!(
            bad(vec![
                step(0, first.clone()),
                step(0, vec![Recipient::User(UserId::new())])
            ]),
            "delegation-step-minutes-order"
        );
        assert_eq!(
            bad(vec![step(0, first.clone()), step(30, vec![])]),
            "delegation-recipients-required"
        );
        assert_eq!(
            bad(vec![step(MAX_STEP_MINUTES + 1, first.clone())]),
            "delegation-step-minutes-order"
        );
        let mut twice = first.clone();
        twice.push(Recipient::UnitManager);
        assert_eq!(
            EscalationLadder {
                steps: vec![step(0, twice)]
            }
            .check()
            .unwrap()
            .steps[0]
                .recipients,
            first
        );
    }

    #[test]
    fn who_is_due_to_be_called() {
        let duty = UserId::new();
        let mas = UserId::new();
        let ladder = EscalationLadder {
            steps: vec![
                EscalationStep {
                    after_minutes: 0,
                    recipients: vec![Recipient::PrescribingPerson, Recipient::UnitManager],
                },
                EscalationStep {
                    after_minutes: 30,
                    recipients: vec![Recipient::User(duty)],
                },
                EscalationStep {
                    after_minutes: 120,
                    recipients: vec![Recipient::User(mas), Recipient::PrescribingPerson],
                },
            ],
        };
        let nurse = UserId::new();
        let (m1, m2) = (UserId::new(), UserId::new());
        let closes = ts("2026-12-03T08:00:00Z");
        let due = |now: &str, called: &[UserId]| {
            ladder
                .due_calls(closes, ts(now), nurse, &[m1, m2], called)
                .iter()
                .map(|c| (c.user, c.step))
                .collect::<Vec<_>>()
        };
        assert!(due("2026-12-03T07:59:59Z", &[]).is_empty());
        assert_eq!(
            due("2026-12-03T08:00:00Z", &[]),
            vec![(nurse, 0), (m1, 0), (m2, 0)]
        );
        assert!(due("2026-12-03T08:29:00Z", &[nurse, m1, m2]).is_empty());
        assert_eq!(
            due("2026-12-03T08:30:00Z", &[nurse, m1, m2]),
            vec![(duty, 1)]
        );
        // A late scan calls every step that has passed; the nurse is not called twice.
        assert_eq!(
            due("2026-12-03T10:00:00Z", &[]),
            vec![(nurse, 0), (m1, 0), (m2, 0), (duty, 1), (mas, 2)]
        );
        assert_eq!(
            ladder.next_step_at(closes, ts("2026-12-03T08:10:00Z")),
            Some(ts("2026-12-03T08:30:00Z"))
        );
        assert_eq!(
            ladder.next_step_at(closes, ts("2026-12-03T10:00:00Z")),
            None
        );
    }

    fn signing(outcome: SigningOutcome) -> Signing {
        Signing {
            id: SigningId::new(),
            target: SignedTarget::AsNeeded(PrescriptionId::new()),
            client_id: ClientId::new(),
            signer: UserId::new(),
            delegation_id: DelegationId::new(),
            draft: SigningDraft {
                outcome,
                not_given_reason: Some(NotGivenReason::Refused),
                note: None,
            },
            outcome,
            late: false,
            flagged: false,
            signed_at: ts("2026-12-03T07:10:00Z"),
            received_at: ts("2026-12-03T07:11:00Z"),
            effect_note: None,
            effect_noted_at: None,
        }
    }

    #[test]
    fn deviations() {
        let nurse = UserId::new();
        let p = PrescriptionId::new();
        let not_given = signing(SigningOutcome::NotGiven);
        assert!(Deviation::opened_by(&not_given, p, nurse, false).is_none());
        assert!(Deviation::opened_by(&signing(SigningOutcome::Given), p, nurse, true).is_none());
        let d = Deviation::opened_by(&not_given, p, nurse, true).unwrap();
        assert_eq!(d.state.code(), "open");
        assert_eq!(d.assigned_to, nurse);
        assert_eq!(d.opened_at, not_given.received_at);
        let at = ts("2026-12-03T09:00:00Z");
        assert_eq!(
            id_of(d.close(nurse, at, "ok", false)),
            "delegation-deviation-needs-licence"
        );
        assert_eq!(
            id_of(d.close(nurse, at, "   ", true)),
            "delegation-deviation-note-required"
        );
        let closed = d
            .close(nurse, at, " called the client's doctor ", true)
            .unwrap();
        assert_eq!(
            closed,
            DeviationState::Closed {
                by: nurse,
                at,
                note: "called the client's doctor".into()
            }
        );
        let d = Deviation { state: closed, ..d };
        assert_eq!(
            id_of(d.close(nurse, at, "again", true)),
            "delegation-deviation-already-closed"
        );
    }

    proptest::proptest! {
        /// The scan agrees with the obvious quadratic one.
        #[test]
        fn the_scan_is_the_obvious_one(
            dues in proptest::collection::vec(0i64..600, 0..60),
            signed_mask in proptest::collection::vec(proptest::bool::ANY, 60),
            now_min in 0i64..800,
        ) {
            let base = ts("2026-12-03T00:00:00Z");
            let p = PrescriptionId::new();
            let mut os: Vec<Occasion> = Vec::new();
            for m in dues {
                let o = occasion(p, m, base);
                if !os.iter().any(|x| x.key == o.key) {
                    os.push(o);
                }
            }
            let signed: Vec<OccasionKey> = os
                .iter()
                .zip(&signed_mask)
                .filter(|(_, s)| **s)
                .map(|(o, _)| o.key)
                .collect();
            let now = base + SignedDuration::from_mins(now_min);
            let got: HashSet<OccasionKey> =
                missed_occasions(&os, signed.clone(), now).iter().map(|o| o.key).collect();
            let want: HashSet<OccasionKey> = os
                .iter()
                .filter(|o| o.closes < now && !signed.contains(&o.key))
                .map(|o| o.key)
                .collect();
            proptest::prop_assert_eq!(got, want);
        }
    }
}

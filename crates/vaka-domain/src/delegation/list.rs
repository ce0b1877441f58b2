//! The signing list as people see it: each occasion with where it stands at `now`, the
//! order the staff app shows them in (what is due first), and the counts a report needs.
//!
//! One pass with a hash map of the signings by occasion key, so that a unit's day (200
//! clients × 6 occasions) or a week's report is linear in its size.

use std::collections::HashMap;

use jiff::Timestamp;

use super::prescription::{Occasion, OccasionKey};
use super::signing::{SignedTarget, Signing, SigningOutcome};

/// Where an occasion stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OccasionState<'a> {
    /// Its window has not opened.
    Upcoming,
    /// Its window is open, unsigned.
    Open,
    /// Its window closed, unsigned: missed (still signable, late).
    Missed,
    Signed(&'a Signing),
}

impl OccasionState<'_> {
    /// A stable code for lists and filters.
    pub fn code(&self) -> &'static str {
        match self {
            OccasionState::Upcoming => "upcoming",
            OccasionState::Open => "open",
            OccasionState::Missed => "missed",
            OccasionState::Signed(_) => "signed",
        }
    }

    /// The order the staff app shows: open first, then missed, then upcoming, then signed.
    fn rank(&self) -> u8 {
        match self {
            OccasionState::Open => 0,
            OccasionState::Missed => 1,
            OccasionState::Upcoming => 2,
            OccasionState::Signed(_) => 3,
        }
    }
}

/// One line of a signing list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow<'a> {
    pub occasion: &'a Occasion,
    pub state: OccasionState<'a>,
}

/// Each of `occasions` with its state at `now`, given `signings` (any; those of other
/// occasions and as-needed ones are ignored), in the occasions' order.
pub fn signing_list<'a>(
    occasions: &'a [Occasion],
    signings: &'a [Signing],
    now: Timestamp,
) -> Vec<ListRow<'a>> {
    let by_key: HashMap<OccasionKey, &Signing> = signings
        .iter()
        .filter_map(|s| match s.target {
            SignedTarget::Occasion(k) => Some((k, s)),
            SignedTarget::AsNeeded(_) => None,
        })
        .collect();
    occasions
        .iter()
        .map(|o| {
            let state = match by_key.get(&o.key) {
                Some(s) => OccasionState::Signed(s),
                None if now < o.opens => OccasionState::Upcoming,
                None if now <= o.closes => OccasionState::Open,
                None => OccasionState::Missed,
            };
            ListRow { occasion: o, state }
        })
        .collect()
}

/// The rows in the staff app's order: what is due first (open, then missed, then upcoming,
/// then signed), each group by the instant it is due.
pub fn due_first(rows: &mut [ListRow<'_>]) {
    rows.sort_by_key(|r| (r.state.rank(), r.occasion.due, r.occasion.key));
}

/// The counts of a list (a unit's week, a client's period) for follow-up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub occasions: usize,
    /// Signed within the window.
    pub in_time: usize,
    /// Signed after the window.
    pub late: usize,
    /// Window closed, unsigned.
    pub missed: usize,
    /// Open or upcoming.
    pub pending: usize,
    /// Signed with a deviating outcome (see [`SigningOutcome::is_deviation`]).
    pub deviations: usize,
    /// Signed, and flagged to the prescribing person.
    pub flagged: usize,
}

/// Counts `rows`.
pub fn tally(rows: &[ListRow<'_>]) -> Tally {
    let mut t = Tally {
        occasions: rows.len(),
        ..Tally::default()
    };
    for r in rows {
        match r.state {
            OccasionState::Upcoming | OccasionState::Open => t.pending += 1,
            OccasionState::Missed => t.missed += 1,
            OccasionState::Signed(s) => {
                if s.late {
                    t.late += 1;
                } else {
                    t.in_time += 1;
                }
                if s.outcome.is_deviation() {
                    t.deviations += 1;
                }
                if s.flagged {
                    t.flagged += 1;
                }
            }
        }
    }
    t
}

/// Whether an outcome counts as given (for a client's history: given, given late, partly,
/// sent with the client, as-needed given).
pub fn counts_as_given(outcome: SigningOutcome) -> bool {
    matches!(
        outcome,
        SigningOutcome::Given
            | SigningOutcome::GivenLate
            | SigningOutcome::PartlyGiven
            | SigningOutcome::SentWithClient
            | SigningOutcome::AsNeededGiven
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delegation::TaskTypeCode;
    use crate::delegation::signing::SigningDraft;
    use crate::ids::{ClientId, DelegationId, PrescriptionId, SigningId, UserId};
    use jiff::SignedDuration;
    use jiff::civil::{date, time};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn occasion(hour: i8) -> Occasion {
        let due = ts("2026-12-03T00:00:00Z") + SignedDuration::from_hours(i64::from(hour));
        Occasion {
            key: OccasionKey {
                prescription_id: PrescriptionId::new(),
                date: date(2026, 12, 3),
                time: time(hour, 0, 0, 0),
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

    fn signing(o: &Occasion, outcome: SigningOutcome, late: bool) -> Signing {
        Signing {
            id: SigningId::new(),
            target: SignedTarget::Occasion(o.key),
            client_id: o.client_id,
            signer: UserId::new(),
            delegation_id: DelegationId::new(),
            draft: SigningDraft {
                outcome,
                not_given_reason: None,
                note: None,
            },
            outcome,
            late,
            flagged: late,
            signed_at: o.due,
            received_at: o.due,
            effect_note: None,
            effect_noted_at: None,
        }
    }

    #[test]
    fn states_order_and_counts() {
        // Due 06, 08, 10, 12, 14 UTC; now 10:30.
        let os: Vec<Occasion> = [6, 8, 10, 12, 14].into_iter().map(occasion).collect();
        let signings = vec![
            signing(&os[0], SigningOutcome::NotGiven, false),
            signing(&os[2], SigningOutcome::Given, true),
        ];
        let now = ts("2026-12-03T11:30:00Z");
        let mut rows = signing_list(&os, &signings, now);
        let codes: Vec<&str> = rows.iter().map(|r| r.state.code()).collect();
        // 06 signed, 08 missed (closed 09), 10 signed, 12 open (opened 11), 14 upcoming.
        assert_eq!(codes, ["signed", "missed", "signed", "open", "upcoming"]);
        due_first(&mut rows);
        let order: Vec<i8> = rows.iter().map(|r| r.occasion.key.time.hour()).collect();
        assert_eq!(order, [12, 8, 14, 6, 10]);
        assert_eq!(
            tally(&rows),
            Tally {
                occasions: 5,
                in_time: 1,
                late: 1,
                missed: 1,
                pending: 2,
                deviations: 1,
                flagged: 1,
            }
        );
        assert!(counts_as_given(SigningOutcome::GivenLate));
        assert!(!counts_as_given(SigningOutcome::NotGiven));
    }
}

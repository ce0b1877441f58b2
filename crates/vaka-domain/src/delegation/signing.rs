//! Signing an occasion (or an as-needed task): the outcomes, and who may sign when.
//!
//! [`may_sign`] is the one rule, for a signing made online and for one synced from the
//! phone's outbox later:
//!
//! - the signer's need-to-know reach covers the client (given by the caller);
//! - the signer holds a delegation for the task type whose scope covers the client, and it was
//!   **valid at the moment of signing** (`signed_at`: the phone's time as judged by
//!   [`crate::homecare::visit::timing`], never later than the receipt). If it is no longer
//!   valid at the sync (`received_at`) — revoked, ended or expired meanwhile — the signing is
//!   still accepted, as the task was done under a valid delegation, but **flagged** for the
//!   prescribing person ([`SigningFlag::DelegationEndedBeforeSync`]); it is never dropped;
//! - an occasion may not be signed before its window opens (so never days ahead); after the
//!   window closes it may, and is marked late ("given" becomes "given late");
//! - an as-needed task is signed any time on a day its prescription runs, only as "as-needed
//!   given", with the reason it was given; its effect is noted later ([`check_effect`]).
//!
//! A repeated sync is answered by [`check_repeat`]: the same signing id with the same content
//! is the earlier signing (nothing new is written); the same id with other content, or another
//! signing of an occasion already signed, is refused.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use super::delegate::{Delegation, DelegationStatus};
use super::prescription::{Occasion, OccasionKey, Prescription};
use super::terms::Validity;
use super::{day_of, note};
use crate::ids::{ClientId, DelegationId, PrescriptionId, SigningId, UnitId, UserId};
use crate::reason::DelegationReason;
use crate::{DomainError, DomainResult};

/// The most characters of a signing's note.
pub const SIGNING_NOTE_MAX: usize = 1000;

/// What the care worker signs (MCSS's statuses, research/homecare.md §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum SigningOutcome {
    /// Given ("OK").
    Given,
    /// Given after its window ("Given för sent"); a "given" signed after the window becomes
    /// this.
    GivenLate,
    /// Partly given ("Delvis given"); the note says what.
    PartlyGiven,
    /// Not given ("Ej given"), with a [`NotGivenReason`].
    NotGiven,
    /// The client cannot take it ("Kan ej ta").
    CannotTake,
    /// Sent with the client ("Medskickad").
    SentWithClient,
    /// The counted amount does not match the stock ("Räknad mängd stämmer ej med saldo"); the
    /// note gives the count.
    StockCountWrong,
    /// An as-needed task given; the note gives the reason it was needed.
    AsNeededGiven,
}

crate::impl_codes!(SigningOutcome);

impl SigningOutcome {
    /// A deviation in MCSS's sense (shown as an alarm to the nurse).
    pub fn is_deviation(self) -> bool {
        matches!(
            self,
            SigningOutcome::PartlyGiven
                | SigningOutcome::NotGiven
                | SigningOutcome::CannotTake
                | SigningOutcome::StockCountWrong
        )
    }

    /// Whether the outcome needs its note.
    pub fn needs_note(self) -> bool {
        matches!(
            self,
            SigningOutcome::PartlyGiven
                | SigningOutcome::StockCountWrong
                | SigningOutcome::AsNeededGiven
        )
    }
}

/// Why a task was not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum NotGivenReason {
    /// The client refused.
    Refused,
    NotAtHome,
    InHospital,
    /// Another reason, described in the note.
    Other,
}

crate::impl_codes!(NotGivenReason);

/// What the care worker sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningDraft {
    pub outcome: SigningOutcome,
    /// Only with [`SigningOutcome::NotGiven`] (required there).
    pub not_given_reason: Option<NotGivenReason>,
    pub note: Option<String>,
}

impl SigningDraft {
    /// The draft's own rules; returns it with the note trimmed and a reason that does not
    /// belong to the outcome dropped.
    pub fn check(&self) -> DomainResult<SigningDraft> {
        let text = note("note", self.note.as_deref(), SIGNING_NOTE_MAX)?;
        let reason = if self.outcome == SigningOutcome::NotGiven {
            let Some(r) = self.not_given_reason else {
                return Err(DomainError::invalid(
                    "not_given_reason",
                    DelegationReason::OutcomeNoteRequired,
                ));
            };
            Some(r)
        } else {
            None
        };
        let needs = self.outcome.needs_note() || reason == Some(NotGivenReason::Other);
        if needs && text.is_none() {
            return Err(DomainError::invalid(
                "note",
                DelegationReason::OutcomeNoteRequired,
            ));
        }
        Ok(SigningDraft {
            outcome: self.outcome,
            not_given_reason: reason,
            note: text,
        })
    }
}

/// What is signed.
#[derive(Debug, Clone, Copy)]
pub enum SigningTarget<'a> {
    Occasion(&'a Occasion),
    AsNeeded(&'a Prescription),
}

impl SigningTarget<'_> {
    fn client(&self) -> ClientId {
        match self {
            SigningTarget::Occasion(o) => o.client_id,
            SigningTarget::AsNeeded(p) => p.client_id,
        }
    }

    fn task_type(&self) -> &super::TaskTypeCode {
        match self {
            SigningTarget::Occasion(o) => &o.task_type,
            SigningTarget::AsNeeded(p) => &p.terms.task_type,
        }
    }
}

/// A signing to judge.
#[derive(Debug, Clone)]
pub struct SigningRequest<'a> {
    pub signer: UserId,
    pub target: SigningTarget<'a>,
    pub draft: SigningDraft,
    /// The unit of the client (for a delegation to a whole unit).
    pub client_unit: UnitId,
    /// The signer's need-to-know reach covers the client (now).
    pub reach_covers_client: bool,
    /// The instant the care worker signed (the phone's time as judged by
    /// [`crate::homecare::visit::timing`]); for an online signing, the receipt time.
    pub signed_at: Timestamp,
    /// The server's time of receipt (the sync).
    pub received_at: Timestamp,
}

/// Why an accepted signing needs the prescribing person's eye.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningFlag {
    /// The delegation was valid when the care worker signed, offline, but was no longer when
    /// the signing reached the server (revoked, ended or expired meanwhile).
    DelegationEndedBeforeSync { status_at_sync: DelegationStatus },
}

/// An accepted signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningVerdict {
    /// The delegation it was signed under.
    pub delegation_id: DelegationId,
    /// The outcome to record ("given" after the window is "given late").
    pub outcome: SigningOutcome,
    /// Signed after the window closed.
    pub late: bool,
    pub flag: Option<SigningFlag>,
    /// The delegation was for one occasion: record
    /// [`DelegationEvent::OccasionUsed`](super::DelegationEvent::OccasionUsed) at `signed_at`.
    pub uses_delegation: bool,
}

/// Whether `req` may be signed, given the signer's `delegations` (others are ignored).
pub fn may_sign(
    req: &SigningRequest<'_>,
    delegations: &[Delegation],
    tz: &TimeZone,
) -> DomainResult<SigningVerdict> {
    if !req.reach_covers_client {
        return Err(DomainError::forbidden(DelegationReason::OutsideReach));
    }
    let draft = req.draft.check()?;
    // The moment of signing is never after its receipt.
    let at = req.signed_at.min(req.received_at);
    let late = match req.target {
        SigningTarget::Occasion(o) => {
            if draft.outcome == SigningOutcome::AsNeededGiven {
                return Err(DomainError::invalid(
                    "outcome",
                    DelegationReason::OutcomeOnlyForAsNeeded,
                ));
            }
            if at < o.opens {
                let opens = o.opens.to_zoned(tz.clone());
                return Err(DomainError::forbidden(DelegationReason::NotYetOpen {
                    opens: opens.strftime("%Y-%m-%d %H:%M").to_string(),
                }));
            }
            at > o.closes
        }
        SigningTarget::AsNeeded(p) => {
            if draft.outcome != SigningOutcome::AsNeededGiven {
                return Err(DomainError::invalid(
                    "outcome",
                    DelegationReason::OutcomeOnlyForScheduled,
                ));
            }
            if !p.terms.as_needed || !p.active_on(day_of(at, tz)) {
                return Err(DomainError::invalid(
                    "prescription",
                    DelegationReason::PrescriptionNotActive,
                ));
            }
            false
        }
    };
    let task = req.target.task_type();
    let client = req.target.client();
    let candidates: Vec<&Delegation> = delegations
        .iter()
        .filter(|d| {
            d.terms.recipient == req.signer
                && &d.terms.task_type == task
                && d.covers(client, req.client_unit)
        })
        .collect();
    if candidates.is_empty() {
        return Err(DomainError::forbidden(DelegationReason::NoDelegation {
            task: task.to_string(),
        }));
    }
    // Valid when signed; of those, one still valid at the sync first.
    let valid: Vec<&Delegation> = candidates
        .into_iter()
        .filter(|d| d.valid_at(at, tz))
        .collect();
    let Some(chosen) = valid
        .iter()
        .find(|d| d.valid_at(req.received_at, tz))
        .or_else(|| valid.first())
    else {
        return Err(DomainError::forbidden(
            DelegationReason::DelegationNotValid {
                task: task.to_string(),
            },
        ));
    };
    let status_at_sync = chosen.status(req.received_at, tz);
    let flag = (!matches!(status_at_sync, DelegationStatus::Valid { .. }))
        .then_some(SigningFlag::DelegationEndedBeforeSync { status_at_sync });
    let outcome = if late && draft.outcome == SigningOutcome::Given {
        SigningOutcome::GivenLate
    } else {
        draft.outcome
    };
    Ok(SigningVerdict {
        delegation_id: chosen.id,
        outcome,
        late,
        flag,
        uses_delegation: matches!(chosen.terms.validity, Validity::OneOccasion { .. }),
    })
}

/// What a signing names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignedTarget {
    Occasion(OccasionKey),
    AsNeeded(PrescriptionId),
}

/// A signing as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signing {
    pub id: SigningId,
    pub target: SignedTarget,
    pub client_id: ClientId,
    pub signer: UserId,
    pub delegation_id: DelegationId,
    /// As sent by the app (before "given" became "given late").
    pub draft: SigningDraft,
    /// As recorded.
    pub outcome: SigningOutcome,
    pub late: bool,
    /// Flagged to the prescribing person (see [`SigningFlag`]).
    pub flagged: bool,
    pub signed_at: Timestamp,
    pub received_at: Timestamp,
    /// The effect of an as-needed task, noted later.
    pub effect_note: Option<String>,
    pub effect_noted_at: Option<Timestamp>,
}

/// The rule of a sync that may repeat an earlier one: `earlier` are the signings with this
/// id or of this target. `Ok(Some(s))`: the same signing again — answer with `s`, write
/// nothing. `Ok(None)`: a new signing.
pub fn check_repeat<'a>(
    id: SigningId,
    signer: UserId,
    target: SignedTarget,
    draft: &SigningDraft,
    earlier: &'a [Signing],
) -> DomainResult<Option<&'a Signing>> {
    if let Some(same) = earlier.iter().find(|s| s.id == id) {
        // Compared as recorded: trimmed, a stray reason dropped (a draft that breaks its own
        // rules was never recorded, so it is not the same).
        let same_content = same.signer == signer
            && same.target == target
            && draft.check().is_ok_and(|d| d == same.draft);
        return if same_content {
            Ok(Some(same))
        } else {
            Err(DomainError::conflict(DelegationReason::SigningIdReused))
        };
    }
    if matches!(target, SignedTarget::Occasion(_)) && earlier.iter().any(|s| s.target == target) {
        return Err(DomainError::conflict(
            DelegationReason::OccasionAlreadySigned,
        ));
    }
    Ok(None)
}

/// The rule of noting the effect of an as-needed task: only on "as-needed given", once, with
/// a text. Returns the trimmed note.
pub fn check_effect(signing: &Signing, text: &str) -> DomainResult<String> {
    if signing.outcome != SigningOutcome::AsNeededGiven {
        return Err(DomainError::invalid(
            "effect_note",
            DelegationReason::EffectOnlyForAsNeeded,
        ));
    }
    if signing.effect_note.is_some() {
        return Err(DomainError::conflict(DelegationReason::EffectAlreadyNoted));
    }
    note("effect_note", Some(text), SIGNING_NOTE_MAX)?
        .ok_or_else(|| DomainError::invalid("effect_note", DelegationReason::OutcomeNoteRequired))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delegation::TaskTypeCode;
    use crate::delegation::prescription::{PrescriptionTerms, SigningWindow, occasions_of};
    use crate::delegation::test_support::{id_of, tz};
    use crate::delegation::{
        CompetenceCheck, CompetenceMethod, DelegationEvent, DelegationTerms, RevocationReason,
        Scope,
    };
    use jiff::civil::{date, time};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    struct World {
        worker: UserId,
        unit: UnitId,
        delegation: Delegation,
        insulin: Prescription,
        prn: Prescription,
    }

    fn world() -> World {
        let worker = UserId::new();
        let nurse = UserId::new();
        let unit = UnitId::new();
        let client = ClientId::new();
        let code = TaskTypeCode::parse("insulin").unwrap();
        let delegation = Delegation {
            id: DelegationId::new(),
            terms: DelegationTerms {
                task_type: code.clone(),
                delegator: nurse,
                recipient: worker,
                unit_id: unit,
                scope: Scope::WholeUnit,
                validity: Validity::Period {
                    from: date(2026, 12, 1),
                    to: date(2027, 5, 31),
                },
                competence: Some(CompetenceCheck {
                    methods: vec![CompetenceMethod::KnowledgeTest],
                    checked_on: date(2026, 11, 30),
                    note: None,
                }),
            },
            decided_at: ts("2026-11-30T10:00:00Z"),
            delegator_signed_at: Some(ts("2026-11-30T10:00:00Z")),
            recipient_signed_at: Some(ts("2026-11-30T10:05:00Z")),
            events: vec![],
        };
        let terms = PrescriptionTerms {
            task_type: code,
            instruction: "Novorapid 4 E".into(),
            times: vec![time(8, 0, 0, 0), time(20, 0, 0, 0)],
            as_needed: false,
            start: date(2026, 12, 1),
            end: None,
            window: SigningWindow::default(),
        };
        let insulin = Prescription {
            id: PrescriptionId::new(),
            client_id: client,
            prescribed_by: nurse,
            terms: terms.clone(),
            created_at: ts("2026-11-30T10:00:00Z"),
            ended_on: None,
        };
        let prn = Prescription {
            id: PrescriptionId::new(),
            terms: PrescriptionTerms {
                times: vec![],
                as_needed: true,
                instruction: "Glukagon vid känning".into(),
                ..terms
            },
            ..insulin.clone()
        };
        World {
            worker,
            unit,
            delegation,
            insulin,
            prn,
        }
    }

    fn given() -> SigningDraft {
        SigningDraft {
            outcome: SigningOutcome::Given,
            not_given_reason: None,
            note: None,
        }
    }

    /// 08:00 on 2026-12-03 (07:00 UTC), window 06:00–08:00 UTC.
    fn morning(w: &World) -> Occasion {
        occasions_of(&w.insulin, date(2026, 12, 3), &tz()).remove(0)
    }

    fn request<'a>(w: &World, o: &'a Occasion, at: &str) -> SigningRequest<'a> {
        SigningRequest {
            signer: w.worker,
            target: SigningTarget::Occasion(o),
            draft: given(),
            client_unit: w.unit,
            reach_covers_client: true,
            signed_at: ts(at),
            received_at: ts(at),
        }
    }

    #[test]
    fn signing_in_the_window() {
        let w = world();
        let o = morning(&w);
        let v = may_sign(
            &request(&w, &o, "2026-12-03T07:10:00Z"),
            std::slice::from_ref(&w.delegation),
            &tz(),
        )
        .unwrap();
        assert_eq!(v.delegation_id, w.delegation.id);
        assert_eq!(v.outcome, SigningOutcome::Given);
        assert!(!v.late);
        assert_eq!(v.flag, None);
        assert!(!v.uses_delegation);
        // The window's edges are inside it.
        for at in ["2026-12-03T06:00:00Z", "2026-12-03T08:00:00Z"] {
            let v = may_sign(
                &request(&w, &o, at),
                std::slice::from_ref(&w.delegation),
                &tz(),
            )
            .unwrap();
            assert!(!v.late, "{at}");
        }
    }

    #[test]
    fn late_and_early() {
        let w = world();
        let o = morning(&w);
        let d = [w.delegation.clone()];
        let v = may_sign(&request(&w, &o, "2026-12-03T08:00:01Z"), &d, &tz()).unwrap();
        assert!(v.late);
        assert_eq!(v.outcome, SigningOutcome::GivenLate);
        // A late "not given" stays "not given", marked late.
        let mut r = request(&w, &o, "2026-12-03T09:00:00Z");
        r.draft = SigningDraft {
            outcome: SigningOutcome::NotGiven,
            not_given_reason: Some(NotGivenReason::NotAtHome),
            note: None,
        };
        let v = may_sign(&r, &d, &tz()).unwrap();
        assert_eq!((v.outcome, v.late), (SigningOutcome::NotGiven, true));
        // Before the window: refused, with the local time it opens.
        let e = may_sign(&request(&w, &o, "2026-12-03T05:59:59Z"), &d, &tz()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "forbidden: delegation-not-yet-open(opens=2026-12-03 07:00)"
        );
        // Days ahead: an occasion of the 6th signed on the 3rd.
        let ahead = occasions_of(&w.insulin, date(2026, 12, 6), &tz()).remove(0);
        assert_eq!(
            id_of(may_sign(
                &request(&w, &ahead, "2026-12-03T07:10:00Z"),
                &d,
                &tz()
            )),
            "delegation-not-yet-open"
        );
    }

    #[test]
    fn only_with_a_valid_delegation_and_reach() {
        let w = world();
        let o = morning(&w);
        let at = "2026-12-03T07:10:00Z";
        let mut r = request(&w, &o, at);
        r.reach_covers_client = false;
        assert_eq!(
            id_of(may_sign(&r, std::slice::from_ref(&w.delegation), &tz())),
            "delegation-outside-reach"
        );
        assert_eq!(
            id_of(may_sign(&request(&w, &o, at), &[], &tz())),
            "delegation-no-delegation"
        );
        // Another worker's delegation, another task type, a client outside the scope: none.
        let mut other = w.delegation.clone();
        other.terms.recipient = UserId::new();
        let mut wound = w.delegation.clone();
        wound.terms.task_type = TaskTypeCode::parse("wound_care").unwrap();
        let mut named = w.delegation.clone();
        named.terms.scope = Scope::Clients(vec![ClientId::new()]);
        let mut elsewhere = w.delegation.clone();
        elsewhere.terms.unit_id = UnitId::new();
        assert_eq!(
            id_of(may_sign(
                &request(&w, &o, at),
                &[other, wound, named, elsewhere],
                &tz()
            )),
            "delegation-no-delegation"
        );
        // Revoked before the signing: refused.
        let mut revoked = w.delegation.clone();
        revoked.events.push(DelegationEvent::Revoked {
            at: ts("2026-12-03T07:00:00Z"),
            by: revoked.terms.delegator,
            reason: RevocationReason::NeedGone,
            note: None,
        });
        assert_eq!(
            id_of(may_sign(&request(&w, &o, at), &[revoked.clone()], &tz())),
            "delegation-delegation-not-valid"
        );
        // Only one signature: refused.
        let mut unsigned = w.delegation.clone();
        unsigned.recipient_signed_at = None;
        assert_eq!(
            id_of(may_sign(&request(&w, &o, at), &[unsigned], &tz())),
            "delegation-delegation-not-valid"
        );
        // A renewed delegation beside the revoked one is used.
        let mut renewed = w.delegation.clone();
        renewed.id = DelegationId::new();
        let v = may_sign(&request(&w, &o, at), &[revoked, renewed.clone()], &tz()).unwrap();
        assert_eq!(v.delegation_id, renewed.id);
    }

    #[test]
    fn revoked_between_offline_signing_and_sync_is_flagged_not_dropped() {
        let w = world();
        let o = morning(&w);
        let mut d = w.delegation.clone();
        let revoked_at = ts("2026-12-03T09:00:00Z");
        d.events.push(DelegationEvent::Revoked {
            at: revoked_at,
            by: d.terms.delegator,
            reason: RevocationReason::CompetenceDoubt,
            note: Some("observed error".into()),
        });
        let mut r = request(&w, &o, "2026-12-03T07:10:00Z");
        r.received_at = ts("2026-12-03T11:00:00Z");
        let v = may_sign(&r, std::slice::from_ref(&d), &tz()).unwrap();
        assert_eq!(v.outcome, SigningOutcome::Given);
        assert!(!v.late, "judged by when it was signed, not synced");
        assert_eq!(
            v.flag,
            Some(SigningFlag::DelegationEndedBeforeSync {
                status_at_sync: DelegationStatus::Revoked {
                    at: revoked_at,
                    reason: RevocationReason::CompetenceDoubt
                }
            })
        );
        // A phone time after the receipt is capped at it: judged at 07:30, in the window and
        // before the revocation (uncapped it would be late and after it).
        let mut r = request(&w, &o, "2026-12-03T12:00:00Z");
        r.received_at = ts("2026-12-03T07:30:00Z");
        let v = may_sign(&r, std::slice::from_ref(&d), &tz()).unwrap();
        assert!(!v.late && v.flag.is_none());
    }

    #[test]
    fn a_one_occasion_delegation_is_used_once() {
        let w = world();
        let o = morning(&w);
        let mut d = w.delegation.clone();
        d.terms.validity = Validity::OneOccasion {
            on: date(2026, 12, 3),
        };
        let r = request(&w, &o, "2026-12-03T07:10:00Z");
        let v = may_sign(&r, std::slice::from_ref(&d), &tz()).unwrap();
        assert!(v.uses_delegation);
        d.events
            .push(DelegationEvent::OccasionUsed { at: r.signed_at });
        let evening = occasions_of(&w.insulin, date(2026, 12, 3), &tz()).remove(1);
        assert_eq!(
            id_of(may_sign(
                &request(&w, &evening, "2026-12-03T19:00:00Z"),
                &[d],
                &tz()
            )),
            "delegation-delegation-not-valid"
        );
    }

    #[test]
    fn outcomes_and_their_notes() {
        let bad = |outcome, reason, note: Option<&str>| {
            SigningDraft {
                outcome,
                not_given_reason: reason,
                note: note.map(str::to_owned),
            }
            .check()
        };
        assert_eq!(
            id_of(bad(SigningOutcome::NotGiven, None, None)),
            "delegation-outcome-note-required"
        );
        assert!(
            bad(
                SigningOutcome::NotGiven,
                Some(NotGivenReason::Refused),
                None
            )
            .is_ok()
        );
        assert!(bad(SigningOutcome::NotGiven, Some(NotGivenReason::Other), None).is_err());
        assert!(
            bad(
                SigningOutcome::NotGiven,
                Some(NotGivenReason::Other),
                Some("x")
            )
            .is_ok()
        );
        for o in [
            SigningOutcome::PartlyGiven,
            SigningOutcome::StockCountWrong,
            SigningOutcome::AsNeededGiven,
        ] {
            assert!(bad(o, None, Some(" ")).is_err(), "{o:?}");
            assert!(bad(o, None, Some("half")).is_ok(), "{o:?}");
        }
        for o in [
            SigningOutcome::Given,
            SigningOutcome::GivenLate,
            SigningOutcome::CannotTake,
            SigningOutcome::SentWithClient,
        ] {
            // A stray reason is dropped.
            let d = bad(o, Some(NotGivenReason::Refused), None).unwrap();
            assert_eq!(d.not_given_reason, None);
        }
        assert!(SigningOutcome::NotGiven.is_deviation());
        assert!(!SigningOutcome::SentWithClient.is_deviation());
    }

    #[test]
    fn as_needed() {
        let w = world();
        let d = [w.delegation.clone()];
        let prn = |outcome, at: &str| SigningRequest {
            signer: w.worker,
            target: SigningTarget::AsNeeded(&w.prn),
            draft: SigningDraft {
                outcome,
                not_given_reason: None,
                note: Some("blood sugar 2.8".into()),
            },
            client_unit: w.unit,
            reach_covers_client: true,
            signed_at: ts(at),
            received_at: ts(at),
        };
        let v = may_sign(
            &prn(SigningOutcome::AsNeededGiven, "2026-12-03T03:00:00Z"),
            &d,
            &tz(),
        )
        .unwrap();
        assert!(!v.late);
        assert_eq!(
            id_of(may_sign(
                &prn(SigningOutcome::Given, "2026-12-03T03:00:00Z"),
                &d,
                &tz()
            )),
            "delegation-outcome-only-for-scheduled"
        );
        // Before the prescription starts (local day 2026-11-30).
        assert_eq!(
            id_of(may_sign(
                &prn(SigningOutcome::AsNeededGiven, "2026-11-30T12:00:00Z"),
                &d,
                &tz()
            )),
            "delegation-prescription-not-active"
        );
        // "As-needed given" on a scheduled occasion.
        let o = morning(&w);
        let mut r = request(&w, &o, "2026-12-03T07:10:00Z");
        r.draft = prn(SigningOutcome::AsNeededGiven, "2026-12-03T07:10:00Z").draft;
        assert_eq!(
            id_of(may_sign(&r, &d, &tz())),
            "delegation-outcome-only-for-as-needed"
        );
    }

    fn recorded(w: &World, target: SignedTarget, draft: SigningDraft) -> Signing {
        Signing {
            id: SigningId::new(),
            target,
            client_id: w.insulin.client_id,
            signer: w.worker,
            delegation_id: w.delegation.id,
            outcome: draft.outcome,
            draft,
            late: false,
            flagged: false,
            signed_at: ts("2026-12-03T07:10:00Z"),
            received_at: ts("2026-12-03T07:10:00Z"),
            effect_note: None,
            effect_noted_at: None,
        }
    }

    #[test]
    fn a_repeated_sync() {
        let w = world();
        let key = SignedTarget::Occasion(morning(&w).key);
        let s = recorded(&w, key, given());
        let earlier = [s.clone()];
        // The same signing again: the earlier one is the answer.
        assert_eq!(
            check_repeat(s.id, w.worker, key, &given(), &earlier).unwrap(),
            Some(&s)
        );
        // Sent again with spaces around the note and a stray reason: still the same.
        let mut noted = given();
        noted.note = Some("ok".into());
        let s2 = recorded(&w, key, noted.clone());
        let resent = SigningDraft {
            note: Some(" ok ".into()),
            not_given_reason: Some(NotGivenReason::Refused),
            ..noted
        };
        assert_eq!(
            check_repeat(s2.id, w.worker, key, &resent, std::slice::from_ref(&s2)).unwrap(),
            Some(&s2)
        );
        // The same id with other content.
        let other = SigningDraft {
            outcome: SigningOutcome::CannotTake,
            ..given()
        };
        assert_eq!(
            id_of(check_repeat(s.id, w.worker, key, &other, &earlier)),
            "delegation-signing-id-reused"
        );
        // Another signing of the same occasion.
        assert_eq!(
            id_of(check_repeat(
                SigningId::new(),
                w.worker,
                key,
                &given(),
                &earlier
            )),
            "delegation-occasion-already-signed"
        );
        // As-needed tasks may be signed many times.
        let prn = SignedTarget::AsNeeded(w.prn.id);
        let p = recorded(&w, prn, given());
        assert_eq!(
            check_repeat(SigningId::new(), w.worker, prn, &given(), &[p]).unwrap(),
            None
        );
        assert_eq!(
            check_repeat(SigningId::new(), w.worker, key, &given(), &[]).unwrap(),
            None
        );
    }

    #[test]
    fn the_effect_of_an_as_needed_task() {
        let w = world();
        let draft = SigningDraft {
            outcome: SigningOutcome::AsNeededGiven,
            not_given_reason: None,
            note: Some("pain".into()),
        };
        let mut s = recorded(&w, SignedTarget::AsNeeded(w.prn.id), draft);
        assert_eq!(
            id_of(check_effect(&s, "  ")),
            "delegation-outcome-note-required"
        );
        assert_eq!(check_effect(&s, " calmer ").unwrap(), "calmer");
        s.effect_note = Some("calmer".into());
        assert_eq!(
            id_of(check_effect(&s, "x")),
            "delegation-effect-already-noted"
        );
        let given = recorded(&w, SignedTarget::Occasion(morning(&w).key), given());
        assert_eq!(
            id_of(check_effect(&given, "x")),
            "delegation-effect-only-for-as-needed"
        );
    }
}

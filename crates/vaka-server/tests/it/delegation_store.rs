//! The storage of delegated tasks (`vaka_store::delegation`), on both databases, through the
//! store's transactions directly (no service exists yet): every record kind read back as
//! written, the idempotent signing insert, one signing per occasion, the unit's day in one
//! statement each, what the schema refuses and what the list queries leave out.

use jiff::Timestamp;
use jiff::civil::{Date, Time, date, time};
use vaka_domain::delegation::signing::SignedTarget;
use vaka_domain::delegation::{
    CompetenceCheck, CompetenceMethod, Delegation, DelegationEvent, DelegationTerms, Deviation,
    DeviationState, EscalationLadder, EscalationStep, Licence, LicenceNumber, NotGivenReason,
    OccasionKey, Party, Prescription, PrescriptionTerms, Profession, Recipient, RevocationReason,
    Scope, Signing, SigningDraft, SigningOutcome, SigningWindow, TaskTypeCode, Validity,
    default_task_types,
};
use vaka_domain::ids::{
    ClientId, DelegationId, DeviationId, PrescriptionId, SigningId, UnitId, UserId,
};
use vaka_store::delegation::EscalationCall;
use vaka_store::{DbDate, DbInstant, StoreError, StoreResult, Transaction};

use crate::db_tests;
use crate::support::TestApp;
use crate::world::World;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn code(s: &str) -> TaskTypeCode {
    TaskTypeCode::parse(s).unwrap()
}

const DAY: Date = date(2026, 11, 23);

/// Asserts that the schema refused the change.
#[track_caller]
fn conflict<T: std::fmt::Debug>(r: StoreResult<T>) {
    match r {
        Err(StoreError::Conflict { .. }) => {}
        other => panic!("expected a conflict: {other:?}"),
    }
}

async fn begin(app: &TestApp) -> Box<dyn Transaction> {
    app.store.begin().await.unwrap()
}

async fn seed_task_types(app: &TestApp) {
    let mut tx = begin(app).await;
    for t in default_task_types() {
        tx.upsert_task_type(&t).await.unwrap();
    }
    tx.commit(&[]).await.unwrap();
}

fn delegation(
    delegator: UserId,
    recipient: UserId,
    unit: UnitId,
    task: &str,
    scope: Scope,
    validity: Validity,
) -> Delegation {
    Delegation {
        id: DelegationId::new(),
        terms: DelegationTerms {
            task_type: code(task),
            delegator,
            recipient,
            unit_id: unit,
            scope,
            validity,
            competence: Some(CompetenceCheck {
                methods: vec![
                    CompetenceMethod::Teaching,
                    CompetenceMethod::PracticalDemonstration,
                ],
                checked_on: date(2026, 11, 20),
                note: Some("Visade pennan två gånger".into()),
            }),
        },
        decided_at: ts("2026-11-20T09:00:00Z"),
        delegator_signed_at: None,
        recipient_signed_at: None,
        events: vec![],
    }
}

fn period(from: Date, to: Date) -> Validity {
    Validity::Period { from, to }
}

fn prescription(
    client: ClientId,
    by: UserId,
    task: &str,
    times: &[Time],
    start: Date,
    end: Option<Date>,
) -> Prescription {
    Prescription {
        id: PrescriptionId::new(),
        client_id: client,
        prescribed_by: by,
        terms: PrescriptionTerms {
            task_type: code(task),
            instruction: "2 E Novorapid s.c.".into(),
            times: times.to_vec(),
            as_needed: times.is_empty(),
            start,
            end,
            window: SigningWindow {
                before_minutes: 30,
                after_minutes: 90,
            },
        },
        created_at: ts("2026-11-20T10:00:00Z"),
        ended_on: None,
    }
}

fn key(p: &Prescription, day: Date, t: Time) -> OccasionKey {
    OccasionKey {
        prescription_id: p.id,
        date: day,
        time: t,
    }
}

fn signing(
    target: SignedTarget,
    client: ClientId,
    signer: UserId,
    d: DelegationId,
    outcome: SigningOutcome,
    at: &str,
) -> Signing {
    let (reason, note) = match outcome {
        SigningOutcome::NotGiven => (Some(NotGivenReason::Refused), None),
        SigningOutcome::AsNeededGiven => (None, Some("Oro, svårt att sova".to_owned())),
        _ => (None, None),
    };
    Signing {
        id: SigningId::new(),
        target,
        client_id: client,
        signer,
        delegation_id: d,
        draft: SigningDraft {
            outcome,
            not_given_reason: reason,
            note,
        },
        outcome,
        late: false,
        flagged: false,
        signed_at: ts(at),
        received_at: ts(at),
        effect_note: None,
        effect_noted_at: None,
    }
}

/// Licences set, replaced, listed and removed; the task types stored and changed in place.
async fn licences_and_task_types(app: TestApp) {
    let w = World::build(&app).await;
    let nurse = w.p("a_nurse").id;
    let staff = w.p("a_staff").id;
    let licence = Licence {
        profession: Profession::Nurse,
        number: LicenceNumber::parse("7654321").unwrap(),
    };
    let mut tx = begin(&app).await;
    tx.set_licence(
        nurse,
        Some(&licence),
        DbInstant::new(ts("2026-11-20T08:00:00Z")),
    )
    .await
    .unwrap();
    let physio = Licence {
        profession: Profession::Physiotherapist,
        number: LicenceNumber::parse("1234").unwrap(),
    };
    tx.set_licence(
        staff,
        Some(&physio),
        DbInstant::new(ts("2026-11-20T08:00:00Z")),
    )
    .await
    .unwrap();
    tx.commit(&[]).await.unwrap();

    let mut r = app.store.begin_read().await.unwrap();
    assert_eq!(r.get_licence(nurse).await.unwrap(), Some(licence.clone()));
    assert_eq!(r.list_licences().await.unwrap().len(), 2);
    assert_eq!(r.list_task_types().await.unwrap(), Vec::new());
    drop(r);

    // Replaced, then removed.
    let mut tx = begin(&app).await;
    let other = Licence {
        profession: Profession::OccupationalTherapist,
        number: LicenceNumber::parse("999").unwrap(),
    };
    tx.set_licence(
        nurse,
        Some(&other),
        DbInstant::new(ts("2026-11-21T08:00:00Z")),
    )
    .await
    .unwrap();
    tx.set_licence(staff, None, DbInstant::new(ts("2026-11-21T08:00:00Z")))
        .await
        .unwrap();
    tx.commit(&[]).await.unwrap();
    seed_task_types(&app).await;

    let mut r = app.store.begin_read().await.unwrap();
    assert_eq!(r.get_licence(nurse).await.unwrap(), Some(other.clone()));
    assert_eq!(r.get_licence(staff).await.unwrap(), None);
    let all = r.list_licences().await.unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].user_id, nurse);
    assert_eq!(all[0].licence, other);
    assert_eq!(all[0].set_at, ts("2026-11-21T08:00:00Z"));
    let mut expected = default_task_types();
    expected.sort_by(|a, b| a.code.cmp(&b.code));
    assert_eq!(r.list_task_types().await.unwrap(), expected);
    drop(r);

    // Upserting again changes the entry in place (the seed runs at every start).
    let mut changed = expected[0].clone();
    changed.name = "Annat namn".into();
    changed.retired = true;
    changed.prescribers = vec![Profession::Nurse, Profession::Physiotherapist];
    let mut tx = begin(&app).await;
    tx.upsert_task_type(&changed).await.unwrap();
    tx.commit(&[]).await.unwrap();
    let mut r = app.store.begin_read().await.unwrap();
    let types = r.list_task_types().await.unwrap();
    assert_eq!(types.len(), expected.len());
    assert_eq!(types[0], changed);
}

/// A delegation reads back as written (named clients, competence, both signatures, every
/// kind of event in order); a party signs once; revoked once; what each list leaves out.
async fn delegations_round_trip_and_lists(app: TestApp) {
    let w = World::build(&app).await;
    seed_task_types(&app).await;
    let nurse = w.p("a_nurse").id;
    let staff = w.p("a_staff").id;
    let manager = w.p("a_unitmgr").id;
    let mut clients = vec![w.client_a1, w.client_a2];
    clients.sort();
    let insulin = delegation(
        nurse,
        staff,
        w.a1,
        "insulin",
        Scope::Clients(clients.clone()),
        period(date(2026, 11, 21), date(2027, 11, 20)),
    );
    let mut once = delegation(
        nurse,
        staff,
        w.a1,
        "wound_care",
        Scope::WholeUnit,
        Validity::OneOccasion { on: DAY },
    );
    once.terms.competence = None;
    // Expired before DAY; and one of another unit, expiring in December.
    let old = delegation(
        nurse,
        staff,
        w.a1,
        "insulin",
        Scope::WholeUnit,
        period(date(2025, 11, 1), date(2026, 10, 31)),
    );
    let other_unit = delegation(
        nurse,
        manager,
        w.a2,
        "medication",
        Scope::WholeUnit,
        period(date(2026, 1, 1), date(2026, 12, 10)),
    );
    let mut tx = begin(&app).await;
    for d in [&insulin, &once, &old, &other_unit] {
        tx.insert_delegation(d).await.unwrap();
    }
    tx.commit(&[]).await.unwrap();

    let mut r = app.store.begin_read().await.unwrap();
    assert_eq!(
        r.get_delegation(insulin.id).await.unwrap().as_ref(),
        Some(&insulin)
    );
    assert_eq!(
        r.get_delegation(once.id).await.unwrap().as_ref(),
        Some(&once)
    );
    assert_eq!(r.get_delegation(DelegationId::new()).await.unwrap(), None);
    drop(r);

    // Signatures: each party once.
    let mut tx = begin(&app).await;
    let at = DbInstant::new(ts("2026-11-20T09:05:00Z"));
    assert!(
        tx.sign_delegation(insulin.id, Party::Delegator, at)
            .await
            .unwrap()
    );
    assert!(
        !tx.sign_delegation(
            insulin.id,
            Party::Delegator,
            DbInstant::new(ts("2026-11-20T09:30:00Z"))
        )
        .await
        .unwrap()
    );
    let at2 = DbInstant::new(ts("2026-11-20T09:10:00Z"));
    assert!(
        tx.sign_delegation(insulin.id, Party::Recipient, at2)
            .await
            .unwrap()
    );
    // Events of every kind, a leave ended later.
    let events = vec![
        DelegationEvent::Leave {
            party: Party::Recipient,
            from: date(2026, 12, 1),
            to: None,
        },
        DelegationEvent::ChangedUnit {
            party: Party::Delegator,
            at: ts("2027-01-10T07:00:00Z"),
        },
        DelegationEvent::Left {
            party: Party::Recipient,
            at: ts("2027-02-01T07:00:00Z"),
        },
        DelegationEvent::Revoked {
            at: ts("2027-03-01T07:00:00Z"),
            by: manager,
            reason: RevocationReason::CompetenceDoubt,
            note: Some("Fel dos två gånger".into()),
        },
    ];
    for e in &events {
        tx.insert_delegation_event(insulin.id, e).await.unwrap();
    }
    assert!(
        tx.end_delegation_leave(
            insulin.id,
            Party::Recipient,
            DbDate(date(2026, 12, 1)),
            DbDate(date(2026, 12, 20))
        )
        .await
        .unwrap()
    );
    assert!(
        !tx.end_delegation_leave(
            insulin.id,
            Party::Delegator,
            DbDate(date(2026, 12, 1)),
            DbDate(date(2026, 12, 20))
        )
        .await
        .unwrap()
    );
    tx.insert_delegation_event(
        once.id,
        &DelegationEvent::OccasionUsed {
            at: ts("2026-11-23T08:00:00Z"),
        },
    )
    .await
    .unwrap();
    tx.commit(&[]).await.unwrap();

    let mut expected = insulin.clone();
    expected.delegator_signed_at = Some(at.0);
    expected.recipient_signed_at = Some(at2.0);
    expected.events = events.clone();
    expected.events[0] = DelegationEvent::Leave {
        party: Party::Recipient,
        from: date(2026, 12, 1),
        to: Some(date(2026, 12, 20)),
    };
    let mut r = app.store.begin_read().await.unwrap();
    assert_eq!(
        r.get_delegation(insulin.id).await.unwrap(),
        Some(expected.clone())
    );
    let once_read = r.get_delegation(once.id).await.unwrap().unwrap();
    assert_eq!(
        once_read.events,
        vec![DelegationEvent::OccasionUsed {
            at: ts("2026-11-23T08:00:00Z")
        }]
    );

    // Lists.
    let ids = |ds: Vec<Delegation>| ds.into_iter().map(|d| d.id).collect::<Vec<_>>();
    let mine = r.list_delegations_of_user(staff).await.unwrap();
    assert_eq!(mine.len(), 3, "the staff's three, not the manager's");
    assert!(mine.contains(&expected));
    let nurses = ids(r.list_delegations_of_user(nurse).await.unwrap());
    assert_eq!(nurses.len(), 4, "the nurse delegated all four");
    let unit = ids(r.list_delegations_for_unit(w.a1, DAY).await.unwrap());
    assert_eq!(
        unit,
        vec![once.id, insulin.id],
        "by last day; the expired one and the other unit's left out"
    );
    let task = ids(r
        .list_delegations_for_task(staff, &code("insulin"), DAY)
        .await
        .unwrap());
    assert_eq!(
        task,
        vec![insulin.id],
        "not the expired one, not wound care"
    );
    assert_eq!(
        ids(r
            .list_delegations_for_task(staff, &code("insulin"), date(2026, 10, 31))
            .await
            .unwrap()),
        vec![old.id],
        "the day a signing was made picks the delegation of that day"
    );
    assert!(
        r.list_delegations_for_task(manager, &code("insulin"), DAY)
            .await
            .unwrap()
            .is_empty(),
        "another recipient"
    );
    let expiring = ids(r
        .list_delegations_expiring(DAY, date(2026, 12, 23))
        .await
        .unwrap());
    assert_eq!(
        expiring,
        vec![other_unit.id],
        "one occasion on DAY is not a period; later and earlier last days left out"
    );
    let month = (DAY, date(2026, 12, 23));
    assert_eq!(
        ids(r
            .list_delegations_to_remind(month.0, month.1)
            .await
            .unwrap()),
        vec![other_unit.id]
    );
    drop(r);

    // The renewal reminder, sent once.
    let mut tx = begin(&app).await;
    let sent = DbInstant::new(ts("2026-11-23T06:00:00Z"));
    assert!(
        tx.mark_delegation_reminded(other_unit.id, sent)
            .await
            .unwrap()
    );
    assert!(
        !tx.mark_delegation_reminded(other_unit.id, sent)
            .await
            .unwrap()
    );
    tx.commit(&[]).await.unwrap();
    let mut r = app.store.begin_read().await.unwrap();
    assert!(
        r.list_delegations_to_remind(month.0, month.1)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        ids(r.list_delegations_expiring(month.0, month.1).await.unwrap()),
        vec![other_unit.id],
        "still expiring"
    );
    drop(r);

    // Refused by the schema: revoked twice, used twice, to oneself, an unknown task type.
    let mut tx = begin(&app).await;
    conflict(
        tx.insert_delegation_event(
            insulin.id,
            &DelegationEvent::Revoked {
                at: ts("2027-03-02T07:00:00Z"),
                by: nurse,
                reason: RevocationReason::NeedGone,
                note: None,
            },
        )
        .await,
    );
    drop(tx);
    let mut tx = begin(&app).await;
    conflict(
        tx.insert_delegation_event(
            once.id,
            &DelegationEvent::OccasionUsed {
                at: ts("2026-11-23T09:00:00Z"),
            },
        )
        .await,
    );
    drop(tx);
    let mut tx = begin(&app).await;
    let to_self = delegation(
        nurse,
        nurse,
        w.a1,
        "insulin",
        Scope::WholeUnit,
        period(DAY, DAY),
    );
    conflict(tx.insert_delegation(&to_self).await);
    drop(tx);
    let mut tx = begin(&app).await;
    let unknown = delegation(
        nurse,
        staff,
        w.a1,
        "dialysis",
        Scope::WholeUnit,
        period(DAY, DAY),
    );
    conflict(tx.insert_delegation(&unknown).await);
    drop(tx);
    let mut r = app.store.begin_read().await.unwrap();
    assert_eq!(r.get_delegation(to_self.id).await.unwrap(), None);
    assert_eq!(r.get_delegation(unknown.id).await.unwrap(), None);
}

/// Prescriptions read back as written; a unit's day holds its clients' running ones only.
async fn prescriptions_of_a_unit_day(app: TestApp) {
    let w = World::build(&app).await;
    seed_task_types(&app).await;
    let nurse = w.p("a_nurse").id;
    let times = [time(8, 0, 0, 0), time(20, 0, 0, 0)];
    let insulin = prescription(
        w.client_a1,
        nurse,
        "insulin",
        &times,
        date(2026, 11, 1),
        None,
    );
    let prn = prescription(
        w.client_a1,
        nurse,
        "medication",
        &[],
        date(2026, 11, 1),
        Some(DAY),
    );
    let ended = prescription(
        w.client_a1,
        nurse,
        "eye_drops",
        &times[..1],
        date(2026, 11, 1),
        None,
    );
    let later = prescription(
        w.client_a1,
        nurse,
        "wound_care",
        &times[1..],
        date(2026, 11, 24),
        None,
    );
    let finished = prescription(
        w.client_a1,
        nurse,
        "wound_care",
        &times[1..],
        date(2026, 11, 1),
        Some(date(2026, 11, 22)),
    );
    let elsewhere = prescription(
        w.client_a2,
        nurse,
        "insulin",
        &times,
        date(2026, 11, 1),
        None,
    );
    let mut tx = begin(&app).await;
    for p in [&insulin, &prn, &ended, &later, &finished, &elsewhere] {
        tx.insert_prescription(p).await.unwrap();
    }
    tx.end_prescription(ended.id, DbDate(date(2026, 11, 22)))
        .await
        .unwrap();
    tx.commit(&[]).await.unwrap();

    let mut r = app.store.begin_read().await.unwrap();
    assert_eq!(
        r.get_prescription(insulin.id).await.unwrap(),
        Some(insulin.clone())
    );
    assert_eq!(r.get_prescription(prn.id).await.unwrap(), Some(prn.clone()));
    let mut ended_read = ended.clone();
    ended_read.ended_on = Some(date(2026, 11, 22));
    assert_eq!(
        r.get_prescription(ended.id).await.unwrap(),
        Some(ended_read)
    );
    let ids = |ps: Vec<Prescription>| {
        let mut v: Vec<PrescriptionId> = ps.into_iter().map(|p| p.id).collect();
        v.sort();
        v
    };
    let mut day_a1 = vec![insulin.id, prn.id];
    day_a1.sort();
    assert_eq!(
        ids(r.list_prescriptions_for_unit_on(w.a1, DAY).await.unwrap()),
        day_a1,
        "not ended early, not starting later, not finished, not another unit's"
    );
    let mut all = vec![insulin.id, prn.id, elsewhere.id];
    all.sort();
    let active = r.list_prescriptions_active_on(DAY).await.unwrap();
    assert_eq!(
        ids(active.iter().map(|a| a.prescription.clone()).collect()),
        all
    );
    // With the client's unit (the ladder's) and its protection.
    for a in &active {
        let unit = if a.prescription.client_id == w.client_a1 {
            w.a1
        } else {
            w.a2
        };
        assert_eq!(a.unit_id, Some(unit));
        assert!(!a.protected);
    }
    assert_eq!(
        active
            .iter()
            .find(|a| a.prescription.id == insulin.id)
            .map(|a| &a.prescription),
        Some(&insulin)
    );
    assert_eq!(
        ids(r
            .list_prescriptions_for_unit_on(w.a1, date(2026, 11, 24))
            .await
            .unwrap()),
        {
            let mut v = vec![insulin.id, later.id];
            v.sort();
            v
        },
        "the as-needed one ended on DAY"
    );
    let sorted = |mut v: Vec<PrescriptionId>| {
        v.sort();
        v
    };
    assert_eq!(
        ids(r
            .list_prescriptions_for_unit_between(w.a1, DAY, date(2026, 11, 24))
            .await
            .unwrap()),
        sorted(vec![insulin.id, prn.id, later.id]),
        "running on some day of the span; not those over before it"
    );
    assert_eq!(
        ids(r
            .list_prescriptions_for_unit_between(w.a1, date(2026, 11, 22), date(2026, 11, 22))
            .await
            .unwrap()),
        sorted(vec![insulin.id, prn.id, ended.id, finished.id]),
        "their last day counts; not one starting later"
    );
    assert!(
        r.list_prescriptions_for_unit_between(w.a2, date(2026, 10, 1), date(2026, 10, 31))
            .await
            .unwrap()
            .is_empty(),
        "before the start"
    );
    assert_eq!(
        r.list_prescriptions_for_client(w.client_a1)
            .await
            .unwrap()
            .len(),
        5
    );
    drop(r);

    // Refused: times and as-needed both; an end before the start; an unknown client.
    let mut both = prescription(w.client_a1, nurse, "insulin", &times, DAY, None);
    both.terms.as_needed = true;
    let mut tx = begin(&app).await;
    conflict(tx.insert_prescription(&both).await);
    drop(tx);
    let backwards = prescription(
        w.client_a1,
        nurse,
        "insulin",
        &times,
        DAY,
        Some(date(2026, 11, 1)),
    );
    let mut tx = begin(&app).await;
    conflict(tx.insert_prescription(&backwards).await);
    drop(tx);
    let nobody = prescription(ClientId::new(), nurse, "insulin", &times, DAY, None);
    let mut tx = begin(&app).await;
    conflict(tx.insert_prescription(&nobody).await);
}

/// Signings: read back as written; the same id again is recognised (nothing written);
/// an occasion is signed once while as-needed tasks are signed as often as given; the unit's
/// day and the client's period; the effect noted once; an unknown prescription refused.
async fn signings_idempotent_and_unique(app: TestApp) {
    let w = World::build(&app).await;
    seed_task_types(&app).await;
    let nurse = w.p("a_nurse").id;
    let staff = w.p("a_staff").id;
    let eight = time(8, 0, 0, 0);
    let twenty = time(20, 0, 0, 0);
    let insulin = prescription(
        w.client_a1,
        nurse,
        "insulin",
        &[eight, twenty],
        date(2026, 11, 1),
        None,
    );
    let prn = prescription(
        w.client_a1,
        nurse,
        "medication",
        &[],
        date(2026, 11, 1),
        None,
    );
    let elsewhere = prescription(
        w.client_a2,
        nurse,
        "insulin",
        &[eight],
        date(2026, 11, 1),
        None,
    );
    let d = delegation(
        nurse,
        staff,
        w.a1,
        "insulin",
        Scope::WholeUnit,
        period(date(2026, 11, 1), date(2027, 10, 31)),
    );
    let mut tx = begin(&app).await;
    for p in [&insulin, &prn, &elsewhere] {
        tx.insert_prescription(p).await.unwrap();
    }
    tx.insert_delegation(&d).await.unwrap();
    tx.commit(&[]).await.unwrap();

    let occ = |p: &Prescription, day: Date, t: Time| SignedTarget::Occasion(key(p, day, t));
    let mut given = signing(
        occ(&insulin, DAY, eight),
        w.client_a1,
        staff,
        d.id,
        SigningOutcome::Given,
        "2026-11-23T07:05:00Z",
    );
    given.received_at = ts("2026-11-23T09:40:00Z");
    given.flagged = true;
    let mut late = signing(
        occ(&insulin, DAY, twenty),
        w.client_a1,
        staff,
        d.id,
        SigningOutcome::Given,
        "2026-11-23T21:30:00Z",
    );
    late.outcome = SigningOutcome::GivenLate;
    late.late = true;
    // As needed, twice; the second at 00:30 local time on the 24th (still the 23rd in UTC) is
    // dated by its local day.
    let prn1 = signing(
        SignedTarget::AsNeeded(prn.id),
        w.client_a1,
        staff,
        d.id,
        SigningOutcome::AsNeededGiven,
        "2026-11-23T12:00:00Z",
    );
    let prn2 = signing(
        SignedTarget::AsNeeded(prn.id),
        w.client_a1,
        staff,
        d.id,
        SigningOutcome::AsNeededGiven,
        "2026-11-23T23:30:00Z",
    );
    let yesterday = signing(
        occ(&insulin, date(2026, 11, 22), eight),
        w.client_a1,
        staff,
        d.id,
        SigningOutcome::NotGiven,
        "2026-11-22T07:10:00Z",
    );
    let other_unit = signing(
        occ(&elsewhere, DAY, eight),
        w.client_a2,
        staff,
        d.id,
        SigningOutcome::Given,
        "2026-11-23T07:00:00Z",
    );
    let mut tx = begin(&app).await;
    for s in [&given, &late, &prn1, &prn2, &yesterday, &other_unit] {
        assert!(tx.insert_signing(s).await.unwrap(), "{:?}", s.target);
    }
    // The same signing synced again: recognised, nothing written.
    let mut again = given.clone();
    again.received_at = ts("2026-11-23T10:00:00Z");
    again.draft.note = Some("annan".into());
    assert!(!tx.insert_signing(&again).await.unwrap());
    tx.commit(&[]).await.unwrap();

    let mut r = app.store.begin_read().await.unwrap();
    assert_eq!(
        r.get_signing(given.id).await.unwrap(),
        Some(given.clone()),
        "the first kept"
    );
    assert_eq!(r.get_signing(late.id).await.unwrap(), Some(late.clone()));
    assert_eq!(r.get_signing(prn2.id).await.unwrap(), Some(prn2.clone()));
    assert_eq!(
        r.get_signing(yesterday.id).await.unwrap(),
        Some(yesterday.clone())
    );
    assert_eq!(r.get_signing(SigningId::new()).await.unwrap(), None);
    assert_eq!(
        r.find_occasion_signing(&key(&insulin, DAY, twenty))
            .await
            .unwrap(),
        Some(late.clone())
    );
    assert_eq!(
        r.find_occasion_signing(&key(&insulin, date(2026, 11, 24), twenty))
            .await
            .unwrap(),
        None
    );
    let ids = |ss: Vec<Signing>| ss.into_iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(
        ids(r.list_signings_for_unit_on(w.a1, DAY).await.unwrap()),
        vec![given.id, prn1.id, late.id],
        "by the instant signed; not yesterday's, not another unit's, not the as-needed one \
         signed after local midnight"
    );
    assert_eq!(
        ids(r
            .list_signings_for_client(w.client_a1, date(2026, 11, 22), DAY)
            .await
            .unwrap()),
        vec![yesterday.id, given.id, prn1.id, late.id]
    );
    assert_eq!(
        ids(r
            .list_signings_for_client(w.client_a1, date(2026, 11, 24), date(2026, 11, 30))
            .await
            .unwrap()),
        vec![prn2.id],
        "dated by its local day"
    );
    assert_eq!(
        ids(r
            .list_signings_for_unit_between(w.a1, date(2026, 11, 22), date(2026, 11, 24))
            .await
            .unwrap()),
        vec![yesterday.id, given.id, prn1.id, late.id, prn2.id],
        "by date then instant; not another unit's"
    );
    assert_eq!(
        ids(r
            .list_signings_for_unit_between(w.a2, date(2026, 11, 22), DAY)
            .await
            .unwrap()),
        vec![other_unit.id]
    );
    let mut signed = r.list_signed_occasions_on(DAY).await.unwrap();
    signed.sort();
    let mut expected = vec![
        key(&insulin, DAY, eight),
        key(&insulin, DAY, twenty),
        key(&elsewhere, DAY, eight),
    ];
    expected.sort();
    assert_eq!(signed, expected, "scheduled occasions only, every unit");
    drop(r);

    // Another signing of a signed occasion is refused; an unknown prescription too.
    let mut tx = begin(&app).await;
    let second = signing(
        occ(&insulin, DAY, eight),
        w.client_a1,
        staff,
        d.id,
        SigningOutcome::NotGiven,
        "2026-11-23T07:20:00Z",
    );
    conflict(tx.insert_signing(&second).await);
    drop(tx);
    let mut tx = begin(&app).await;
    let ghost = signing(
        SignedTarget::Occasion(OccasionKey {
            prescription_id: PrescriptionId::new(),
            date: DAY,
            time: eight,
        }),
        w.client_a1,
        staff,
        d.id,
        SigningOutcome::Given,
        "2026-11-23T07:20:00Z",
    );
    conflict(tx.insert_signing(&ghost).await);
    drop(tx);
    // As-needed outcome on a scheduled occasion breaks the schema's rule too.
    let mut tx = begin(&app).await;
    let mut wrong = signing(
        occ(&insulin, date(2026, 11, 24), eight),
        w.client_a1,
        staff,
        d.id,
        SigningOutcome::Given,
        "2026-11-24T07:00:00Z",
    );
    wrong.outcome = SigningOutcome::AsNeededGiven;
    conflict(tx.insert_signing(&wrong).await);
    drop(tx);

    // The effect of an as-needed signing, once.
    let mut tx = begin(&app).await;
    let noted = DbInstant::new(ts("2026-11-23T13:00:00Z"));
    assert!(
        tx.note_signing_effect(prn1.id, "Sov gott", noted)
            .await
            .unwrap()
    );
    assert!(
        !tx.note_signing_effect(prn1.id, "Igen", noted)
            .await
            .unwrap()
    );
    tx.commit(&[]).await.unwrap();
    let mut r = app.store.begin_read().await.unwrap();
    let read = r.get_signing(prn1.id).await.unwrap().unwrap();
    assert_eq!(read.effect_note.as_deref(), Some("Sov gott"));
    assert_eq!(read.effect_noted_at, Some(noted.0));
    assert!(r.get_signing(second.id).await.unwrap().is_none());
    assert!(r.get_signing(ghost.id).await.unwrap().is_none());
}

/// Deviations opened once per signing, listed while open, closed once; the unit's ladder set
/// and replaced; each person called once per occasion.
async fn deviations_ladders_and_calls(app: TestApp) {
    let w = World::build(&app).await;
    seed_task_types(&app).await;
    let nurse = w.p("a_nurse").id;
    let staff = w.p("a_staff").id;
    let manager = w.p("a_unitmgr").id;
    let eight = time(8, 0, 0, 0);
    let insulin = prescription(
        w.client_a1,
        nurse,
        "insulin",
        &[eight],
        date(2026, 11, 1),
        None,
    );
    let d = delegation(
        nurse,
        staff,
        w.a1,
        "insulin",
        Scope::WholeUnit,
        period(date(2026, 11, 1), date(2027, 10, 31)),
    );
    let not_given = signing(
        SignedTarget::Occasion(key(&insulin, DAY, eight)),
        w.client_a1,
        staff,
        d.id,
        SigningOutcome::NotGiven,
        "2026-11-23T07:05:00Z",
    );
    let dev = Deviation::opened_by(&not_given, insulin.id, nurse, true).unwrap();
    let mut tx = begin(&app).await;
    tx.insert_prescription(&insulin).await.unwrap();
    tx.insert_delegation(&d).await.unwrap();
    tx.insert_signing(&not_given).await.unwrap();
    tx.insert_deviation(&dev).await.unwrap();
    tx.commit(&[]).await.unwrap();

    let mut r = app.store.begin_read().await.unwrap();
    assert_eq!(r.get_deviation(dev.id).await.unwrap(), Some(dev.clone()));
    assert_eq!(
        r.list_open_deviations_for_unit(w.a1).await.unwrap(),
        vec![dev.clone()]
    );
    assert!(
        r.list_open_deviations_for_unit(w.a2)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        r.list_open_deviations_for_user(nurse).await.unwrap(),
        vec![dev.clone()]
    );
    assert!(
        r.list_open_deviations_for_user(manager)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(r.get_deviation(DeviationId::new()).await.unwrap(), None);
    drop(r);

    let mut tx = begin(&app).await;
    let mut twice = dev.clone();
    twice.id = DeviationId::new();
    conflict(tx.insert_deviation(&twice).await);
    drop(tx);

    let closed_at = DbInstant::new(ts("2026-11-23T12:00:00Z"));
    let mut tx = begin(&app).await;
    assert!(
        tx.close_deviation(dev.id, nurse, closed_at, "Talat med läkaren")
            .await
            .unwrap()
    );
    assert!(
        !tx.close_deviation(dev.id, manager, closed_at, "Igen")
            .await
            .unwrap()
    );
    tx.commit(&[]).await.unwrap();
    let mut r = app.store.begin_read().await.unwrap();
    assert_eq!(
        r.get_deviation(dev.id).await.unwrap().unwrap().state,
        DeviationState::Closed {
            by: nurse,
            at: closed_at.0,
            note: "Talat med läkaren".into()
        }
    );
    assert!(
        r.list_open_deviations_for_unit(w.a1)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        r.list_open_deviations_for_user(nurse)
            .await
            .unwrap()
            .is_empty()
    );

    // The ladder.
    assert_eq!(r.get_escalation_ladder(w.a1).await.unwrap(), None);
    drop(r);
    let ladder = EscalationLadder {
        steps: vec![
            EscalationStep {
                after_minutes: 0,
                recipients: vec![Recipient::PrescribingPerson, Recipient::UnitManager],
            },
            EscalationStep {
                after_minutes: 30,
                recipients: vec![Recipient::User(staff)],
            },
        ],
    };
    let at = DbInstant::new(ts("2026-11-23T06:00:00Z"));
    let mut tx = begin(&app).await;
    tx.set_escalation_ladder(w.a1, &EscalationLadder::default(), manager, at)
        .await
        .unwrap();
    tx.set_escalation_ladder(w.a1, &ladder, manager, at)
        .await
        .unwrap();
    tx.commit(&[]).await.unwrap();
    let mut r = app.store.begin_read().await.unwrap();
    assert_eq!(r.get_escalation_ladder(w.a1).await.unwrap(), Some(ladder));
    assert_eq!(r.get_escalation_ladder(w.a2).await.unwrap(), None);
    drop(r);

    // Calls: each person once per occasion.
    let k = key(&insulin, DAY, eight);
    let call = |user: UserId, step: u32, at: &str| EscalationCall {
        key: k,
        user,
        step,
        called_at: ts(at),
    };
    let mut tx = begin(&app).await;
    assert!(
        tx.insert_escalation_call(&call(nurse, 0, "2026-11-23T08:31:00Z"))
            .await
            .unwrap()
    );
    assert!(
        tx.insert_escalation_call(&call(manager, 0, "2026-11-23T08:31:00Z"))
            .await
            .unwrap()
    );
    assert!(
        !tx.insert_escalation_call(&call(nurse, 1, "2026-11-23T09:01:00Z"))
            .await
            .unwrap()
    );
    assert!(
        tx.insert_escalation_call(&call(staff, 1, "2026-11-23T09:01:00Z"))
            .await
            .unwrap()
    );
    let tomorrow = EscalationCall {
        key: key(&insulin, date(2026, 11, 24), eight),
        ..call(nurse, 0, "2026-11-24T08:31:00Z")
    };
    assert!(tx.insert_escalation_call(&tomorrow).await.unwrap());
    tx.commit(&[]).await.unwrap();
    let mut r = app.store.begin_read().await.unwrap();
    let calls = r.list_escalation_calls(DAY, DAY).await.unwrap();
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert!(calls.iter().all(|c| c.key == k));
    assert_eq!(calls[2], call(staff, 1, "2026-11-23T09:01:00Z"), "by step");
    assert_eq!(
        r.list_escalation_calls(DAY, date(2026, 11, 24))
            .await
            .unwrap()
            .len(),
        4
    );
}

db_tests!(
    licences_and_task_types,
    delegations_round_trip_and_lists,
    prescriptions_of_a_unit_day,
    signings_idempotent_and_unique,
    deviations_ladders_and_calls,
);

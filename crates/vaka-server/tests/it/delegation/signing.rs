//! Prescriptions and signing: the client's day in due order, signing an occasion (in time,
//! late, ahead, outside reach, without a delegation, repeated), a medication not given and its
//! deviation, revocation at once (online and through the staff app's sync), and the unit's
//! lists and reports.

use jiff::SignedDuration;
use jiff::civil::{Date, Time, date};
use vaka_domain::access::Role;
use vaka_domain::clock::Clock;
use vaka_domain::delegation::{DeviationState, NotGivenReason, SigningOutcome};
use vaka_domain::ids::{DelegationId, SigningId, VisitId, VisitRecordId};
use vaka_service::delegation::delegations::RevocationInput;
use vaka_service::delegation::prescriptions::PrescriptionInput;
use vaka_service::delegation::signing::SigningInput;
use vaka_service::homecare::sync::{RecordKind, RecordStatus, SyncBatch, SyncItem, SyncRecord};
use vaka_service::{Ctx, RequestMeta};

use super::{
    MONDAY, SUNDAY, add_person, at, cli, delegation_to, given, license, occasion, prescribe,
    refusal, scheduled, sign, signings_audited, valid_delegation,
};
use crate::db_tests;
use crate::support::TestApp;
use crate::world::World;

/// A prescription at 08:00 and 20:00 gives the client's day its two occasions, what is due
/// first first; one with no times that is not as-needed is refused.
async fn prescriptions_make_the_clients_day(app: TestApp) {
    let w = World::build(&app).await;
    let s = &app.services;
    let meta = RequestMeta::default();
    let nurse = w.p("a_nurse");
    let staff = w.p("a_staff");
    let n = cli(&app, nurse).await;
    let ctx = Ctx::new(&n, &meta);

    let r = s
        .prescribe(&ctx, w.client_a1, scheduled("insulin", &[at(8, 0)]))
        .await;
    assert_eq!(refusal(r), ("forbidden", "delegation-no-licence"));
    license(&app, &w, nurse).await;
    let r = s
        .prescribe(&ctx, w.client_a1, scheduled("insulin", &[]))
        .await;
    assert_eq!(refusal(r), ("invalid", "delegation-times-or-as-needed"));
    let r = s
        .prescribe(
            &ctx,
            w.client_b1,
            scheduled("insulin", &[at(8, 0), at(20, 0)]),
        )
        .await;
    assert_eq!(refusal(r).0, "forbidden", "another provider's client");
    // Given out of order: stored in order.
    let p = s
        .prescribe(
            &ctx,
            w.client_a1,
            scheduled("insulin", &[at(20, 0), at(8, 0)]),
        )
        .await
        .unwrap();
    assert_eq!(p.terms.times, vec![at(8, 0), at(20, 0)]);
    let r = s
        .prescribe(&ctx, w.client_a1, scheduled("insulin", &[at(8, 0)]))
        .await;
    assert_eq!(refusal(r).1, "delegation-duplicate-prescription");
    valid_delegation(
        &app,
        nurse,
        delegation_to(&w, "insulin", staff, date(2027, 5, 31)),
        staff,
    )
    .await;

    let st = cli(&app, staff).await;
    let day = async |d: Date| {
        s.client_signings(&Ctx::new(&st, &meta), w.client_a1, d)
            .await
            .unwrap()
    };
    // Monday 06:30 local: 08:00 upcoming, then 20:00.
    app.clock.set("2026-11-23T05:30:00Z".parse().unwrap());
    let list = day(MONDAY).await;
    let shown: Vec<(Time, &str, bool)> = list
        .occasions
        .iter()
        .map(|o| (o.occasion.key.time, o.state, o.may_sign))
        .collect();
    assert_eq!(
        shown,
        vec![(at(8, 0), "upcoming", true), (at(20, 0), "upcoming", true)]
    );
    assert_eq!(list.occasions[0].task_name, "Insulin");
    assert!(list.occasions[0].medication);
    // 19:30: the evening dose is open and comes first, the missed morning one after it.
    app.clock.set("2026-11-23T18:30:00Z".parse().unwrap());
    let list = day(MONDAY).await;
    let shown: Vec<(Time, &str)> = list
        .occasions
        .iter()
        .map(|o| (o.occasion.key.time, o.state))
        .collect();
    assert_eq!(shown, vec![(at(20, 0), "open"), (at(8, 0), "missed")]);
    // The day it was prescribed (10:00): the morning's window had closed, so only 20:00.
    let list = day(SUNDAY).await;
    assert_eq!(list.occasions.len(), 1);
    assert_eq!(list.occasions[0].occasion.key.time, at(20, 0));

    // Someone outside the client's reach may not read the list (audited).
    let b = cli(&app, w.p("b_staff")).await;
    let r = s
        .client_signings(&Ctx::new(&b, &meta), w.client_a1, MONDAY)
        .await;
    assert_eq!(refusal(r).0, "forbidden");
    let creates = w
        .audit_about(&app, "prescription.create", w.client_a1)
        .await;
    assert_eq!(
        creates.iter().filter(|e| e["outcome"] == "success").count(),
        1,
        "{creates:?}"
    );
    let lists = w.audit_about(&app, "signing.list", w.client_a1).await;
    assert!(lists.iter().any(|e| e["outcome"] == "denied"), "{lists:?}");
}

/// Signing an occasion: in its window, after it (late), days ahead (refused), outside reach
/// and without a delegation (refused and audited), the same signing twice (one row), the same
/// id with other content and another signing of the same occasion (conflicts).
async fn signing_an_occasion(app: TestApp) {
    let w = World::build(&app).await;
    let nurse = w.p("a_nurse");
    let staff = w.p("a_staff");
    license(&app, &w, nurse).await;
    let p = prescribe(
        &app,
        nurse,
        w.client_a1,
        scheduled("insulin", &[at(8, 0), at(20, 0)]),
    )
    .await;
    let d = valid_delegation(
        &app,
        nurse,
        delegation_to(&w, "insulin", staff, date(2027, 5, 31)),
        staff,
    )
    .await;
    let morning = occasion(p, MONDAY, at(8, 0));
    let evening = occasion(p, MONDAY, at(20, 0));

    // 08:10 local: in time.
    app.clock.set("2026-11-23T07:10:00Z".parse().unwrap());
    let id = SigningId::new();
    let first = sign(&app, staff, given(id, &morning)).await.unwrap();
    assert!(!first.duplicate);
    assert_eq!(first.signing.outcome, SigningOutcome::Given);
    assert!(!first.signing.late);
    assert_eq!(first.signing.delegation_id, d);
    assert_eq!(first.deviation, None);

    // The same signing again (a repeated sync): answered, nothing new.
    app.clock.advance(SignedDuration::from_mins(5));
    let again = sign(&app, staff, given(id, &morning)).await.unwrap();
    assert!(again.duplicate);
    assert_eq!(again.signing, first.signing);
    // The same id with other content, another signing of the occasion: conflicts.
    let other = SigningInput {
        outcome: SigningOutcome::NotGiven,
        not_given_reason: Some(NotGivenReason::Refused),
        ..given(id, &morning)
    };
    assert_eq!(
        refusal(sign(&app, staff, other).await),
        ("conflict", "delegation-signing-id-reused")
    );
    assert_eq!(
        refusal(sign(&app, staff, given(SigningId::new(), &morning)).await),
        ("conflict", "delegation-occasion-already-signed")
    );
    let mut tx = app.store.begin_read().await.unwrap();
    let rows = tx
        .list_signings_for_client(w.client_a1, MONDAY, MONDAY)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    drop(tx);

    // Days ahead: not yet open.
    let thursday = occasion(p, date(2026, 11, 26), at(8, 0));
    assert_eq!(
        refusal(sign(&app, staff, given(SigningId::new(), &thursday)).await),
        ("forbidden", "delegation-not-yet-open")
    );
    // A time the prescription does not have.
    let noon = occasion(p, MONDAY, at(12, 0));
    assert_eq!(
        refusal(sign(&app, staff, given(SigningId::new(), &noon)).await),
        ("invalid", "delegation-unknown-occasion")
    );

    // Outside reach (a worker of another provider), for an open occasion and for the signed
    // one: refused for the reach, audited on the client.
    let denied_before = signings_audited(&app, &w, w.client_a1, "denied").await;
    let b_staff = w.p("b_staff");
    app.clock.set("2026-11-23T18:10:00Z".parse().unwrap());
    for occ in [&evening, &morning] {
        assert_eq!(
            refusal(sign(&app, b_staff, given(SigningId::new(), occ)).await),
            ("forbidden", "delegation-outside-reach"),
            "{occ}"
        );
    }
    // Without a delegation (a second worker of the unit).
    let second = add_person(&app, &w, "a_staff2", Role::CareStaff).await;
    assert_eq!(
        refusal(sign(&app, &second, given(SigningId::new(), &evening)).await),
        ("forbidden", "delegation-no-delegation")
    );
    assert_eq!(
        signings_audited(&app, &w, w.client_a1, "denied").await,
        denied_before + 3
    );

    // 21:30 local, after the window: "given" becomes "given late".
    app.clock.set("2026-11-23T20:30:00Z".parse().unwrap());
    let late = sign(&app, staff, given(SigningId::new(), &evening))
        .await
        .unwrap();
    assert_eq!(late.signing.outcome, SigningOutcome::GivenLate);
    assert!(late.signing.late);
    assert_eq!(late.signing.draft.outcome, SigningOutcome::Given);
    assert_eq!(signings_audited(&app, &w, w.client_a1, "success").await, 2);
}

/// "Not given" of a medication opens a deviation for the prescribing nurse; closing it needs
/// a note and a licence.
async fn a_medication_not_given_opens_a_deviation(app: TestApp) {
    let w = World::build(&app).await;
    let s = &app.services;
    let meta = RequestMeta::default();
    let nurse = w.p("a_nurse");
    let staff = w.p("a_staff");
    license(&app, &w, nurse).await;
    let p = prescribe(
        &app,
        nurse,
        w.client_a1,
        scheduled("medication", &[at(12, 0)]),
    )
    .await;
    let compression = prescribe(
        &app,
        nurse,
        w.client_a1,
        scheduled("compression_stockings", &[at(12, 0)]),
    )
    .await;
    valid_delegation(
        &app,
        nurse,
        delegation_to(&w, "medication", staff, date(2027, 5, 31)),
        staff,
    )
    .await;
    valid_delegation(
        &app,
        nurse,
        delegation_to(&w, "compression_stockings", staff, date(2027, 5, 31)),
        staff,
    )
    .await;

    app.clock.set("2026-11-23T11:10:00Z".parse().unwrap());
    let not_given = |occ: String| SigningInput {
        outcome: SigningOutcome::NotGiven,
        not_given_reason: Some(NotGivenReason::Refused),
        ..given(SigningId::new(), &occ)
    };
    // Without its reason: refused, nothing written.
    let r = sign(
        &app,
        staff,
        SigningInput {
            not_given_reason: None,
            ..not_given(occasion(p, MONDAY, at(12, 0)))
        },
    )
    .await;
    assert_eq!(refusal(r).1, "delegation-outcome-note-required");
    // Not a medication: no deviation.
    let r = sign(
        &app,
        staff,
        not_given(occasion(compression, MONDAY, at(12, 0))),
    )
    .await
    .unwrap();
    assert_eq!(r.deviation, None);
    let r = sign(&app, staff, not_given(occasion(p, MONDAY, at(12, 0))))
        .await
        .unwrap();
    assert_eq!(r.signing.outcome, SigningOutcome::NotGiven);
    let dev = r.deviation.expect("a deviation");
    let stored = {
        let mut tx = app.store.begin_read().await.unwrap();
        tx.get_deviation(dev).await.unwrap().unwrap()
    };
    assert_eq!(stored.assigned_to, nurse.id);
    assert_eq!(stored.prescription_id, p);
    assert_eq!(stored.state, DeviationState::Open);

    let n = cli(&app, nurse).await;
    let open = s.open_deviations(&Ctx::new(&n, &meta), None).await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].deviation.id, dev);
    assert_eq!(open[0].task_name, "Läkemedel");
    let mgr = cli(&app, w.p("a_unitmgr")).await;
    let seen = s
        .open_deviations(&Ctx::new(&mgr, &meta), Some(w.a1))
        .await
        .unwrap();
    assert_eq!(seen.len(), 1, "the unit's manager follows it up too");

    // No note; a unit manager (no licence); a nurse without a licence: refused.
    let r = s.close_deviation(&Ctx::new(&n, &meta), dev, "   ").await;
    assert_eq!(
        refusal(r),
        ("invalid", "delegation-deviation-note-required")
    );
    let r = s
        .close_deviation(&Ctx::new(&mgr, &meta), dev, "Pratat med anhörig")
        .await;
    assert_eq!(refusal(r).0, "forbidden");
    let unlicensed = add_person(&app, &w, "a_nurse2", Role::Nurse).await;
    let u = cli(&app, &unlicensed).await;
    let r = s
        .close_deviation(&Ctx::new(&u, &meta), dev, "Pratat med anhörig")
        .await;
    assert_eq!(
        refusal(r),
        ("forbidden", "delegation-deviation-needs-licence")
    );
    let still = s.open_deviations(&Ctx::new(&n, &meta), None).await.unwrap();
    assert_eq!(still.len(), 1, "still open");

    let closed = s
        .close_deviation(
            &Ctx::new(&n, &meta),
            dev,
            " Läkare kontaktad, dosen flyttad ",
        )
        .await
        .unwrap();
    match closed.state {
        DeviationState::Closed { by, note, .. } => {
            assert_eq!(by, nurse.id);
            assert_eq!(note, "Läkare kontaktad, dosen flyttad");
        }
        DeviationState::Open => panic!("not closed"),
    }
    let r = s.close_deviation(&Ctx::new(&n, &meta), dev, "igen").await;
    assert_eq!(refusal(r).0, "conflict");
    assert!(
        s.open_deviations(&Ctx::new(&n, &meta), None)
            .await
            .unwrap()
            .is_empty()
    );
    let closes = w.audit_about(&app, "deviation.close", w.client_a1).await;
    let outcome = |o: &str| closes.iter().filter(|e| e["outcome"] == o).count();
    assert_eq!(outcome("success"), 1, "{closes:?}");
    assert!(outcome("denied") >= 1, "{closes:?}");
}

/// A revocation takes effect at once: the worker's next signing is refused and audited; only
/// those responsible may revoke.
async fn revocation_takes_effect_at_once(app: TestApp) {
    let w = World::build(&app).await;
    let s = &app.services;
    let meta = RequestMeta::default();
    let nurse = w.p("a_nurse");
    let staff = w.p("a_staff");
    license(&app, &w, nurse).await;
    let p = prescribe(
        &app,
        nurse,
        w.client_a1,
        scheduled("insulin", &[at(8, 0), at(20, 0)]),
    )
    .await;
    let d = valid_delegation(
        &app,
        nurse,
        delegation_to(&w, "insulin", staff, date(2027, 5, 31)),
        staff,
    )
    .await;
    app.clock.set("2026-11-23T07:10:00Z".parse().unwrap());
    sign(
        &app,
        staff,
        given(SigningId::new(), &occasion(p, MONDAY, at(8, 0))),
    )
    .await
    .unwrap();

    // Not by the worker herself, nor without a known reason.
    let st = cli(&app, staff).await;
    let revoke = |reason: &str| RevocationInput {
        reason: reason.into(),
        note: None,
    };
    let r = s
        .revoke_delegation(&Ctx::new(&st, &meta), d, revoke("need_gone"))
        .await;
    assert_eq!(refusal(r), ("forbidden", "delegation-may-not-revoke"));
    let n = cli(&app, nurse).await;
    let r = s
        .revoke_delegation(&Ctx::new(&n, &meta), d, revoke("bored"))
        .await;
    assert_eq!(refusal(r).0, "invalid");

    let r = s
        .revoke_delegation(&Ctx::new(&n, &meta), d, revoke("competence_doubt"))
        .await;
    assert_eq!(refusal(r).1, "delegation-revocation-note-required");

    app.clock.set("2026-11-23T19:00:00Z".parse().unwrap());
    let revoked = s
        .revoke_delegation(
            &Ctx::new(&n, &meta),
            d,
            RevocationInput {
                reason: "competence_doubt".into(),
                note: Some("Blandade ihop pennorna".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        revoked
            .status(
                app.clock.now(),
                &jiff::tz::TimeZone::get("Europe/Stockholm").unwrap()
            )
            .code(),
        "revoked"
    );
    let r = s
        .revoke_delegation(&Ctx::new(&n, &meta), d, revoke("need_gone"))
        .await;
    assert_eq!(refusal(r).1, "delegation-already-ended");

    // A second later, in the evening dose's window: refused, audited, not stored.
    app.clock.advance(SignedDuration::from_secs(1));
    let denied = signings_audited(&app, &w, w.client_a1, "denied").await;
    let evening = occasion(p, MONDAY, at(20, 0));
    assert_eq!(
        refusal(sign(&app, staff, given(SigningId::new(), &evening)).await),
        ("forbidden", "delegation-delegation-not-valid")
    );
    assert_eq!(
        signings_audited(&app, &w, w.client_a1, "denied").await,
        denied + 1
    );
    let list = s
        .client_signings(&Ctx::new(&st, &meta), w.client_a1, MONDAY)
        .await
        .unwrap();
    assert!(list.occasions.iter().all(|o| !o.may_sign), "{list:?}");
    let mut tx = app.store.begin_read().await.unwrap();
    let rows = tx
        .list_signings_for_client(w.client_a1, MONDAY, MONDAY)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "only the morning's");
    drop(tx);

    // Offline: a signing made on the phone a minute before the revocation (19:59 local, in
    // the evening dose's window) and synced after it is kept, flagged; one made after it is
    // refused at the sync.
    let record = |device_time: &str, occ: &str| SyncRecord {
        id: VisitRecordId::new(),
        seq: 1,
        kind: RecordKind::Signing,
        visit_id: VisitId::new(),
        device_time: device_time.parse().unwrap(),
        client_id: w.client_a1,
        plan_id: None,
        date: None,
        visit_kind: None,
        tag: None,
        manual_reason: None,
        tasks: None,
        note: None,
        signing: Some(given(SigningId::new(), occ)),
    };
    let batch = |r: SyncRecord| SyncBatch {
        device: "phone-1".into(),
        sent_at: None,
        items: vec![SyncItem::Record(r)],
    };
    let before = record("2026-11-23T18:59:00Z", &evening);
    let before_id = SigningId(before.id.0);
    let results = s
        .sync_visits(&Ctx::new(&st, &meta), batch(before))
        .await
        .unwrap();
    assert_eq!(results[0].status, RecordStatus::Stored, "{results:?}");
    let kept = {
        let mut tx = app.store.begin_read().await.unwrap();
        tx.get_signing(before_id).await.unwrap().unwrap()
    };
    assert!(kept.flagged, "flagged to the nurse, not dropped");
    assert_eq!(kept.signed_at, "2026-11-23T18:59:00Z".parse().unwrap());
    assert_eq!(kept.delegation_id, d);
    let unit = s
        .unit_signing_list(&Ctx::new(&n, &meta), w.a1, MONDAY)
        .await
        .unwrap();
    assert_eq!(unit.tally.flagged, 1);
    let open = s.open_deviations(&Ctx::new(&n, &meta), None).await.unwrap();
    assert_eq!(open.len(), 1, "the nurse follows the flagged signing up");
    assert!(open[0].flagged);
    assert_eq!(open[0].deviation.signing_id, before_id);
    // Tuesday's morning dose, signed on the phone after the revocation: refused.
    app.clock.set("2026-11-24T07:10:00Z".parse().unwrap());
    let after = record(
        "2026-11-24T07:05:00Z",
        &occasion(p, date(2026, 11, 24), at(8, 0)),
    );
    let results = s
        .sync_visits(&Ctx::new(&st, &meta), batch(after))
        .await
        .unwrap();
    assert_eq!(results[0].status, RecordStatus::Refused, "{results:?}");
    assert_eq!(
        results[0].refusal.as_ref().map(|(_, r)| r.id()),
        Some("delegation-delegation-not-valid")
    );
    assert_eq!(
        signings_audited(&app, &w, w.client_a1, "denied").await,
        denied + 2
    );

    let revokes = crate::login::audit_actions(&app).await;
    assert_eq!(
        revokes
            .iter()
            .filter(|a| *a == "delegation.revoke:success")
            .count(),
        1
    );
}

/// The unit's signing list and its counts, a client's signing history (signed, missed and
/// as-needed lines), the unit's register (the valid delegations, not the revoked one) and
/// the delegations to renew within 30 days.
async fn the_units_lists_and_reports(app: TestApp) {
    let w = World::build(&app).await;
    let s = &app.services;
    let meta = RequestMeta::default();
    let nurse = w.p("a_nurse");
    let staff = w.p("a_staff");
    license(&app, &w, nurse).await;
    let insulin = prescribe(
        &app,
        nurse,
        w.client_a1,
        scheduled("insulin", &[at(8, 0), at(20, 0)]),
    )
    .await;
    let prn = prescribe(
        &app,
        nurse,
        w.client_a1,
        PrescriptionInput {
            times: Vec::new(),
            as_needed: true,
            instruction: "Oxascand 5 mg vid oro, högst 2 per dygn".into(),
            ..scheduled("medication", &[])
        },
    )
    .await;
    let long = valid_delegation(
        &app,
        nurse,
        delegation_to(&w, "insulin", staff, date(2027, 5, 31)),
        staff,
    )
    .await;
    let soon = valid_delegation(
        &app,
        nurse,
        delegation_to(&w, "medication", staff, date(2026, 12, 10)),
        staff,
    )
    .await;
    let gone = valid_delegation(
        &app,
        nurse,
        delegation_to(&w, "wound_care", staff, date(2026, 12, 5)),
        staff,
    )
    .await;
    let n = cli(&app, nurse).await;
    s.revoke_delegation(
        &Ctx::new(&n, &meta),
        gone,
        RevocationInput {
            reason: "need_gone".into(),
            note: None,
        },
    )
    .await
    .unwrap();

    // Monday: the morning dose in time, an as-needed dose at 16:00, the evening one missed.
    app.clock.set("2026-11-23T07:10:00Z".parse().unwrap());
    sign(
        &app,
        staff,
        given(SigningId::new(), &occasion(insulin, MONDAY, at(8, 0))),
    )
    .await
    .unwrap();
    app.clock.set("2026-11-23T15:00:00Z".parse().unwrap());
    let as_needed = sign(
        &app,
        staff,
        SigningInput {
            id: SigningId::new(),
            occasion: None,
            prescription_id: Some(prn),
            client_id: None,
            outcome: SigningOutcome::AsNeededGiven,
            not_given_reason: None,
            note: Some("Orolig, svårt att sitta still".into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(as_needed.signing.delegation_id, soon);
    app.clock.set("2026-11-23T20:30:00Z".parse().unwrap());

    let mgr = cli(&app, w.p("a_unitmgr")).await;
    let unit = s
        .unit_signing_list(&Ctx::new(&mgr, &meta), w.a1, MONDAY)
        .await
        .unwrap();
    assert_eq!(unit.tally.occasions, 2, "{unit:?}");
    assert_eq!(unit.tally.in_time, 1);
    assert_eq!(unit.tally.missed, 1);
    assert_eq!(unit.tally.pending, 0);
    assert_eq!(unit.lines[0].state, "missed", "what needs doing first");
    assert_eq!(unit.lines[1].signer_name.as_deref(), Some("Test a_staff"));
    let st = cli(&app, staff).await;
    let r = s
        .unit_signing_list(&Ctx::new(&st, &meta), w.a1, MONDAY)
        .await;
    assert_eq!(refusal(r), ("forbidden", "delegation-may-not-oversee"));

    let history = s
        .signing_history(&Ctx::new(&n, &meta), w.client_a1, SUNDAY, MONDAY)
        .await
        .unwrap();
    let lines: Vec<(Date, Option<Time>, &str)> = history
        .lines
        .iter()
        .map(|l| (l.day, l.time, l.state))
        .collect();
    assert_eq!(
        lines,
        vec![
            (SUNDAY, Some(at(20, 0)), "missed"),
            (MONDAY, Some(at(8, 0)), "signed"),
            (MONDAY, Some(at(20, 0)), "missed"),
            (MONDAY, None, "signed"),
        ]
    );
    assert_eq!(history.tally.missed, 2);
    assert_eq!(history.tally.in_time, 1);
    assert_eq!(history.given, 2);
    assert_eq!(
        history.lines[3].signing.as_ref().map(|s| s.outcome),
        Some(SigningOutcome::AsNeededGiven)
    );
    let r = s
        .signing_history(&Ctx::new(&n, &meta), w.client_a1, MONDAY, date(2026, 11, 1))
        .await;
    assert_eq!(refusal(r).0, "invalid");

    let register = s.unit_register(&Ctx::new(&mgr, &meta), w.a1).await.unwrap();
    let mut ids: Vec<DelegationId> = register
        .lines
        .iter()
        .map(|l| l.entry.delegation_id)
        .collect();
    ids.sort();
    let mut want = vec![long, soon];
    want.sort();
    assert_eq!(ids, want, "the valid ones, not the revoked one");

    let expiring = s
        .delegations_expiring(&Ctx::new(&mgr, &meta), 30)
        .await
        .unwrap();
    let ids: Vec<DelegationId> = expiring.iter().map(|v| v.delegation.id).collect();
    assert_eq!(ids, vec![soon]);
    let r = s.delegations_expiring(&Ctx::new(&st, &meta), 30).await;
    assert_eq!(refusal(r).0, "forbidden");
    let history_reads = w.audit_about(&app, "signing.history", w.client_a1).await;
    assert_eq!(history_reads.len(), 1, "{history_reads:?}");
}

db_tests!(
    prescriptions_make_the_clients_day,
    signing_an_occasion,
    a_medication_not_given_opens_a_deviation,
    revocation_takes_effect_at_once,
    the_units_lists_and_reports,
);

//! Delegations: valid once both parties have signed with a fresh second factor; the bad
//! input refused with nothing written; licences, the task-type list and the smaller use cases.

use jiff::SignedDuration;
use jiff::civil::{Date, date};
use vaka_domain::access::Role;
use vaka_domain::clock::Clock;
use vaka_domain::delegation::{DelegationStatus, SigningOutcome};
use vaka_domain::ids::SigningId;
use vaka_service::auth::current_totp_code;
use vaka_service::delegation::delegations::DelegationInput;
use vaka_service::delegation::licences::LicenceInput;
use vaka_service::delegation::prescriptions::PrescriptionInput;
use vaka_service::delegation::signing::SigningInput;
use vaka_service::{Ctx, RequestMeta};

use super::{
    MONDAY, SUNDAY, add_person, at, cli, delegation_to, given, license, occasion, prescribe,
    refusal, scheduled, session, sign, signings_audited, valid_delegation,
};
use crate::db_tests;
use crate::support::TestApp;
use crate::world::World;

/// The "done when", first half: the nurse delegates insulin to a care worker of the
/// unit; until both have signed, each with a fresh second factor, the worker may not sign an
/// occasion; then she may.
async fn a_delegation_is_valid_once_both_have_signed(app: TestApp) {
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

    let n = session(&app, nurse).await;
    let d = s
        .create_delegation(
            &Ctx::new(&n, &meta),
            delegation_to(&w, "insulin", staff, date(2027, 5, 31)),
        )
        .await
        .unwrap();
    let now = app.clock.now();
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
    assert_eq!(
        d.status(now, &tz),
        DelegationStatus::AwaitingSignatures {
            delegator: false,
            recipient: false
        }
    );

    // Not yet valid: the worker's list says she may not sign, and a signing is refused.
    app.clock.set("2026-11-22T19:05:00Z".parse().unwrap());
    let st = cli(&app, staff).await;
    let list = s
        .client_signings(&Ctx::new(&st, &meta), w.client_a1, SUNDAY)
        .await
        .unwrap();
    assert_eq!(list.occasions.len(), 1, "{list:?}");
    assert_eq!(list.occasions[0].state, "open");
    assert!(!list.occasions[0].may_sign);
    let sunday_evening = occasion(p, SUNDAY, at(20, 0));
    let r = sign(&app, staff, given(SigningId::new(), &sunday_evening)).await;
    assert_eq!(refusal(r), ("forbidden", "delegation-delegation-not-valid"));

    // The nurse signs in her fresh session; the delegation still waits for the worker.
    let n = session(&app, nurse).await;
    let signed = s
        .sign_delegation(&Ctx::new(&n, &meta), d.id, None)
        .await
        .unwrap();
    assert!(signed.delegator_signed_at.is_some());
    assert_eq!(
        signed.status(app.clock.now(), &tz),
        DelegationStatus::AwaitingSignatures {
            delegator: true,
            recipient: false
        }
    );
    // Signing twice is refused.
    let again = s.sign_delegation(&Ctx::new(&n, &meta), d.id, None).await;
    assert_eq!(refusal(again).1, "delegation-already-signed");
    // Someone who is not a party may not sign it.
    let other = session(&app, w.p("a_unitmgr")).await;
    let r = s
        .sign_delegation(&Ctx::new(&other, &meta), d.id, None)
        .await;
    assert_eq!(refusal(r), ("forbidden", "delegation-not-a-party"));
    let r = sign(&app, staff, given(SigningId::new(), &sunday_evening)).await;
    assert_eq!(
        refusal(r),
        ("forbidden", "delegation-delegation-not-valid"),
        "signed by one party only"
    );

    // The worker's session proved its second factor eleven minutes ago: stale. Without a code
    // or with a wrong one she is refused; with the current code she signs.
    let st_session = session(&app, staff).await;
    app.clock.advance(SignedDuration::from_mins(11));
    let ctx = Ctx::new(&st_session, &meta);
    let r = s.sign_delegation(&ctx, d.id, None).await;
    assert_eq!(refusal(r).1, "auth-fresh-second-factor-needed");
    let r = s.sign_delegation(&ctx, d.id, Some("000000")).await;
    assert_eq!(refusal(r).1, "auth-code-mismatch");
    let unsigned = {
        let mut tx = app.store.begin_read().await.unwrap();
        tx.get_delegation(d.id).await.unwrap().unwrap()
    };
    assert!(unsigned.recipient_signed_at.is_none(), "nothing written");
    let code = current_totp_code(staff.totp_secret.as_deref().unwrap(), app.clock.now()).unwrap();
    let both = s.sign_delegation(&ctx, d.id, Some(&code)).await.unwrap();
    assert_eq!(
        both.status(app.clock.now(), &tz),
        DelegationStatus::Valid {
            last_day: date(2027, 5, 31)
        }
    );

    // Valid: the list says so, and the occasion is signed.
    let list = s
        .client_signings(&Ctx::new(&st, &meta), w.client_a1, SUNDAY)
        .await
        .unwrap();
    assert!(list.occasions[0].may_sign);
    let done = sign(&app, staff, given(SigningId::new(), &sunday_evening))
        .await
        .unwrap();
    assert_eq!(done.signing.outcome, SigningOutcome::Given);
    assert_eq!(done.signing.delegation_id, d.id);

    // The trail: the two signatures, the refused ones, the step-up.
    let actions = crate::login::audit_actions(&app).await;
    let count = |a: &str| actions.iter().filter(|x| *x == a).count();
    assert_eq!(count("delegation.sign:success"), 2, "{actions:?}");
    assert!(count("delegation.sign:denied") >= 2, "{actions:?}");
    assert_eq!(count("auth.totp_failed:failure"), 1, "{actions:?}");
    assert_eq!(count("delegation.create:success"), 1, "{actions:?}");
    assert!(signings_audited(&app, &w, w.client_a1, "denied").await >= 2);
    assert_eq!(signings_audited(&app, &w, w.client_a1, "success").await, 1);
}

/// The delegations the issue names as bad input are refused with their reason, and nothing
/// is stored; a delegation by someone without a licence is an audited denial.
async fn bad_delegations_are_refused(app: TestApp) {
    let w = World::build(&app).await;
    let s = &app.services;
    let meta = RequestMeta::default();
    let nurse = w.p("a_nurse");
    let staff = w.p("a_staff");
    let n = cli(&app, nurse).await;
    let ctx = Ctx::new(&n, &meta);
    let year = date(2027, 5, 31);

    // Without a licence.
    let r = s
        .create_delegation(&ctx, delegation_to(&w, "insulin", staff, year))
        .await;
    assert_eq!(refusal(r), ("forbidden", "delegation-no-licence"));
    license(&app, &w, nurse).await;

    // To oneself.
    let r = s
        .create_delegation(&ctx, delegation_to(&w, "insulin", nurse, year))
        .await;
    assert_eq!(refusal(r), ("invalid", "delegation-to-oneself"));
    // Longer than a year: the last day may be 2027-11-21 for a start on 2026-11-22.
    let r = s
        .create_delegation(
            &ctx,
            delegation_to(&w, "insulin", staff, date(2027, 11, 22)),
        )
        .await;
    assert_eq!(refusal(r), ("invalid", "delegation-longer-than-a-year"));
    let r = s
        .create_delegation(
            &ctx,
            DelegationInput {
                to: None,
                ..delegation_to(&w, "insulin", staff, year)
            },
        )
        .await
        .unwrap();
    assert_eq!(
        r.terms.validity.last_day(),
        date(2027, 11, 21),
        "a year at most"
    );
    // To someone with no role that signs in the unit: the unit's manager, a worker of B1.
    for who in ["a_unitmgr", "b_staff", "a_patrol"] {
        let r = s
            .create_delegation(&ctx, delegation_to(&w, "insulin", w.p(who), year))
            .await;
        assert_eq!(
            refusal(r),
            ("invalid", "delegation-recipient-not-in-unit"),
            "{who}"
        );
    }
    // A named client who is not of the unit.
    let r = s
        .create_delegation(
            &ctx,
            DelegationInput {
                whole_unit: false,
                clients: vec![w.client_a1, w.client_a2],
                ..delegation_to(&w, "insulin", staff, year)
            },
        )
        .await;
    assert_eq!(refusal(r), ("invalid", "delegation-client-not-in-unit"));
    // An unknown task type; an act that stays with licensed staff.
    let r = s
        .create_delegation(&ctx, delegation_to(&w, "teleportation", staff, year))
        .await;
    assert_eq!(refusal(r), ("invalid", "delegation-unknown-task-type"));
    // Without a competence check.
    let r = s
        .create_delegation(
            &ctx,
            DelegationInput {
                competence_methods: Vec::new(),
                competence_checked_on: None,
                ..delegation_to(&w, "insulin", staff, year)
            },
        )
        .await;
    assert_eq!(
        refusal(r),
        ("invalid", "delegation-competence-check-required")
    );
    // Someone who may not delegate at all (a care worker).
    let st = cli(&app, staff).await;
    let r = s
        .create_delegation(
            &Ctx::new(&st, &meta),
            delegation_to(&w, "insulin", nurse, year),
        )
        .await;
    assert_eq!(refusal(r), ("forbidden", "delegation-may-not-delegate"));

    // Only the one good delegation is stored.
    let mut tx = app.store.begin_read().await.unwrap();
    assert_eq!(
        tx.list_delegations_of_user(staff.id).await.unwrap().len(),
        1
    );
    assert_eq!(
        tx.list_delegations_of_user(nurse.id).await.unwrap().len(),
        1
    );
    drop(tx);
    let actions = crate::login::audit_actions(&app).await;
    let count = |a: &str| actions.iter().filter(|x| *x == a).count();
    assert_eq!(count("delegation.create:success"), 1, "{actions:?}");
    assert_eq!(count("delegation.create:denied"), 2, "{actions:?}");
}

/// Licences and the task-type list by those who keep them; what never can be delegated; a
/// one-occasion delegation used up by its signing; the effect of an as-needed dose noted once
/// by its signer; a prescription ended; the delegation form's lists and a worker's own
/// delegations.
async fn licences_task_types_and_the_rest(app: TestApp) {
    let w = World::build(&app).await;
    let s = &app.services;
    let meta = RequestMeta::default();
    let nurse = w.p("a_nurse");
    let staff = w.p("a_staff");
    let st = cli(&app, staff).await;
    let n = cli(&app, nurse).await;
    let mgr = cli(&app, w.p("m_manager")).await;

    // Licences: not by a care worker; a bad number; set by the system manager.
    let licence = |number: &str| LicenceInput {
        profession: "nurse".into(),
        number: number.into(),
    };
    let r = s
        .set_licence(&Ctx::new(&st, &meta), staff.id, Some(licence("1234567")))
        .await;
    assert_eq!(
        refusal(r),
        ("forbidden", "delegation-may-not-manage-task-types")
    );
    let r = s
        .set_licence(&Ctx::new(&mgr, &meta), nurse.id, Some(licence("12a4")))
        .await;
    assert_eq!(refusal(r).1, "delegation-licence-number-shape");
    assert_eq!(
        s.licence_of(&Ctx::new(&n, &meta), nurse.id).await.unwrap(),
        None
    );
    license(&app, &w, nurse).await;
    let mine = s.licence_of(&Ctx::new(&n, &meta), nurse.id).await.unwrap();
    assert_eq!(
        mine.map(|l| l.number.as_str().to_owned()),
        Some("7654321".into())
    );

    // The task types: the default list; a new one by the system manager, not by a nurse;
    // assessment can never be one; a retired one takes no new prescriptions.
    let list = s.task_types(&Ctx::new(&st, &meta)).await.unwrap();
    assert!(
        list.iter()
            .any(|t| t.code.as_str() == "insulin" && t.medication)
    );
    let stoma = vaka_domain::delegation::TaskType {
        code: vaka_domain::delegation::TaskTypeCode::parse("stoma_care").unwrap(),
        name: "Stomivård".into(),
        prescribers: vec![vaka_domain::delegation::Profession::Nurse],
        medication: false,
        retired: false,
    };
    let r = s.save_task_type(&Ctx::new(&n, &meta), stoma.clone()).await;
    assert_eq!(refusal(r).0, "forbidden");
    s.save_task_type(&Ctx::new(&mgr, &meta), stoma.clone())
        .await
        .unwrap();
    let list = s.task_types(&Ctx::new(&st, &meta)).await.unwrap();
    assert_eq!(
        list.len(),
        vaka_domain::delegation::default_task_types().len() + 1
    );
    let r = s
        .create_delegation(
            &Ctx::new(&n, &meta),
            delegation_to(&w, "assessment", staff, date(2027, 5, 31)),
        )
        .await;
    assert_eq!(refusal(r), ("invalid", "delegation-act-not-delegable"));
    s.save_task_type(
        &Ctx::new(&mgr, &meta),
        vaka_domain::delegation::TaskType {
            retired: true,
            ..stoma
        },
    )
    .await
    .unwrap();
    let r = s
        .prescribe(
            &Ctx::new(&n, &meta),
            w.client_a1,
            scheduled("stoma_care", &[at(9, 0)]),
        )
        .await;
    assert_eq!(refusal(r), ("invalid", "delegation-task-type-retired"));

    // The delegation form's lists: A1's workers who sign (not its manager, not the nurse).
    let units = s.delegation_units(&Ctx::new(&n, &meta)).await.unwrap();
    assert!(
        units
            .iter()
            .any(|(u, delegates)| u.id == w.a1 && *delegates)
    );
    let recipients = s
        .delegation_recipients(&Ctx::new(&n, &meta), w.a1)
        .await
        .unwrap();
    let ids: Vec<_> = recipients.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, vec![staff.id]);
    let r = s.delegation_recipients(&Ctx::new(&st, &meta), w.a1).await;
    assert_eq!(refusal(r).0, "forbidden");

    // A one-occasion delegation for Monday: the worker's list shows it to sign until she has.
    let p = prescribe(
        &app,
        nurse,
        w.client_a1,
        scheduled("eye_drops", &[at(8, 0), at(20, 0)]),
    )
    .await;
    let once = valid_delegation(
        &app,
        nurse,
        DelegationInput {
            one_occasion: true,
            from: MONDAY,
            to: None,
            whole_unit: false,
            clients: vec![w.client_a1],
            ..delegation_to(&w, "eye_drops", staff, MONDAY)
        },
        staff,
    )
    .await;
    let own = s.my_delegations(&Ctx::new(&st, &meta)).await.unwrap();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].delegation.id, once);
    assert_eq!(own[0].clients, vec![(w.client_a1, "Alma Ettan".to_owned())]);
    assert!(!own[0].i_must_sign);
    assert!(!own[0].may_revoke, "the worker may not revoke it");
    app.clock.set("2026-11-23T07:05:00Z".parse().unwrap());
    sign(
        &app,
        staff,
        given(SigningId::new(), &occasion(p, MONDAY, at(8, 0))),
    )
    .await
    .unwrap();
    app.clock.set("2026-11-23T19:05:00Z".parse().unwrap());
    assert_eq!(
        refusal(
            sign(
                &app,
                staff,
                given(SigningId::new(), &occasion(p, MONDAY, at(20, 0)))
            )
            .await
        ),
        ("forbidden", "delegation-delegation-not-valid"),
        "used by the morning's signing"
    );
    let view = s.delegation(&Ctx::new(&n, &meta), once).await.unwrap();
    assert_eq!(view.status.code(), "used");

    // An as-needed dose: its effect noted once, by its signer only.
    let prn = prescribe(
        &app,
        nurse,
        w.client_a1,
        PrescriptionInput {
            times: Vec::new(),
            as_needed: true,
            ..scheduled("medication", &[])
        },
    )
    .await;
    valid_delegation(
        &app,
        nurse,
        DelegationInput {
            from: MONDAY,
            ..delegation_to(&w, "medication", staff, date(2027, 5, 31))
        },
        staff,
    )
    .await;
    let dose = |note: Option<&str>| SigningInput {
        id: SigningId::new(),
        occasion: None,
        prescription_id: Some(prn),
        client_id: Some(w.client_a1),
        outcome: SigningOutcome::AsNeededGiven,
        not_given_reason: None,
        note: note.map(str::to_owned),
    };
    let r = sign(&app, staff, dose(None)).await;
    assert_eq!(refusal(r).1, "delegation-outcome-note-required");
    let r = sign(
        &app,
        staff,
        SigningInput {
            client_id: Some(w.client_a2),
            ..dose(Some("Oro"))
        },
    )
    .await;
    assert_eq!(
        refusal(r).1,
        "delegation-unknown-occasion",
        "another client's"
    );
    let given_prn = sign(&app, staff, dose(Some("Oro"))).await.unwrap();
    assert_eq!(given_prn.deviation, None);
    let other = add_person(&app, &w, "a_staff2", Role::CareStaff).await;
    let o = cli(&app, &other).await;
    let r = s
        .note_signing_effect(&Ctx::new(&o, &meta), given_prn.signing.id, "Lugn")
        .await;
    assert_eq!(refusal(r).0, "forbidden");
    let noted = s
        .note_signing_effect(
            &Ctx::new(&st, &meta),
            given_prn.signing.id,
            " Lugn efter en timme ",
        )
        .await
        .unwrap();
    assert_eq!(noted.effect_note.as_deref(), Some("Lugn efter en timme"));
    let r = s
        .note_signing_effect(&Ctx::new(&st, &meta), given_prn.signing.id, "Igen")
        .await;
    assert_eq!(refusal(r), ("conflict", "delegation-effect-already-noted"));

    // A prescription ended on Tuesday: Wednesday has none of its occasions.
    let ended = s
        .end_prescription(&Ctx::new(&n, &meta), p, Some(date(2026, 11, 24)))
        .await
        .unwrap();
    assert_eq!(ended.ended_on, Some(date(2026, 11, 24)));
    let day = async |d: Date| {
        s.client_signings(&Ctx::new(&st, &meta), w.client_a1, d)
            .await
            .unwrap()
            .occasions
            .len()
    };
    assert_eq!(day(date(2026, 11, 24)).await, 2);
    assert_eq!(day(date(2026, 11, 25)).await, 0);
    let r = s
        .end_prescription(&Ctx::new(&n, &meta), p, Some(date(2026, 11, 24)))
        .await;
    assert_eq!(refusal(r).0, "conflict");
}

db_tests!(
    a_delegation_is_valid_once_both_have_signed,
    bad_delegations_are_refused,
    licences_task_types_and_the_rest,
);

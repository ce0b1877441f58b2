//! The pages that keep what delegations rest on: a person's licence on their user page, the
//! municipality's list of task types, and a party's leave, which ends a delegation by itself
//! after more than three months (driven with the clock) unless it is ended before.

use axum::http::StatusCode;
use jiff::civil::date;
use jiff::tz::TimeZone;
use vaka_domain::clock::Clock;
use vaka_domain::delegation::{DelegationStatus, EndCause};
use vaka_domain::ids::{DelegationId, PrescriptionId, SigningId};
use vaka_service::delegation::leave::LeaveInput;
use vaka_service::delegation::licences::LicenceInput;
use vaka_service::{Ctx, RequestMeta};

use super::{
    MONDAY, at, cli, delegation_to, given, license, occasion, prescribe, refusal, scheduled, sign,
    valid_delegation,
};
use crate::db_tests;
use crate::support::{TestApp, logged_in};
use crate::world::World;

fn tz() -> TimeZone {
    TimeZone::get("Europe/Stockholm").unwrap()
}

async fn stored_status(app: &TestApp, id: DelegationId) -> DelegationStatus {
    let mut tx = app.store.begin_read().await.unwrap();
    let d = tx.get_delegation(id).await.unwrap().unwrap();
    d.status(app.clock.now(), &tz())
}

/// The audit actions with their outcome, as `action:outcome`.
async fn count(app: &TestApp, action: &str) -> usize {
    crate::login::audit_actions(app)
        .await
        .iter()
        .filter(|a| *a == action)
        .count()
}

/// The licence on the user page: the system administrator sets it (a bad number is said on
/// the form and changes nothing) and removes it; a care worker may not, and the refusal is
/// audited.
async fn a_licence_is_set_and_removed_on_the_user_page(app: TestApp) {
    let w = World::build(&app).await;
    let s = &app.services;
    let meta = RequestMeta::default();
    let nurse = w.p("a_nurse");
    let staff = w.p("a_staff");
    let admin = logged_in(&app, w.p("m_admin").id).await;
    let page = format!("/admin/users/{}", nurse.id);
    let licence_path = format!("{page}/licence");

    let res = app.get(&page, &admin).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("id=\"licence-none\""), "{}", res.body);
    assert!(res.body.contains("id=\"licence-form\""));

    // A bad number: the form again, its error beside the field, nothing stored.
    let res = app
        .form(
            &licence_path,
            &admin,
            &[
                ("_form", "licence"),
                ("profession", "nurse"),
                ("number", "12a4"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.body.contains("id=\"licence-licence_number-error\""),
        "{}",
        res.body
    );
    assert!(res.body.contains("legitimationsnummer"), "{}", res.body);
    assert!(
        res.body.contains("value=\"12a4\""),
        "what was typed is kept"
    );
    let n = cli(&app, nurse).await;
    assert_eq!(
        s.licence_of(&Ctx::new(&n, &meta), nurse.id).await.unwrap(),
        None
    );

    // A good one, with the spaces a person types.
    let res = app
        .form(
            &licence_path,
            &admin,
            &[
                ("_form", "licence"),
                ("profession", "occupational_therapist"),
                ("number", "765 4321"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location(),
        Some(format!("{page}?ok=licence-saved").as_str())
    );
    let held = s
        .licence_of(&Ctx::new(&n, &meta), nurse.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(held.number.as_str(), "7654321");
    assert_eq!(
        held.profession,
        vaka_domain::delegation::Profession::OccupationalTherapist
    );
    let res = app.get(&page, &admin).await;
    assert!(res.body.contains("Arbetsterapeut"), "{}", res.body);
    assert!(res.body.contains(">7654321<"), "{}", res.body);

    // A care worker may not: the route refuses her, and so does the service (audited).
    let worker = logged_in(&app, staff.id).await;
    let res = app
        .form(
            &licence_path,
            &worker,
            &[("profession", "nurse"), ("number", "1234567")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let st = cli(&app, staff).await;
    let r = s
        .set_licence(
            &Ctx::new(&st, &meta),
            staff.id,
            Some(LicenceInput {
                profession: "nurse".into(),
                number: "1234567".into(),
            }),
        )
        .await;
    assert_eq!(
        refusal(r),
        ("forbidden", "delegation-may-not-manage-task-types")
    );
    assert_eq!(
        s.licence_of(&Ctx::new(&st, &meta), staff.id).await.unwrap(),
        None
    );

    // Removed again.
    let res = app
        .form(
            &licence_path,
            &admin,
            &[("_form", "licence-remove"), ("remove", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        s.licence_of(&Ctx::new(&n, &meta), nurse.id).await.unwrap(),
        None
    );

    assert_eq!(count(&app, "delegation.licence:success").await, 2);
    assert_eq!(count(&app, "delegation.licence:denied").await, 1);
}

/// The task-type list: everyone of the delegation pages reads it; its keeper (the system
/// manager) adds a type, is told when a code is taken or not a code, and retires one; a
/// nurse may not keep it.
async fn task_types_are_kept_by_their_keeper(app: TestApp) {
    let w = World::build(&app).await;
    let s = &app.services;
    let meta = RequestMeta::default();
    let keeper = logged_in(&app, w.p("m_manager").id).await;
    let worker = logged_in(&app, w.p("a_staff").id).await;
    let nurse = logged_in(&app, w.p("a_nurse").id).await;

    // Read by a care worker, with no form to keep it.
    let res = app.get("/delegation/task-types", &worker).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("data-code=\"insulin\""), "{}", res.body);
    assert!(!res.body.contains("id=\"tasktype\""));
    // The hub links to it, for the keeper too (who has no delegations).
    let res = app.get("/delegation", &keeper).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("href=\"/delegation/task-types\""));

    let new = |code: &'static str| {
        vec![
            ("_form", "tasktype"),
            ("code", code),
            ("name", "Stomivård"),
            ("prescribers", "nurse"),
            ("medication", "on"),
        ]
    };
    let res = app
        .form("/delegation/task-types", &keeper, &new("stoma_care"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let list = s
        .task_types(&Ctx::new(&cli(&app, w.p("a_staff")).await, &meta))
        .await
        .unwrap();
    let stoma = list
        .iter()
        .find(|t| t.code.as_str() == "stoma_care")
        .unwrap();
    assert!(stoma.medication && !stoma.retired);
    assert_eq!(stoma.prescribers.len(), 1);

    // The same code again is refused, not overwritten; an act never delegated; no profession.
    let res = app
        .form("/delegation/task-types", &keeper, &new("stoma_care"))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    let res = app
        .form("/delegation/task-types", &keeper, &new("ordinering"))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.body.contains("id=\"tasktype-code-error\""),
        "{}",
        res.body
    );
    let res = app
        .form(
            "/delegation/task-types",
            &keeper,
            &[
                ("_form", "tasktype"),
                ("code", "foot_care"),
                ("name", "Fotvård"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("id=\"tasktype-prescribers-error\""));

    // Retired (and renamed); an unknown code is not added by the change form.
    let res = app
        .form(
            "/delegation/task-types/stoma_care",
            &keeper,
            &[
                ("_form", "tt-stoma_care"),
                ("name", "Stomivård (gammal)"),
                ("prescribers", "nurse"),
                ("retired", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app.get("/delegation/task-types", &worker).await;
    assert!(
        res.body
            .contains("data-code=\"stoma_care\" data-retired=\"true\""),
        "{}",
        res.body
    );
    assert!(res.body.contains("Stomivård (gammal)"));
    let res = app
        .form(
            "/delegation/task-types/foot_care",
            &keeper,
            &[
                ("_form", "tt-foot_care"),
                ("name", "Fotvård"),
                ("prescribers", "nurse"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let list = s
        .task_types(&Ctx::new(&cli(&app, w.p("a_staff")).await, &meta))
        .await
        .unwrap();
    assert!(!list.iter().any(|t| t.code.as_str() == "foot_care"));

    // A nurse may not keep the list: the route refuses her, and so does the service.
    let res = app
        .form("/delegation/task-types", &nurse, &new("wound_rinse"))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let n = cli(&app, w.p("a_nurse")).await;
    let r = s.add_task_type(&Ctx::new(&n, &meta), stoma.clone()).await;
    assert_eq!(
        refusal(r),
        ("forbidden", "delegation-may-not-manage-task-types")
    );
    assert_eq!(count(&app, "delegation.task_type:success").await, 2);
    assert_eq!(count(&app, "delegation.task_type:denied").await, 1);
}

/// A care worker with a valid insulin delegation in A1, and a prescription at 08:00 and
/// 20:00 for client A1.
async fn delegated(app: &TestApp, w: &World) -> (DelegationId, PrescriptionId) {
    let nurse = w.p("a_nurse");
    let staff = w.p("a_staff");
    license(app, w, nurse).await;
    let p = prescribe(
        app,
        nurse,
        w.client_a1,
        scheduled("insulin", &[at(8, 0), at(20, 0)]),
    )
    .await;
    let d = valid_delegation(
        app,
        nurse,
        delegation_to(w, "insulin", staff, date(2027, 5, 31)),
        staff,
    )
    .await;
    (d, p)
}

/// A leave of the care worker recorded by her unit manager from Monday 23 November: the
/// delegation is valid through 22 February (three months), ended from 23 February, and her
/// signing after that is refused. The bad input and those who may not are refused first.
async fn a_long_leave_ends_the_delegation(app: TestApp) {
    let w = World::build(&app).await;
    let s = &app.services;
    let meta = RequestMeta::default();
    let staff = w.p("a_staff");
    let (d, p) = delegated(&app, &w).await;
    let mgr = cli(&app, w.p("a_unitmgr")).await;
    let ctx = Ctx::new(&mgr, &meta);
    let leave = |from, to| LeaveInput { from, to };

    // Bad input, and those who may not: nothing recorded.
    let r = s
        .record_leave(&ctx, staff.id, leave(MONDAY, Some(date(2026, 11, 22))))
        .await;
    assert_eq!(
        refusal(r),
        ("invalid", "delegation-leave-ends-before-start")
    );
    let r = s
        .record_leave(&ctx, staff.id, leave(date(2025, 11, 21), None))
        .await;
    assert_eq!(refusal(r), ("invalid", "delegation-leave-too-far-back"));
    for who in ["a_staff", "a_nurse", "b_admin"] {
        let p = cli(&app, w.p(who)).await;
        let r = s
            .record_leave(&Ctx::new(&p, &meta), staff.id, leave(MONDAY, None))
            .await;
        assert_eq!(
            refusal(r),
            ("forbidden", "delegation-may-not-record-leave"),
            "{who}"
        );
    }
    assert!(
        s.leave_of(&ctx, staff.id)
            .await
            .unwrap()
            .recorded
            .is_empty()
    );
    // Someone without delegations (of another unit: the account manager records it): nothing
    // to add, and that is fine.
    let admin = cli(&app, w.p("m_admin")).await;
    assert_eq!(
        s.record_leave(
            &Ctx::new(&admin, &meta),
            w.p("a_patrol").id,
            leave(MONDAY, None)
        )
        .await
        .unwrap(),
        0
    );

    // Recorded from the user page by the unit manager.
    let manager = logged_in(&app, w.p("a_unitmgr").id).await;
    let page = format!("/admin/users/{}", staff.id);
    let res = app
        .form(
            &format!("{page}/leave"),
            &manager,
            &[("_form", "leave"), ("from", "2026-11-23"), ("to", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app.get(&page, &manager).await;
    assert!(res.body.contains("id=\"leave-running\""), "{}", res.body);
    assert!(res.body.contains("2027-02-23"), "{}", res.body);
    assert!(res.body.contains("id=\"leave-end-form\""));
    let view = s.leave_of(&ctx, staff.id).await.unwrap();
    let running = view.running.unwrap();
    assert_eq!((running.from, running.to), (MONDAY, None));
    assert_eq!(running.ends_delegations_on, Some(date(2027, 2, 23)));
    // The delegation's page says when the leave would end it.
    let res = app
        .get(
            &format!("/delegation/{d}"),
            &logged_in(&app, w.p("a_nurse").id).await,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("delegation-leave"), "{}", res.body);
    // A second leave while this one runs is refused.
    let r = s
        .record_leave(&ctx, staff.id, leave(date(2026, 12, 1), None))
        .await;
    assert_eq!(refusal(r), ("conflict", "delegation-leave-already-running"));

    // Three months of leave (23 November – 22 February): still valid, and a signing on the
    // last evening is accepted.
    app.clock.set("2027-02-22T19:05:00Z".parse().unwrap());
    assert!(matches!(
        stored_status(&app, d).await,
        DelegationStatus::Valid { .. }
    ));
    let evening = occasion(p, date(2027, 2, 22), at(20, 0));
    sign(&app, staff, given(SigningId::new(), &evening))
        .await
        .unwrap();
    app.clock.set("2027-02-22T22:59:59Z".parse().unwrap());
    assert!(matches!(
        stored_status(&app, d).await,
        DelegationStatus::Valid { .. }
    ));
    // One day more: ended by itself, from midnight.
    app.clock.set("2027-02-22T23:00:00Z".parse().unwrap());
    assert_eq!(
        stored_status(&app, d).await,
        DelegationStatus::Ended {
            at: "2027-02-22T23:00:00Z".parse().unwrap(),
            cause: EndCause::RecipientLongLeave
        }
    );
    app.clock.set("2027-02-23T07:05:00Z".parse().unwrap());
    let morning = occasion(p, date(2027, 2, 23), at(8, 0));
    let r = sign(&app, staff, given(SigningId::new(), &morning)).await;
    assert_eq!(refusal(r).0, "forbidden");

    // Ending the leave now does not bring the delegation back.
    let mgr = cli(&app, w.p("a_unitmgr")).await;
    let ctx = Ctx::new(&mgr, &meta);
    assert_eq!(s.end_leave(&ctx, staff.id, None).await.unwrap(), 1);
    assert_eq!(stored_status(&app, d).await.code(), "ended");

    assert_eq!(count(&app, "delegation.leave:success").await, 3);
    assert_eq!(count(&app, "delegation.leave:denied").await, 3);
}

/// A leave ended before three months keeps the delegation valid after them; a leave ended
/// twice, or ended before it began, is refused.
async fn a_leave_ended_in_time_keeps_the_delegation(app: TestApp) {
    let w = World::build(&app).await;
    let s = &app.services;
    let meta = RequestMeta::default();
    let staff = w.p("a_staff");
    let (d, p) = delegated(&app, &w).await;
    // The account manager records it this time.
    let admin = cli(&app, w.p("m_admin")).await;
    let ctx = Ctx::new(&admin, &meta);
    assert_eq!(
        s.record_leave(
            &ctx,
            staff.id,
            LeaveInput {
                from: MONDAY,
                to: None
            }
        )
        .await
        .unwrap(),
        1
    );
    let r = s.end_leave(&ctx, staff.id, Some(date(2026, 11, 20))).await;
    assert_eq!(
        refusal(r),
        ("invalid", "delegation-leave-ends-before-start")
    );

    // Back on 15 January: the leave ends that day.
    app.clock.set("2027-01-15T09:00:00Z".parse().unwrap());
    let admin = cli(&app, w.p("m_admin")).await;
    let ctx = Ctx::new(&admin, &meta);
    assert_eq!(s.end_leave(&ctx, staff.id, None).await.unwrap(), 1);
    let r = s.end_leave(&ctx, staff.id, None).await;
    assert_eq!(refusal(r), ("conflict", "delegation-no-running-leave"));
    let view = s.leave_of(&ctx, staff.id).await.unwrap();
    assert_eq!(view.recorded.len(), 1);
    assert_eq!(view.recorded[0].to, Some(date(2027, 1, 15)));
    assert_eq!(view.recorded[0].ends_delegations_on, None);

    // Past three months from its start: still valid, and she signs.
    app.clock.set("2027-03-01T07:05:00Z".parse().unwrap());
    assert!(matches!(
        stored_status(&app, d).await,
        DelegationStatus::Valid { .. }
    ));
    let morning = occasion(p, date(2027, 3, 1), at(8, 0));
    sign(&app, staff, given(SigningId::new(), &morning))
        .await
        .unwrap();
}

db_tests!(
    a_licence_is_set_and_removed_on_the_user_page,
    task_types_are_kept_by_their_keeper,
    a_long_leave_ends_the_delegation,
    a_leave_ended_in_time_keeps_the_delegation,
);

//! Planning nights: tasks from plans, decisions, consents and pauses, stored once, with the
//! daylight-saving rules surviving a round trip through both databases.

use axum::http::Method;
use jiff::Timestamp;
use jiff::civil::{Date, date, time};
use serde_json::{Value, json};
use vaka_domain::decision::SupervisionMode;
use vaka_domain::ids::{ClientId, PauseId};
use vaka_domain::plan::{Pause, PauseReason, PauseRequest, SupervisionPlan};
use vaka_domain::rounds::{DstAdjustment, TaskKind};
use vaka_domain::supervision::TaskState;

use crate::db_tests;
use crate::support::{TestApp, commission, night_supervision};
use crate::world::World;

async fn ok(app: &TestApp, w: &World, who: &str, path: String, body: Value) {
    let res = app
        .json(Method::POST, &path, &w.p(who).bearer(), body)
        .await;
    assert!(
        res.status.is_success(),
        "{path}: {} {}",
        res.status,
        res.body
    );
}

/// Stores a camera plan for `client` with these times (directly, as the unit manager).
pub(crate) async fn plan(app: &TestApp, w: &World, client: ClientId, times: &[(i8, i8)]) {
    let mut tx = app.store.begin().await.unwrap();
    tx.upsert_plan(&SupervisionPlan {
        client_id: client,
        mode: SupervisionMode::Camera,
        times: times.iter().map(|(h, m)| time(*h, *m, 0, 0)).collect(),
        recheck_delay_minutes: None,
        escalation: None,
        response_target_minutes: None,
        updated_by: w.p("a_unitmgr").id,
        updated_at: vaka_store::values::to_db_precision(app.services.now()),
    })
    .await
    .unwrap();
    tx.commit(&[]).await.unwrap();
}

async fn pause(app: &TestApp, w: &World, client: ClientId, night: Date) {
    let mut tx = app.store.begin().await.unwrap();
    tx.insert_pause(&Pause {
        id: PauseId::new(),
        client_id: client,
        first_night: night,
        last_night: night,
        reason: PauseReason::Guests,
        requested: PauseRequest::ClientByPhone,
        note: None,
        recorded_by: w.p("a_unitmgr").id,
        recorded_at: vaka_store::values::to_db_precision(app.services.now()),
        cancelled_at: None,
    })
    .await
    .unwrap();
    tx.commit(&[]).await.unwrap();
}

/// The id of the first entry of a client's `list` (`decisions`, `consents`, `orders`), as `who`
/// reads the client.
async fn first_id(app: &TestApp, w: &World, who: &str, client: ClientId, list: &str) -> String {
    app.get(&format!("/api/v1/clients/{client}"), &w.p(who).bearer())
        .await
        .json()[list][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn nights_are_planned_from_plans_decisions_consents_and_pauses(app: TestApp) {
    let w = World::build(&app).await;
    let assessor = w.p("m_assessor").bearer();
    // A1: decision, consent, plan. A2: no consent. B1: all, but paused tonight.
    for c in [w.client_a1, w.client_a2, w.client_b1] {
        night_supervision(
            &app,
            &assessor,
            c,
            "camera",
            "23:00, 02:30",
            c != w.client_a2,
        )
        .await;
        plan(&app, &w, c, &[(23, 0), (2, 30), (5, 0)]).await;
    }
    let tonight = date(2026, 11, 22);
    pause(&app, &w, w.client_b1, tonight).await;

    let r = app.services.plan_night(tonight).await.unwrap();
    assert_eq!((r.clients, r.tasks, r.added), (3, 3, 3));
    assert_eq!((r.no_consent, r.paused, r.no_decision), (1, 1, 0));
    let tasks = app.services.night_tasks(tonight).await.unwrap();
    assert!(tasks.iter().all(|t| t.client_id == w.client_a1
        && t.kind == TaskKind::LookIn
        && t.state == TaskState::Planned));
    let due: Vec<Timestamp> = tasks.iter().map(|t| t.due).collect();
    assert_eq!(
        due,
        [
            ts("2026-11-22T22:00:00Z"),
            ts("2026-11-23T01:30:00Z"),
            ts("2026-11-23T04:00:00Z")
        ]
    );
    assert_eq!(tasks[0].opens, ts("2026-11-22T21:45:00Z"));
    assert_eq!(tasks[1].planned_time, time(2, 30, 0, 0));

    // Planning again adds nothing and keeps what is there.
    let again = app.services.plan_night(tonight).await.unwrap();
    assert_eq!((again.tasks, again.added), (3, 0));
    assert_eq!(app.services.night_tasks(tonight).await.unwrap(), tasks);

    // The next night B1 is not paused: both A1 and B1 are planned.
    let r = app.services.plan_night(date(2026, 11, 23)).await.unwrap();
    assert_eq!((r.tasks, r.paused), (6, 0));

    // The spring night: 02:30 does not exist and moves to 03:30 summer time (01:30 UTC); the
    // rule is kept with the task.
    let spring = app.services.plan_night(date(2027, 3, 27)).await.unwrap();
    assert_eq!(spring.tasks, 6);
    let t = app.services.night_tasks(date(2027, 3, 27)).await.unwrap();
    let moved: Vec<_> = t
        .iter()
        .filter(|t| t.planned_time == time(2, 30, 0, 0))
        .collect();
    assert_eq!(moved.len(), 2);
    assert!(moved.iter().all(
        |t| t.due == ts("2027-03-28T01:30:00Z") && t.dst == Some(DstAdjustment::MovedOutOfGap)
    ));

    // Decisions end and consents are withdrawn; the planner's database rules agree with the
    // domain's on every client and night.
    let a1_decision = first_id(&app, &w, "m_assessor", w.client_a1, "decisions").await;
    ok(
        &app,
        &w,
        "m_assessor",
        format!("/api/v1/decisions/{a1_decision}/end"),
        json!({"ended_on": "2027-01-15"}),
    )
    .await;
    let b1_consent = first_id(&app, &w, "m_assessor", w.client_b1, "consents").await;
    app.clock.set(ts("2027-02-01T10:00:00Z"));
    ok(
        &app,
        &w,
        "m_assessor",
        format!(
            "/api/v1/clients/{}/consents/{b1_consent}/withdraw",
            w.client_b1
        ),
        json!({"withdrawn_on": "2027-02-01"}),
    )
    .await;
    // Back to November, to plan the nights ahead of time.
    app.clock.set(ts("2026-11-22T09:00:00Z"));
    pause(&app, &w, w.client_a1, date(2027, 1, 10)).await;
    for night in [
        date(2027, 1, 10),
        date(2027, 1, 15),
        date(2027, 1, 16),
        date(2027, 1, 31),
        date(2027, 2, 1),
        date(2027, 11, 20),
        date(2027, 11, 21),
    ] {
        let r = app.services.plan_night(night).await.unwrap();
        let stored = app.services.night_tasks(night).await.unwrap();
        let mut expected = 0;
        for c in [w.client_a1, w.client_a2, w.client_b1] {
            let mut tx = app.store.begin_read().await.unwrap();
            let plan = tx.get_plan(c).await.unwrap().unwrap();
            let decisions = tx.list_decisions(c).await.unwrap();
            let consents = tx.list_consents(c).await.unwrap();
            let pauses = tx.list_pauses(c).await.unwrap();
            drop(tx);
            let domain = vaka_domain::rounds::plan_night(
                c,
                night,
                vaka_domain::rounds::ClientNight {
                    plan: &plan,
                    decisions: &decisions,
                    consents: &consents,
                    pauses: &pauses,
                },
                vaka_domain::rounds::WindowRule::default(),
                &vaka_service::registry::stockholm(),
            );
            let mine: Vec<Timestamp> = stored
                .iter()
                .filter(|t| t.client_id == c)
                .map(|t| t.due)
                .collect();
            match domain {
                Ok(tasks) => {
                    expected += tasks.len() as u64;
                    assert_eq!(
                        mine,
                        tasks.iter().map(|t| t.due).collect::<Vec<_>>(),
                        "{night} {c}"
                    );
                }
                Err(why) => assert!(mine.is_empty(), "{night} {c}: planned despite {why:?}"),
            }
        }
        assert_eq!(r.tasks, expected, "{night}");
    }
    // The night the decision ended on is still supervised; the next is not.
    assert!(
        !app.services
            .night_tasks(date(2027, 1, 15))
            .await
            .unwrap()
            .iter()
            .all(|t| t.client_id != w.client_a1)
    );
    assert!(
        app.services
            .night_tasks(date(2027, 1, 16))
            .await
            .unwrap()
            .iter()
            .all(|t| t.client_id != w.client_a1)
    );

    // Each planning run is one audit entry with its counts.
    let res = app
        .get(
            "/api/v1/audit?action=supervision.plan_night",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    let entries = res.as_array().unwrap();
    assert_eq!(entries.len(), 11);
    assert!(
        entries
            .iter()
            .all(|e| e["credential"] == "system" && e["outcome"] == "success")
    );
}

async fn the_clock_moves_tasks_and_sends_staff_when_a_camera_is_unreachable_or_a_window_missed(
    app: TestApp,
) {
    let w = World::build(&app).await;
    let assessor = w.p("m_assessor").bearer();
    for c in [w.client_a1, w.client_b1] {
        night_supervision(&app, &assessor, c, "camera", "23:00", true).await;
        plan(&app, &w, c, &[(23, 0)]).await;
    }
    // A1 has an active camera; B1 has none.
    let order = first_id(&app, &w, "a_unitmgr", w.client_a1, "orders").await;
    ok(
        &app,
        &w,
        "a_unitmgr",
        format!("/api/v1/orders/{order}/accept"),
        json!({}),
    )
    .await;
    let res = app
        .json(
            Method::POST,
            "/api/v1/devices",
            &w.p("m_admin").bearer(),
            json!({"kind": "camera", "serial": "DV-R1", "model": "Doro Visit"}),
        )
        .await;
    let camera: vaka_domain::ids::DeviceId = res.json()["device"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    commission(&app, &w.p("m_admin").bearer(), camera, w.client_a1).await;
    let online = move |d: vaka_domain::ids::DeviceId| d == camera;
    let night = date(2026, 11, 22);
    app.services.plan_night(night).await.unwrap();
    let state_of = async |c: ClientId| {
        app.services
            .night_tasks(night)
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.client_id == c)
            .unwrap()
            .state
    };

    // Morning: nothing to do.
    assert_eq!(app.services.advance_tasks(&online).await.unwrap().moved, 0);
    // Ten minutes before the window (21:45 UTC): B1's camera does not answer → a visit.
    app.clock.set(ts("2026-11-22T21:36:00Z"));
    let r = app.services.advance_tasks(&online).await.unwrap();
    assert_eq!((r.moved, r.dispatches), (1, 1));
    assert_eq!(state_of(w.client_b1).await, TaskState::CameraUnreachable);
    assert_eq!(state_of(w.client_a1).await, TaskState::Planned);
    // The window opens for A1.
    app.clock.set(ts("2026-11-22T21:45:00Z"));
    app.services.advance_tasks(&online).await.unwrap();
    assert_eq!(
        state_of(w.client_a1).await,
        TaskState::Open { recheck: None }
    );
    // Nobody looks in; the window closes: missed, staff sent, the supervisor told.
    app.clock.set(ts("2026-11-22T22:30:00Z"));
    let r = app.services.advance_tasks(&online).await.unwrap();
    assert_eq!((r.moved, r.dispatches), (1, 1));
    assert_eq!(state_of(w.client_a1).await, TaskState::Missed);
    // Another pass changes nothing and sends nobody twice.
    assert_eq!(
        app.services.advance_tasks(&online).await.unwrap(),
        vaka_service::supervision::scheduler::Advanced::default()
    );
    let open = app.services.open_dispatches().await.unwrap();
    let causes: Vec<(ClientId, &str, bool)> = open
        .iter()
        .map(|d| (d.client_id, d.cause.code(), d.alert_supervisor))
        .collect();
    assert_eq!(
        causes,
        [
            (w.client_b1, "camera_unreachable", false),
            (w.client_a1, "missed", true)
        ]
    );
    // A night first planned after its window closed (the server was down): the time is not
    // planned, so it cannot turn into a missed look-in and a needless dispatch.
    app.clock.set(ts("2026-11-23T22:31:00Z"));
    let late = app.services.plan_night(date(2026, 11, 23)).await.unwrap();
    assert_eq!((late.tasks, late.past), (0, 2));
    assert_eq!(
        app.services
            .advance_tasks(&online)
            .await
            .unwrap()
            .dispatches,
        0
    );
    let audited = app
        .get(
            "/api/v1/audit?action=supervision.dispatch",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    assert_eq!(audited.as_array().unwrap().len(), 2);
}

db_tests!(
    nights_are_planned_from_plans_decisions_consents_and_pauses,
    the_clock_moves_tasks_and_sends_staff_when_a_camera_is_unreachable_or_a_window_missed,
);

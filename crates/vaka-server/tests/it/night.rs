//! A whole night, on an accelerated clock: 200 supervised clients with three look-ins each, a
//! tenth of the cameras offline, operators looking in (seen, not visible once or twice, a
//! deviation, and a few left unseen), a pause recorded during the evening, the night patrol
//! closing every dispatch, and a server restart at one in the morning. Every planned
//! supervision must end the night in a final state with the escalation its story calls for;
//! no look-in may run past its limit; no frame may be stored.

use std::collections::{HashMap, HashSet};

use jiff::{SignedDuration, Timestamp};
use vaka_domain::access::Credential;
use vaka_domain::ids::{ClientId, DeviceId};
use vaka_domain::plan::{PauseReason, PauseRequest};
use vaka_domain::supervision::{DispatchCause, DispatchStep, Outcome, TaskState};
use vaka_service::registry::care::PauseInput;
use vaka_service::{Ctx, RequestMeta};

use crate::console::{connect_sim, supervised};
use crate::db_tests;
use crate::support::{TestApp, assert_not_stored};
use crate::world::{World, test_client};

/// What happens to a client tonight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Story {
    /// Seen, OK at every look-in.
    Fine,
    /// Not visible once per look-in, seen at the re-check.
    SeenAtRecheck,
    /// Not visible at the look-in and at its re-check: the night patrol goes.
    NotVisibleTwice,
    /// Something wrong is seen at the first look-in: the night patrol goes at once.
    Deviation,
    /// No operator gets to the look-ins: missed, the patrol goes, the supervisor is told.
    Unseen,
    /// The camera is offline all night: every look-in becomes a visit.
    Offline,
    /// The client phones in the evening: guests tonight, no supervision.
    Paused,
}

fn story(i: usize) -> Story {
    match i % 20 {
        _ if i % 10 == 9 => Story::Offline,
        3 => Story::Paused,
        6 | 16 => Story::SeenAtRecheck,
        7 | 17 => Story::NotVisibleTwice,
        8 => Story::Deviation,
        18 => Story::Unseen,
        _ => Story::Fine,
    }
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// The night patrol (`patrol`) takes every dispatch it has: acknowledges it, arrives, closes it.
pub(crate) async fn patrol_closes_every_dispatch(
    services: &vaka_service::Services,
    patrol: &Ctx<'_>,
) {
    for d in services.patrol_dispatches(patrol).await.unwrap() {
        for (step, note) in [
            (DispatchStep::Acknowledge, None),
            (DispatchStep::Arrived, None),
            (DispatchStep::Close, Some("Besökt, allt väl")),
        ] {
            services
                .dispatch_step(patrol, d.dispatch_id, step, note)
                .await
                .unwrap();
        }
    }
}

/// `n` clients of unit A1, each supervised at night by a camera at three times (22:00, 01:00
/// and 04:00; 23:00, 02:00 and 05:00; or 22:30, 00:30 and 03:30, by turns): their ids,
/// cameras and the cameras' credentials. Their personnummer are of the series `born` (six
/// digits, such as `401010`), their names `"{name} 000"`…, their cameras' serials
/// `"{serial}-000"`….
pub(crate) async fn night_clients(
    app: &TestApp,
    w: &World,
    n: usize,
    (born, name, serial): (&str, &str, &str),
) -> Vec<(ClientId, DeviceId, String)> {
    let mut clients = Vec::with_capacity(n);
    for i in 0..n {
        let id = ClientId::new();
        let ten = format!("{born}{:03}", 100 + i);
        let digits: Vec<u8> = ten.bytes().map(|b| b - b'0').collect();
        let nr = format!(
            "19{ten}{}",
            vaka_domain::validate::luhn_check_digit(&digits)
        );
        app.services
            .cli_insert_client(test_client(
                id,
                &format!("{name} {i:03}"),
                &nr,
                w.a,
                w.a1,
                vaka_domain::client::Protection::None,
            ))
            .await
            .unwrap();
        let times: &[(i8, i8)] = match i % 3 {
            0 => &[(22, 0), (1, 0), (4, 0)],
            1 => &[(23, 0), (2, 0), (5, 0)],
            _ => &[(22, 30), (0, 30), (3, 30)],
        };
        let (camera, credential) = supervised(app, w, id, &format!("{serial}-{i:03}"), times).await;
        clients.push((id, camera, credential));
    }
    clients
}

async fn a_whole_night_for_200_clients_ends_every_supervision_with_the_right_escalations(
    app: TestApp,
) {
    let w = World::build(&app).await;
    let night = jiff::civil::date(2026, 11, 22);
    // The clients, their decisions, consents, plans and active cameras (unit A1: the alarm
    // centre's operators and the night patrol AN cover it).
    let clients: Vec<(ClientId, DeviceId, String, Story)> =
        night_clients(&app, &w, 200, ("401010", "Natt Klient", "NIGHT"))
            .await
            .into_iter()
            .enumerate()
            .map(|(i, (id, camera, credential))| (id, camera, credential, story(i)))
            .collect();
    let by_client: HashMap<ClientId, Story> = clients.iter().map(|c| (c.0, c.3)).collect();
    let offline: HashSet<DeviceId> = clients
        .iter()
        .filter(|c| c.3 == Story::Offline)
        .map(|c| c.1)
        .collect();
    // Two clients have real simulated cameras: their look-ins carry real frames through the
    // gateway, before and after the restart.
    let real: Vec<usize> = vec![0, 1];
    let real_devices: HashSet<DeviceId> = real.iter().map(|i| clients[*i].1).collect();

    let mut app = app;
    let mut addr = app.listen().await;
    let mut sims = Vec::new();
    for i in &real {
        sims.push(connect_sim(&app, addr, clients[*i].1, &clients[*i].2).await);
    }
    let report = app.services.plan_night(night).await.unwrap();
    assert_eq!(report.tasks, 600, "{report:?}");

    let op_principal = app
        .services
        .principal_for(w.p("c_operator").id, Credential::Cli)
        .await
        .unwrap();
    let patrol_principal = app
        .services
        .principal_for(w.p("a_patrol").id, Credential::Cli)
        .await
        .unwrap();
    let meta = RequestMeta::default();
    let mut frames_seen: Vec<Vec<u8>> = Vec::new();
    let mut restarted = false;
    let mut paused = false;

    // 20:30 to 07:30 in Stockholm, five minutes at a time.
    let mut now = ts("2026-11-22T19:30:00Z");
    let end = ts("2026-11-23T06:30:00Z");
    while now <= end {
        app.clock.set(now);
        if !restarted && now >= ts("2026-11-23T00:00:00Z") {
            // A restart: the process goes, the database stays; cameras reconnect.
            for s in sims.drain(..) {
                s.abort();
            }
            app = app.restart().await;
            addr = app.listen().await;
            for i in &real {
                sims.push(connect_sim(&app, addr, clients[*i].1, &clients[*i].2).await);
            }
            restarted = true;
        }
        let hub = app.cameras.clone();
        let offline = offline.clone();
        let real = real_devices.clone();
        let online = move |d: DeviceId| {
            if real.contains(&d) {
                hub.is_online(d)
            } else {
                !offline.contains(&d)
            }
        };
        app.services.advance_tasks(&online).await.unwrap();
        let op = Ctx::new(&op_principal, &meta);

        // In the evening a paused client phones the operator: guests tonight.
        if !paused {
            for (id, _, _, s) in &clients {
                if *s == Story::Paused {
                    app.services
                        .record_pause(
                            &op,
                            *id,
                            PauseInput {
                                first_night: night,
                                last_night: night,
                                reason: PauseReason::Guests,
                                requested: PauseRequest::ClientByPhone,
                                note: None,
                            },
                        )
                        .await
                        .unwrap();
                }
            }
            paused = true;
        }

        // The operator works through the queue.
        for item in app.services.supervision_queue(&op, &online).await.unwrap() {
            if !item.can_look_in {
                continue;
            }
            let s = by_client[&item.client_id];
            let recheck = item.state == "recheck_open";
            if s == Story::Unseen {
                continue;
            }
            let started = app
                .services
                .start_look_in(&op, item.task_id, 30, &online)
                .await
                .unwrap();
            if let Some(device) = item.camera.filter(|d| real_devices.contains(d)) {
                let mut look = app.cameras.start_look_in(device).unwrap();
                let frame = look.frames.recv().await.expect("a frame");
                frames_seen.push(frame[frame.len() / 2..frame.len() / 2 + 64].to_vec());
                drop(look);
            }
            let outcome = match (s, recheck) {
                (Story::Deviation, _) => Outcome::Deviation,
                (Story::NotVisibleTwice, _) => Outcome::NotVisible,
                (Story::SeenAtRecheck, false) => Outcome::NotVisible,
                _ => Outcome::SeenOk,
            };
            let note = (outcome == Outcome::Deviation).then_some("Ligger på golvet");
            app.services
                .record_outcome(&op, item.task_id, outcome, note)
                .await
                .unwrap();
            assert_eq!(started.record.limit_seconds, 30);
        }

        // The night patrol takes every dispatch: acknowledge, arrive, close.
        patrol_closes_every_dispatch(&app.services, &Ctx::new(&patrol_principal, &meta)).await;
        now += SignedDuration::from_mins(5);
    }
    assert!(restarted);
    for s in sims {
        s.abort();
    }

    // Every planned supervision ended in a final state, with the right escalation.
    let tasks = app.services.night_tasks(night).await.unwrap();
    assert_eq!(tasks.len(), 600);
    let mut tx = app.store.begin_read().await.unwrap();
    let mut causes: HashMap<Story, Vec<DispatchCause>> = HashMap::new();
    for t in &tasks {
        assert!(
            t.state.is_final(),
            "{:?} ended in {:?}",
            by_client[&t.client_id],
            t.state
        );
        let s = by_client[&t.client_id];
        let expected = match s {
            Story::Paused => TaskState::Paused,
            Story::Fine | Story::SeenAtRecheck => TaskState::Done,
            Story::NotVisibleTwice | Story::Deviation | Story::Offline | Story::Unseen => {
                TaskState::Closed
            }
        };
        assert_eq!(t.state, expected, "{s:?} at {}", t.planned_time);
        let log = tx.list_task_look_ins(t.id).await.unwrap();
        for l in &log {
            let ended = l.ended_at.expect("every look-in's end is logged");
            assert!(
                ended.duration_since(l.started_at)
                    <= SignedDuration::from_secs(i64::from(l.limit_seconds)),
                "a look-in ran past its limit"
            );
        }
        let expected_look_ins = match s {
            Story::SeenAtRecheck | Story::NotVisibleTwice => 2,
            Story::Fine | Story::Deviation => 1,
            Story::Unseen | Story::Offline | Story::Paused => 0,
        };
        assert_eq!(log.len(), expected_look_ins, "{s:?}");
    }
    for (id, _, _, s) in &clients {
        let ds = tx
            .list_client_dispatches(*id, ts("2026-11-22T00:00:00Z"), ts("2026-11-24T00:00:00Z"))
            .await
            .unwrap();
        assert!(
            ds.iter()
                .all(|d| d.closed_at.is_some() && d.arrived_at.is_some())
        );
        for d in &ds {
            assert_eq!(d.alert_supervisor, d.cause == DispatchCause::Missed);
        }
        causes
            .entry(*s)
            .or_default()
            .extend(ds.iter().map(|d| d.cause));
    }
    drop(tx);
    let count = |s: Story| clients.iter().filter(|c| c.3 == s).count();
    let all = |s: Story, c: DispatchCause, per_client: usize| {
        let got = causes.get(&s).cloned().unwrap_or_default();
        assert_eq!(got.len(), count(s) * per_client, "{s:?}: {got:?}");
        assert!(got.iter().all(|x| *x == c), "{s:?}: {got:?}");
    };
    all(Story::NotVisibleTwice, DispatchCause::NotVisibleTwice, 3);
    all(Story::Deviation, DispatchCause::Deviation, 3);
    all(Story::Offline, DispatchCause::CameraUnreachable, 3);
    all(Story::Unseen, DispatchCause::Missed, 3);
    for s in [Story::Fine, Story::SeenAtRecheck, Story::Paused] {
        assert!(
            causes.get(&s).is_none_or(Vec::is_empty),
            "{s:?} caused a dispatch"
        );
    }
    assert_eq!(count(Story::Offline), 20);

    // The month's statistics agree with the stories.
    let manager = app
        .services
        .principal_for(w.p("m_manager").id, Credential::Cli)
        .await
        .unwrap();
    let stats = app
        .services
        .supervision_statistics(&Ctx::new(&manager, &meta), night, night)
        .await
        .unwrap();
    assert_eq!(stats.rows.len(), 1, "{:?}", stats.rows);
    let r = &stats.rows[0];
    assert_eq!((r.unit, r.year, r.month), (Some(w.a1), 2026, 11));
    let tasks_of = |s: Story| 3 * u32::try_from(count(s)).unwrap();
    assert_eq!(r.paused, tasks_of(Story::Paused));
    assert_eq!(r.planned, 600 - tasks_of(Story::Paused));
    let looked = tasks_of(Story::Fine)
        + tasks_of(Story::SeenAtRecheck)
        + tasks_of(Story::NotVisibleTwice)
        + tasks_of(Story::Deviation);
    assert_eq!((r.performed, r.on_time), (looked, looked));
    assert_eq!(
        r.not_visible,
        tasks_of(Story::SeenAtRecheck) + 2 * tasks_of(Story::NotVisibleTwice)
    );
    assert_eq!(r.deviations, tasks_of(Story::Deviation));
    assert_eq!(r.missed, tasks_of(Story::Unseen));
    assert_eq!(r.camera_unreachable, tasks_of(Story::Offline));
    let escalations = tasks_of(Story::NotVisibleTwice)
        + tasks_of(Story::Deviation)
        + tasks_of(Story::Offline)
        + tasks_of(Story::Unseen);
    assert_eq!(r.escalations, escalations);
    // The patrol arrived within the five-minute step of each dispatch.
    assert_eq!(r.response.within_15, escalations);
    // A unit manager of A1 sees the same; an operator has no statistics.
    let unit_manager = app
        .services
        .principal_for(w.p("a_unitmgr").id, Credential::Cli)
        .await
        .unwrap();
    let own = app
        .services
        .supervision_statistics(&Ctx::new(&unit_manager, &meta), night, night)
        .await
        .unwrap();
    assert_eq!(own.rows, stats.rows);
    assert!(
        app.services
            .supervision_statistics(&Ctx::new(&op_principal, &meta), night, night)
            .await
            .is_err()
    );

    // Real frames went through the gateway, and none was stored.
    assert!(frames_seen.len() >= 6, "{}", frames_seen.len());
    for needle in &frames_seen {
        assert_not_stored(&app, needle).await;
    }
}

db_tests!(a_whole_night_for_200_clients_ends_every_supervision_with_the_right_escalations);

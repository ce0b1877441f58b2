//! Several nodes over one PostgreSQL: one job lease among them, taken over when its holder
//! ends; a change on one node wakes the live views of another over NATS; a camera connected
//! to one node counts as online on the others.
//!
//! PostgreSQL only (a cluster shares PostgreSQL); the NATS tests need `VAKA_TEST_NATS_URL`
//! (`scripts/test` starts `nats-server` and sets it).

use std::time::Duration;

use futures::SinkExt;
use tokio_tungstenite::tungstenite::Message;
use vaka_server::cluster::Bus;

use crate::support::TestApp;
use crate::world::World;

/// Two nodes over one schema; None (the test says why) without PostgreSQL.
async fn two_nodes() -> Option<(TestApp, TestApp)> {
    let Some(a) = TestApp::postgres().await else {
        eprintln!("VAKA_TEST_POSTGRES_URL is not set: the cluster tests are skipped");
        return None;
    };
    let b = a.another_node().await?;
    Some((a, b))
}

fn nats_url() -> Option<String> {
    let url = std::env::var("VAKA_TEST_NATS_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        eprintln!("VAKA_TEST_NATS_URL is not set: the cluster's NATS tests are skipped");
    }
    url
}

/// A prefix of NATS subjects of this test alone (the tests share one NATS server).
fn prefix() -> String {
    format!("t{}", uuid::Uuid::new_v4().simple())
}

async fn finish(a: TestApp, b: TestApp) {
    b.store.close().await;
    a.finish().await;
}

const CHECK: Duration = Duration::from_secs(5);

/// A camera connected to the node at `addr`, hello said and welcomed.
async fn camera_online(addr: std::net::SocketAddr, credential: &str) -> crate::cameras::Ws {
    let mut ws = crate::cameras::connect(addr, credential).await.unwrap();
    ws.send(Message::text(
        r#"{"type":"hello","protocol":1,"model":"Doro Visit","firmware":"2.1"}"#,
    ))
    .await
    .unwrap();
    assert_eq!(crate::cameras::next_text(&mut ws).await["type"], "welcome");
    ws
}

/// The seal the test installation's nodes share.
fn seal() -> vaka_gateway::cluster::seal::NodeSeal {
    vaka_gateway::cluster::seal::NodeSeal::for_installation(&ed25519_dalek::SigningKey::from_bytes(
        &[0x5E; 32],
    ))
}

/// Both nodes on NATS, under a subject prefix of the test's own.
async fn buses(nats: &str, a: &TestApp, b: &TestApp) -> (Bus, Bus, String) {
    let prefix = prefix();
    let bus_a = Bus::connect(nats, &prefix, &a.services, seal())
        .await
        .unwrap();
    let bus_b = Bus::connect(nats, &prefix, &b.services, seal())
        .await
        .unwrap();
    (bus_a, bus_b, prefix)
}

/// Two nodes on NATS sharing their cameras, and a camera registered on A (not connected yet).
struct CameraAcross {
    a: TestApp,
    b: TestApp,
    /// A's address, for the camera's WebSocket.
    addr: std::net::SocketAddr,
    camera: vaka_domain::ids::DeviceId,
    credential: String,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    /// Wakes when B hears A's camera report.
    heard_b: tokio::sync::watch::Receiver<u64>,
    /// Kept for the test's length.
    _buses: (Bus, Bus),
}

/// [`CameraAcross`] with a camera of serial `serial`; `None` without PostgreSQL or NATS.
async fn camera_across(serial: &str) -> Option<CameraAcross> {
    let nats = nats_url()?;
    let (a, b) = two_nodes().await?;
    let w = World::build(&a).await;
    let addr = a.listen().await;
    let (camera, credential) = crate::cameras::register(&a, &w, "camera", serial).await;
    let (bus_a, bus_b, _) = buses(&nats, &a, &b).await;
    let tasks = share_cameras([(&bus_a, &a), (&bus_b, &b)]).await;
    let heard_b = bus_b.presence_heard();
    Some(CameraAcross {
        a,
        b,
        addr,
        camera,
        credential,
        tasks,
        heard_b,
        _buses: (bus_a, bus_b),
    })
}

/// Each node's cameras shared with the other: presence and look-ins.
async fn share_cameras<const N: usize>(
    nodes: [(&Bus, &TestApp); N],
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut tasks = Vec::new();
    for (bus, app) in nodes {
        tasks.push(bus.share_presence(app.cameras.clone()).await.unwrap());
        tasks.push(bus.share_look_ins(app.cameras.clone()).await.unwrap());
    }
    tasks
}

/// Waits for the other node's camera reports until `known` holds: within two reports (A
/// reports its cameras every 3 s).
async fn until_heard(heard: &mut tokio::sync::watch::Receiver<u64>, known: impl Fn() -> bool) {
    tokio::time::timeout(2 * vaka_server::cluster::PRESENCE_EVERY, async {
        while !known() {
            heard.changed().await.unwrap();
        }
    })
    .await
    .expect("B learnt of the camera on A within two reports");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_node_holds_the_job_lease_and_another_takes_it_when_the_holder_ends() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut la = a.services.job_lease().await.unwrap();
    let mut lb = b.services.job_lease().await.unwrap();
    assert!(la.hold(CHECK).await, "the first node takes the free lease");
    assert!(!lb.hold(CHECK).await, "the second waits");
    assert!(la.hold(CHECK).await, "the holder keeps it");
    assert!(a.services.node().holds_lease());
    assert!(!b.services.node().holds_lease());

    // A holder that stops gives it up; the other takes it at its next check.
    la.release().await;
    assert!(!a.services.node().holds_lease());
    assert!(lb.hold(CHECK).await);
    assert!(!la.hold(CHECK).await, "the lease is taken now");

    // A holder that dies (its connection ended from the database's side, as when its process
    // is killed or its machine is found dead): it learns that it lost the lease at its next
    // check, and the other node takes it.
    let (url, schema) = a.pg.clone().unwrap();
    let mut admin = <sqlx::postgres::PgConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    // With a timeout the call waits until the backend has gone (and its lock with it), as a
    // killed process's connection is gone; without one it only signals, and on a busy machine
    // the other node could try while the lock is still held.
    let ended: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid, 10000) FROM pg_locks
         WHERE locktype = 'advisory' AND granted
           AND ((classid::bigint << 32) | objid::bigint) = hashtextextended('vaka jobs ' || $1, 0)",
    )
    .bind(&schema)
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(
        ended,
        vec![true],
        "exactly one connection held this schema's lease"
    );
    assert!(
        !lb.hold(CHECK).await,
        "the holder's check finds its connection gone"
    );
    assert!(!b.services.node().holds_lease());
    assert!(la.hold(CHECK).await, "the other node takes the lease over");
    assert!(!lb.hold(CHECK).await, "and keeps it");
    la.release().await;
    lb.release().await;
    sqlx::Connection::close(admin).await.unwrap();
    finish(a, b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alarm_stored_on_one_node_wakes_the_live_views_on_another_within_a_second() {
    let Some(nats) = nats_url() else { return };
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let (bus_a, bus_b, _) = buses(&nats, &a, &b).await;
    let _ta = bus_a.share_changes(&a.services).await.unwrap();
    let _tb = bus_b.share_changes(&b.services).await.unwrap();
    // Both subscriptions are in place at the server before anything is sent.
    bus_a.flush().await;
    bus_b.flush().await;
    assert_eq!(
        a.services.node().bus(),
        vaka_service::cluster::BusState::Connected
    );

    let mut alarms_b = b.services.alarm_changes();
    let mut supervision_b = b.services.supervision_changes();
    alarms_b.mark_unchanged();
    supervision_b.mark_unchanged();
    let at = vaka_store::values::to_db_precision(vaka_domain::clock::Clock::now(&a.clock));
    let alarm = vaka_domain::alarm::AlarmRecord::new(
        vaka_domain::alarm::AlarmKind::Personal,
        vaka_domain::client::AreaType::Town,
        "personal",
        "MA",
        at,
    );
    a.services
        .store_alarm_intake(Vec::new(), vec![alarm], Vec::new(), None)
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(1), alarms_b.changed())
        .await
        .expect("node B's alarm views woke within a second")
        .unwrap();
    assert!(
        !supervision_b.has_changed().unwrap(),
        "only the kind that changed wakes"
    );
    // B reads the alarm from the database it shares with A.
    let mut r = b.store.begin_read().await.unwrap();
    assert_eq!(r.list_open_alarms().await.unwrap().len(), 1);
    drop(r);
    finish(a, b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_camera_connected_to_one_node_is_online_on_the_other() {
    let Some(nats) = nats_url() else { return };
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let w = World::build(&a).await;
    let addr = a.listen().await;
    let (camera, credential) = crate::cameras::register(&a, &w, "camera", "DV-CL-1").await;
    let (bus_a, bus_b, _) = buses(&nats, &a, &b).await;
    let _ta = bus_a.share_presence(a.cameras.clone()).await.unwrap();
    let _tb = bus_b.share_presence(b.cameras.clone()).await.unwrap();
    assert!(!bus_b.online_elsewhere(camera));
    let mut heard_b = bus_b.presence_heard();

    let ws = camera_online(addr, &credential).await;
    assert!(
        !b.cameras.is_online(camera),
        "the camera is not connected to B"
    );
    // A reports its cameras every 3 s: B knows within two reports.
    until_heard(&mut heard_b, || bus_b.online_elsewhere(camera)).await;
    assert!(
        !bus_a.online_elsewhere(camera),
        "A does not count its own report"
    );
    drop(ws);
    finish(a, b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_look_in_through_one_node_reaches_a_camera_on_another_with_one_viewer_at_a_time() {
    let Some(CameraAcross {
        a,
        b,
        addr,
        camera,
        credential,
        tasks,
        mut heard_b,
        _buses,
    }) = camera_across("DV-CL-2").await
    else {
        return;
    };
    // Offline everywhere before the camera connects.
    assert_eq!(
        b.cameras.start_look_in_anywhere(camera).await.err(),
        Some(vaka_gateway::camera::LookInRefused::Offline)
    );

    let mut ws = camera_online(addr, &credential).await;
    until_heard(&mut heard_b, || b.cameras.is_online(camera)).await;
    assert!(!b.cameras.is_online_here(camera));
    // What B's device pages show of it: connected elsewhere, no look-in, position not said.
    let not_looking = vaka_gateway::camera::Online {
        state: None,
        viewing: false,
        here: false,
    };
    assert_eq!(b.cameras.online(camera), Some(not_looking));

    // Through B: the camera on A is asked to stream, and its frames reach B's viewer.
    let mut look = b.cameras.start_look_in_anywhere(camera).await.unwrap();
    let start = crate::cameras::next_text(&mut ws).await;
    assert_eq!(start["type"], "start_stream");
    let on_camera: uuid::Uuid = start["look_in"].as_str().unwrap().parse().unwrap();
    // One viewer at a time, across the nodes: A's own start is refused while B's runs.
    assert_eq!(
        a.cameras.start_look_in(camera).err(),
        Some(vaka_gateway::camera::LookInRefused::Busy)
    );
    assert_eq!(
        b.cameras.start_look_in_anywhere(camera).await.err(),
        Some(vaka_gateway::camera::LookInRefused::Busy)
    );
    ws.send(Message::text(format!(
        r#"{{"type":"stream_started","look_in":"{on_camera}"}}"#
    )))
    .await
    .unwrap();
    ws.send(Message::text(r#"{"type":"state","state":"active"}"#))
        .await
        .unwrap();
    // A tells the others soon after a change, not only every 3 s: B sees the camera turned to
    // the bed with a viewer.
    until_heard(&mut heard_b, || {
        b.cameras.online(camera)
            == Some(vaka_gateway::camera::Online {
                state: Some(vaka_camera_protocol::CameraState::Active),
                viewing: true,
                here: false,
            })
    })
    .await;
    for i in 0..5u8 {
        let jpeg = [0xFF, 0xD8, i, 0xFF, 0xD9];
        ws.send(Message::binary(vaka_camera_protocol::encode_frame(
            on_camera, &jpeg,
        )))
        .await
        .unwrap();
        let frame = tokio::time::timeout(Duration::from_secs(2), look.frames.recv())
            .await
            .expect("the frame crossed the nodes in time")
            .unwrap();
        assert_eq!(&frame[..], &jpeg[..]);
    }
    // The viewer on B ends it: the camera on A is told to stop, and A may look in again.
    drop(look);
    assert_eq!(
        crate::cameras::next_text(&mut ws).await["type"],
        "stop_stream"
    );
    let again = a.cameras.start_look_in(camera);
    assert!(again.is_ok(), "the camera is free again");
    drop(again);
    drop(ws);
    for t in tasks {
        t.abort();
    }
    finish(a, b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_look_in_across_nodes_ends_when_the_cameras_node_falls_silent() {
    let Some(CameraAcross {
        a,
        b,
        addr,
        camera,
        credential,
        tasks,
        mut heard_b,
        _buses,
    }) = camera_across("DV-CL-3").await
    else {
        return;
    };
    let mut ws = camera_online(addr, &credential).await;
    until_heard(&mut heard_b, || b.cameras.is_online(camera)).await;
    let mut look = b.cameras.start_look_in_anywhere(camera).await.unwrap();
    let start = crate::cameras::next_text(&mut ws).await;
    let on_camera: uuid::Uuid = start["look_in"].as_str().unwrap().parse().unwrap();
    let jpeg = [0xFF, 0xD8, 7, 0xFF, 0xD9];
    ws.send(Message::binary(vaka_camera_protocol::encode_frame(
        on_camera, &jpeg,
    )))
    .await
    .unwrap();
    let frame = tokio::time::timeout(Duration::from_secs(2), look.frames.recv())
        .await
        .expect("the frame crossed the nodes")
        .unwrap();
    assert_eq!(&frame[..], &jpeg[..]);
    // Then nothing from A, as when its node dies mid look-in (a dead node says nothing): the
    // picture on B ends after FRAMES_SILENT, long before the 30-second limit, instead of
    // staying frozen.
    let silent_from = std::time::Instant::now();
    let silent = vaka_gateway::cluster::FRAMES_SILENT;
    let end = tokio::time::timeout(silent + Duration::from_secs(5), look.frames.recv())
        .await
        .expect("the look-in ended after the silence");
    assert!(end.is_none(), "no frame was sent");
    assert!(
        silent_from.elapsed() + Duration::from_millis(500) >= silent,
        "ended by the silence, not before it: {:?}",
        silent_from.elapsed()
    );
    // B's end reaches the camera's node, which tells the camera to stop.
    drop(look);
    assert_eq!(
        crate::cameras::next_text(&mut ws).await["type"],
        "stop_stream"
    );
    drop(ws);
    for t in tasks {
        t.abort();
    }
    finish(a, b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_health_view_shows_the_nodes_and_which_runs_the_jobs() {
    let Some(nats) = nats_url() else { return };
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let w = World::build(&a).await;
    let (manager, _) = crate::console::session(&b, &w, "m_manager").await;
    // Alone (no bus): one node, and it says so.
    let page = b.get("/alarms/health", &manager).await;
    assert_eq!(page.status, axum::http::StatusCode::OK, "{}", page.body);
    page.assert_has(r#"data-bus="none""#);
    page.assert_has(r#"data-node="node-b""#);
    assert!(!page.body.contains(r#"data-node="node-a""#));

    let mut lease = a.services.job_lease().await.unwrap();
    assert!(lease.hold(CHECK).await);
    let prefix = prefix();
    let bus_b = Bus::connect(&nats, &prefix, &b.services, seal())
        .await
        .unwrap();
    let _tb = bus_b.share_nodes(&b.services).await.unwrap();
    bus_b.flush().await;
    let mut heard = bus_b.nodes_heard();
    let bus_a = Bus::connect(&nats, &prefix, &a.services, seal())
        .await
        .unwrap();
    let _ta = bus_a.share_nodes(&a.services).await.unwrap();
    tokio::time::timeout(2 * vaka_server::cluster::PRESENCE_EVERY, heard.changed())
        .await
        .expect("B heard of A")
        .unwrap();
    let page = b.get("/alarms/health", &manager).await;
    page.assert_has(r#"data-bus="connected""#);
    page.assert_has(r#"<tr data-node="node-a" data-lease-holder>"#);
    page.assert_has(r#"<tr data-node="node-b">"#);
    page.assert_has("Kör de schemalagda jobben");
    page.assert_has("Reserv");
    lease.release().await;
    finish(a, b).await;
}

/// What happens to a client in the night on three nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Story {
    /// Seen, OK at every look-in.
    Fine,
    /// No operator gets to the look-ins: missed, the patrol goes.
    Unseen,
    /// Not visible at the look-in and at its re-check: the patrol goes.
    NotVisibleTwice,
    /// The camera is offline all night: every look-in becomes a visit.
    Offline,
}

/// One node of the night: its application, its hold on the job lease and its night's jobs, as
/// `serve` runs them.
struct Node {
    app: TestApp,
    lease: vaka_service::cluster::JobLease,
    jobs: vaka_server::jobs::NightJobs,
}

async fn night_node(first: &TestApp, online: &vaka_server::jobs::Online) -> Node {
    let app = first.another_node().await.unwrap();
    let lease = app.services.job_lease().await.unwrap();
    let jobs = vaka_server::jobs::NightJobs::new(
        app.services.clone(),
        online.clone(),
        Duration::ZERO,
        false,
    );
    Node { app, lease, jobs }
}

/// A night on three nodes over one PostgreSQL, on the tests' clock: the night's jobs run where
/// the job lease is (`NightJobs`, one round per node every five minutes of the night, each node
/// trying the lease first as `serve` does); every hour the holder dies — its lease connection
/// ended from the database's side, as a `kill -9` or a dead machine ends it, and the node gone —
/// and a fresh node joins. The operator and the night patrol work through whichever node. At
/// the end every supervision is in its final state with the escalation its story calls for,
/// and none was moved twice: each escalated look-in caused exactly one dispatch.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_night_goes_on_to_its_end_while_the_node_running_its_jobs_dies_every_hour() {
    use jiff::{SignedDuration, Timestamp};
    use std::collections::{HashMap, HashSet};
    use vaka_domain::access::Credential;
    use vaka_domain::ids::{ClientId, DeviceId};
    use vaka_domain::supervision::{DispatchCause, Outcome, TaskState};
    use vaka_service::{Ctx, RequestMeta};

    let Some(first) = TestApp::postgres().await else {
        eprintln!("VAKA_TEST_POSTGRES_URL is not set: the cluster tests are skipped");
        return;
    };
    let w = World::build(&first).await;
    let night = jiff::civil::date(2026, 11, 22);
    let ts = |s: &str| s.parse::<Timestamp>().unwrap();
    let clients: Vec<(ClientId, DeviceId, Story)> =
        crate::night::night_clients(&first, &w, 40, ("401012", "Kluster Klient", "KLUSTER"))
            .await
            .into_iter()
            .enumerate()
            .map(|(i, (id, camera, _))| {
                let story = match i % 5 {
                    2 => Story::Unseen,
                    3 => Story::NotVisibleTwice,
                    4 => Story::Offline,
                    _ => Story::Fine,
                };
                (id, camera, story)
            })
            .collect();
    let by_client: HashMap<ClientId, Story> = clients.iter().map(|c| (c.0, c.2)).collect();
    let offline: HashSet<DeviceId> = clients
        .iter()
        .filter(|c| c.2 == Story::Offline)
        .map(|c| c.1)
        .collect();
    let online: vaka_server::jobs::Online = {
        let offline = offline.clone();
        std::sync::Arc::new(move |d| !offline.contains(&d))
    };
    assert_eq!(first.services.plan_night(night).await.unwrap().tasks, 120);

    let (url, schema) = first.pg.clone().unwrap();
    let mut admin = <sqlx::postgres::PgConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let mut nodes = Vec::new();
    for _ in 0..3 {
        nodes.push(night_node(&first, &online).await);
    }
    let operator = first
        .services
        .principal_for(w.p("c_operator").id, Credential::Cli)
        .await
        .unwrap();
    let patrol = first
        .services
        .principal_for(w.p("a_patrol").id, Credential::Cli)
        .await
        .unwrap();
    let meta = RequestMeta::default();

    // 20:30 to 07:30 in Stockholm, five minutes at a time.
    let mut now = ts("2026-11-22T19:30:00Z");
    let end = ts("2026-11-23T06:30:00Z");
    let mut step = 0usize;
    let mut deaths = 0;
    while now <= end {
        for n in &nodes {
            n.app.clock.set(now);
        }
        if step > 0 && step.is_multiple_of(12) {
            // The holder dies: its connection ended from the database's side, waiting until
            // it is gone (see the lease test above).
            let h = nodes
                .iter()
                .position(|n| n.app.services.node().holds_lease())
                .expect("a node held the lease");
            let ended: Vec<bool> = sqlx::query_scalar(
                "SELECT pg_terminate_backend(pid, 10000) FROM pg_locks
                 WHERE locktype = 'advisory' AND granted
                   AND ((classid::bigint << 32) | objid::bigint) = hashtextextended('vaka jobs ' || $1, 0)",
            )
            .bind(&schema)
            .fetch_all(&mut admin)
            .await
            .unwrap();
            assert_eq!(ended, vec![true], "the holder's connection held the lease");
            let dead = nodes.remove(h);
            dead.app.store.close().await;
            drop(dead);
            deaths += 1;
            let fresh = night_node(&first, &online).await;
            fresh.app.clock.set(now);
            nodes.push(fresh);
        }
        // Each node tries the lease (as `cluster::keep_job_lease` does), then runs its round.
        let mut holders = 0;
        for n in &mut nodes {
            if n.lease.hold(CHECK).await {
                holders += 1;
            }
        }
        assert_eq!(holders, 1, "one node holds the lease at {now}");
        let mut ran = 0;
        for n in &mut nodes {
            if n.jobs.round().await.is_some() {
                ran += 1;
            }
        }
        assert_eq!(ran, 1, "the night's jobs ran once at {now}");

        // The operator works through the queue on one node, the night patrol on another.
        let on = &nodes[step % 3].app.services;
        let op = Ctx::new(&operator, &meta);
        let is_online = |d| online(d);
        for item in on.supervision_queue(&op, &is_online).await.unwrap() {
            let s = by_client[&item.client_id];
            if !item.can_look_in || s == Story::Unseen {
                continue;
            }
            on.start_look_in(&op, item.task_id, 30, &is_online)
                .await
                .unwrap();
            let outcome = if s == Story::NotVisibleTwice {
                Outcome::NotVisible
            } else {
                Outcome::SeenOk
            };
            on.record_outcome(&op, item.task_id, outcome, None)
                .await
                .unwrap();
        }
        let on = &nodes[(step + 1) % 3].app.services;
        crate::night::patrol_closes_every_dispatch(on, &Ctx::new(&patrol, &meta)).await;
        now += SignedDuration::from_mins(5);
        step += 1;
    }
    assert_eq!(deaths, 11, "the holder died every hour of the night");

    let on = &nodes[0].app;
    let tasks = on.services.night_tasks(night).await.unwrap();
    assert_eq!(tasks.len(), 120);
    for t in &tasks {
        let s = by_client[&t.client_id];
        let expected = match s {
            Story::Fine => TaskState::Done,
            Story::Unseen | Story::NotVisibleTwice | Story::Offline => TaskState::Closed,
        };
        assert_eq!(t.state, expected, "{s:?} at {}", t.planned_time);
    }
    let mut tx = on.store.begin_read().await.unwrap();
    for (id, _, s) in &clients {
        let ds = tx
            .list_client_dispatches(*id, ts("2026-11-22T00:00:00Z"), ts("2026-11-24T00:00:00Z"))
            .await
            .unwrap();
        let cause = match s {
            Story::Fine => None,
            Story::Unseen => Some(DispatchCause::Missed),
            Story::NotVisibleTwice => Some(DispatchCause::NotVisibleTwice),
            Story::Offline => Some(DispatchCause::CameraUnreachable),
        };
        let causes: Vec<DispatchCause> = ds.iter().map(|d| d.cause).collect();
        assert_eq!(
            causes,
            cause.map_or_else(Vec::new, |c| vec![c; 3]),
            "{s:?}: one dispatch per escalated look-in, none twice"
        );
        assert!(ds.iter().all(|d| d.closed_at.is_some()));
    }
    drop(tx);
    sqlx::Connection::close(admin).await.unwrap();
    for n in nodes {
        n.app.store.close().await;
    }
    first.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unlock_through_one_node_opens_a_lock_connected_to_another_and_revocations_reach_it() {
    use axum::http::{Method, StatusCode};
    use serde_json::json;
    use vaka_lock_sim::{Behaviour, Happened};

    let Some(nats) = nats_url() else { return };
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let w = World::build(&a).await;
    let (lock, credential) = crate::locks::register_lock(&a, &w, "LK-C1", w.client_a1).await;
    let (bus_a, bus_b, prefix) = buses(&nats, &a, &b).await;
    let _la = bus_a.share_locks(a.locks.clone()).await.unwrap();
    let _lb = bus_b.share_locks(b.locks.clone()).await.unwrap();
    // A client on NATS that is not a node: it overhears the unlocks.
    let stranger = async_nats::connect(nats.as_str()).await.unwrap();
    let mut overheard = stranger
        .subscribe(format!("{prefix}.unlock.>"))
        .await
        .unwrap();
    stranger.flush().await.unwrap();
    bus_a.flush().await;
    bus_b.flush().await;
    let mut heard = bus_b.lock_presence_heard();
    let staff = w.p("a_staff").bearer();
    let alarm = crate::locks::dispatched_alarm(&a, &w, w.client_a1).await;
    let path = format!("/api/v1/app/locks/{lock}/unlock");

    // Connected nowhere: B refuses it as offline.
    let r = b
        .json(Method::POST, &path, &staff, json!({ "alarm_id": alarm }))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // The lock connects to A; B learns of it from A's report.
    let addr = a.listen().await;
    let sim = crate::locks::sim(&a, addr, lock, &credential, Behaviour::Normal);
    let task = tokio::spawn(sim.clone().run());
    crate::locks::until("the lock connecting to A", || a.locks.is_online_here(lock)).await;
    until_heard(&mut heard, || b.locks.is_online(lock)).await;
    assert!(!b.locks.is_online_here(lock));

    // The staff member's unlock through B opens the lock on A, and B answers with the lock's
    // own answer.
    let r = b
        .json(Method::POST, &path, &staff, json!({ "alarm_id": alarm }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!(v["status"], "unlocked", "{v}");
    let request: uuid::Uuid = v["request"].as_str().unwrap().parse().unwrap();
    assert!(sim.happened().contains(&Happened::Opened(request)));

    // The stranger replays the unlock it overheard, and sends one of its own without the
    // installation's seal: A refuses both, and the lock opens no more.
    let heard = tokio::time::timeout(
        Duration::from_secs(2),
        futures::StreamExt::next(&mut overheard),
    )
    .await
    .unwrap()
    .unwrap();
    let opened = || {
        sim.happened()
            .iter()
            .filter(|h| matches!(h, Happened::Opened(_)))
            .count()
    };
    assert_eq!(opened(), 1);
    let replayed = stranger
        .request(heard.subject.clone(), heard.payload.clone())
        .await
        .unwrap();
    assert_eq!(&replayed.payload[..], b"bad");
    let forged = serde_json::json!({
        "lock": lock.0, "request": uuid::Uuid::now_v7(), "user": uuid::Uuid::now_v7(),
        "reason": "alarm", "wait_ms": 1000,
    });
    let unsealed = stranger
        .request(
            heard.subject.clone(),
            serde_json::to_vec(&forged).unwrap().into(),
        )
        .await
        .unwrap();
    assert_eq!(&unsealed.payload[..], b"bad");
    assert_eq!(
        opened(),
        1,
        "the lock opened only for the node's own unlock"
    );

    // A revocation made on B reaches the lock connected to A.
    b.locks.revoke_everywhere(
        lock,
        &[vaka_lock_protocol::Revoked {
            nonce: vaka_lock_protocol::Nonce::from_hex("00112233445566778899aabbccddeeff").unwrap(),
            expires: 4_000_000_000,
        }],
    );
    crate::locks::until("the revocation reaching the lock on A", || {
        sim.happened().contains(&Happened::Revoked(1))
    })
    .await;
    task.abort();
    finish(a, b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_attempts_per_address_count_across_the_nodes() {
    let Some(nats) = nats_url() else { return };
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    // Both nodes allow three attempts a minute from one address.
    let cfg = vaka_server::config::Config {
        login_attempts_per_minute: 3,
        ..vaka_server::config::Config::default()
    };
    let node = |app: &TestApp| {
        vaka_server::serve::state(
            &cfg,
            app.store.clone(),
            std::sync::Arc::new(app.clock.clone()),
            Vec::new(),
        )
        .unwrap()
    };
    let (state_a, state_b) = (node(&a), node(&b));
    let (bus_a, bus_b, _) = buses(&nats, &a, &b).await;
    let _ta = bus_a.share_login_attempts(&state_a).await.unwrap();
    let _tb = bus_b.share_login_attempts(&state_b).await.unwrap();
    bus_a.flush().await;
    bus_b.flush().await;

    // Three attempts through A: allowed there, and told to B.
    let ip: std::net::IpAddr = "192.0.2.44".parse().unwrap();
    for _ in 0..3 {
        assert!(state_a.login_limiter.allow(ip));
    }
    crate::locks::until("B hearing A's three attempts", || {
        state_b.login_limiter.heard() == 3
    })
    .await;
    // The fourth, through B, is refused: the balancer sending it elsewhere gains nothing.
    assert!(!state_b.login_limiter.allow(ip));
    assert!(state_b.login_limiter.allow("192.0.2.45".parse().unwrap()));
    // And B's attempts count on A.
    crate::locks::until("A hearing B's two attempts", || {
        state_a.login_limiter.heard() == 2
    })
    .await;
    assert!(!state_a.login_limiter.allow(ip));
    assert_eq!(
        state_a.login_limiter.heard(),
        2,
        "A does not count its own twice"
    );
    finish(a, b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purge_on_one_node_waits_for_a_purge_running_on_another() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let w = World::build(&a).await;
    let manager = a
        .services
        .principal_for(w.p("m_manager").id, vaka_domain::access::Credential::Cli)
        .await
        .unwrap();
    let meta = vaka_service::RequestMeta::default();
    let ctx = vaka_service::Ctx::new(&manager, &meta);
    // B's run holds the purge's run lock (as its daily job would while it runs).
    let running = b.store.purge_run_lock().await.unwrap();
    assert!(running.is_some(), "the lock was free");
    assert!(
        b.store.purge_run_lock().await.unwrap().is_none(),
        "one run at a time, even within B"
    );
    match a.services.run_purge(&ctx).await {
        Err(vaka_service::ServiceError::Conflict(r)) => {
            assert_eq!(r, vaka_domain::reason::RetentionReason::PurgeRunning.into());
        }
        other => panic!("A's run went ahead while B's ran: {other:?}"),
    }
    // When B's run ends, A's may run.
    drop(running);
    let report = a.services.run_purge(&ctx).await.unwrap();
    assert_eq!(
        report
            .kinds
            .iter()
            .map(vaka_service::retention::purge::KindReport::total)
            .sum::<u64>(),
        0
    );
    finish(a, b).await;
}

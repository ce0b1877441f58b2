//! The operator's console and the night patrol, through the API: every look-in is checked on
//! the server (need-to-know, decision and consent, pause, window, camera), a not-visible comes
//! back as a re-check, a second one sends the night patrol, and closing the dispatch closes the
//! task. The picture is streamed from the camera's memory to the operator only.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use tower::ServiceExt;
use vaka_camera_sim::camera::{Behaviour, SimCamera};
use vaka_camera_sim::scene::Scene;
use vaka_domain::ids::{ClientId, DeviceId, TaskId};
use vaka_domain::supervision::TaskState;

use crate::db_tests;
use crate::support::{Auth, TestApp, commission, night_supervision, ok};
use crate::world::World;

/// Gives a client a decision, consent, a plan with `times` and an active camera; returns the
/// camera and its credential.
pub(crate) async fn supervised(
    app: &TestApp,
    w: &World,
    client: ClientId,
    serial: &str,
    times: &[(i8, i8)],
) -> (DeviceId, String) {
    let assessor = w.p("m_assessor").bearer();
    night_supervision(app, &assessor, client, "camera", "23:00", true).await;
    crate::rounds::plan(app, w, client, times).await;
    let admin = w.p("m_admin").bearer();
    let v = ok(
        app,
        &admin,
        Method::POST,
        "/api/v1/devices".into(),
        json!({"kind": "camera", "serial": serial, "model": "Doro Visit"}),
    )
    .await;
    let camera: DeviceId = v["device"]["id"].as_str().unwrap().parse().unwrap();
    let credential = commission(app, &admin, camera, client)
        .await
        .expect("a camera's credential");
    (camera, credential)
}

/// Connects a simulated camera and waits until the hub knows it.
pub(crate) async fn connect_sim(
    app: &TestApp,
    addr: std::net::SocketAddr,
    camera: DeviceId,
    credential: &str,
) -> tokio::task::JoinHandle<()> {
    let sim = SimCamera::new(
        &format!("ws://{addr}"),
        credential,
        Scene::InBed,
        Behaviour::Normal,
    );
    let task = tokio::spawn(async move {
        let () = sim.run().await;
    });
    let mut changes = app.cameras.subscribe();
    while !app.cameras.is_online(camera) {
        tokio::time::timeout(std::time::Duration::from_secs(5), changes.changed())
            .await
            .expect("the camera did not connect in time")
            .unwrap();
    }
    task
}

/// A logged-in browser session of a person (pages take sessions, not tokens).
pub(crate) async fn session(app: &TestApp, w: &World, who: &str) -> (Auth, String) {
    let auth = crate::support::logged_in(app, w.p(who).id).await;
    let Auth::Session { token, .. } = &auth else {
        unreachable!("logged_in gives a session")
    };
    let token = token.clone();
    (auth, token)
}

/// A client watched by a connected camera (`serial`, one look-in at 23:00), with tonight
/// (22 November 2026) planned: the camera and its simulator's task.
async fn camera_tonight(
    app: &TestApp,
    w: &World,
    client: ClientId,
    serial: &str,
) -> (DeviceId, tokio::task::JoinHandle<()>) {
    let addr = app.listen().await;
    let (camera, credential) = supervised(app, w, client, serial, &[(23, 0)]).await;
    let sim = connect_sim(app, addr, camera, &credential).await;
    let night = jiff::civil::date(2026, 11, 22);
    app.services.plan_night(night).await.unwrap();
    (camera, sim)
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn tick(app: &TestApp) {
    let cams = app.cameras.clone();
    app.services
        .advance_tasks(&move |d| cams.is_online(d))
        .await
        .unwrap();
}

async fn task_of(app: &TestApp, client: ClientId) -> (TaskId, TaskState) {
    let night = jiff::civil::date(2026, 11, 22);
    let t = app
        .services
        .night_tasks(night)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.client_id == client)
        .unwrap();
    (t.id, t.state)
}

async fn look_in(app: &TestApp, who: &Auth, task: TaskId) -> crate::support::Res {
    app.json(
        Method::POST,
        &format!("/api/v1/supervision/tasks/{task}/look-in"),
        who,
        json!({}),
    )
    .await
}

/// Records the operator's outcome of a look-in.
async fn outcome(app: &TestApp, who: &Auth, task: TaskId, body: Value) -> crate::support::Res {
    app.json(
        Method::POST,
        &format!("/api/v1/supervision/tasks/{task}/outcome"),
        who,
        body,
    )
    .await
}

fn refused(res: &crate::support::Res, status: StatusCode, reason: &str) {
    assert_eq!(res.status, status, "{}", res.body);
    assert!(res.body.contains(reason), "{} lacks {reason:?}", res.body);
}

async fn a_look_in_is_checked_not_visible_twice_sends_the_patrol_and_closing_closes(app: TestApp) {
    let w = World::build(&app).await;
    let a1 = w.client_a1;
    let (camera, sim) = camera_tonight(&app, &w, a1, "DV-C1").await;
    let (task, state) = task_of(&app, a1).await;
    assert_eq!(state, TaskState::Planned);
    let operator = w.p("c_operator").bearer();

    // Before the window (the test's clock is 10:00 in Stockholm).
    refused(
        &look_in(&app, &operator, task).await,
        StatusCode::CONFLICT,
        "the window has not opened",
    );
    // 23:00 in Stockholm: the window is open.
    app.clock.set(ts("2026-11-22T22:00:00Z"));
    tick(&app).await;
    assert_eq!(task_of(&app, a1).await.1, TaskState::Open { recheck: None });

    // The queue shows the client to the operator covering A1, not to others.
    let res = app.get("/api/v1/supervision/queue", &operator).await.json();
    let item = res
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["task_id"] == task.to_string())
        .expect("the task is in the queue");
    assert_eq!(item["client_name"], "Alma Ettan");
    assert_eq!(item["camera_online"], true);
    assert_eq!(item["can_look_in"], true);
    // Roles without the right, and need-to-know: the night patrol may not look in; a care
    // worker of B1 has no route to it at all.
    refused(
        &look_in(&app, &w.p("a_patrol").bearer(), task).await,
        StatusCode::FORBIDDEN,
        "",
    );
    refused(
        &look_in(&app, &w.p("b_staff").bearer(), task).await,
        StatusCode::FORBIDDEN,
        "",
    );

    // The look-in: logged, and the picture flows to this operator only.
    let res = look_in(&app, &operator, task).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let l = res.json();
    assert_eq!(l["limit_seconds"], 30);
    assert_eq!(l["recheck"], false);
    let stream = l["stream"].as_str().unwrap().to_owned();
    // Someone without the right gets no picture; a token gets no page at all.
    let (other_op, _) = session(&app, &w, "m_admin").await;
    assert_eq!(
        app.get(&stream, &other_op).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&stream, &operator).await.status,
        StatusCode::SEE_OTHER
    );
    let (op_session, op_cookie) = session(&app, &w, "c_operator").await;
    let res = app
        .router
        .clone()
        .oneshot(
            Request::get(&stream)
                .header(header::COOKIE, format!("vaka_session={op_cookie}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("multipart/x-mixed-replace")
    );
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    let mut body = res.into_body();
    let mut got = Vec::new();
    while got.windows(2).filter(|w| *w == [0xFF, 0xD9]).count() < 2 {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(10), body.frame())
            .await
            .expect("a frame in time")
            .expect("the stream goes on")
            .unwrap();
        if let Ok(data) = frame.into_data() {
            got.extend_from_slice(&data);
        }
    }
    assert!(got.starts_with(b"--vakaframe\r\nContent-Type: image/jpeg\r\n"));
    // The camera is busy with this look-in: a second picture is refused.
    let again = app.get(&stream, &op_session).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    // The operator leaves: the camera is released.
    drop(body);
    let mut changes = app.cameras.subscribe();
    while app.cameras.status(camera).is_some_and(|s| s.viewing) {
        tokio::time::timeout(std::time::Duration::from_secs(5), changes.changed())
            .await
            .unwrap()
            .unwrap();
    }

    // Not visible: a re-check 15 minutes later.
    let res = outcome(&app, &operator, task, json!({"outcome": "not_visible"})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["state"], "recheck_due");
    refused(
        &look_in(&app, &operator, task).await,
        StatusCode::CONFLICT,
        "the re-check is not due yet",
    );
    // A deviation needs a note; an unknown outcome is named.
    let res = outcome(&app, &operator, task, json!({"outcome": "maybe"})).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    app.clock.advance(SignedDuration::from_mins(15));
    tick(&app).await;
    assert!(matches!(
        task_of(&app, a1).await.1,
        TaskState::Open { recheck: Some(_) }
    ));
    let res = look_in(&app, &operator, task).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.json()["recheck"], true);
    let res = outcome(&app, &operator, task, json!({"outcome": "deviation"})).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let res = outcome(&app, &operator, task, json!({"outcome": "not_visible"})).await;
    assert_eq!(res.json()["state"], "escalated", "{}", res.body);

    // The night patrol of A1 sees the dispatch with its clock; others do not.
    let patrol = w.p("a_patrol").bearer();
    let list = app.get("/api/v1/dispatches", &patrol).await.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let d = &list[0];
    assert_eq!(d["cause"], "not_visible_twice");
    assert_eq!(d["status"], "new");
    assert_eq!(d["client_name"], "Alma Ettan");
    let created: Timestamp = d["created_at"].as_str().unwrap().parse().unwrap();
    let deadline: Timestamp = d["deadline"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        deadline.duration_since(created),
        SignedDuration::from_mins(45)
    );
    let id = d["id"].as_str().unwrap().to_owned();
    let step = async |step: &str, note: Option<&str>| {
        app.json(
            Method::POST,
            &format!("/api/v1/dispatches/{id}/steps"),
            &patrol,
            json!({"step": step, "note": note}),
        )
        .await
    };
    refused(
        &step("close", Some("x")).await,
        StatusCode::CONFLICT,
        "acknowledge the dispatch first",
    );
    assert_eq!(step("acknowledge", None).await.status, StatusCode::OK);
    app.clock.advance(SignedDuration::from_mins(2));
    assert_eq!(step("on_the_way", None).await.status, StatusCode::OK);
    app.clock.advance(SignedDuration::from_mins(20));
    let res = step("arrived", None).await;
    assert_eq!(res.json()["response_seconds"], 22 * 60, "{}", res.body);
    refused(
        &step("close", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "write what was done",
    );
    let res = step("close", Some("Asleep on the sofa; all well")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["status"], "closed");
    assert_eq!(task_of(&app, a1).await.1, TaskState::Closed);
    assert!(
        app.get("/api/v1/dispatches", &patrol)
            .await
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );

    // The look-in log: two look-ins by the operator, the first ended by the operator leaving,
    // the second by the outcome; both within the limit.
    let mut tx = app.store.begin_read().await.unwrap();
    let log = tx.list_task_look_ins(task).await.unwrap();
    assert_eq!(log.len(), 2);
    for l in &log {
        assert_eq!(l.operator, w.p("c_operator").id);
        let ended = l.ended_at.expect("the end is logged");
        assert!(ended.duration_since(l.started_at) <= SignedDuration::from_secs(30));
        assert_eq!(
            l.outcome,
            Some(vaka_domain::supervision::Outcome::NotVisible)
        );
    }
    assert!(log[1].recheck);
    drop(tx);
    // Every look-in and outcome is in the audit log, naming the client.
    let audit = app
        .get(
            &format!("/api/v1/audit?client_id={a1}&limit=200"),
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    let count = |a: &str| actions.iter().filter(|x| **x == a).count();
    assert!(count("supervision.look_in") >= 2, "{actions:?}");
    assert_eq!(count("supervision.outcome"), 2, "{actions:?}");
    assert_eq!(count("dispatch.step"), 4, "{actions:?}");

    // The system administrator extracts the client's log for the night: JSON, CSV and PDF,
    // each audited; the operator may not.
    let admin = w.p("m_admin").bearer();
    let path = format!("/api/v1/clients/{a1}/supervision-log?from=2026-11-22&to=2026-11-22");
    assert_eq!(
        app.get(&path, &operator).await.status,
        StatusCode::FORBIDDEN
    );
    let log = app.get(&path, &admin).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    let log = log.json();
    assert_eq!(log["client_name"], "Alma Ettan");
    let rows = log["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["state"], "closed");
    assert_eq!(rows[0]["look_ins"].as_array().unwrap().len(), 2);
    assert_eq!(rows[0]["look_ins"][0]["operator"], "Test c_operator");
    assert_eq!(rows[0]["look_ins"][1]["recheck"], true);
    assert_eq!(rows[0]["dispatch"]["cause"], "not_visible_twice");
    assert_eq!(rows[0]["dispatch"]["response_minutes"], 22);
    let csv = app.get(&format!("{path}&format=csv"), &admin).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "a header and one row per look-in: {}",
        csv.body
    );
    assert!(lines[0].starts_with("night,planned_time,due_local"));
    assert!(lines[1].contains("Test c_operator") && lines[1].contains("not_visible_twice"));
    assert!(lines[2].contains(",true,"), "{}", lines[2]);
    let pdf = app.get(&format!("{path}&format=pdf"), &admin).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));
    let (admin_page, _) = session(&app, &w, "m_admin").await;
    let page = app
        .get(
            &format!("/clients/{a1}/supervision-log?from=2026-11-22&to=2026-11-22"),
            &admin_page,
        )
        .await;
    page.assert_says(StatusCode::OK, "Tillsynslogg");
    page.assert_has("Syntes inte vid två tittar");
    let bad = app
        .get(
            &format!("/api/v1/clients/{a1}/supervision-log?from=2026-11-23&to=2026-11-22"),
            &admin,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let audit = app
        .get(
            &format!("/api/v1/audit?client_id={a1}&action=supervision.log_export&limit=10"),
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    let formats: Vec<String> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "supervision.log_export")
        .map(|e| e["details"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(formats.len(), 4, "json, the page, csv and pdf: {formats:?}");
    assert!(formats.iter().any(|d| d.contains("\"pdf\"")));

    // Whatever an operator is called, the name reaches a spreadsheet as text (CSV injection):
    // a cell led by a character a spreadsheet runs as a formula gets a leading quote.
    for lead in ['=', '+', '-', '@'] {
        let name = format!("{lead}HYPERLINK(\"http://evil.example/\",\"klick\")");
        let renamed = app
            .json(
                Method::PATCH,
                &format!("/api/v1/users/{}", w.p("c_operator").id),
                &admin,
                json!({ "display_name": name }),
            )
            .await;
        assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
        let csv = app.get(&format!("{path}&format=csv"), &admin).await;
        let mut rdr = csv::Reader::from_reader(csv.body.as_bytes());
        assert_eq!(&rdr.headers().unwrap()[7], "operator");
        let operators: Vec<String> = rdr.records().map(|r| r.unwrap()[7].to_owned()).collect();
        assert_eq!(operators, vec![format!("'{name}"); 2], "{}", csv.body);
    }
    sim.abort();
}

async fn look_ins_are_refused_after_consent_is_withdrawn_when_paused_and_with_the_camera_offline(
    app: TestApp,
) {
    let w = World::build(&app).await;
    let addr = app.listen().await;
    let (cam_a1, cred_a1) = supervised(&app, &w, w.client_a1, "DV-R-A1", &[(23, 0)]).await;
    let (_cam_b1, _) = supervised(&app, &w, w.client_b1, "DV-R-B1", &[(23, 0)]).await;
    let sim = connect_sim(&app, addr, cam_a1, &cred_a1).await;
    let night = jiff::civil::date(2026, 11, 22);
    app.services.plan_night(night).await.unwrap();
    app.clock.set(ts("2026-11-22T21:55:00Z"));
    let operator = w.p("c_operator").bearer();

    // B1's camera never connected: its look-in becomes a visit before the window opens.
    tick(&app).await;
    let (b1_task, state) = task_of(&app, w.client_b1).await;
    assert_eq!(state, TaskState::CameraUnreachable);
    refused(
        &look_in(&app, &operator, b1_task).await,
        StatusCode::CONFLICT,
        "",
    );

    // Consent withdrawn today: tonight's look-in is cancelled and refused by the API.
    let consent = app
        .get(
            &format!("/api/v1/clients/{}", w.client_a1),
            &w.p("m_assessor").bearer(),
        )
        .await
        .json()["consents"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.clock.set(ts("2026-11-22T22:00:00Z"));
    tick(&app).await;
    let (a1_task, state) = task_of(&app, w.client_a1).await;
    assert_eq!(state, TaskState::Open { recheck: None });
    let res = app
        .json(
            Method::POST,
            &format!(
                "/api/v1/clients/{}/consents/{consent}/withdraw",
                w.client_a1
            ),
            &w.p("m_assessor").bearer(),
            json!({"note": "The client does not want the camera any more"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(task_of(&app, w.client_a1).await.1, TaskState::Cancelled);
    refused(
        &look_in(&app, &operator, a1_task).await,
        StatusCode::CONFLICT,
        "no valid consent",
    );
    // Time passes: a cancelled look-in is never missed and sends no one.
    app.clock.set(ts("2026-11-23T04:00:00Z"));
    tick(&app).await;
    assert_eq!(task_of(&app, w.client_a1).await.1, TaskState::Cancelled);
    let open = app.services.open_dispatches().await.unwrap();
    assert!(open.iter().all(|d| d.client_id != w.client_a1), "{open:?}");
    // The refusals are in the audit log.
    let audit = app
        .get(
            &format!("/api/v1/audit?client_id={}&limit=200", w.client_a1),
            &w.p("m_manager").bearer(),
        )
        .await
        .body;
    assert!(audit.contains("no valid consent"), "{audit}");
    sim.abort();
}

async fn a_pause_recorded_tonight_stops_the_look_in(app: TestApp) {
    let w = World::build(&app).await;
    let (_, sim) = camera_tonight(&app, &w, w.client_a1, "DV-P-A1").await;
    app.clock.set(ts("2026-11-22T22:00:00Z"));
    tick(&app).await;
    let (task, _) = task_of(&app, w.client_a1).await;
    // The operator records a pause (the client phoned: guests tonight).
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/clients/{}/pauses", w.client_a1),
            &w.p("c_operator").bearer(),
            json!({"first_night": "2026-11-22", "last_night": "2026-11-22",
                   "reason": "guests", "requested": "client_by_phone"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(task_of(&app, w.client_a1).await.1, TaskState::Paused);
    refused(
        &look_in(&app, &w.p("c_operator").bearer(), task).await,
        StatusCode::CONFLICT,
        "paused",
    );
    app.clock.set(ts("2026-11-23T04:00:00Z"));
    tick(&app).await;
    assert!(app.services.open_dispatches().await.unwrap().is_empty());
    sim.abort();
}

async fn supervision_logs_past_their_retention_are_purged_and_the_purge_is_audited(app: TestApp) {
    use vaka_domain::rounds::TaskKind;
    use vaka_domain::supervision::{
        Dispatch, DispatchCause, Effect, LookInRecord, Outcome, SupervisionTask,
    };
    let w = World::build(&app).await;
    let (camera, _) = supervised(&app, &w, w.client_a1, "DV-PURGE", &[(23, 0)]).await;
    let now = app.services.now();
    // Two old nights (400 and 366 days ago), one inside the retention (300 days), and tonight.
    let mut ids = Vec::new();
    for days in [400, 366, 300, 0] {
        let night = jiff::civil::date(2026, 11, 22)
            .checked_sub(jiff::Span::new().days(days))
            .unwrap();
        let due = now - SignedDuration::from_hours(24 * days);
        let t = SupervisionTask {
            id: TaskId::new(),
            client_id: w.client_a1,
            night,
            kind: TaskKind::LookIn,
            planned_time: jiff::civil::time(23, 0, 0, 0),
            due,
            opens: due - SignedDuration::from_mins(15),
            closes: due + SignedDuration::from_mins(30),
            dst: None,
            state: TaskState::Closed,
            updated_at: vaka_store::values::to_db_precision(now),
        };
        let mut tx = app.store.begin().await.unwrap();
        tx.insert_tasks(std::slice::from_ref(&t)).await.unwrap();
        tx.insert_look_in(&LookInRecord {
            id: vaka_domain::ids::LookInId::new(),
            task_id: t.id,
            client_id: w.client_a1,
            device_id: camera,
            operator: w.p("c_operator").id,
            started_at: vaka_store::values::to_db_precision(due),
            ended_at: None,
            limit_seconds: 30,
            recheck: false,
            outcome: Some(Outcome::Deviation),
            note: Some("Ligger på golvet".into()),
        })
        .await
        .unwrap();
        let d = Dispatch::from_effects(
            &t,
            &[Effect::Dispatch {
                phone_first: false,
                why: DispatchCause::Deviation,
            }],
            45,
            vaka_store::values::to_db_precision(due),
        )
        .unwrap();
        tx.insert_dispatch(&d).await.unwrap();
        tx.commit(&[]).await.unwrap();
        ids.push(t.id);
    }
    let p = app.services.purge().await.unwrap();
    let sup = p
        .kind(vaka_domain::retention::RecordKind::Supervision)
        .unwrap();
    assert_eq!(sup.days, 365);
    assert_eq!(
        (
            p.removed_from("supervision_tasks"),
            p.removed_from("look_ins"),
            p.removed_from("dispatches")
        ),
        (2, 2, 2),
        "{p:?}"
    );
    let mut tx = app.store.begin_read().await.unwrap();
    for (i, id) in ids.iter().enumerate() {
        let kept = tx.get_task(*id).await.unwrap().is_some();
        assert_eq!(kept, i >= 2, "task {i}");
        assert_eq!(
            tx.list_task_look_ins(*id).await.unwrap().len(),
            usize::from(i >= 2)
        );
    }
    drop(tx);
    // Again: nothing more to remove, and the job says so.
    let again = app.services.purge().await.unwrap();
    assert_eq!(again.removed_from("supervision_tasks"), 0);
    let audit = app
        .get(
            "/api/v1/audit?action=retention.purge&limit=10",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    let entries = audit.as_array().unwrap();
    // Each run: its start and its report.
    assert_eq!(entries.len(), 4, "{audit}");
    assert!(
        entries.iter().any(|e| e["details"]
            .as_str()
            .unwrap()
            .contains("\"supervision_tasks\":2")),
        "{audit}"
    );
}

async fn planned_visits_are_the_night_patrols_and_an_unmade_one_is_missed(app: TestApp) {
    let w = World::build(&app).await;
    let a1 = w.client_a1;
    let assessor = w.p("m_assessor").bearer();
    night_supervision(&app, &assessor, a1, "physical_visit", "23:00, 02:00", true).await;
    ok(
        &app,
        &w.p("a_unitmgr").bearer(),
        Method::PUT,
        format!("/api/v1/clients/{a1}/plan"),
        json!({"mode": "physical_visit", "times": "23:00, 02:00"}),
    )
    .await;
    let night = jiff::civil::date(2026, 11, 22);
    app.services.plan_night(night).await.unwrap();
    let tasks = app.services.night_tasks(night).await.unwrap();
    assert_eq!(tasks.len(), 2);
    assert!(
        tasks
            .iter()
            .all(|t| t.kind == vaka_domain::rounds::TaskKind::Visit)
    );
    let patrol = w.p("a_patrol").bearer();

    // 23:00 in Stockholm: the visit's window is open; it is the patrol's, not the operator's.
    app.clock.set(ts("2026-11-22T22:00:00Z"));
    tick(&app).await;
    let visits = app.get("/api/v1/visits", &patrol).await.json();
    let visits = visits.as_array().unwrap();
    // Both are within three hours: the 23:00 one open, the 02:00 one upcoming.
    assert_eq!(visits.len(), 2, "{visits:?}");
    assert_eq!(
        (&visits[0]["state"], &visits[1]["state"]),
        (&json!("open"), &json!("planned"))
    );
    assert_eq!(visits[0]["client_name"], "Alma Ettan");
    assert_eq!(visits[0]["address"], "Testgatan 1, 123 45 Testby");
    let q = app
        .get("/api/v1/supervision/queue", &w.p("c_operator").bearer())
        .await
        .json();
    assert!(q.as_array().unwrap().is_empty(), "{q}");
    let first = visits[0]["task_id"].as_str().unwrap().to_owned();
    let record = async |who: &Auth, body: Value| {
        app.json(
            Method::POST,
            &format!("/api/v1/visits/{first}/outcome"),
            who,
            body,
        )
        .await
    };
    assert_eq!(
        record(&w.p("c_operator").bearer(), json!({"outcome": "seen_ok"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    refused(
        &record(&patrol, json!({"outcome": "not_visible"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a visit is seen_ok or deviation",
    );
    refused(
        &record(&patrol, json!({"outcome": "deviation"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "describe the deviation",
    );
    // The same from the patrol's page: the page again, the card's form keeping what it sent
    // (marked, so that the live list leaves it) and the error beside its note, which names it.
    let (patrol_page, _) = session(&app, &w, "a_patrol").await;
    let form = format!("visit-{first}");
    let res = app
        .form(
            &format!("/patrol/visits/{first}"),
            &patrol_page,
            &[("_form", &form), ("outcome", "deviation"), ("note", "  ")],
        )
        .await;
    res.assert_says(StatusCode::UNPROCESSABLE_ENTITY, "beskriv avvikelsen");
    res.assert_has(&format!(r##"<a href="#{form}-note">"##));
    res.assert_has(&format!(
        r#"<p class="field-error" id="{form}-note-error">"#
    ));
    res.assert_has(&format!(
        r#"aria-invalid="true" aria-describedby="{form}-note-error">  </textarea>"#
    ));
    assert_eq!(res.body.matches("data-kept").count(), 1, "{}", res.body);
    // Something is wrong: the patrol is already there, so the dispatch that follows it up is
    // acknowledged and arrived at once, and stays open until closed.
    let res = record(
        &patrol,
        json!({"outcome": "deviation", "note": "Feber, ringer sjuksköterskan"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["state"], "escalated");
    let d = app.get("/api/v1/dispatches", &patrol).await.json();
    assert_eq!(d[0]["status"], "arrived", "{d}");
    assert_eq!(d[0]["cause"], "deviation");
    assert_eq!(d[0]["note"], "Feber, ringer sjuksköterskan");
    let res = record(&patrol, json!({"outcome": "seen_ok"})).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);

    // The 02:00 visit is never made: missed when its window closes, the supervisor told.
    app.clock.set(ts("2026-11-23T01:31:00Z"));
    tick(&app).await;
    let tasks = app.services.night_tasks(night).await.unwrap();
    assert!(matches!(tasks[0].state, TaskState::Escalated { .. }));
    assert_eq!(tasks[1].state, TaskState::Missed);
    let open = app.services.open_dispatches().await.unwrap();
    assert_eq!(open.len(), 2);
    assert!(open[1].alert_supervisor);
    assert_eq!(
        open[1].cause,
        vaka_domain::supervision::DispatchCause::Missed
    );
    // The unit's supervisor sees it on the overview; a care worker of the unit does not.
    let (manager, _) = session(&app, &w, "a_unitmgr").await;
    let home = app.get("/", &manager).await;
    home.assert_says(StatusCode::OK, "Missade tillsyner senaste dygnet");
    home.assert_has("Alma Ettan");
    let (staff, _) = session(&app, &w, "a_staff").await;
    assert!(
        !app.get("/", &staff)
            .await
            .body
            .contains("Missade tillsyner")
    );
}

/// The client's audit entries of `action`, as the unit manager reads them.
async fn audited(app: &TestApp, w: &World, client: ClientId, action: &str) -> usize {
    let audit = app
        .get(
            &format!("/api/v1/audit?client_id={client}&limit=500"),
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == action)
        .count()
}

/// The outcome form of the console's look-in page, sent by `op`.
async fn outcome_form(
    app: &TestApp,
    op: &Auth,
    task: TaskId,
    look_in: &str,
    note: &str,
    outcome: &str,
) -> crate::support::Res {
    app.form(
        &format!("/supervision/tasks/{task}/outcome"),
        op,
        &[
            ("_form", "outcome"),
            ("look_in", look_in),
            ("note", note),
            ("outcome", outcome),
        ],
    )
    .await
}

/// The look-in log of a task.
async fn look_ins(app: &TestApp, task: TaskId) -> Vec<vaka_domain::supervision::LookInRecord> {
    let mut tx = app.store.begin_read().await.unwrap();
    tx.list_task_look_ins(task).await.unwrap()
}

/// A deviation sent from the look-in's page without a note is refused beside the note, on the
/// same look-in's page: the picture's time still counted from its logged start, what was typed
/// kept, and nothing written — no look-in started, ended or given an outcome, nothing audited
/// as one. With a note the same look-in takes the outcome and the queue says so.
async fn a_deviation_without_a_note_keeps_the_look_in(app: TestApp) {
    let w = World::build(&app).await;
    let a1 = w.client_a1;
    let (_, sim) = camera_tonight(&app, &w, a1, "DV-C7").await;
    app.clock.set(ts("2026-11-22T22:00:00Z"));
    tick(&app).await;
    let (task, _) = task_of(&app, a1).await;
    let (op, _) = session(&app, &w, "c_operator").await;

    // The look-in, started from the console's queue.
    let res = app
        .form(&format!("/supervision/tasks/{task}/look-in"), &op, &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = res.headers[header::LOCATION].to_str().unwrap().to_owned();
    let look_in_id = page.rsplit('/').next().unwrap().to_owned();
    let shown = app.get(&page, &op).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    let ends_at = |body: &str| -> String {
        let at = body.find("data-ends-at=\"").expect("the picture is shown") + 14;
        body[at..].split('"').next().unwrap().to_owned()
    };
    let ends = ends_at(&shown.body);
    let started = audited(&app, &w, a1, "supervision.look_in").await;
    assert!(started >= 1);

    // Ten seconds on, a deviation without a note (what was typed is only spaces).
    app.clock.advance(SignedDuration::from_secs(10));
    let res = outcome_form(&app, &op, task, &look_in_id, "   ", "deviation").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    // The same look-in's page, its picture still on until the same end, the error beside the
    // note (described by it) and linked from the summary.
    assert!(
        res.body.contains(&format!(
            "src=\"/supervision/look-ins/{look_in_id}/stream\""
        )),
        "{}",
        res.body
    );
    assert_eq!(ends_at(&res.body), ends);
    assert!(
        res.body.contains(r#"id="outcome-note-error""#),
        "{}",
        res.body
    );
    assert!(
        res.body
            .contains(r#"aria-invalid="true" aria-describedby="outcome-note-error""#),
        "{}",
        res.body
    );
    assert!(
        res.body.contains(r##"href="#outcome-note""##),
        "{}",
        res.body
    );
    assert!(res.body.contains("beskriv avvikelsen"), "{}", res.body);
    // Nothing was written: one look-in, still running, without an outcome; the task as it was.
    let log = look_ins(&app, task).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].id.to_string(), look_in_id);
    assert_eq!(log[0].ended_at, None);
    assert_eq!(log[0].outcome, None);
    assert_eq!(
        task_of(&app, a1).await.1,
        TaskState::LookedIn { recheck: None }
    );
    assert_eq!(audited(&app, &w, a1, "supervision.look_in").await, started);
    assert_eq!(audited(&app, &w, a1, "supervision.outcome").await, 0);

    // A note typed before the error is shown again.
    let res = outcome_form(&app, &op, task, &look_in_id, "Ligger på golvet", "maybe").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.body.contains(">Ligger på golvet</textarea>"),
        "{}",
        res.body
    );

    // With a note, the outcome goes to the same look-in and the queue says it is saved.
    let res = outcome_form(
        &app,
        &op,
        task,
        &look_in_id,
        "Ligger på golvet bredvid sängen",
        "deviation",
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.headers[header::LOCATION],
        "/supervision?ok=supervision-outcome_saved"
    );
    let log = look_ins(&app, task).await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0].outcome,
        Some(vaka_domain::supervision::Outcome::Deviation)
    );
    assert_eq!(
        log[0].note.as_deref(),
        Some("Ligger på golvet bredvid sängen")
    );
    assert_eq!(audited(&app, &w, a1, "supervision.look_in").await, started);
    assert_eq!(audited(&app, &w, a1, "supervision.outcome").await, 1);
    sim.abort();
}

db_tests!(
    planned_visits_are_the_night_patrols_and_an_unmade_one_is_missed,
    supervision_logs_past_their_retention_are_purged_and_the_purge_is_audited,
    a_look_in_is_checked_not_visible_twice_sends_the_patrol_and_closing_closes,
    look_ins_are_refused_after_consent_is_withdrawn_when_paused_and_with_the_camera_offline,
    a_pause_recorded_tonight_stops_the_look_in,
    a_deviation_without_a_note_keeps_the_look_in,
);

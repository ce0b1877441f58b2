//! Home-care visits through the API, on both databases: the staff app's day and its outbox
//! sync (idempotent, late and clock-skewed records flagged, bad records refused one by one),
//! corrections, the week's approval, the lock date, and the day's visits on the DST change
//! days.

use axum::http::{Method, StatusCode};
use jiff::Timestamp;
use serde_json::{Value, json};
use uuid::Uuid;
use vaka_domain::ids::ClientId;

use crate::db_tests;
use crate::support::{TestApp, ok, read};
use crate::world::World;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// A home-care decision for `client` (meals and a shower, from 2026-01-01) and a daily plan
/// 08:00–08:45 by its unit's manager; returns the plan's id.
async fn home_care(app: &TestApp, w: &World, client: ClientId, manager: &str) -> String {
    home_care_decision(app, w, client, manager).await.0
}

/// As [`home_care`]; returns the plan's and the decision's ids.
async fn home_care_decision(
    app: &TestApp,
    w: &World,
    client: ClientId,
    manager: &str,
) -> (String, String) {
    let from = "2026-01-01";
    let d = ok(
        app,
        &w.p("m_assessor").bearer(),
        Method::POST,
        format!("/api/v1/clients/{client}/decisions"),
        json!({"law": "sol", "service": "home_care", "valid_from": from,
               "tasks": [{"task": "meals", "minutes": 210, "per": "week"},
                         {"task": "shower", "minutes": 60, "per": "week"}]}),
    )
    .await;
    assert_eq!(d["tasks"][0]["task"], "meals", "{d}");
    let p = ok(
        app,
        &w.p(manager).bearer(),
        Method::POST,
        format!("/api/v1/clients/{client}/visit-plans"),
        json!({"decision_id": d["id"], "weekdays": ["mon","tue","wed","thu","fri","sat","sun"],
               "from": "08:00", "to": "08:45", "tasks": ["meals"], "expected_minutes": 30,
               "valid_from": from}),
    )
    .await;
    (
        p["id"].as_str().unwrap().to_owned(),
        d["id"].as_str().unwrap().to_owned(),
    )
}

fn start(client: ClientId, visit: &str, plan: &str, at: &str) -> Value {
    json!({"id": Uuid::now_v7().to_string(), "seq": 1, "kind": "visit_start", "visit_id": visit,
           "device_time": at, "client_id": client.to_string(), "plan_id": plan,
           "date": "2026-11-22", "manual_reason": "no_nfc_phone"})
}

fn end(client: ClientId, visit: &str, at: &str) -> Value {
    json!({"id": Uuid::now_v7().to_string(), "seq": 2, "kind": "visit_end", "visit_id": visit,
           "device_time": at, "client_id": client.to_string(), "manual_reason": "no_nfc_phone",
           "tasks": ["meals"]})
}

async fn sync(
    app: &TestApp,
    w: &World,
    who: &str,
    sent_at: Option<&str>,
    records: Vec<Value>,
) -> Vec<Value> {
    let r = ok(
        app,
        &w.p(who).bearer(),
        Method::POST,
        "/api/v1/app/sync".into(),
        json!({"device": "test-phone", "sent_at": sent_at, "records": records}),
    )
    .await;
    r["results"].as_array().unwrap().clone()
}

fn statuses(results: &[Value]) -> Vec<&str> {
    results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect()
}

async fn sync_is_idempotent(app: TestApp) {
    let w = World::build(&app).await;
    let plan = home_care(&app, &w, w.client_a1, "a_unitmgr").await;
    app.clock.set(ts("2026-11-22T07:40:00Z"));
    let today = read(&app, &w.p("a_staff").bearer(), "/api/v1/app/today".into()).await;
    let visits = today["visits"].as_array().unwrap();
    assert_eq!(visits.len(), 1, "{today}");
    assert_eq!(visits[0]["plan_id"], plan.as_str());
    assert_eq!(visits[0]["window"]["from"], "2026-11-22T07:00:00Z");
    assert_eq!(visits[0]["tasks"][0]["label_sv"], "Måltider");
    assert_eq!(visits[0]["client"]["address"], "Testgatan 1, 123 45 Testby");
    assert!(visits[0]["visit"].is_null());

    let visit = Uuid::now_v7().to_string();
    let outbox = vec![
        start(w.client_a1, &visit, &plan, "2026-11-22T07:30:00Z"),
        end(w.client_a1, &visit, "2026-11-22T07:38:00Z"),
    ];
    let first = sync(
        &app,
        &w,
        "a_staff",
        Some("2026-11-22T07:40:00Z"),
        outbox.clone(),
    )
    .await;
    assert_eq!(statuses(&first), ["stored", "stored"], "{first:?}");
    // The same outbox again (the answer was lost): nothing is written twice.
    app.clock.set(ts("2026-11-22T07:41:00Z"));
    let again = sync(
        &app,
        &w,
        "a_staff",
        Some("2026-11-22T07:41:00Z"),
        outbox.clone(),
    )
    .await;
    assert_eq!(statuses(&again), ["duplicate", "duplicate"], "{again:?}");
    // And the same record twice in one batch.
    let twice = sync(
        &app,
        &w,
        "a_staff",
        None,
        vec![outbox[0].clone(), outbox[0].clone()],
    )
    .await;
    assert_eq!(statuses(&twice), ["duplicate", "duplicate"]);

    let today = read(&app, &w.p("a_staff").bearer(), "/api/v1/app/today".into()).await;
    let v = &today["visits"][0]["visit"];
    assert_eq!(v["id"], visit.as_str());
    assert_eq!(v["started_at"], "2026-11-22T07:30:00Z");
    assert_eq!(v["ended_at"], "2026-11-22T07:38:00Z");
    assert_eq!(v["tasks_done"], json!(["meals"]));
    assert_eq!(v["evidence"]["start"], "manual");
    assert_eq!(v["manual"], true);
    assert_eq!(v["late_sync"], false);

    let unit = read(
        &app,
        &w.p("a_unitmgr").bearer(),
        format!("/api/v1/homecare/units/{}/visits?from=2026-11-22", w.a1),
    )
    .await;
    assert_eq!(unit["visits"].as_array().unwrap().len(), 1, "{unit}");
    assert_eq!(unit["visits"][0]["visit"]["minutes"], 8);
    let recorded = w
        .audit_about(&app, "homecare.visit_record", w.client_a1)
        .await;
    assert_eq!(
        recorded.len(),
        2,
        "one entry per stored record, none for duplicates"
    );
}

async fn late_sync_and_clock_skew(app: TestApp) {
    let w = World::build(&app).await;
    let plan = home_care(&app, &w, w.client_a1, "a_unitmgr").await;
    // Offline for the visit: synced at 09:00 what happened at 07:05–07:35.
    app.clock.set(ts("2026-11-22T09:00:00Z"));
    let visit = Uuid::now_v7().to_string();
    let r = sync(
        &app,
        &w,
        "a_staff",
        Some("2026-11-22T09:00:00Z"),
        vec![
            start(w.client_a1, &visit, &plan, "2026-11-22T07:05:00Z"),
            end(w.client_a1, &visit, "2026-11-22T07:35:00Z"),
        ],
    )
    .await;
    assert_eq!(statuses(&r), ["stored", "stored"]);
    assert_eq!(r[0]["late"], true);
    assert!(r[0].get("clock_skew").is_none());
    let d = read(
        &app,
        &w.p("a_unitmgr").bearer(),
        format!("/api/v1/homecare/visits/{visit}"),
    )
    .await;
    assert_eq!(d["visit"]["late_sync"], true);
    assert_eq!(d["visit"]["clock_skew"], false);
    assert_eq!(
        d["visit"]["started_at"], "2026-11-22T07:05:00Z",
        "the phone's time kept"
    );
    assert_eq!(d["visit"]["start_received_at"], "2026-11-22T09:00:00Z");

    // A phone three hours behind, synced at once: the server's time is used, and flagged.
    let skewed = Uuid::now_v7().to_string();
    let mut rec = start(w.client_a1, &skewed, &plan, "2026-11-22T06:00:00Z");
    rec["visit_kind"] = json!("extra");
    rec["plan_id"] = Value::Null;
    let r = sync(&app, &w, "a_staff", Some("2026-11-22T06:00:00Z"), vec![rec]).await;
    assert_eq!(statuses(&r), ["stored"], "{r:?}");
    assert_eq!(r[0]["clock_skew"], true);
    assert!(r[0].get("late").is_none(), "synced at once is not late");
    let d = read(
        &app,
        &w.p("a_staff").bearer(),
        format!("/api/v1/homecare/visits/{skewed}"),
    )
    .await;
    assert_eq!(d["visit"]["started_at"], "2026-11-22T09:00:00Z");
    assert_eq!(d["visit"]["start_device_time"], "2026-11-22T06:00:00Z");
    assert_eq!(d["visit"]["clock_skew"], true);
}

async fn bad_records_refused_alone(app: TestApp) {
    let w = World::build(&app).await;
    let plan = home_care(&app, &w, w.client_a1, "a_unitmgr").await;
    app.clock.set(ts("2026-11-22T07:40:00Z"));
    let visit = Uuid::now_v7().to_string();
    let r = sync(
        &app,
        &w,
        "a_staff",
        Some("2026-11-22T07:40:00Z"),
        vec![
            start(w.client_a1, &visit, &plan, "2026-11-22T07:05:00Z"),
            // An end before the start.
            end(w.client_a1, &visit, "2026-11-22T07:00:00Z"),
            // Another unit's client (A2), and another provider's (B1).
            start(
                w.client_a2,
                &Uuid::now_v7().to_string(),
                &plan,
                "2026-11-22T07:05:00Z",
            ),
            start(
                w.client_b1,
                &Uuid::now_v7().to_string(),
                &plan,
                "2026-11-22T07:05:00Z",
            ),
            // Neither tag nor manual reason.
            {
                let mut s = start(
                    w.client_a1,
                    &Uuid::now_v7().to_string(),
                    &plan,
                    "2026-11-22T07:06:00Z",
                );
                s["manual_reason"] = Value::Null;
                s
            },
            // Not a record at all.
            json!({"id": "x", "kind": "visit_start"}),
        ],
    )
    .await;
    assert_eq!(
        statuses(&r),
        [
            "stored", "refused", "refused", "refused", "refused", "refused"
        ],
        "{r:?}"
    );
    assert_eq!(r[1]["reason"]["code"], "homecare-end-before-start");
    assert_eq!(
        r[1]["reason"]["detail"],
        "a visit cannot end before it starts"
    );
    assert_eq!(r[2]["reason"]["code"], "homecare-client-of-another-unit");
    assert_eq!(r[3]["reason"]["code"], "homecare-client-of-another-unit");
    assert_eq!(r[4]["reason"]["code"], "homecare-evidence-required");
    assert_eq!(r[5]["id"], "x");
    // The other provider's worker is refused the client too.
    let r = sync(
        &app,
        &w,
        "b_staff",
        None,
        vec![start(
            w.client_a1,
            &Uuid::now_v7().to_string(),
            &plan,
            "2026-11-22T07:05:00Z",
        )],
    )
    .await;
    assert_eq!(r[0]["reason"]["code"], "homecare-client-of-another-unit");
    // Refusals are audited, about the client.
    let denied = w
        .audit_about(&app, "homecare.visit_record", w.client_a2)
        .await;
    assert!(
        denied.iter().any(|e| e["outcome"] == "denied"),
        "{denied:?}"
    );
    // Nothing of the refused records was written: the visit has only its start.
    let d = read(
        &app,
        &w.p("a_unitmgr").bearer(),
        format!("/api/v1/homecare/visits/{visit}"),
    )
    .await;
    assert!(d["visit"]["ended_at"].is_null());
    let unit = read(
        &app,
        &w.p("a_unitmgr").bearer(),
        format!("/api/v1/homecare/units/{}/visits?from=2026-11-22", w.a1),
    )
    .await;
    assert_eq!(unit["visits"].as_array().unwrap().len(), 1);
}

async fn no_plan_and_ended_client_refused(app: TestApp) {
    let w = World::build(&app).await;
    app.clock.set(ts("2026-11-22T07:40:00Z"));
    // No decision at all: an extra visit is refused (no home care), a planned one too.
    let mut extra = start(
        w.client_a1,
        &Uuid::now_v7().to_string(),
        "",
        "2026-11-22T07:05:00Z",
    );
    extra["plan_id"] = Value::Null;
    extra["visit_kind"] = json!("extra");
    let r = sync(&app, &w, "a_staff", None, vec![extra.clone()]).await;
    assert_eq!(r[0]["reason"]["code"], "homecare-client-ended", "{r:?}");
    // A decision but no plan: a planned visit is refused; an extra one stored.
    let d = ok(
        &app,
        &w.p("m_assessor").bearer(),
        Method::POST,
        format!("/api/v1/clients/{}/decisions", w.client_a1),
        json!({"law": "sol", "service": "home_care", "valid_from": "2026-01-01",
               "tasks": [{"task": "meals", "minutes": 100, "per": "month"}]}),
    )
    .await;
    let mut planned = extra.clone();
    planned["visit_kind"] = json!("planned");
    planned["id"] = json!(Uuid::now_v7().to_string());
    planned["visit_id"] = json!(Uuid::now_v7().to_string());
    let r = sync(&app, &w, "a_staff", None, vec![planned]).await;
    assert_eq!(r[0]["reason"]["code"], "homecare-no-plan-today", "{r:?}");
    let r = sync(&app, &w, "a_staff", None, vec![extra.clone()]).await;
    assert_eq!(statuses(&r), ["stored"], "{r:?}");
    // The decision ended yesterday: the client has ended.
    ok(
        &app,
        &w.p("m_assessor").bearer(),
        Method::POST,
        format!("/api/v1/decisions/{}/end", d["id"].as_str().unwrap()),
        json!({"ended_on": "2026-11-21"}),
    )
    .await;
    let mut later = extra.clone();
    later["id"] = json!(Uuid::now_v7().to_string());
    later["visit_id"] = json!(Uuid::now_v7().to_string());
    let r = sync(&app, &w, "a_staff", None, vec![later]).await;
    assert_eq!(r[0]["reason"]["code"], "homecare-client-ended", "{r:?}");
    // A decision for another service takes no tasks; a home-care one needs them.
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/clients/{}/decisions", w.client_a2),
            &w.p("m_assessor").bearer(),
            json!({"law": "sol", "service": "home_care", "valid_from": "2026-01-01"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
}

async fn corrections_approval_and_lock_date(app: TestApp) {
    let w = World::build(&app).await;
    let plan = home_care(&app, &w, w.client_a1, "a_unitmgr").await;
    app.clock.set(ts("2026-11-22T07:40:00Z"));
    let visit = Uuid::now_v7().to_string();
    sync(
        &app,
        &w,
        "a_staff",
        None,
        vec![
            start(w.client_a1, &visit, &plan, "2026-11-22T07:05:00Z"),
            end(w.client_a1, &visit, "2026-11-22T07:35:00Z"),
        ],
    )
    .await;
    let mgr = w.p("a_unitmgr").bearer();
    let path = format!("/api/v1/homecare/visits/{visit}/corrections");
    // Without a reason, without a text: refused, nothing changed.
    let res = app
        .json(
            Method::POST,
            &path,
            &mgr,
            json!({"started_at": "2026-11-22T07:00:00Z", "text": "kom tidigare"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let res = app
        .json(
            Method::POST,
            &path,
            &mgr,
            json!({"started_at": "2026-11-22T07:00:00Z", "reason": "wrong_time", "text": "  "}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    // An end before the start is refused too.
    let res = app
        .json(
            Method::POST,
            &path,
            &mgr,
            json!({"ended_at": "2026-11-22T06:00:00Z", "reason": "wrong_time", "text": "fel"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let d = read(&app, &mgr, format!("/api/v1/homecare/visits/{visit}")).await;
    assert_eq!(d["corrections"].as_array().unwrap().len(), 0);
    assert_eq!(d["visit"]["corrected"], false);
    // With both: stored, the original kept.
    ok(
        &app,
        &mgr,
        Method::POST,
        path.clone(),
        json!({"started_at": "2026-11-22T07:00:00Z", "reason": "wrong_time", "text": "kom tidigare"}),
    )
    .await;
    let d = read(&app, &mgr, format!("/api/v1/homecare/visits/{visit}")).await;
    assert_eq!(d["visit"]["started_at"], "2026-11-22T07:00:00Z");
    assert_eq!(d["visit"]["start_device_time"], "2026-11-22T07:05:00Z");
    assert_eq!(d["visit"]["corrected"], true);
    assert_eq!(d["corrections"][0]["old_value"], "2026-11-22T07:05:00Z");
    assert_eq!(d["corrections"][0]["reason"], "wrong_time");
    assert_eq!(d["corrections"][0]["text"], "kom tidigare");
    assert_eq!(
        w.audit_about(&app, "homecare.correct", w.client_a1)
            .await
            .len(),
        1
    );
    // Another provider's manager may not read or correct it.
    let b = app
        .get(
            &format!("/api/v1/homecare/visits/{visit}"),
            &w.p("b_staff").bearer(),
        )
        .await;
    assert_eq!(b.status, StatusCode::FORBIDDEN, "{}", b.body);

    // The week (Monday 2026-11-16): the manager's approval waits for the worker's confirmation.
    let approve = format!("/api/v1/homecare/units/{}/weeks/2026-11-16/approve", w.a1);
    let res = app.json(Method::POST, &approve, &mgr, Value::Null).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(res.body.contains("confirmed"), "{}", res.body);
    let unit_week = read(
        &app,
        &mgr,
        format!(
            "/api/v1/homecare/units/{}/visits?from=2026-11-16&to=2026-11-22",
            w.a1
        ),
    )
    .await;
    assert_eq!(
        unit_week["workers"].as_array().unwrap().len(),
        1,
        "{unit_week}"
    );
    assert_eq!(unit_week["workers"][0]["confirmed_at"], Value::Null);
    assert!(unit_week["approved_at"].is_null());
    // The worker's week: their visit, corrected, not yet confirmed.
    let staff = w.p("a_staff").bearer();
    let mine = read(&app, &staff, "/api/v1/app/weeks/2026-11-16".into()).await;
    assert_eq!(mine["visits"].as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine["visits"][0]["visit"]["id"], visit.as_str());
    assert_eq!(mine["visits"][0]["visit"]["corrected"], true);
    assert_eq!(mine["confirmed_at"], Value::Null);
    assert_eq!(mine["approved"], false);
    let res = app.get("/api/v1/app/weeks/2026-11-17", &staff).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    // Another worker's week holds none of it.
    let theirs = read(
        &app,
        &w.p("b_staff").bearer(),
        "/api/v1/app/weeks/2026-11-16".into(),
    )
    .await;
    assert_eq!(theirs["visits"].as_array().unwrap().len(), 0, "{theirs}");
    ok(
        &app,
        &staff,
        Method::POST,
        "/api/v1/app/weeks/2026-11-16/confirm".into(),
        Value::Null,
    )
    .await;
    let mine = read(&app, &staff, "/api/v1/app/weeks/2026-11-16".into()).await;
    assert!(mine["confirmed_at"].is_string(), "{mine}");
    // Now approved, once.
    ok(&app, &mgr, Method::POST, approve.clone(), Value::Null).await;
    let mine = read(&app, &staff, "/api/v1/app/weeks/2026-11-16".into()).await;
    assert_eq!(mine["approved"], true, "{mine}");
    let res = app.json(Method::POST, &approve, &mgr, Value::Null).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/homecare/units/{}/weeks/2026-11-17/approve", w.a1),
            &mgr,
            Value::Null,
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not a Monday: {}",
        res.body
    );

    // The municipality locks the period through today: no change, no new record.
    let lock = format!("/api/v1/homecare/lock-dates/{}", w.a);
    let res = app
        .json(
            Method::PUT,
            &lock,
            &mgr,
            json!({"locked_through": "2026-11-22"}),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "a unit manager does not lock: {}",
        res.body
    );
    ok(
        &app,
        &w.p("m_manager").bearer(),
        Method::PUT,
        lock.clone(),
        json!({"locked_through": "2026-11-22"}),
    )
    .await;
    let res = app
        .json(
            Method::POST,
            &path,
            &mgr,
            json!({"note": "efteråt", "reason": "other", "text": "tillägg"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(res.body.contains("2026-11-22"), "{}", res.body);
    let other = Uuid::now_v7().to_string();
    let r = sync(
        &app,
        &w,
        "a_staff",
        None,
        vec![start(w.client_a1, &other, &plan, "2026-11-22T07:39:00Z")],
    )
    .await;
    assert_eq!(r[0]["reason"]["code"], "homecare-period-locked", "{r:?}");
    // Reopened: the record goes in.
    ok(
        &app,
        &w.p("m_manager").bearer(),
        Method::PUT,
        lock.clone(),
        json!({"locked_through": "2026-11-21"}),
    )
    .await;
    let mut rec = start(w.client_a1, &other, &plan, "2026-11-22T07:39:00Z");
    rec["plan_id"] = Value::Null;
    rec["visit_kind"] = json!("extra");
    let r = sync(&app, &w, "a_staff", None, vec![rec]).await;
    assert_eq!(statuses(&r), ["stored"], "{r:?}");
    let dates = read(
        &app,
        &w.p("m_manager").bearer(),
        "/api/v1/homecare/lock-dates".into(),
    )
    .await;
    assert!(
        dates
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["locked_through"] == "2026-11-21"),
        "{dates}"
    );
}

/// The door opened for a visit is on the visit's page and in its API answer: "door unlocked by
/// …", for the unit manager.
async fn door_events_on_the_visit(app: TestApp) {
    use vaka_lock_sim::{Behaviour, Happened};
    let w = World::build(&app).await;
    let plan = home_care(&app, &w, w.client_a1, "a_unitmgr").await;
    let (lock, credential) = crate::locks::register_lock(&app, &w, "LK-VISIT", w.client_a1).await;
    let addr = app.listen().await;
    let lock_sim = crate::locks::sim(&app, addr, lock, &credential, Behaviour::Normal);
    let task = tokio::spawn(lock_sim.clone().run());
    crate::locks::until("the lock connecting", || app.locks.is_online(lock)).await;
    app.clock.set(ts("2026-11-22T07:06:00Z"));
    let visit = Uuid::now_v7().to_string();
    let r = sync(
        &app,
        &w,
        "a_staff",
        None,
        vec![start(w.client_a1, &visit, &plan, "2026-11-22T07:05:00Z")],
    )
    .await;
    assert_eq!(statuses(&r), ["stored"], "{r:?}");
    let mgr = w.p("a_unitmgr").bearer();
    let d = read(&app, &mgr, format!("/api/v1/homecare/visits/{visit}")).await;
    assert_eq!(d["door_events"], json!([]), "{d}");
    let r = app
        .json(
            Method::POST,
            &format!("/api/v1/app/locks/{lock}/unlock"),
            &w.p("a_staff").bearer(),
            json!({ "visit_id": visit }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let request: Uuid = r.json()["request"].as_str().unwrap().parse().unwrap();
    crate::locks::until("the lock opening", || {
        lock_sim.happened().contains(&Happened::Opened(request))
    })
    .await;
    let mut d = Value::Null;
    for _ in 0..500 {
        d = read(&app, &mgr, format!("/api/v1/homecare/visits/{visit}")).await;
        if d["door_events"].as_array().is_some_and(|e| !e.is_empty()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(d["door_events"].as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d["door_events"][0]["kind"], "unlocked");
    assert_eq!(d["door_events"][0]["by"], "Test a_staff");
    let session = crate::support::logged_in(&app, w.p("a_unitmgr").id).await;
    let page = app
        .get(&format!("/homecare/visits/{visit}"), &session)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_has("Dörren under besöket");
    page.assert_has("Dörren upplåst av Test a_staff");
    // Another visit of the client, without an unlock, shows no door.
    app.clock.set(ts("2026-11-22T09:00:00Z"));
    let other = Uuid::now_v7().to_string();
    let mut rec = start(w.client_a1, &other, &plan, "2026-11-22T08:59:00Z");
    rec["plan_id"] = Value::Null;
    rec["visit_kind"] = json!("extra");
    let r = sync(&app, &w, "a_staff", None, vec![rec]).await;
    assert_eq!(statuses(&r), ["stored"], "{r:?}");
    // (A new session: the clock moved past the last one's idle time.)
    let session = crate::support::logged_in(&app, w.p("a_unitmgr").id).await;
    let page = app
        .get(&format!("/homecare/visits/{other}"), &session)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("Dörren under besöket"), "{}", page.body);
    task.abort();
}

async fn dst_plan_days(app: TestApp) {
    let w = World::build(&app).await;
    let d = ok(
        &app,
        &w.p("m_assessor").bearer(),
        Method::POST,
        format!("/api/v1/clients/{}/decisions", w.client_a1),
        json!({"law": "sol", "service": "home_care", "valid_from": "2026-01-01",
               "tasks": [{"task": "supervision", "minutes": 300, "per": "week"}]}),
    )
    .await;
    for (from, to) in [("02:15", "02:45"), ("08:00", "08:30")] {
        ok(
            &app,
            &w.p("a_unitmgr").bearer(),
            Method::POST,
            format!("/api/v1/clients/{}/visit-plans", w.client_a1),
            json!({"decision_id": d["id"], "weekdays": ["sun"], "from": from, "to": to,
                   "tasks": ["supervision"], "expected_minutes": 15, "valid_from": "2026-01-01"}),
        )
        .await;
    }
    let windows = async |day: &str| -> Vec<(String, String)> {
        let t = read(
            &app,
            &w.p("a_staff").bearer(),
            format!("/api/v1/app/today?date={day}"),
        )
        .await;
        t["visits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["window"]["from"].as_str().unwrap().to_owned(),
                    v["window"]["to"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    // Spring: 02:15 does not exist and moves forward by the gap (03:15 summer time).
    assert_eq!(
        windows("2026-03-29").await,
        [
            ("2026-03-29T01:15:00Z".into(), "2026-03-29T01:45:00Z".into()),
            ("2026-03-29T06:00:00Z".into(), "2026-03-29T06:30:00Z".into())
        ]
    );
    // Autumn: 02:15 exists twice; the first (summer time) is taken.
    assert_eq!(
        windows("2026-10-25").await,
        [
            ("2026-10-25T00:15:00Z".into(), "2026-10-25T00:45:00Z".into()),
            ("2026-10-25T07:00:00Z".into(), "2026-10-25T07:30:00Z".into())
        ]
    );
    // A Monday has none of these Sunday visits.
    assert!(windows("2026-11-23").await.is_empty());
    // Another unit's worker sees none of them.
    let b = read(
        &app,
        &w.p("b_staff").bearer(),
        "/api/v1/app/today?date=2026-03-29".into(),
    )
    .await;
    assert_eq!(b["visits"].as_array().unwrap().len(), 0);
}

async fn manager_pages(app: TestApp) {
    let w = World::build(&app).await;
    let plan = home_care(&app, &w, w.client_a1, "a_unitmgr").await;
    app.clock.set(ts("2026-11-22T07:40:00Z"));
    let visit = Uuid::now_v7().to_string();
    sync(
        &app,
        &w,
        "a_staff",
        None,
        vec![
            start(w.client_a1, &visit, &plan, "2026-11-22T07:05:00Z"),
            end(w.client_a1, &visit, "2026-11-22T07:35:00Z"),
        ],
    )
    .await;
    let mgr = crate::support::logged_in(&app, w.p("a_unitmgr").id).await;
    let hub = app.get("/homecare", &mgr).await;
    assert_eq!(hub.status, StatusCode::OK, "{}", hub.body);
    assert!(hub.body.contains(&format!("/homecare/units/{}", w.a1)));
    let week = app
        .get(
            &format!("/homecare/units/{}?view=week&date=2026-11-22", w.a1),
            &mgr,
        )
        .await;
    assert_eq!(week.status, StatusCode::OK, "{}", week.body);
    assert!(week.body.contains("Alma Ettan"), "{}", week.body);
    assert!(week.body.contains("manuell"), "the manual flag shows");
    let page = app.get(&format!("/homecare/visits/{visit}"), &mgr).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Rätta besöket"));
    // A correction without a reason: the form again, with the error, nothing stored.
    let res = app
        .form(
            &format!("/homecare/visits/{visit}/corrections"),
            &mgr,
            &[
                ("started_at", "2026-11-22T08:00"),
                ("reason", ""),
                ("text", "kom tidigare"),
                ("tasks", "shown"),
                ("task-meals", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.body.contains("välj orsak till rättelsen"),
        "{}",
        res.body
    );
    let res = app
        .form(
            &format!("/homecare/visits/{visit}/corrections"),
            &mgr,
            &[
                ("started_at", "2026-11-22T08:00"),
                ("ended_at", "2026-11-22T08:35"),
                ("reason", "wrong_time"),
                ("text", "kom tidigare"),
                ("tasks", "shown"),
                ("task-meals", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let d = read(
        &app,
        &w.p("a_unitmgr").bearer(),
        format!("/api/v1/homecare/visits/{visit}"),
    )
    .await;
    assert_eq!(
        d["visit"]["started_at"], "2026-11-22T07:00:00Z",
        "local 08:00 is 07:00 UTC"
    );
    assert_eq!(
        d["corrections"].as_array().unwrap().len(),
        1,
        "only the start changed"
    );
    // The client's page shows the plan and the granted tasks.
    let client = app.get(&format!("/clients/{}", w.client_a1), &mgr).await;
    assert!(client.body.contains("08:00–08:45"), "{}", client.body);
    assert!(
        client.body.contains("Måltider 210 min per vecka"),
        "{}",
        client.body
    );
    // The municipality's lock dates.
    let m = crate::support::logged_in(&app, w.p("m_manager").id).await;
    let res = app
        .form(
            "/homecare/lock-dates",
            &m,
            &[
                ("organisation_id", &w.a.to_string()),
                ("locked_through", "2026-11-30"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let locks = app.get("/homecare/lock-dates", &m).await;
    assert!(locks.body.contains("2026-11-30"), "{}", locks.body);
    let page = app.get(&format!("/homecare/visits/{visit}"), &mgr).await;
    assert!(
        !page.body.contains("Spara rättelsen"),
        "a locked visit has no correction form"
    );
}

async fn payment_basis(app: TestApp) {
    let w = World::build(&app).await;
    let (plan, decision) = home_care_decision(&app, &w, w.client_a1, "a_unitmgr").await;
    app.clock.set(ts("2026-11-22T07:40:00Z"));
    let visit = Uuid::now_v7().to_string();
    sync(
        &app,
        &w,
        "a_staff",
        None,
        vec![
            start(w.client_a1, &visit, &plan, "2026-11-22T07:05:00Z"),
            end(w.client_a1, &visit, "2026-11-22T07:35:00Z"),
        ],
    )
    .await;
    let path = format!(
        "/api/v1/homecare/payment-basis?provider={}&month=2026-11",
        w.a
    );
    let b = read(&app, &w.p("m_manager").bearer(), path.clone()).await;
    let line_of = |client: ClientId, task: &str| {
        b["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["task"] == task && l["client_id"] == client.to_string())
            .cloned()
            .unwrap_or_else(|| panic!("no {task} line of {client} in {b}"))
    };
    let line = |task: &str| line_of(w.client_a1, task);
    // Meals: 210 min a week over November's 30 days = 900 granted; 30 performed and paid.
    assert_eq!(line("meals")["granted_minutes"], 900);
    assert_eq!(line("meals")["performed_minutes"], 30);
    assert_eq!(line("meals")["paid_minutes"], 30);
    // A shower granted and not given: 60 a week = 257 granted, nothing paid.
    assert_eq!(line("shower")["granted_minutes"], 257);
    assert_eq!(line("shower")["paid_minutes"], 0);
    assert_eq!(b["rule"], "performed_capped");
    // The visit registered by hand is a deviation.
    assert_eq!(b["deviations"].as_array().unwrap().len(), 1, "{b}");
    assert_eq!(b["deviations"][0]["manual"], true);
    // The unit manager of A1 sees the same client; another provider's client is not there.
    let mine = read(&app, &w.p("a_unitmgr").bearer(), path.clone()).await;
    assert_eq!(mine["lines"].as_array().unwrap().len(), 2);
    // Care staff may not read it.
    let res = app.get(&path, &w.p("a_staff").bearer()).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Audited per client named.
    assert!(
        !w.audit_about(&app, "homecare.payment_basis", w.client_a1)
            .await
            .is_empty()
    );
    // CSV and PDF.
    let m = crate::support::logged_in(&app, w.p("m_manager").id).await;
    let csv = app
        .get(
            &format!(
                "/homecare/payment/export?provider={}&month=2026-11&format=csv",
                w.a
            ),
            &m,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(csv.body.starts_with("month,provider_id"), "{}", csv.body);
    assert!(
        csv.body.contains(",meals,900,30,30,performed_capped"),
        "{}",
        csv.body
    );
    let pdf = app
        .get(
            &format!(
                "/homecare/payment/export?provider={}&month=2026-11&format=pdf",
                w.a
            ),
            &m,
        )
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF"));
    let page = app
        .get(
            &format!("/homecare/payment?provider={}&month=2026-11", w.a),
            &m,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Alma Ettan") && page.body.contains("Måltider"),
        "{}",
        page.body
    );

    // The decision ends on 10 December: December grants 10 of its 31 days (210 min a week:
    // 300; 60 a week: 86), and January nothing.
    ok(
        &app,
        &w.p("m_assessor").bearer(),
        Method::POST,
        format!("/api/v1/decisions/{decision}/end"),
        json!({"ended_on": "2026-12-10"}),
    )
    .await;
    let basis_of = async |month: &str| {
        read(
            &app,
            &w.p("m_manager").bearer(),
            format!(
                "/api/v1/homecare/payment-basis?provider={}&month={month}",
                w.a
            ),
        )
        .await
    };
    let dec = basis_of("2026-12").await;
    let granted = |b: &Value, task: &str| {
        b["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["task"] == task && l["client_id"] == w.client_a1.to_string())
            .map(|l| l["granted_minutes"].clone())
    };
    assert_eq!(granted(&dec, "meals"), Some(json!(300)), "{dec}");
    assert_eq!(granted(&dec, "shower"), Some(json!(86)), "{dec}");
    let jan = basis_of("2027-01").await;
    assert_eq!(granted(&jan, "meals"), None, "{jan}");
    // November is still whole.
    let nov = basis_of("2026-11").await;
    assert_eq!(granted(&nov, "meals"), Some(json!(900)), "{nov}");
}

/// What the key rule reads (`HomecareRead::list_visit_windows`): the planned windows of the
/// user's units the day before to the day after, each with the user's visit, and none for a
/// user without a role in the plan's unit. And what an unlock decision reads in its one
/// statement (`LockRead::unlock_grounds`): the lock's client, the same windows, and the
/// client's alarms dispatched to the chain (not one still in the operator's hands); nothing for
/// a device that is not an active lock.
async fn visit_windows_for_keys(app: TestApp) {
    let w = World::build(&app).await;
    let plan = home_care(&app, &w, w.client_a1, "a_unitmgr").await;
    let (lock, _) = crate::locks::register_lock(&app, &w, "LK-G", w.client_a1).await;
    app.clock.set(ts("2026-11-22T07:40:00Z"));
    let visit = Uuid::now_v7().to_string();
    sync(
        &app,
        &w,
        "a_staff",
        None,
        vec![start(w.client_a1, &visit, &plan, "2026-11-22T07:10:00Z")],
    )
    .await;
    let mut tx = app.store.begin_read().await.unwrap();
    let windows = tx
        .list_visit_windows(w.p("a_staff").id, w.client_a1, ts("2026-11-22T07:30:00Z"))
        .await
        .unwrap();
    assert_eq!(
        windows.len(),
        3,
        "yesterday, today and tomorrow: {windows:?}"
    );
    let today = windows
        .iter()
        .find(|x| x.from == ts("2026-11-22T07:00:00Z"))
        .expect("today's window");
    assert_eq!(today.to, ts("2026-11-22T07:45:00Z"));
    assert_eq!(today.visit_id.map(|v| v.to_string()), Some(visit.clone()));
    assert_eq!(today.started_at, Some(ts("2026-11-22T07:10:00Z")));
    assert_eq!(today.ended_at, None);
    let others = tx
        .list_visit_windows(w.p("b_staff").id, w.client_a1, ts("2026-11-22T07:30:00Z"))
        .await
        .unwrap();
    assert!(others.is_empty(), "{others:?}");
    drop(tx);

    // An alarm only received is no ground; one dispatched to the home-care group is.
    let mut waiting = vaka_domain::alarm::AlarmRecord::new(
        vaka_domain::alarm::AlarmKind::Personal,
        vaka_domain::client::AreaType::Town,
        "personal_alarm",
        "MA",
        vaka_store::values::to_db_precision(app.services.now()),
    );
    waiting.client_id = Some(w.client_a1);
    app.services
        .store_alarm_intake(Vec::new(), vec![waiting], Vec::new(), None)
        .await
        .unwrap();
    let alarm = crate::locks::dispatched_alarm(&app, &w, w.client_a1).await;

    let at = ts("2026-11-22T07:30:00Z");
    let staff = w.p("a_staff").id;
    let mut tx = app.store.begin_read().await.unwrap();
    let found = tx
        .unlock_grounds(lock, staff, at)
        .await
        .unwrap()
        .expect("an active lock at the client");
    assert_eq!(found.client.id, w.client_a1);
    assert_eq!(found.windows, windows);
    assert_eq!(found.dispatched.len(), 1, "{:?}", found.dispatched);
    let d = &found.dispatched[0];
    assert_eq!(d.id, alarm);
    assert!(
        matches!(d.state, vaka_domain::alarm::AlarmState::Dispatched { .. }),
        "{d:?}"
    );
    assert_eq!(
        d.chain_link,
        Some(vaka_domain::alarm::ChainLink::HomeCare),
        "{d:?}"
    );
    // Another provider's worker: the client and the alarms, but no windows.
    let other = tx
        .unlock_grounds(lock, w.p("b_staff").id, at)
        .await
        .unwrap()
        .unwrap();
    assert!(other.windows.is_empty(), "{:?}", other.windows);
    // Not a lock (the client's id, an unknown device): nothing.
    assert!(
        tx.unlock_grounds(vaka_domain::ids::DeviceId(w.client_a1.0), staff, at)
            .await
            .unwrap()
            .is_none()
    );
    drop(tx);
    // A lock taken out of service: nothing.
    let admin = w.p("m_admin").bearer();
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/devices/{lock}/steps"),
            &admin,
            json!({"step": "deactivate", "note": "utbytt"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let mut tx = app.store.begin_read().await.unwrap();
    assert!(tx.unlock_grounds(lock, staff, at).await.unwrap().is_none());
}

db_tests!(
    door_events_on_the_visit,
    visit_windows_for_keys,
    payment_basis,
    manager_pages,
    sync_is_idempotent,
    late_sync_and_clock_skew,
    bad_records_refused_alone,
    no_plan_and_ended_client_refused,
    corrections_approval_and_lock_date,
    dst_plan_days,
);

//! Digital keys end to end: a simulated lock connects with its credential; an unlock is decided
//! by the rule (need-to-know, a dispatched alarm, a night-patrol shift), audited granted or
//! refused, sent to the online lock, and its events come back on the client's trail and the
//! alarm; a lock claiming another id is disconnected; capabilities open an offline lock once,
//! within their window, and a forged or expired one is refused; deactivating a user revokes
//! their outstanding capabilities.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use jiff::SignedDuration;
use serde_json::{Value, json};
use vaka_domain::clock::Clock;
use vaka_domain::ids::{AlarmId, ClientId, DeviceId};
use vaka_lock_protocol::CapabilityRefusal;
use vaka_lock_sim::{Behaviour, Happened, OfflineLock, SimLock};

use crate::db_tests;
use crate::support::{Auth, TestApp, commission, logged_in, ok, read};
use crate::world::World;

pub(crate) async fn register_lock(
    app: &TestApp,
    w: &World,
    serial: &str,
    client: ClientId,
) -> (DeviceId, String) {
    let admin = w.p("m_admin").bearer();
    let res = app
        .json(
            Method::POST,
            "/api/v1/devices",
            &admin,
            json!({"kind": "lock", "serial": serial, "model": "Vaka Lock"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let v = res.json();
    let id: DeviceId = v["device"]["id"].as_str().unwrap().parse().unwrap();
    commission(app, &admin, id, client).await;
    let credential = ok(
        app,
        &admin,
        Method::POST,
        format!("/api/v1/devices/{id}/credential"),
        Value::Null,
    )
    .await["credential"]
        .as_str()
        .unwrap()
        .to_owned();
    (id, credential)
}

pub(crate) async fn until(what: &str, f: impl Fn() -> bool) {
    for _ in 0..500 {
        if f() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("{what} did not happen in time");
}

pub(crate) fn sim(
    app: &TestApp,
    addr: std::net::SocketAddr,
    lock: DeviceId,
    credential: &str,
    b: Behaviour,
) -> SimLock {
    let clock = app.clock.clone();
    SimLock::new(
        &format!("ws://{addr}"),
        credential,
        lock.0,
        b,
        Arc::new(move || clock.now().as_second()),
    )
}

async fn unlock(app: &TestApp, who: &Auth, lock: DeviceId, body: Value) -> crate::support::Res {
    app.json(
        Method::POST,
        &format!("/api/v1/app/locks/{lock}/unlock"),
        who,
        body,
    )
    .await
}

/// A personal alarm of the client's, taken by the operator and dispatched to the home-care
/// group.
pub(crate) async fn dispatched_alarm(app: &TestApp, w: &World, client: ClientId) -> AlarmId {
    let mut a = vaka_domain::alarm::AlarmRecord::new(
        vaka_domain::alarm::AlarmKind::Personal,
        vaka_domain::client::AreaType::Town,
        "personal_alarm",
        "MA",
        vaka_store::values::to_db_precision(app.services.now()),
    );
    a.client_id = Some(client);
    let id = a.id;
    app.services
        .store_alarm_intake(Vec::new(), vec![a], Vec::new(), None)
        .await
        .unwrap();
    let op = w.p("c_operator").bearer();
    for body in [
        json!({"step": "take"}),
        json!({"step": "dispatch", "link": "home_care"}),
    ] {
        ok(
            app,
            &op,
            Method::POST,
            format!("/api/v1/alarms/{id}/steps"),
            body,
        )
        .await;
    }
    id
}

async fn key_access(app: &TestApp, who: &Auth, client: ClientId) -> Value {
    read(app, who, format!("/api/v1/clients/{client}/key-access")).await
}

async fn online_unlocks_follow_the_rule_and_come_back_as_events(app: TestApp) {
    let w = World::build(&app).await;
    let (lock, credential) = register_lock(&app, &w, "LK-1", w.client_a1).await;
    let addr = app.listen().await;
    let staff = w.p("a_staff").bearer();
    let patrol = w.p("a_patrol").bearer();

    // Offline: refused as such, even on a good ground (an alarm comes later).
    let r = unlock(&app, &staff, lock, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    let lock_sim = sim(&app, addr, lock, &credential, Behaviour::Normal);
    let task = tokio::spawn(lock_sim.clone().run());
    until("the lock connecting", || app.locks.is_online(lock)).await;

    // Sunday 10:00: no visit, no alarm, no patrol shift — refused with the reason, audited.
    let r = unlock(&app, &staff, lock, json!({})).await;
    r.assert_says(StatusCode::CONFLICT, "no visit");
    let r = unlock(&app, &patrol, lock, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    // Outside need-to-know: the private provider's staff.
    let r = unlock(&app, &w.p("b_staff").bearer(), lock, json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // Not a responder at all: the nurse.
    let r = unlock(&app, &w.p("a_nurse").bearer(), lock, json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // Garbage bodies are refused without a decision.
    let r = unlock(&app, &staff, lock, json!({"visit_id": "not a uuid"})).await;
    assert!(r.status.is_client_error(), "{}", r.body);
    let r = unlock(&app, &staff, lock, json!({"door": 1})).await;
    assert!(r.status.is_client_error(), "{}", r.body);

    // An alarm of the client's dispatched to the home-care group: the staff may open.
    let alarm = dispatched_alarm(&app, &w, w.client_a1).await;
    let r = unlock(&app, &staff, lock, json!({ "alarm_id": alarm })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    // The answer waits for the lock's: it opened.
    assert_eq!(v["status"], "unlocked", "{v}");
    assert_eq!(v["reason"], "alarm");
    let request: uuid::Uuid = v["request"].as_str().unwrap().parse().unwrap();
    until("the lock opening", || {
        lock_sim.happened().contains(&Happened::Opened(request))
    })
    .await;
    // The lock's event comes back on the client's trail, with who opened and for which alarm.
    let mut events = Value::Null;
    for _ in 0..500 {
        events = key_access(&app, &staff, w.client_a1).await["events"].clone();
        if events.as_array().is_some_and(|e| !e.is_empty()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let e = &events[0];
    assert_eq!(e["kind"], "unlocked", "{events}");
    assert_eq!(e["by"], "Test a_staff");
    assert_eq!(e["alarm_id"], alarm.to_string());
    let door = app
        .services
        .alarm_door_events(
            &vaka_service::Ctx::new(
                &app.services
                    .principal_for(w.p("c_operator").id, vaka_domain::access::Credential::Cli)
                    .await
                    .unwrap(),
                &vaka_service::RequestMeta::default(),
            ),
            alarm,
        )
        .await
        .unwrap();
    assert_eq!(door.len(), 1);
    assert_eq!(door[0].user_name.as_deref(), Some("Test a_staff"));
    // The pages: the client's keys page and the alarm's page show who opened the door.
    let session = logged_in(&app, w.p("a_staff").id).await;
    let page = app
        .get(&format!("/clients/{}/keys", w.client_a1), &session)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_has("Dörren upplåst av Test a_staff");
    let op = logged_in(&app, w.p("c_operator").id).await;
    let page = app.get(&format!("/alarms/{alarm}"), &op).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_has("Dörren upplåst");
    // The client's log (the trail the municipality extracts) names the door event.
    let log = app
        .get(
            &format!(
                "/api/v1/clients/{}/supervision-log?from=2026-11-22&to=2026-11-22",
                w.client_a1
            ),
            &w.p("m_admin").bearer(),
        )
        .await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    let doors = log.json()["doors"].clone();
    assert_eq!(doors.as_array().map(Vec::len), Some(1), "{doors}");
    assert_eq!(doors[0]["kind"], "unlocked");
    assert_eq!(doors[0]["by"], "Test a_staff");
    assert_eq!(doors[0]["alarm_id"], alarm.to_string());
    // The day after has none.
    let next = app
        .get(
            &format!(
                "/api/v1/clients/{}/supervision-log?from=2026-11-23&to=2026-11-23",
                w.client_a1
            ),
            &w.p("m_admin").bearer(),
        )
        .await;
    assert_eq!(next.json()["doors"], json!([]), "{}", next.body);
    // Another alarm id is not a ground.
    let r = unlock(&app, &staff, lock, json!({ "alarm_id": AlarmId::new() })).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // The night patrol on its shift (21:30 local) may open; an hour after it ends, not.
    app.clock.set("2026-11-22T20:30:00Z".parse().unwrap());
    let r = unlock(&app, &patrol, lock, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["reason"], "adhoc");
    app.clock.set("2026-11-23T07:00:00Z".parse().unwrap());
    let r = unlock(&app, &patrol, lock, json!({})).await;
    r.assert_says(StatusCode::CONFLICT, "no visit");

    // Every decision is in the audit log about the client, granted and refused.
    let entries = w.audit_about(&app, "lock.unlock", w.client_a1).await;
    let outcome = |o: &str| entries.iter().filter(|e| e["outcome"] == o).count();
    assert_eq!(outcome("success"), 2, "{entries:?}");
    assert!(outcome("denied") >= 5, "{entries:?}");
    let events = w.audit_about(&app, "lock.event", w.client_a1).await;
    assert!(!events.is_empty());
    task.abort();
}

async fn a_lock_claiming_another_id_is_disconnected(app: TestApp) {
    let w = World::build(&app).await;
    let (lock, _) = register_lock(&app, &w, "LK-A", w.client_a1).await;
    let (other, credential) = register_lock(&app, &w, "LK-B", w.client_a2).await;
    let addr = app.listen().await;
    let liar = sim(
        &app,
        addr,
        other,
        &credential,
        Behaviour::ClaimsAnotherId(lock.0),
    );
    liar.session().await.unwrap();
    assert_eq!(
        liar.happened(),
        [
            Happened::Connected,
            Happened::Disconnected { code: Some(1008) }
        ]
    );
    assert!(!app.locks.is_online(lock));
    assert!(!app.locks.is_online(other));
    // Recorded for the log review.
    let mut found = 0;
    for _ in 0..500 {
        let res = app
            .get(
                "/api/v1/audit?action=lock.connection_refused&limit=10",
                &w.p("m_manager").bearer(),
            )
            .await;
        found = res.json().as_array().map_or(0, Vec::len);
        if found > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(found, 1);
    // A camera's credential, or none, does not connect as a lock.
    let nobody = sim(&app, addr, other, "vakadev_wrong", Behaviour::Normal);
    assert!(nobody.session().await.is_err());
}

async fn capabilities_open_an_offline_lock_once_and_are_revoked_with_the_user(app: TestApp) {
    let w = World::build(&app).await;
    let key = ed25519_dalek::SigningKey::from_bytes(&[3u8; 32]);
    app.services.set_lock_signing_key(key.clone());
    let (lock, _) = register_lock(&app, &w, "LK-OFF", w.client_a1).await;
    let staff = w.p("a_staff").bearer();

    // Nothing to stand on: no capabilities.
    let caps = read(&app, &staff, "/api/v1/app/capabilities".into()).await;
    assert_eq!(caps.as_array().unwrap().len(), 0, "{caps}");

    let alarm = dispatched_alarm(&app, &w, w.client_a1).await;
    let caps = read(&app, &staff, "/api/v1/app/capabilities".into()).await;
    let caps = caps.as_array().unwrap().clone();
    assert_eq!(caps.len(), 1, "{caps:?}");
    assert_eq!(caps[0]["lock_id"], lock.to_string());
    assert_eq!(caps[0]["alarm_id"], alarm.to_string());
    let token = caps[0]["token"].as_str().unwrap().to_owned();

    // The lock has the server's public key.
    let pk = read(&app, &staff, "/api/v1/locks/public-key".into()).await;
    let pk: [u8; 32] = hex::decode(pk["public_key"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(pk, key.verifying_key().to_bytes());
    let mut door = OfflineLock::new(lock.0, pk).unwrap();
    let now = app.services.now().as_second();
    let opened = door.present(&token, now).unwrap();
    assert_eq!(opened.user_id, w.p("a_staff").id.0);
    assert_eq!(door.present(&token, now), Err(CapabilityRefusal::Replayed));
    // Another lock does not take it.
    let mut elsewhere = OfflineLock::new(uuid::Uuid::now_v7(), pk).unwrap();
    assert_eq!(
        elsewhere.present(&token, now),
        Err(CapabilityRefusal::WrongLock)
    );
    // A capability signed by anyone but the server is refused.
    let (c, _) = vaka_lock_protocol::decode_capability(&token).unwrap();
    let forged = vaka_lock_protocol::Capability {
        nonce: vaka_lock_protocol::Nonce([1; 16]),
        ..c
    }
    .sign(&ed25519_dalek::SigningKey::from_bytes(&[4u8; 32]));
    assert_eq!(door.present(&forged, now), Err(CapabilityRefusal::Forged));
    // An alarm's capability lives 5 minutes: a fresh one, presented 6 minutes later, is refused.
    let caps = read(&app, &staff, "/api/v1/app/capabilities".into()).await;
    let fresh = caps[0]["token"].as_str().unwrap().to_owned();
    app.clock.advance(SignedDuration::from_mins(6));
    assert_eq!(
        door.present(&fresh, app.services.now().as_second()),
        Err(CapabilityRefusal::Expired)
    );
    app.clock.advance(SignedDuration::from_mins(-6));
    let unused = read(&app, &staff, "/api/v1/app/capabilities".into()).await;
    assert_eq!(unused.as_array().unwrap().len(), 1);

    // The unit manager ends the staff's account: their outstanding capabilities are revoked,
    // and the client's page lists them so.
    let mgr = w.p("a_unitmgr").bearer();
    ok(
        &app,
        &mgr,
        Method::POST,
        format!("/api/v1/users/{}/deactivate", w.p("a_staff").id),
        Value::Null,
    )
    .await;
    let grants = key_access(&app, &mgr, w.client_a1).await["grants"].clone();
    let grants = grants.as_array().unwrap();
    assert_eq!(grants.len(), 3, "{grants:?}");
    let outstanding_revoked = grants
        .iter()
        .filter(|g| g["revoked_at"].is_string())
        .count();
    // The first (used) and the fresh one are not yet expired at this moment; all three are
    // within their 5 minutes, so all are revoked.
    assert_eq!(outstanding_revoked, 3, "{grants:?}");
    // The staff can no longer ask (their token ended with the account).
    let r = app.get("/api/v1/app/capabilities", &staff).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
}

/// A home-care decision for `client` and a daily plan 08:00–08:45 local time by its unit's
/// manager (07:00–07:45 UTC in November).
async fn daily_visit(app: &TestApp, w: &World, client: ClientId) {
    let d = ok(
        app,
        &w.p("m_assessor").bearer(),
        Method::POST,
        format!("/api/v1/clients/{client}/decisions"),
        json!({"law": "sol", "service": "home_care", "valid_from": "2026-01-01",
               "tasks": [{"task": "meals", "minutes": 210, "per": "week"}]}),
    )
    .await;
    ok(
        app,
        &w.p("a_unitmgr").bearer(),
        Method::POST,
        format!("/api/v1/clients/{client}/visit-plans"),
        json!({"decision_id": d["id"], "weekdays": ["mon","tue","wed","thu","fri","sat","sun"],
               "from": "08:00", "to": "08:45", "tasks": ["meals"], "expected_minutes": 30,
               "valid_from": "2026-01-01"}),
    )
    .await;
}

async fn a_visit_opens_the_door_in_its_window_and_not_an_hour_later(app: TestApp) {
    let w = World::build(&app).await;
    app.services
        .set_lock_signing_key(ed25519_dalek::SigningKey::from_bytes(&[5u8; 32]));
    let (lock, credential) = register_lock(&app, &w, "LK-V", w.client_a1).await;
    daily_visit(&app, &w, w.client_a1).await;
    let addr = app.listen().await;
    let lock_sim = sim(&app, addr, lock, &credential, Behaviour::Normal);
    let task = tokio::spawn(lock_sim.clone().run());
    until("the lock connecting", || app.locks.is_online(lock)).await;
    let staff = w.p("a_staff").bearer();

    // The shift starts at 07:00 local: the visit's capability is issued for its window, from
    // 15 minutes before (07:45 local) to the planned end plus 30 minutes (09:15 local).
    app.clock.set("2026-11-23T06:00:00Z".parse().unwrap());
    let caps = read(&app, &staff, "/api/v1/app/capabilities".into()).await;
    let caps = caps.as_array().unwrap().clone();
    assert_eq!(caps.len(), 1, "{caps:?}");
    assert_eq!(caps[0]["reason"], "visit");
    assert_eq!(caps[0]["not_before"], "2026-11-23T06:45:00Z");
    assert_eq!(caps[0]["expires"], "2026-11-23T08:15:00Z");
    let token = caps[0]["token"].as_str().unwrap().to_owned();
    let pk = app.services.lock_public_key().unwrap();
    let mut offline = OfflineLock::new(lock.0, pk).unwrap();
    let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap().as_second();
    assert_eq!(
        offline.present(&token, at("2026-11-23T06:30:00Z")),
        Err(CapabilityRefusal::NotYetValid)
    );
    assert_eq!(
        offline.present(&token, at("2026-11-23T08:20:00Z")),
        Err(CapabilityRefusal::Expired)
    );
    assert!(offline.present(&token, at("2026-11-23T07:00:00Z")).is_ok());

    // Online: too early at 07:40 local, sent at 07:50 local…
    app.clock.set("2026-11-23T06:40:00Z".parse().unwrap());
    let r = unlock(&app, &staff, lock, json!({})).await;
    r.assert_says(StatusCode::CONFLICT, "15 minutes");
    app.clock.set("2026-11-23T06:50:00Z".parse().unwrap());
    let r = unlock(&app, &staff, lock, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["reason"], "visit");
    let request: uuid::Uuid = r.json()["request"].as_str().unwrap().parse().unwrap();
    until("the lock opening", || {
        lock_sim.happened().contains(&Happened::Opened(request))
    })
    .await;
    // …and refused an hour later (09:50 local: past the planned end plus the margin).
    app.clock.set("2026-11-23T08:50:00Z".parse().unwrap());
    let r = unlock(&app, &staff, lock, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    // The private provider's staff has no visit here and no reach.
    let r = unlock(&app, &w.p("b_staff").bearer(), lock, json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    task.abort();
}

async fn a_private_providers_client_without_a_reserve_key_is_flagged(app: TestApp) {
    let w = World::build(&app).await;
    // Client B1 is served by the private provider B and has a key box only.
    let staff = logged_in(&app, w.p("b_staff").id).await;
    let path = format!("/clients/{}/keys", w.client_b1);
    let page = app.get(&path, &staff).await;
    page.assert_has("ingen reservnyckel är registrerad");
    let api = key_access(&app, &w.p("b_staff").bearer(), w.client_b1).await;
    assert_eq!(api["lacks_reserve_key"], true);
    assert_eq!(
        api["key_access"],
        json!(["key_box"]),
        "the old single value was kept"
    );
    // The in-house provider's client is not flagged.
    let a = key_access(&app, &w.p("a_staff").bearer(), w.client_a1).await;
    assert_eq!(a["lacks_reserve_key"], false);
    // Bad input changes nothing.
    let assessor = w.p("m_assessor").bearer();
    let put = format!("/api/v1/clients/{}/key-access", w.client_b1);
    let r = app
        .json(
            Method::PUT,
            &put,
            &assessor,
            json!({"key_access": ["key_box", "a_crowbar"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = app
        .json(
            Method::PUT,
            &put,
            &assessor,
            json!({"key_access": ["none"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let api = key_access(&app, &w.p("b_staff").bearer(), w.client_b1).await;
    assert_eq!(api["key_access"], json!(["key_box"]));
    // Staff may not change it; the assessor may, and the flag goes.
    let r = app
        .json(
            Method::PUT,
            &put,
            &w.p("b_staff").bearer(),
            json!({"key_access": ["reserve_key"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app
        .json(
            Method::PUT,
            &put,
            &assessor,
            json!({"key_access": ["key_box", "reserve_key", "key_box"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), json!(["key_box", "reserve_key"]));
    let page = app.get(&path, &staff).await;
    assert!(!page.body.contains("ingen reservnyckel"), "{}", page.body);
    let changes = w.audit_about(&app, "keys.change", w.client_b1).await;
    // The staff's attempt was refused at the route (audited as `access.denied`).
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(
        changes[0]["details"],
        r#"{"after":["key_box","reserve_key"],"before":["key_box"]}"#
    );
}

/// Unlocks decided at once share the door's group commit: every granted one has its grant and
/// its entry committed when the caller gets it, every refused one its entry, the grants are
/// exactly those of the granted calls, and the audit chain stays whole.
async fn concurrent_unlocks_each_commit_their_grant_and_entry(app: TestApp) {
    use vaka_domain::access::Credential;
    use vaka_service::keys::UnlockInput;
    use vaka_service::{Ctx, RequestMeta, ServiceError};

    let w = World::build(&app).await;
    let (lock, _) = register_lock(&app, &w, "LK-MANY", w.client_a1).await;
    // 21:30 local: the night patrol is on its shift; the staff has no ground.
    app.clock.set("2026-11-22T20:30:00Z".parse().unwrap());
    let patrol = Arc::new(
        app.services
            .principal_for(w.p("a_patrol").id, Credential::Cli)
            .await
            .unwrap(),
    );
    let staff = Arc::new(
        app.services
            .principal_for(w.p("a_staff").id, Credential::Cli)
            .await
            .unwrap(),
    );
    let (granted_n, refused_n) = (60, 20);
    let mut tasks = Vec::new();
    for i in 0..granted_n + refused_n {
        let services = app.services.clone();
        let who = if i % 4 == 3 {
            staff.clone()
        } else {
            patrol.clone()
        };
        tasks.push(tokio::spawn(async move {
            let meta = RequestMeta::default();
            services
                .unlock(
                    &Ctx::new(&who, &meta),
                    lock,
                    UnlockInput::default(),
                    &|_| true,
                )
                .await
        }));
    }
    let mut granted = Vec::new();
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(g) => {
                assert_eq!(g.user, w.p("a_patrol").id);
                granted.push(g.request);
            }
            Err(ServiceError::Conflict(_)) => refused += 1,
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!((granted.len(), refused), (granted_n, refused_n));

    // Each granted request is a committed grant, and nothing else is.
    let mgr = app
        .services
        .principal_for(w.p("a_unitmgr").id, Credential::Cli)
        .await
        .unwrap();
    let meta = RequestMeta::default();
    let view = app
        .services
        .key_access(&Ctx::new(&mgr, &meta), w.client_a1)
        .await
        .unwrap();
    let mut ids: Vec<uuid::Uuid> = view.grants.iter().map(|g| g.id).collect();
    ids.sort();
    granted.sort();
    assert_eq!(ids, granted);
    // One entry per decision, granted and refused.
    let entries = w.audit_about(&app, "lock.unlock", w.client_a1).await;
    let outcome = |o: &str| entries.iter().filter(|e| e["outcome"] == o).count();
    assert_eq!(outcome("success"), granted_n, "{entries:?}");
    assert_eq!(outcome("denied"), refused_n, "{entries:?}");
    let requests: Vec<String> = entries
        .iter()
        .filter(|e| e["outcome"] == "success")
        .map(|e| {
            let d: Value = serde_json::from_str(e["details"].as_str().unwrap()).unwrap();
            d["request"].as_str().unwrap().to_owned()
        })
        .collect();
    for g in &granted {
        assert!(requests.contains(&g.to_string()), "no entry for {g}");
    }
    let verified = app.services.verify_audit().await.unwrap();
    assert!(
        matches!(verified, vaka_service::audit::Verification::Intact { .. }),
        "{verified:?}"
    );
}

db_tests!(
    concurrent_unlocks_each_commit_their_grant_and_entry,
    a_private_providers_client_without_a_reserve_key_is_flagged,
    a_visit_opens_the_door_in_its_window_and_not_an_hour_later,
    online_unlocks_follow_the_rule_and_come_back_as_events,
    a_lock_claiming_another_id_is_disconnected,
    capabilities_open_an_offline_lock_once_and_are_revoked_with_the_user,
);

/// The real binary: `vaka demo` fits active locks on its clients (listed with their ids in the
/// credentials file) and creates the lock signing key; `vaka simulate locks --offline-check`
/// opens for a capability signed with it and refuses a forged and an expired one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_has_locks_and_the_simulator_checks_capabilities_offline() {
    use crate::backup::{fails_saying, succeeds, vaka_async};

    let root = tempfile::tempdir().unwrap();
    let demo = root.path().join("demo");
    let child = crate::support::start_demo(root.path(), &demo).await;
    let creds: Value =
        serde_json::from_str(&std::fs::read_to_string(demo.join("demo-credentials.json")).unwrap())
            .unwrap();
    let locks: Vec<&Value> = creds["devices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "lock" && d["status"] == "active")
        .collect();
    assert!(locks.len() >= 10, "{} locks", locks.len());
    let lock: uuid::Uuid = locks[0]["id"].as_str().unwrap().parse().unwrap();
    drop(child);

    let seed: [u8; 32] = hex::decode(
        std::fs::read_to_string(demo.join("keys").join("lock-signing.key"))
            .unwrap()
            .trim(),
    )
    .unwrap()
    .try_into()
    .unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    let public = hex::encode(key.verifying_key().to_bytes());
    // The binary checks against the machine's clock, as a real lock would.
    let now = vaka_domain::clock::SystemClock.now().as_second();
    let cap = |not_before: i64, expires: i64, n: u8| vaka_lock_protocol::Capability {
        lock_id: lock,
        user_id: uuid::Uuid::from_u128(7),
        reason: vaka_lock_protocol::CapabilityReason::Visit,
        not_before,
        expires,
        nonce: vaka_lock_protocol::Nonce([n; 16]),
    };
    let check = |token: String| {
        let public = public.clone();
        let lock = lock.to_string();
        let dir = root.path().to_path_buf();
        async move {
            vaka_async(
                &dir,
                &[
                    "simulate",
                    "locks",
                    "--offline-check",
                    &token,
                    "--lock",
                    &lock,
                    "--public-key",
                    &public,
                ],
            )
            .await
        }
    };
    let out = succeeds(&check(cap(now - 60, now + 600, 1).sign(&key)).await);
    assert!(out.contains("opened for user"), "{out}");
    let forged = cap(now - 60, now + 600, 2).sign(&ed25519_dalek::SigningKey::from_bytes(&[9; 32]));
    fails_saying(&check(forged).await, "forged");
    fails_saying(
        &check(cap(now - 600, now - 60, 3).sign(&key)).await,
        "expired",
    );
}

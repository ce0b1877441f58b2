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
use crate::support::{Auth, TestApp, commission, ok, read};
use crate::world::World;

async fn register_lock(
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

async fn until(what: &str, f: impl Fn() -> bool) {
    for _ in 0..500 {
        if f() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("{what} did not happen in time");
}

fn sim(
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
async fn dispatched_alarm(app: &TestApp, w: &World, client: ClientId) -> AlarmId {
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
        .store_alarm_intake(Vec::new(), vec![a], Vec::new())
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
    assert_eq!(v["status"], "sent");
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

db_tests!(
    online_unlocks_follow_the_rule_and_come_back_as_events,
    a_lock_claiming_another_id_is_disconnected,
    capabilities_open_an_offline_lock_once_and_are_revoked_with_the_user,
);

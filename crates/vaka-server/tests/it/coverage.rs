//! No alarm unseen, no responder without an address (issue 14, point 12): a change that would
//! leave clients with alarm units outside every alarm centre's coverage is refused and audited;
//! an alarm no centre covers all the same lands in the fallback queue, flagged, seen by the
//! alarm operators and warned of on the chain-health view; and the patrol sent to a client with
//! a protected identity sees the address on that dispatch while it is open, audited, flagged.
//!
//! The world: centre C1 covers A1 and B1; A2 is covered by no centre.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use vaka_domain::alarm::{AlarmKind, AlarmRecord};
use vaka_domain::audit::{AuditAction, AuditEntry, Outcome};
use vaka_domain::client::{Address, AreaType, Protection};
use vaka_domain::device::DeviceStatus;
use vaka_domain::ids::{AlarmId, ClientId, DeviceId};
use vaka_store::AuditQuery;

use crate::alarms::alarm_unit;
use crate::authz_matrix::{registry_targets, supervision_targets};
use crate::db_tests;
use crate::support::{Auth, TestApp, logged_in, ok, read};
use crate::world::World;

const STREET: &str = "Gömställsvägen 9";

async fn audit(app: &TestApp, action: AuditAction) -> Vec<AuditEntry> {
    let mut tx = app.store.begin_read().await.unwrap();
    tx.search_audit(&AuditQuery {
        action: Some(action),
        limit: 200,
        ..AuditQuery::default()
    })
    .await
    .unwrap()
}

/// The refusals of `action` whose details name the coverage gap.
async fn gap_refusals(app: &TestApp, action: AuditAction) -> Vec<AuditEntry> {
    audit(app, action)
        .await
        .into_iter()
        .filter(|e| {
            e.new.outcome == Outcome::Denied
                && e.new
                    .details
                    .as_deref()
                    .is_some_and(|d| d.contains("alarm_coverage_gap"))
        })
        .collect()
}

async fn covered_by(app: &TestApp, w: &World, unit: impl std::fmt::Display) -> Value {
    read(
        app,
        &w.p("m_admin").bearer(),
        format!("/api/v1/units/{unit}"),
    )
    .await
}

async fn a_coverage_gap_is_refused_for_each_kind_of_change(app: TestApp) {
    let w = World::build(&app).await;
    let admin = w.p("m_admin").bearer();
    alarm_unit(&app, &w, w.client_a1, "6100", None).await;
    let before = covered_by(&app, &w, w.c1).await;

    // Coverage of A1 taken from the only centre covering it.
    let res = app
        .json(
            Method::PUT,
            &format!("/api/v1/units/{}/coverage", w.c1),
            &admin,
            json!({"covered_unit_ids": [w.b1]}),
        )
        .await;
    res.assert_says(StatusCode::CONFLICT, "A1");
    assert_eq!(covered_by(&app, &w, w.c1).await, before, "nothing changed");
    let refused = gap_refusals(&app, AuditAction::UnitCoverageChanged).await;
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].new.subject_id, Some(w.c1.to_string()));
    assert!(
        refused[0]
            .new
            .details
            .as_deref()
            .unwrap()
            .contains(&w.a1.to_string())
    );

    // The unit's page says why, in Swedish, beside the form.
    let session = logged_in(&app, w.p("m_admin").id).await;
    let b1 = w.b1.to_string();
    let page = app
        .form(
            &format!("/admin/units/{}/coverage", w.c1),
            &session,
            &[("covered", b1.as_str())],
        )
        .await;
    assert!(!page.status.is_server_error(), "{}", page.body);
    page.assert_has(
        "utan en larmcentral som bevakar dem, så att deras larm inte når någon operatör: A1",
    );
    assert_eq!(covered_by(&app, &w, w.c1).await, before, "nothing changed");
    assert_eq!(
        gap_refusals(&app, AuditAction::UnitCoverageChanged)
            .await
            .len(),
        2
    );

    // The centre deactivated, or made another kind of unit.
    for patch in [json!({"active": false}), json!({"kind": "administration"})] {
        let res = app
            .json(
                Method::PATCH,
                &format!("/api/v1/units/{}", w.c1),
                &admin,
                patch.clone(),
            )
            .await;
        res.assert_says(StatusCode::CONFLICT, "A1");
    }
    assert_eq!(gap_refusals(&app, AuditAction::UnitUpdated).await.len(), 2);
    // Renaming the centre opens no gap.
    ok(
        &app,
        &admin,
        Method::PATCH,
        format!("/api/v1/units/{}", w.c1),
        json!({"name": "C1 Larm"}),
    )
    .await;

    // The client with the alarm unit moved to A2, which no centre covers, or out of every unit.
    for unit in [json!(w.a2), Value::Null] {
        let res = app
            .json(
                Method::PUT,
                &format!("/api/v1/clients/{}", w.client_a1),
                &admin,
                json!({"identity": "193001019805", "name": "Alma Ettan",
                       "provider_id": w.a, "unit_id": unit}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    }
    let refused = gap_refusals(&app, AuditAction::ClientUpdated).await;
    assert_eq!(refused.len(), 2);
    assert!(refused.iter().all(|e| e.new.client_id == Some(w.client_a1)));
    let client = read(&app, &admin, format!("/api/v1/clients/{}", w.client_a1)).await;
    assert_eq!(client["unit_id"], json!(w.a1), "{client}");
    // A client without an alarm unit moves freely.
    ok(
        &app,
        &admin,
        Method::PUT,
        format!("/api/v1/clients/{}", w.client_a2),
        json!({"identity": "193102029802", "name": "Bertil Tvåan",
               "provider_id": w.a, "unit_id": w.a1}),
    )
    .await;

    // An alarm unit assigned to a client of an uncovered unit.
    let moved_back = ok(
        &app,
        &admin,
        Method::PUT,
        format!("/api/v1/clients/{}", w.client_a2),
        json!({"identity": "193102029802", "name": "Bertil Tvåan",
               "provider_id": w.a, "unit_id": w.a2}),
    )
    .await;
    assert_eq!(moved_back["unit_id"], json!(w.a2), "{moved_back}");
    let device = ok(
        &app,
        &admin,
        Method::POST,
        "/api/v1/devices".into(),
        json!({"kind": "alarm_unit", "serial": "TA-6200", "model": "Trygghetslarm IP",
               "dc09_account": "6200", "dc09_key_style": "clear"}),
    )
    .await;
    let device = device["device"]["id"].as_str().unwrap().to_owned();
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/devices/{device}/steps"),
            &admin,
            json!({"step": "assign", "client_id": w.client_a2}),
        )
        .await;
    res.assert_says(StatusCode::CONFLICT, "A2");
    let refused = gap_refusals(&app, AuditAction::DeviceStepTaken).await;
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].new.client_id, Some(w.client_a2));

    // A new centre is created (which never opens a gap) and given A1 and A2: now C1 may let
    // A1 go, and the client may move to A2.
    let centre = ok(
        &app,
        &admin,
        Method::POST,
        "/api/v1/units".into(),
        json!({"organisation_id": w.c, "name": "C2", "kind": "alarm_operators"}),
    )
    .await;
    let c2 = centre["id"].as_str().unwrap().to_owned();
    ok(
        &app,
        &admin,
        Method::PUT,
        format!("/api/v1/units/{c2}/coverage"),
        json!({"covered_unit_ids": [w.a1, w.a2]}),
    )
    .await;
    ok(
        &app,
        &admin,
        Method::PUT,
        format!("/api/v1/units/{}/coverage", w.c1),
        json!({"covered_unit_ids": [w.b1]}),
    )
    .await;
    ok(
        &app,
        &admin,
        Method::PUT,
        format!("/api/v1/clients/{}", w.client_a1),
        json!({"identity": "193001019805", "name": "Alma Ettan",
               "provider_id": w.a, "unit_id": w.a2}),
    )
    .await;
}

/// An alarm stored for `client` as the receiver would (no device: coverage from before the
/// rule, or a device since unlinked).
async fn raise(app: &TestApp, client: ClientId) -> AlarmId {
    let mut a = AlarmRecord::new(
        AlarmKind::Personal,
        AreaType::Town,
        "personal",
        "MA",
        vaka_store::values::to_db_precision(app.services.now()),
    );
    a.client_id = Some(client);
    let mut tx = app.store.begin().await.unwrap();
    tx.insert_alarm(&a).await.unwrap();
    tx.commit(&[]).await.unwrap();
    a.id
}

/// Puts an alarm unit with `client` behind the rule's back, as data from before it.
async fn legacy_alarm_unit(app: &TestApp, w: &World, client: ClientId) -> DeviceId {
    let v = ok(
        app,
        &w.p("m_admin").bearer(),
        Method::POST,
        "/api/v1/devices".into(),
        json!({"kind": "alarm_unit", "serial": "TA-OLD", "model": "Trygghetslarm IP",
               "dc09_account": "9900", "dc09_key_style": "clear"}),
    )
    .await;
    let id: DeviceId = v["device"]["id"].as_str().unwrap().parse().unwrap();
    let mut tx = app.store.begin().await.unwrap();
    let mut d = tx.get_device(id).await.unwrap().unwrap();
    d.client_id = Some(client);
    d.status = DeviceStatus::Active;
    tx.update_device(&d).await.unwrap();
    tx.commit(&[]).await.unwrap();
    id
}

async fn an_alarm_no_centre_covers_lands_in_the_fallback_queue(app: TestApp) {
    let w = World::build(&app).await;
    let op = w.p("c_operator").bearer();
    legacy_alarm_unit(&app, &w, w.client_a2).await;
    let uncovered = raise(&app, w.client_a2).await;
    let covered = raise(&app, w.client_a1).await;

    // The operator of C1 (which covers A1 and B1, not A2) sees both, the A2 alarm flagged.
    let queue = read(&app, &op, "/api/v1/alarms".into()).await;
    let find = |id: AlarmId| {
        queue
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == json!(id))
            .cloned()
            .unwrap_or_else(|| panic!("{id} not in the queue: {queue}"))
    };
    assert_eq!(find(uncovered)["fallback"], true);
    assert_eq!(find(covered)["fallback"], false);
    // The list read is audited with the fallback count.
    assert!(
        audit(&app, AuditAction::AlarmQueueRead)
            .await
            .iter()
            .any(|e| e
                .new
                .details
                .as_deref()
                .unwrap_or("")
                .contains("\"fallback\":1"))
    );
    // The operator opens and takes it like any other.
    let view = read(&app, &op, format!("/api/v1/alarms/{uncovered}")).await;
    assert_eq!(view["alarm"]["fallback"], true);
    assert_eq!(view["client_name"], "Bertil Tvåan");
    let read_entry = audit(&app, AuditAction::AlarmRead)
        .await
        .into_iter()
        .find(|e| e.new.client_id == Some(w.client_a2))
        .expect("the read of the fallback alarm is audited");
    assert!(
        read_entry
            .new
            .details
            .as_deref()
            .unwrap()
            .contains("fallback")
    );
    let taken = ok(
        &app,
        &op,
        Method::POST,
        format!("/api/v1/alarms/{uncovered}/steps"),
        json!({"step": "take"}),
    )
    .await;
    assert_eq!(taken["state"], "taken");
    assert_eq!(taken["fallback"], true);

    // The console page flags it.
    let session = logged_in(&app, w.p("c_operator").id).await;
    let page = app.get("/alarms", &session).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_has("data-fallback");

    // The chain-health view warns: the unit, the open alarm in the fallback queue.
    let manager = logged_in(&app, w.p("m_manager").id).await;
    let health = app.get("/alarms/health", &manager).await;
    assert_eq!(health.status, StatusCode::OK, "{}", health.body);
    health.assert_has("data-coverage-gap");
    health.assert_has("<span data-uncovered-unit>A2</span>");
    health.assert_has("<strong data-fallback-open>1</strong>");

    // Once a centre covers A2 the alarm is the centre's, and the warning goes.
    let admin = w.p("m_admin").bearer();
    ok(
        &app,
        &admin,
        Method::PUT,
        format!("/api/v1/units/{}/coverage", w.c1),
        json!({"covered_unit_ids": [w.a1, w.a2, w.b1]}),
    )
    .await;
    let view = read(&app, &op, format!("/api/v1/alarms/{uncovered}")).await;
    assert_eq!(view["alarm"]["fallback"], false);
    let health = app.get("/alarms/health", &manager).await;
    assert!(
        !health.body.contains("data-coverage-gap"),
        "{}",
        health.body
    );
}

/// Client A1 with a protected identity and a street of its own.
async fn protect_a1(app: &TestApp, w: &World) {
    let mut tx = app.store.begin().await.unwrap();
    let mut c = tx.get_client(w.client_a1).await.unwrap().unwrap();
    c.protection = Protection::ConfidentialityMarking;
    c.address = Some(Address::parse(STREET, "123 45", "Hemlingby").unwrap());
    tx.update_client(&c).await.unwrap();
    tx.commit(&[]).await.unwrap();
}

/// The entries that disclosed the protected address on a dispatch.
async fn disclosures(app: &TestApp, action: AuditAction) -> Vec<AuditEntry> {
    audit(app, action)
        .await
        .into_iter()
        .filter(|e| {
            e.new
                .details
                .as_deref()
                .is_some_and(|d| d.contains("address_on_dispatch"))
        })
        .collect()
}

async fn patrol_page(app: &TestApp, who: &Auth) -> String {
    let res = app.get("/patrol", who).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.body
}

async fn the_dispatched_patrol_sees_a_protected_address_only_while_the_dispatch_is_open(
    app: TestApp,
) {
    let w = World::build(&app).await;
    registry_targets(&app, &w).await;
    protect_a1(&app, &w).await;
    let patrol = logged_in(&app, w.p("a_patrol").id).await;
    let staff = logged_in(&app, w.p("a_staff").id).await;
    // No dispatch: the patrol's list does not show the address.
    assert!(!patrol_page(&app, &patrol).await.contains(STREET));

    let (_, dispatch) = supervision_targets(&app, &w).await;
    // Waiting for a responder: the patrol sees where to go, and the read is audited, flagged.
    assert!(patrol_page(&app, &patrol).await.contains(STREET));
    let seen = disclosures(&app, AuditAction::DispatchesListed).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].new.client_id, Some(w.client_a1));
    assert!(seen[0].new.flags.protected_identity);
    assert_eq!(seen[0].new.actor.user_id, Some(w.p("a_patrol").id));
    assert_eq!(seen[0].new.subject_id, Some(dispatch.clone()));
    // The client's own page still hides it, from the patrol and from everyone outside the
    // named group.
    for who in ["a_patrol", "a_staff", "a_unitmgr", "c_operator"] {
        let res = app
            .get(
                &format!("/api/v1/clients/{}", w.client_a1),
                &w.p(who).bearer(),
            )
            .await;
        assert!(!res.body.contains(STREET), "{who}: {}", res.body);
    }

    // The patrol acknowledges: it is theirs; the other responders no longer see the address.
    let step = async |who: &str, body: Value| {
        ok(
            &app,
            &w.p(who).bearer(),
            Method::POST,
            format!("/api/v1/dispatches/{dispatch}/steps"),
            body,
        )
        .await
    };
    step("a_patrol", json!({"step": "acknowledge"})).await;
    assert!(patrol_page(&app, &patrol).await.contains(STREET));
    let staff_page = patrol_page(&app, &staff).await;
    assert!(
        staff_page.contains(&dispatch),
        "the dispatch is still listed"
    );
    assert!(!staff_page.contains(STREET));

    // Closed: hidden again.
    step("a_patrol", json!({"step": "arrived"})).await;
    step("a_patrol", json!({"step": "close", "note": "Allt väl"})).await;
    let before = disclosures(&app, AuditAction::DispatchesListed).await.len();
    assert!(!patrol_page(&app, &patrol).await.contains(STREET));
    assert_eq!(
        disclosures(&app, AuditAction::DispatchesListed).await.len(),
        before
    );
}

async fn the_patrol_sent_on_a_safety_alarm_sees_a_protected_address_while_it_is_open(app: TestApp) {
    let w = World::build(&app).await;
    protect_a1(&app, &w).await;
    let alarm = raise(&app, w.client_a1).await;
    let patrol = w.p("a_patrol").bearer();
    let op = w.p("c_operator").bearer();
    let view = async |who: &Auth| read(&app, who, format!("/api/v1/alarms/{alarm}")).await;
    // Not dispatched: name only.
    let v = view(&patrol).await;
    assert_eq!(v["disclosure"], "name_only");
    assert_eq!(v["address"], Value::Null);
    let step = async |who: &Auth, body: Value| {
        ok(
            &app,
            who,
            Method::POST,
            format!("/api/v1/alarms/{alarm}/steps"),
            body,
        )
        .await
    };
    step(&op, json!({"step": "take"})).await;
    step(&op, json!({"step": "contact", "note": "Svarar inte"})).await;
    step(&op, json!({"step": "dispatch", "link": "night_patrol"})).await;
    // Sent to the night patrol: the patrol sees the address, the operator does not.
    let v = view(&patrol).await;
    assert!(v["address"].as_str().unwrap().contains(STREET), "{v}");
    assert_eq!(v["phone"], Value::Null, "only the address");
    assert_eq!(view(&op).await["address"], Value::Null);
    let seen = disclosures(&app, AuditAction::AlarmRead).await;
    assert_eq!(seen.len(), 1);
    assert!(seen[0].new.flags.protected_identity);
    assert_eq!(seen[0].new.client_id, Some(w.client_a1));
    // Acknowledged, arrived, closed: hidden again.
    step(&patrol, json!({"step": "acknowledge"})).await;
    assert!(
        view(&patrol).await["address"]
            .as_str()
            .unwrap()
            .contains(STREET)
    );
    step(&patrol, json!({"step": "arrive"})).await;
    step(&patrol, json!({"step": "close", "cause": "help_given"})).await;
    assert_eq!(view(&patrol).await["address"], Value::Null);
}

db_tests!(
    a_coverage_gap_is_refused_for_each_kind_of_change,
    an_alarm_no_centre_covers_lands_in_the_fallback_queue,
    the_dispatched_patrol_sees_a_protected_address_only_while_the_dispatch_is_open,
    the_patrol_sent_on_a_safety_alarm_sees_a_protected_address_while_it_is_open,
);

//! A protected identity is lifted or lowered only as a decision of its own: not by editing the
//! record (through the API or the form, whoever edits), only by the holder of the permission,
//! with a reason, and every entry about the client in the request is flagged.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use vaka_domain::access::Permission;
use vaka_domain::client::{Address, Protection};
use vaka_domain::ids::ClientId;

use crate::db_tests;
use crate::support::{Res, TestApp};
use crate::world::{Person, World, test_client};

const STREET: &str = "Gömställsvägen 9";
const NUMBER: &str = "194606061234";

/// A client in unit A1 with a confidentiality marking and a street address.
async fn marked_client(app: &TestApp, w: &World) -> ClientId {
    let id = ClientId::new();
    let mut c = test_client(
        id,
        "Märta Markerad",
        NUMBER,
        w.a,
        w.a1,
        Protection::ConfidentialityMarking,
    );
    c.address = Some(Address::parse(STREET, "123 45", "Hemlingby").unwrap());
    app.services.cli_insert_client(c).await.unwrap();
    id
}

/// The client as the system administrator's API shows it.
async fn record(app: &TestApp, w: &World, id: ClientId) -> Value {
    let res = app
        .get(&format!("/api/v1/clients/{id}"), &w.p("m_admin").bearer())
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()
}

/// The whole record as an edit sends it, with `protection` as given (or left out).
fn edit_body(protection: Option<&str>, w: &World) -> Value {
    let mut body = json!({
        "identity": NUMBER, "name": "Märta Markerad",
        "provider_id": w.a, "unit_id": w.a1,
    });
    if let Some(p) = protection {
        body["protection"] = json!(p);
    }
    body
}

async fn put(app: &TestApp, who: &Person, path: &str, body: Value) -> Res {
    app.json(Method::PUT, path, &who.bearer(), body).await
}

/// A PUT that must answer `status`, then the client's level of protection.
async fn put_then_level(
    app: &TestApp,
    w: &World,
    (who, path, body): (&Person, &str, Value),
    status: StatusCode,
    id: ClientId,
) -> String {
    let res = put(app, who, path, body).await;
    assert_eq!(res.status, status, "{}", res.body);
    level(app, w, id).await
}

/// The client's level of protection as the system administrator's API shows it.
async fn level(app: &TestApp, w: &World, id: ClientId) -> String {
    record(app, w, id).await["protection"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Everyone who may edit a client's record, by role.
fn editors(w: &World) -> Vec<&Person> {
    let mut editors: Vec<&Person> = w
        .people
        .values()
        .filter(|p| p.role.has(Permission::ClientWrite))
        .collect();
    editors.sort_by(|a, b| a.username.cmp(&b.username));
    editors
}

async fn no_editor_can_lift_a_marking_through_the_api_or_the_form(app: TestApp) {
    let w = World::build(&app).await;
    let id = marked_client(&app, &w).await;
    let editors = editors(&w);
    assert!(
        editors.len() >= 2,
        "the administrator and the assessor edit"
    );

    for who in &editors {
        // Through the API.
        let res = put(
            &app,
            who,
            &format!("/api/v1/clients/{id}"),
            edit_body(Some("none"), &w),
        )
        .await;
        // The API speaks English; it says why.
        res.assert_says(StatusCode::FORBIDDEN, "decision of its own");

        // Through the form, in a browser session.
        let session = crate::support::logged_in(&app, who.id).await;
        let res = app
            .form(
                &format!("/clients/{id}/edit"),
                &session,
                &[
                    ("identity", NUMBER),
                    ("name", "Märta Markerad"),
                    ("placement", &format!("{}/{}", w.a, w.a1)),
                    ("protection", "none"),
                ],
            )
            .await;
        // The page says why, in Swedish.
        res.assert_says(StatusCode::FORBIDDEN, "eget beslut");
    }

    // Nothing changed: still marked, and the address still withheld outside the named group.
    assert_eq!(level(&app, &w, id).await, "confidentiality_marking");
    let seen = app
        .get(&format!("/api/v1/clients/{id}"), &w.p("a_unitmgr").bearer())
        .await;
    assert!(!seen.body.contains(STREET), "{}", seen.body);

    // Each attempt left a refusal, flagged, so a review of protected clients finds it.
    let refused: Vec<Value> = w
        .audit_about(&app, "client.update", id)
        .await
        .into_iter()
        .filter(|e| e["outcome"] == "denied")
        .collect();
    assert_eq!(refused.len(), editors.len() * 2, "{refused:?}");
    assert!(refused.iter().all(|e| e["protected_identity"] == true));

    // Nor can an editor use the decision's own route.
    for who in &editors {
        let res = put(
            &app,
            who,
            &format!("/api/v1/clients/{id}/protection"),
            json!({"protection": "none", "reason": "Beslut 2026-12-01"}),
        )
        .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", who.username);
    }
    assert_eq!(level(&app, &w, id).await, "confidentiality_marking");
}

async fn an_edit_keeps_or_raises_a_protection(app: TestApp) {
    let w = World::build(&app).await;
    let id = marked_client(&app, &w).await;
    let assessor = w.p("m_assessor");

    // A protection left out of the record is kept, not lifted; raising it is part of editing.
    let path = format!("/api/v1/clients/{id}");
    for (sent, kept) in [
        (None, "confidentiality_marking"),
        (Some("protected_registration"), "protected_registration"),
    ] {
        let edit = (assessor, path.as_str(), edit_body(sent, &w));
        assert_eq!(
            put_then_level(&app, &w, edit, StatusCode::OK, id).await,
            kept
        );
    }
    // Both flagged, and the raise with the old and new levels.
    let updates = w.audit_about(&app, "client.update", id).await;
    assert_eq!(updates.len(), 2);
    assert!(updates.iter().all(|e| e["protected_identity"] == true));
    // The newest first: the raise.
    let raised: Value =
        serde_json::from_str(updates[0]["details"].as_str().unwrap_or("null")).unwrap();
    assert_eq!(
        raised["protection"],
        json!({"from": "confidentiality_marking", "to": "protected_registration"}),
        "{updates:?}"
    );
}

async fn the_system_manager_lifts_a_marking_by_decision(app: TestApp) {
    let w = World::build(&app).await;
    let id = marked_client(&app, &w).await;
    let manager = w.p("m_manager");
    let path = format!("/api/v1/clients/{id}/protection");

    // A reason is required, and an unchanged level is a conflict; neither changes anything.
    for (body, status) in [
        (
            json!({"protection": "none", "reason": "  "}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"protection": "confidentiality_marking", "reason": "Beslut"}),
            StatusCode::CONFLICT,
        ),
    ] {
        let asked = (manager, path.as_str(), body);
        assert_eq!(
            put_then_level(&app, &w, asked, status, id).await,
            "confidentiality_marking"
        );
    }

    let res = put(
        &app,
        manager,
        &path,
        json!({"protection": "none", "reason": "Sekretessmarkeringen upphörd enligt Skatteverket"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let done = res.json();
    assert_eq!(done["from"], "confidentiality_marking");
    assert_eq!(done["to"], "none");
    assert_eq!(done["name"], "Märta Markerad");

    // Lifted: the unit manager, outside the named group, now sees the address.
    assert_eq!(level(&app, &w, id).await, "none");
    let seen = app
        .get(&format!("/api/v1/clients/{id}"), &w.p("a_unitmgr").bearer())
        .await;
    assert!(seen.body.contains(STREET), "{}", seen.body);

    // One entry, flagged although the client is no longer protected, with levels and reason.
    let changes = w.audit_about(&app, "client.protection", id).await;
    assert_eq!(changes.len(), 1, "{changes:?}");
    let e = &changes[0];
    assert_eq!(e["outcome"], "success");
    assert_eq!(e["protected_identity"], true);
    assert_eq!(e["actor_user_id"], json!(manager.id));
    let details: Value = serde_json::from_str(e["details"].as_str().unwrap()).unwrap();
    assert_eq!(details["from"], "confidentiality_marking");
    assert_eq!(details["to"], "none");
    assert_eq!(
        details["reason"],
        "Sekretessmarkeringen upphörd enligt Skatteverket"
    );
}

async fn the_protection_page_finds_the_client_by_number(app: TestApp) {
    let w = World::build(&app).await;
    let id = marked_client(&app, &w).await;
    let manager = crate::support::logged_in(&app, w.p("m_manager").id).await;

    let page = app.get("/admin/protection", &manager).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Skyddade personuppgifter"),
        "{}",
        page.body
    );
    let home = app.get("/", &manager).await;
    assert!(
        home.body.contains("href=\"/admin/protection\""),
        "the menu leads there"
    );

    // An unknown number, a number that is not one, and no reason: the form is shown again
    // with what was typed and the reason in Swedish; nothing changes.
    for (fields, says) in [
        (
            [
                ("identity", "191212121212"),
                ("protection", "none"),
                ("reason", "Beslut"),
            ],
            "ingen brukare med det personnumret",
        ),
        (
            [
                ("identity", "12-34"),
                ("protection", "none"),
                ("reason", "Beslut"),
            ],
            "Personnummer",
        ),
        (
            [("identity", NUMBER), ("protection", "none"), ("reason", "")],
            "Orsak",
        ),
    ] {
        let res = app.form("/admin/protection", &manager, &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains(says), "{says}: {}", res.body);
        assert!(res.body.contains(&format!("value=\"{}\"", fields[0].1)));
    }
    assert_eq!(level(&app, &w, id).await, "confidentiality_marking");

    // The 10-digit form of the number, as a notice may write it.
    let res = app
        .form(
            "/admin/protection",
            &manager,
            &[
                ("identity", "460606-1234"),
                ("protection", "none"),
                ("reason", "Beslut 2026-12-01"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(
        res.body
            .contains("Skyddet för Märta Markerad är ändrat från Sekretessmarkering till Inga."),
        "{}",
        res.body
    );
    assert_eq!(level(&app, &w, id).await, "none");

    // Nobody else reaches the page.
    for who in editors(&w) {
        let session = crate::support::logged_in(&app, who.id).await;
        assert_eq!(
            app.get("/admin/protection", &session).await.status,
            StatusCode::FORBIDDEN
        );
    }
}

db_tests!(
    no_editor_can_lift_a_marking_through_the_api_or_the_form,
    an_edit_keeps_or_raises_a_protection,
    the_system_manager_lifts_a_marking_by_decision,
    the_protection_page_finds_the_client_by_number,
);

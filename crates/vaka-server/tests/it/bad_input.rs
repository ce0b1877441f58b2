//! Bad input gets a clear 4xx that says what was wrong, never a 5xx, and changes nothing.

use axum::http::{Method, StatusCode};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::db_tests;
use crate::support::TestApp;
use crate::world::World;

/// Rows in the tables a bad request might half-write.
async fn counts(app: &TestApp) -> (usize, usize, usize, usize) {
    let mut tx = app.store.begin_read().await.unwrap();
    (
        tx.list_organisations().await.unwrap().len(),
        tx.list_units().await.unwrap().len(),
        tx.list_users(&vaka_store::UserFilter {
            limit: 10_000,
            ..Default::default()
        })
        .await
        .unwrap()
        .len(),
        tx.list_all_assignments().await.unwrap().len(),
    )
}

struct Case {
    method: Method,
    path: String,
    content_type: &'static str,
    body: Vec<u8>,
    status: StatusCode,
    /// A word the problem's detail must contain.
    says: &'static str,
}

#[allow(
    clippy::needless_pass_by_value,
    reason = "callers pass `json!` literals"
)]
fn case(
    method: Method,
    path: impl Into<String>,
    body: Value,
    status: StatusCode,
    says: &'static str,
) -> Case {
    Case {
        method,
        path: path.into(),
        content_type: "application/json",
        body: body.to_string().into_bytes(),
        status,
        says,
    }
}

async fn the_api_answers_bad_input_with_a_clear_4xx_and_changes_nothing(app: TestApp) {
    let w = World::build(&app).await;
    let admin = w.p("m_admin").bearer();
    let user = |name: &str, email: &str, extra: Value| {
        let mut v = json!({
            "username": name, "display_name": "Någon", "email": email, "organisation_id": w.b,
            "roles": [{"role": "care_staff", "organisation_id": w.b, "unit_id": w.b1}]
        });
        if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            for (k, x) in e {
                o.insert(k.clone(), x.clone());
            }
        }
        v
    };
    let u422 = StatusCode::UNPROCESSABLE_ENTITY;
    let cases = vec![
        Case {
            method: Method::POST,
            path: "/api/v1/organisations".into(),
            content_type: "application/json",
            body: b"{\"name\": ".to_vec(),
            status: StatusCode::BAD_REQUEST,
            says: "JSON",
        },
        Case {
            method: Method::POST,
            path: "/api/v1/organisations".into(),
            content_type: "text/plain",
            body: b"{}".to_vec(),
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            says: "Content-Type",
        },
        case(
            Method::POST,
            "/api/v1/organisations",
            json!({"kind": "provider"}),
            u422,
            "name",
        ),
        case(
            Method::POST,
            "/api/v1/organisations",
            json!({"kind": "bank", "name": "X"}),
            u422,
            "kind",
        ),
        case(
            Method::POST,
            "/api/v1/organisations",
            json!({"kind": "provider", "provider_kind": "private", "name": "X", "colour": "red"}),
            u422,
            "colour",
        ),
        case(
            Method::POST,
            "/api/v1/organisations",
            json!({"kind": "provider", "name": "X"}),
            u422,
            "provider_kind",
        ),
        case(
            Method::POST,
            "/api/v1/organisations",
            json!({"kind": "provider", "provider_kind": "private", "name": "   "}),
            u422,
            "name",
        ),
        case(
            Method::POST,
            "/api/v1/organisations",
            json!({"kind": "provider", "provider_kind": "private", "name": "x".repeat(500)}),
            u422,
            "name",
        ),
        case(
            Method::POST,
            "/api/v1/organisations",
            json!({"kind": "provider", "provider_kind": "private", "name": "Nul\u{0}AB"}),
            u422,
            "name",
        ),
        case(
            Method::POST,
            "/api/v1/organisations",
            json!({"kind": "provider", "provider_kind": "private", "name": "Ok AB", "org_number": "556677-8890"}),
            u422,
            "check digit",
        ),
        case(
            Method::POST,
            "/api/v1/organisations",
            json!({"kind": "municipality", "name": "Andra kommunen"}),
            StatusCode::CONFLICT,
            "municipality",
        ),
        case(
            Method::POST,
            "/api/v1/organisations",
            json!({"kind": "provider", "provider_kind": "private", "name": "privat omsorg ab"}),
            StatusCode::CONFLICT,
            "name",
        ),
        case(
            Method::POST,
            "/api/v1/units",
            json!({"organisation_id": uuid::Uuid::new_v4(), "name": "X", "kind": "home_care"}),
            u422,
            "organisation",
        ),
        case(
            Method::POST,
            "/api/v1/units",
            json!({"organisation_id": w.b, "name": "X", "kind": "kitchen"}),
            u422,
            "kind",
        ),
        case(
            Method::POST,
            "/api/v1/units",
            json!({"organisation_id": w.b, "name": "b1", "kind": "home_care"}),
            StatusCode::CONFLICT,
            "unit",
        ),
        case(
            Method::POST,
            "/api/v1/users",
            user("ok.name", "not-an-email", json!({})),
            u422,
            "email",
        ),
        case(
            Method::POST,
            "/api/v1/users",
            user("1bad", "a@b.se", json!({})),
            u422,
            "username",
        ),
        case(
            Method::POST,
            "/api/v1/users",
            user("ok.name", "a@b.se", json!({"hsa_id": "XY123"})),
            u422,
            "hsa_id",
        ),
        case(
            Method::POST,
            "/api/v1/users",
            user("ok.name", "a@b.se", json!({"roles": []})),
            u422,
            "roles",
        ),
        case(
            Method::POST,
            "/api/v1/users",
            user(
                "ok.name",
                "a@b.se",
                json!({"roles": [{"role": "care_staff", "organisation_id": w.a, "unit_id": w.a1}]}),
            ),
            u422,
            "organisation",
        ),
        case(
            Method::POST,
            "/api/v1/users",
            user(
                "ok.name",
                "a@b.se",
                json!({"roles": [{"role": "care_staff", "organisation_id": w.b, "unit_id": null}]}),
            ),
            u422,
            "unit",
        ),
        case(
            Method::POST,
            "/api/v1/users",
            user(
                "ok.name",
                "a@b.se",
                json!({"roles": [{"role": "care_staff", "organisation_id": w.b, "unit_id": w.a1}]}),
            ),
            u422,
            "unit",
        ),
        case(
            Method::POST,
            "/api/v1/users",
            user("b_staff", "a@b.se", json!({})),
            StatusCode::CONFLICT,
            "username",
        ),
        case(
            Method::POST,
            "/api/v1/users",
            user(
                "ok.name",
                "a@b.se",
                json!({"roles": [{"role": "janitor", "organisation_id": w.b, "unit_id": w.b1}]}),
            ),
            u422,
            "role",
        ),
        case(
            Method::PATCH,
            format!("/api/v1/users/{}", w.p("b_staff").id),
            json!({"email": "nope"}),
            u422,
            "email",
        ),
        case(
            Method::PUT,
            format!("/api/v1/units/{}/coverage", w.an),
            json!({"covered_unit_ids": [uuid::Uuid::new_v4()]}),
            u422,
            "unit",
        ),
        case(
            Method::PUT,
            format!("/api/v1/units/{}/coverage", w.an),
            json!({"covered_unit_ids": "all"}),
            u422,
            "covered_unit_ids",
        ),
        case(
            Method::POST,
            format!("/api/v1/users/{}/tokens", w.p("b_staff").id),
            json!({"name": ""}),
            u422,
            "name",
        ),
        case(
            Method::POST,
            format!("/api/v1/users/{}/deactivate", w.p("m_admin").id),
            json!({}),
            StatusCode::CONFLICT,
            "own account",
        ),
        case(
            Method::GET,
            "/api/v1/users/not-a-uuid",
            json!(null),
            StatusCode::NOT_FOUND,
            "resource",
        ),
        case(
            Method::GET,
            format!("/api/v1/users/{}", uuid::Uuid::new_v4()),
            json!(null),
            StatusCode::NOT_FOUND,
            "user",
        ),
        case(
            Method::GET,
            "/api/v1/audit?from=last+week",
            json!(null),
            u422,
            "from",
        ),
        case(
            Method::GET,
            "/api/v1/audit?from=2026-11-22&to=2026-11-01",
            json!(null),
            u422,
            "to",
        ),
        case(
            Method::GET,
            "/api/v1/audit?action=steal",
            json!(null),
            u422,
            "action",
        ),
        case(
            Method::GET,
            "/api/v1/audit?limit=0",
            json!(null),
            u422,
            "limit",
        ),
        case(
            Method::GET,
            "/api/v1/audit?limit=abc",
            json!(null),
            StatusCode::BAD_REQUEST,
            "query",
        ),
        case(
            Method::GET,
            "/api/v1/users?status=happy",
            json!(null),
            StatusCode::BAD_REQUEST,
            "query",
        ),
        case(
            Method::GET,
            "/api/v1/nothing-here",
            json!(null),
            StatusCode::NOT_FOUND,
            "not found",
        ),
        Case {
            method: Method::POST,
            path: "/api/v1/organisations".into(),
            content_type: "application/json",
            body: vec![b' '; 2 * 1024 * 1024],
            status: StatusCode::PAYLOAD_TOO_LARGE,
            says: "large",
        },
    ];
    let before = counts(&app).await;
    let manager = w.p("m_manager").bearer();
    for c in cases {
        let auth = if c.path.starts_with("/api/v1/audit") {
            &manager
        } else {
            &admin
        };
        let res = app
            .raw(
                c.method.clone(),
                &c.path,
                auth,
                c.content_type,
                c.body.clone(),
            )
            .await;
        assert_eq!(
            res.status, c.status,
            "{} {}: {}",
            c.method, c.path, res.body
        );
        assert_eq!(
            res.headers.get("content-type").unwrap(),
            "application/problem+json",
            "{} {}",
            c.method,
            c.path
        );
        let p = res.json();
        let detail = p["detail"].as_str().unwrap().to_lowercase();
        assert!(
            detail.contains(&c.says.to_lowercase()),
            "{} {}: {detail:?} does not mention {:?}",
            c.method,
            c.path,
            c.says
        );
        assert!(p["request_id"].as_str().is_some_and(|r| !r.is_empty()));
        assert_eq!(
            counts(&app).await,
            before,
            "{} {} changed something",
            c.method,
            c.path
        );
    }
}

async fn random_bodies_never_cause_a_server_error(app: TestApp) {
    use proptest::strategy::ValueTree;
    let w = World::build(&app).await;
    let admin = w.p("m_admin").bearer();
    let before = counts(&app).await;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = (
        0usize..6,
        proptest::collection::vec(any::<u8>(), 0..200),
        "[a-z_]{1,12}",
        ".{0,40}",
    );
    let paths = [
        "/api/v1/organisations",
        "/api/v1/units",
        "/api/v1/users",
        "/api/v1/users/requests",
    ];
    let samples: Vec<_> = (0..96)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect();
    for (i, (kind, bytes, key, text)) in samples.into_iter().enumerate() {
        let path = paths[i % paths.len()];
        let body = match kind {
            0 => bytes,
            1 => json!({ key: text }).to_string().into_bytes(),
            2 => json!({"kind": text, "name": text, "provider_kind": key}).to_string().into_bytes(),
            3 => json!({"username": text, "display_name": text, "email": text, "organisation_id": text, "roles": [{"role": key}]}).to_string().into_bytes(),
            4 => json!([text, key]).to_string().into_bytes(),
            _ => json!({"organisation_id": w.b, "name": text, "kind": key}).to_string().into_bytes(),
        };
        let res = app
            .raw(Method::POST, path, &admin, "application/json", body)
            .await;
        assert!(
            res.status.is_client_error() || res.status.is_success(),
            "{path}: {} {}",
            res.status,
            res.body
        );
    }
    let after = counts(&app).await;
    assert!(after.2 == before.2, "no account was created from noise");
}

db_tests!(
    the_api_answers_bad_input_with_a_clear_4xx_and_changes_nothing,
    random_bodies_never_cause_a_server_error,
);

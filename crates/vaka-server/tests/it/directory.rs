//! The directory: account requests and approvals, roles, coverage and need-to-know.

use axum::http::{Method, StatusCode};
use jiff::SignedDuration;
use serde_json::json;

use crate::db_tests;
use crate::support::{Auth, TestApp};
use crate::world::World;

fn names(v: &serde_json::Value, key: &str) -> Vec<String> {
    let mut n: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_str().unwrap().to_owned())
        .collect();
    n.sort();
    n
}

async fn a_provider_requests_and_the_municipality_approves(app: TestApp) {
    let w = World::build(&app).await;
    let b_admin = w.p("b_admin").bearer();
    let req = json!({
        "username": "nyanstalld", "display_name": "Ny Anställd", "email": "ny@privatomsorg.se",
        "organisation_id": w.b, "roles": [{"role": "care_staff", "organisation_id": w.b, "unit_id": w.b1}]
    });
    let res = app
        .json(Method::POST, "/api/v1/users/requests", &b_admin, req)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = res.json()["user"]["id"].as_str().unwrap().to_owned();
    assert_eq!(res.json()["user"]["status"], "requested");
    assert!(
        res.json()["initial_password"].is_null(),
        "a request carries no password"
    );

    // The provider cannot approve its own request.
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/users/{id}/approve"),
            &b_admin,
            json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // The requested account cannot log in yet.
    let login = app
        .form(
            "/login",
            &Auth::None,
            &[("username", "nyanstalld"), ("password", "whatever-it-is")],
        )
        .await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED);

    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/users/{id}/approve"),
            &w.p("m_admin").bearer(),
            json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let password = res.json()["initial_password"].as_str().unwrap().to_owned();
    assert_eq!(res.json()["user"]["status"], "active");

    // First login: change the one-time password, then enrol a second factor.
    let login = app
        .form(
            "/login",
            &Auth::None,
            &[("username", "nyanstalld"), ("password", &password)],
        )
        .await;
    assert_eq!(login.location(), Some("/login/password"));
    // Approving twice is a conflict, not a second password.
    let again = app
        .json(
            Method::POST,
            &format!("/api/v1/users/{id}/approve"),
            &w.p("m_admin").bearer(),
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

async fn requests_stay_within_the_requesters_organisation_and_unit(app: TestApp) {
    let w = World::build(&app).await;
    let other_org = json!({
        "username": "infiltrator", "display_name": "X", "email": "x@x.se",
        "organisation_id": w.a, "roles": [{"role": "care_staff", "organisation_id": w.a, "unit_id": w.a1}]
    });
    let res = app
        .json(
            Method::POST,
            "/api/v1/users/requests",
            &w.p("b_admin").bearer(),
            other_org,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let admin_role = json!({
        "username": "wannabe", "display_name": "X", "email": "x@x.se",
        "organisation_id": w.b, "roles": [{"role": "system_admin", "organisation_id": w.b, "unit_id": null}]
    });
    let res = app
        .json(
            Method::POST,
            "/api/v1/users/requests",
            &w.p("b_admin").bearer(),
            admin_role,
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a provider cannot hold system_admin"
    );
    assert!(
        res.json()["detail"]
            .as_str()
            .unwrap()
            .contains("system_admin")
    );
    let other_unit = json!({
        "username": "sideways", "display_name": "X", "email": "x@x.se",
        "organisation_id": w.a, "roles": [{"role": "care_staff", "organisation_id": w.a, "unit_id": w.a2}]
    });
    let res = app
        .json(
            Method::POST,
            "/api/v1/users/requests",
            &w.p("a_unitmgr").bearer(),
            other_unit,
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "a unit manager requests only for their unit"
    );
    let users = app
        .get("/api/v1/users", &w.p("m_admin").bearer())
        .await
        .json();
    assert!(
        !names(&users, "username")
            .iter()
            .any(|u| ["infiltrator", "wannabe", "sideways"].contains(&u.as_str()))
    );
}

async fn each_sees_only_the_clients_their_units_serve(app: TestApp) {
    let w = World::build(&app).await;
    let list = async |who: &str| {
        let res = app.get("/api/v1/clients", &w.p(who).bearer()).await;
        assert_eq!(res.status, StatusCode::OK, "{who}: {}", res.body);
        names(&res.json(), "name")
    };
    assert_eq!(list("a_staff").await, ["Alma Ettan"]);
    assert_eq!(list("a_unitmgr").await, ["Alma Ettan"]);
    assert_eq!(
        list("a_patrol").await,
        ["Alma Ettan"],
        "the night patrol covers A1 only"
    );
    assert_eq!(
        list("a_nurse").await,
        ["Alma Ettan", "Bertil Tvåan"],
        "an organisation-wide nurse"
    );
    assert_eq!(list("b_staff").await, ["Cecilia Bee"]);
    assert_eq!(
        list("c_operator").await,
        ["Alma Ettan", "Cecilia Bee"],
        "the alarm centre covers A1 and B1"
    );
    assert_eq!(
        list("m_assessor").await,
        ["Alma Ettan", "Bertil Tvåan", "Cecilia Bee"]
    );
    let res = app.get("/api/v1/clients", &w.p("b_admin").bearer()).await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "a provider's administrator sees no clients"
    );
    let res = app.get("/api/v1/clients", &w.p("m_manager").bearer()).await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "governance sees logs, not clients"
    );
}

async fn coverage_and_roles_move_need_to_know_at_once(app: TestApp) {
    let w = World::build(&app).await;
    let admin = w.p("m_admin").bearer();
    let patrol = w.p("a_patrol").bearer();
    let res = app
        .json(
            Method::PUT,
            &format!("/api/v1/units/{}/coverage", w.an),
            &admin,
            json!({"covered_unit_ids": [w.a1, w.a2]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let seen = names(&app.get("/api/v1/clients", &patrol).await.json(), "name");
    assert_eq!(seen, ["Alma Ettan", "Bertil Tvåan"]);
    // A home-care unit cannot cover others.
    let res = app
        .json(
            Method::PUT,
            &format!("/api/v1/units/{}/coverage", w.a1),
            &admin,
            json!({"covered_unit_ids": [w.a2]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Granting a role in B1 to a_staff adds B1's clients; revoking it removes them.
    let staff = w.p("a_staff");
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/users/{}/roles", staff.id),
            &admin,
            json!({"role": "nurse", "organisation_id": w.a, "unit_id": w.a2}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let assignment = res.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        names(
            &app.get("/api/v1/clients", &staff.bearer()).await.json(),
            "name"
        ),
        ["Alma Ettan", "Bertil Tvåan"]
    );
    let res = app
        .delete(
            &format!("/api/v1/users/{}/roles/{assignment}", staff.id),
            &admin,
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(
        names(
            &app.get("/api/v1/clients", &staff.bearer()).await.json(),
            "name"
        ),
        ["Alma Ettan"]
    );
}

async fn accounts_unused_for_ninety_days_are_flagged(app: TestApp) {
    let w = World::build(&app).await;
    let admin = w.p("m_admin").bearer();
    let flagged = app.get("/api/v1/users?unused=true", &admin).await.json();
    assert!(flagged.as_array().unwrap().is_empty());
    app.clock.advance(SignedDuration::from_hours(90 * 24));
    // The admin's token keeps working; every account has now gone 90 days without a login.
    let flagged = app.get("/api/v1/users?unused=true", &admin).await.json();
    assert_eq!(
        flagged.as_array().unwrap().len(),
        w.people.len(),
        "everyone, the admin included"
    );
    assert!(
        flagged
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["unused"] == true)
    );
}

async fn the_admin_creates_a_unit_and_a_user_in_the_pages(app: TestApp) {
    let w = World::build(&app).await;
    let admin = w.p("m_admin");
    let auth = crate::support::logged_in(&app, admin.id).await;
    let res = app
        .form(
            "/admin/units",
            &auth,
            &[
                ("organisation_id", &w.b.to_string()),
                ("name", "B2 Väster"),
                ("kind", "home_care"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let unit_page = app.get(res.location().unwrap(), &auth).await;
    assert!(unit_page.body.contains("B2 Väster") && unit_page.body.contains("Enheten är skapad"));
    let unit_id = res
        .location()
        .unwrap()
        .split('/')
        .nth(3)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();

    let res = app
        .form(
            "/admin/users/new",
            &auth,
            &[
                ("display_name", "Vera Väster"),
                ("username", "vera"),
                ("email", "vera@privat.se"),
                ("hsa_id", ""),
                ("organisation_id", &w.b.to_string()),
                ("role", "care_staff"),
                ("unit_id", &unit_id),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert!(
        res.body.contains("id=\"initial-password\""),
        "the one-time password is shown once"
    );

    // A mistake is shown on the form, in Swedish, and nothing is stored.
    let res = app
        .form(
            "/admin/users/new",
            &auth,
            &[
                ("display_name", "Vera Igen"),
                ("username", "vera"),
                ("email", "inte-en-adress"),
                ("hsa_id", ""),
                ("organisation_id", &w.b.to_string()),
                ("role", "care_staff"),
                ("unit_id", &unit_id),
            ],
        )
        .await;
    res.assert_says(StatusCode::UNPROCESSABLE_ENTITY, "E-post");
    let users = app
        .get("/api/v1/users?q=vera", &admin.bearer())
        .await
        .json();
    assert_eq!(users.as_array().unwrap().len(), 1);
}

db_tests!(
    a_provider_requests_and_the_municipality_approves,
    requests_stay_within_the_requesters_organisation_and_unit,
    each_sees_only_the_clients_their_units_serve,
    coverage_and_roles_move_need_to_know_at_once,
    accounts_unused_for_ninety_days_are_flagged,
    the_admin_creates_a_unit_and_a_user_in_the_pages,
);

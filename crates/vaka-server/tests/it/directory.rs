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

/// Account enumeration (issue 13.6): a provider's administrator who requests an account learns
/// nothing about usernames of other organisations. A request for a taken username is answered
/// exactly as one for a free username (API and page), and is audited all the same; the
/// municipality's administrator sees the clash and approves under another name.
async fn a_request_does_not_tell_whether_a_username_is_taken(app: TestApp) {
    let w = World::build(&app).await;
    let b_admin = w.p("b_admin");
    let m_admin = w.p("m_admin").bearer();
    let taken = "a_staff"; // an account of provider A
    let free = "ledigt.namn";
    let request = |username: &str| {
        json!({
            "username": username, "display_name": "Ny Anställd", "email": "ny@privatomsorg.se",
            "organisation_id": w.b, "roles": [{"role": "care_staff", "organisation_id": w.b, "unit_id": w.b1}]
        })
    };
    // The answer with the id, the time and the username asked for taken out.
    let shape = |res: &crate::support::Res, username: &str| {
        assert_eq!(
            res.status,
            StatusCode::CREATED,
            "a request for {username}: {}",
            res.body
        );
        let v = res.json();
        let id = v["user"]["id"].as_str().unwrap().to_owned();
        let created = v["user"]["created_at"].as_str().unwrap().to_owned();
        let body = res
            .body
            .replace(&id, "<id>")
            .replace(&created, "<at>")
            .replace(username, "<username>");
        (res.status, body, id)
    };
    let res = app
        .json(
            Method::POST,
            "/api/v1/users/requests",
            &b_admin.bearer(),
            request(taken),
        )
        .await;
    let (status_taken, body_taken, id_taken) = shape(&res, taken);
    let res = app
        .json(
            Method::POST,
            "/api/v1/users/requests",
            &b_admin.bearer(),
            request(free),
        )
        .await;
    let (status_free, body_free, id_free) = shape(&res, free);
    assert_eq!((status_taken, &body_taken), (status_free, &body_free));
    assert!(
        body_taken.contains("\"username\":\"<username>\""),
        "{body_taken}"
    );

    // The same through the page, and the request's own page reads alike.
    let session = crate::support::logged_in(&app, b_admin.id).await;
    let mut pages = Vec::new();
    for username in [taken, free] {
        let form = [
            ("username", username),
            ("display_name", "Ny Anställd"),
            ("email", "ny@privatomsorg.se"),
            ("hsa_id", ""),
            ("organisation_id", &w.b.to_string()),
            ("role", "care_staff"),
            ("unit_id", &w.b1.to_string()),
        ];
        let res = app.form("/admin/users/request", &session, &form).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let to = res.location().unwrap().to_owned();
        let id = to
            .trim_start_matches("/admin/users/")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let page = app.get(&to, &session).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let shown = page
            .body
            .replace(&id, "<id>")
            .replace(username, "<username>");
        pages.push((res.status, to.replace(&id, "<id>"), strip_times(&shown)));
    }
    assert_eq!(pages[0], pages[1], "the requester's pages differ");

    // The requester's list shows each request under the username asked for.
    let mine = app
        .get("/api/v1/users?status=requested", &b_admin.bearer())
        .await
        .json();
    let listed = names(&mine, "username");
    assert_eq!(
        listed.iter().filter(|u| *u == taken).count(),
        2,
        "{listed:?}"
    );

    // Both requests are in the audit log.
    let audit = app
        .get(
            &format!(
                "/api/v1/audit?action=user.request&user_id={}&limit=50",
                b_admin.id
            ),
            &w.p("m_manager").bearer(),
        )
        .await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.body);
    let subjects: Vec<String> = audit
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["subject_id"].as_str().unwrap_or_default().to_owned())
        .collect();
    for id in [&id_taken, &id_free] {
        assert!(subjects.contains(id), "{id} not audited: {subjects:?}");
    }

    // The approver sees the clash on the request's page; the requester never does.
    let m_session = crate::support::logged_in(&app, w.p("m_admin").id).await;
    let page = app
        .get(&format!("/admin/users/{id_taken}"), &m_session)
        .await;
    page.assert_says(StatusCode::OK, "Användarnamnet som begärts finns redan");
    let page = app
        .get(&format!("/admin/users/{id_free}"), &m_session)
        .await;
    assert!(!page.body.contains("username-taken"), "{}", page.body);
    let page = app.get(&format!("/admin/users/{id_taken}"), &session).await;
    assert!(!page.body.contains("username-taken"));

    // Approving under the taken name is refused; under another name the account works.
    let approve = |id: &str| format!("/api/v1/users/{id}/approve");
    for body in [json!({}), json!(null)] {
        let res = app
            .json(Method::POST, &approve(&id_taken), &m_admin, body)
            .await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    }
    let res = app
        .json(
            Method::POST,
            &approve(&id_taken),
            &m_admin,
            json!({"username": "b.nyanstalld"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["user"]["username"], "b.nyanstalld");
    let password = res.json()["initial_password"].as_str().unwrap().to_owned();
    let login = app
        .form(
            "/login",
            &Auth::None,
            &[("username", "b.nyanstalld"), ("password", &password)],
        )
        .await;
    assert_eq!(login.location(), Some("/login/password"));
    // The free name is claimed as asked for, without a body.
    let res = app
        .send(
            axum::http::Request::builder()
                .method(Method::POST)
                .uri(approve(&id_free))
                .header(
                    axum::http::header::AUTHORIZATION,
                    format!("Bearer {}", w.p("m_admin").token),
                )
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["user"]["username"], free);
}

/// A page with its clock times taken out (`12:34`).
fn strip_times(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if i + 4 < chars.len()
            && chars[i].is_ascii_digit()
            && chars[i + 1].is_ascii_digit()
            && chars[i + 2] == ':'
            && chars[i + 3].is_ascii_digit()
            && chars[i + 4].is_ascii_digit()
        {
            out.push_str("hh:mm");
            i += 5;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

db_tests!(
    a_request_does_not_tell_whether_a_username_is_taken,
    a_provider_requests_and_the_municipality_approves,
    requests_stay_within_the_requesters_organisation_and_unit,
    each_sees_only_the_clients_their_units_serve,
    coverage_and_roles_move_need_to_know_at_once,
    accounts_unused_for_ninety_days_are_flagged,
    the_admin_creates_a_unit_and_a_user_in_the_pages,
);

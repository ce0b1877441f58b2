//! The staff app's PIN login on a phone: a logged-in care worker keeps a device key with a PIN;
//! the key and the PIN open a new full session later; wrong PINs count and the fifth revokes
//! the key; "log out everywhere" and deactivation revoke it; a token may not ask for one; every
//! try is in the audit log.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::db_tests;
use crate::support::{Auth, TestApp, logged_in};
use crate::world::World;

/// A device key for `who`'s phone, with `pin`: (id, key).
async fn enrol(app: &TestApp, who: &Auth, pin: &str) -> (String, String) {
    let res = app
        .json(
            Method::POST,
            "/api/v1/app/device",
            who,
            json!({ "pin": pin }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let v = res.json();
    (
        v["id"].as_str().unwrap().to_owned(),
        v["key"].as_str().unwrap().to_owned(),
    )
}

async fn unlock(app: &TestApp, id: &str, key: &str, pin: &str) -> crate::support::Res {
    app.json(
        Method::POST,
        "/api/v1/app/unlock",
        &Auth::None,
        json!({ "id": id, "key": key, "pin": pin }),
    )
    .await
}

/// The session cookie an answer set.
fn session_of(res: &crate::support::Res) -> Option<String> {
    res.headers
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("vaka_session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
        .filter(|t| !t.is_empty())
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    let mut tx = app.store.begin_read().await.unwrap();
    let page = tx
        .search_audit(&vaka_store::AuditQuery {
            limit: 500,
            ..vaka_store::AuditQuery::default()
        })
        .await
        .unwrap();
    page.into_iter()
        .map(|e| {
            (
                e.new.action.code().to_owned(),
                e.new.outcome.code().to_owned(),
            )
        })
        .collect()
}

async fn the_pin_and_the_key_open_a_new_session_and_wrong_pins_revoke_the_key(app: TestApp) {
    let w = World::build(&app).await;
    let staff = logged_in(&app, w.p("a_staff").id).await;

    // A PIN easy to guess is refused, nothing is kept.
    for weak in ["1234", "0000", "12", "abcd"] {
        let res = app
            .json(
                Method::POST,
                "/api/v1/app/device",
                &staff,
                json!({ "pin": weak }),
            )
            .await;
        res.assert_says(StatusCode::UNPROCESSABLE_ENTITY, "pin");
    }
    let (id, key) = enrol(&app, &staff, "2580").await;

    // Key and PIN: a full session, usable at once.
    let res = unlock(&app, &id, &key, "2580").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["status"], "ok");
    let token = session_of(&res).expect("a session cookie");
    let me = app
        .get(
            "/api/v1/me",
            &Auth::Session {
                token,
                csrf: String::new(),
            },
        )
        .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    assert_eq!(me.json()["username"], w.p("a_staff").username);

    // The key alone, or the PIN with another key, opens nothing.
    let res = unlock(&app, &id, "not-the-key", "2580").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json()["status"], "gone");
    assert!(session_of(&res).is_none());

    // Wrong PINs count down; a right one in between starts the count again.
    for left in [4, 3] {
        let res = unlock(&app, &id, &key, "9999").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
        assert_eq!(res.json(), json!({ "status": "wrong_pin", "left": left }));
        assert!(session_of(&res).is_none());
    }
    assert_eq!(unlock(&app, &id, &key, "2580").await.status, StatusCode::OK);
    for left in [4, 3, 2, 1] {
        let res = unlock(&app, &id, &key, "1357").await;
        assert_eq!(res.json(), json!({ "status": "wrong_pin", "left": left }));
    }
    // The fifth wrong PIN in a row revokes the key: the right PIN no longer helps.
    let res = unlock(&app, &id, &key, "1357").await;
    assert_eq!(res.json()["status"], "gone");
    let res = unlock(&app, &id, &key, "2580").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json()["status"], "gone");

    let actions = audit_actions(&app).await;
    let count = |a: &str, o: &str| actions.iter().filter(|(x, y)| x == a && y == o).count();
    assert_eq!(count("auth.app_device_enrol", "success"), 1);
    assert_eq!(count("auth.app_device_unlock", "success"), 2);
    // 1 wrong key, 2 + 5 wrong PINs, 1 right PIN on a revoked key.
    assert_eq!(count("auth.app_device_unlock", "failure"), 9);
    assert_eq!(count("auth.app_device_revoke", "success"), 1);
}

async fn logging_out_everywhere_and_deactivation_revoke_the_phones(app: TestApp) {
    let w = World::build(&app).await;
    let staff = logged_in(&app, w.p("a_staff").id).await;
    let (id, key) = enrol(&app, &staff, "2580").await;
    let res = app.form("/profile/logout-everywhere", &staff, &[]).await;
    assert!(
        res.status.is_redirection() || res.status.is_success(),
        "{}",
        res.body
    );
    let res = unlock(&app, &id, &key, "2580").await;
    assert_eq!(
        res.json()["status"],
        "gone",
        "logging out everywhere ends the PIN login"
    );

    let staff = logged_in(&app, w.p("a_staff").id).await;
    let (id, key) = enrol(&app, &staff, "2580").await;
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/users/{}/deactivate", w.p("a_staff").id),
            &w.p("a_unitmgr").bearer(),
            json!({}),
        )
        .await;
    assert!(res.status.is_success(), "{}", res.body);
    let res = unlock(&app, &id, &key, "2580").await;
    assert_eq!(
        res.json()["status"],
        "gone",
        "a deactivated user's phone opens nothing"
    );
}

async fn only_a_logged_in_phone_of_someone_with_visits_gets_a_key(app: TestApp) {
    let w = World::build(&app).await;
    // A bearer token is not a phone.
    let res = app
        .json(
            Method::POST,
            "/api/v1/app/device",
            &w.p("a_staff").bearer(),
            json!({ "pin": "2580" }),
        )
        .await;
    res.assert_says(StatusCode::UNPROCESSABLE_ENTITY, "credential");
    // Someone without visits to register.
    let nurse = logged_in(&app, w.p("a_nurse").id).await;
    let res = app
        .json(
            Method::POST,
            "/api/v1/app/device",
            &nurse,
            json!({ "pin": "2580" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    // Another user's key cannot be revoked by id.
    let staff = logged_in(&app, w.p("a_staff").id).await;
    let (id, key) = enrol(&app, &staff, "2580").await;
    let patrol = logged_in(&app, w.p("a_patrol").id).await;
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/app/device/{id}/revoke"),
            &patrol,
            json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    assert_eq!(unlock(&app, &id, &key, "2580").await.status, StatusCode::OK);
    // Its owner can.
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/app/device/{id}/revoke"),
            &staff,
            json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    assert_eq!(
        unlock(&app, &id, &key, "2580").await.json()["status"],
        "gone"
    );
}

db_tests!(
    the_pin_and_the_key_open_a_new_session_and_wrong_pins_revoke_the_key,
    logging_out_everywhere_and_deactivation_revoke_the_phones,
    only_a_logged_in_phone_of_someone_with_visits_gets_a_key,
);

//! Login and account hardening: the sensitive actions (renewing recovery codes, changing the
//! password, resetting a second factor, creating an API token) need a second factor proven in
//! the last minutes, and every place a password is set refuses one that is easy to guess.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use jiff::SignedDuration;
use serde_json::json;
use vaka_domain::clock::Clock;
use vaka_domain::reason::{InputReason, Reason};
use vaka_service::ServiceError;
use vaka_service::admin::CliAccount;
use vaka_service::auth::current_totp_code;
use vaka_service::directory::RoleInput;

use crate::db_tests;
use crate::login::{audit_actions, count_of, login_full, password_step, refused_while_locked};
use crate::support::{Auth, Res, TestApp, login_page};
use crate::world::{PASSWORD, World};

/// Longer than a second factor stays fresh (ten minutes), shorter than an idle session lives.
const STALE: SignedDuration = SignedDuration::from_mins(11);

/// What the pages say when a code is needed (Swedish, the default).
const NEEDS_CODE: &str = "ange en aktuell kod från din app";

fn code_now(app: &TestApp, secret: &str) -> String {
    current_totp_code(secret, app.clock.now()).unwrap()
}

async fn change_password(app: &TestApp, session: &Auth, new: &str, code: Option<&str>) -> Res {
    let mut fields = vec![
        ("current", PASSWORD),
        ("new_password", new),
        ("repeat", new),
    ];
    if let Some(c) = code {
        fields.push(("code", c));
    }
    app.form("/profile/password", session, &fields).await
}

fn recovery_codes(body: &str) -> Vec<String> {
    body.split("id=\"recovery-codes\">")
        .nth(1)
        .unwrap_or_else(|| panic!("no recovery codes: {body}"))
        .split("</ul>")
        .next()
        .unwrap()
        .split("<li>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().to_owned())
        .collect()
}

async fn totp_enabled(app: &TestApp, user: vaka_domain::ids::UserId) -> bool {
    let mut tx = app.store.begin_read().await.unwrap();
    tx.get_credentials(user)
        .await
        .unwrap()
        .unwrap()
        .totp_enabled
}

/// A JSON request with a browser session (the API takes the session cookie with its form token
/// in `X-CSRF-Token`).
async fn json_with_session(
    app: &TestApp,
    session: &Auth,
    path: &str,
    body: serde_json::Value,
) -> Res {
    let Auth::Session { token, csrf } = session else {
        unreachable!("a session")
    };
    app.send(
        Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::COOKIE, format!("vaka_session={token}"))
            .header("x-csrf-token", csrf)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

async fn each_sensitive_page_needs_a_fresh_second_factor(app: TestApp) {
    let w = World::build(&app).await;
    let admin = w.p("m_admin");
    let secret = admin.totp_secret.clone().unwrap();
    let victim = w.p("b_victim");
    let session = login_full(&app, &admin.username, &secret).await;

    // Right after the login the code is fresh: the forms ask for none.
    let profile = app.get("/profile", &session).await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(!profile.body.contains("id=\"pw-code\""), "{}", profile.body);

    // 1. Changing the password, eleven minutes later.
    app.clock.advance(STALE);
    let profile = app.get("/profile", &session).await;
    profile.assert_has("id=\"pw-code\"");
    profile.assert_has("id=\"renew-code\"");
    let new = "violet kettles hum at dawn";
    let res = change_password(&app, &session, new, None).await;
    res.assert_says(StatusCode::UNPROCESSABLE_ENTITY, NEEDS_CODE);
    let res = change_password(&app, &session, new, Some("000000")).await;
    res.assert_says(StatusCode::UNPROCESSABLE_ENTITY, "koden stämmer inte");
    let (res, _) = password_step(&app, &admin.username, new).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "not changed yet");
    let code = code_now(&app, &secret);
    let res = change_password(&app, &session, new, Some(&code)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let actions = audit_actions(&app).await;
    assert_eq!(
        count_of(&actions, "auth.password_changed:denied"),
        1,
        "{actions:?}"
    );
    assert_eq!(
        count_of(&actions, "auth.totp_failed:failure"),
        1,
        "{actions:?}"
    );
    assert_eq!(count_of(&actions, "auth.step_up:success"), 1, "{actions:?}");
    assert_eq!(
        count_of(&actions, "auth.password_changed:success"),
        1,
        "{actions:?}"
    );

    // Proven again: fresh for the next minutes, no code asked.
    let res = app.form("/profile/recovery-codes", &session, &[]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let codes = recovery_codes(&res.body);
    assert_eq!(codes.len(), 10);

    // 2. Renewing the recovery codes when stale: refused without a code; a recovery code
    // proves the second factor too.
    app.clock.advance(STALE);
    let res = app.form("/profile/recovery-codes", &session, &[]).await;
    res.assert_says(StatusCode::UNPROCESSABLE_ENTITY, NEEDS_CODE);
    let res = app
        .form("/profile/recovery-codes", &session, &[("code", &codes[0])])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(recovery_codes(&res.body).len(), 10);

    // 3. Resetting someone's second factor.
    app.clock.advance(STALE);
    let page = app
        .get(&format!("/admin/users/{}", victim.id), &session)
        .await;
    page.assert_has("id=\"reset-code\"");
    page.assert_has("id=\"t-code\"");
    let reset = format!("/admin/users/{}/reset-second-factor", victim.id);
    let res = app.form(&reset, &session, &[]).await;
    assert!(!res.status.is_redirection(), "{}", res.body);
    res.assert_has(NEEDS_CODE);
    assert!(totp_enabled(&app, victim.id).await, "not reset");
    let code = code_now(&app, &secret);
    let res = app.form(&reset, &session, &[("code", &code)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(!totp_enabled(&app, victim.id).await, "reset");

    // 4. Creating an API token.
    app.clock.advance(STALE);
    let tokens = format!("/admin/users/{}/tokens", victim.id);
    let res = app.form(&tokens, &session, &[("name", "Lifecare")]).await;
    assert_ne!(res.status, StatusCode::CREATED, "{}", res.body);
    res.assert_has(NEEDS_CODE);
    let code = code_now(&app, &secret);
    let res = app
        .form(&tokens, &session, &[("name", "Lifecare"), ("code", &code)])
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.assert_has("vaka_");

    // 5. Resetting someone's password (a session left open must not take over accounts).
    app.clock.advance(STALE);
    let page = app
        .get(&format!("/admin/users/{}", victim.id), &session)
        .await;
    page.assert_has("id=\"pwreset-code\"");
    let reset_pw = format!("/admin/users/{}/reset-password", victim.id);
    let res = app.form(&reset_pw, &session, &[]).await;
    assert_ne!(res.status, StatusCode::OK, "{}", res.body);
    res.assert_has(NEEDS_CODE);
    let code = code_now(&app, &secret);
    let res = app.form(&reset_pw, &session, &[("code", &code)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    let actions = audit_actions(&app).await;
    assert_eq!(count_of(&actions, "auth.step_up:success"), 5, "{actions:?}");
    assert_eq!(
        count_of(&actions, "auth.recovery_code_used:success"),
        1,
        "{actions:?}"
    );
    for denied in [
        "auth.recovery_codes_renewed:denied",
        "auth.totp_enrolled:denied",
        "token.create:denied",
    ] {
        assert_eq!(count_of(&actions, denied), 1, "{denied}: {actions:?}");
    }
    // One's own change (1.) and the reset (5.), each refused once.
    assert_eq!(
        count_of(&actions, "auth.password_changed:denied"),
        2,
        "{actions:?}"
    );
}

async fn api_tokens_cannot_do_what_needs_a_fresh_second_factor(app: TestApp) {
    let w = World::build(&app).await;
    let admin = w.p("m_admin");
    let secret = admin.totp_secret.clone().unwrap();
    let victim = w.p("b_victim");
    let tokens = format!("/api/v1/users/{}/tokens", victim.id);
    let reset = format!("/api/v1/users/{}/reset-second-factor", victim.id);
    let reset_pw = format!("/api/v1/users/{}/reset-password", victim.id);

    // A bearer token has no second factor to prove: it cannot mint tokens, reset factors or
    // passwords.
    let res = app
        .json(
            Method::POST,
            &tokens,
            &admin.bearer(),
            json!({"name": "more"}),
        )
        .await;
    res.assert_says(StatusCode::CONFLICT, "not with an API token");
    let res = app
        .json(Method::POST, &reset, &admin.bearer(), json!({}))
        .await;
    res.assert_says(StatusCode::CONFLICT, "not with an API token");
    assert!(totp_enabled(&app, victim.id).await);
    let res = app
        .json(Method::POST, &reset_pw, &admin.bearer(), json!({}))
        .await;
    res.assert_says(StatusCode::CONFLICT, "not with an API token");

    // A logged-in person through the API: fresh, then stale, then proven again.
    let session = login_full(&app, &admin.username, &secret).await;
    let res = json_with_session(&app, &session, &tokens, json!({"name": "fresh"})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    app.clock.advance(STALE);
    let res = json_with_session(&app, &session, &tokens, json!({"name": "stale"})).await;
    res.assert_says(StatusCode::CONFLICT, "confirm it is you");
    let res = json_with_session(&app, &session, &reset, json!({})).await;
    res.assert_says(StatusCode::CONFLICT, "confirm it is you");
    let res = json_with_session(&app, &session, &reset_pw, json!({})).await;
    res.assert_says(StatusCode::CONFLICT, "confirm it is you");
    let code = code_now(&app, &secret);
    let res = json_with_session(&app, &session, &reset, json!({"code": code})).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    assert!(!totp_enabled(&app, victim.id).await);

    let actions = audit_actions(&app).await;
    assert_eq!(count_of(&actions, "token.create:denied"), 2, "{actions:?}");
    assert_eq!(
        count_of(&actions, "auth.totp_enrolled:denied"),
        2,
        "{actions:?}"
    );
}

async fn wrong_step_up_codes_lock_the_account_like_login_codes(app: TestApp) {
    let w = World::build(&app).await;
    let u = w.p("a_staff");
    let secret = u.totp_secret.clone().unwrap();
    let session = login_full(&app, &u.username, &secret).await;
    app.clock.advance(STALE);
    for n in 0..4 {
        let res = app
            .form("/profile/recovery-codes", &session, &[("code", "000000")])
            .await;
        res.assert_says(StatusCode::UNPROCESSABLE_ENTITY, "koden stämmer inte");
        assert_eq!(
            app.get("/profile", &session).await.status,
            StatusCode::OK,
            "{n}"
        );
    }
    // The fifth wrong code locks the account and ends its sessions, this one too.
    app.form("/profile/recovery-codes", &session, &[("code", "000000")])
        .await;
    assert_ne!(app.get("/profile", &session).await.status, StatusCode::OK);
    refused_while_locked(&app, &u.username).await;
    let actions = audit_actions(&app).await;
    assert_eq!(
        count_of(&actions, "auth.totp_failed:failure"),
        5,
        "{actions:?}"
    );
    assert!(actions.contains(&"auth.locked:failure".to_owned()));
    assert_eq!(count_of(&actions, "auth.recovery_codes_renewed:success"), 0);
}

/// What a password refused as easy to guess reads like on a page.
const GUESSABLE: &str = "för lätt att gissa";

async fn every_place_a_password_is_set_refuses_a_guessable_one(app: TestApp) {
    let w = World::build(&app).await;

    // One's own change (with a fresh second factor, so that only the password decides).
    let u = w.p("a_staff");
    let session = crate::support::logged_in(&app, u.id).await;
    for weak in ["123456789012", "passwordpassword", "qwertyuiop123"] {
        let res = change_password(&app, &session, weak, None).await;
        res.assert_says(StatusCode::UNPROCESSABLE_ENTITY, GUESSABLE);
    }
    let res = change_password(&app, &session, "violet kettles hum at dawn", None).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // The command line (`vaka user create --password`).
    let account = |username: &str, password: Option<&str>| CliAccount {
        username: username.into(),
        display_name: "Nils Nyström".into(),
        email: format!("{username}@test.se"),
        hsa_id: None,
        organisation_id: w.a,
        roles: vec![RoleInput {
            role: vaka_domain::access::Role::CareStaff,
            organisation_id: w.a,
            unit_id: Some(w.a1),
        }],
        password: password.map(str::to_owned),
        totp_secret: None,
    };
    for weak in ["123456789012", "passwordpassword", "nils nyström 1985"] {
        match app
            .services
            .cli_create_user(account("nnyst", Some(weak)))
            .await
        {
            Err(ServiceError::Invalid { field, reason }) => {
                assert_eq!(field, "password");
                assert_eq!(reason, Reason::from(InputReason::PasswordTooGuessable));
            }
            other => panic!("{weak:?}: {other:?}"),
        }
    }

    // The forced change of a first login, after a one-time password.
    let (_, initial) = app
        .services
        .cli_create_user(account("nnyst", None))
        .await
        .unwrap();
    let (res, token) = password_step(&app, "nnyst", &initial).await;
    assert_eq!(res.location(), Some("/login/password"));
    let (_, auth) = login_page(&app, "/login/password", token.unwrap()).await;
    for weak in ["123456789012", "passwordpassword"] {
        let res = app
            .form(
                "/login/password",
                &auth,
                &[("new_password", weak), ("repeat", weak)],
            )
            .await;
        res.assert_says(StatusCode::UNPROCESSABLE_ENTITY, GUESSABLE);
    }
    let strong = "seven amber foxes nap";
    let res = app
        .form(
            "/login/password",
            &auth,
            &[("new_password", strong), ("repeat", strong)],
        )
        .await;
    assert!(res.status.is_redirection(), "{}", res.body);

    // The one-time passwords the server makes (created, approved, reset accounts) pass the
    // rule they are changed under.
    let admin = crate::support::logged_in(&app, w.p("m_admin").id).await;
    let res = json_with_session(
        &app,
        &admin,
        &format!("/api/v1/users/{}/reset-password", w.p("b_victim").id),
        json!({}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let issued = res.json()["initial_password"].as_str().unwrap().to_owned();
    vaka_domain::validate::check_password_policy(&issued, "b_victim", &["Test b_victim"]).unwrap();
    assert_eq!(
        initial.chars().count(),
        issued.chars().count(),
        "the same kind of one-time password"
    );
}

db_tests!(
    each_sensitive_page_needs_a_fresh_second_factor,
    api_tokens_cannot_do_what_needs_a_fresh_second_factor,
    wrong_step_up_codes_lock_the_account_like_login_codes,
    every_place_a_password_is_set_refuses_a_guessable_one,
);

//! Logging in: password, TOTP, enrolment, lockout, timeouts, logout, deactivation, CSRF.

use axum::http::{Method, StatusCode};
use jiff::SignedDuration;
use vaka_domain::clock::Clock;
use vaka_service::auth::current_totp_code;

use crate::db_tests;
use crate::support::{Auth, Res, TestApp, login_page};
use crate::world::{PASSWORD, World};

pub(crate) fn cookie(res: &Res) -> Option<String> {
    res.headers
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("vaka_session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
        .filter(|c| !c.is_empty())
}

pub(crate) async fn password_step(
    app: &TestApp,
    user: &str,
    password: &str,
) -> (Res, Option<String>) {
    let res = app
        .form(
            "/login",
            &Auth::None,
            &[("username", user), ("password", password)],
        )
        .await;
    let c = cookie(&res);
    (res, c)
}

/// Logs in through the pages with password and TOTP; returns the session.
pub async fn login_full(app: &TestApp, user: &str, secret: &str) -> Auth {
    let (res, token) = password_step(app, user, PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/login/code"));
    let token = token.expect("session cookie");
    let (_, auth) = login_page(app, "/login/code", token).await;
    let code = current_totp_code(secret, app.clock.now()).unwrap();
    let res = app.form("/login/code", &auth, &[("code", &code)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/"));
    stepped_up(app, auth, &res).await
}

/// The session after a step up: the answer sets a new session id, and the one from before the
/// step (which a fixation attack would have planted) no longer opens anything.
async fn stepped_up(app: &TestApp, before: Auth, res: &Res) -> Auth {
    let Auth::Session { token: old, csrf } = before else {
        unreachable!("a login is a session")
    };
    let new = cookie(res).expect("a new session cookie");
    assert_ne!(new, old, "the step up issues a new session id");
    let stale = Auth::Session {
        token: old,
        csrf: csrf.clone(),
    };
    assert_ne!(app.get("/", &stale).await.status, StatusCode::OK);
    Auth::Session { token: new, csrf }
}

pub(crate) async fn audit_actions(app: &TestApp) -> Vec<String> {
    let mut tx = app.store.begin_read().await.unwrap();
    tx.search_audit(&vaka_store::AuditQuery {
        limit: 1000,
        ..Default::default()
    })
    .await
    .unwrap()
    .into_iter()
    .map(|e| format!("{}:{}", e.new.action.code(), e.new.outcome.code()))
    .collect()
}

/// Logs in with the right password to a locked account: refused as a wrong password is, with
/// no session.
pub(crate) async fn refused_while_locked(app: &TestApp, user: &str) -> Res {
    let (res, token) = password_step(app, user, PASSWORD).await;
    assert_eq!(
        res.status,
        StatusCode::UNAUTHORIZED,
        "the right password is refused while locked"
    );
    assert!(token.is_none());
    res
}

/// How many of the audited `action:outcome` pairs are `which`.
pub(crate) fn count_of(actions: &[String], which: &str) -> usize {
    actions.iter().filter(|a| *a == which).count()
}

async fn login_with_totp_gives_a_full_session(app: TestApp) {
    let w = World::build(&app).await;
    let op = w.p("c_operator");
    let auth = login_full(&app, &op.username, op.totp_secret.as_deref().unwrap()).await;
    let home = app.get("/", &auth).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains("Test c_operator"),
        "the overview greets the user"
    );
    assert!(home.body.contains("lang=\"sv\""), "Swedish by default");
    let me = app.get("/api/v1/me", &auth).await;
    assert_eq!(me.json()["username"], "c_operator");
    assert!(
        audit_actions(&app)
            .await
            .contains(&"auth.login:success".to_owned())
    );
}

async fn a_half_finished_login_reaches_nothing(app: TestApp) {
    let w = World::build(&app).await;
    let (_, token) = password_step(&app, &w.p("m_admin").username, PASSWORD).await;
    let auth = Auth::Session {
        token: token.unwrap(),
        csrf: String::new(),
    };
    let page = app.get("/admin/users", &auth).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/login/code"));
    assert_eq!(
        app.get("/api/v1/me", &auth).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn wrong_passwords_lock_the_account_for_fifteen_minutes(app: TestApp) {
    let w = World::build(&app).await;
    let u = w.p("a_staff");
    for _ in 0..5 {
        let (res, token) = password_step(&app, &u.username, "wrong password here").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert!(token.is_none());
        assert!(
            res.body.contains("Fel användarnamn eller lösenord"),
            "a Swedish message"
        );
    }
    let res = refused_while_locked(&app, &u.username).await;
    // ... in the words a name that does not exist gets: a guesser learns nothing of which
    // names are accounts.
    let (unknown, _) = password_step(&app, "nobody-at-all", PASSWORD).await;
    assert_eq!(unknown.status, res.status);
    for page in [&res, &unknown] {
        page.assert_has("Fel användarnamn eller lösenord");
        assert!(!page.body.contains("låst"), "{}", page.body);
    }
    app.clock.advance(SignedDuration::from_mins(15));
    let (res, token) = password_step(&app, &u.username, PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(token.is_some());
    let actions = audit_actions(&app).await;
    assert_eq!(
        count_of(&actions, "auth.login_failed:failure"),
        6,
        "five wrong passwords and the unknown name"
    );
    // The lock, and the try while locked, are each on record.
    assert_eq!(count_of(&actions, "auth.locked:failure"), 2, "{actions:?}");
}

async fn unknown_users_fail_like_wrong_passwords(app: TestApp) {
    World::build(&app).await;
    let (res, token) = password_step(&app, "nobody", PASSWORD).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(token.is_none());
    res.assert_has("Fel användarnamn eller lösenord");
}

async fn a_totp_code_works_only_once(app: TestApp) {
    let w = World::build(&app).await;
    let u = w.p("a_nurse");
    let secret = u.totp_secret.clone().unwrap();
    login_full(&app, &u.username, &secret).await;
    // Same code again, in the same time step: refused.
    let (_, token) = password_step(&app, &u.username, PASSWORD).await;
    let (_, auth) = login_page(&app, "/login/code", token.unwrap()).await;
    let code = current_totp_code(&secret, app.clock.now()).unwrap();
    let res = app.form("/login/code", &auth, &[("code", &code)]).await;
    res.assert_says(StatusCode::UNAUTHORIZED, "Koden stämmer inte");
    // A new step gives a new code.
    app.clock.advance(SignedDuration::from_secs(30));
    let code = current_totp_code(&secret, app.clock.now()).unwrap();
    let res = app.form("/login/code", &auth, &[("code", &code)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

async fn enrolment_then_recovery_code(app: TestApp) {
    let w = World::build_without_totp(&app).await;
    let u = w.p("m_assessor");
    let (res, token) = password_step(&app, &u.username, PASSWORD).await;
    assert_eq!(
        res.location(),
        Some("/login/enrol"),
        "a role with client data must enrol"
    );
    let (page, auth) = login_page(&app, "/login/enrol", token.unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg"), "a QR code");
    let secret = page
        .body
        .split("id=\"totp-secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let bad = app.form("/login/enrol", &auth, &[("code", "000000")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let code = current_totp_code(&secret, app.clock.now()).unwrap();
    let done = app.form("/login/enrol", &auth, &[("code", &code)]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let codes: Vec<String> = done
        .body
        .split("id=\"recovery-codes\">")
        .nth(1)
        .unwrap()
        .split("</ul>")
        .next()
        .unwrap()
        .split("<li>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    let auth = stepped_up(&app, auth, &done).await;
    assert_eq!(
        app.get("/", &auth).await.status,
        StatusCode::OK,
        "enrolment completes the login"
    );

    // Next login: a recovery code instead of the app, once.
    app.clock.advance(SignedDuration::from_mins(1));
    for attempt in 0..2 {
        let (_, token) = password_step(&app, &u.username, PASSWORD).await;
        let (_, auth) = login_page(&app, "/login/code", token.unwrap()).await;
        let res = app
            .form("/login/code", &auth, &[("code", &codes[0].to_uppercase())])
            .await;
        if attempt == 0 {
            assert_eq!(res.status, StatusCode::SEE_OTHER, "a recovery code logs in");
        } else {
            assert_eq!(
                res.status,
                StatusCode::UNAUTHORIZED,
                "a used recovery code does not"
            );
        }
    }
    assert!(
        audit_actions(&app)
            .await
            .contains(&"auth.recovery_code_used:success".to_owned())
    );
}

async fn sessions_end_when_idle_or_old(app: TestApp) {
    let w = World::build(&app).await;
    let u = w.p("m_manager");
    let auth = login_full(&app, &u.username, u.totp_secret.as_deref().unwrap()).await;
    app.clock.advance(SignedDuration::from_mins(29));
    assert_eq!(app.get("/", &auth).await.status, StatusCode::OK);
    app.clock.advance(SignedDuration::from_mins(30));
    let res = app.get("/", &auth).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "idle for 30 minutes");
    assert!(res.location().unwrap().starts_with("/login"));

    let auth = login_full(&app, &u.username, u.totp_secret.as_deref().unwrap()).await;
    for _ in 0..30 {
        app.clock.advance(SignedDuration::from_mins(29));
        if app.get("/", &auth).await.status != StatusCode::OK {
            break;
        }
    }
    assert_eq!(
        app.get("/", &auth).await.status,
        StatusCode::SEE_OTHER,
        "ended after 12 hours in any case"
    );
}

async fn logout_everywhere_ends_every_session(app: TestApp) {
    let w = World::build(&app).await;
    let u = w.p("a_unitmgr");
    let secret = u.totp_secret.clone().unwrap();
    let first = login_full(&app, &u.username, &secret).await;
    app.clock.advance(SignedDuration::from_secs(30));
    let second = login_full(&app, &u.username, &secret).await;
    let res = app.form("/profile/logout-everywhere", &second, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/", &first).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/", &second).await.status, StatusCode::SEE_OTHER);
}

async fn deactivation_ends_sessions_and_tokens_at_once(app: TestApp) {
    let w = World::build(&app).await;
    let staff = w.p("b_staff");
    let session = login_full(&app, &staff.username, staff.totp_secret.as_deref().unwrap()).await;
    assert_eq!(
        app.get("/api/v1/me", &staff.bearer()).await.status,
        StatusCode::OK
    );
    let res = app
        .json(
            axum::http::Method::POST,
            &format!("/api/v1/users/{}/deactivate", staff.id),
            &w.p("b_admin").bearer(),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["status"], "deactivated");
    assert_eq!(
        app.get("/api/v1/me", &staff.bearer()).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.get("/", &session).await.status, StatusCode::SEE_OTHER);
    let (res, _) = password_step(&app, &staff.username, PASSWORD).await;
    assert_eq!(
        res.status,
        StatusCode::UNAUTHORIZED,
        "an ended account cannot log in"
    );
}

async fn forms_need_the_session_token_and_the_same_origin(app: TestApp) {
    let w = World::build(&app).await;
    let u = w.p("m_admin");
    // The administrator has no second factor in the world; log in through enrolment-free path.
    let good = crate::support::logged_in(&app, u.id).await;
    let Auth::Session { token, csrf } = &good else {
        unreachable!("logged_in gives a session")
    };
    let (token, csrf) = (token.clone(), csrf.clone());
    let forged = Auth::Session {
        token: token.clone(),
        csrf: "not-the-token".into(),
    };
    let res = app
        .form(
            "/admin/organisations",
            &forged,
            &[
                ("name", "Forged AB"),
                ("kind", "provider"),
                ("provider_kind", "private"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let cross_site = app
        .send(
            axum::http::Request::post("/admin/organisations")
                .header("cookie", format!("vaka_session={token}"))
                .header("sec-fetch-site", "cross-site")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(format!(
                    "name=Evil+AB&kind=provider&provider_kind=private&_csrf={csrf}"
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(
        cross_site.status,
        StatusCode::FORBIDDEN,
        "cross-site posts are refused"
    );
    let res = app
        .form(
            "/admin/organisations",
            &good,
            &[
                ("name", "Riktig Omsorg AB"),
                ("kind", "provider"),
                ("provider_kind", "private"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let orgs = app.get("/api/v1/organisations", &u.bearer()).await.json();
    let names: Vec<&str> = orgs
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Riktig Omsorg AB"));
    assert!(!names.contains(&"Forged AB") && !names.contains(&"Evil AB"));

    // An upload carries the token in its body, never in the address (where logs and the
    // browser's history keep it): the token in the query alone is refused.
    let upload = |token_field: Option<&str>| {
        let b = "vakauploadboundary";
        let mut body = String::new();
        if let Some(t) = token_field {
            body +=
                &format!("--{b}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{t}\r\n");
        }
        body += &format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\nvalidate\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"k.csv\"\r\n\
             Content-Type: text/csv\r\n\r\nidentity;name\r\n--{b}--\r\n"
        );
        (
            format!("multipart/form-data; boundary={b}"),
            body.into_bytes(),
        )
    };
    for (path, token_field, refused) in [
        (format!("/import/clients?_csrf={csrf}"), None, true),
        ("/import/clients".to_owned(), Some("not-the-token"), true),
        ("/import/clients".to_owned(), Some(csrf.as_str()), false),
    ] {
        let (ct, body) = upload(token_field);
        let res = app.raw(Method::POST, &path, &good, &ct, body).await;
        assert_eq!(
            res.status == StatusCode::FORBIDDEN,
            refused,
            "{path} {token_field:?}: {} {}",
            res.status,
            res.body
        );
    }
    // The import page puts the token in the form, not in the address.
    let page = app.get("/import", &good).await;
    page.assert_says(StatusCode::OK, "name=\"_csrf\"");
    assert!(!page.body.contains("?_csrf="), "{}", page.body);
}

async fn pages_speak_english_on_request(app: TestApp) {
    World::build(&app).await;
    let res = app.form("/lang", &Auth::None, &[("lang", "en")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let set = res
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set.starts_with("vaka_lang=en"));
    let page = app
        .send(
            axum::http::Request::get("/login")
                .header("cookie", "vaka_lang=en")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(page.body.contains("lang=\"en\"") && page.body.contains("Log in"));
}

async fn session_cookies_are_http_only_and_same_site(app: TestApp) {
    let w = World::build(&app).await;
    let res = app
        .form(
            "/login",
            &Auth::None,
            &[
                ("username", &w.p("a_staff").username),
                ("password", PASSWORD),
            ],
        )
        .await;
    let set = res
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"),
        "{set}"
    );
    assert_eq!(res.headers.get("cache-control").unwrap(), "no-store");
    assert!(
        res.headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
}

async fn guessing_the_current_password_counts_like_a_login(app: TestApp) {
    let w = World::build(&app).await;
    let u = w.p("a_staff");
    let session = crate::support::logged_in(&app, u.id).await;
    let guess = |n: usize| {
        [
            ("current", format!("guess number {n}")),
            ("new_password", "a long new passphrase 2026".to_owned()),
            ("repeat", "a long new passphrase 2026".to_owned()),
        ]
    };
    for n in 0..4 {
        let fields = guess(n);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = app.form("/profile/password", &session, &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert_eq!(app.get("/profile", &session).await.status, StatusCode::OK);
    }
    // The fifth wrong guess locks the account and ends its sessions, this one too.
    let fields = guess(4);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.form("/profile/password", &session, &fields).await;
    let after = app.get("/profile", &session).await;
    assert_ne!(
        after.status,
        StatusCode::OK,
        "the session ended: {}",
        after.body
    );
    refused_while_locked(&app, &u.username).await;

    let actions = audit_actions(&app).await;
    assert_eq!(
        count_of(&actions, "auth.password_changed:failure"),
        5,
        "{actions:?}"
    );
    assert!(actions.contains(&"auth.locked:failure".to_owned()));
}

async fn a_right_guess_starts_the_count_again(app: TestApp) {
    let w = World::build(&app).await;
    let u = w.p("a_staff");
    let session = crate::support::logged_in(&app, u.id).await;
    for _ in 0..4 {
        app.form(
            "/profile/password",
            &session,
            &[("current", "wrong"), ("new_password", "x"), ("repeat", "x")],
        )
        .await;
    }
    let new = "a long new passphrase 2026";
    let res = app
        .form(
            "/profile/password",
            &session,
            &[
                ("current", PASSWORD),
                ("new_password", new),
                ("repeat", new),
            ],
        )
        .await;
    assert!(
        res.status.is_redirection() || res.status == StatusCode::OK,
        "{}",
        res.body
    );
    // Four more wrong guesses do not lock: the count started again at the change.
    for _ in 0..4 {
        app.form(
            "/profile/password",
            &session,
            &[("current", "wrong"), ("new_password", "x"), ("repeat", "x")],
        )
        .await;
    }
    assert_eq!(app.get("/profile", &session).await.status, StatusCode::OK);
}

db_tests!(
    guessing_the_current_password_counts_like_a_login,
    a_right_guess_starts_the_count_again,
    login_with_totp_gives_a_full_session,
    a_half_finished_login_reaches_nothing,
    wrong_passwords_lock_the_account_for_fifteen_minutes,
    unknown_users_fail_like_wrong_passwords,
    a_totp_code_works_only_once,
    enrolment_then_recovery_code,
    sessions_end_when_idle_or_old,
    logout_everywhere_ends_every_session,
    deactivation_ends_sessions_and_tokens_at_once,
    forms_need_the_session_token_and_the_same_origin,
    pages_speak_english_on_request,
    session_cookies_are_http_only_and_same_site,
);

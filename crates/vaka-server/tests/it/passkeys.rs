//! Passkeys beside TOTP, through the pages as a browser drives them, with webauthn-rs's software
//! authenticator making real passkeys and assertions: adding, naming, using one at the login
//! and for a step-up, removing; and every way an answer can be wrong (used before, expired,
//! another user's, malformed), each refused with nothing changed but the count towards the lock.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use jiff::SignedDuration;
use serde_json::json;
use vaka_domain::ids::UserId;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse, Url};

use crate::db_tests;
use crate::login::{audit_actions, count_of, login_full, password_step};
use crate::support::{Auth, Res, TestApp, login_page};
use crate::world::World;

/// Longer than a second factor stays fresh (ten minutes).
const STALE: SignedDuration = SignedDuration::from_mins(11);

/// A person's authenticator (their laptop), and the origin it runs at.
struct Device(WebauthnAuthenticator<SoftPasskey>);

impl Device {
    fn new() -> Self {
        // `true`: the soft authenticator reports user verification (passkeys require it).
        Self(WebauthnAuthenticator::new(SoftPasskey::new(true)))
    }

    fn origin() -> Url {
        Url::parse("http://localhost:8080").unwrap()
    }

    /// Makes a passkey for a registration challenge: the form's `credential`.
    fn register(&mut self, challenge: &serde_json::Value) -> String {
        let options: CreationChallengeResponse =
            serde_json::from_value(challenge["options"].clone()).unwrap();
        let cred = self.0.do_registration(Self::origin(), options).unwrap();
        json!({"challenge": challenge["challenge"], "credential": cred}).to_string()
    }

    /// Answers an authentication challenge: the form's `code`.
    fn answer(&mut self, challenge: &serde_json::Value) -> String {
        let options: RequestChallengeResponse =
            serde_json::from_value(challenge["options"].clone()).unwrap();
        let cred = self.0.do_authentication(Self::origin(), options).unwrap();
        json!({"challenge": challenge["challenge"], "credential": cred}).to_string()
    }
}

/// Begins a ceremony as `passkeys.js` does: a POST with the form token in a header.
async fn begin(app: &TestApp, session: &Auth, path: &str) -> Res {
    let Auth::Session { token, csrf } = session else {
        unreachable!("a session")
    };
    app.send(
        Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::COOKIE, format!("vaka_session={token}"))
            .header("x-csrf-token", csrf)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

async fn challenge(app: &TestApp, session: &Auth, path: &str) -> serde_json::Value {
    let res = begin(app, session, path).await;
    assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
    res.json()
}

async fn add(app: &TestApp, session: &Auth, device: &mut Device, name: &str) -> Res {
    let c = challenge(app, session, "/profile/passkeys/challenge").await;
    let credential = device.register(&c);
    app.form(
        "/profile/passkeys",
        session,
        &[("name", name), ("credential", &credential)],
    )
    .await
}

/// The user's passkeys as stored: (id, name, last used).
async fn passkeys_of(app: &TestApp, user: UserId) -> Vec<(String, String, bool)> {
    let mut tx = app.store.begin_read().await.unwrap();
    tx.list_passkeys(user)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.id.to_string(), p.name, p.last_used_at.is_some()))
        .collect()
}

async fn failed_logins(app: &TestApp, user: UserId) -> u32 {
    let mut tx = app.store.begin_read().await.unwrap();
    tx.get_credentials(user)
        .await
        .unwrap()
        .unwrap()
        .failed_logins
}

/// A login up to its code step: the session of that step, with its page's form token.
async fn at_code_step(app: &TestApp, username: &str) -> (Res, Auth) {
    let (res, token) = password_step(app, username, crate::world::PASSWORD).await;
    assert_eq!(res.location(), Some("/login/code"), "{}", res.body);
    login_page(app, "/login/code", token.unwrap()).await
}

async fn passkeys_are_added_named_used_at_login_and_step_up_and_removed(app: TestApp) {
    let w = World::build(&app).await;
    let admin = w.p("m_admin");
    let secret = admin.totp_secret.clone().unwrap();
    let session = login_full(&app, &admin.username, &secret).await;
    let mut laptop = Device::new();
    let mut phone = Device::new();

    // Two passkeys, right after the login (the second factor is fresh: no code asked).
    let res = add(&app, &session, &mut laptop, "Jobbdatorn").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = add(&app, &session, &mut phone, "Telefonen").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let keys = passkeys_of(&app, admin.id).await;
    assert_eq!(keys.len(), 2);
    let profile = app.get("/profile?ok=passkey-added", &session).await;
    profile.assert_has("Inloggningsnyckeln är tillagd.");
    profile.assert_has("value=\"Jobbdatorn\"");
    profile.assert_has("value=\"Telefonen\"");

    // The next challenge names the passkeys there are, so that the browser does not enrol the
    // same authenticator twice (the database refuses a credential id twice anyway).
    let before = passkeys_of(&app, admin.id).await.len();
    let c = challenge(&app, &session, "/profile/passkeys/challenge").await;
    let excluded = c["options"]["publicKey"]["excludeCredentials"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(excluded, 2, "the browser is told which passkeys exist");
    assert_eq!(passkeys_of(&app, admin.id).await.len(), before);

    // Renamed.
    let (laptop_id, _, _) = keys[0].clone();
    let res = app
        .form(
            &format!("/profile/passkeys/{laptop_id}/name"),
            &session,
            &[("name", "Datorn på kontoret")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(passkeys_of(&app, admin.id).await[0].1, "Datorn på kontoret");
    let res = app
        .form(
            &format!("/profile/passkeys/{laptop_id}/name"),
            &session,
            &[("name", "   ")],
        )
        .await;
    res.assert_says(StatusCode::UNPROCESSABLE_ENTITY, "måste vara 1–60 tecken");

    // Logged out; logged in again with the password and the laptop's passkey, no TOTP code.
    app.form("/logout", &session, &[]).await;
    let (page, login) = at_code_step(&app, &admin.username).await;
    page.assert_has("Logga in med inloggningsnyckel");
    let c = challenge(&app, &login, "/login/passkey").await;
    let answer = laptop.answer(&c);
    let res = app.form("/login/code", &login, &[("code", &answer)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/"));
    let token = crate::login::cookie(&res).unwrap();
    let (home, session) = login_page(&app, "/", token).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        passkeys_of(&app, admin.id).await[0].2,
        "its last use is kept"
    );

    // Eleven minutes on, removing the phone's passkey needs a fresh second factor: refused
    // without one, then done with the laptop's passkey as the step-up.
    app.clock.advance(STALE);
    let (phone_id, _, _) = keys[1].clone();
    let remove = format!("/profile/passkeys/{phone_id}/remove");
    let res = app.form(&remove, &session, &[]).await;
    res.assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "ange en aktuell kod från din app",
    );
    assert_eq!(passkeys_of(&app, admin.id).await.len(), 2);
    let c = challenge(&app, &session, "/profile/passkeys/step-up").await;
    let answer = laptop.answer(&c);
    let res = app.form(&remove, &session, &[("code", &answer)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let left = passkeys_of(&app, admin.id).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].0, laptop_id);

    // The other step-ups take a passkey too: new recovery codes, eleven minutes later.
    app.clock.advance(STALE);
    let c = challenge(&app, &session, "/profile/passkeys/step-up").await;
    let answer = laptop.answer(&c);
    let res = app
        .form("/profile/recovery-codes", &session, &[("code", &answer)])
        .await;
    res.assert_says(StatusCode::OK, "id=\"recovery-codes\"");

    let actions = audit_actions(&app).await;
    assert_eq!(
        count_of(&actions, "auth.passkey_added:success"),
        2,
        "{actions:?}"
    );
    assert_eq!(count_of(&actions, "auth.passkey_renamed:success"), 1);
    assert_eq!(count_of(&actions, "auth.passkey_removed:success"), 1);
    assert_eq!(count_of(&actions, "auth.passkey_removed:denied"), 1);
    assert_eq!(count_of(&actions, "auth.step_up:success"), 2);
    assert_eq!(failed_logins(&app, admin.id).await, 0);

    // An administrator's reset of the second factor takes the passkeys with it; the admin's
    // own step-up for it is a passkey too (the page offers one beside the code field).
    let victim = w.p("c_operator");
    let ops = login_full(
        &app,
        &victim.username,
        victim.totp_secret.as_deref().unwrap(),
    )
    .await;
    let res = add(&app, &ops, &mut Device::new(), "Min telefon").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.clock.advance(STALE);
    let page = app
        .get(&format!("/admin/users/{}", victim.id), &session)
        .await;
    page.assert_says(StatusCode::OK, "Använd inloggningsnyckel i stället");
    let c = challenge(&app, &session, "/profile/passkeys/step-up").await;
    let answer = laptop.answer(&c);
    let res = app
        .form(
            &format!("/admin/users/{}/reset-second-factor", victim.id),
            &session,
            &[("code", &answer)],
        )
        .await;
    assert!(res.status.is_redirection(), "{}: {}", res.status, res.body);
    assert!(passkeys_of(&app, victim.id).await.is_empty());
    let actions = audit_actions(&app).await;
    assert_eq!(count_of(&actions, "auth.step_up:success"), 3, "{actions:?}");
}

async fn wrong_passkey_answers_are_refused_counted_and_change_nothing(app: TestApp) {
    let w = World::build(&app).await;
    let admin = w.p("m_admin");
    let secret = admin.totp_secret.clone().unwrap();
    let other = w.p("c_operator");
    let mut laptop = Device::new();
    let mut theirs = Device::new();
    let session = login_full(&app, &admin.username, &secret).await;
    let res = add(&app, &session, &mut laptop, "Jobbdatorn").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let other_session =
        login_full(&app, &other.username, other.totp_secret.as_deref().unwrap()).await;
    let res = add(&app, &other_session, &mut theirs, "Deras").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // A registration challenge is answered once: the same answer again adds nothing.
    let c = challenge(&app, &session, "/profile/passkeys/challenge").await;
    let credential = Device::new().register(&c);
    let fields = [("name", "Ny"), ("credential", credential.as_str())];
    let res = app.form("/profile/passkeys", &session, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app.form("/profile/passkeys", &session, &fields).await;
    res.assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "har gått ut eller redan använts",
    );
    assert_eq!(passkeys_of(&app, admin.id).await.len(), 2);

    // Malformed answers: a clear 422, nothing counted, nothing added.
    for bad in ["{not json", "{}", r#"{"challenge":"x","credential":{}}"#] {
        let res = app
            .form(
                "/profile/passkeys",
                &session,
                &[("name", "X"), ("credential", bad)],
            )
            .await;
        res.assert_says(
            StatusCode::UNPROCESSABLE_ENTITY,
            "inte ett svar från en inloggningsnyckel",
        );
    }
    assert_eq!(passkeys_of(&app, admin.id).await.len(), 2);
    let (_, login) = at_code_step(&app, &admin.username).await;
    let res = app
        .form("/login/code", &login, &[("code", "{\"challenge\": 1}")])
        .await;
    res.assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "inte ett svar från en inloggningsnyckel",
    );
    assert_eq!(
        failed_logins(&app, admin.id).await,
        0,
        "a malformed answer guesses nothing"
    );

    // A login's answer used twice: the second time the challenge is gone. Refused, counted,
    // and the session stays at the code step.
    let c = challenge(&app, &login, "/login/passkey").await;
    let answer = laptop.answer(&c);
    let (_, replay_login) = at_code_step(&app, &admin.username).await;
    let res = app.form("/login/code", &login, &[("code", &answer)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // The same answer in another login (whose session never had that challenge).
    let res = app
        .form("/login/code", &replay_login, &[("code", &answer)])
        .await;
    res.assert_says(StatusCode::UNAUTHORIZED, "Inloggningsnyckeln godtogs inte");
    assert_eq!(failed_logins(&app, admin.id).await, 1);
    let res = app.get("/", &replay_login).await;
    assert_ne!(res.status, StatusCode::OK, "no full session");

    // An expired challenge: six minutes later (the login itself waits ten).
    let (_, login) = at_code_step(&app, &admin.username).await;
    let c = challenge(&app, &login, "/login/passkey").await;
    let answer = laptop.answer(&c);
    app.clock.advance(SignedDuration::from_mins(6));
    let res = app.form("/login/code", &login, &[("code", &answer)]).await;
    res.assert_says(StatusCode::UNAUTHORIZED, "Inloggningsnyckeln godtogs inte");
    assert_eq!(failed_logins(&app, admin.id).await, 2);

    // Another user's passkey, answering their own challenge, sent as this login's answer to
    // this login's challenge.
    let (_, login) = at_code_step(&app, &admin.username).await;
    let mine = challenge(&app, &login, "/login/passkey").await;
    let (_, their_login) = at_code_step(&app, &other.username).await;
    let their_c = challenge(&app, &their_login, "/login/passkey").await;
    let mut foreign: serde_json::Value = serde_json::from_str(&theirs.answer(&their_c)).unwrap();
    foreign["challenge"] = mine["challenge"].clone();
    let res = app
        .form("/login/code", &login, &[("code", &foreign.to_string())])
        .await;
    res.assert_says(StatusCode::UNAUTHORIZED, "Inloggningsnyckeln godtogs inte");
    assert_eq!(failed_logins(&app, admin.id).await, 3);
    assert_eq!(failed_logins(&app, other.id).await, 0);

    // Someone else's passkey id: not found, not removed.
    let theirs_id = passkeys_of(&app, other.id).await[0].0.clone();
    let res = app
        .form(
            &format!("/profile/passkeys/{theirs_id}/remove"),
            &session,
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    let res = app
        .form(
            &format!("/profile/passkeys/{theirs_id}/name"),
            &session,
            &[("name", "Mitt nu")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    assert_eq!(passkeys_of(&app, other.id).await[0].1, "Deras");

    // A wrong passkey at a step-up counts as a wrong code does, and removes nothing.
    let session = login_full(&app, &admin.username, &secret).await;
    app.clock.advance(STALE);
    let mine_id = passkeys_of(&app, admin.id).await[0].0.clone();
    let c = challenge(&app, &session, "/profile/passkeys/step-up").await;
    let mut wrong: serde_json::Value = serde_json::from_str(&laptop.answer(&c)).unwrap();
    wrong["credential"]["response"]["signature"] = json!("AAAA");
    let before = failed_logins(&app, admin.id).await;
    let res = app
        .form(
            &format!("/profile/passkeys/{mine_id}/remove"),
            &session,
            &[("code", &wrong.to_string())],
        )
        .await;
    res.assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "inloggningsnyckelns svar godtogs inte",
    );
    assert_eq!(failed_logins(&app, admin.id).await, before + 1);
    assert_eq!(passkeys_of(&app, admin.id).await.len(), 2);

    let actions = audit_actions(&app).await;
    assert_eq!(
        count_of(&actions, "auth.totp_failed:failure"),
        4,
        "{actions:?}"
    );
}

async fn passkeys_need_totp_and_a_session(app: TestApp) {
    let w = World::build(&app).await;
    let admin = w.p("m_admin");
    let session = login_full(&app, &admin.username, admin.totp_secret.as_deref().unwrap()).await;
    // A token cannot begin a ceremony: the pages take no bearer token (it is sent to log in).
    let res = app
        .raw(
            Method::POST,
            "/profile/passkeys/challenge",
            &admin.bearer(),
            "application/json",
            Vec::new(),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(res.location().unwrap().starts_with("/login"));
    assert!(passkeys_of(&app, admin.id).await.is_empty());
    // An account with no passkey has nothing to prove at the login.
    app.form("/logout", &session, &[]).await;
    let (page, login) = at_code_step(&app, &admin.username).await;
    assert!(!page.body.contains("Logga in med inloggningsnyckel"));
    let res = begin(&app, &login, "/login/passkey").await;
    res.assert_says(StatusCode::CONFLICT, "auth-no-passkeys");
}

db_tests!(
    passkeys_are_added_named_used_at_login_and_step_up_and_removed,
    wrong_passkey_answers_are_refused_counted_and_change_nothing,
    passkeys_need_totp_and_a_session,
);

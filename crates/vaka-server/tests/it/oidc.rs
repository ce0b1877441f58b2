//! Login through an identity provider (SITHS eID over OpenID Connect), the service's half: the
//! login kept between the redirect and the return is taken once (a replayed, expired or
//! foreign state finds nothing), the account is found by the HSA-id an administrator linked,
//! never created; an account that cannot log in is refused; the provider's `acr` decides
//! whether the session is complete or goes on to the account's own second factor; every step
//! is audited. (The id token's own checks are unit tests in `vaka-oidc`; the whole flow against
//! a real provider is `e2e/tests/oidc.test.mjs`.)

use axum::http::{Method, StatusCode};
use jiff::SignedDuration;
use serde_json::json;
use vaka_domain::auth::SessionStage;
use vaka_domain::clock::Clock;
use vaka_service::RequestMeta;
use vaka_service::auth::{OidcOutcome, OidcVouched};

use crate::db_tests;
use crate::support::{Auth, TestApp};
use crate::world::World;

const LOA3: &str = "http://id.sambi.se/loa/loa3";
const LOA2: &str = "http://id.sambi.se/loa/loa2";

/// The audit entries of one action: (outcome, details).
async fn entries(app: &TestApp, action: &str) -> Vec<(String, serde_json::Value)> {
    let mut tx = app.store.begin_read().await.unwrap();
    let page = tx
        .search_audit(&vaka_store::AuditQuery {
            limit: 500,
            ..vaka_store::AuditQuery::default()
        })
        .await
        .unwrap();
    page.into_iter()
        .filter(|e| e.new.action.code() == action)
        .map(|e| {
            (
                e.new.outcome.code().to_owned(),
                e.new
                    .details
                    .as_deref()
                    .and_then(|d| serde_json::from_str(d).ok())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

/// An administrator links an account to an HSA-id (the account page's field, through the API).
async fn link(app: &TestApp, w: &World, who: &str, hsa: &str) {
    let id = w.p(who).id;
    let res = app
        .json(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            &w.p("m_admin").bearer(),
            json!({ "hsa_id": hsa }),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

fn vouched<'a>(hsa: &'a str, acr: Option<&'a str>) -> OidcVouched<'a> {
    OidcVouched {
        provider: "siths",
        account_key: hsa,
        acr,
        two_factors: acr == Some(LOA3),
    }
}

async fn a_state_is_taken_once_and_expires(app: TestApp) {
    let s = &app.services;
    let meta = RequestMeta::default();
    s.oidc_login_started(
        "siths",
        "state-1",
        "nonce-1",
        "verifier-1",
        Some("/clients"),
    )
    .await
    .unwrap();
    let got = s
        .oidc_login_returned("siths", "state-1", &meta)
        .await
        .unwrap()
        .expect("the login is kept");
    assert_eq!(got.nonce, "nonce-1");
    assert_eq!(got.pkce_verifier, "verifier-1");
    assert_eq!(got.next.as_deref(), Some("/clients"));
    // Replayed: nothing.
    assert!(
        s.oidc_login_returned("siths", "state-1", &meta)
            .await
            .unwrap()
            .is_none()
    );
    // Never sent: nothing.
    assert!(
        s.oidc_login_returned("siths", "made-up", &meta)
            .await
            .unwrap()
            .is_none()
    );
    // Another provider's return cannot take it (and it is gone after the try).
    s.oidc_login_started("siths", "state-2", "n", "v", None)
        .await
        .unwrap();
    assert!(
        s.oidc_login_returned("other", "state-2", &meta)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.oidc_login_returned("siths", "state-2", &meta)
            .await
            .unwrap()
            .is_none()
    );
    // Ten minutes at the provider are allowed; more are not.
    s.oidc_login_started("siths", "state-3", "n", "v", None)
        .await
        .unwrap();
    s.oidc_login_started("siths", "state-4", "n", "v", None)
        .await
        .unwrap();
    app.clock.advance(SignedDuration::from_mins(9));
    assert!(
        s.oidc_login_returned("siths", "state-3", &meta)
            .await
            .unwrap()
            .is_some()
    );
    app.clock.advance(SignedDuration::from_mins(2));
    assert!(
        s.oidc_login_returned("siths", "state-4", &meta)
            .await
            .unwrap()
            .is_none()
    );
    let failures: Vec<String> = entries(&app, "auth.oidc")
        .await
        .into_iter()
        .filter(|(o, _)| o == "failure")
        .map(|(_, d)| d["reason"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(failures.len(), 5, "{failures:?}");
    assert!(
        failures.iter().any(|r| r == "expired state"),
        "{failures:?}"
    );
    assert!(
        failures.iter().any(|r| r == "state of another provider"),
        "{failures:?}"
    );
}

async fn the_account_is_found_by_its_linked_hsa_id_and_never_created(app: TestApp) {
    let w = World::build(&app).await;
    let meta = RequestMeta::default();
    let hsa = "SE2321000016-A001";
    // Before the administrator links it: an unknown account, audited with the HSA-id.
    let users_before = {
        let mut tx = app.store.begin_read().await.unwrap();
        tx.list_users(&vaka_store::UserFilter::default())
            .await
            .unwrap()
            .len()
    };
    let out = app
        .services
        .oidc_login(&vouched(hsa, Some(LOA3)), &meta)
        .await
        .unwrap();
    assert!(matches!(out, OidcOutcome::UnknownAccount), "{out:?}");
    let users_after = {
        let mut tx = app.store.begin_read().await.unwrap();
        tx.list_users(&vaka_store::UserFilter::default())
            .await
            .unwrap()
            .len()
    };
    assert_eq!(users_before, users_after, "an account was created");
    let audited = entries(&app, "auth.oidc").await;
    assert!(
        audited.iter().any(|(o, d)| o == "failure"
            && d["reason"] == "unknown account"
            && d["hsa_id"] == hsa
            && d["provider"] == "siths"),
        "{audited:?}"
    );
    // Not an HSA-id at all: the same page.
    let out = app
        .services
        .oidc_login(&vouched("transient-sub-123", Some(LOA3)), &meta)
        .await
        .unwrap();
    assert!(matches!(out, OidcOutcome::UnknownAccount));

    // Linked (in lower case: stored as the directory writes it): a complete session at loa3,
    // no one-time code asked for.
    link(&app, &w, "a_staff", &hsa.to_lowercase()).await;
    let out = app
        .services
        .oidc_login(&vouched(hsa, Some(LOA3)), &meta)
        .await
        .unwrap();
    let OidcOutcome::Session(new) = out else {
        panic!("no session: {out:?}")
    };
    assert_eq!(new.session.stage, SessionStage::Full);
    assert_eq!(new.session.user_id, w.p("a_staff").id);
    let page = app
        .get(
            "/",
            &Auth::Session {
                token: new.token.clone(),
                csrf: new.session.csrf_token.clone(),
            },
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let logins = entries(&app, "auth.login").await;
    assert!(
        logins.iter().any(|(o, d)| o == "success"
            && d["method"] == "oidc"
            && d["provider"] == "siths"
            && d["acr"] == LOA3),
        "{logins:?}"
    );
}

async fn a_lower_acr_goes_on_to_the_accounts_own_second_factor(app: TestApp) {
    let w = World::build(&app).await;
    let meta = RequestMeta::default();
    link(&app, &w, "a_nurse", "SE2321000016-N002").await;
    for acr in [Some(LOA2), None, Some("loa3")] {
        let out = app
            .services
            .oidc_login(&vouched("SE2321000016-N002", acr), &meta)
            .await
            .unwrap();
        let OidcOutcome::Session(new) = out else {
            panic!("no session: {out:?}")
        };
        assert_eq!(new.session.stage, SessionStage::SecondFactor, "{acr:?}");
        // The half-finished login reaches nothing but its code page.
        let page = app
            .get(
                "/",
                &Auth::Session {
                    token: new.token.clone(),
                    csrf: new.session.csrf_token.clone(),
                },
            )
            .await;
        assert_eq!(page.location(), Some("/login/code"));
    }
}

async fn an_account_that_cannot_log_in_is_refused(app: TestApp) {
    let w = World::build(&app).await;
    let meta = RequestMeta::default();
    link(&app, &w, "a_patrol", "SE2321000016-P003").await;
    link(&app, &w, "b_staff", "SE2321000016-B004").await;
    // Deactivated by the administrator.
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/users/{}/deactivate", w.p("a_patrol").id),
            &w.p("m_admin").bearer(),
            json!({}),
        )
        .await;
    assert!(res.status.is_success(), "{}", res.body);
    let out = app
        .services
        .oidc_login(&vouched("SE2321000016-P003", Some(LOA3)), &meta)
        .await
        .unwrap();
    assert!(matches!(out, OidcOutcome::Refused), "{out:?}");
    // Locked after wrong codes: the provider's word does not lift the lock.
    {
        let mut tx = app.store.begin().await.unwrap();
        let until = app.clock.now() + SignedDuration::from_mins(15);
        tx.record_login_failure(
            w.p("b_staff").id,
            5,
            Some(vaka_store::DbInstant::new(until)),
        )
        .await
        .unwrap();
        tx.commit(&[]).await.unwrap();
    }
    let out = app
        .services
        .oidc_login(&vouched("SE2321000016-B004", Some(LOA3)), &meta)
        .await
        .unwrap();
    assert!(matches!(out, OidcOutcome::Refused), "{out:?}");
    let reasons: Vec<String> = entries(&app, "auth.oidc")
        .await
        .into_iter()
        .filter(|(o, _)| o == "failure")
        .map(|(_, d)| d["reason"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(reasons.iter().any(|r| r == "deactivated"), "{reasons:?}");
    assert!(reasons.iter().any(|r| r == "locked"), "{reasons:?}");
}

async fn the_login_routes_answer_clearly_without_a_provider(app: TestApp) {
    // No provider configured: the login page has no button, and a provider's address is a
    // clear page, not an error.
    let page = app.get("/login", &Auth::None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/login/oidc/"), "a provider button");
    for path in [
        "/login/oidc/siths",
        "/login/oidc/siths/callback?state=x&code=y",
    ] {
        let res = app.get(path, &Auth::None).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        assert!(res.body.contains("identitetsleverantör"), "{}", res.body);
    }
}

db_tests!(
    a_state_is_taken_once_and_expires,
    the_account_is_found_by_its_linked_hsa_id_and_never_created,
    a_lower_acr_goes_on_to_the_accounts_own_second_factor,
    an_account_that_cannot_log_in_is_refused,
    the_login_routes_answer_clearly_without_a_provider,
);

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
    // no one-time code asked for. The link is in the audit log.
    link(&app, &w, "a_staff", &hsa.to_lowercase()).await;
    let updates = entries(&app, "user.update").await;
    assert!(
        updates
            .iter()
            .any(|(o, d)| o == "success" && d["hsa_id"] == hsa),
        "{updates:?}"
    );
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

/// The whole flow against a real OpenID provider: `tools/idp` (oidc-provider under Node; its
/// packages are installed by scripts/test), driven as a browser would, the provider's cookies
/// kept by hand.
mod against_the_test_provider {
    use std::collections::BTreeMap;
    use std::net::SocketAddr;
    use std::process::Stdio;
    use std::sync::Arc;

    use axum::body::Body;
    use axum::extract::connect_info::MockConnectInfo;
    use axum::http::{Request, StatusCode, header};
    use http_body_util::BodyExt;
    use tokio::io::{AsyncBufReadExt, BufReader};
    use tower::ServiceExt;
    use vaka_domain::clock::{Clock, SystemClock};
    use vaka_server::config::{ClientAuthSetting, Config, OidcProviderConfig};

    use super::{LOA2, LOA3, entries, link};
    use crate::db_tests;
    use crate::support::TestApp;
    use crate::world::World;

    const BASE: &str = "http://vaka.test";

    struct Idp {
        child: tokio::process::Child,
        issuer: String,
    }

    /// Starts the provider. A Node process has been seen to hang at its start, before any
    /// JavaScript ran, when several tests start one at once (once in a CI run: the process
    /// waiting on a futex with no CPU time used, never listening). So a start that has not
    /// said where it listens within 30 s is killed and made again, up to three times.
    async fn start_idp() -> Idp {
        for attempt in 1..=3 {
            let mut child = spawn_idp();
            let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
            let listening = async {
                loop {
                    let line = lines.next_line().await.unwrap()?;
                    if let Some(i) = line.strip_prefix("idp listening on ") {
                        return Some(i.trim().to_owned());
                    }
                }
            };
            match tokio::time::timeout(std::time::Duration::from_secs(30), listening).await {
                Ok(Some(issuer)) => {
                    // Whatever it writes later is read, so that it never meets a closed pipe.
                    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
                    return Idp { child, issuer };
                }
                Ok(None) => panic!("the test provider exited before it listened"),
                Err(_) => {
                    eprintln!(
                        "the test provider did not start within 30 s (attempt {attempt}); starting it again"
                    );
                    let _ = child.kill().await;
                }
            }
        }
        panic!("the test provider did not start in three attempts")
    }

    fn spawn_idp() -> tokio::process::Child {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/idp");
        assert!(
            dir.join("node_modules/oidc-provider").is_dir(),
            "the test provider's packages are missing: run `npm ci` in tools/idp (scripts/test does)"
        );
        tokio::process::Command::new("node")
            .arg(dir.join("idp.mjs"))
            .args(["--client-id", "vaka-it", "--client-secret", "it-secret"])
            .args([
                "--redirect-uri",
                &format!("{BASE}/login/oidc/siths/callback"),
            ])
            .args([
                "--post-logout-redirect-uri",
                &format!("{BASE}/login?ok=login-logged_out"),
            ])
            .arg("--exit-with-stdin")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("node")
    }

    /// Vaka with the provider configured (on the test app's database and clock).
    fn vaka(app: &TestApp, issuer: &str, client_id: &str) -> axum::Router {
        vaka_limited(app, issuer, client_id, 10_000)
    }

    /// … with `per_minute` logins (and starts at the provider) per address.
    fn vaka_limited(app: &TestApp, issuer: &str, client_id: &str, per_minute: u32) -> axum::Router {
        let cfg = Config {
            public_url: Some(BASE.into()),
            login_attempts_per_minute: per_minute,
            oidc: vaka_server::config::OidcConfig {
                providers: vec![OidcProviderConfig {
                    id: "siths".into(),
                    label: "SITHS eID".into(),
                    issuer: issuer.into(),
                    client_id: client_id.into(),
                    client_secret_file: None,
                    client_secret: Some("it-secret".into()),
                    client_auth: ClientAuthSetting::Post,
                    account_claim: "employeeHsaId".into(),
                    two_factor_acr: vec![LOA3.into()],
                    scopes: vec!["openid".into()],
                }],
            },
            ..Config::default()
        };
        let state = vaka_server::serve::state(
            &cfg,
            app.store.clone(),
            Arc::new(app.clock.clone()),
            Vec::new(),
        )
        .unwrap();
        vaka_web::build(state)
            .router
            .layer(MockConnectInfo(SocketAddr::from(([192, 0, 2, 10], 40000))))
    }

    struct Answer {
        status: StatusCode,
        location: Option<String>,
        cookies: Vec<String>,
        body: String,
    }

    async fn vaka_get(router: &axum::Router, path_and_query: &str, cookie: Option<&str>) -> Answer {
        let mut req = Request::get(path_and_query).header(header::HOST, "vaka.test");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        send(router, req.body(Body::empty()).unwrap()).await
    }

    async fn vaka_post(
        router: &axum::Router,
        path_and_query: &str,
        cookie: &str,
        form: &[(&str, &str)],
    ) -> Answer {
        let req = Request::post(path_and_query)
            .header(header::HOST, "vaka.test")
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(form).unwrap()))
            .unwrap();
        send(router, req).await
    }

    /// Vaka's answer to one request: status, `Location`, the cookies set, the body.
    async fn send(router: &axum::Router, req: Request<Body>) -> Answer {
        let res = router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let location = res
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_owned());
        let cookies = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned())
            .collect();
        let body = String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes())
            .into_owned();
        Answer {
            status,
            location,
            cookies,
            body,
        }
    }

    /// A browser at the provider: follows its redirects, keeps its cookies.
    struct Browser {
        http: reqwest::Client,
        jar: BTreeMap<String, String>,
    }

    impl Browser {
        fn new() -> Self {
            Self {
                http: reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .unwrap(),
                jar: BTreeMap::new(),
            }
        }

        fn keep(&mut self, res: &reqwest::Response) {
            for c in res.headers().get_all(header::SET_COOKIE) {
                let pair = c.to_str().unwrap().split(';').next().unwrap();
                if let Some((k, v)) = pair.split_once('=') {
                    self.jar.insert(k.to_owned(), v.to_owned());
                }
            }
        }

        fn cookie(&self) -> String {
            self.jar
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        }

        /// Follows the provider's redirects from `url` until one leaves it (to Vaka): that URL,
        /// or the page it stops at (its URL and body).
        /// A page that a browser's script would post at once: the provider's "end the other
        /// person's session first" step when a different person logs in while it has a
        /// session (`oidc-provider`'s auto-submitted form). Its action and fields.
        fn auto_submitted(body: &str) -> Option<(String, Vec<(String, String)>)> {
            if !body.contains("document.forms[0].submit()") {
                return None;
            }
            let attr = |tag: &str, name: &str| -> Option<String> {
                let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
                Some(tag[at..].split('"').next()?.to_owned())
            };
            let form = body.split("<form").nth(1)?;
            let action = attr(form.split('>').next()?, "action")?;
            let fields = form
                .split("<input")
                .skip(1)
                .filter_map(|i| Some((attr(i, "name")?, attr(i, "value")?)))
                .collect();
            Some((action, fields))
        }

        async fn follow(&mut self, mut url: String, issuer: &str) -> (String, String) {
            let mut post: Option<Vec<(String, String)>> = None;
            for _ in 0..10 {
                if !url.starts_with(issuer) {
                    return (url, String::new());
                }
                let req = match post.take() {
                    Some(fields) => self
                        .http
                        .post(&url)
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(serde_urlencoded::to_string(&fields).unwrap()),
                    None => self.http.get(&url),
                };
                let res = req
                    .header(header::COOKIE, self.cookie())
                    .send()
                    .await
                    .unwrap();
                self.keep(&res);
                if res.headers().get(header::LOCATION).is_none() {
                    let body = res.text().await.unwrap();
                    if let Some((action, fields)) = Self::auto_submitted(&body) {
                        url = action;
                        post = Some(fields);
                        continue;
                    }
                    return (url, body);
                }
                match res.headers().get(header::LOCATION) {
                    Some(l) => {
                        let l = l.to_str().unwrap();
                        url = if l.starts_with('/') {
                            format!("{issuer}{l}")
                        } else {
                            l.to_owned()
                        };
                    }
                    None => return (url, res.text().await.unwrap()),
                }
            }
            panic!("too many redirects")
        }

        /// "Reads the card": posts the HSA-id and level on the provider's page; returns where
        /// the provider sends the browser back to.
        async fn card(&mut self, page_url: &str, issuer: &str, hsa: &str, acr: &str) -> String {
            let action = format!("{page_url}/login");
            let res = self
                .http
                .post(&action)
                .header(header::COOKIE, self.cookie())
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(serde_urlencoded::to_string([("hsa_id", hsa), ("acr", acr)]).unwrap())
                .send()
                .await
                .unwrap();
            self.keep(&res);
            let next = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
            let next = if next.starts_with('/') {
                format!("{issuer}{next}")
            } else {
                next
            };
            self.follow(next, issuer).await.0
        }
    }

    /// A SITHS eID login as far as the return to Vaka: the callback's path and query, and the
    /// cookie that binds the login to the browser that started it.
    async fn to_callback(
        router: &axum::Router,
        issuer: &str,
        hsa: &str,
        acr: &str,
    ) -> (String, String) {
        let start = vaka_get(router, "/login/oidc/siths", None).await;
        assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.body);
        let bound = start
            .cookies
            .iter()
            .find(|c| c.starts_with("vaka_oidc_state="))
            .expect("the start binds the login to the browser")
            .clone();
        let mut b = Browser::new();
        let (page_url, page) = b.follow(start.location.unwrap(), issuer).await;
        assert!(page.contains("HSA-id"), "{page}");
        let back = b.card(&page_url, issuer, hsa, acr).await;
        (
            back.strip_prefix(BASE).expect("back to Vaka").to_owned(),
            bound,
        )
    }

    async fn a_real_provider_logs_in_once_per_state(app: TestApp) {
        // The provider's tokens are of now: the test clock too.
        app.clock.set(SystemClock.now());
        let w = World::build(&app).await;
        link(&app, &w, "a_staff", "SE2321000016-S100").await;
        let mut idp = start_idp().await;
        let router = vaka(&app, &idp.issuer, "vaka-it");

        // loa3: complete at once.
        let (callback, bound) = to_callback(&router, &idp.issuer, "SE2321000016-S100", LOA3).await;
        let done = vaka_get(&router, &callback, Some(&bound)).await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "{}",
            crate::support::captured_logs()
                .lines()
                .filter(|l| l.contains("identity provider"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        assert_eq!(done.location.as_deref(), Some("/"));
        let session = done
            .cookies
            .iter()
            .find(|c| c.starts_with("vaka_session="))
            .expect("a session cookie")
            .clone();
        let home = vaka_get(&router, "/", Some(&session)).await;
        assert_eq!(home.status, StatusCode::OK);

        // The same return again (a replayed state, the code used): refused, no session.
        let again = vaka_get(&router, &callback, Some(&bound)).await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST);
        assert!(again.body.contains("redan använts"), "{}", again.body);
        assert!(!again.cookies.iter().any(|c| c.starts_with("vaka_session=")));

        // loa2: the code page. But first the return in a browser that did not start the login
        // (someone else's card, a link sent to this browser: a login CSRF): refused, no
        // session, and the login is left for the browser that started it.
        let (callback, bound) = to_callback(&router, &idp.issuer, "SE2321000016-S100", LOA2).await;
        let elsewhere = vaka_get(&router, &callback, None).await;
        assert_eq!(elsewhere.status, StatusCode::BAD_REQUEST);
        assert!(
            !elsewhere
                .cookies
                .iter()
                .any(|c| c.starts_with("vaka_session="))
        );
        let forged_cookie = vaka_get(&router, &callback, Some("vaka_oidc_state=guess")).await;
        assert_eq!(forged_cookie.status, StatusCode::BAD_REQUEST);
        let half = vaka_get(&router, &callback, Some(&bound)).await;
        assert_eq!(half.location.as_deref(), Some("/login/code"));
        let unbound = entries(&app, "auth.oidc").await;
        assert!(
            unbound.iter().any(|(o, d)| o == "failure"
                && d["reason"].as_str() == Some("state not from this browser")),
            "{unbound:?}"
        );

        // An unknown HSA-id: the page says so, and no session.
        let (callback, bound) = to_callback(&router, &idp.issuer, "SE2321000016-X999", LOA3).await;
        let unknown = vaka_get(&router, &callback, Some(&bound)).await;
        assert_eq!(unknown.status, StatusCode::FORBIDDEN);
        assert!(
            unknown.body.contains("SE2321000016-X999"),
            "{}",
            unknown.body
        );
        assert!(
            !unknown
                .cookies
                .iter()
                .any(|c| c.starts_with("vaka_session="))
        );

        // A return whose state was never sent by this Vaka (another client's login): refused.
        let forged = vaka_get(
            &router,
            "/login/oidc/siths/callback?code=abc&state=not-ours",
            None,
        )
        .await;
        assert_eq!(forged.status, StatusCode::BAD_REQUEST);

        // The provider down: the button's page says so.
        idp.child.kill().await.unwrap();
        let down = vaka_get(&router, "/login/oidc/siths", None).await;
        assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(down.body.contains("går inte att nå"), "{}", down.body);

        let logins = entries(&app, "auth.login").await;
        assert!(
            logins
                .iter()
                .any(|(o, d)| o == "success" && d["method"] == "oidc"),
            "{logins:?}"
        );
    }

    async fn a_token_for_another_client_is_refused(app: TestApp) {
        app.clock.set(SystemClock.now());
        let w = World::build(&app).await;
        link(&app, &w, "a_staff", "SE2321000016-S101").await;
        let idp = start_idp().await;
        // Vaka believes it is another client: the provider's token (and code) are not for it.
        let router = vaka(&app, &idp.issuer, "vaka-it");
        let (callback, bound) = to_callback(&router, &idp.issuer, "SE2321000016-S101", LOA3).await;
        let other = vaka(&app, &idp.issuer, "someone-else");
        // The state is in the shared database, so the other front end takes it; the provider
        // refuses its code (not its client), and nothing logs in.
        let res = vaka_get(&other, &callback, Some(&bound)).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
        assert!(!res.cookies.iter().any(|c| c.starts_with("vaka_session=")));
        let failures = entries(&app, "auth.oidc").await;
        assert!(
            failures
                .iter()
                .any(|(o, d)| o == "failure"
                    && d["reason"].as_str().unwrap_or("").contains("refused")),
            "{failures:?}"
        );
    }

    /// A SITHS eID login in `b` (which keeps its session at the provider): Vaka's session
    /// cookie.
    async fn siths_session(
        router: &axum::Router,
        b: &mut Browser,
        issuer: &str,
        hsa: &str,
        acr: &str,
    ) -> String {
        let start = vaka_get(router, "/login/oidc/siths", None).await;
        let bound = start
            .cookies
            .iter()
            .find(|c| c.starts_with("vaka_oidc_state="))
            .expect("bound to the browser")
            .clone();
        let (page_url, _) = b.follow(start.location.unwrap(), issuer).await;
        let back = b.card(&page_url, issuer, hsa, acr).await;
        let done = vaka_get(router, back.strip_prefix(BASE).unwrap(), Some(&bound)).await;
        done.cookies
            .iter()
            .find(|c| c.starts_with("vaka_session="))
            .expect("logged in")
            .clone()
    }

    /// Makes the session's last proof of a second factor 20 minutes old (past the step-up
    /// window) without moving the clock, which must stay the provider's.
    async fn age_second_factor(
        app: &TestApp,
        session: &str,
    ) -> (vaka_domain::ids::SessionId, String) {
        let token = session.strip_prefix("vaka_session=").unwrap();
        let auth = app
            .services
            .authenticate_session(token)
            .await
            .unwrap()
            .unwrap();
        let s = auth.session.unwrap();
        let mut tx = app.store.begin().await.unwrap();
        let then = app.clock.now() - jiff::SignedDuration::from_mins(20);
        tx.prove_second_factor(s.id, vaka_store::DbInstant::new(then))
            .await
            .unwrap();
        tx.commit(&[]).await.unwrap();
        (s.id, s.csrf_token)
    }

    /// A step-up from the profile: posted by the password form's SITHS button, through the
    /// provider (in `b`, which already has a session there), back to Vaka's callback. Returns
    /// Vaka's answer to the callback.
    async fn step_up(
        router: &axum::Router,
        b: &mut Browser,
        issuer: &str,
        session: &str,
        csrf: &str,
        hsa: &str,
        acr: &str,
    ) -> Answer {
        let start = vaka_post(
            router,
            "/login/oidc/siths/step-up?next=%2Fprofile",
            session,
            &[("_csrf", csrf), ("current", "typed"), ("code", "")],
        )
        .await;
        assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.body);
        let to = start.location.unwrap();
        // The person must authenticate again, whatever session they have at the provider.
        assert!(
            to.contains("prompt=login") && to.contains("max_age=0"),
            "{to}"
        );
        let bound = start
            .cookies
            .iter()
            .find(|c| c.starts_with("vaka_oidc_state="))
            .expect("bound to the browser")
            .clone();
        let (page_url, page) = b.follow(to, issuer).await;
        assert!(
            page.contains("HSA-id"),
            "the provider must ask again (prompt=login): went to {page_url}"
        );
        let back = b.card(&page_url, issuer, hsa, acr).await;
        let callback = back
            .strip_prefix(BASE)
            .unwrap_or_else(|| panic!("not back to Vaka: {back}"))
            .to_owned();
        vaka_get(router, &callback, Some(&format!("{session}; {bound}"))).await
    }

    async fn a_step_up_at_the_provider_renews_the_second_factor(app: TestApp) {
        app.clock.set(SystemClock.now());
        // No TOTP anywhere: a_staff (a care worker, who must have two factors) has only the
        // card. Before, such an account could do no sensitive action at all.
        let w = World::build_without_totp(&app).await;
        link(&app, &w, "a_staff", "SE2321000016-S200").await;
        link(&app, &w, "a_nurse", "SE2321000016-N201").await;
        let idp = start_idp().await;
        let router = vaka(&app, &idp.issuer, "vaka-it");

        // Logged in with the card (loa3), in a browser that keeps its provider session.
        let mut b = Browser::new();
        let session = siths_session(&router, &mut b, &idp.issuer, "SE2321000016-S200", LOA3).await;

        let (_, csrf) = age_second_factor(&app, &session).await;
        // Twenty minutes later: the profile offers the step-up instead of a code field it
        // could not fill, and the change is refused without it.
        let profile = vaka_get(&router, "/profile", Some(&session)).await;
        assert_eq!(profile.status, StatusCode::OK);
        assert!(
            profile
                .body
                .contains("formaction=\"/login/oidc/siths/step-up?next=%2Fprofile\""),
            "{}",
            profile.body
        );
        assert!(profile.body.contains("Bekräfta med SITHS eID"));
        assert!(!profile.body.contains("id=\"pw-code\""), "a code field");
        let new_password = "a much longer new passphrase 42";
        let change = [
            ("_csrf", csrf.as_str()),
            ("current", crate::world::PASSWORD),
            ("new_password", new_password),
            ("repeat", new_password),
        ];
        let refused = vaka_post(&router, "/profile/password", &session, &change).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );

        // Another person's card: refused, audited, still not fresh.
        let other = step_up(
            &router,
            &mut b,
            &idp.issuer,
            &session,
            &csrf,
            "SE2321000016-N201",
            LOA3,
        )
        .await;
        assert_eq!(other.status, StatusCode::FORBIDDEN, "{}", other.body);
        assert!(other.body.contains("annan person"), "{}", other.body);
        // One factor: refused, audited.
        let weak = step_up(
            &router,
            &mut b,
            &idp.issuer,
            &session,
            &csrf,
            "SE2321000016-S200",
            LOA2,
        )
        .await;
        assert_eq!(weak.status, StatusCode::FORBIDDEN, "{}", weak.body);
        assert!(weak.body.contains("bara en faktor"), "{}", weak.body);
        // The right card, but the return comes to another browser's session: refused.
        let mut b2 = Browser::new();
        let session2 =
            siths_session(&router, &mut b2, &idp.issuer, "SE2321000016-S200", LOA3).await;
        let start = vaka_post(
            &router,
            "/login/oidc/siths/step-up?next=%2Fprofile",
            &session,
            &[("_csrf", csrf.as_str())],
        )
        .await;
        let bound = start
            .cookies
            .iter()
            .find(|c| c.starts_with("vaka_oidc_state="))
            .unwrap()
            .clone();
        let (page_url, _) = b2.follow(start.location.unwrap(), &idp.issuer).await;
        let back = b2
            .card(&page_url, &idp.issuer, "SE2321000016-S200", LOA3)
            .await;
        let elsewhere = vaka_get(
            &router,
            back.strip_prefix(BASE).unwrap(),
            Some(&format!("{session2}; {bound}")),
        )
        .await;
        assert_eq!(
            elsewhere.status,
            StatusCode::FORBIDDEN,
            "{}",
            elsewhere.body
        );
        let audited = entries(&app, "auth.oidc").await;
        assert!(
            audited.iter().any(
                |(o, d)| o == "failure" && d["reason"] == "step-up returned in another session"
            ),
            "{audited:?}"
        );
        let still = vaka_post(&router, "/profile/password", &session, &change).await;
        assert_eq!(
            still.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            still.body
        );

        // The person's own card at loa3: back to the profile, and the change goes through.
        let ok = step_up(
            &router,
            &mut b,
            &idp.issuer,
            &session,
            &csrf,
            "SE2321000016-S200",
            LOA3,
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        assert_eq!(ok.location.as_deref(), Some("/profile"));
        let profile = vaka_get(&router, "/profile", Some(&session)).await;
        assert!(!profile.body.contains("/step-up?"), "still offered");
        let changed = vaka_post(&router, "/profile/password", &session, &change).await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);

        let confirmed = entries(&app, "auth.step_up").await;
        assert!(
            confirmed.iter().any(|(o, d)| o == "success"
                && d["second_factor"] == "oidc"
                && d["provider"] == "siths"
                && d["acr"] == LOA3),
            "{confirmed:?}"
        );
        let mut failed: Vec<String> = entries(&app, "auth.totp_failed")
            .await
            .into_iter()
            .filter(|(_, d)| d["second_factor"] == "oidc")
            .map(|(_, d)| d["reason"].as_str().unwrap_or_default().to_owned())
            .collect();
        failed.sort();
        assert_eq!(failed, ["another person's HSA-id", "one factor"]);
    }

    async fn step_up_starts_are_counted_with_the_logins(app: TestApp) {
        app.clock.set(SystemClock.now());
        let w = World::build_without_totp(&app).await;
        link(&app, &w, "a_staff", "SE2321000016-S300").await;
        let idp = start_idp().await;
        // Three per minute from one address: the login's start is the first.
        let router = vaka_limited(&app, &idp.issuer, "vaka-it", 3);
        let mut b = Browser::new();
        let session = siths_session(&router, &mut b, &idp.issuer, "SE2321000016-S300", LOA3).await;
        let (_, csrf) = age_second_factor(&app, &session).await;
        let form = [("_csrf", csrf.as_str())];
        let start = || {
            vaka_post(
                &router,
                "/login/oidc/siths/step-up?next=%2Fprofile",
                &session,
                &form,
            )
        };
        assert_eq!(start().await.status, StatusCode::SEE_OTHER);
        assert_eq!(start().await.status, StatusCode::SEE_OTHER);
        let limited = start().await;
        assert_eq!(
            limited.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            limited.body
        );
        assert!(
            !limited
                .cookies
                .iter()
                .any(|c| c.starts_with("vaka_oidc_state=")),
            "a step-up began"
        );
    }

    db_tests!(
        a_real_provider_logs_in_once_per_state,
        a_token_for_another_client_is_refused,
        a_step_up_at_the_provider_renews_the_second_factor,
        step_up_starts_are_counted_with_the_logins,
    );
}

//! Test harness: a fresh application per test on a fresh database, a clock the test drives,
//! and small helpers for requests.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use jiff::Timestamp;
use tower::ServiceExt;
use vaka_domain::clock::ManualClock;
use vaka_server::config::Config;
use vaka_service::Services;
use vaka_store::sealed::{Keyring, SecretKey};
use vaka_store::{Backend, Store};
use vaka_store_postgres::{PgOptions, PgStore};
use vaka_store_sqlite::{SqliteOptions, SqliteStore};
use vaka_web::RouteSpec;

/// Runs each named async test function once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::support::TestApp::sqlite().await;
                    super::$name(app.clone()).await;
                    app.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(app) = $crate::support::TestApp::postgres().await else {
                        eprintln!("VAKA_TEST_POSTGRES_URL is not set: the PostgreSQL run of this test is skipped");
                        return;
                    };
                    super::$name(app.clone()).await;
                    app.finish().await;
                }
            }
        )*
    };
}

/// The start of every test's clock: a Sunday in November.
pub fn t0() -> Timestamp {
    "2026-11-22T09:00:00Z".parse().unwrap()
}

enum Cleanup {
    // Held so that the directory lives as long as the app.
    Dir(#[allow(dead_code)] Arc<tempfile::TempDir>),
    Schema {
        url: String,
        schema: String,
    },
    /// Another node's: the first node cleans up.
    None,
}

#[derive(Clone)]
pub struct TestApp {
    pub router: Router,
    /// The camera gateway's hub of this application.
    pub cameras: vaka_gateway::camera::CameraHub,
    pub locks: vaka_gateway::lock::LockHub,
    pub services: Services,
    pub clock: ManualClock,
    pub backend: Backend,
    pub routes: Vec<RouteSpec>,
    pub store: Arc<dyn Store>,
    cleanup: Arc<Cleanup>,
    /// For SQLite: the database file.
    pub db_path: Option<std::path::PathBuf>,
    /// For PostgreSQL: URL and schema.
    pub pg: Option<(String, String)>,
    /// The keys that seal the secret columns: a new key per test, `secret_key`.
    pub keys: Arc<Keyring>,
    pub secret_key: SecretKey,
}

/// How a request proves who it is.
#[derive(Clone, Debug)]
pub enum Auth {
    None,
    Bearer(String),
    Session { token: String, csrf: String },
}

/// A response, read.
#[derive(Debug)]
pub struct Res {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Res {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// Asserts the status and that the body holds `needle` (showing the body when either fails):
    /// the usual check of a refusal that must name its reason.
    pub fn assert_says(&self, status: StatusCode, needle: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        self.assert_has(needle);
    }

    /// Asserts that the body holds `needle` (showing the body if not).
    pub fn assert_has(&self, needle: &str) {
        assert!(self.body.contains(needle), "{needle:?}: {}", self.body);
    }

    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }
}

/// Everything the application logs while the tests run, at every level: tests assert that no
/// personal data reaches it.
pub fn captured_logs() -> String {
    let buf = log_buffer()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    String::from_utf8_lossy(&buf).into_owned()
}

fn log_buffer() -> &'static std::sync::Mutex<Vec<u8>> {
    static BUF: std::sync::OnceLock<std::sync::Mutex<Vec<u8>>> = std::sync::OnceLock::new();
    BUF.get_or_init(|| std::sync::Mutex::new(Vec::new()))
}

struct LogWriter;

impl std::io::Write for LogWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        log_buffer()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sends the logs of every test to the buffer, at debug level for our crates (as an operator
/// turning on verbose logs would) and info for the rest.
fn capture_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::new(
            "info,vaka_web=trace,vaka_service=trace,vaka_server=trace,vaka_store=trace,\
             vaka_store_sqlite=trace,vaka_store_postgres=trace,sqlx=debug,tower_http=debug",
        );
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(|| LogWriter)
            .with_ansi(false)
            .try_init();
    });
}

impl TestApp {
    fn assemble(store: Arc<dyn Store>, backend: Backend, cleanup: Arc<Cleanup>) -> Self {
        Self::assemble_node(store, backend, cleanup, "node-a")
    }

    fn assemble_node(
        store: Arc<dyn Store>,
        backend: Backend,
        cleanup: Arc<Cleanup>,
        node: &str,
    ) -> Self {
        capture_logs();
        let clock = ManualClock::new(t0());
        let cfg = Config {
            node_name: Some(node.to_owned()),
            login_attempts_per_minute: 10_000,
            // Live views answer once and end, so a test reads them to the end.
            live_view_seconds: 0,
            ..Config::default()
        };
        let state =
            vaka_server::serve::state(&cfg, store.clone(), Arc::new(clock.clone()), Vec::new())
                .unwrap();
        let services = state.services.clone();
        let cameras = state.cameras.clone();
        let locks = state.locks.clone();
        let app = vaka_web::build(state);
        let router = app
            .router
            .layer(MockConnectInfo(SocketAddr::from(([192, 0, 2, 10], 40000))));
        Self {
            router,
            cameras,
            locks,
            services,
            clock,
            backend,
            routes: app.routes,
            store,
            cleanup,
            db_path: None,
            pg: None,
            keys: Arc::default(),
            secret_key: SecretKey::generate(),
        }
    }

    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vaka.db");
        let key = SecretKey::generate();
        let keys = Arc::new(Keyring::new(key.clone()));
        let store = SqliteStore::open_path(
            &path,
            &SqliteOptions {
                secrets: keys.clone(),
                ..SqliteOptions::default()
            },
        )
        .await
        .unwrap();
        store.migrate().await.unwrap();
        let mut app = Self::assemble(
            Arc::new(store),
            Backend::Sqlite,
            Arc::new(Cleanup::Dir(Arc::new(dir))),
        );
        app.db_path = Some(path);
        app.keys = keys;
        app.secret_key = key;
        app
    }

    pub async fn postgres() -> Option<Self> {
        let url = std::env::var("VAKA_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
        let key = SecretKey::generate();
        let keys = Arc::new(Keyring::new(key.clone()));
        let opts = PgOptions {
            max_connections: 8,
            schema: Some(schema.clone()),
            secrets: keys.clone(),
            ..PgOptions::default()
        };
        let store = PgStore::connect(&url, &opts)
            .await
            .expect("connect to VAKA_TEST_POSTGRES_URL");
        store.migrate().await.unwrap();
        let mut app = Self::assemble(
            Arc::new(store),
            Backend::Postgres,
            Arc::new(Cleanup::Schema {
                url: url.clone(),
                schema: schema.clone(),
            }),
        );
        app.pg = Some((url, schema));
        app.keys = keys;
        app.secret_key = key;
        Some(app)
    }

    /// A restart of the server: the store is closed, and a new application (new services, an
    /// empty camera hub) opens the same database at the same moment of the clock. What the old
    /// one kept in memory is gone.
    pub async fn restart(self) -> Self {
        let keys = self.keys.clone();
        self.restart_with_keys(keys).await
    }

    /// A restart with other secrets keys (a rotation, a lost key).
    pub async fn restart_with_keys(self, keys: Arc<Keyring>) -> Self {
        let now = vaka_domain::clock::Clock::now(&self.clock);
        self.store.close().await;
        let store: Arc<dyn Store> = match (&self.db_path, &self.pg) {
            (Some(path), _) => Arc::new(
                SqliteStore::open_path(
                    path,
                    &SqliteOptions {
                        secrets: keys.clone(),
                        ..SqliteOptions::default()
                    },
                )
                .await
                .unwrap(),
            ),
            (None, Some((url, schema))) => Arc::new(
                PgStore::connect(
                    url,
                    &PgOptions {
                        max_connections: 8,
                        schema: Some(schema.clone()),
                        secrets: keys.clone(),
                        ..PgOptions::default()
                    },
                )
                .await
                .unwrap(),
            ),
            _ => unreachable!("a test app has a database"),
        };
        store.migrate().await.unwrap();
        let mut app = Self::assemble(store, self.backend, self.cleanup.clone());
        app.clock.set(now);
        app.db_path.clone_from(&self.db_path);
        app.pg.clone_from(&self.pg);
        app.keys = keys;
        app.secret_key = self.secret_key.clone();
        app
    }

    /// A second node over the same PostgreSQL schema, at the same moment of the clock: its own
    /// services, camera hub and connections, as another machine of a cluster would have.
    /// None on SQLite (one process owns the file).
    pub async fn another_node(&self) -> Option<Self> {
        let (url, schema) = self.pg.as_ref()?;
        let store: Arc<dyn Store> = Arc::new(
            PgStore::connect(
                url,
                &PgOptions {
                    max_connections: 8,
                    schema: Some(schema.clone()),
                    secrets: self.keys.clone(),
                    ..PgOptions::default()
                },
            )
            .await
            .unwrap(),
        );
        // The first node owns the schema's clean-up.
        let mut node = Self::assemble_node(store, self.backend, Arc::new(Cleanup::None), "node-b");
        node.clock.set(vaka_domain::clock::Clock::now(&self.clock));
        node.pg.clone_from(&self.pg);
        node.keys = self.keys.clone();
        node.secret_key = self.secret_key.clone();
        Some(node)
    }

    /// Serves the application on a real socket (for WebSockets); returns its address.
    pub async fn listen(&self) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = self.router.clone();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        addr
    }

    pub async fn finish(self) {
        self.store.close().await;
        if let Cleanup::Schema { url, schema } = &*self.cleanup {
            let _ = PgStore::drop_schema(url, schema).await;
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Res {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Res {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    fn builder(method: Method, path: &str, auth: &Auth) -> axum::http::request::Builder {
        let mut b = Request::builder().method(method).uri(path);
        match auth {
            Auth::None => {}
            Auth::Bearer(t) => b = b.header(header::AUTHORIZATION, format!("Bearer {t}")),
            Auth::Session { token, .. } => {
                b = b.header(header::COOKIE, format!("vaka_session={token}"));
            }
        }
        b
    }

    pub async fn get(&self, path: &str, auth: &Auth) -> Res {
        self.send(
            Self::builder(Method::GET, path, auth)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub async fn json(
        &self,
        method: Method,
        path: &str,
        auth: &Auth,
        body: serde_json::Value,
    ) -> Res {
        self.send(
            Self::builder(method, path, auth)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        auth: &Auth,
        content_type: &str,
        body: Vec<u8>,
    ) -> Res {
        self.send(
            Self::builder(method, path, auth)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    pub async fn delete(&self, path: &str, auth: &Auth) -> Res {
        self.send(
            Self::builder(Method::DELETE, path, auth)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// Posts a form; with a session, the session's form token is added.
    pub async fn form(&self, path: &str, auth: &Auth, fields: &[(&str, &str)]) -> Res {
        let mut all: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if let Auth::Session { csrf, .. } = auth {
            all.push(("_csrf".into(), csrf.clone()));
        }
        let body = serde_urlencoded::to_string(&all).unwrap();
        self.send(
            Self::builder(Method::POST, path, auth)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Runs raw SQL against the test database (for tampering tests).
    pub async fn sql(&self, statements: &[&str]) {
        use sqlx::Connection;
        if let Some(path) = &self.db_path {
            let c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                .await
                .unwrap();
            run_sql(c, &[], statements).await;
        } else if let Some((url, schema)) = &self.pg {
            let c = sqlx::PgConnection::connect(url).await.unwrap();
            run_sql(c, &[format!("SET search_path TO {schema}")], statements).await;
        }
    }
}

/// Runs `setup` and then `statements` on one connection of either engine, and closes it.
async fn run_sql<C>(mut c: C, setup: &[String], statements: &[&str])
where
    C: sqlx::Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
{
    for s in setup
        .iter()
        .map(String::as_str)
        .chain(statements.iter().copied())
    {
        sqlx::raw_sql(sqlx::AssertSqlSafe(s.to_string()))
            .execute(&mut c)
            .await
            .unwrap();
    }
    c.close().await.unwrap();
}

/// Sends a JSON request that must succeed (the path and the answer shown if not); returns the
/// answer's JSON.
pub async fn ok(
    app: &TestApp,
    who: &Auth,
    method: Method,
    path: String,
    body: serde_json::Value,
) -> serde_json::Value {
    let res = app.json(method, &path, who, body).await;
    assert!(
        res.status.is_success(),
        "{path}: {} {}",
        res.status,
        res.body
    );
    res.json()
}

/// Records a night-supervision decision for `client` (`mode` at `times`, valid from the first
/// test night) and, if `consent`, the client's consent to it, given in person two days before;
/// each must succeed.
pub async fn night_supervision(
    app: &TestApp,
    assessor: &Auth,
    client: vaka_domain::ids::ClientId,
    mode: &str,
    times: &str,
    consent: bool,
) {
    ok(
        app,
        assessor,
        Method::POST,
        format!("/api/v1/clients/{client}/decisions"),
        serde_json::json!({"law": "sol", "service": "night_supervision", "supervision_mode": mode,
                           "times": times, "valid_from": "2026-11-22"}),
    )
    .await;
    if consent {
        ok(
            app,
            assessor,
            Method::POST,
            format!("/api/v1/clients/{client}/consents"),
            serde_json::json!({"service": "night_supervision", "informed_by": "Karin",
                               "informed_on": "2026-11-20", "informed_how": "in_person",
                               "given_by": "client", "given_on": "2026-11-20"}),
        )
        .await;
    }
}

/// Reads `path` with a GET that must succeed; returns the answer's JSON.
pub async fn read(app: &TestApp, who: &Auth, path: String) -> serde_json::Value {
    ok(app, who, Method::GET, path, serde_json::Value::Null).await
}

/// Takes a registered device through its steps to active at `client`: assign, install, a real
/// test, activate (each must succeed). A camera's test is a test frame: it gets a new credential
/// and a simulated camera connects with it for the test (returned: the camera's credential from
/// then on); an alarm unit's test is a test alarm from its account, stored through the
/// receiver's intake.
pub async fn commission(
    app: &TestApp,
    admin: &Auth,
    device: vaka_domain::ids::DeviceId,
    client: vaka_domain::ids::ClientId,
) -> Option<String> {
    let step = async |step: &str| {
        let body = if step == "assign" {
            serde_json::json!({"step": step, "client_id": client})
        } else {
            serde_json::json!({"step": step})
        };
        ok(
            app,
            admin,
            Method::POST,
            format!("/api/v1/devices/{device}/steps"),
            body,
        )
        .await
    };
    step("assign").await;
    step("install").await;
    let d = read(app, admin, format!("/api/v1/devices/{device}")).await;
    let mut credential = None;
    match d["kind"].as_str().unwrap() {
        "camera" => {
            let c = ok(
                app,
                admin,
                Method::POST,
                format!("/api/v1/devices/{device}/credential"),
                serde_json::Value::Null,
            )
            .await["credential"]
                .as_str()
                .unwrap()
                .to_owned();
            let addr = app.listen().await;
            let sim = crate::console::connect_sim(app, addr, device, &c).await;
            step("pass_test").await;
            sim.abort();
            credential = Some(c);
        }
        "alarm_unit" => {
            test_alarm(
                app,
                device,
                client,
                d["dc09_account"].as_str(),
                app.services.now(),
                true,
            )
            .await;
            step("pass_test").await;
        }
        _ => {
            step("pass_test").await;
        }
    }
    step("activate").await;
    credential
}

/// Stores a test alarm from `device` (its DC-09 `account`) at `at`, as if the unit's test button
/// had been pressed: through the receiver's intake, or — `handled` — already closed as a test by
/// the alarm centre (so that it waits in no queue of the tests that commission a unit).
pub async fn test_alarm(
    app: &TestApp,
    device: vaka_domain::ids::DeviceId,
    client: vaka_domain::ids::ClientId,
    account: Option<&str>,
    at: Timestamp,
    handled: bool,
) {
    let at = vaka_store::values::to_db_precision(at);
    let mut a = vaka_domain::alarm::AlarmRecord::new(
        vaka_domain::alarm::AlarmKind::Test,
        vaka_domain::client::AreaType::Town,
        "test",
        "RX",
        at,
    );
    a.device_id = Some(device);
    a.client_id = Some(client);
    a.account = account.map(str::to_owned);
    if handled {
        a.alarm.state = vaka_domain::alarm::AlarmState::Closed;
        a.alarm.closed_at = Some(at);
        a.cause = Some(vaka_domain::alarm::CloseCause::Test);
        let mut tx = app.store.begin().await.unwrap();
        tx.insert_alarm(&a).await.unwrap();
        tx.commit(&[]).await.unwrap();
    } else {
        app.services
            .store_alarm_intake(Vec::new(), vec![a], Vec::new(), None)
            .await
            .unwrap();
    }
}

/// Asserts that `needle` (bytes of a camera frame) is nowhere: not in the captured logs, not in
/// the SQLite files (the database and its WAL), not in any text or bytea column of the
/// PostgreSQL schema.
pub async fn assert_not_stored(app: &TestApp, needle: &[u8]) {
    assert!(
        needle.len() >= 16,
        "a needle long enough not to match by chance"
    );
    let logs = captured_logs();
    assert!(
        memchr::memmem::find(logs.as_bytes(), needle).is_none(),
        "the logs hold frame bytes"
    );
    if let Some(path) = &app.db_path {
        let dir = path.parent().unwrap();
        for entry in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            assert!(
                memchr::memmem::find(&bytes, needle).is_none(),
                "a database file holds frame bytes"
            );
        }
    }
    if let Some((url, schema)) = &app.pg {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        let cols: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = $1 AND data_type IN ('text', 'bytea', 'character varying', 'jsonb')",
        )
        .bind(schema)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        assert!(!cols.is_empty());
        for (table, col, ty) in cols {
            let value = if ty == "bytea" {
                format!("\"{col}\"")
            } else {
                format!("convert_to(\"{col}\"::text, 'UTF8')")
            };
            let q = format!(
                "SELECT count(*) FROM \"{schema}\".\"{table}\" WHERE position($1::bytea in {value}) > 0"
            );
            let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(q))
                .bind(needle)
                .fetch_one(&mut conn)
                .await
                .unwrap();
            assert_eq!(n, 0, "{table}.{col} holds frame bytes");
        }
    }
}

/// A browser session of a user who has logged in (password and second factor done): the
/// cookie's token and the form token, as the pages take them.
pub async fn logged_in(app: &TestApp, user: vaka_domain::ids::UserId) -> Auth {
    let account = {
        let mut tx = app.store.begin_read().await.unwrap();
        tx.get_user(user).await.unwrap().unwrap()
    };
    let new = app
        .services
        .start_session(
            &account,
            true,
            false,
            true,
            &vaka_service::RequestMeta::default(),
        )
        .await
        .unwrap();
    Auth::Session {
        token: new.token,
        csrf: new.session.csrf_token,
    }
}

/// The form token of a session, read from a page (as a browser would).
pub fn csrf_of(body: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = body.find(marker).expect("page has a form token") + marker.len();
    body[start..].split('"').next().unwrap().to_owned()
}

/// A page of a login still under way (`/login/code`, `/login/enrol`, `/login/password`), read
/// with the session cookie's `token` as a browser would: the page, and the session with the
/// page's form token for the form that follows.
pub async fn login_page(app: &TestApp, path: &str, token: String) -> (Res, Auth) {
    let page = app
        .get(
            path,
            &Auth::Session {
                token: token.clone(),
                csrf: String::new(),
            },
        )
        .await;
    let auth = Auth::Session {
        token,
        csrf: csrf_of(&page.body),
    };
    (page, auth)
}

/// The alarm receiver of `app` on a free port, with no jobs: the tests drive the clock and call
/// the jobs themselves.
pub async fn alarm_receiver(app: &TestApp) -> vaka_server::serve::AlarmReceiver {
    vaka_server::serve::start_alarm_receiver(
        "127.0.0.1:0",
        app.services.clone(),
        vaka_server::serve::AlarmJobs::None,
    )
    .await
    .unwrap()
}

/// The real `vaka demo` binary in `dir` (below `root`, its working directory), on free ports,
/// with no key or database from the environment; returns once it listens. Its stdout is read
/// to the end in the background so that it never writes into a closed pipe.
pub async fn start_demo(root: &std::path::Path, dir: &std::path::Path) -> tokio::process::Child {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_vaka"))
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--sia-listen",
            "127.0.0.1:0",
            "--scaip-listen",
            "127.0.0.1:0",
        ])
        .arg("--data-dir")
        .arg(dir)
        .env("VAKA_METRICS_LISTEN", "off")
        .env_remove("VAKA_SECRETS_KEY")
        .env_remove("VAKA_DATABASE_URL")
        .current_dir(root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = tokio::time::timeout(std::time::Duration::from_mins(2), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.starts_with("Vaka listening on") {
                return true;
            }
        }
        false
    })
    .await
    .expect("the demo starts in time");
    assert!(ready, "the demo stopped before listening");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    child
}

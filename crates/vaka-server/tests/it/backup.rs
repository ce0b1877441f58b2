//! Backup and restore through the real `vaka` binary: an online backup of SQLite while the
//! alarm receiver ACKs third-party diallers' events, restored into a fresh data directory with
//! the audit chain intact and every event ACKed before the backup started present once; the
//! refusals of `vaka backup` and `vaka restore`; and PostgreSQL's restore path (`pg_dump` into
//! a fresh database with `pg_restore`, then opened by `vaka`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use sqlx::Connection;
use vaka_domain::clock::Clock;

use crate::alarms::{alarm_unit, peer_blocking};
use crate::support::{TestApp, alarm_receiver};
use crate::world::World;

/// Runs the `vaka` binary in `dir` (no `vaka.toml` there) without configuration from the
/// environment.
pub(crate) fn vaka(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vaka"))
        .args(args)
        .current_dir(dir)
        .env_remove("VAKA_DATABASE_URL")
        .env_remove("VAKA_DATA_DIR")
        .output()
        .expect("vaka runs")
}

pub(crate) async fn vaka_async(dir: &Path, args: &[&str]) -> Output {
    let dir = dir.to_path_buf();
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        vaka(&dir, &refs)
    })
    .await
    .unwrap()
}

/// Puts a secrets key where `vaka` looks for it in `data_dir` (mode 0600 in a 0700 directory),
/// as an operator restores the key file, backed up apart, beside the database.
fn restore_key(key: &vaka_store::sealed::SecretKey, data_dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let keys = data_dir.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o700)).unwrap();
    let file = keys.join("secrets.key");
    std::fs::write(&file, format!("{}\n", key.to_base64().as_str())).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// `vaka restore --from FROM --data-dir DATA_DIR`, run in `dir`.
async fn restore(dir: &Path, from: &Path, data_dir: &Path) -> Output {
    vaka_async(
        dir,
        &["restore", "--from", s(from), "--data-dir", s(data_dir)],
    )
    .await
}

pub(crate) fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub(crate) fn succeeds(o: &Output) -> String {
    assert!(o.status.success(), "{}", text(o));
    text(o)
}

pub(crate) fn fails_saying(o: &Output, needle: &str) {
    assert!(!o.status.success(), "{}", text(o));
    assert!(text(o).contains(needle), "wanted {needle:?} in {}", text(o));
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

pub(crate) fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The journal's complete lines: one `ACCOUNT SEQ DATA` per ACKed event.
fn journal(path: &Path) -> Vec<(String, i64, String)> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let complete = text.rfind('\n').map_or("", |end| &text[..end]);
    complete
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut parts = l.splitn(3, ' ');
            let account = parts.next().unwrap().to_owned();
            let seq = parts.next().unwrap().parse().unwrap();
            (account, seq, parts.next().unwrap_or("").to_owned())
        })
        .collect()
}

/// The stored DC-09 messages of a SQLite file: (account, seq) → their data, once per copy.
async fn stored_messages(db: &Path) -> HashMap<(String, i64), Vec<String>> {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", s(db)))
        .await
        .unwrap();
    let rows: Vec<(String, i64, String)> =
        sqlx::query_as("SELECT account, seq, data FROM alarm_messages")
            .fetch_all(&mut c)
            .await
            .unwrap();
    c.close().await.unwrap();
    let mut out: HashMap<(String, i64), Vec<String>> = HashMap::new();
    for (a, seq, data) in rows {
        out.entry((a, seq)).or_default().push(data);
    }
    out
}

/// Polls `cond` every 20 ms until it holds; fails after `limit`.
async fn until(limit: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let started = Instant::now();
    while !cond() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A backup taken while the alarm receiver ACKs a steady stream of events from the PyPI
/// diallers (`load.py`: kept-open connections, stop-and-wait, every ACK journalled and fsynced
/// by the dialler) restores into a fresh data directory whose audit log verifies and which holds
/// every event ACKed before the backup started, exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_under_dc09_load_restores_every_event_acked_before_it() {
    let Ok(python) = std::env::var("VAKA_PEERS_PYTHON") else {
        panic!("VAKA_PEERS_PYTHON must point at a Python with the DC-09 peers");
    };
    let app = TestApp::sqlite().await;
    let w = World::build(&app).await;
    let accounts = [
        ("7101", w.client_a1),
        ("7102", w.client_a1),
        ("7103", w.client_b1),
    ];
    for (account, client) in accounts {
        alarm_unit(&app, &w, client, account, None).await;
    }
    // The diallers stamp their frames with the real clock: the receiver's clock follows it.
    let clock = app.clock.clone();
    let follow = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(100));
        loop {
            tick.tick().await;
            clock.set(vaka_domain::clock::SystemClock.now());
        }
    });
    app.clock.set(vaka_domain::clock::SystemClock.now());
    let rx = alarm_receiver(&app).await;

    let work = tempfile::tempdir().unwrap();
    let journal_path = work.path().join("journal");
    let mut load = Command::new(python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../vaka-alarm-receiver/peers/load.py"
        ))
        .args(["--host", "127.0.0.1", "--port", &rx.addr.port().to_string()])
        .args(["--accounts", "7101,7102,7103", "--connections", "6"])
        .args(["--duration", "40", "--journal", s(&journal_path)])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("load.py starts");

    until(Duration::from_secs(30), "300 ACKed events", || {
        journal(&journal_path).len() >= 300
    })
    .await;
    let before = journal(&journal_path);
    let db = app.db_path.clone().unwrap();
    let backup = work.path().join("vaka-backup.db");
    let out = vaka_async(
        work.path(),
        &[
            "backup",
            "--data-dir",
            s(db.parent().unwrap()),
            "--to",
            s(&backup),
        ],
    )
    .await;
    let during = journal(&journal_path).len() - before.len();
    let _ = load.kill();
    let _ = load.wait();
    follow.abort();
    let said = succeeds(&out);
    assert!(said.contains("integrity ok, audit log intact"), "{said}");
    assert!(said.contains("alarm messages"), "{said}");
    assert!(
        during > 0,
        "the receiver went on ACKing while the backup ran"
    );
    assert_eq!(mode(&backup), 0o600);
    // No temporary file is left beside the backup.
    let names: Vec<String> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains(".tmp")), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with("-wal")), "{names:?}");

    // Restored into a fresh data directory, where no server runs, with the secrets key.
    let fresh = work.path().join("fresh");
    restore_key(&app.secret_key, &fresh);
    let out = restore(work.path(), &backup, &fresh).await;
    succeeds(&out);
    let restored = fresh.join("vaka.db");
    assert_eq!(mode(&restored), 0o600);
    assert!(!fresh.join("vaka.db-wal").exists());
    let out = vaka_async(work.path(), &["audit", "verify", "--data-dir", s(&fresh)]).await;
    assert!(succeeds(&out).contains("audit log intact"));

    let stored = stored_messages(&restored).await;
    eprintln!(
        "ACKed before the backup: {}, during it: {during}; in the restored copy: {}",
        before.len(),
        stored.len()
    );
    assert!(stored.len() >= before.len());
    for (account, seq, data) in &before {
        let copies = stored
            .get(&(account.clone(), *seq))
            .map_or(&[][..], Vec::as_slice);
        assert_eq!(
            copies,
            std::slice::from_ref(data),
            "event {account}/{seq} ACKed before the backup"
        );
    }
    for ((account, seq), copies) in &stored {
        assert_eq!(copies.len(), 1, "{account}/{seq} is stored once");
    }
    rx.stop(&app.services).await;
    app.finish().await;
}

/// `vaka backup` refuses to overwrite; `vaka restore` refuses while a server runs on the
/// database, refuses a copy that is not sound (garbage, a tampered audit log, a schema newer
/// than the binary) and leaves the database as it was, and keeps what it replaced.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_a_running_server_and_a_bad_copy_and_keeps_what_it_replaced() {
    let app = TestApp::sqlite().await;
    World::build(&app).await;
    let db = app.db_path.clone().unwrap();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let backup = dir.join("b.db");
    let data_dir = s(db.parent().unwrap()).to_owned();
    succeeds(
        &vaka_async(
            dir,
            &["backup", "--data-dir", &data_dir, "--to", s(&backup)],
        )
        .await,
    );
    fails_saying(
        &vaka_async(
            dir,
            &["backup", "--data-dir", &data_dir, "--to", s(&backup)],
        )
        .await,
        "--force",
    );
    succeeds(
        &vaka_async(
            dir,
            &[
                "backup",
                "--data-dir",
                &data_dir,
                "--to",
                s(&backup),
                "--force",
            ],
        )
        .await,
    );
    let key = app.secret_key.clone();
    app.finish().await;

    // A server runs on the target: the restore is refused.
    let target = dir.join("target");
    restore_key(&key, &target);
    // `--database` alone reads the key of ./vaka-data.
    restore_key(&key, &dir.join("vaka-data"));
    succeeds(&restore(dir, &backup, &target).await);
    let mut server = Command::new(env!("CARGO_BIN_EXE_vaka"))
        .args(["serve", "--data-dir", s(&target), "--listen", "127.0.0.1:0"])
        .current_dir(dir)
        .env("VAKA_METRICS_LISTEN", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = server.stdout.take().unwrap();
    tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout).lines() {
            if line.unwrap().contains("listening on") {
                return;
            }
        }
        panic!("the server ended before it listened");
    })
    .await
    .unwrap();
    fails_saying(
        &restore(dir, &backup, &target).await,
        "in use by a running Vaka server",
    );
    // A second server on the same database is refused too.
    fails_saying(
        &vaka_async(
            dir,
            &["serve", "--data-dir", s(&target), "--listen", "127.0.0.1:0"],
        )
        .await,
        "in use by a running Vaka server",
    );
    // Killed (it may leave its WAL behind): the restore goes through and keeps the old one.
    server.kill().unwrap();
    server.wait().unwrap();
    let had_wal = target.join("vaka.db-wal").exists();
    let out = restore(dir, &backup, &target).await;
    assert!(succeeds(&out).contains("is kept as"));
    let kept: Vec<PathBuf> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .contains(".before-restore-")
        })
        .collect();
    let kept_db = kept
        .iter()
        .find(|p| !p.to_string_lossy().ends_with("-wal"))
        .expect("the replaced database is kept");
    assert_eq!(
        kept.iter().any(|p| p.to_string_lossy().ends_with("-wal")),
        had_wal,
        "the replaced database keeps its WAL: {kept:?}"
    );
    assert!(!target.join("vaka.db-wal").exists());
    assert!(!target.join("vaka.db-shm").exists());
    assert_eq!(mode(&target.join("vaka.db")), 0o600);
    assert!(
        succeeds(&vaka_async(dir, &["audit", "verify", "--data-dir", s(&target)]).await)
            .contains("intact")
    );
    // The kept database still opens, with its log intact.
    assert!(
        succeeds(
            &vaka_async(
                dir,
                &[
                    "audit",
                    "verify",
                    "--database",
                    &format!("sqlite://{}", s(kept_db))
                ]
            )
            .await
        )
        .contains("intact")
    );

    // Bad copies are refused and the database stays as it is.
    let untouched = std::fs::read(target.join("vaka.db")).unwrap();
    let garbage = dir.join("garbage.db");
    std::fs::write(&garbage, b"not a database at all, just some bytes").unwrap();
    fails_saying(
        &restore(dir, &garbage, &target).await,
        "cannot be read as a Vaka database",
    );
    let tampered = dir.join("tampered.db");
    std::fs::copy(&backup, &tampered).unwrap();
    run_sql(
        &tampered,
        &[
            "DROP TRIGGER audit_log_no_update",
            "UPDATE audit_log SET actor_username = 'someone-else' WHERE seq = 3",
        ],
    )
    .await;
    fails_saying(
        &restore(dir, &tampered, &target).await,
        "audit log is broken at entry 3",
    );
    let newer = dir.join("newer.db");
    std::fs::copy(&backup, &newer).unwrap();
    run_sql(
        &newer,
        &[
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, \
           execution_time) VALUES (99990101000000, 'from the future', 1, x'00', 0)",
        ],
    )
    .await;
    fails_saying(
        &restore(dir, &newer, &target).await,
        "written by a newer Vaka",
    );
    fails_saying(
        &restore(dir, &dir.join("nothing.db"), &target).await,
        "no backup file",
    );
    assert_eq!(std::fs::read(target.join("vaka.db")).unwrap(), untouched);
    let leftovers: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

pub(crate) async fn run_sql(db: &Path, statements: &[&str]) {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", s(db)))
        .await
        .unwrap();
    for st in statements {
        sqlx::raw_sql(sqlx::AssertSqlSafe((*st).to_owned()))
            .execute(&mut c)
            .await
            .unwrap();
    }
    c.close().await.unwrap();
}

/// PostgreSQL's documented path (docs/OPERATIONS.md): `pg_dump --format=custom`, a fresh
/// database, `pg_restore`; `vaka audit verify` on the restored database finds the chain intact
/// and every ACKed event is there once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pg_dump_restores_into_a_fresh_database_that_vaka_opens_intact() {
    let Some(app) = TestApp::postgres().await else {
        eprintln!("VAKA_TEST_POSTGRES_URL is not set: the PostgreSQL run of this test is skipped");
        return;
    };
    let (url, schema) = app.pg.clone().unwrap();
    let w = World::build(&app).await;
    alarm_unit(&app, &w, w.client_a1, "7201", None).await;
    app.clock.set(vaka_domain::clock::SystemClock.now());
    let rx = alarm_receiver(&app).await;
    let report = peer_blocking(
        rx.addr,
        &[
            "--account",
            "7201",
            "--scenario",
            "kept-open",
            "--count",
            "8",
            "--seq-start",
            "10",
        ],
    )
    .await;
    let acked: Vec<i64> = report["sent"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["answer_kind"] == "ACK")
        .map(|s| s["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(acked.len(), 8, "{report}");
    rx.stop(&app.services).await;

    let work = tempfile::tempdir().unwrap();
    let dump = work.path().join("vaka.dump");
    let run = |cmd: &str, args: &[&str]| {
        let o = Command::new(cmd).args(args).output().unwrap();
        assert!(o.status.success(), "{cmd}: {}", text(&o));
    };
    run(
        "pg_dump",
        &[
            "--format=custom",
            "--schema",
            &schema,
            "--file",
            s(&dump),
            &url,
        ],
    );
    // A fresh database of its own, dropped at the end.
    let name = format!("vaka_restore_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .unwrap();
    let (base, _) = url.rsplit_once('/').unwrap();
    let fresh = format!("{base}/{name}");
    run("pg_restore", &["--no-owner", "--dbname", &fresh, s(&dump)]);
    // The test's tables live in a schema of their own; in production they are in `public`.
    let mut c = sqlx::PgConnection::connect(&fresh).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP SCHEMA public CASCADE; ALTER SCHEMA {schema} RENAME TO public"
    )))
    .execute(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();

    restore_key(&app.secret_key, &work.path().join("vaka-data"));
    let out = vaka_async(work.path(), &["audit", "verify", "--database", &fresh]).await;
    let said = text(&out);
    let mut c = sqlx::PgConnection::connect(&fresh).await.unwrap();
    let stored: Vec<(String, i64)> = sqlx::query_as(
        "SELECT account, seq::BIGINT FROM alarm_messages WHERE account = '7201' ORDER BY seq",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();
    let backup_cmd = vaka_async(
        work.path(),
        &[
            "backup",
            "--database",
            &fresh,
            "--to",
            s(&work.path().join("x")),
        ],
    )
    .await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE {name} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
    admin.close().await.unwrap();
    app.finish().await;

    assert!(out.status.success(), "{said}");
    assert!(said.contains("audit log intact"), "{said}");
    let mut want: Vec<(String, i64)> = acked.iter().map(|&q| ("7201".to_owned(), q)).collect();
    want.sort();
    assert_eq!(stored, want);
    // `vaka backup` on PostgreSQL points at pg_dump instead of pretending.
    fails_saying(&backup_cmd, "pg_dump");
}

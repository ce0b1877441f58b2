//! Secrets at rest: TOTP secrets and DC-09 AES keys are sealed in the database (no clear copy
//! in the SQLite files or any PostgreSQL column), bound to their row, sealed again when found
//! in clear, and rotated to a new key without losing a login or an alarm unit. The data
//! directory, the database files and the key file are readable by their owner only.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use axum::http::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vaka_domain::ids::{ClientId, DeviceId, UserId};
use vaka_server::config::Config;
use vaka_sia_dc09::encode::{encode_encrypted, sia_dcs_data};
use vaka_sia_dc09::frame::{Body, Header};
use vaka_sia_dc09::{IdToken, KeyStyle, parse_frame};
use vaka_store::StoreError;
use vaka_store::sealed::{Keyring, SecretKey};

use crate::db_tests;
use crate::login::login_full;
use crate::support::{TestApp, alarm_receiver, assert_not_stored, commission, ok};
use crate::world::World;

/// An AES-256 key as an administrator types it (hex); stored upper-case.
const AES_KEY: &str = "8F3A91C2D4E5B6A7980A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F6A";
/// A SCAIP unit's digest password, sealed like the DC-09 key.
const SCAIP_PASSWORD: &str = "scaip-Secret-7731";
/// The key a test writes in clear around the store (the SQL shows in the captured logs, so it
/// is not `AES_KEY`, which other tests look for there).
const CLEAR_KEY: &str = "0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0";

async fn alarm_unit(
    app: &TestApp,
    w: &World,
    client: ClientId,
    account: &str,
    key: &str,
) -> DeviceId {
    let admin = w.p("m_admin").bearer();
    let body = json!({"kind": "alarm_unit", "serial": format!("SK-{account}"),
                      "model": "Trygghetslarm IP", "dc09_account": account,
                      "dc09_key": key.to_lowercase(), "dc09_key_style": "hex"});
    let v = ok(app, &admin, Method::POST, "/api/v1/devices".into(), body).await;
    let device: DeviceId = v["device"]["id"].as_str().unwrap().parse().unwrap();
    commission(app, &admin, device, client).await;
    device
}

/// Sends an AES-encrypted alarm frame to a fresh receiver and returns the answer's token:
/// `ACK` only if the receiver opened the unit's sealed key and decrypted the frame with it.
async fn encrypted_alarm(app: &TestApp, account: &str, seq: u16, key: &str) -> IdToken {
    let rx = alarm_receiver(app).await;
    let key = vaka_sia_dc09::Key::parse(key, KeyStyle::Hex).unwrap();
    let frame = encode_encrypted(
        &Header {
            id: IdToken::SiaDcs,
            encrypted: true,
            seq,
            receiver: Some("1".into()),
            line: Some("0".into()),
            account: account.into(),
        },
        &Body {
            data: sia_dcs_data(Some(account), "ri1/MA001"),
            xdata: Vec::new(),
            timestamp: Some(app.services.now()),
        },
        &key,
        &mut |b| b.fill(7),
    )
    .unwrap();
    let mut conn = tokio::net::TcpStream::connect(rx.addr).await.unwrap();
    conn.write_all(&frame).await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 512];
    while !buf.ends_with(b"\r") {
        let n = tokio::time::timeout(std::time::Duration::from_secs(5), conn.read(&mut chunk))
            .await
            .expect("an answer in time")
            .unwrap();
        assert!(n > 0, "the receiver closed the connection");
        buf.extend_from_slice(&chunk[..n]);
    }
    let answer = parse_frame(&buf).expect("the answer parses");
    rx.stop(&app.services).await;
    answer.header.id
}

/// The value stored in a column of one row, read around the store.
async fn raw_column(app: &TestApp, table: &str, column: &str, id: uuid::Uuid) -> String {
    use sqlx::Connection;
    if let Some(path) = &app.db_path {
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        let q = format!("SELECT {column} FROM {table} WHERE id = $1");
        let (v,): (String,) = sqlx::query_as(sqlx::AssertSqlSafe(q))
            .bind(id)
            .fetch_one(&mut c)
            .await
            .unwrap();
        v
    } else {
        let (url, schema) = app.pg.as_ref().unwrap();
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        let q = format!("SELECT {column} FROM \"{schema}\".{table} WHERE id = $1");
        let (v,): (String,) = sqlx::query_as(sqlx::AssertSqlSafe(q))
            .bind(id)
            .fetch_one(&mut c)
            .await
            .unwrap();
        v
    }
}

async fn credentials_of(app: &TestApp, user: UserId) -> Result<Option<String>, StoreError> {
    let mut tx = app.store.begin_read().await.unwrap();
    tx.get_credentials(user)
        .await
        .map(|c| c.unwrap().totp_secret)
}

async fn secrets_are_sealed_in_the_database(app: TestApp) {
    let w = World::build(&app).await;
    let device = alarm_unit(&app, &w, w.client_a1, "7301", AES_KEY).await;
    for name in ["m_admin", "c_operator"] {
        let p = w.p(name);
        let secret = p.totp_secret.as_deref().unwrap();
        // Not in the SQLite files (database and WAL), in no PostgreSQL column, not in the logs.
        assert_not_stored(&app, secret.as_bytes()).await;
        let stored = raw_column(&app, "users", "totp_secret", p.id.0).await;
        assert!(stored.starts_with("v1:"), "{name}: {stored}");
    }
    assert_not_stored(&app, AES_KEY.as_bytes()).await;
    assert_not_stored(&app, AES_KEY.to_lowercase().as_bytes()).await;
    let stored = raw_column(&app, "devices", "dc09_key", device.0).await;
    assert!(stored.starts_with("v1:"), "{stored}");
    // And both still work: a login with the second factor, an encrypted alarm.
    let op = w.p("c_operator");
    login_full(&app, &op.username, op.totp_secret.as_deref().unwrap()).await;
    assert_eq!(
        encrypted_alarm(&app, "7301", 1, AES_KEY).await,
        IdToken::Ack
    );
}

async fn a_sealed_secret_copied_to_another_row_does_not_open(app: TestApp) {
    let w = World::build(&app).await;
    let (admin, op) = (w.p("m_admin"), w.p("c_operator"));
    app.sql(&[&format!(
        "UPDATE users SET totp_secret = (SELECT totp_secret FROM users WHERE username = '{}') \
         WHERE username = '{}'",
        admin.username, op.username
    )])
    .await;
    let err = credentials_of(&app, op.id).await.unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    // The row it came from still opens.
    assert_eq!(
        credentials_of(&app, admin.id).await.unwrap().as_deref(),
        admin.totp_secret.as_deref()
    );
}

async fn secrets_in_clear_from_before_are_sealed_once(app: TestApp) {
    let w = World::build(&app).await;
    let device = alarm_unit(&app, &w, w.client_a1, "7302", AES_KEY).await;
    let op = w.p("c_operator");
    let secret = op.totp_secret.clone().unwrap();
    // A database from before sealing: the values in clear.
    app.sql(&[
        &format!(
            "UPDATE users SET totp_secret = '{secret}' WHERE username = '{}'",
            op.username
        ),
        &format!("UPDATE devices SET dc09_key = '{CLEAR_KEY}' WHERE serial = 'SK-7302'"),
    ])
    .await;
    assert_eq!(
        raw_column(&app, "users", "totp_secret", op.id.0).await,
        secret
    );
    // The server starts again on that database. Read as they are, a value in clear is
    // refused, never used; the start seals them.
    let app = app.restart().await;
    let read = credentials_of(&app, op.id).await;
    assert!(read.is_err(), "{read:?}");
    assert_eq!(app.store.reseal_secrets().await.unwrap(), 2);
    assert_eq!(app.store.reseal_secrets().await.unwrap(), 0, "idempotent");
    assert!(
        raw_column(&app, "users", "totp_secret", op.id.0)
            .await
            .starts_with("v1:")
    );
    assert!(
        raw_column(&app, "devices", "dc09_key", device.0)
            .await
            .starts_with("v1:")
    );
    login_full(&app, &op.username, &secret).await;
    assert_eq!(
        encrypted_alarm(&app, "7302", 2, CLEAR_KEY).await,
        IdToken::Ack
    );
    app.store.close().await;
}

async fn a_rotation_keeps_logins_and_alarm_keys(app: TestApp) {
    let w = World::build(&app).await;
    let device = alarm_unit(&app, &w, w.client_a1, "7303", AES_KEY).await;
    let op = w.p("c_operator").clone();
    let old = app.secret_key.clone();
    let new = SecretKey::generate();
    let new_id = new.id().to_owned();
    // Both keys while the values are sealed again, in one transaction.
    let both = Keyring::new(new.clone()).with_older(old.clone());
    let app = app.restart_with_keys(Arc::new(both)).await;
    let people_with_totp = w
        .people
        .values()
        .filter(|p| p.totp_secret.is_some())
        .count();
    let resealed = app.store.reseal_secrets().await.unwrap();
    assert_eq!(resealed, u64::try_from(people_with_totp + 1).unwrap());
    assert!(
        raw_column(&app, "devices", "dc09_key", device.0)
            .await
            .starts_with(&format!("v1:{new_id}:"))
    );
    // The new key alone: logins and the alarm unit work.
    let app = app.restart_with_keys(Arc::new(Keyring::new(new))).await;
    login_full(&app, &op.username, op.totp_secret.as_deref().unwrap()).await;
    assert_eq!(
        encrypted_alarm(&app, "7303", 3, AES_KEY).await,
        IdToken::Ack
    );
    // The old key alone no longer opens anything.
    let app = app.restart_with_keys(Arc::new(Keyring::new(old))).await;
    assert!(credentials_of(&app, op.id).await.is_err());
    app.store.close().await;
}

db_tests!(
    secrets_are_sealed_in_the_database,
    a_sealed_secret_copied_to_another_row_does_not_open,
    secrets_in_clear_from_before_are_sealed_once,
    a_rotation_keeps_logins_and_alarm_keys,
);

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// The files of an SQLite database: the database, its WAL and shared memory.
fn sqlite_files(db: &Path) -> Vec<std::path::PathBuf> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|s| {
            let mut p = db.as_os_str().to_owned();
            p.push(s);
            std::path::PathBuf::from(p)
        })
        .filter(|p| p.exists())
        .collect()
}

fn assert_not_in_files(files: &[std::path::PathBuf], needle: &str) {
    assert_none_in_files(files, &[needle]);
}

/// Asserts that none of `needles` is in any of `files`: each file read once and searched for
/// all of them in one pass (Aho-Corasick), as a database of a year's history is large.
fn assert_none_in_files<N: AsRef<[u8]>>(files: &[std::path::PathBuf], needles: &[N]) {
    assert!(needles.iter().all(|n| !n.as_ref().is_empty()));
    let search = aho_corasick::AhoCorasick::new(needles).unwrap();
    for f in files {
        let bytes = std::fs::read(f).unwrap();
        if let Some(m) = search.find(&bytes) {
            panic!(
                "{} holds a secret in clear (the {}th of those looked for)",
                f.display(),
                m.pattern().as_usize()
            );
        }
    }
}

/// The search above finds a secret wherever it is in a file (the check can fail).
#[test]
#[should_panic(expected = "holds a secret in clear (the 1th")]
fn the_file_search_finds_a_planted_secret() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("db");
    let mut bytes = vec![0u8; 1 << 20];
    bytes[777_777..777_777 + 10].copy_from_slice(b"JBSWY3DPEH");
    std::fs::write(&f, bytes).unwrap();
    assert_none_in_files(&[f], &["NOT-THERE-AT-ALL", "JBSWY3DPEH"]);
}

/// The server's own path (`vaka serve`, `vaka migrate`, `vaka secrets rotate`): the key file is
/// made at first start, the directories and files are private, and a rotation keeps every
/// secret readable under the new key only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_file_is_private_and_vaka_secrets_rotate_reseals_everything() {
    let root = tempfile::tempdir().unwrap();
    let cfg = Config {
        data_dir: root.path().join("data"),
        ..Config::default()
    };
    let db = cfg.data_dir.join("vaka.db");
    let key_file = cfg.data_dir.join("keys/secrets.key");
    let store = vaka_server::store::open(&cfg).await.unwrap();
    assert_eq!(mode(&cfg.data_dir), 0o700);
    assert_eq!(mode(key_file.parent().unwrap()), 0o700);
    assert_eq!(mode(&key_file), 0o600);
    let first_key = std::fs::read_to_string(&key_file).unwrap();
    // A user with a TOTP secret and an alarm unit with a key, through the service and store.
    let svc = vaka_service::Services::new(
        store.clone(),
        vaka_server::serve::system_clock(),
        vaka_server::serve::service_config(&cfg),
    );
    let org = vaka_domain::directory::Organisation {
        id: vaka_domain::ids::OrganisationId::new(),
        kind: vaka_domain::directory::OrganisationKind::Municipality,
        provider_kind: None,
        name: "Nyckelkommun".into(),
        org_number: None,
        active: true,
        created_at: vaka_store::values::to_db_precision(svc.now()),
    };
    svc.cli_create_organisation(org.clone()).await.unwrap();
    let secret = totp_rs::Secret::generate().to_base32();
    let (account, _) = svc
        .cli_create_user(vaka_service::admin::CliAccount {
            username: "nyckel".into(),
            display_name: "Nyckel Person".into(),
            email: "nyckel@test.se".into(),
            hsa_id: None,
            organisation_id: org.id,
            roles: vec![vaka_service::directory::RoleInput {
                role: vaka_domain::access::Role::SystemAdmin,
                organisation_id: org.id,
                unit_id: None,
            }],
            password: Some(crate::world::PASSWORD.into()),
            totp_secret: Some(secret.clone()),
        })
        .await
        .unwrap();
    let device = vaka_domain::device::Device {
        id: DeviceId::new(),
        kind: vaka_domain::device::DeviceKind::AlarmUnit,
        serial: "SK-ROT".into(),
        model: "Trygghetslarm IP".into(),
        firmware: None,
        status: vaka_domain::device::DeviceStatus::InStock,
        client_id: None,
        credential_issued_at: None,
        credential_revoked_at: None,
        dc09_account: Some("7399".into()),
        dc09_clear: false,
        scaip_cid: Some("7399".into()),
        scaip_password: Some(vaka_domain::device::ScaipPassword::parse(SCAIP_PASSWORD).unwrap()),
        dc09_key: Some(
            vaka_domain::device::Dc09Key::parse(AES_KEY, vaka_domain::device::Dc09KeyStyle::Hex)
                .unwrap(),
        ),
        last_seen_at: None,
        state: None,
        created_at: vaka_store::values::to_db_precision(svc.now()),
    };
    {
        let mut tx = store.begin().await.unwrap();
        tx.insert_device(&device, None).await.unwrap();
        tx.commit(&[]).await.unwrap();
    }
    // While the server runs: the database, its WAL and shared memory are private, and none
    // holds a secret in clear.
    let files = sqlite_files(&db);
    assert!(files.len() >= 2, "{files:?}");
    for f in &files {
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }
    assert_not_in_files(&files, &secret);
    assert_not_in_files(&files, AES_KEY);
    assert_not_in_files(&files, SCAIP_PASSWORD);
    store.close().await;
    drop(svc);

    let rotation = vaka_server::secrets::rotate(&cfg, |_, _| panic!("a key file, not the env"))
        .await
        .unwrap();
    assert_eq!(
        rotation.resealed, 3,
        "the TOTP secret, the DC-09 key and the SCAIP password"
    );
    assert_ne!(rotation.old_id, rotation.new_id);
    let old_file = vaka_server::secrets::old_path(&key_file);
    assert_eq!(std::fs::read_to_string(&old_file).unwrap(), first_key);
    assert_ne!(std::fs::read_to_string(&key_file).unwrap(), first_key);
    assert_eq!((mode(&key_file), mode(&old_file)), (0o600, 0o600));
    // Without the old key, everything opens under the new one.
    std::fs::remove_file(&old_file).unwrap();
    let store = vaka_server::store::open(&cfg).await.unwrap();
    {
        let mut tx = store.begin_read().await.unwrap();
        let creds = tx.get_credentials(account.id).await.unwrap().unwrap();
        assert_eq!(creds.totp_secret.as_deref(), Some(secret.as_str()));
        let accounts = tx.list_alarm_accounts().await.unwrap();
        let key = accounts[0].key.as_ref().unwrap();
        assert_eq!(key.to_text(), AES_KEY);
        assert_eq!(
            accounts[0]
                .scaip_password
                .as_ref()
                .map(vaka_domain::device::ScaipPassword::expose),
            Some(SCAIP_PASSWORD)
        );
        // The rotation is in the audit log, by the command line, naming the keys by id only.
        let rotated = tx
            .search_audit(&vaka_store::AuditQuery {
                action: Some(vaka_domain::audit::AuditAction::SecretsRotated),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(rotated.len(), 1);
        let details: serde_json::Value =
            serde_json::from_str(rotated[0].new.details.as_deref().unwrap()).unwrap();
        assert_eq!(
            details,
            json!({"old_key": rotation.old_id, "new_key": rotation.new_id, "resealed": 3})
        );
        assert_eq!(rotated[0].new.actor.credential.as_deref(), Some("cli"));
    }
    store.close().await;
    assert_not_in_files(&sqlite_files(&db), &secret);

    // The first key no longer opens the database: the server refuses to start, naming the
    // key, rather than run without second factors or alarm keys.
    std::fs::write(&key_file, &first_key).unwrap();
    let err = vaka_server::store::open(&cfg).await.err().unwrap();
    assert!(format!("{err:#}").contains("secrets key"), "{err:#}");
    // A key file others may read is refused.
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = vaka_server::store::open(&cfg).await.err().unwrap();
    assert!(format!("{err:#}").contains("chmod 600"), "{err:#}");
}

/// `vaka demo`, the real binary: the database files and the credentials file are private, and
/// no TOTP secret or DC-09 key of the credentials file is in the database in clear.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_keeps_no_secret_in_clear_in_its_database() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("demo");
    let mut child = crate::support::start_demo(root.path(), &dir).await;
    let creds: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("demo-credentials.json")).unwrap()).unwrap();
    let mut secrets: Vec<String> = creds["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["totp_secret"].as_str().map(str::to_owned))
        .collect();
    assert!(!secrets.is_empty());
    let keys: Vec<String> = creds["devices"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["dc09_key_hex"].as_str().map(str::to_owned))
        .collect();
    assert!(!keys.is_empty());
    // The NFC tags at the home-care clients' doors, most of them SUN tags with their keys.
    let tags = creds["tags"].as_array().unwrap();
    assert!(tags.len() >= 20, "{}", tags.len());
    let mut keys = keys;
    keys.extend(
        tags.iter()
            .filter_map(|t| t["key_hex"].as_str().map(str::to_owned)),
    );
    assert!(keys.len() >= 16 + 2);
    secrets.extend(keys.iter().map(|k| k.to_uppercase()));
    secrets.extend(keys.iter().map(|k| k.to_lowercase()));
    // The SCAIP units' digest passwords.
    let scaip = &creds["scaip"];
    let passwords: Vec<String> = scaip["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["password"].as_str().map(str::to_owned))
        .collect();
    assert!(!passwords.is_empty());
    secrets.extend(passwords);
    let files = sqlite_files(&dir.join("vaka.db"));
    assert_none_in_files(&files, &secrets);
    assert_eq!(mode(&dir), 0o700);
    for f in files.iter().chain([
        &dir.join("demo-credentials.json"),
        &dir.join("keys/secrets.key"),
    ]) {
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }
    // The demo's SCAIP receiver takes a fall alarm from the unit with a password, as the README
    // shows with sipsak.
    let unit = scaip["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["password"].is_string() && u["simulated"] == false)
        .unwrap();
    let addr: std::net::SocketAddr = scaip["listen"].as_str().unwrap().parse().unwrap();
    let status = crate::scaip::sipsak_fall(
        addr,
        unit["cid"].as_str().unwrap(),
        unit["password"].as_str(),
    )
    .await;
    assert_eq!(status, 200);
    child.kill().await.unwrap();
}

/// With the key in `VAKA_SECRETS_KEY`, a rotation writes no file: it announces the new key,
/// under which alone everything opens afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_key_in_the_environment_rotate_announces_the_new_key() {
    use vaka_server::secrets::{KEY_ENV, load_from, rotate_from};
    let root = tempfile::tempdir().unwrap();
    let cfg = Config {
        data_dir: root.path().join("data"),
        ..Config::default()
    };
    let first = SecretKey::generate().to_base64().to_string();
    let env = |name: &str| (name == KEY_ENV).then(|| first.clone());
    let (store, _) = vaka_server::store::open_with_keys(&cfg, load_from(&cfg, &env).unwrap().keys)
        .await
        .unwrap();
    let device = vaka_domain::device::Device {
        id: DeviceId::new(),
        kind: vaka_domain::device::DeviceKind::AlarmUnit,
        serial: "SK-ENV".into(),
        model: "Trygghetslarm IP".into(),
        firmware: None,
        status: vaka_domain::device::DeviceStatus::InStock,
        client_id: None,
        credential_issued_at: None,
        credential_revoked_at: None,
        dc09_account: Some("7398".into()),
        dc09_clear: false,
        scaip_cid: None,
        scaip_password: None,
        dc09_key: Some(
            vaka_domain::device::Dc09Key::parse(AES_KEY, vaka_domain::device::Dc09KeyStyle::Hex)
                .unwrap(),
        ),
        last_seen_at: None,
        state: None,
        created_at: vaka_store::values::to_db_precision(jiff::Timestamp::UNIX_EPOCH),
    };
    {
        let mut tx = store.begin().await.unwrap();
        tx.insert_device(&device, None).await.unwrap();
        tx.commit(&[]).await.unwrap();
    }
    store.close().await;
    let mut announced = None;
    let r = rotate_from(&cfg, &env, |key, id| {
        announced = Some((key.to_owned(), id.to_owned()));
    })
    .await
    .unwrap();
    let (new, new_id) = announced.expect("the new key is announced");
    assert_eq!(new_id, r.new_id);
    assert_eq!(r.resealed, 1);
    assert!(r.files.is_none());
    assert!(!cfg.secrets_key_path().exists(), "no key file is written");
    let env = |name: &str| (name == KEY_ENV).then(|| new.clone());
    let (store, resealed) =
        vaka_server::store::open_with_keys(&cfg, load_from(&cfg, &env).unwrap().keys)
            .await
            .unwrap();
    assert_eq!(resealed, 0);
    let mut tx = store.begin_read().await.unwrap();
    let accounts = tx.list_alarm_accounts().await.unwrap();
    assert_eq!(accounts[0].key.as_ref().unwrap().to_text(), AES_KEY);
    drop(tx);
    store.close().await;
}

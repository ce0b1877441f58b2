//! Signed checkpoints of the audit log outside the database (issue 13, finding 3): someone
//! with write access to the database who cuts the end of the log and moves its head, rewrites
//! its last entry, or recomputes the whole chain passes the chain check alone — but not the
//! check against the checkpoints.

use std::path::Path;

use vaka_domain::audit::AuditEntry;
use vaka_domain::audit_checkpoint::{Checkpoint, CheckpointVerifier};
use vaka_server::audit_checkpoints::{AuditCheckpoints, load_verifier, public_key_file_name};
use vaka_service::audit::Verification;
use vaka_store::AuditQuery;

use crate::db_tests;
use crate::support::TestApp;
use crate::world::World;

/// Every entry, oldest first.
async fn entries(app: &TestApp) -> Vec<AuditEntry> {
    let mut tx = app.store.begin_read().await.unwrap();
    let mut all = tx
        .search_audit(&AuditQuery {
            limit: 100_000,
            ..Default::default()
        })
        .await
        .unwrap();
    all.reverse();
    all
}

/// Some activity, each request adding entries to the log.
async fn activity(app: &TestApp, w: &World, rounds: usize) {
    for _ in 0..rounds {
        for p in w.people.values() {
            app.get("/api/v1/me", &p.bearer()).await;
            app.get("/api/v1/clients", &p.bearer()).await;
        }
    }
}

/// A signer with its key and checkpoints in a fresh directory.
fn signer(dir: &Path) -> AuditCheckpoints {
    AuditCheckpoints::open_at(
        &dir.join("keys").join("audit-signing.key"),
        &dir.join("checkpoints"),
        None,
    )
    .unwrap()
}

fn checker(dir: &Path, signer: &AuditCheckpoints) -> CheckpointVerifier {
    load_verifier(&dir.join("checkpoints"), &[signer.public_key()])
        .unwrap()
        .unwrap()
}

/// A byte string as an SQL literal of the engine.
fn blob(app: &TestApp, b: &[u8]) -> String {
    match app.backend {
        vaka_store::Backend::Sqlite => format!("X'{}'", hex::encode(b)),
        vaka_store::Backend::Postgres => format!("decode('{}', 'hex')", hex::encode(b)),
    }
}

async fn drop_triggers(app: &TestApp) {
    let drop: &[&str] = match app.backend {
        vaka_store::Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        vaka_store::Backend::Postgres => &[
            "DROP TRIGGER audit_log_no_update ON audit_log",
            "DROP TRIGGER audit_log_no_delete ON audit_log",
        ],
    };
    app.sql(drop).await;
}

/// Replaces the stored chain from `from` (an index into `chain`) on with `chain`, re-linked
/// and re-hashed as a tamperer with database access would, and moves the head to its end.
async fn rewrite_from(app: &TestApp, chain: &[AuditEntry], from: usize) {
    let mut prev = if from == 0 {
        vaka_domain::audit::GENESIS_HASH
    } else {
        chain[from - 1].hash
    };
    let mut sql = Vec::new();
    for e in &chain[from..] {
        let sealed = e.new.clone().seal(e.seq, prev);
        prev = sealed.hash;
        sql.push(format!(
            "UPDATE audit_log SET actor_username = {}, prev_hash = {}, hash = {} WHERE seq = {}",
            sealed
                .new
                .actor
                .username
                .as_deref()
                .map_or_else(|| "NULL".to_owned(), |u| format!("'{u}'")),
            blob(app, &sealed.prev_hash),
            blob(app, &sealed.hash),
            sealed.seq
        ));
    }
    sql.push(format!(
        "UPDATE audit_head SET seq = {}, hash = {} WHERE id = 1",
        chain.last().unwrap().seq,
        blob(app, &prev)
    ));
    let refs: Vec<&str> = sql.iter().map(String::as_str).collect();
    app.sql(&refs).await;
}

async fn an_untouched_log_agrees_with_its_checkpoints(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let w = World::build(&app).await;
    let s = signer(dir.path());
    let first = s.write(&app.services, true).await.unwrap().unwrap();
    assert_eq!(
        s.write(&app.services, false).await.unwrap(),
        None,
        "an idle log is not checkpointed again"
    );
    activity(&app, &w, 2).await;
    let second = s.write(&app.services, false).await.unwrap().unwrap();
    assert!(second.seq > first.seq);
    let all = entries(&app).await;
    let at = |seq: u64| all[usize::try_from(seq).unwrap() - 1].hash;
    assert_eq!((first.hash, second.hash), (at(first.seq), at(second.seq)));
    assert!(second.signature_valid());
    // The log keeps growing after the last checkpoint: still intact.
    activity(&app, &w, 1).await;
    let total = entries(&app).await.len() as u64;
    assert_eq!(
        app.services
            .verify_audit_with(&checker(dir.path(), &s))
            .await
            .unwrap(),
        Verification::Intact { entries: total }
    );

    // One line per checkpoint, in a file of the UTC day, the public key beside them, and the
    // key readable by its owner alone.
    let day = first.at.strftime("%Y-%m-%d").to_string();
    let text = std::fs::read_to_string(
        dir.path()
            .join("checkpoints")
            .join(format!("audit-checkpoints-{day}.jsonl")),
    )
    .unwrap();
    let lines: Vec<Checkpoint> = text
        .lines()
        .map(|l| Checkpoint::from_line(l).unwrap())
        .collect();
    assert_eq!(lines, [first, second]);
    let public = std::fs::read_to_string(
        dir.path()
            .join("checkpoints")
            .join(public_key_file_name(&s.public_key())),
    )
    .unwrap();
    assert_eq!(public.trim(), hex::encode(s.public_key()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.path().join("keys/audit-signing.key")), 0o600);
        assert_eq!(mode(&dir.path().join("keys")), 0o700);
    }
    // The same key on the next start.
    assert_eq!(signer(dir.path()).public_key(), s.public_key());
}

async fn a_log_cut_short_with_its_head_moved_is_found(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let w = World::build(&app).await;
    while entries(&app).await.len() < 120 {
        activity(&app, &w, 1).await;
    }
    let s = signer(dir.path());
    let cp = s.write(&app.services, true).await.unwrap().unwrap();
    let all = entries(&app).await;
    let n = all.len();
    // The newest 50 entries deleted and the head set to the new last entry.
    let keep = &all[n - 51];
    drop_triggers(&app).await;
    let delete = format!("DELETE FROM audit_log WHERE seq > {}", keep.seq);
    let head = format!(
        "UPDATE audit_head SET seq = {}, hash = {} WHERE id = 1",
        keep.seq,
        blob(&app, &keep.hash)
    );
    app.sql(&[delete.as_str(), head.as_str()]).await;
    // The chain alone cannot tell.
    assert_eq!(
        app.services.verify_audit().await.unwrap(),
        Verification::Intact { entries: keep.seq }
    );
    match app
        .services
        .verify_audit_with(&checker(dir.path(), &s))
        .await
        .unwrap()
    {
        Verification::Broken {
            checked,
            reason,
            seq,
        } => {
            assert_eq!(checked, keep.seq);
            assert_eq!(seq, Some(keep.seq + 1));
            assert!(
                reason.contains(&format!(
                    "ends at entry {} but the signed checkpoint of {} records entry {}",
                    keep.seq, cp.at, cp.seq
                )),
                "{reason}"
            );
        }
        ok @ Verification::Intact { .. } => panic!("the cut was not found: {ok:?}"),
    }

    // Grown back past the checkpoint after the cut: the entry at the checkpoint differs.
    while entries(&app).await.len() as u64 <= cp.seq {
        activity(&app, &w, 1).await;
    }
    assert!(matches!(
        app.services.verify_audit().await.unwrap(),
        Verification::Intact { .. }
    ));
    match app
        .services
        .verify_audit_with(&checker(dir.path(), &s))
        .await
        .unwrap()
    {
        Verification::Broken { seq, reason, .. } => {
            assert_eq!(seq, Some(cp.seq));
            assert!(reason.contains("rewritten"), "{reason}");
        }
        ok @ Verification::Intact { .. } => panic!("the cut was not found: {ok:?}"),
    }
}

async fn a_rewritten_last_entry_is_found(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let w = World::build(&app).await;
    activity(&app, &w, 1).await;
    let s = signer(dir.path());
    let cp = s.write(&app.services, true).await.unwrap().unwrap();
    let mut all = entries(&app).await;
    let last = all.len() - 1;
    assert_eq!(all[last].seq, cp.seq);
    all[last].new.actor.username = Some("someone-else".into());
    drop_triggers(&app).await;
    rewrite_from(&app, &all, last).await;
    assert_eq!(
        app.services.verify_audit().await.unwrap(),
        Verification::Intact { entries: cp.seq },
        "the chain alone cannot tell"
    );
    match app
        .services
        .verify_audit_with(&checker(dir.path(), &s))
        .await
        .unwrap()
    {
        Verification::Broken {
            seq,
            reason,
            checked,
        } => {
            assert_eq!(seq, Some(cp.seq));
            assert_eq!(checked, cp.seq - 1);
            assert!(
                reason.contains(&format!(
                    "entry {}: its hash differs from the signed checkpoint of {}",
                    cp.seq, cp.at
                )),
                "{reason}"
            );
        }
        ok @ Verification::Intact { .. } => panic!("the rewrite was not found: {ok:?}"),
    }
}

async fn a_rewritten_chain_is_found(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let w = World::build(&app).await;
    let s = signer(dir.path());
    let early = s.write(&app.services, true).await.unwrap().unwrap();
    activity(&app, &w, 2).await;
    let late = s.write(&app.services, false).await.unwrap().unwrap();
    // The first entry changed and every hash after it recomputed: a whole new chain.
    let mut all = entries(&app).await;
    all[0].new.actor.username = Some("someone-else".into());
    drop_triggers(&app).await;
    rewrite_from(&app, &all, 0).await;
    assert_eq!(
        app.services.verify_audit().await.unwrap(),
        Verification::Intact {
            entries: all.len() as u64
        },
        "the chain alone cannot tell"
    );
    match app
        .services
        .verify_audit_with(&checker(dir.path(), &s))
        .await
        .unwrap()
    {
        Verification::Broken { seq, reason, .. } => {
            assert_eq!(seq, Some(early.seq), "the first checkpoint it reaches");
            assert!(reason.contains("rewritten"), "{reason}");
        }
        ok @ Verification::Intact { .. } => panic!("the rewrite was not found: {ok:?}"),
    }
    assert!(late.seq > early.seq);
}

db_tests!(
    an_untouched_log_agrees_with_its_checkpoints,
    a_log_cut_short_with_its_head_moved_is_found,
    a_rewritten_last_entry_is_found,
    a_rewritten_chain_is_found,
);

/// Checkpoints as written, for the file-level tests: `n` of them, on an empty log's genesis
/// head and made-up heads.
fn written(dir: &Path, n: u64) -> (AuditCheckpoints, std::path::PathBuf) {
    let s = signer(dir);
    let cps = dir.join("checkpoints");
    let key = ed25519_key(&dir.join("keys/audit-signing.key"));
    let mut text = String::new();
    for i in 0..n {
        let at = crate::support::t0() + jiff::SignedDuration::from_mins(i64::try_from(i).unwrap());
        text.push_str(&Checkpoint::sign(i, [u8::try_from(i).unwrap(); 32], at, &key).to_line());
        text.push('\n');
    }
    std::fs::write(cps.join("audit-checkpoints-2026-11-22.jsonl"), text).unwrap();
    (s, cps)
}

fn ed25519_key(path: &Path) -> ed25519_dalek::SigningKey {
    let seed = hex::decode(std::fs::read_to_string(path).unwrap().trim()).unwrap();
    ed25519_dalek::SigningKey::from_bytes(&seed.try_into().unwrap())
}

#[test]
fn edited_forged_and_unreadable_checkpoint_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (s, cps) = written(dir.path(), 3);
    let file = cps.join("audit-checkpoints-2026-11-22.jsonl");
    let original = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        load_verifier(&cps, &[s.public_key()])
            .unwrap()
            .unwrap()
            .len(),
        3
    );

    // A checkpoint edited to match a rewritten log: the signature no longer matches.
    let edited = original.replacen(r#""seq":1,"#, r#""seq":2,"#, 1);
    std::fs::write(&file, &edited).unwrap();
    let refused = load_verifier(&cps, &[s.public_key()]).unwrap().unwrap_err();
    assert!(refused.contains("bad signature"), "{refused}");

    // New checkpoints signed with another key: refused unless that key is trusted.
    let other = tempfile::tempdir().unwrap();
    let (o, other_cps) = written(other.path(), 1);
    let refused = load_verifier(&other_cps, &[s.public_key()])
        .unwrap()
        .unwrap_err();
    assert!(refused.contains("not a trusted key"), "{refused}");
    assert!(
        load_verifier(&other_cps, &[o.public_key()])
            .unwrap()
            .is_ok()
    );

    // A line that is not a checkpoint is named by file and line.
    let first_line = original.lines().next().unwrap();
    std::fs::write(&file, format!("{first_line}\ngarbage\n")).unwrap();
    let refused = load_verifier(&cps, &[s.public_key()]).unwrap().unwrap_err();
    assert!(
        refused.contains("audit-checkpoints-2026-11-22.jsonl:2: not a checkpoint"),
        "{refused}"
    );

    // An emptied directory is no evidence of an intact log.
    std::fs::remove_file(&file).unwrap();
    let refused = load_verifier(&cps, &[s.public_key()]).unwrap().unwrap_err();
    assert!(refused.contains("no checkpoints in"), "{refused}");
}

#[cfg(unix)]
#[tokio::test]
async fn checkpoints_go_to_syslog_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("log.sock");
    let listener = std::os::unix::net::UnixDatagram::bind(&socket).unwrap();
    listener
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let app = TestApp::sqlite().await;
    let s = AuditCheckpoints::open_at(
        &dir.path().join("keys/k"),
        &dir.path().join("cps"),
        Some(socket),
    )
    .unwrap();
    let cp = s.write(&app.services, true).await.unwrap().unwrap();
    let mut buf = [0u8; 1024];
    let n = listener.recv(&mut buf).unwrap();
    let msg = String::from_utf8_lossy(&buf[..n]);
    assert!(msg.starts_with("<86>vaka-audit-checkpoint["), "{msg}");
    assert!(msg.ends_with(&cp.to_line()), "{msg}");
    app.finish().await;
}

/// The real binary end to end: `vaka demo` signs checkpoints while it runs and at shutdown
/// (the last checkpoint is at the last entry), `vaka audit verify --checkpoints` agrees with
/// them, and once the newest entries are deleted and the head moved to the new last entry the
/// plain verification still passes while the one against the checkpoints fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vaka_audit_verify_with_checkpoints_fails_on_a_cut_log() {
    use crate::backup::{fails_saying, run_sql, s, succeeds, vaka_async};

    let root = tempfile::tempdir().unwrap();
    let demo = root.path().join("demo");
    let mut child = crate::support::start_demo(root.path(), &demo).await;
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(std::time::Duration::from_mins(1), child.wait())
        .await
        .expect("the demo stops on SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}");

    let dir = root.path();
    let checkpoints = demo.join("audit-checkpoints");
    let verify = |with: bool| {
        let mut args = vec!["audit", "verify", "--data-dir", s(&demo)];
        if with {
            args.extend(["--checkpoints", s(&checkpoints)]);
        }
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| async move {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        vaka_async(dir, &refs).await
    };
    let out = succeeds(&run(verify(true)).await);
    // "audit log intact: N entries verified …" and "… (the last at entry N)": the checkpoint
    // written at shutdown covers every entry.
    let number_after = |needle: &str| -> u64 {
        let at = out
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in {out}"))
            + needle.len();
        out[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap()
    };
    let entries = number_after("audit log intact: ");
    assert!(entries > 20, "{out}");
    assert!(out.contains("signed checkpoints"), "{out}");
    assert_eq!(number_after("(the last at entry "), entries, "{out}");

    // The newest 20 entries cut and the head moved to the new last entry.
    run_sql(
        &demo.join("vaka.db"),
        &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
            "DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 20 FROM audit_log)",
            "UPDATE audit_head SET seq = (SELECT max(seq) FROM audit_log), \
             hash = (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1) WHERE id = 1",
        ],
    )
    .await;
    let plain = succeeds(&run(verify(false)).await);
    assert!(
        plain.contains(&format!("audit log intact: {} entries", entries - 20)),
        "{plain}"
    );
    fails_saying(&run(verify(true)).await, "signed checkpoint");
}

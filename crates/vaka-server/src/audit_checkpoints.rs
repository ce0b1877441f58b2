//! Signed checkpoints of the audit log, written outside the database.
//!
//! The server signs the head of the audit chain (sequence number, hash, time) with an Ed25519
//! key kept in a file outside the database, at start, every minute while the head moves, and
//! at shutdown, and appends each checkpoint as a line of JSON to a file per UTC day in the
//! checkpoint directory (and, when configured, sends it to syslog/journald). The public key is
//! written beside the checkpoints. `vaka audit verify --checkpoints DIR` then finds a log cut
//! short or rewritten since a checkpoint, which the chain alone cannot (see
//! `vaka_domain::audit_checkpoint`).
//!
//! What this protects against depends on where the checkpoints end up: someone who can write
//! the database *and* the checkpoint directory and read the key can rewrite all three. Ship the
//! checkpoints off the host (syslog to a log server, or a copy of the directory), keep the key
//! readable by the server alone, and verify with `--public-key` from a copy you trust.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use ed25519_dalek::SigningKey;
use rand::RngCore;
use vaka_domain::audit_checkpoint::{Checkpoint, CheckpointVerifier, key_fingerprint};
use vaka_service::Services;

use crate::config::Config;

/// How often the head is checkpointed while the server runs (only when it moved).
pub const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_mins(1);

/// The checkpoint files: `audit-checkpoints-YYYY-MM-DD.jsonl` (UTC day of the checkpoint).
const FILE_PREFIX: &str = "audit-checkpoints-";
const FILE_SUFFIX: &str = ".jsonl";

/// The signer of checkpoints and where they go.
pub struct AuditCheckpoints {
    dir: PathBuf,
    key: SigningKey,
    syslog: Option<PathBuf>,
    /// The head last checkpointed, so that an idle log is not checkpointed every minute.
    last: tokio::sync::Mutex<Option<(u64, [u8; 32])>>,
}

impl AuditCheckpoints {
    /// With the configured key (created on first start) and directory.
    pub fn open(cfg: &Config) -> anyhow::Result<Self> {
        Self::open_at(
            &cfg.audit_signing_key_path(),
            &cfg.audit_checkpoint_dir_path(),
            cfg.audit_checkpoint_syslog.clone(),
        )
    }

    /// With the key at `key_path` (created, mode 0600 in a 0700 directory, when missing), the
    /// checkpoints in `dir` and, optionally, a syslog socket such as `/dev/log`.
    pub fn open_at(key_path: &Path, dir: &Path, syslog: Option<PathBuf>) -> anyhow::Result<Self> {
        let key = load_or_create_key(key_path, "audit signing key")?;
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the checkpoint directory {}", dir.display()))?;
        let public = key.verifying_key().to_bytes();
        let pub_path = dir.join(public_key_file_name(&public));
        if !pub_path.exists() {
            fs::write(&pub_path, format!("{}\n", hex::encode(public)))
                .with_context(|| format!("cannot write {}", pub_path.display()))?;
        }
        Ok(Self {
            dir: dir.to_owned(),
            key,
            syslog: syslog.filter(|p| !p.as_os_str().is_empty()),
            last: tokio::sync::Mutex::new(None),
        })
    }

    /// The key checkpoints (and the anchors of a purged audit log) are signed with.
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// The public key that checks this signer's checkpoints.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Signs and appends the current head; unless `always`, only when it moved since the last
    /// checkpoint this signer wrote. Returns the checkpoint written, if any.
    pub async fn write(
        &self,
        services: &Services,
        always: bool,
    ) -> anyhow::Result<Option<Checkpoint>> {
        let last = self.last.lock().await;
        let head = services
            .audit_head()
            .await
            .context("reading the audit head failed")?;
        self.sign(last, head, services.now(), always).await
    }

    /// The last checkpoint at shutdown: stops the service's units of work (waiting for those in
    /// flight), then signs the head, which nothing can move any more.
    pub async fn write_last(&self, services: &Services) -> anyhow::Result<Checkpoint> {
        let last = self.last.lock().await;
        let head = services
            .quiesce()
            .await
            .context("reading the audit head failed")?;
        let c = self.sign(last, head, services.now(), true).await?;
        c.context("the last checkpoint was not written")
    }

    async fn sign(
        &self,
        mut last: tokio::sync::MutexGuard<'_, Option<(u64, [u8; 32])>>,
        head: (u64, [u8; 32]),
        now: jiff::Timestamp,
        always: bool,
    ) -> anyhow::Result<Option<Checkpoint>> {
        if !always && *last == Some(head) {
            return Ok(None);
        }
        let c = Checkpoint::sign(head.0, head.1, now, &self.key);
        let line = c.to_line();
        let path = self.dir.join(format!(
            "{FILE_PREFIX}{}{FILE_SUFFIX}",
            c.at.strftime("%Y-%m-%d")
        ));
        let (p, l) = (path.clone(), line.clone());
        tokio::task::spawn_blocking(move || append_line(&p, &l))
            .await
            .context("the checkpoint task failed")?
            .with_context(|| format!("cannot append to {}", path.display()))?;
        tracing::info!(target: "vaka::audit_checkpoint", seq = c.seq, checkpoint = %line, "audit checkpoint");
        if let Some(socket) = &self.syslog
            && let Err(e) = send_syslog(socket, &line)
        {
            tracing::warn!(socket = %socket.display(), error = %e, "sending the audit checkpoint to syslog failed");
        }
        *last = Some(head);
        Ok(Some(c))
    }

    /// Writes a checkpoint now and then every minute while the head moves.
    pub fn spawn(self: Arc<Self>, services: Services) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut first = true;
            loop {
                tick.tick().await;
                if let Err(e) = self.write(&services, first).await {
                    tracing::error!(error = %format!("{e:#}"), "writing the audit checkpoint failed");
                }
                first = false;
            }
        })
    }
}

/// `audit-signing-<fingerprint>.pub`: one file per key, so that a replaced key's checkpoints
/// stay checkable.
pub fn public_key_file_name(key: &[u8; 32]) -> String {
    format!("audit-signing-{}.pub", key_fingerprint(key))
}

fn append_line(path: &Path, line: &str) -> std::io::Result<()> {
    let mut f = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(format!("{line}\n").as_bytes())?;
    f.sync_data()
}

/// One message to a local syslog socket (`/dev/log`, which journald also reads), facility
/// authpriv, severity info.
fn send_syslog(socket: &Path, line: &str) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let s = std::os::unix::net::UnixDatagram::unbound()?;
        let msg = format!("<86>vaka-audit-checkpoint[{}]: {line}", std::process::id());
        s.send_to(msg.as_bytes(), socket).map(|_| ())
    }
    #[cfg(not(unix))]
    {
        let _ = (socket, line);
        Err(std::io::Error::other("syslog needs a Unix socket"))
    }
}

/// Reads the key, or creates one: a new key file is mode 0600 in a directory of mode 0700.
/// `what` names the key in messages (the audit signing key, the lock signing key).
pub fn load_or_create_key(path: &Path, what: &str) -> anyhow::Result<SigningKey> {
    match fs::read_to_string(path) {
        Ok(text) => {
            warn_if_readable_by_others(path, what);
            let bytes = hex::decode(text.trim())
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok());
            let seed = bytes.with_context(|| {
                format!(
                    "{} is not a valid {what} (64 hexadecimal digits)",
                    path.display()
                )
            })?;
            Ok(SigningKey::from_bytes(&seed))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            rand::rng().fill_bytes(&mut seed);
            let key = SigningKey::from_bytes(&seed);
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                let mut b = fs::DirBuilder::new();
                b.recursive(true);
                #[cfg(unix)]
                std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
                b.create(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            let mut o = fs::OpenOptions::new();
            o.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
            let mut f = o
                .open(path)
                .with_context(|| format!("cannot create the {what} {}", path.display()))?;
            f.write_all(format!("{}\n", hex::encode(seed)).as_bytes())
                .and_then(|()| f.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))?;
            tracing::info!(
                path = %path.display(),
                key = %key_fingerprint(&key.verifying_key().to_bytes()),
                what,
                "created a signing key"
            );
            Ok(key)
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn warn_if_readable_by_others(path: &Path, what: &str) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = fs::metadata(path)
            && m.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(
                path = %path.display(),
                mode = format!("{:o}", m.permissions().mode() & 0o777),
                what,
                "a signing key is readable by others than its owner; chmod 600 it"
            );
        }
    }
    #[cfg(not(unix))]
    let _ = (path, what);
}

/// Every checkpoint in the directory's checkpoint files, in file and line order.
/// `Ok(Err(..))`: a line that is not a checkpoint (named by file and line).
pub fn read_checkpoints(dir: &Path) -> anyhow::Result<Result<Vec<Checkpoint>, String>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("cannot read the checkpoint directory {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(FILE_PREFIX) && n.ends_with(FILE_SUFFIX))
        })
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text =
            fs::read_to_string(&f).with_context(|| format!("cannot read {}", f.display()))?;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match Checkpoint::from_line(line) {
                Ok(c) => out.push(c),
                Err(e) => return Ok(Err(format!("{}:{}: {e}", f.display(), i + 1))),
            }
        }
    }
    Ok(Ok(out))
}

/// A public key: 64 hexadecimal digits, or a file holding them.
pub fn parse_public_key(given: &str) -> anyhow::Result<[u8; 32]> {
    let from_hex = |s: &str| {
        hex::decode(s.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
    };
    if let Some(k) = from_hex(given) {
        return Ok(k);
    }
    let text = fs::read_to_string(given).with_context(|| {
        format!("{given:?} is neither a public key (64 hex digits) nor a readable file")
    })?;
    from_hex(&text).with_context(|| format!("{given} does not hold a public key (64 hex digits)"))
}

/// The `*.pub` keys in the checkpoint directory (used when no `--public-key` is given).
pub fn keys_in_dir(dir: &Path) -> anyhow::Result<Vec<[u8; 32]>> {
    let mut keys = Vec::new();
    for e in fs::read_dir(dir)
        .with_context(|| format!("cannot read the checkpoint directory {}", dir.display()))?
        .filter_map(Result::ok)
    {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "pub") {
            keys.push(parse_public_key(&p.to_string_lossy())?);
        }
    }
    Ok(keys)
}

/// The checkpoints of `dir`, signatures checked with `trusted`, ready to verify the chain
/// against. `Ok(Err(reason))`: the checkpoints themselves fail (unreadable line, bad
/// signature, untrusted key, none at all) — a verification failure, not an I/O error.
pub fn load_verifier(
    dir: &Path,
    trusted: &[[u8; 32]],
) -> anyhow::Result<Result<CheckpointVerifier, String>> {
    let checkpoints = match read_checkpoints(dir)? {
        Ok(c) => c,
        Err(reason) => return Ok(Err(reason)),
    };
    if checkpoints.is_empty() {
        return Ok(Err(format!("no checkpoints in {}", dir.display())));
    }
    Ok(CheckpointVerifier::new(&checkpoints, trusted).map_err(|b| b.to_string()))
}

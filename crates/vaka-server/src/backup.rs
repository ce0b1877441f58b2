//! `vaka backup` and `vaka restore` for the embedded SQLite database, and the lock by which a
//! running server keeps a restore away from its database.
//!
//! The backup is an online snapshot (`VACUUM INTO`, see `vaka_store_sqlite::backup`) written
//! to a temporary file beside the target (mode 0600), checked (`PRAGMA integrity_check`, a
//! migration this binary knows, the audit chain) and only then renamed into place.
//!
//! The restore checks the file the same way on a copy in the database's directory, refuses
//! while a server holds the database's lock, keeps the database it replaces (with its WAL) as
//! `<db>.before-restore-<UTC time>` and renames the checked copy into place.
//!
//! The lock: `vaka serve` and `vaka demo` hold an exclusive advisory lock (`flock`) on
//! `<db>.serve.lock` for as long as they run; the operating system releases it when the process
//! ends, however it ends. `vaka restore` takes the same lock for its duration, so it refuses
//! while a server runs and a server refuses to start while a restore runs. SQLite's own locks
//! cannot tell: in WAL mode an idle server holds no lock that a restore would meet.
//!
//! The database file holds neither the key files under `<data_dir>/keys/` nor the audit
//! checkpoints; they are backed up separately (docs/OPERATIONS.md).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use jiff::Timestamp;
use vaka_service::audit::Verification;
use vaka_service::{ServiceConfig, Services};
use vaka_store::Store;
use vaka_store_sqlite::backup::{self as sqlite_backup, FileReport};
use vaka_store_sqlite::{SqliteOptions, SqliteStore};

/// The lock a running server holds on its SQLite database (released when dropped, or when the
/// process ends).
#[derive(Debug)]
pub struct ServeLock {
    _file: File,
}

/// The lock file of a database: `<db>.serve.lock`.
pub fn lock_path(db: &Path) -> PathBuf {
    suffixed(db, ".serve.lock")
}

/// `path` with `suffix` appended to its file name.
fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Takes the exclusive lock on the database at `db`, or fails naming who holds it: a running
/// `vaka serve`, `vaka demo` or `vaka restore`.
pub fn lock_database(db: &Path) -> anyhow::Result<ServeLock> {
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let path = lock_path(db);
    let file = private_options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(ServeLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "{} is in use by a running Vaka server (or a restore): stop it first \
             (it holds the lock {})",
            db.display(),
            path.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

/// Options that create files readable by their owner only.
fn private_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

/// What a backup or restore checked and wrote; counts only, no personal data.
#[derive(Debug, Clone)]
pub struct Report {
    pub path: PathBuf,
    pub bytes: u64,
    pub audit_entries: u64,
    pub file: FileReport,
    /// The database a restore replaced, kept under this name.
    pub kept: Option<PathBuf>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} ({:.1} MiB): integrity ok, audit log intact ({} entries), schema version {}",
            self.path.display(),
            self.bytes as f64 / (1024.0 * 1024.0),
            self.audit_entries,
            self.file.newest_migration.unwrap_or(0)
        )?;
        write!(
            f,
            "{} tables, {} rows: {} clients, {} users, {} devices, {} alarms, {} alarm messages",
            self.file.tables.len(),
            self.file.total_rows(),
            self.file.rows("clients"),
            self.file.rows("users"),
            self.file.rows("devices"),
            self.file.rows("alarms"),
            self.file.rows("alarm_messages"),
        )?;
        if let Some(k) = &self.kept {
            write!(f, "\nthe database it replaced is kept as {}", k.display())?;
        }
        Ok(())
    }
}

/// A temporary file beside `target`, removed when dropped unless kept.
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl TempFile {
    /// Creates an empty file (mode 0600) beside `target`.
    fn beside(target: &Path, what: &str) -> anyhow::Result<Self> {
        let name = target
            .file_name()
            .with_context(|| format!("{} names no file", target.display()))?;
        let mut tmp = std::ffi::OsString::from(".");
        tmp.push(name);
        tmp.push(format!(".{what}-{}.tmp", std::process::id()));
        let path = target.with_file_name(tmp);
        // A leftover of an earlier run that died (same process id) is ours to replace.
        remove_if_present(&path)?;
        private_options()
            .create_new(true)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Self { path, keep: false })
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            for p in sqlite_files(&self.path) {
                let _ = std::fs::remove_file(p);
            }
        }
    }
}

/// A database file and the WAL and shared-memory files SQLite keeps beside it.
fn sqlite_files(db: &Path) -> [PathBuf; 3] {
    [db.to_path_buf(), suffixed(db, "-wal"), suffixed(db, "-shm")]
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot remove {}", path.display())),
    }
}

/// Flushes a file, and the directory that names it, to disk.
fn sync(path: &Path) -> anyhow::Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot sync {}", path.display()))?;
    sync_dir_of(path)
}

fn sync_dir_of(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("cannot sync {}", dir.display()))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// The checks a copy must pass: sound, written by a Vaka this binary can read (its newest
/// migration known here), with an intact audit chain. With `migrate`, an older copy is brought
/// to this binary's schema first (as the server would at its next start). Leaves the file
/// self-contained (no WAL beside it).
async fn check_copy(path: &Path, migrate: bool) -> anyhow::Result<(FileReport, u64)> {
    let before = sqlite_backup::inspect(path)
        .await
        .context("the copy cannot be read as a Vaka database")?;
    anyhow::ensure!(
        before.is_sound(),
        "the copy fails SQLite's integrity check: {}",
        before.integrity.join("; ")
    );
    let known = sqlite_backup::newest_known_migration();
    if let Some(v) = before.newest_migration {
        anyhow::ensure!(
            v <= known,
            "the copy was written by a newer Vaka (schema version {v}; this binary knows up to \
             {known}): use that version's `vaka`"
        );
    }
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open_path(path, &SqliteOptions::default())
            .await
            .context("cannot open the copy")?,
    );
    let verified = verify(store.clone(), migrate).await;
    store.close().await;
    drop(store);
    sqlite_backup::make_self_contained(path)
        .await
        .context("cannot fold the copy's WAL back into it")?;
    let entries = verified?;
    let report = if migrate {
        sqlite_backup::inspect(path)
            .await
            .context("the migrated copy cannot be read")?
    } else {
        before
    };
    Ok((report, entries))
}

async fn verify(store: Arc<dyn Store>, migrate: bool) -> anyhow::Result<u64> {
    if migrate {
        store.migrate().await.context("migrating the copy failed")?;
    }
    let svc = Services::new(
        store,
        crate::serve::system_clock(),
        ServiceConfig::default(),
    );
    match svc
        .verify_audit()
        .await
        .context("reading the audit log failed")?
    {
        Verification::Intact { entries } => Ok(entries),
        Verification::Broken {
            checked,
            reason,
            seq,
        } => anyhow::bail!(
            "the copy's audit log is broken at entry {}: {reason} ({checked} entries before it \
             are intact)",
            seq.map_or_else(|| "?".into(), |s| s.to_string())
        ),
    }
}

/// Writes a checked backup of the SQLite database at `db` to `to` (mode 0600). Refuses an
/// existing `to` unless `force`. Safe while a server writes to `db`.
pub async fn backup_sqlite(db: &Path, to: &Path, force: bool) -> anyhow::Result<Report> {
    anyhow::ensure!(
        db.is_file(),
        "there is no database at {} to back up",
        db.display()
    );
    if !force && std::fs::symlink_metadata(to).is_ok() {
        anyhow::bail!(
            "{} exists; choose another name or pass --force to replace it",
            to.display()
        );
    }
    if let (Ok(a), Ok(b)) = (db.canonicalize(), to.canonicalize()) {
        anyhow::ensure!(a != b, "the backup cannot replace the database itself");
    }
    let mut tmp = TempFile::beside(to, "backup")?;
    sqlite_backup::snapshot(db, &tmp.path)
        .await
        .with_context(|| format!("the snapshot of {} failed", db.display()))?;
    let (file, audit_entries) = check_copy(&tmp.path, false)
        .await
        .context("the backup failed its check and was not kept")?;
    sync(&tmp.path)?;
    std::fs::rename(&tmp.path, to)
        .with_context(|| format!("cannot rename the backup to {}", to.display()))?;
    tmp.keep = true;
    sync_dir_of(to)?;
    Ok(Report {
        path: to.to_path_buf(),
        bytes: std::fs::metadata(to)?.len(),
        audit_entries,
        file,
        kept: None,
    })
}

/// Replaces the SQLite database at `db` by the backup `from`, after checking it. Refuses while
/// a server uses `db`; keeps the replaced database as `<db>.before-restore-<now>`.
pub async fn restore_sqlite(db: &Path, from: &Path, now: Timestamp) -> anyhow::Result<Report> {
    anyhow::ensure!(from.is_file(), "there is no backup file {}", from.display());
    anyhow::ensure!(
        !suffixed(from, "-wal").exists(),
        "{} has a write-ahead log beside it: it is a live database, not a backup; back it up \
         with `vaka backup` first",
        from.display()
    );
    let _lock = lock_database(db)?;
    let mut tmp = TempFile::beside(db, "restore")?;
    {
        let mut src =
            File::open(from).with_context(|| format!("cannot read {}", from.display()))?;
        let mut dst = OpenOptions::new()
            .write(true)
            .open(&tmp.path)
            .with_context(|| format!("cannot write {}", tmp.path.display()))?;
        std::io::copy(&mut src, &mut dst)
            .with_context(|| format!("cannot copy {}", from.display()))?;
        dst.flush()?;
    }
    let (file, audit_entries) = check_copy(&tmp.path, true)
        .await
        .with_context(|| format!("{} cannot be restored", from.display()))?;
    sync(&tmp.path)?;
    let kept = if db.exists() {
        let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
        let kept = suffixed(db, &format!(".before-restore-{stamp}"));
        anyhow::ensure!(
            !kept.exists(),
            "{} exists already; try again in a second",
            kept.display()
        );
        // The WAL goes with the database it belongs to: after a crash it holds commits not yet
        // copied into the file. The shared-memory file is rebuilt from the WAL; it goes.
        let wal = suffixed(db, "-wal");
        if wal.exists() {
            std::fs::rename(&wal, suffixed(&kept, "-wal"))
                .with_context(|| format!("cannot move {}", wal.display()))?;
        }
        std::fs::rename(db, &kept).with_context(|| format!("cannot move {}", db.display()))?;
        Some(kept)
    } else {
        remove_if_present(&suffixed(db, "-wal"))?;
        None
    };
    remove_if_present(&suffixed(db, "-shm"))?;
    std::fs::rename(&tmp.path, db)
        .with_context(|| format!("cannot rename the restored copy to {}", db.display()))?;
    tmp.keep = true;
    sync_dir_of(db)?;
    Ok(Report {
        path: db.to_path_buf(),
        bytes: std::fs::metadata(db)?.len(),
        audit_entries,
        file,
        kept,
    })
}

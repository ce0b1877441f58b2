//! The SQLite backend of `vaka-store`: the embedded default.
//!
//! One writer connection (SQLite allows one writer at a time; a single connection avoids
//! `SQLITE_BUSY` between our own writers) and a pool of read-only connections that read in
//! parallel thanks to WAL. Write transactions begin `IMMEDIATE`, taking the write lock up front.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use vaka_domain::audit::AuditEntry;
use vaka_store::sealed::Keyring;
use vaka_store::{Backend, ReadTx, Store, StoreError, StoreResult, Transaction, map_sqlx_error};

type Db = sqlx::Sqlite;
/// What a read unit of work holds (see `readers`).
type ReadConn = readers::ReadConn;

mod audit_pages;
pub mod backup;
mod bulk;
mod readers;

// The included SQL modules are written against their parent's scope (`use super::*`), the same
// in both backends; naming the imports here would tie each backend to every file's needs.
#[allow(clippy::wildcard_imports)]
mod shared {
    use super::{Db, ReadConn};
    include!("../../vaka-store/sql/tx.rs");
    mod directory {
        use super::*;
        include!("../../vaka-store/sql/directory.rs");
    }
    mod auth {
        use super::*;
        include!("../../vaka-store/sql/auth.rs");
    }
    mod audit {
        use super::*;
        include!("../../vaka-store/sql/audit.rs");
    }
    mod clients {
        use super::*;
        include!("../../vaka-store/sql/clients.rs");
    }
    mod registry {
        use super::*;
        include!("../../vaka-store/sql/registry.rs");
    }
    mod supervision {
        use super::*;
        include!("../../vaka-store/sql/supervision.rs");
    }
    pub(crate) mod alarms {
        use super::*;
        include!("../../vaka-store/sql/alarms.rs");
    }
    mod homecare {
        use super::*;
        include!("../../vaka-store/sql/homecare.rs");
    }
    mod delegation {
        use super::*;
        include!("../../vaka-store/sql/delegation.rs");
    }
    mod locks {
        use super::*;
        include!("../../vaka-store/sql/locks.rs");
    }
    mod secrets {
        use super::*;
        include!("../../vaka-store/sql/secrets.rs");
    }
    mod tags {
        use super::*;
        include!("../../vaka-store/sql/tags.rs");
    }
    mod app_devices {
        use super::*;
        include!("../../vaka-store/sql/app_devices.rs");
    }
    mod passkeys {
        use super::*;
        include!("../../vaka-store/sql/passkeys.rs");
    }
    mod oidc {
        use super::*;
        include!("../../vaka-store/sql/oidc.rs");
    }
    mod retention {
        use super::*;
        include!("../../vaka-store/sql/retention.rs");
    }
    mod operations {
        use super::*;
        include!("../../vaka-store/sql/operations.rs");
    }
    mod emergency {
        use super::*;
        include!("../../vaka-store/sql/emergency.rs");
    }
    mod governance {
        use super::*;
        include!("../../vaka-store/sql/governance.rs");
    }
    mod log_review {
        use super::*;
        include!("../../vaka-store/sql/log_review.rs");
    }
}

use shared::Handle;
pub use shared::SqlTx;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../vaka-store/migrations/sqlite");

/// How durable a commit is. `Full` (the default) survives a power cut, at the price of an fsync
/// of the WAL per commit: an alarm receiver must never lose an event it has ACKed. `Normal`
/// survives a crash of the process, not of the machine (an opt-in for installs without alarms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    Normal,
    #[default]
    Full,
}

#[derive(Debug, Clone)]
pub struct SqliteOptions {
    pub readers: u32,
    pub durability: Durability,
    pub acquire_timeout: Duration,
    /// WAL frames (4 KiB pages) past which the checkpointer restarts the WAL; the WAL's file
    /// is kept up to four times that size (`journal_size_limit`, at least 64 MiB) so that a
    /// restart never truncates it.
    pub wal_restart_frames: i64,
    /// The keys that seal the secret columns (TOTP secrets, DC-09 keys). The default is empty:
    /// the store then refuses to write or read a secret rather than keep it in clear.
    pub secrets: Arc<Keyring>,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            readers: 4,
            durability: Durability::default(),
            acquire_timeout: Duration::from_secs(10),
            wal_restart_frames: WAL_RESTART_FRAMES,
            secrets: Arc::default(),
        }
    }
}

/// WAL frames (4 KiB pages) past which the checkpointer restarts the WAL: 16 MiB, so that
/// under sustained writes it restarts every second, well before the WAL passes the
/// `journal_size_limit` of 64 MiB: past that SQLite truncates the file at the restart and the
/// file system must allocate its blocks again. Measured with the alarm receiver at 5,000
/// events/s (docs/PERFORMANCE.md): p99 ACK latency 8–9 ms at 16 MiB, 15–19 ms at 64 MiB,
/// 55 ms at 256 MiB.
const WAL_RESTART_FRAMES: i64 = 4_096;

/// A Vaka store in one SQLite file.
pub struct SqliteStore {
    writer: SqlitePool,
    readers: readers::Readers,
    /// Checkpoints the WAL in the background (see `open_with`); taken by `close`.
    checkpointer: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// Tells the checkpointer to close its connection and stop.
    stop_checkpointer: Arc<tokio::sync::Notify>,
    secrets: Arc<Keyring>,
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        if let Some(task) = self.checkpointer.get_mut().ok().and_then(Option::take) {
            task.abort();
        }
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path`.
    pub async fn open_path(path: &Path, opts: &SqliteOptions) -> StoreResult<Self> {
        let base = SqliteConnectOptions::new().filename(path);
        Self::open_with(base, opts).await
    }

    /// Opens a `sqlite://` URL.
    pub async fn open_url(url: &str, opts: &SqliteOptions) -> StoreResult<Self> {
        let base = SqliteConnectOptions::from_str(url).map_err(map_sqlx_error)?;
        Self::open_with(base, opts).await
    }

    async fn open_with(base: SqliteConnectOptions, opts: &SqliteOptions) -> StoreResult<Self> {
        let base = base
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match opts.durability {
                Durability::Normal => SqliteSynchronous::Normal,
                Durability::Full => SqliteSynchronous::Full,
            })
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .statement_cache_capacity(256)
            .pragma("wal_autocheckpoint", "0")
            .pragma(
                "journal_size_limit",
                (opts.wal_restart_frames.max(1) * 4 * 4096)
                    .max(64 << 20)
                    .to_string(),
            )
            // A 32 MiB page cache per connection (the default is 2 MiB): planning a night writes
            // tens of megabytes of table and index pages in one transaction.
            .pragma("cache_size", "-32768")
            // Statement journals and temporary indexes in memory, not in files under /var/tmp
            // (each multi-row insert of a group commit would write one).
            .pragma("temp_store", "memory")
            // Rows cross from SQLite's thread in batches: fewer wake-ups on long results.
            .row_buffer_size(1024);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(opts.acquire_timeout)
            .connect_with(base.clone().create_if_missing(true))
            .await
            .map_err(map_sqlx_error)?;
        // Connections of their own, not sqlx's pool, which pings each one it takes back (see
        // `readers`).
        let readers = readers::Readers::open(
            &base.clone().read_only(true),
            opts.readers,
            opts.acquire_timeout,
        )
        .await?;
        // The writer never checkpoints (that would stall every commit behind an fsync); a
        // connection of its own copies the WAL back into the database every second instead,
        // alongside the writer.
        // A restart waits for readers on an older snapshot and holds new writers meanwhile: on
        // this connection it waits at most 200 ms, then gives up until the next second (a long
        // read must not stall the group commits, and with them the alarm receiver's ACKs).
        let mut checkpoint_conn =
            sqlx::ConnectOptions::connect(&base.clone().busy_timeout(Duration::from_millis(200)))
                .await
                .map_err(map_sqlx_error)?;
        let stop_checkpointer = Arc::new(tokio::sync::Notify::new());
        let stop = stop_checkpointer.clone();
        let restart_frames = opts.wal_restart_frames.max(1);
        let checkpointer = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    () = stop.notified() => break,
                }
                match sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
                    .fetch_one(&mut checkpoint_conn)
                    .await
                {
                    // Under writes without pause a passive checkpoint never finds the whole WAL
                    // copied back, so the WAL is never restarted and grows without bound. Past
                    // the limit, restart it: this waits for the writer's current transaction
                    // and holds the next one for the copy's fsync (at most the busy timeout
                    // above for readers).
                    Ok((_, frames, _)) if frames > restart_frames => {
                        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(RESTART)")
                            .execute(&mut checkpoint_conn)
                            .await
                        {
                            tracing::warn!(error = %e, "WAL restart failed");
                        }
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed"),
                }
            }
            // Closed here, so that when `close` returns no connection is left to remove the
            // WAL and shared-memory files later.
            let _ = sqlx::Connection::close(checkpoint_conn).await;
        });
        Ok(Self {
            writer,
            readers,
            checkpointer: std::sync::Mutex::new(Some(checkpointer)),
            stop_checkpointer,
            secrets: opts.secrets.clone(),
        })
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR
            .run(&self.writer)
            .await
            .map_err(|e| StoreError::caused("migration failed", e))
    }

    async fn begin(&self) -> StoreResult<Box<dyn Transaction>> {
        let tx = self
            .writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(map_sqlx_error)?;
        Ok(Box::new(SqlTx {
            tx: Handle::Tx(tx),
            secrets: self.secrets.clone(),
        }))
    }

    async fn begin_read(&self) -> StoreResult<Box<dyn ReadTx>> {
        let conn = self.readers.acquire().await?;
        Ok(Box::new(SqlTx {
            tx: Handle::Conn(conn),
            secrets: self.secrets.clone(),
        }))
    }

    async fn reseal_secrets(&self) -> StoreResult<u64> {
        let mut tx = Box::new(SqlTx {
            tx: Handle::Tx(
                self.writer
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(map_sqlx_error)?,
            ),
            secrets: self.secrets.clone(),
        });
        let sealed = tx.reseal_secrets().await?;
        tx.commit(&[]).await?;
        Ok(sealed)
    }

    async fn ping(&self) -> StoreResult<()> {
        let mut conn = self.readers.acquire().await?;
        sqlx::query("SELECT 1")
            .execute(&mut *conn)
            .await
            .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn audit_page(&self, after: u64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        let mut conn = self.readers.acquire().await?;
        audit_pages::page(&mut conn, after, limit).await
    }

    async fn close(&self) {
        self.stop_checkpointer.notify_one();
        let task = self.checkpointer.lock().ok().and_then(|mut t| t.take());
        if let Some(task) = task {
            let _ = task.await;
        }
        self.readers.close().await;

        self.writer.close().await;
    }

    async fn job_lease(&self) -> StoreResult<Box<dyn vaka_store::JobLease>> {
        Ok(Box::new(vaka_store::SoleLease))
    }

    async fn purge_run_lock(&self) -> StoreResult<Option<Box<dyn Send + Sync>>> {
        Ok(Some(Box::new(())))
    }

    fn prepare_intake(
        &self,
        messages: Vec<vaka_domain::alarm::AlarmMessage>,
        alarms: Vec<vaka_domain::alarm::AlarmRecord>,
        restores: Vec<(vaka_domain::ids::DeviceId, String, jiff::Timestamp)>,
        dedupe_window: Option<jiff::SignedDuration>,
    ) -> vaka_store::PreparedIntake {
        shared::alarms::prepare_intake(messages, alarms, restores, dedupe_window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn synchronous(opts: &SqliteOptions) -> i64 {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open_path(&dir.path().join("vaka.db"), opts)
            .await
            .unwrap();
        let (mode,): (i64,) = sqlx::query_as("PRAGMA synchronous")
            .fetch_one(&store.writer)
            .await
            .unwrap();
        mode
    }

    /// An ACKed alarm must survive a power cut: the default fsyncs the WAL at every commit
    /// (`synchronous = FULL`, 2); `Normal` (1) is only had by asking for it.
    #[tokio::test]
    async fn commits_are_fsynced_unless_normal_is_asked_for() {
        assert_eq!(synchronous(&SqliteOptions::default()).await, 2);
        let normal = SqliteOptions {
            durability: Durability::Normal,
            ..SqliteOptions::default()
        };
        assert_eq!(synchronous(&normal).await, 1);
    }
}

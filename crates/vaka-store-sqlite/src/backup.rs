//! Copies of the database file: an online snapshot while the server writes, and the checks a
//! copy must pass before it is trusted (as a backup, or to be restored).
//!
//! The snapshot is `VACUUM INTO`: it reads the database inside one read transaction, so the copy
//! is the state of one commit, while the writer goes on (WAL mode: readers never block the
//! writer). The copy is compact (no free pages) and self-contained (no WAL beside it).

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection};
use vaka_store::{StoreError, StoreResult, map_sqlx_error};

/// What a database file holds, as far as a backup report may say: no personal data, only
/// structure and counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The answer of `PRAGMA integrity_check`: `["ok"]` when the file is sound.
    pub integrity: Vec<String>,
    /// The newest migration applied to the file (`None`: none recorded).
    pub newest_migration: Option<i64>,
    /// Rows per table, by table name.
    pub tables: Vec<(String, i64)>,
}

impl FileReport {
    /// Whether `PRAGMA integrity_check` found nothing wrong.
    pub fn is_sound(&self) -> bool {
        self.integrity == ["ok"]
    }

    /// The rows of one table (0 when there is no such table).
    pub fn rows(&self, table: &str) -> i64 {
        self.tables
            .iter()
            .find(|(t, _)| t == table)
            .map_or(0, |(_, n)| *n)
    }

    /// The rows of every table together.
    pub fn total_rows(&self) -> i64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// The newest migration this build knows: a file with a newer one was written by a newer Vaka.
pub fn newest_known_migration() -> i64 {
    crate::MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// A connection to an existing file (never creates one), waiting up to 5 s for locks.
async fn connect(path: &Path) -> StoreResult<SqliteConnection> {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(5))
        .connect()
        .await
        .map_err(map_sqlx_error)
}

/// Writes a consistent snapshot of the database at `source` into `target`, which must not exist
/// or be an empty file (create it empty first to choose its permissions). Safe while a server
/// writes to `source`.
pub async fn snapshot(source: &Path, target: &Path) -> StoreResult<()> {
    let target = target
        .to_str()
        .ok_or_else(|| StoreError::other("the backup path is not valid UTF-8"))?;
    let mut conn = connect(source).await?;
    let result = sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut conn)
        .await
        .map_err(map_sqlx_error);
    conn.close().await.map_err(map_sqlx_error)?;
    result.map(|_| ())
}

/// Checks a database file: `PRAGMA integrity_check`, the newest migration applied, and the rows
/// per table. Fails when the file is not a Vaka database (no migration table).
pub async fn inspect(path: &Path) -> StoreResult<FileReport> {
    let mut conn = connect(path).await?;
    let result = inspect_on(&mut conn).await;
    conn.close().await.map_err(map_sqlx_error)?;
    result
}

async fn inspect_on(conn: &mut SqliteConnection) -> StoreResult<FileReport> {
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(map_sqlx_error)?;
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(map_sqlx_error)?;
    if !names.iter().any(|n| n == "_sqlx_migrations") {
        return Err(StoreError::other(
            "not a Vaka database: it has no migration table",
        ));
    }
    let newest_migration: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut *conn)
            .await
            .map_err(map_sqlx_error)?;
    let mut tables = Vec::with_capacity(names.len());
    for name in names {
        // The names come from the file's own schema; quoted as identifiers.
        let sql = format!("SELECT COUNT(*) FROM \"{}\"", name.replace('"', "\"\""));
        let n: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_one(&mut *conn)
            .await
            .map_err(map_sqlx_error)?;
        tables.push((name, n));
    }
    Ok(FileReport {
        integrity,
        newest_migration,
        tables,
    })
}

/// Leaves the file in rollback-journal mode with its WAL (if any) copied back in and removed,
/// so that the file alone holds the whole database (and can be copied or renamed on its own).
/// The server puts it back into WAL mode when it opens it.
pub async fn make_self_contained(path: &Path) -> StoreResult<()> {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(5))
        .journal_mode(SqliteJournalMode::Delete)
        .connect()
        .await
        .map_err(map_sqlx_error)?;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .map_err(map_sqlx_error)?;
    conn.close().await.map_err(map_sqlx_error)?;
    if mode.eq_ignore_ascii_case("delete") {
        Ok(())
    } else {
        Err(StoreError::other(format!(
            "the copy stayed in journal mode {mode}"
        )))
    }
}

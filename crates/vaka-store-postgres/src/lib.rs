//! The PostgreSQL backend of `vaka-store`: the production store.
//!
//! A pool of connections; concurrent appends to the audit log are serialised by the row lock
//! on `audit_head` (see `sql/audit.rs`). A `schema` may be given so that several stores (test
//! runs, tenants) share one database without colliding.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use vaka_domain::audit::AuditEntry;
use vaka_store::sealed::Keyring;
use vaka_store::{Backend, ReadTx, Store, StoreError, StoreResult, Transaction, map_sqlx_error};

type Db = sqlx::Postgres;
/// What a read unit of work holds: a connection of sqlx's pool (which checks a connection it
/// takes back, as a network connection needs).
type ReadConn = sqlx::pool::PoolConnection<Db>;

mod bulk;
mod lease;

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

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../vaka-store/migrations/postgres");

#[derive(Debug, Clone)]
pub struct PgOptions {
    pub max_connections: u32,
    /// Use this schema (created if missing) instead of the connection's default.
    pub schema: Option<String>,
    pub acquire_timeout: Duration,
    /// The keys that seal the secret columns (TOTP secrets, DC-09 keys). The default is empty:
    /// the store then refuses to write or read a secret rather than keep it in clear.
    pub secrets: Arc<Keyring>,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            schema: None,
            acquire_timeout: Duration::from_secs(10),
            secrets: Arc::default(),
        }
    }
}

pub struct PgStore {
    pool: PgPool,
    secrets: Arc<Keyring>,
    /// How the pool connects (the schema pinned), for the job lease's connection of its own.
    connect: PgConnectOptions,
}

fn valid_schema_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl PgStore {
    pub async fn connect(url: &str, opts: &PgOptions) -> StoreResult<Self> {
        let mut conn = PgConnectOptions::from_str(url).map_err(map_sqlx_error)?;
        if let Some(schema) = &opts.schema {
            if !valid_schema_name(schema) {
                return Err(StoreError::other(format!("invalid schema name {schema:?}")));
            }
            // Create the schema with a one-off connection, then pin every pooled connection to it.
            let mut one = sqlx::ConnectOptions::connect(&conn)
                .await
                .map_err(map_sqlx_error)?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "CREATE SCHEMA IF NOT EXISTS {schema}"
            )))
            .execute(&mut one)
            .await
            .map_err(map_sqlx_error)?;
            sqlx::Connection::close(one).await.map_err(map_sqlx_error)?;
            conn = conn.options([("search_path", schema.as_str())]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(opts.max_connections.max(1))
            .acquire_timeout(opts.acquire_timeout)
            .connect_with(conn.clone())
            .await
            .map_err(map_sqlx_error)?;
        Ok(Self {
            pool,
            secrets: opts.secrets.clone(),
            connect: conn,
        })
    }

    /// Drops a schema and everything in it (test clean-up).
    pub async fn drop_schema(url: &str, schema: &str) -> StoreResult<()> {
        if !valid_schema_name(schema) {
            return Err(StoreError::other(format!("invalid schema name {schema:?}")));
        }
        let conn = PgConnectOptions::from_str(url).map_err(map_sqlx_error)?;
        let mut one = sqlx::ConnectOptions::connect(&conn)
            .await
            .map_err(map_sqlx_error)?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE"
        )))
        .execute(&mut one)
        .await
        .map_err(map_sqlx_error)?;
        sqlx::Connection::close(one).await.map_err(map_sqlx_error)
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::caused("migration failed", e))
    }

    async fn begin(&self) -> StoreResult<Box<dyn Transaction>> {
        let tx = self.pool.begin().await.map_err(map_sqlx_error)?;
        Ok(Box::new(SqlTx {
            tx: Handle::Tx(tx),
            secrets: self.secrets.clone(),
        }))
    }

    async fn begin_read(&self) -> StoreResult<Box<dyn ReadTx>> {
        let conn = self.pool.acquire().await.map_err(map_sqlx_error)?;
        Ok(Box::new(SqlTx {
            tx: Handle::Conn(conn),
            secrets: self.secrets.clone(),
        }))
    }

    async fn reseal_secrets(&self) -> StoreResult<u64> {
        let mut tx = Box::new(SqlTx {
            tx: Handle::Tx(self.pool.begin().await.map_err(map_sqlx_error)?),
            secrets: self.secrets.clone(),
        });
        let sealed = tx.reseal_secrets().await?;
        tx.commit(&[]).await?;
        Ok(sealed)
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn audit_page(&self, after: u64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        audit_page(&self.pool, after, limit).await
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    async fn job_lease(&self) -> StoreResult<Box<dyn vaka_store::JobLease>> {
        Ok(Box::new(lease::AdvisoryLease::new(self.connect.clone())))
    }

    async fn purge_run_lock(&self) -> StoreResult<Option<Box<dyn Send + Sync>>> {
        Ok(lease::purge_run_lock(&self.connect)
            .await?
            .map(|g| Box::new(g) as Box<dyn Send + Sync>))
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

/// A page of the audit log after `after`, in sequence order.
async fn audit_page(
    pool: &PgPool,
    after: u64,
    limit: i64,
) -> StoreResult<Vec<vaka_domain::audit::AuditEntry>> {
    let after = i64::try_from(after).map_err(|_| StoreError::other("seq out of range"))?;
    sqlx::query_as!(
        vaka_store::AuditRow,
        r#"SELECT seq as "seq!: i64", at as "at!: vaka_store::DbInstant", actor_user_id as "actor_user_id?: uuid::Uuid",
                  actor_username as "actor_username?", actor_role as "actor_role?",
                  actor_org_id as "actor_org_id?: uuid::Uuid", actor_unit_id as "actor_unit_id?: uuid::Uuid",
                  credential as "credential?", action as "action!", outcome as "outcome!",
                  client_id as "client_id?: uuid::Uuid", subject_kind as "subject_kind?",
                  subject_id as "subject_id?", care_context as "care_context?",
                  request_id as "request_id?", source_ip as "source_ip?", flags as "flags!: i64",
                  details as "details?", prev_hash as "prev_hash!: Vec<u8>", hash as "hash!: Vec<u8>"
           FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"#,
        after,
        limit,
    )
    .fetch_all(pool)
    .await
    .map_err(map_sqlx_error)?
    .into_iter()
    .map(vaka_domain::audit::AuditEntry::try_from)
    .collect()
}

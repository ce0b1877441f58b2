//! The job lease on PostgreSQL: a session-level advisory lock held on a connection of its own.
//!
//! Why an advisory lock and not a lease row with an expiry: the lock lives exactly as long as
//! the connection that took it. A node killed with `kill -9` closes its socket and the database
//! frees the lock at once; a node whose machine vanishes is found dead by TCP keepalives (set
//! below: about 11 s); a node cut off from the database finds its own check failing and stops
//! its jobs. There is no clock to trust across machines and no expiry to tune against pauses.
//! The key is derived from the schema, so that several Vakas (the tests' schemas) in one
//! database each have their own lease.

use std::time::Duration;

use async_trait::async_trait;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

/// The lock's key: a hash of the schema the connection works in.
const TRY_LOCK: &str =
    "SELECT pg_try_advisory_lock(hashtextextended('vaka jobs ' || current_schema(), 0))";
const UNLOCK: &str =
    "SELECT pg_advisory_unlock(hashtextextended('vaka jobs ' || current_schema(), 0))";

pub(crate) struct AdvisoryLease {
    options: PgConnectOptions,
    conn: Option<PgConnection>,
    held: bool,
}

impl AdvisoryLease {
    pub(crate) fn new(options: PgConnectOptions) -> Self {
        // The server probes an idle lease connection after 5 s and gives it up after three
        // unanswered probes 2 s apart: a vanished holder frees the lease within about 11 s.
        let options = options.application_name("vaka job lease").options([
            ("tcp_keepalives_idle", "5"),
            ("tcp_keepalives_interval", "2"),
            ("tcp_keepalives_count", "3"),
        ]);
        Self {
            options,
            conn: None,
            held: false,
        }
    }

    async fn try_hold(&mut self) -> Result<bool, sqlx::Error> {
        if self.conn.is_none() {
            self.conn = Some(PgConnection::connect_with(&self.options).await?);
        }
        let Some(conn) = self.conn.as_mut() else {
            return Ok(false);
        };
        if self.held {
            sqlx::query("SELECT 1").execute(&mut *conn).await?;
            return Ok(true);
        }
        sqlx::query_scalar::<_, bool>(TRY_LOCK)
            .fetch_one(&mut *conn)
            .await
    }
}

#[async_trait]
impl vaka_store::JobLease for AdvisoryLease {
    async fn hold(&mut self, timeout: Duration) -> bool {
        let result = tokio::time::timeout(timeout, self.try_hold()).await;
        match result {
            Ok(Ok(held)) => {
                if held != self.held {
                    tracing::info!(held, "job lease");
                }
                self.held = held;
            }
            Ok(Err(e)) => {
                if self.held {
                    tracing::warn!(error = %e, "job lease lost: its connection failed");
                }
                self.held = false;
                self.conn = None;
            }
            Err(_) => {
                if self.held {
                    tracing::warn!("job lease lost: its connection did not answer in time");
                }
                self.held = false;
                // Dropping the connection closes its socket; the server frees the lock.
                self.conn = None;
            }
        }
        self.held
    }

    async fn release(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            if self.held {
                let _ = sqlx::query_scalar::<_, bool>(UNLOCK)
                    .fetch_one(&mut conn)
                    .await;
            }
            let _ = conn.close().await;
        }
        self.held = false;
    }
}

/// The purge's run lock: a session-level advisory lock (key: a hash of the schema) on a
/// connection of its own, held while the guard lives. The connection closes with the guard, or
/// with its process, and the lock goes with it.
pub(crate) struct PurgeRunLock {
    _conn: PgConnection,
}

pub(crate) async fn purge_run_lock(
    options: &PgConnectOptions,
) -> Result<Option<PurgeRunLock>, vaka_store::StoreError> {
    let options = options.clone().application_name("vaka purge");
    let mut conn = PgConnection::connect_with(&options)
        .await
        .map_err(vaka_store::map_sqlx_error)?;
    let taken: bool = sqlx::query_scalar(
        "SELECT pg_try_advisory_lock(hashtextextended('vaka purge ' || current_schema(), 0))",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(vaka_store::map_sqlx_error)?;
    Ok(taken.then_some(PurgeRunLock { _conn: conn }))
}

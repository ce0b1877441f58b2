//! The read connections, in a pool of their own.
//!
//! sqlx's pool pings every connection it takes back (`return_to_pool`), and spawns a task to
//! do it. On SQLite a ping is a round trip to the connection's thread, so a read that runs one
//! statement pays two hand-offs instead of one; for the unlock decisions that was half of what
//! a decision cost (docs/PERFORMANCE.md). The ping guards a network connection left in an
//! unknown state by a cancelled query, and flushes a rollback queued by a dropped transaction.
//! Neither happens here: a connection to a local file does not go stale, the read connections
//! run in autocommit mode and never open a transaction, and a query cancelled part-way is
//! finished or reset by the connection's thread before it takes the next command (commands
//! to one connection run in order). So a connection goes back to the idle list when its user
//! drops it, at once and without a task.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use vaka_store::{StoreError, StoreResult, map_sqlx_error};

/// A fixed number of read-only connections, opened at start.
pub(crate) struct Readers {
    inner: Arc<Inner>,
    size: u32,
    acquire_timeout: Duration,
}

struct Inner {
    idle: Mutex<Vec<SqliteConnection>>,
    /// One permit per connection: holding one guarantees an idle connection.
    permits: Arc<Semaphore>,
}

/// A read connection taken from [`Readers`]; it goes back when dropped.
pub(crate) struct ReadConn {
    /// Present from acquire until drop, which takes it back to the idle list.
    conn: Option<SqliteConnection>,
    inner: Arc<Inner>,
    // Released after `drop` has put the connection back (fields drop after the body).
    _permit: OwnedSemaphorePermit,
}

impl Readers {
    /// Opens `size` (at least one) connections with `options`.
    pub(crate) async fn open(
        options: &SqliteConnectOptions,
        size: u32,
        acquire_timeout: Duration,
    ) -> StoreResult<Self> {
        let size = size.max(1);
        let mut idle = Vec::with_capacity(size as usize);
        for _ in 0..size {
            idle.push(options.connect().await.map_err(map_sqlx_error)?);
        }
        Ok(Self {
            inner: Arc::new(Inner {
                idle: Mutex::new(idle),
                permits: Arc::new(Semaphore::new(size as usize)),
            }),
            size,
            acquire_timeout,
        })
    }

    /// A connection, waiting at most the acquire timeout for one to be free.
    pub(crate) async fn acquire(&self) -> StoreResult<ReadConn> {
        let permit = tokio::time::timeout(
            self.acquire_timeout,
            self.inner.permits.clone().acquire_owned(),
        )
        .await
        .map_err(|_| map_sqlx_error(sqlx::Error::PoolTimedOut))?
        .map_err(|_| map_sqlx_error(sqlx::Error::PoolClosed))?;
        let conn = self
            .inner
            .idle
            .lock()
            .map_err(|_| StoreError::other("the read connections' list is poisoned"))?
            .pop()
            .ok_or_else(|| StoreError::other("a read permit without an idle connection"))?;
        Ok(ReadConn {
            conn: Some(conn),
            inner: self.inner.clone(),
            _permit: permit,
        })
    }

    /// Waits until every connection is back, closes them, and refuses later acquires.
    pub(crate) async fn close(&self) {
        let Ok(all) = self.inner.permits.acquire_many(self.size).await else {
            return;
        };
        self.inner.permits.close();
        let conns: Vec<SqliteConnection> = match self.inner.idle.lock() {
            Ok(mut idle) => idle.drain(..).collect(),
            Err(_) => Vec::new(),
        };
        drop(all);
        for c in conns {
            let _ = c.close().await;
        }
    }
}

impl Drop for ReadConn {
    fn drop(&mut self) {
        if let (Some(conn), Ok(mut idle)) = (self.conn.take(), self.inner.idle.lock()) {
            idle.push(conn);
        }
    }
}

impl std::ops::Deref for ReadConn {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        let Some(c) = &self.conn else {
            unreachable!("a read connection is taken only when it is dropped")
        };
        c
    }
}

impl std::ops::DerefMut for ReadConn {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        let Some(c) = &mut self.conn else {
            unreachable!("a read connection is taken only when it is dropped")
        };
        c
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;

    use super::*;

    async fn readers(dir: &tempfile::TempDir, size: u32, timeout_ms: u64) -> Readers {
        let path = dir.path().join("r.db");
        let opts = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        Readers::open(&opts, size, Duration::from_millis(timeout_ms))
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_connection_returns_when_dropped_and_the_pool_waits_when_all_are_out() {
        let dir = tempfile::tempdir().unwrap();
        let r = readers(&dir, 2, 50).await;
        let mut a = r.acquire().await.unwrap();
        let b = r.acquire().await.unwrap();
        // Both out: the third waits and gives up after the timeout, as unavailable.
        let err = r.acquire().await.err().expect("no third connection");
        assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
        let (one,): (i64,) = sqlx::query_as("SELECT 1").fetch_one(&mut *a).await.unwrap();
        assert_eq!(one, 1);
        drop(b);
        let c = r.acquire().await.unwrap();
        drop(a);
        drop(c);
        r.close().await;
        let err = r.acquire().await.err().expect("closed");
        assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    }

    #[tokio::test]
    async fn a_query_cancelled_part_way_leaves_the_connection_usable() {
        let dir = tempfile::tempdir().unwrap();
        let r = readers(&dir, 1, 1_000).await;
        {
            let mut c = r.acquire().await.unwrap();
            // A long result, dropped after the first rows.
            let mut rows = sqlx::query_as::<_, (i64,)>(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
                 SELECT i FROM n",
            )
            .fetch(&mut *c);
            let first = rows.next().await.unwrap().unwrap();
            assert_eq!(first.0, 1);
        }
        let mut c = r.acquire().await.unwrap();
        let (n,): (i64,) = sqlx::query_as("SELECT 42")
            .fetch_one(&mut *c)
            .await
            .unwrap();
        assert_eq!(n, 42);
    }
}

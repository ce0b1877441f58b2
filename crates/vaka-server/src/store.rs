//! Opening the store named by a database URL.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use vaka_store::Store;
use vaka_store_postgres::{PgOptions, PgStore};
use vaka_store_sqlite::{Durability, SqliteOptions, SqliteStore};

use crate::config::{Config, SqliteDurability};

/// The file of the SQLite database the configuration names (`None` for PostgreSQL or a URL
/// that is neither).
pub fn sqlite_path(cfg: &Config) -> Option<PathBuf> {
    let url = cfg.database();
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(PathBuf::from)
}

/// Whether the configuration names a PostgreSQL database.
pub fn is_postgres(cfg: &Config) -> bool {
    let url = cfg.database();
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Opens (and migrates) the store the configuration names.
pub async fn open(cfg: &Config) -> anyhow::Result<Arc<dyn Store>> {
    let url = cfg.database();
    let store: Arc<dyn Store> = if is_postgres(cfg) {
        let opts = PgOptions {
            max_connections: cfg.pg_max_connections,
            ..PgOptions::default()
        };
        Arc::new(
            PgStore::connect(&url, &opts)
                .await
                .with_context(|| format!("cannot connect to {}", cfg.database_for_log()))?,
        )
    } else if let Some(path) = sqlite_path(cfg) {
        let path = path.as_path();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let opts = SqliteOptions {
            durability: match cfg.sqlite_durability {
                SqliteDurability::Normal => Durability::Normal,
                SqliteDurability::Full => Durability::Full,
            },
            ..SqliteOptions::default()
        };
        Arc::new(
            SqliteStore::open_path(path, &opts)
                .await
                .with_context(|| format!("cannot open {}", path.display()))?,
        )
    } else {
        anyhow::bail!("the database URL must start with sqlite:// or postgres://");
    };
    store.migrate().await.context("migration failed")?;
    Ok(store)
}

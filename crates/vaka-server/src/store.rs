//! Opening the store named by a database URL.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use vaka_store::Store;
use vaka_store::sealed::Keyring;
use vaka_store_postgres::{PgOptions, PgStore};
use vaka_store_sqlite::{Durability, SqliteOptions, SqliteStore};

use crate::config::{Config, SqliteDurability};
use crate::{files, secrets};

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

/// Opens (and migrates) the store the configuration names, with the secrets key of the
/// configuration (created at first start); seals any secret still in clear.
pub async fn open(cfg: &Config) -> anyhow::Result<Arc<dyn Store>> {
    let (store, sealed) = open_with_keys(cfg, secrets::load(cfg)?.keys).await?;
    if sealed > 0 {
        tracing::info!(sealed, "sealed secrets under the current key");
    }
    Ok(store)
}

/// Opens (and migrates) the store with the given keys, then seals with the current key every
/// secret in clear or under an older key; returns the store and how many values were sealed.
pub async fn open_with_keys(cfg: &Config, keys: Keyring) -> anyhow::Result<(Arc<dyn Store>, u64)> {
    let url = cfg.database();
    let key_id = keys.current_id().unwrap_or("none").to_owned();
    let keys = Arc::new(keys);
    let store: Arc<dyn Store> = if is_postgres(cfg) {
        let opts = PgOptions {
            max_connections: cfg.pg_max_connections,
            secrets: keys,
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
            files::private_dir(dir)?;
        }
        files::private_sqlite(path)?;
        let opts = SqliteOptions {
            durability: match cfg.sqlite_durability {
                SqliteDurability::Normal => Durability::Normal,
                SqliteDurability::Full => Durability::Full,
            },
            wal_restart_frames: i64::from(cfg.sqlite_wal_restart_mib) * 256,
            secrets: keys,
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
    let sealed = store.reseal_secrets().await.with_context(|| {
        format!(
            "cannot seal the secrets in the database with key {key_id}: is the secrets key the \
             one this database was sealed with? (key file {} or {})",
            cfg.secrets_key_path().display(),
            secrets::KEY_ENV
        )
    })?;
    Ok((store, sealed))
}

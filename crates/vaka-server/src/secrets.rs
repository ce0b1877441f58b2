//! The secrets key: where it lives, its first creation, and its rotation.
//!
//! The store seals TOTP secrets and DC-09 keys with this key (`vaka_store::sealed`). It is kept
//! outside the database — `<data_dir>/keys/secrets.key` (mode 0600 in a 0700 directory) unless
//! `secrets_key_file` names another file, or the base64 text in `VAKA_SECRETS_KEY` — so that a
//! copy of the database alone reveals no secret. Back the key up separately from the database:
//! without it the sealed values cannot be opened (every account must enrol its second factor
//! again and every alarm unit gets a new AES key).
//!
//! Rotation (`vaka secrets rotate`) writes a new key as `secrets.key` and keeps the one before
//! as `secrets.key.old`; both are loaded at start, so a value sealed under either opens, and
//! the store seals every value again under the new key in one transaction. Once that is done
//! `secrets.key.old` is no longer needed (the next rotation replaces it).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use vaka_store::sealed::{Keyring, SecretKey};

use crate::config::Config;
use crate::files;

/// The environment variable holding the key as base64 text (instead of a file).
pub const KEY_ENV: &str = "VAKA_SECRETS_KEY";
/// With [`KEY_ENV`]: the key before a rotation, still read until every value is sealed again.
pub const OLD_KEY_ENV: &str = "VAKA_SECRETS_KEY_OLD";

/// Where the key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `VAKA_SECRETS_KEY`.
    Env,
    /// A key file.
    File(PathBuf),
}

fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The keys in effect: the keyring the store works with, where its current key comes from,
/// and that key.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub keys: Keyring,
    pub source: KeySource,
    pub current: SecretKey,
}

/// The keyring of the configuration: the key from `VAKA_SECRETS_KEY`, else from the key file
/// (created with a new key when missing), plus the key before the last rotation if kept.
pub fn load(cfg: &Config) -> anyhow::Result<Loaded> {
    load_from(cfg, &env_value)
}

/// [`load`] with the environment given (tests).
pub fn load_from(cfg: &Config, env: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Loaded> {
    if let Some(text) = env(KEY_ENV) {
        let current = SecretKey::from_base64(&text).context(KEY_ENV)?;
        let mut keys = Keyring::new(current.clone());
        if let Some(old) = env(OLD_KEY_ENV) {
            keys = keys.with_older(SecretKey::from_base64(&old).context(OLD_KEY_ENV)?);
        }
        return Ok(Loaded {
            keys,
            source: KeySource::Env,
            current,
        });
    }
    let path = cfg.secrets_key_path();
    let current = if path.exists() {
        read_key(&path)?
    } else {
        let key = SecretKey::generate();
        create_key_file(&path, &key)?;
        tracing::info!(path = %path.display(), key_id = key.id(), "created the secrets key file; back it up apart from the database");
        key
    };
    let mut keys = Keyring::new(current.clone());
    let old = old_path(&path);
    if old.exists() {
        keys = keys.with_older(read_key(&old)?);
    }
    Ok(Loaded {
        keys,
        source: KeySource::File(path),
        current,
    })
}

/// `secrets.key` → `secrets.key.old`.
pub fn old_path(path: &Path) -> PathBuf {
    with_suffix(path, ".old")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Reads a key file, refusing one that others than its owner may read.
fn read_key(path: &Path) -> anyhow::Result<SecretKey> {
    files::ensure_private(path)?;
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the secrets key {}", path.display()))?,
    );
    SecretKey::from_base64(&text).with_context(|| format!("secrets key {}", path.display()))
}

/// Writes a key to a new file (mode 0600; its directory 0700 when created), durably.
fn create_key_file(path: &Path, key: &SecretKey) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        files::private_dir(dir)?;
    }
    let mut f = files::create_private(path)?;
    f.write_all(format!("{}\n", key.to_base64().as_str()).as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write the secrets key {}", path.display()))?;
    files::sync_dir(path);
    Ok(())
}

/// Replaces `path` with a file holding `key`, atomically (a new file, then a rename).
fn replace_key_file(path: &Path, key: &SecretKey) -> anyhow::Result<()> {
    let tmp = with_suffix(path, ".new");
    if tmp.exists() {
        std::fs::remove_file(&tmp)
            .with_context(|| format!("cannot remove the stale {}", tmp.display()))?;
    }
    create_key_file(&tmp, key)?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot move {} to {}", tmp.display(), path.display()))?;
    files::sync_dir(path);
    Ok(())
}

/// What a rotation did.
#[derive(Debug)]
pub struct Rotation {
    pub old_id: String,
    pub new_id: String,
    /// Values sealed again under the new key.
    pub resealed: u64,
    /// With `VAKA_SECRETS_KEY`: the new key, which the operator must put there (the old one
    /// goes to `VAKA_SECRETS_KEY_OLD` until the next start has run).
    pub new_env_key: Option<zeroize::Zeroizing<String>>,
    /// With a key file: the file and the kept old key.
    pub files: Option<(PathBuf, PathBuf)>,
}

/// `vaka secrets rotate`: a new key, and every sealed value sealed again under it in one
/// transaction.
///
/// With a key file, the steps keep every value readable whatever moment a crash hits: (1) open
/// the store with the current keys, which seals anything still in clear or under the key before
/// (so `secrets.key.old` is free); (2) copy the current key to `secrets.key.old`; (3) write the
/// new key to `secrets.key.new` and rename it over `secrets.key`; (4) seal everything again
/// under the new key, in one transaction. After a crash between (3) and (4) the next start
/// loads both files and finishes (4) itself.
///
/// With `VAKA_SECRETS_KEY` the new key cannot be written for you: it is returned (and printed
/// by the command) to be set as `VAKA_SECRETS_KEY`, the old one as `VAKA_SECRETS_KEY_OLD`.
pub async fn rotate(
    cfg: &Config,
    announce_env_key: impl FnOnce(&str, &str),
) -> anyhow::Result<Rotation> {
    rotate_from(cfg, &env_value, announce_env_key).await
}

/// [`rotate`] with the environment given (tests).
pub async fn rotate_from(
    cfg: &Config,
    env: &dyn Fn(&str) -> Option<String>,
    announce_env_key: impl FnOnce(&str, &str),
) -> anyhow::Result<Rotation> {
    let Loaded {
        keys,
        source,
        current: old,
    } = load_from(cfg, env)?;
    // (1) Everything under the current key before the old file is replaced.
    let (store, _) = crate::store::open_with_keys(cfg, keys).await?;
    store.close().await;
    let new = SecretKey::generate();
    let (files, new_env_key) = match &source {
        KeySource::File(path) => {
            // (2) and (3).
            let old_file = old_path(path);
            replace_key_file(&old_file, &old)?;
            replace_key_file(path, &new)?;
            (Some((path.clone(), old_file)), None)
        }
        KeySource::Env => {
            let text = new.to_base64();
            announce_env_key(&text, new.id());
            (None, Some(text))
        }
    };
    // (4)
    let rotated = Keyring::new(new.clone()).with_older(old.clone());
    let (store, resealed) = crate::store::open_with_keys(cfg, rotated).await?;
    let services = vaka_service::Services::new(
        store.clone(),
        crate::serve::system_clock(),
        crate::serve::service_config(cfg),
    );
    let audited = services
        .cli_secrets_rotated(old.id(), new.id(), resealed)
        .await;
    store.close().await;
    audited.context("the key was rotated, but recording it in the audit log failed")?;
    Ok(Rotation {
        old_id: old.id().to_owned(),
        new_id: new.id().to_owned(),
        resealed,
        new_env_key,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(dir: &Path) -> Config {
        Config {
            data_dir: dir.join("data"),
            ..Config::default()
        }
    }

    #[test]
    fn the_environment_wins_over_the_key_file_and_no_file_is_made() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = cfg(dir.path());
        let key = SecretKey::generate();
        let old = SecretKey::generate();
        let text = key.to_base64().to_string();
        let old_text = old.to_base64().to_string();
        let env = |name: &str| match name {
            KEY_ENV => Some(text.clone()),
            OLD_KEY_ENV => Some(old_text.clone()),
            _ => None,
        };
        let loaded = load_from(&cfg, &env).unwrap();
        assert_eq!(loaded.source, KeySource::Env);
        assert_eq!(loaded.keys.current_id(), Some(key.id()));
        assert!(!cfg.secrets_key_path().exists());
        // The old key opens what it sealed.
        let row = uuid::Uuid::new_v4();
        let col = vaka_store::sealed::SecretColumn::TotpSecret;
        let sealed = Keyring::new(old).seal(col, row, "S").unwrap();
        assert_eq!(loaded.keys.open(col, row, &sealed).unwrap(), "S");
        let bad = |name: &str| (name == KEY_ENV).then(|| "short".to_owned());
        let err = load_from(&cfg, &bad).unwrap_err();
        assert!(format!("{err:#}").contains(KEY_ENV), "{err:#}");
    }

    #[test]
    fn the_key_file_is_made_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = cfg(dir.path());
        let none = |_: &str| None;
        let first = load_from(&cfg, &none).unwrap();
        assert_eq!(first.source, KeySource::File(cfg.secrets_key_path()));
        let again = load_from(&cfg, &none).unwrap();
        assert_eq!(again.current.id(), first.current.id());
        // `secrets_key_file` names another file.
        let elsewhere = Config {
            secrets_key_file: Some(dir.path().join("elsewhere.key")),
            ..cfg.clone()
        };
        let other = load_from(&elsewhere, &none).unwrap();
        assert_ne!(other.current.id(), first.current.id());
        assert!(dir.path().join("elsewhere.key").exists());
    }
}

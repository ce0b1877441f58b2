//! The staff app's devices (re-login by PIN on a phone that logged in fully before): the
//! record and its narrow read and write traits.

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;
use vaka_domain::ids::{AppDeviceId, UserId};

use crate::{DbInstant, StoreResult};

/// A device key as stored: hashes only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppDeviceRecord {
    pub id: AppDeviceId,
    pub user_id: UserId,
    /// SHA-256 of the key the phone keeps.
    pub key_hash: Vec<u8>,
    /// The PIN's password hash (Argon2id, PHC string).
    pub pin_hash: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    /// Wrong PINs since the last right one.
    pub failed_pins: u32,
    pub revoked_at: Option<Timestamp>,
}

#[derive(Debug)]
pub struct AppDeviceRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub key_hash: Vec<u8>,
    pub pin_hash: String,
    pub created_at: DbInstant,
    pub expires_at: DbInstant,
    pub last_used_at: Option<DbInstant>,
    pub failed_pins: i64,
    pub revoked_at: Option<DbInstant>,
}

impl From<AppDeviceRow> for AppDeviceRecord {
    fn from(r: AppDeviceRow) -> Self {
        Self {
            id: AppDeviceId(r.id),
            user_id: UserId(r.user_id),
            key_hash: r.key_hash,
            pin_hash: r.pin_hash,
            created_at: r.created_at.0,
            expires_at: r.expires_at.0,
            last_used_at: r.last_used_at.map(|t| t.0),
            failed_pins: u32::try_from(r.failed_pins.max(0)).unwrap_or(u32::MAX),
            revoked_at: r.revoked_at.map(|t| t.0),
        }
    }
}

#[async_trait]
pub trait AppDeviceRead: Send {
    async fn get_app_device(&mut self, id: AppDeviceId) -> StoreResult<Option<AppDeviceRecord>>;
}

#[async_trait]
pub trait AppDeviceWrite: AppDeviceRead {
    async fn insert_app_device(&mut self, d: &AppDeviceRecord) -> StoreResult<()>;
    /// A right PIN: the count of wrong ones starts again.
    async fn app_device_used(&mut self, id: AppDeviceId, at: DbInstant) -> StoreResult<()>;
    /// A wrong PIN: sets the count of wrong ones.
    async fn set_app_device_failures(&mut self, id: AppDeviceId, failed: u32) -> StoreResult<()>;
    /// Revokes one key (no error when it was revoked before).
    async fn revoke_app_device(&mut self, id: AppDeviceId, at: DbInstant) -> StoreResult<()>;
    /// Revokes every key of a user; returns how many were live.
    async fn revoke_user_app_devices(&mut self, user: UserId, at: DbInstant) -> StoreResult<u64>;
}

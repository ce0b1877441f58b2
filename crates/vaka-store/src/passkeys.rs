//! Passkeys (WebAuthn credentials) as a second factor, and the ceremonies under way: the
//! records and their narrow read and write traits.

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;
use vaka_domain::ids::{PasskeyChallengeId, PasskeyId, SessionId, UserId};

use crate::{DbInstant, StoreResult};

/// A passkey as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyRecord {
    pub id: PasskeyId,
    pub user_id: UserId,
    /// The name the user gave it ("Work laptop").
    pub name: String,
    /// The authenticator's credential id (raw bytes), unique across all accounts.
    pub credential_id: Vec<u8>,
    /// webauthn-rs's record of the credential as JSON: public key, counter, backup state.
    pub passkey: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

#[derive(Debug)]
pub struct PasskeyRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub credential_id: Vec<u8>,
    pub passkey: String,
    pub created_at: DbInstant,
    pub last_used_at: Option<DbInstant>,
}

impl From<PasskeyRow> for PasskeyRecord {
    fn from(r: PasskeyRow) -> Self {
        Self {
            id: PasskeyId(r.id),
            user_id: UserId(r.user_id),
            name: r.name,
            credential_id: r.credential_id,
            passkey: r.passkey,
            created_at: r.created_at.0,
            last_used_at: r.last_used_at.map(|t| t.0),
        }
    }
}

/// A passkey ceremony under way, bound to the session that started it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyChallengeRecord {
    pub id: PasskeyChallengeId,
    pub user_id: UserId,
    pub session_id: SessionId,
    /// `register` or `authenticate`.
    pub purpose: String,
    /// webauthn-rs's state of the ceremony as JSON.
    pub state: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Debug)]
pub struct PasskeyChallengeRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub purpose: String,
    pub state: String,
    pub created_at: DbInstant,
    pub expires_at: DbInstant,
}

impl From<PasskeyChallengeRow> for PasskeyChallengeRecord {
    fn from(r: PasskeyChallengeRow) -> Self {
        Self {
            id: PasskeyChallengeId(r.id),
            user_id: UserId(r.user_id),
            session_id: SessionId(r.session_id),
            purpose: r.purpose,
            state: r.state,
            created_at: r.created_at.0,
            expires_at: r.expires_at.0,
        }
    }
}

#[async_trait]
pub trait PasskeyRead: Send {
    /// A user's passkeys, oldest first.
    async fn list_passkeys(&mut self, user: UserId) -> StoreResult<Vec<PasskeyRecord>>;
}

#[async_trait]
pub trait PasskeyWrite: PasskeyRead {
    /// A new passkey; a credential enrolled before (by anyone) is a `Conflict`.
    async fn insert_passkey(&mut self, p: &PasskeyRecord) -> StoreResult<()>;
    /// Renames one of the user's passkeys; `false` when the user has no such passkey.
    async fn rename_passkey(
        &mut self,
        user: UserId,
        id: PasskeyId,
        name: &str,
    ) -> StoreResult<bool>;
    /// Removes one of the user's passkeys; `false` when the user has no such passkey.
    async fn delete_passkey(&mut self, user: UserId, id: PasskeyId) -> StoreResult<bool>;
    /// A passkey proved a challenge: its updated record (counter, backup state) and when.
    async fn passkey_used(
        &mut self,
        id: PasskeyId,
        passkey: &str,
        at: DbInstant,
    ) -> StoreResult<()>;
    /// Removes every passkey of a user (an administrator's reset of the second factor).
    async fn delete_user_passkeys(&mut self, user: UserId) -> StoreResult<u64>;
    /// Keeps a ceremony's challenge; challenges expired before `c.created_at` go at the same
    /// time (those of abandoned ceremonies).
    async fn insert_passkey_challenge(&mut self, c: &PasskeyChallengeRecord) -> StoreResult<()>;
    /// Takes (reads and deletes) the challenge `id` if it belongs to this user and session:
    /// a challenge is answered once. Expiry is the caller's to check.
    async fn take_passkey_challenge(
        &mut self,
        id: PasskeyChallengeId,
        user: UserId,
        session: SessionId,
    ) -> StoreResult<Option<PasskeyChallengeRecord>>;
}

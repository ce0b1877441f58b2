//! Logins through an OpenID Connect provider under way (state, nonce, PKCE verifier), and
//! finding the account a provider names by its HSA-id.

use async_trait::async_trait;
use jiff::Timestamp;
use vaka_domain::directory::UserAccount;

use crate::{DbInstant, StoreResult};

/// A login sent to a provider, until the browser returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcLoginRecord {
    /// SHA-256 of the `state` sent to the provider.
    pub state_hash: Vec<u8>,
    pub provider: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// The page to go to once logged in (a local path).
    pub next_path: Option<String>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// A step-up: the session whose second factor the return renews (`None`: a login).
    pub step_up_session: Option<uuid::Uuid>,
}

#[derive(Debug)]
pub struct OidcLoginRow {
    pub state_hash: Vec<u8>,
    pub provider: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next_path: Option<String>,
    pub created_at: DbInstant,
    pub expires_at: DbInstant,
    pub step_up_session: Option<uuid::Uuid>,
}

impl From<OidcLoginRow> for OidcLoginRecord {
    fn from(r: OidcLoginRow) -> Self {
        Self {
            state_hash: r.state_hash,
            provider: r.provider,
            nonce: r.nonce,
            pkce_verifier: r.pkce_verifier,
            next_path: r.next_path,
            created_at: r.created_at.0,
            expires_at: r.expires_at.0,
            step_up_session: r.step_up_session,
        }
    }
}

#[async_trait]
pub trait OidcRead: Send {
    /// The account with this HSA-id (stored upper-case), whatever its status.
    async fn get_user_by_hsa_id(&mut self, hsa_id: &str) -> StoreResult<Option<UserAccount>>;
}

#[async_trait]
pub trait OidcWrite: OidcRead {
    async fn insert_oidc_login(&mut self, l: &OidcLoginRecord) -> StoreResult<()>;
    /// Takes the login with this state: returns it and deletes it, so that it is used once.
    async fn take_oidc_login(&mut self, state_hash: &[u8]) -> StoreResult<Option<OidcLoginRecord>>;
    /// Removes the logins that expired before `now`; returns how many.
    async fn delete_expired_oidc_logins(&mut self, now: DbInstant) -> StoreResult<u64>;
}

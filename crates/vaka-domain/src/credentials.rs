//! Sessions and API tokens as recorded: what authenticates a request besides a password.

use jiff::Timestamp;

use crate::auth::SessionStage;
use crate::ids::{ApiTokenId, SessionId, UserId};

/// A login session (the cookie's side on the server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: SessionId,
    /// SHA-256 of the cookie value; the value itself is never stored.
    pub token_hash: Vec<u8>,
    pub user_id: UserId,
    pub stage: SessionStage,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    /// When the session last proved its second factor (at the login's code step, at
    /// enrolment, or again before a sensitive action); `None` if it never did.
    pub second_factor_at: Option<Timestamp>,
}

/// A bearer token of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: ApiTokenId,
    pub user_id: UserId,
    pub name: String,
    /// SHA-256 of the token; the token itself is shown once and never stored.
    pub token_hash: Vec<u8>,
    pub created_at: Timestamp,
    pub created_by: Option<UserId>,
    pub last_used_at: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

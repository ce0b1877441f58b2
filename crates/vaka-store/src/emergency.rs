//! The storage contract of emergency access (`vaka_domain::emergency_access`).

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;
use vaka_domain::emergency_access::EmergencyAccess;
use vaka_domain::ids::{ClientId, UserId};

use crate::StoreResult;

#[async_trait]
pub trait EmergencyRead: Send {
    /// The user's emergency access to the client open at `at`, if any (the latest opened).
    async fn open_emergency_access(
        &mut self,
        user: UserId,
        client: ClientId,
        at: Timestamp,
    ) -> StoreResult<Option<EmergencyAccess>>;
    /// The user's emergency accesses that end after `since`, newest first.
    async fn list_emergency_accesses(
        &mut self,
        user: UserId,
        since: Timestamp,
    ) -> StoreResult<Vec<EmergencyAccess>>;
}

#[async_trait]
pub trait EmergencyWrite: Send {
    async fn insert_emergency_access(&mut self, access: &EmergencyAccess) -> StoreResult<()>;
    /// Ends the user's access `id` at `at` if it is still open then; false otherwise.
    async fn end_emergency_access(
        &mut self,
        id: Uuid,
        user: UserId,
        at: Timestamp,
    ) -> StoreResult<bool>;
}

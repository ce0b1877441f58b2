// Emergency access: the hour a user outside a client's need-to-know may read the record.
// Included by the backend crates; see README.md.

use jiff::Timestamp;
use vaka_domain::emergency_access::EmergencyAccess;
use vaka_domain::ids::{ClientId, UserId};
use vaka_store::{EmergencyRead, EmergencyWrite};

type AccessRow = (Uuid, Uuid, Uuid, String, DbInstant, DbInstant);

fn access(r: AccessRow) -> EmergencyAccess {
    let (id, user_id, client_id, reason, opened_at, ends_at) = r;
    EmergencyAccess {
        id,
        user_id: UserId(user_id),
        client_id: ClientId(client_id),
        reason,
        opened_at: opened_at.into(),
        ends_at: ends_at.into(),
    }
}

#[async_trait::async_trait]
impl EmergencyRead for SqlTx {
    async fn open_emergency_access(
        &mut self,
        user: UserId,
        client: ClientId,
        at: Timestamp,
    ) -> StoreResult<Option<EmergencyAccess>> {
        let row = sqlx::query_as::<_, AccessRow>(
            "SELECT id, user_id, client_id, reason, opened_at, ends_at FROM emergency_access
             WHERE user_id = $1 AND client_id = $2 AND ends_at > $3 AND opened_at <= $3
             ORDER BY opened_at DESC LIMIT 1",
        )
        .bind(user.0)
        .bind(client.0)
        .bind(DbInstant::new(at))
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(row.map(access))
    }

    async fn list_emergency_accesses(
        &mut self,
        user: UserId,
        since: Timestamp,
    ) -> StoreResult<Vec<EmergencyAccess>> {
        let rows = sqlx::query_as::<_, AccessRow>(
            "SELECT id, user_id, client_id, reason, opened_at, ends_at FROM emergency_access
             WHERE user_id = $1 AND ends_at > $2 ORDER BY opened_at DESC LIMIT 100",
        )
        .bind(user.0)
        .bind(DbInstant::new(since))
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(rows.into_iter().map(access).collect())
    }
}

#[async_trait::async_trait]
impl EmergencyWrite for SqlTx {
    async fn insert_emergency_access(&mut self, a: &EmergencyAccess) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO emergency_access (id, user_id, client_id, reason, opened_at, ends_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(a.id)
        .bind(a.user_id.0)
        .bind(a.client_id.0)
        .bind(&a.reason)
        .bind(DbInstant::new(a.opened_at))
        .bind(DbInstant::new(a.ends_at))
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn end_emergency_access(
        &mut self,
        id: Uuid,
        user: UserId,
        at: Timestamp,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE emergency_access SET ends_at = $3
             WHERE id = $1 AND user_id = $2 AND ends_at > $3 AND opened_at <= $3",
        )
        .bind(id)
        .bind(user.0)
        .bind(DbInstant::new(at))
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected() > 0)
    }
}

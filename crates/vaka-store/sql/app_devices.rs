// The staff app's device keys. Included by the backend crates; see README.md.

use vaka_domain::ids::AppDeviceId;
use vaka_store::{AppDeviceRead, AppDeviceRecord, AppDeviceRow, AppDeviceWrite};

#[async_trait::async_trait]
impl AppDeviceRead for SqlTx {
    async fn get_app_device(&mut self, id: AppDeviceId) -> StoreResult<Option<AppDeviceRecord>> {
        Ok(sqlx::query_as!(
            AppDeviceRow,
            r#"SELECT id as "id!: Uuid", user_id as "user_id!: Uuid", key_hash as "key_hash!: Vec<u8>",
                      pin_hash as "pin_hash!", created_at as "created_at!: DbInstant",
                      expires_at as "expires_at!: DbInstant", last_used_at as "last_used_at?: DbInstant",
                      failed_pins as "failed_pins!: i64", revoked_at as "revoked_at?: DbInstant"
               FROM app_devices WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .map(AppDeviceRecord::from))
    }
}

#[async_trait::async_trait]
impl AppDeviceWrite for SqlTx {
    async fn insert_app_device(&mut self, d: &AppDeviceRecord) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO app_devices (id, user_id, key_hash, pin_hash, created_at, expires_at, failed_pins)
             VALUES ($1, $2, $3, $4, $5, $6, 0)",
            d.id.0,
            d.user_id.0,
            d.key_hash,
            d.pin_hash,
            DbInstant::new(d.created_at),
            DbInstant::new(d.expires_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn app_device_used(&mut self, id: AppDeviceId, at: DbInstant) -> StoreResult<()> {
        sqlx::query!(
            "UPDATE app_devices SET last_used_at = $2, failed_pins = 0 WHERE id = $1",
            id.0,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn set_app_device_failures(&mut self, id: AppDeviceId, failed: u32) -> StoreResult<()> {
        let failed = i64::from(failed);
        sqlx::query!(
            "UPDATE app_devices SET failed_pins = $2 WHERE id = $1",
            id.0,
            failed,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn revoke_app_device(&mut self, id: AppDeviceId, at: DbInstant) -> StoreResult<()> {
        sqlx::query!(
            "UPDATE app_devices SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            id.0,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn revoke_user_app_devices(&mut self, user: UserId, at: DbInstant) -> StoreResult<u64> {
        let done = sqlx::query!(
            "UPDATE app_devices SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
            user.0,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected())
    }
}

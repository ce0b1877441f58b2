// Passkeys and their ceremonies. Included by the backend crates; see README.md.

use vaka_domain::ids::{PasskeyChallengeId, PasskeyId, SessionId};
use vaka_store::{
    PasskeyChallengeRecord, PasskeyChallengeRow, PasskeyRead, PasskeyRecord, PasskeyRow,
    PasskeyWrite,
};

#[async_trait::async_trait]
impl PasskeyRead for SqlTx {
    async fn list_passkeys(&mut self, user: UserId) -> StoreResult<Vec<PasskeyRecord>> {
        Ok(sqlx::query_as!(
            PasskeyRow,
            r#"SELECT id as "id!: Uuid", user_id as "user_id!: Uuid", name as "name!",
                      credential_id as "credential_id!: Vec<u8>", passkey as "passkey!",
                      created_at as "created_at!: DbInstant",
                      last_used_at as "last_used_at?: DbInstant"
               FROM passkeys WHERE user_id = $1 ORDER BY created_at, id"#,
            user.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .into_iter()
        .map(PasskeyRecord::from)
        .collect())
    }
}

#[async_trait::async_trait]
impl PasskeyWrite for SqlTx {
    async fn insert_passkey(&mut self, p: &PasskeyRecord) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO passkeys (id, user_id, name, credential_id, passkey, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            p.id.0,
            p.user_id.0,
            p.name,
            p.credential_id,
            p.passkey,
            DbInstant::new(p.created_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn rename_passkey(
        &mut self,
        user: UserId,
        id: PasskeyId,
        name: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query!(
            "UPDATE passkeys SET name = $3 WHERE id = $1 AND user_id = $2",
            id.0,
            user.0,
            name,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_passkey(&mut self, user: UserId, id: PasskeyId) -> StoreResult<bool> {
        let done = sqlx::query!(
            "DELETE FROM passkeys WHERE id = $1 AND user_id = $2",
            id.0,
            user.0,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn passkey_used(
        &mut self,
        id: PasskeyId,
        passkey: &str,
        at: DbInstant,
    ) -> StoreResult<()> {
        sqlx::query!(
            "UPDATE passkeys SET passkey = $2, last_used_at = $3 WHERE id = $1",
            id.0,
            passkey,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn delete_user_passkeys(&mut self, user: UserId) -> StoreResult<u64> {
        let done = sqlx::query!("DELETE FROM passkeys WHERE user_id = $1", user.0)
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        Ok(done.rows_affected())
    }

    async fn insert_passkey_challenge(&mut self, c: &PasskeyChallengeRecord) -> StoreResult<()> {
        let now = DbInstant::new(c.created_at);
        sqlx::query!("DELETE FROM passkey_challenges WHERE expires_at < $1", now,)
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        sqlx::query!(
            "INSERT INTO passkey_challenges
                 (id, user_id, session_id, purpose, state, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            c.id.0,
            c.user_id.0,
            c.session_id.0,
            c.purpose,
            c.state,
            now,
            DbInstant::new(c.expires_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn take_passkey_challenge(
        &mut self,
        id: PasskeyChallengeId,
        user: UserId,
        session: SessionId,
    ) -> StoreResult<Option<PasskeyChallengeRecord>> {
        Ok(sqlx::query_as!(
            PasskeyChallengeRow,
            r#"DELETE FROM passkey_challenges
               WHERE id = $1 AND user_id = $2 AND session_id = $3
               RETURNING id as "id!: Uuid", user_id as "user_id!: Uuid",
                         session_id as "session_id!: Uuid", purpose as "purpose!",
                         state as "state!", created_at as "created_at!: DbInstant",
                         expires_at as "expires_at!: DbInstant""#,
            id.0,
            user.0,
            session.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .map(PasskeyChallengeRecord::from))
    }
}

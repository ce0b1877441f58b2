// Credentials, sessions and API tokens. Included by the backend crates; see README.md.

use vaka_domain::auth::SessionStage;
use vaka_domain::ids::{ApiTokenId, SessionId};
use vaka_store::{
    ApiTokenRecord, ApiTokenRow, AuthRead, AuthWrite, Credentials, CredentialsRow, PrincipalRows,
    SessionRecord, SessionRow, TokenPrincipalRow,
};

#[async_trait::async_trait]
impl AuthRead for SqlTx {
    async fn get_credentials(&mut self, user: UserId) -> StoreResult<Option<Credentials>> {
        sqlx::query_as!(
            CredentialsRow,
            r#"SELECT password_hash as "password_hash?", must_change_password as "must_change_password!: bool",
                      totp_secret as "totp_secret?", (totp_enabled_at IS NOT NULL) as "totp_enabled!: bool",
                      totp_last_step as "totp_last_step?: i64", failed_logins as "failed_logins!: i64",
                      locked_until as "locked_until?: DbInstant"
               FROM users WHERE id = $1"#,
            user.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .map(|mut r| {
            r.totp_secret = self.secrets.open_opt(
                vaka_store::sealed::SecretColumn::TotpSecret,
                user.0,
                r.totp_secret,
            )?;
            Ok(Credentials::from(r))
        })
        .transpose()
    }

    async fn count_recovery_codes(&mut self, user: UserId) -> StoreResult<i64> {
        let r = sqlx::query!(
            r#"SELECT count(*) as "n!: i64" FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL"#,
            user.0,
        )
        .fetch_one(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(r.n)
    }

    async fn get_session_by_token(
        &mut self,
        token_hash: &[u8],
    ) -> StoreResult<Option<SessionRecord>> {
        sqlx::query_as!(
            SessionRow,
            r#"SELECT id as "id!: Uuid", token_hash as "token_hash!: Vec<u8>", user_id as "user_id!: Uuid",
                      stage as "stage!", csrf_token as "csrf_token!", created_at as "created_at!: DbInstant",
                      last_seen_at as "last_seen_at!: DbInstant", source_ip as "source_ip?",
                      user_agent as "user_agent?", second_factor_at as "second_factor_at?: DbInstant"
               FROM sessions WHERE token_hash = $1"#,
            token_hash,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn get_session(&mut self, id: SessionId) -> StoreResult<Option<SessionRecord>> {
        sqlx::query_as!(
            SessionRow,
            r#"SELECT id as "id!: Uuid", token_hash as "token_hash!: Vec<u8>", user_id as "user_id!: Uuid",
                      stage as "stage!", csrf_token as "csrf_token!", created_at as "created_at!: DbInstant",
                      last_seen_at as "last_seen_at!: DbInstant", source_ip as "source_ip?",
                      user_agent as "user_agent?", second_factor_at as "second_factor_at?: DbInstant"
               FROM sessions WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn count_user_sessions(&mut self, user: UserId) -> StoreResult<i64> {
        let r = sqlx::query!(
            r#"SELECT count(*) as "n!: i64" FROM sessions WHERE user_id = $1"#,
            user.0,
        )
        .fetch_one(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(r.n)
    }

    async fn get_api_token_by_hash(&mut self, hash: &[u8]) -> StoreResult<Option<ApiTokenRecord>> {
        Ok(sqlx::query_as!(
            ApiTokenRow,
            r#"SELECT id as "id!: Uuid", user_id as "user_id!: Uuid", name as "name!",
                      token_hash as "token_hash!: Vec<u8>", created_at as "created_at!: DbInstant",
                      created_by as "created_by?: Uuid", last_used_at as "last_used_at?: DbInstant",
                      expires_at as "expires_at?: DbInstant", revoked_at as "revoked_at?: DbInstant"
               FROM api_tokens WHERE token_hash = $1"#,
            hash,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .map(ApiTokenRecord::from))
    }

    async fn load_token_principal(
        &mut self,
        hash: &[u8],
    ) -> StoreResult<Option<(ApiTokenRecord, PrincipalRows)>> {
        let rows = sqlx::query_as!(
            TokenPrincipalRow,
            r#"SELECT t.id as "token_id!: Uuid", t.name as "token_name!", t.token_hash as "token_hash!: Vec<u8>",
                      t.created_at as "token_created_at!: DbInstant", t.created_by as "token_created_by?: Uuid",
                      t.last_used_at as "token_last_used_at?: DbInstant", t.expires_at as "token_expires_at?: DbInstant",
                      t.revoked_at as "token_revoked_at?: DbInstant",
                      u.id as "id!: Uuid", u.username as "username!", u.display_name as "display_name!",
                      u.email as "email!", u.hsa_id as "hsa_id?", u.organisation_id as "organisation_id!: Uuid",
                      u.status as "status!", (u.totp_enabled_at IS NOT NULL) as "totp_enabled!: bool",
                      u.created_at as "created_at!: DbInstant", u.last_login_at as "last_login_at?: DbInstant",
                      u.requested_by as "requested_by?: Uuid", u.decided_by as "decided_by?: Uuid",
                      u.decided_at as "decided_at?: DbInstant", u.deactivated_at as "deactivated_at?: DbInstant",
                      ra.id as "ra_id?: Uuid", ra.role as "ra_role?", ra.organisation_id as "ra_org?: Uuid",
                      o.kind as "ra_org_kind?", ra.unit_id as "ra_unit?: Uuid",
                      c.covered_unit_id as "covered_unit?: Uuid"
               FROM api_tokens t
               JOIN users u ON u.id = t.user_id
               LEFT JOIN role_assignments ra ON ra.user_id = u.id
               LEFT JOIN organisations o ON o.id = ra.organisation_id
               LEFT JOIN unit_coverage c ON c.unit_id = ra.unit_id
               WHERE t.token_hash = $1
               ORDER BY ra.granted_at, ra.id"#,
            hash,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        TokenPrincipalRow::fold(rows)
    }

    async fn list_api_tokens(&mut self, user: UserId) -> StoreResult<Vec<ApiTokenRecord>> {
        Ok(sqlx::query_as!(
            ApiTokenRow,
            r#"SELECT id as "id!: Uuid", user_id as "user_id!: Uuid", name as "name!",
                      token_hash as "token_hash!: Vec<u8>", created_at as "created_at!: DbInstant",
                      created_by as "created_by?: Uuid", last_used_at as "last_used_at?: DbInstant",
                      expires_at as "expires_at?: DbInstant", revoked_at as "revoked_at?: DbInstant"
               FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC"#,
            user.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .into_iter()
        .map(ApiTokenRecord::from)
        .collect())
    }
}

#[async_trait::async_trait]
impl AuthWrite for SqlTx {
    async fn set_password(
        &mut self,
        user: UserId,
        hash: &str,
        must_change: bool,
        at: DbInstant,
    ) -> StoreResult<()> {
        let done = sqlx::query!(
            "UPDATE users SET password_hash = $2, must_change_password = $3, password_changed_at = $4
             WHERE id = $1",
            user.0,
            hash,
            must_change,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn record_login_failure(
        &mut self,
        user: UserId,
        failed_logins: u32,
        locked_until: Option<DbInstant>,
    ) -> StoreResult<()> {
        sqlx::query!(
            "UPDATE users SET failed_logins = $2, locked_until = $3 WHERE id = $1",
            user.0,
            i64::from(failed_logins),
            locked_until,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn record_login_success(&mut self, user: UserId, at: DbInstant) -> StoreResult<()> {
        sqlx::query!(
            "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $2 WHERE id = $1",
            user.0,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn set_totp_pending(&mut self, user: UserId, secret: Option<&str>) -> StoreResult<()> {
        let secret =
            self.secrets
                .seal_opt(vaka_store::sealed::SecretColumn::TotpSecret, user.0, secret)?;
        sqlx::query!(
            "UPDATE users SET totp_secret = $2, totp_enabled_at = NULL, totp_last_step = NULL
             WHERE id = $1",
            user.0,
            secret,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn enable_totp(&mut self, user: UserId, at: DbInstant, step: i64) -> StoreResult<()> {
        let done = sqlx::query!(
            "UPDATE users SET totp_enabled_at = $2, totp_last_step = $3
             WHERE id = $1 AND totp_secret IS NOT NULL",
            user.0,
            at,
            step,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn set_totp_last_step(&mut self, user: UserId, step: i64) -> StoreResult<()> {
        sqlx::query!(
            "UPDATE users SET totp_last_step = $2 WHERE id = $1",
            user.0,
            step
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn replace_recovery_codes(&mut self, user: UserId, hashes: &[String]) -> StoreResult<()> {
        sqlx::query!("DELETE FROM recovery_codes WHERE user_id = $1", user.0)
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        for h in hashes {
            sqlx::query!(
                "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)",
                user.0,
                h,
            )
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        }
        Ok(())
    }

    async fn use_recovery_code(
        &mut self,
        user: UserId,
        hash: &str,
        at: DbInstant,
    ) -> StoreResult<bool> {
        let done = sqlx::query!(
            "UPDATE recovery_codes SET used_at = $3
             WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
            user.0,
            hash,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn insert_session(&mut self, s: &SessionRecord) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO sessions (id, token_hash, user_id, stage, csrf_token, created_at, last_seen_at,
                 source_ip, user_agent, second_factor_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            s.id.0,
            s.token_hash,
            s.user_id.0,
            s.stage.code(),
            s.csrf_token,
            DbInstant::new(s.created_at),
            DbInstant::new(s.last_seen_at),
            s.source_ip,
            s.user_agent,
            s.second_factor_at.map(DbInstant::new),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn step_up_session(
        &mut self,
        id: SessionId,
        stage: SessionStage,
        token_hash: &[u8],
    ) -> StoreResult<()> {
        sqlx::query!(
            "UPDATE sessions SET stage = $2, token_hash = $3 WHERE id = $1",
            id.0,
            stage.code(),
            token_hash
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn prove_second_factor(&mut self, id: SessionId, at: DbInstant) -> StoreResult<()> {
        sqlx::query!(
            "UPDATE sessions SET second_factor_at = $2 WHERE id = $1",
            id.0,
            at
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn touch_session(&mut self, id: SessionId, at: DbInstant) -> StoreResult<()> {
        sqlx::query!(
            "UPDATE sessions SET last_seen_at = $2 WHERE id = $1",
            id.0,
            at
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn delete_session(&mut self, id: SessionId) -> StoreResult<()> {
        sqlx::query!("DELETE FROM sessions WHERE id = $1", id.0)
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn delete_user_sessions(&mut self, user: UserId) -> StoreResult<u64> {
        let done = sqlx::query!("DELETE FROM sessions WHERE user_id = $1", user.0)
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        Ok(done.rows_affected())
    }

    async fn insert_api_token(&mut self, t: &ApiTokenRecord) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, created_by, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            t.id.0,
            t.user_id.0,
            t.name,
            t.token_hash,
            DbInstant::new(t.created_at),
            t.created_by.map(|u| u.0),
            t.expires_at.map(DbInstant::new),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn touch_api_token(&mut self, id: ApiTokenId, at: DbInstant) -> StoreResult<()> {
        sqlx::query!(
            "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1",
            id.0,
            at
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn revoke_api_token(&mut self, id: ApiTokenId, at: DbInstant) -> StoreResult<()> {
        let done = sqlx::query!(
            "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            id.0,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn revoke_user_tokens(&mut self, user: UserId, at: DbInstant) -> StoreResult<u64> {
        let done = sqlx::query!(
            "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
            user.0,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected())
    }
}

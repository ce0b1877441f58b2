// Logins through an OpenID Connect provider under way. Included by the backend crates; see
// README.md.

use vaka_domain::directory::UserAccount;
use vaka_store::oidc::OidcLoginRow;
use vaka_store::{OidcLoginRecord, OidcRead, OidcWrite, UserRow};

#[async_trait::async_trait]
impl OidcRead for SqlTx {
    async fn get_user_by_hsa_id(&mut self, hsa_id: &str) -> StoreResult<Option<UserAccount>> {
        sqlx::query_as!(
            UserRow,
            r#"SELECT id as "id!: Uuid", username as "username!", display_name as "display_name!",
                      email as "email!", hsa_id as "hsa_id?", organisation_id as "organisation_id!: Uuid",
                      status as "status!", (totp_enabled_at IS NOT NULL) as "totp_enabled!: bool",
                      created_at as "created_at!: DbInstant", last_login_at as "last_login_at?: DbInstant",
                      requested_by as "requested_by?: Uuid", decided_by as "decided_by?: Uuid",
                      decided_at as "decided_at?: DbInstant", deactivated_at as "deactivated_at?: DbInstant"
               FROM users WHERE hsa_id = $1"#,
            hsa_id,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }
}

#[async_trait::async_trait]
impl OidcWrite for SqlTx {
    async fn insert_oidc_login(&mut self, l: &OidcLoginRecord) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO oidc_logins (state_hash, provider, nonce, pkce_verifier, next_path,
                                      created_at, expires_at, step_up_session)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            l.state_hash,
            l.provider,
            l.nonce,
            l.pkce_verifier,
            l.next_path,
            DbInstant::new(l.created_at),
            DbInstant::new(l.expires_at),
            l.step_up_session,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn take_oidc_login(&mut self, state_hash: &[u8]) -> StoreResult<Option<OidcLoginRecord>> {
        Ok(sqlx::query_as!(
            OidcLoginRow,
            r#"DELETE FROM oidc_logins WHERE state_hash = $1
               RETURNING state_hash as "state_hash!: Vec<u8>", provider as "provider!",
                         nonce as "nonce!", pkce_verifier as "pkce_verifier!",
                         next_path as "next_path?", created_at as "created_at!: DbInstant",
                         expires_at as "expires_at!: DbInstant",
                         step_up_session as "step_up_session?: Uuid""#,
            state_hash,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .map(OidcLoginRecord::from))
    }

    async fn delete_expired_oidc_logins(&mut self, now: DbInstant) -> StoreResult<u64> {
        let done = sqlx::query!("DELETE FROM oidc_logins WHERE expires_at < $1", now)
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        Ok(done.rows_affected())
    }
}

//! Bearer tokens: issuing them, and resolving one on a request (its use is audited).

use jiff::Timestamp;
use vaka_domain::access::Credential;
use vaka_domain::audit::AuditAction;
use vaka_domain::ids::{ApiTokenId, UserId};
use vaka_store::{ApiTokenRecord, DbInstant, WriteTx};

use super::{Authenticated, IssuedToken, principal_of, unaudited};
use crate::door::Work;
use crate::secrets::{random_token, sha256};
use crate::{Ctx, RequestMeta, ServiceError, ServiceResult, Services};

/// Prefix of every API token, so that leaked tokens are easy to recognise (secret scanning).
pub const API_TOKEN_PREFIX: &str = "vaka_";

/// The care context of the use of a token.
const INTEGRATION: &str = "integration";

impl Services {
    /// Resolves a bearer token. Its use is audited (coalesced per token, see `ServiceConfig`).
    pub async fn authenticate_token(
        &self,
        token: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Authenticated> {
        if !token.starts_with(API_TOKEN_PREFIX) {
            return Err(ServiceError::Unauthenticated);
        }
        let hash = sha256(token.as_bytes());
        let (found, now) = self
            .door
            .read(unaudited(), async |r| {
                Ok((r.load_token_principal(&hash).await?, r.now()))
            })
            .await?;
        let (record, rows) = found.ok_or(ServiceError::Unauthenticated)?;
        if record.revoked_at.is_some()
            || record.expires_at.is_some_and(|e| now >= e)
            || !rows.user.status.can_log_in()
        {
            return Err(ServiceError::Unauthenticated);
        }
        let principal = principal_of(rows, Credential::Token(record.id));
        let due = record
            .last_used_at
            .is_none_or(|last| now.duration_since(last) >= self.config.token_use_audit_every);
        if due {
            let ctx = Ctx::new(&principal, meta);
            self.door
                .change(ctx.op(AuditAction::TokenUsed, INTEGRATION), async |w| {
                    let now = DbInstant::new(w.now());
                    w.touch_api_token(record.id, now).await?;
                    w.succeeded(None, |e| e.subject("token", record.id));
                    Ok(())
                })
                .await?;
        }
        Ok(Authenticated {
            principal,
            session: None,
        })
    }

    /// Issues a bearer token for `user` (used by `vaka token create` and by administrators).
    pub(crate) async fn issue_token(
        &self,
        tx: &mut dyn WriteTx,
        user: UserId,
        name: &str,
        created_by: Option<UserId>,
        expires_at: Option<Timestamp>,
    ) -> ServiceResult<IssuedToken> {
        let token = format!("{API_TOKEN_PREFIX}{}", random_token());
        let id = ApiTokenId::new();
        tx.insert_api_token(&ApiTokenRecord {
            id,
            user_id: user,
            name: name.to_owned(),
            token_hash: sha256(token.as_bytes()),
            created_at: self.now(),
            created_by,
            last_used_at: None,
            expires_at,
            revoked_at: None,
        })
        .await?;
        Ok(IssuedToken { id, token })
    }
}

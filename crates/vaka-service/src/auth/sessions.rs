//! Sessions: resolving a cookie on every request, and logging out.

use vaka_domain::access::Credential;
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_store::DbInstant;

use super::{Authenticated, LOGIN, PROFILE, load_principal, principal_of, proven, unaudited};
use crate::door::{Op, Work};
use crate::secrets::sha256;
use crate::{Ctx, RequestMeta, ServiceResult, Services};

impl Services {
    /// Resolves a session cookie. Expired sessions are removed; sessions of accounts that can
    /// no longer log in die at once.
    pub async fn authenticate_session(&self, token: &str) -> ServiceResult<Option<Authenticated>> {
        let hash = sha256(token.as_bytes());
        let found = self
            .door
            .read(unaudited(), async |r| {
                let Some(session) = r.get_session_by_token(&hash).await? else {
                    return Ok(None);
                };
                let rows = r.load_principal_rows(session.user_id).await?;
                Ok(Some((session, rows, r.now())))
            })
            .await?;
        let Some((session, rows, now)) = found else {
            return Ok(None);
        };
        let alive = rows.as_ref().is_some_and(|r| r.user.status.can_log_in())
            && !self.config.sessions.is_expired(
                session.stage,
                session.created_at,
                session.last_seen_at,
                now,
            );
        let (true, Some(rows)) = (alive, rows) else {
            self.door
                .change(unaudited(), async |w| {
                    w.delete_session(session.id).await?;
                    Ok(())
                })
                .await?;
            return Ok(None);
        };
        let principal = principal_of(rows, Credential::Session(session.id));
        if now.duration_since(session.last_seen_at) >= self.config.session_touch_every {
            self.door
                .change(unaudited(), async |w| {
                    let now = DbInstant::new(w.now());
                    w.touch_session(session.id, now).await?;
                    Ok(())
                })
                .await?;
        }
        Ok(Some(Authenticated {
            principal,
            session: Some(session),
        }))
    }

    pub async fn logout(&self, token: &str, meta: &RequestMeta) -> ServiceResult<()> {
        let hash = sha256(token.as_bytes());
        self.door
            .change(Op::anonymous(meta, AuditAction::Logout, LOGIN), async |w| {
                let Some(session) = w.get_session_by_token(&hash).await? else {
                    return Ok(());
                };
                w.delete_session(session.id).await?;
                if let Some(user) = w.get_user(session.user_id).await? {
                    let principal =
                        load_principal(&mut **w, &user, Credential::Session(session.id)).await?;
                    let e = proven(w.entry(Outcome::Success, None), &principal);
                    w.record(e);
                }
                Ok(())
            })
            .await
    }

    /// Ends every session of the caller, on every device.
    pub async fn logout_everywhere(&self, ctx: &Ctx<'_>) -> ServiceResult<u64> {
        self.door
            .change(ctx.op(AuditAction::LogoutEverywhere, PROFILE), async |w| {
                let n = w.delete_user_sessions(ctx.principal.user_id).await?;
                // The staff app's PIN logins end too.
                let at = DbInstant::new(w.now());
                w.revoke_user_app_devices(ctx.principal.user_id, at).await?;
                w.succeeded(None, |e| {
                    e.details(serde_json::json!({ "sessions": n }).to_string())
                });
                Ok(n)
            })
            .await
    }
}

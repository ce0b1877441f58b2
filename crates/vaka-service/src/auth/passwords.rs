//! Changing one's own password (the forced change of a first login is a login step).

use vaka_domain::audit::AuditAction;
use vaka_domain::reason::AuthReason;
use vaka_domain::validate::check_password_policy;
use vaka_store::DbInstant;

use super::PROFILE;
use crate::door::Work;
use crate::error::Fault;
use crate::secrets::{hash_password, verify_password};
use crate::{Ctx, ServiceError, ServiceResult, Services};

impl Services {
    /// Changes one's own password. The current one is required, and a fresh second factor:
    /// `code` (a current one-time code or a recovery code) proves it again when the session's
    /// is stale.
    pub async fn change_password(
        &self,
        ctx: &Ctx<'_>,
        current: &str,
        new_password: &str,
        code: Option<&str>,
    ) -> ServiceResult<()> {
        let me = ctx.principal.user_id;
        let op = ctx.op(AuditAction::PasswordChanged, PROFILE);
        let (user, creds, now) = self
            .door
            .read(op, async |r| {
                let user = r.get_user(me).await?.ok_or(Fault::not_found("user"))?;
                let creds = r
                    .get_credentials(me)
                    .await?
                    .ok_or(Fault::not_found("user"))?;
                Ok((user, creds, r.now()))
            })
            .await?;
        // The current password is guessed here as at the login: a locked account may not try,
        // and a wrong guess counts towards the lock (which ends the account's sessions, this
        // one too) and is audited.
        if self.config.lockout.is_locked(creds.locked_until, now) {
            return Err(ServiceError::Locked {
                until: creds.locked_until.unwrap_or(now),
            });
        }
        if !verify_password(current.to_owned(), creds.password_hash).await? {
            self.count_failure(
                &user,
                creds.failed_logins,
                ctx.meta,
                AuditAction::PasswordChanged,
                "wrong current password",
            )
            .await?;
            return Err(ServiceError::invalid(
                "current_password",
                AuthReason::NotCurrentPassword,
            ));
        }
        check_password_policy(
            new_password,
            user.username.as_str(),
            &[&user.display_name, user.email.as_str()],
        )?;
        if current == new_password {
            return Err(ServiceError::invalid(
                "password",
                AuthReason::PasswordUnchanged,
            ));
        }
        let hash = hash_password(new_password.to_owned()).await?;
        let result = self
            .door
            .change(op, async |w| {
                if let Err(wrong) = self.fresh_second_factor(w, code).await? {
                    return Ok(Err(wrong));
                }
                let now = DbInstant::new(w.now());
                w.set_password(me, &hash, false, now).await?;
                if creds.failed_logins > 0 {
                    // Proven: the count of wrong guesses starts again, as after a login.
                    w.record_login_failure(me, 0, None).await?;
                }
                w.succeeded(None, |e| e.subject("user", me));
                Ok(Ok(()))
            })
            .await;
        self.after_step_up(ctx, result).await
    }
}

//! A fresh second factor for the sensitive actions: renewing one's recovery codes, changing
//! one's password, resetting someone's second factor and creating an API token. Each needs the
//! session to have proven its second factor within `SessionPolicy::fresh_second_factor` (at the
//! login's code step, at enrolment, or again here with a current one-time code or a recovery
//! code given with the action). A hijacked session cookie alone then cannot lock the owner
//! out or mint a lasting credential.
//!
//! - A session whose proof is stale, and no code given: refused (`Conflict`), audited as the
//!   action, denied.
//! - A code given: checked as at the login (a TOTP step is accepted once; a recovery code is
//!   used up; a passkey's answer to a challenge of this session, see `passkeys`). Right: the session's proof is renewed in the action's transaction and audited
//!   (`auth.step_up`). Wrong: counted towards the lock like a wrong login code, audited.
//! - An API token: refused. These actions are a person's, confirmed with their own second
//!   factor; an integration has none (create tokens from a logged-in session, in the pages).
//! - The command line and the server's own jobs: allowed (whoever runs them holds the server).
//! - A fresh proof counts however it came: a code, a passkey, or the identity provider
//!   vouching for two factors (at the login, or at a step-up there: `oidc`).
//! - An account without TOTP whose session had two factors from the identity provider: when
//!   that is stale, only a step-up at the provider renews it (the code field cannot).
//! - An account without a second factor: allowed when none of its roles needs one (a password
//!   is all it has, and changing it needs the current one); refused otherwise (it cannot reach
//!   a full session that way: enrolment comes first).

use vaka_domain::access::Credential;
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::credentials::SessionRecord;
use vaka_domain::directory::UserAccount;
use vaka_domain::reason::AuthReason;
use vaka_store::DbInstant;

use super::login::looks_like_recovery_code;
use super::passkeys::{PasskeyFailure, looks_like_passkey};
use super::second_factor::{check_totp, totp_for};
use crate::door::{Change, Work};
use crate::error::{Fault, WorkResult};
use crate::secrets::recovery_code_hash;
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// A wrong code given for a step-up: the account, its failures so far, and what was wrong
/// (a code, or a passkey's answer). The action stops, and the failure is counted once the
/// action's transaction is over ([`Services::after_step_up`]).
#[derive(Debug)]
pub(crate) struct WrongCode(Box<(UserAccount, u32, Wrong)>);

/// What a wrong step-up gave.
#[derive(Debug, Clone, Copy)]
enum Wrong {
    Code,
    Passkey(PasskeyFailure),
}

/// A refusal of a sensitive action for want of a fresh second factor, audited as the action.
fn refusal(w: &Change<'_>, reason: AuthReason) -> Fault {
    let e = w
        .entry(Outcome::Denied, None)
        .details(serde_json::json!({ "reason": reason.id() }).to_string());
    Fault::refused(e, reason)
}

impl Services {
    /// Whether a sensitive action in this session would need a code given with it now (the
    /// pages then show the code field). The service decides again when the action comes.
    pub fn needs_fresh_second_factor(&self, session: Option<&SessionRecord>) -> bool {
        session.is_some_and(|s| {
            !self
                .config
                .sessions
                .second_factor_is_fresh(s.second_factor_at, self.now())
        })
    }

    /// Checks, inside the change of a sensitive action and after its permission check, that
    /// the caller's second factor is fresh, proving it again with `code` if one is given.
    pub(crate) async fn fresh_second_factor(
        &self,
        w: &mut Change<'_>,
        code: Option<&str>,
    ) -> WorkResult<Result<(), WrongCode>> {
        let Some(ctx) = w.ctx().copied() else {
            return Ok(Ok(()));
        };
        let session_id = match ctx.principal.credential {
            Credential::Session(id) => id,
            Credential::Token(_) => {
                return Err(refusal(w, AuthReason::FreshSecondFactorNeedsSession));
            }
            Credential::Cli | Credential::System => return Ok(Ok(())),
        };
        let me = ctx.principal.user_id;
        let creds = w
            .get_credentials(me)
            .await?
            .ok_or(Fault::not_found("user"))?;
        let session = w
            .get_session(session_id)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let now = w.now();
        // Fresh however it was proven: a code here or at the login, a passkey, or the identity
        // provider vouching for two factors (at the login or a step-up there; see `oidc`).
        if self
            .config
            .sessions
            .second_factor_is_fresh(session.second_factor_at, now)
        {
            return Ok(Ok(()));
        }
        let secret = match creds.totp_secret.as_deref().filter(|_| creds.totp_enabled) {
            Some(s) => s.to_owned(),
            None if !ctx.principal.requires_second_factor() => return Ok(Ok(())),
            // An account with no TOTP whose session once had two factors from the identity
            // provider: only a step-up there renews it.
            None if session.second_factor_at.is_some() => {
                return Err(refusal(w, AuthReason::FreshSecondFactorNeeded));
            }
            None => return Err(refusal(w, AuthReason::NotEnrolled)),
        };
        let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
            return Err(refusal(w, AuthReason::FreshSecondFactorNeeded));
        };
        if self.config.lockout.is_locked(creds.locked_until, now) {
            return Err(ServiceError::Locked {
                until: creds.locked_until.unwrap_or(now),
            }
            .into());
        }
        let user = w.get_user(me).await?.ok_or(Fault::not_found("user"))?;
        let totp = totp_for(&self.config.totp_issuer, user.username.as_str(), &secret)?;
        let method = if looks_like_passkey(code) {
            match self.prove_passkey(w, me, session.id, code).await? {
                Ok(_) => "passkey",
                Err(failure) => {
                    return Ok(Err(WrongCode(Box::new((
                        user,
                        creds.failed_logins,
                        Wrong::Passkey(failure),
                    )))));
                }
            }
        } else if let Some(step) = check_totp(&totp, code, now, creds.totp_last_step) {
            w.set_totp_last_step(me, step).await?;
            "totp"
        } else if looks_like_recovery_code(code)
            && w.use_recovery_code(me, &recovery_code_hash(code), DbInstant::new(now))
                .await?
        {
            let e = w
                .entry_for(AuditAction::RecoveryCodeUsed, Outcome::Success, None)
                .subject("user", me);
            w.record(e);
            "recovery_code"
        } else {
            return Ok(Err(WrongCode(Box::new((
                user,
                creds.failed_logins,
                Wrong::Code,
            )))));
        };
        w.prove_second_factor(session.id, DbInstant::new(now))
            .await?;
        let action = w.action().code();
        let e = w
            .entry_for(AuditAction::SecondFactorConfirmed, Outcome::Success, None)
            .subject("user", me)
            .details(serde_json::json!({ "second_factor": method, "for": action }).to_string());
        w.record(e);
        Ok(Ok(()))
    }

    /// Ends a sensitive action: a wrong code is counted towards the lock (as a wrong login
    /// code is) and refused as a code that does not match.
    pub(crate) async fn after_step_up<T>(
        &self,
        ctx: &Ctx<'_>,
        result: ServiceResult<Result<T, WrongCode>>,
    ) -> ServiceResult<T> {
        match result? {
            Ok(value) => Ok(value),
            Err(WrongCode(wrong)) => {
                let (user, failed_before, what) = *wrong;
                let (detail, reason) = match what {
                    Wrong::Code => ("wrong code at step-up", AuthReason::CodeMismatch),
                    Wrong::Passkey(f) => (f.detail(), f.reason()),
                };
                self.count_failure(
                    &user,
                    failed_before,
                    ctx.meta,
                    AuditAction::SecondFactorFailed,
                    detail,
                )
                .await?;
                Err(ServiceError::invalid("code", reason))
            }
        }
    }
}

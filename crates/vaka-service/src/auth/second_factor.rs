//! The second factor: TOTP codes (RFC 6238), enrolling an authenticator app, and recovery
//! codes for a lost phone.

use jiff::Timestamp;
use totp_rs::{Algorithm, Builder, Secret, Totp};
use vaka_domain::access::Credential;
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::auth::SessionStage;
use vaka_domain::directory::UserAccount;
use vaka_domain::ids::UserId;
use vaka_domain::reason::AuthReason;
use vaka_store::{Credentials, DbInstant, ReadTx, SessionRecord};

use super::login::advance;
use super::{
    Enrolment, LOGIN, PROFILE, claimed_by, failure_details, load_principal, proven, unaudited,
};
use crate::door::{Op, Work};
use crate::error::{Fault, WorkResult};
use crate::secrets::{recovery_code, recovery_code_hash};
use crate::{Ctx, RequestMeta, ServiceError, ServiceResult, Services};

pub(super) fn totp_for(issuer: &str, username: &str, secret_b32: &str) -> ServiceResult<Totp> {
    let secret = Secret::try_from_base32(secret_b32)
        .map_err(|e| ServiceError::internal_caused("stored TOTP secret is invalid", e))?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some(issuer))
        .with_account_name(username)
        .build()
        .map_err(|e| ServiceError::internal_caused("TOTP setup failed", e))
}

fn unix_secs(t: Timestamp) -> u64 {
    u64::try_from(t.as_second()).unwrap_or(0)
}

/// Checks a six-digit code and returns its time step, refusing a step at or before `last_step`
/// (a code is accepted only once, RFC 6238 §5.2).
pub fn check_totp(totp: &Totp, code: &str, now: Timestamp, last_step: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let step = i64::try_from(totp.check(&code, unix_secs(now))?).ok()?;
    match last_step {
        Some(last) if step <= last => None,
        _ => Some(step),
    }
}

/// The current code for a secret (for the demo helper and tests).
pub fn current_totp_code(secret_b32: &str, now: Timestamp) -> ServiceResult<String> {
    let totp = totp_for("Vaka", "x", secret_b32)?;
    Ok(totp.generate(unix_secs(now)).to_string())
}

/// A new set of recovery codes: the codes (shown once) and their hashes (stored).
fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    let codes: Vec<String> = (0..10).map(|_| recovery_code()).collect();
    let hashes = codes.iter().map(|c| recovery_code_hash(c)).collect();
    (codes, hashes)
}

/// A user and their credentials, on the way to enrolling: refused with `enrolled` when the
/// second factor is already on.
async fn not_enrolled(
    r: &mut dyn ReadTx,
    user_id: UserId,
    enrolled: AuthReason,
) -> WorkResult<(UserAccount, Credentials)> {
    let user = r.get_user(user_id).await?.ok_or(Fault::not_found("user"))?;
    let creds = r
        .get_credentials(user_id)
        .await?
        .ok_or(Fault::not_found("user"))?;
    if creds.totp_enabled {
        return Err(Fault::conflict(enrolled));
    }
    Ok((user, creds))
}

impl Services {
    /// Starts (or restarts) TOTP enrolment: a new secret, not yet active.
    pub async fn begin_enrolment(&self, user_id: UserId) -> ServiceResult<Enrolment> {
        let (user, secret) = self
            .door
            .change(unaudited(), async |w| {
                let (user, creds) =
                    not_enrolled(w.reads(), user_id, AuthReason::EnrolledAskForReset).await?;
                // Reloading the page shows the same secret, so a code scanned a moment ago
                // still works.
                let secret = if let Some(pending) = creds.totp_secret {
                    pending
                } else {
                    let s = Secret::generate().to_base32();
                    w.set_totp_pending(user_id, Some(&s)).await?;
                    s
                };
                Ok((user, secret))
            })
            .await?;
        let totp = totp_for(&self.config.totp_issuer, user.username.as_str(), &secret)?;
        Ok(Enrolment {
            otpauth_url: totp
                .to_url()
                .map_err(|e| ServiceError::internal_caused("otpauth url", e))?,
            secret_base32: secret,
        })
    }

    /// Confirms enrolment with a code from the app; returns the recovery codes (shown once)
    /// and, when a session at the enrolment stage moved on, its new token. A wrong code is
    /// audited (and nothing else is written).
    pub async fn confirm_enrolment(
        &self,
        user_id: UserId,
        session: Option<&SessionRecord>,
        code: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<(Vec<String>, Option<String>)> {
        let op = Op::anonymous(meta, AuditAction::SecondFactorEnrolled, LOGIN);
        let codes = self
            .door
            .change(op, async |w| {
                let now = w.now();
                let (user, creds) =
                    not_enrolled(w.reads(), user_id, AuthReason::AlreadyEnrolled).await?;
                let secret = creds
                    .totp_secret
                    .ok_or_else(|| Fault::conflict(AuthReason::EnrolmentNotStarted))?;
                let totp = totp_for(&self.config.totp_issuer, user.username.as_str(), &secret)?;
                let Some(step) = check_totp(&totp, code, now, None) else {
                    let e = claimed_by(
                        w.entry_for(AuditAction::SecondFactorFailed, Outcome::Failure, None),
                        &user,
                    );
                    w.record(failure_details(e, "wrong code at enrolment"));
                    return Ok(None);
                };
                w.enable_totp(user_id, DbInstant::new(now), step).await?;
                if let Some(s) = session {
                    // The code just given proves the new second factor for this session.
                    w.prove_second_factor(s.id, DbInstant::new(now)).await?;
                }
                let (codes, hashes) = new_recovery_codes();
                w.replace_recovery_codes(user_id, &hashes).await?;
                let credential = session.map_or(Credential::System, |s| Credential::Session(s.id));
                let principal = load_principal(&mut **w, &user, credential).await?;
                let e =
                    proven(w.entry(Outcome::Success, None), &principal).subject("user", user.id);
                w.record(e);
                let token = match session.filter(|s| s.stage == SessionStage::Enrol) {
                    Some(s) => Some(advance(w, s, &principal, SessionStage::Full, "totp").await?),
                    None => None,
                };
                Ok(Some((codes, token)))
            })
            .await?;
        codes.ok_or_else(|| ServiceError::invalid("code", AuthReason::CodeMismatch))
    }

    /// Issues a new set of recovery codes (the old ones stop working). Needs a fresh second
    /// factor: `code` (a current one-time code or a recovery code) proves it again when the
    /// session's is stale.
    pub async fn renew_recovery_codes(
        &self,
        ctx: &Ctx<'_>,
        code: Option<&str>,
    ) -> ServiceResult<Vec<String>> {
        let me = ctx.principal.user_id;
        let result = self
            .door
            .change(
                ctx.op(AuditAction::RecoveryCodesRenewed, PROFILE),
                async |w| {
                    let creds = w
                        .get_credentials(me)
                        .await?
                        .ok_or(Fault::not_found("user"))?;
                    if !creds.totp_enabled {
                        return Err(Fault::conflict(AuthReason::NotEnrolled));
                    }
                    if let Err(wrong) = self.fresh_second_factor(w, code).await? {
                        return Ok(Err(wrong));
                    }
                    let (codes, hashes) = new_recovery_codes();
                    w.replace_recovery_codes(me, &hashes).await?;
                    w.succeeded(None, |e| e.subject("user", me));
                    Ok(Ok(codes))
                },
            )
            .await;
        self.after_step_up(ctx, result).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totp_codes_are_accepted_once_and_within_one_step() {
        let secret = Secret::generate().to_base32();
        let totp = totp_for("Vaka", "anna", &secret).unwrap();
        let now: Timestamp = "2026-11-22T10:00:10Z".parse().unwrap();
        let code = current_totp_code(&secret, now).unwrap();
        let step = check_totp(&totp, &code, now, None).unwrap();
        assert_eq!(step, now.as_second() / 30);
        assert_eq!(
            check_totp(&totp, &code, now, Some(step)),
            None,
            "replay refused"
        );
        let later: Timestamp = "2026-11-22T10:00:40Z".parse().unwrap();
        assert!(
            check_totp(&totp, &code, later, None).is_some(),
            "one step of skew allowed"
        );
        let much_later: Timestamp = "2026-11-22T10:02:00Z".parse().unwrap();
        assert_eq!(check_totp(&totp, &code, much_later, None), None);
        assert_eq!(check_totp(&totp, "12345", now, None), None);
        assert_eq!(check_totp(&totp, "abcdef", now, None), None);
    }
}

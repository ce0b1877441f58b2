//! The steps of a login: username and password, then a code (TOTP or a recovery code), then
//! the forced password change of a first login. A failed step is audited in a transaction of
//! its own; a wrong password or code counts towards locking the account.

use jiff::Timestamp;
use vaka_domain::access::{Credential, Principal};
use vaka_domain::audit::{Actor, AuditAction, NewAuditEntry, Outcome};
use vaka_domain::auth::SessionStage;
use vaka_domain::directory::UserAccount;
use vaka_domain::ids::SessionId;
use vaka_domain::reason::AuthReason;
use vaka_domain::validate::check_password_policy;
use vaka_store::values::to_db_precision;
use vaka_store::{Credentials, DbInstant, SessionRecord};

use super::passkeys::{PasskeyChallenge, looks_like_passkey};
use super::second_factor::{check_totp, totp_for};
use super::{
    LOGIN, NewSession, SteppedUp, claimed_by, failure_details, load_principal, login_needs, proven,
    unaudited,
};
use crate::door::{Change, Op, Work};
use crate::error::{Fault, WorkResult};
use crate::secrets::{hash_password, random_token, recovery_code_hash, sha256, verify_password};
use crate::{RequestMeta, ServiceError, ServiceResult, Services};

/// A half-finished login as its next step finds it.
struct Step {
    session: SessionRecord,
    user: UserAccount,
    creds: Credentials,
    now: Timestamp,
}

/// Whether a code has the shape of a recovery code (ten letters or digits, maybe grouped).
pub(super) fn looks_like_recovery_code(code: &str) -> bool {
    code.trim()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .count()
        == 10
}

/// Moves a session on after a step succeeded, under a new token (returned: the caller hands it
/// to the browser); a login that is complete is audited.
pub(super) async fn advance(
    w: &mut Change<'_>,
    session: &SessionRecord,
    principal: &Principal,
    stage: SessionStage,
    method: &str,
) -> WorkResult<String> {
    let now = DbInstant::new(w.now());
    let token = random_token();
    w.step_up_session(session.id, stage, &sha256(token.as_bytes()))
        .await?;
    w.touch_session(session.id, now).await?;
    if stage == SessionStage::Full {
        w.record_login_success(principal.user_id, now).await?;
        let e = proven(
            w.entry_for(AuditAction::LoginSucceeded, Outcome::Success, None),
            principal,
        )
        .details(serde_json::json!({ "second_factor": method }).to_string());
        w.record(e);
    }
    Ok(token)
}

impl Services {
    /// Step one: username and password. Every failure reads alike to the caller; the audit log
    /// records which it was.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<NewSession> {
        let name = username.trim().to_lowercase();
        let op = Op::anonymous(meta, AuditAction::LoginFailed, LOGIN);
        let (claimed, now) = self
            .door
            .read(op, async |r| {
                let user = r.get_user_by_username(&name).await?;
                let creds = match &user {
                    Some(u) => r.get_credentials(u.id).await?,
                    None => None,
                };
                Ok((user.zip(creds), r.now()))
            })
            .await?;

        // The hash is checked even for an unknown or locked account, so that the answer takes
        // as long.
        let hash = claimed.as_ref().and_then(|(_, c)| c.password_hash.clone());
        let ok = verify_password(password.to_owned(), hash).await?;

        // A locked account answers like a wrong password or an unknown name: the answer must
        // not tell a guesser which names exist. The lock holds, and the log says it was one.
        if let Some((user, creds)) = &claimed
            && self.config.lockout.is_locked(creds.locked_until, now)
        {
            self.login_failed(meta, AuditAction::LoginLocked, "locked", |e| {
                claimed_by(e, user)
            })
            .await?;
            return Err(ServiceError::Unauthenticated);
        }

        let Some((user, creds)) = claimed else {
            let shown = (!name.is_empty()).then_some(name.as_str());
            self.login_failed(meta, AuditAction::LoginFailed, "unknown user", |mut e| {
                e.actor = Actor::anonymous(shown);
                e
            })
            .await?;
            return Err(ServiceError::Unauthenticated);
        };
        if !ok {
            self.count_failure(
                &user,
                creds.failed_logins,
                meta,
                AuditAction::LoginFailed,
                "wrong password",
            )
            .await?;
            return Err(ServiceError::Unauthenticated);
        }
        if !user.status.can_log_in() {
            self.login_failed(meta, AuditAction::LoginFailed, user.status.code(), |e| {
                claimed_by(e, &user)
            })
            .await?;
            return Err(ServiceError::Unauthenticated);
        }

        self.start_session(
            &user,
            creds.totp_enabled,
            creds.must_change_password,
            false,
            meta,
        )
        .await
    }

    /// Opens a session for a user whose first factor was proven, at the stage the account
    /// needs next. (An external identity provider would call this after its own check.)
    pub async fn start_session(
        &self,
        user: &UserAccount,
        totp_enabled: bool,
        must_change: bool,
        second_factor_done: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<NewSession> {
        self.open_session(
            user,
            totp_enabled,
            must_change,
            second_factor_done,
            meta,
            None,
        )
        .await
    }

    /// [`Self::start_session`], with the details its audit entry gets when the session is
    /// complete at once (how the login was proven).
    pub(super) async fn open_session(
        &self,
        user: &UserAccount,
        totp_enabled: bool,
        must_change: bool,
        second_factor_done: bool,
        meta: &RequestMeta,
        details: Option<String>,
    ) -> ServiceResult<NewSession> {
        let op = Op::anonymous(meta, AuditAction::LoginSucceeded, LOGIN);
        self.door
            .change(op, async |w| {
                let now = w.now();
                let session_id = SessionId::new();
                let principal =
                    load_principal(&mut **w, user, Credential::Session(session_id)).await?;
                let stage = login_needs(&principal, totp_enabled, second_factor_done, must_change);
                let token = random_token();
                let session = SessionRecord {
                    id: session_id,
                    token_hash: sha256(token.as_bytes()),
                    user_id: user.id,
                    stage,
                    csrf_token: random_token(),
                    created_at: to_db_precision(now),
                    last_seen_at: to_db_precision(now),
                    source_ip: meta.source_ip.clone(),
                    user_agent: meta
                        .user_agent
                        .as_ref()
                        .map(|u| u.chars().take(256).collect()),
                    second_factor_at: second_factor_done.then(|| to_db_precision(now)),
                };
                w.insert_session(&session).await?;
                if stage == SessionStage::Full {
                    w.record_login_success(user.id, DbInstant::new(now)).await?;
                    let mut e = proven(w.entry(Outcome::Success, None), &principal);
                    if let Some(d) = &details {
                        e = e.details(d.clone());
                    }
                    w.record(e);
                }
                Ok(NewSession { token, session })
            })
            .await
    }

    /// Audits a failed step that counts nothing, in a transaction of its own; `shape` names
    /// who tried.
    async fn login_failed(
        &self,
        meta: &RequestMeta,
        action: AuditAction,
        reason: &str,
        shape: impl FnOnce(NewAuditEntry) -> NewAuditEntry + Send,
    ) -> ServiceResult<()> {
        self.door
            .change(Op::anonymous(meta, action, LOGIN), async |w| {
                let e = failure_details(shape(w.entry(Outcome::Failure, None)), reason);
                w.record(e);
                Ok(())
            })
            .await
    }

    /// Counts a wrong password or code against the account, locking it after too many, and
    /// audits the failure (and the lock) in a transaction of its own.
    pub(super) async fn count_failure(
        &self,
        user: &UserAccount,
        failed_before: u32,
        meta: &RequestMeta,
        action: AuditAction,
        reason: &str,
    ) -> ServiceResult<()> {
        let lockout = &self.config.lockout;
        self.door
            .change(Op::anonymous(meta, action, LOGIN), async |w| {
                let outcome = lockout.after_failure(failed_before, w.now());
                w.record_login_failure(
                    user.id,
                    outcome.failed_logins,
                    outcome.locked_until.map(DbInstant::new),
                )
                .await?;
                let e = failure_details(claimed_by(w.entry(Outcome::Failure, None), user), reason);
                w.record(e);
                if outcome.locked_until.is_some() {
                    let minutes = lockout.lock_for.as_mins();
                    let e = claimed_by(
                        w.entry_for(AuditAction::LoginLocked, Outcome::Failure, None),
                        user,
                    )
                    .details(serde_json::json!({ "minutes": minutes }).to_string());
                    w.record(e);
                    // A locked account loses its half-finished logins.
                    w.delete_user_sessions(user.id).await?;
                }
                Ok(())
            })
            .await
    }

    /// Loads the session and user of a half-finished login, checking its stage.
    async fn login_step(
        &self,
        token: &str,
        expected: &[SessionStage],
        meta: &RequestMeta,
    ) -> ServiceResult<Step> {
        let op = Op::anonymous(meta, AuditAction::AccessDenied, LOGIN);
        let sessions = &self.config.sessions;
        self.door
            .read(op, async |r| {
                let now = r.now();
                let unauthenticated = || Fault::from(ServiceError::Unauthenticated);
                let session = r
                    .get_session_by_token(&sha256(token.as_bytes()))
                    .await?
                    .filter(|s| !sessions.is_expired(s.stage, s.created_at, s.last_seen_at, now))
                    .ok_or_else(unauthenticated)?;
                if !expected.contains(&session.stage) {
                    return Err(Fault::conflict(AuthReason::StepDone));
                }
                let user = r
                    .get_user(session.user_id)
                    .await?
                    .filter(|u| u.status.can_log_in())
                    .ok_or_else(unauthenticated)?;
                let creds = r
                    .get_credentials(user.id)
                    .await?
                    .ok_or_else(unauthenticated)?;
                Ok(Step {
                    session,
                    user,
                    creds,
                    now,
                })
            })
            .await
    }

    /// Step two: a TOTP code, a recovery code, or a passkey's answer (the JSON the login page
    /// sends as the code, see `passkeys`).
    pub async fn second_factor(
        &self,
        token: &str,
        code: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<SteppedUp> {
        let Step {
            session,
            user,
            creds,
            now,
        } = self
            .login_step(token, &[SessionStage::SecondFactor], meta)
            .await?;
        if self.config.lockout.is_locked(creds.locked_until, now) {
            return Err(ServiceError::Locked {
                until: creds.locked_until.unwrap_or(now),
            });
        }
        let secret = creds
            .totp_secret
            .as_deref()
            .filter(|_| creds.totp_enabled)
            .ok_or(ServiceError::Unauthenticated)?;
        let totp = totp_for(&self.config.totp_issuer, user.username.as_str(), secret)?;
        let op = Op::anonymous(meta, AuditAction::LoginSucceeded, LOGIN);
        let mut failure = "wrong code";
        let stage = self
            .door
            .change(op, async |w| {
                let now = w.now();
                let method = if looks_like_passkey(code) {
                    // A passkey's answer to this login's challenge (`begin_login_passkey`).
                    match self.prove_passkey(w, user.id, session.id, code).await? {
                        Ok(_) => "passkey",
                        Err(f) => {
                            failure = f.detail();
                            return Ok(None);
                        }
                    }
                } else if let Some(step) = check_totp(&totp, code, now, creds.totp_last_step) {
                    w.set_totp_last_step(user.id, step).await?;
                    "totp"
                } else if looks_like_recovery_code(code)
                    && w.use_recovery_code(user.id, &recovery_code_hash(code), DbInstant::new(now))
                        .await?
                {
                    let e = claimed_by(
                        w.entry_for(AuditAction::RecoveryCodeUsed, Outcome::Success, None),
                        &user,
                    );
                    w.record(e);
                    "recovery_code"
                } else {
                    return Ok(None);
                };
                w.prove_second_factor(session.id, DbInstant::new(now))
                    .await?;
                let principal =
                    load_principal(&mut **w, &user, Credential::Session(session.id)).await?;
                let stage = login_needs(&principal, true, true, creds.must_change_password);
                let token = advance(w, &session, &principal, stage, method).await?;
                Ok(Some(SteppedUp { stage, token }))
            })
            .await?;
        if let Some(stepped) = stage {
            Ok(stepped)
        } else {
            self.count_failure(
                &user,
                creds.failed_logins,
                meta,
                AuditAction::SecondFactorFailed,
                failure,
            )
            .await?;
            Err(ServiceError::Unauthenticated)
        }
    }

    /// Whether the login's code step offers a passkey: passkeys work here and the account has
    /// one.
    pub async fn login_has_passkeys(&self, token: &str, meta: &RequestMeta) -> ServiceResult<bool> {
        if !self.passkeys_available() {
            return Ok(false);
        }
        let step = self
            .login_step(token, &[SessionStage::SecondFactor], meta)
            .await?;
        self.door
            .read(unaudited(), async |r| {
                Ok(!r.list_passkeys(step.user.id).await?.is_empty())
            })
            .await
    }

    /// A challenge for proving a passkey at the login's code step; its answer comes as the
    /// code of [`Self::second_factor`]. Refused when the account has no passkey.
    pub async fn begin_login_passkey(
        &self,
        token: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<PasskeyChallenge> {
        let Step {
            session,
            user,
            creds,
            now,
        } = self
            .login_step(token, &[SessionStage::SecondFactor], meta)
            .await?;
        if self.config.lockout.is_locked(creds.locked_until, now) {
            return Err(ServiceError::Locked {
                until: creds.locked_until.unwrap_or(now),
            });
        }
        self.door
            .change(unaudited(), async |w| {
                self.begin_authentication(w, user.id, session.id).await
            })
            .await
    }

    /// The forced password change of a first login.
    pub async fn forced_password_change(
        &self,
        token: &str,
        new_password: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<SteppedUp> {
        let Step {
            session,
            user,
            creds,
            ..
        } = self
            .login_step(token, &[SessionStage::PasswordChange], meta)
            .await?;
        check_password_policy(
            new_password,
            user.username.as_str(),
            &[&user.display_name, user.email.as_str()],
        )?;
        if verify_password(new_password.to_owned(), creds.password_hash.clone()).await? {
            return Err(ServiceError::invalid(
                "password",
                AuthReason::PasswordUnchanged,
            ));
        }
        let hash = hash_password(new_password.to_owned()).await?;
        let op = Op::anonymous(meta, AuditAction::PasswordChanged, LOGIN);
        self.door
            .change(op, async |w| {
                let now = DbInstant::new(w.now());
                w.set_password(user.id, &hash, false, now).await?;
                let principal =
                    load_principal(&mut **w, &user, Credential::Session(session.id)).await?;
                let e =
                    proven(w.entry(Outcome::Success, None), &principal).subject("user", user.id);
                w.record(e);
                let stage = login_needs(&principal, creds.totp_enabled, creds.totp_enabled, false);
                let token = advance(w, &session, &principal, stage, "totp").await?;
                Ok(SteppedUp { stage, token })
            })
            .await
    }
}

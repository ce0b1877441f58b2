//! Logging in and proving who you are: passwords, TOTP, recovery codes, sessions and bearer
//! tokens.
//!
//! A login is a session that climbs stages (`SessionStage`): password → code → forced password
//! change → enrolment → full. Only full sessions reach anything but the login pages. The same
//! principal type comes out of a session cookie and a bearer token, so a later OIDC login
//! (SITHS eID through an identity provider) only has to end in [`Services::start_session`].

use jiff::Timestamp;
use totp_rs::{Algorithm, Builder, Secret, Totp};
use vaka_domain::access::{Credential, Principal};
use vaka_domain::audit::{Actor, AuditAction, Outcome};
use vaka_domain::auth::{LoginNeeds, SessionStage, next_stage};
use vaka_domain::directory::UserAccount;
use vaka_domain::ids::{ApiTokenId, SessionId, UserId};
use vaka_domain::validate::check_password_policy;
use vaka_store::{ApiTokenRecord, DbInstant, ReadTx, SessionRecord, WriteTx};

use crate::context::anonymous_entry;
use crate::secrets::{
    hash_password, random_token, recovery_code, recovery_code_hash, sha256, verify_password,
};
use crate::{Ctx, RequestMeta, ServiceError, ServiceResult, Services};

/// Prefix of every API token, so that leaked tokens are easy to recognise (secret scanning).
pub const API_TOKEN_PREFIX: &str = "vaka_";

/// A session that was just created: the cookie value is only ever here.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub session: SessionRecord,
}

/// A request's proven identity.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub principal: Principal,
    /// Set for cookie sessions.
    pub session: Option<SessionRecord>,
}

/// What enrolment shows the user.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub secret_base32: String,
    pub otpauth_url: String,
}

/// A bearer token as issued: the secret is shown once.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub id: ApiTokenId,
    pub token: String,
}

fn totp_for(issuer: &str, username: &str, secret_b32: &str) -> ServiceResult<Totp> {
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

impl Services {
    /// Loads everything the rules need to know about an active user.
    pub async fn load_principal(
        &self,
        tx: &mut dyn ReadTx,
        user: &UserAccount,
        credential: Credential,
    ) -> ServiceResult<Principal> {
        let assignments = tx.list_assignments(user.id).await?;
        let coverage = tx.list_coverage_for_user(user.id).await?;
        Ok(Principal {
            user_id: user.id,
            username: user.username.as_str().to_owned(),
            display_name: user.display_name.clone(),
            organisation_id: user.organisation_id,
            assignments,
            coverage,
            credential,
        })
    }

    /// The principal of an active user (for jobs and the demo acting as that user).
    pub async fn principal_for(
        &self,
        user: UserId,
        credential: Credential,
    ) -> ServiceResult<Principal> {
        let mut tx = self.read().await?;
        let account = tx
            .get_user(user)
            .await?
            .filter(|u| u.status.can_log_in())
            .ok_or(ServiceError::NotFound("user"))?;
        self.load_principal(&mut *tx, &account, credential).await
    }

    fn login_needs(
        &self,
        principal: &Principal,
        totp_enabled: bool,
        done: bool,
        must_change: bool,
    ) -> SessionStage {
        next_stage(LoginNeeds {
            second_factor_enrolled: totp_enabled,
            second_factor_done: done,
            must_change_password: must_change,
            second_factor_required: principal.requires_second_factor(),
        })
    }

    /// Step one: username and password. Every failure reads alike to the caller; the audit log
    /// records which it was.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<NewSession> {
        let now = self.now();
        let name = username.trim().to_lowercase();
        let mut tx = self.read().await?;
        let user = tx.get_user_by_username(&name).await?;
        let creds = match &user {
            Some(u) => tx.get_credentials(u.id).await?,
            None => None,
        };
        drop(tx);

        let fail = |actor: Actor, action, detail: &str| {
            anonymous_entry(meta, now, actor, action, Outcome::Failure)
                .details(serde_json::json!({ "reason": detail }).to_string())
        };

        if let (Some(u), Some(c)) = (&user, &creds)
            && self.config.lockout.is_locked(c.locked_until, now)
        {
            let mut e = fail(user_actor(u), AuditAction::LoginLocked, "locked");
            e = e.subject("user", u.id);
            self.audit_alone(e).await?;
            return Err(ServiceError::Locked {
                until: c.locked_until.unwrap_or(now),
            });
        }

        let ok = verify_password(
            password.to_owned(),
            creds.as_ref().and_then(|c| c.password_hash.clone()),
        )
        .await?;

        let (Some(user), Some(creds)) = (user, creds) else {
            let shown = (!name.is_empty()).then_some(name.as_str());
            self.audit_alone(fail(
                Actor::anonymous(shown),
                AuditAction::LoginFailed,
                "unknown user",
            ))
            .await?;
            return Err(ServiceError::Unauthenticated);
        };

        if !ok {
            self.register_failure(&user, creds.failed_logins, meta, "wrong password")
                .await?;
            return Err(ServiceError::Unauthenticated);
        }
        if !user.status.can_log_in() {
            let e = fail(
                user_actor(&user),
                AuditAction::LoginFailed,
                user.status.code(),
            )
            .subject("user", user.id);
            self.audit_alone(e).await?;
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
        let now = self.now();
        let mut tx = self.write().await?;
        let session_id = SessionId::new();
        let principal = self
            .load_principal(&mut *tx, user, Credential::Session(session_id))
            .await?;
        let stage = self.login_needs(&principal, totp_enabled, second_factor_done, must_change);
        let token = random_token();
        let session = SessionRecord {
            id: session_id,
            token_hash: sha256(token.as_bytes()),
            user_id: user.id,
            stage,
            csrf_token: random_token(),
            created_at: vaka_store::values::to_db_precision(now),
            last_seen_at: vaka_store::values::to_db_precision(now),
            source_ip: meta.source_ip.clone(),
            user_agent: meta
                .user_agent
                .as_ref()
                .map(|u| u.chars().take(256).collect()),
        };
        tx.insert_session(&session).await?;
        if stage == SessionStage::Full {
            tx.record_login_success(user.id, DbInstant::new(now))
                .await?;
            let ctx = Ctx::new(&principal, meta);
            tx.append_audit(&ctx.entry(
                now,
                AuditAction::LoginSucceeded,
                Outcome::Success,
                None,
                "login",
            ))
            .await?;
        }
        tx.commit().await?;
        Ok(NewSession { token, session })
    }

    async fn register_failure(
        &self,
        user: &UserAccount,
        failed_before: u32,
        meta: &RequestMeta,
        reason: &str,
    ) -> ServiceResult<bool> {
        let now = self.now();
        let outcome = self.config.lockout.after_failure(failed_before, now);
        let mut tx = self.write().await?;
        tx.record_login_failure(
            user.id,
            outcome.failed_logins,
            outcome.locked_until.map(DbInstant::new),
        )
        .await?;
        let action = if reason == "wrong code" {
            AuditAction::SecondFactorFailed
        } else {
            AuditAction::LoginFailed
        };
        let e = anonymous_entry(meta, now, user_actor(user), action, Outcome::Failure)
            .subject("user", user.id)
            .details(serde_json::json!({ "reason": reason }).to_string());
        tx.append_audit(&e).await?;
        let locked = outcome.locked_until.is_some();
        if locked {
            let e = anonymous_entry(
                meta,
                now,
                user_actor(user),
                AuditAction::LoginLocked,
                Outcome::Failure,
            )
            .subject("user", user.id)
            .details(
                serde_json::json!({ "minutes": self.config.lockout.lock_for.as_mins() })
                    .to_string(),
            );
            tx.append_audit(&e).await?;
            // A locked account loses its half-finished logins.
            tx.delete_user_sessions(user.id).await?;
        }
        tx.commit().await?;
        Ok(locked)
    }

    /// Resolves a session cookie. Expired sessions are removed; sessions of accounts that can
    /// no longer log in die at once.
    pub async fn authenticate_session(&self, token: &str) -> ServiceResult<Option<Authenticated>> {
        let now = self.now();
        let hash = sha256(token.as_bytes());
        let mut tx = self.read().await?;
        let Some(session) = tx.get_session_by_token(&hash).await? else {
            return Ok(None);
        };
        let rows = tx.load_principal_rows(session.user_id).await?;
        let alive = rows.as_ref().is_some_and(|r| r.user.status.can_log_in())
            && !self.config.sessions.is_expired(
                session.stage,
                session.created_at,
                session.last_seen_at,
                now,
            );
        if !alive {
            drop(tx);
            let mut w = self.write().await?;
            w.delete_session(session.id).await?;
            w.commit().await?;
            return Ok(None);
        }
        let Some(rows) = rows else { return Ok(None) };
        let principal = principal_of(rows, Credential::Session(session.id));
        drop(tx);
        if now.duration_since(session.last_seen_at) >= self.config.session_touch_every {
            let mut w = self.write().await?;
            w.touch_session(session.id, DbInstant::new(now)).await?;
            w.commit().await?;
        }
        Ok(Some(Authenticated {
            principal,
            session: Some(session),
        }))
    }

    /// Resolves a bearer token. Its use is audited (coalesced per token, see `ServiceConfig`).
    pub async fn authenticate_token(
        &self,
        token: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Authenticated> {
        let now = self.now();
        if !token.starts_with(API_TOKEN_PREFIX) {
            return Err(ServiceError::Unauthenticated);
        }
        let hash = sha256(token.as_bytes());
        let mut tx = self.read().await?;
        let (record, rows) = tx
            .load_token_principal(&hash)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        if record.revoked_at.is_some()
            || record.expires_at.is_some_and(|e| now >= e)
            || !rows.user.status.can_log_in()
        {
            return Err(ServiceError::Unauthenticated);
        }
        let principal = principal_of(rows, Credential::Token(record.id));
        drop(tx);
        let due = record
            .last_used_at
            .is_none_or(|last| now.duration_since(last) >= self.config.token_use_audit_every);
        if due {
            let mut w = self.write().await?;
            w.touch_api_token(record.id, DbInstant::new(now)).await?;
            let ctx = Ctx::new(&principal, meta);
            let e = ctx
                .entry(
                    now,
                    AuditAction::TokenUsed,
                    Outcome::Success,
                    None,
                    "integration",
                )
                .subject("token", record.id);
            w.append_audit(&e).await?;
            w.commit().await?;
        }
        Ok(Authenticated {
            principal,
            session: None,
        })
    }

    /// Loads the session and user of a half-finished login, checking its stage.
    async fn login_step(
        &self,
        token: &str,
        expected: &[SessionStage],
    ) -> ServiceResult<(SessionRecord, UserAccount, vaka_store::Credentials)> {
        let now = self.now();
        let mut tx = self.read().await?;
        let session = tx
            .get_session_by_token(&sha256(token.as_bytes()))
            .await?
            .filter(|s| {
                !self
                    .config
                    .sessions
                    .is_expired(s.stage, s.created_at, s.last_seen_at, now)
            })
            .ok_or(ServiceError::Unauthenticated)?;
        if !expected.contains(&session.stage) {
            return Err(ServiceError::Conflict(
                "this step of the login is already done".into(),
            ));
        }
        let user = tx
            .get_user(session.user_id)
            .await?
            .filter(|u| u.status.can_log_in())
            .ok_or(ServiceError::Unauthenticated)?;
        let creds = tx
            .get_credentials(user.id)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        Ok((session, user, creds))
    }

    /// Moves a session on after a step succeeded; audits the completed login.
    async fn advance(
        &self,
        tx: &mut crate::legacy::LegacyTx,
        session: &SessionRecord,
        user: &UserAccount,
        stage: SessionStage,
        meta: &RequestMeta,
        method: &str,
    ) -> ServiceResult<()> {
        let now = self.now();
        tx.set_session_stage(session.id, stage).await?;
        tx.touch_session(session.id, DbInstant::new(now)).await?;
        if stage == SessionStage::Full {
            tx.record_login_success(user.id, DbInstant::new(now))
                .await?;
            let principal = self
                .load_principal(&mut **tx, user, Credential::Session(session.id))
                .await?;
            let e = Ctx::new(&principal, meta)
                .entry(
                    now,
                    AuditAction::LoginSucceeded,
                    Outcome::Success,
                    None,
                    "login",
                )
                .details(serde_json::json!({ "second_factor": method }).to_string());
            tx.append_audit(&e).await?;
        }
        Ok(())
    }

    /// Step two: a TOTP code, or a recovery code.
    pub async fn second_factor(
        &self,
        token: &str,
        code: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<SessionStage> {
        let now = self.now();
        let (session, user, creds) = self
            .login_step(token, &[SessionStage::SecondFactor])
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
        let mut tx = self.write().await?;
        let method = if let Some(step) = check_totp(&totp, code, now, creds.totp_last_step) {
            tx.set_totp_last_step(user.id, step).await?;
            "totp"
        } else if code
            .trim()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .count()
            == 10
            && tx
                .use_recovery_code(user.id, &recovery_code_hash(code), DbInstant::new(now))
                .await?
        {
            let e = anonymous_entry(
                meta,
                now,
                user_actor(&user),
                AuditAction::RecoveryCodeUsed,
                Outcome::Success,
            )
            .subject("user", user.id);
            tx.append_audit(&e).await?;
            "recovery_code"
        } else {
            drop(tx);
            self.register_failure(&user, creds.failed_logins, meta, "wrong code")
                .await?;
            return Err(ServiceError::Unauthenticated);
        };
        let principal = self
            .load_principal(&mut *tx, &user, Credential::Session(session.id))
            .await?;
        let stage = self.login_needs(&principal, true, true, creds.must_change_password);
        self.advance(&mut tx, &session, &user, stage, meta, method)
            .await?;
        tx.commit().await?;
        Ok(stage)
    }

    /// The forced password change of a first login.
    pub async fn forced_password_change(
        &self,
        token: &str,
        new_password: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<SessionStage> {
        let now = self.now();
        let (session, user, creds) = self
            .login_step(token, &[SessionStage::PasswordChange])
            .await?;
        check_password_policy(new_password, user.username.as_str())?;
        if verify_password(new_password.to_owned(), creds.password_hash.clone()).await? {
            return Err(ServiceError::invalid(
                "password",
                "must differ from the current password",
            ));
        }
        let hash = hash_password(new_password.to_owned()).await?;
        let mut tx = self.write().await?;
        tx.set_password(user.id, &hash, false, DbInstant::new(now))
            .await?;
        let principal = self
            .load_principal(&mut *tx, &user, Credential::Session(session.id))
            .await?;
        let e = Ctx::new(&principal, meta)
            .entry(
                now,
                AuditAction::PasswordChanged,
                Outcome::Success,
                None,
                "login",
            )
            .subject("user", user.id);
        tx.append_audit(&e).await?;
        let stage = self.login_needs(&principal, creds.totp_enabled, creds.totp_enabled, false);
        self.advance(&mut tx, &session, &user, stage, meta, "totp")
            .await?;
        tx.commit().await?;
        Ok(stage)
    }

    /// Starts (or restarts) TOTP enrolment: a new secret, not yet active.
    pub async fn begin_enrolment(&self, user_id: UserId) -> ServiceResult<Enrolment> {
        let mut tx = self.write().await?;
        let user = tx
            .get_user(user_id)
            .await?
            .ok_or(ServiceError::NotFound("user"))?;
        let creds = tx
            .get_credentials(user_id)
            .await?
            .ok_or(ServiceError::NotFound("user"))?;
        if creds.totp_enabled {
            return Err(ServiceError::Conflict(
                "a second factor is already enrolled; an administrator can reset it".into(),
            ));
        }
        // Reloading the page shows the same secret, so a code scanned a moment ago still works.
        let secret = match creds.totp_secret {
            Some(pending) => pending,
            None => {
                let s = Secret::generate().to_base32();
                tx.set_totp_pending(user_id, Some(&s)).await?;
                s
            }
        };
        tx.commit().await?;
        let totp = totp_for(&self.config.totp_issuer, user.username.as_str(), &secret)?;
        Ok(Enrolment {
            otpauth_url: totp
                .to_url()
                .map_err(|e| ServiceError::internal_caused("otpauth url", e))?,
            secret_base32: secret,
        })
    }

    /// Confirms enrolment with a code from the app; returns the recovery codes (shown once).
    /// A session at the enrolment stage moves on.
    pub async fn confirm_enrolment(
        &self,
        user_id: UserId,
        session: Option<&SessionRecord>,
        code: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<String>> {
        let now = self.now();
        let mut tx = self.write().await?;
        let user = tx
            .get_user(user_id)
            .await?
            .ok_or(ServiceError::NotFound("user"))?;
        let creds = tx
            .get_credentials(user_id)
            .await?
            .ok_or(ServiceError::NotFound("user"))?;
        if creds.totp_enabled {
            return Err(ServiceError::Conflict(
                "a second factor is already enrolled".into(),
            ));
        }
        let secret = creds
            .totp_secret
            .ok_or_else(|| ServiceError::Conflict("start the enrolment first".into()))?;
        let totp = totp_for(&self.config.totp_issuer, user.username.as_str(), &secret)?;
        let Some(step) = check_totp(&totp, code, now, None) else {
            drop(tx);
            let e = anonymous_entry(
                meta,
                now,
                user_actor(&user),
                AuditAction::SecondFactorFailed,
                Outcome::Failure,
            )
            .subject("user", user.id)
            .details(serde_json::json!({ "reason": "wrong code at enrolment" }).to_string());
            self.audit_alone(e).await?;
            return Err(ServiceError::invalid(
                "code",
                "the code does not match; check the time on your phone and try again",
            ));
        };
        tx.enable_totp(user_id, DbInstant::new(now), step).await?;
        let codes: Vec<String> = (0..10).map(|_| recovery_code()).collect();
        let hashes: Vec<String> = codes.iter().map(|c| recovery_code_hash(c)).collect();
        tx.replace_recovery_codes(user_id, &hashes).await?;
        let credential = session.map_or(Credential::System, |s| Credential::Session(s.id));
        let principal = self.load_principal(&mut *tx, &user, credential).await?;
        let e = Ctx::new(&principal, meta)
            .entry(
                now,
                AuditAction::SecondFactorEnrolled,
                Outcome::Success,
                None,
                "login",
            )
            .subject("user", user.id);
        tx.append_audit(&e).await?;
        if let Some(s) = session.filter(|s| s.stage == SessionStage::Enrol) {
            self.advance(&mut tx, s, &user, SessionStage::Full, meta, "totp")
                .await?;
        }
        tx.commit().await?;
        Ok(codes)
    }

    /// Issues a new set of recovery codes (the old ones stop working).
    pub async fn renew_recovery_codes(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<String>> {
        let now = self.now();
        let mut tx = self.write().await?;
        let creds = tx
            .get_credentials(ctx.principal.user_id)
            .await?
            .ok_or(ServiceError::NotFound("user"))?;
        if !creds.totp_enabled {
            return Err(ServiceError::Conflict("enrol a second factor first".into()));
        }
        let codes: Vec<String> = (0..10).map(|_| recovery_code()).collect();
        let hashes: Vec<String> = codes.iter().map(|c| recovery_code_hash(c)).collect();
        tx.replace_recovery_codes(ctx.principal.user_id, &hashes)
            .await?;
        tx.append_audit(
            &ctx.entry(
                now,
                AuditAction::RecoveryCodesRenewed,
                Outcome::Success,
                None,
                "profile",
            )
            .subject("user", ctx.principal.user_id),
        )
        .await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// Changes one's own password (the current one is required).
    pub async fn change_password(
        &self,
        ctx: &Ctx<'_>,
        current: &str,
        new_password: &str,
    ) -> ServiceResult<()> {
        let now = self.now();
        let user_id = ctx.principal.user_id;
        let mut tx = self.read().await?;
        let creds = tx
            .get_credentials(user_id)
            .await?
            .ok_or(ServiceError::NotFound("user"))?;
        drop(tx);
        if !verify_password(current.to_owned(), creds.password_hash.clone()).await? {
            return Err(ServiceError::invalid(
                "current_password",
                "is not your current password",
            ));
        }
        check_password_policy(new_password, &ctx.principal.username)?;
        if current == new_password {
            return Err(ServiceError::invalid(
                "password",
                "must differ from the current password",
            ));
        }
        let hash = hash_password(new_password.to_owned()).await?;
        let mut tx = self.write().await?;
        tx.set_password(user_id, &hash, false, DbInstant::new(now))
            .await?;
        tx.append_audit(
            &ctx.entry(
                now,
                AuditAction::PasswordChanged,
                Outcome::Success,
                None,
                "profile",
            )
            .subject("user", user_id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn logout(&self, token: &str, meta: &RequestMeta) -> ServiceResult<()> {
        let now = self.now();
        let mut tx = self.write().await?;
        if let Some(session) = tx.get_session_by_token(&sha256(token.as_bytes())).await? {
            tx.delete_session(session.id).await?;
            if let Some(user) = tx.get_user(session.user_id).await? {
                let principal = self
                    .load_principal(&mut *tx, &user, Credential::Session(session.id))
                    .await?;
                tx.append_audit(&Ctx::new(&principal, meta).entry(
                    now,
                    AuditAction::Logout,
                    Outcome::Success,
                    None,
                    "login",
                ))
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Ends every session of the caller, on every device.
    pub async fn logout_everywhere(&self, ctx: &Ctx<'_>) -> ServiceResult<u64> {
        let now = self.now();
        let mut tx = self.write().await?;
        let n = tx.delete_user_sessions(ctx.principal.user_id).await?;
        tx.append_audit(
            &ctx.entry(
                now,
                AuditAction::LogoutEverywhere,
                Outcome::Success,
                None,
                "profile",
            )
            .details(serde_json::json!({ "sessions": n }).to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(n)
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
        let now = self.now();
        let token = format!("{API_TOKEN_PREFIX}{}", random_token());
        let id = ApiTokenId::new();
        tx.insert_api_token(&ApiTokenRecord {
            id,
            user_id: user,
            name: name.to_owned(),
            token_hash: sha256(token.as_bytes()),
            created_at: now,
            created_by,
            last_used_at: None,
            expires_at,
            revoked_at: None,
        })
        .await?;
        Ok(IssuedToken { id, token })
    }
}

fn principal_of(rows: vaka_store::PrincipalRows, credential: Credential) -> Principal {
    Principal {
        user_id: rows.user.id,
        username: rows.user.username.as_str().to_owned(),
        display_name: rows.user.display_name,
        organisation_id: rows.user.organisation_id,
        assignments: rows.assignments,
        coverage: rows.coverage,
        credential,
    }
}

fn user_actor(u: &UserAccount) -> Actor {
    Actor {
        user_id: Some(u.id),
        username: Some(u.username.as_str().to_owned()),
        organisation_id: Some(u.organisation_id),
        ..Actor::default()
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

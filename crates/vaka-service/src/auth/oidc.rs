//! Login through an OpenID Connect identity provider (SITHS eID): the service's half. The web
//! talks to the provider (`vaka-oidc`); here the login under way is kept (state, nonce, PKCE
//! verifier: in the database, so that any node can finish it, taken once, expiring) and the
//! provider's word is turned into a session: the account found by its HSA-id — never created —
//! and refused when it cannot log in; the session complete at once when the provider vouched
//! for two factors, else at the account's own second-factor stage.
//!
//! A **step-up** at the provider: a logged-in person about to do a sensitive action proves a
//! fresh second factor by authenticating at the provider again (the web asks for `prompt=login`
//! and `max_age=0`). The login under way names the session; the return must come in that
//! session, for the account that session is, vouched for with two factors and with an
//! `auth_time` after the start. Then the session's second factor counts as fresh, as after a
//! TOTP code (`step_up`), which is what lets an account with SITHS eID and no TOTP do the
//! sensitive actions at all.

use jiff::SignedDuration;
use vaka_domain::access::Credential;
use vaka_domain::audit::{Actor, AuditAction, NewAuditEntry, Outcome};
use vaka_domain::directory::UserAccount;
use vaka_domain::ids::SessionId;
use vaka_domain::reason::AuthReason;
use vaka_domain::validate::HsaId;
use vaka_store::{DbInstant, OidcLoginRecord};

use super::{LOGIN, NewSession, PROFILE, claimed_by};
use crate::door::{Op, Work};
use crate::error::Fault;
use crate::secrets::sha256;
use crate::{Ctx, RequestMeta, ServiceError, ServiceResult, Services};

/// How long a login may stay at the provider (the person picks a card, types a PIN).
pub const OIDC_LOGIN_LIFETIME: SignedDuration = SignedDuration::from_mins(10);

/// A login kept while the browser is at the provider.
#[derive(Debug, Clone)]
pub struct OidcPending {
    pub provider: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next: Option<String>,
    /// When the browser was sent to the provider.
    pub started_at: jiff::Timestamp,
    /// A step-up: the session it renews.
    pub step_up_session: Option<SessionId>,
}

/// What a step-up at the provider came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OidcStepUp {
    /// The session's second factor is fresh again.
    Confirmed,
    /// The provider vouched for someone else (another card), or for an account with no
    /// HSA-id: refused, audited.
    OtherPerson,
    /// The provider vouched for one factor only: refused, audited.
    OneFactor,
}

/// What the provider vouched for, once its id token verified.
#[derive(Debug, Clone)]
pub struct OidcVouched<'a> {
    pub provider: &'a str,
    /// The account claim's value (an HSA-id).
    pub account_key: &'a str,
    pub acr: Option<&'a str>,
    /// Whether `acr` is one of the provider's configured two-factor values.
    pub two_factors: bool,
}

/// Where a provider's word led.
#[derive(Debug, Clone)]
pub enum OidcOutcome {
    /// A session, at the stage the account needs next.
    Session(Box<NewSession>),
    /// No account has the HSA-id (or it is not one): an administrator must link it.
    UnknownAccount,
    /// The account cannot log in (deactivated, pseudonymised, not yet approved) or is locked.
    Refused,
}

/// A login or step-up about to go to the provider.
struct Started<'a> {
    provider: &'a str,
    state: &'a str,
    nonce: &'a str,
    pkce_verifier: &'a str,
    next: Option<&'a str>,
    step_up_session: Option<SessionId>,
}

impl Started<'_> {
    /// Keeps it (and clears the expired ones).
    async fn keep(&self, w: &mut crate::door::Change<'_>) -> crate::error::WorkResult<()> {
        let now = w.now();
        w.delete_expired_oidc_logins(DbInstant::new(now)).await?;
        w.insert_oidc_login(&OidcLoginRecord {
            state_hash: sha256(self.state.as_bytes()),
            provider: self.provider.to_owned(),
            nonce: self.nonce.to_owned(),
            pkce_verifier: self.pkce_verifier.to_owned(),
            next_path: self.next.map(str::to_owned),
            created_at: vaka_store::values::to_db_precision(now),
            expires_at: vaka_store::values::to_db_precision(now + OIDC_LOGIN_LIFETIME),
            step_up_session: self.step_up_session.map(|s| s.0),
        })
        .await?;
        Ok(())
    }
}

fn oidc_details(e: NewAuditEntry, fields: &serde_json::Value) -> NewAuditEntry {
    e.details(fields.to_string())
}

impl Services {
    /// Keeps a login sent to a provider until the browser returns (and clears expired ones).
    pub async fn oidc_login_started(
        &self,
        provider: &str,
        state: &str,
        nonce: &str,
        pkce_verifier: &str,
        next: Option<&str>,
    ) -> ServiceResult<()> {
        let op = Op::system(AuditAction::OidcLogin, LOGIN);
        let started = Started {
            provider,
            state,
            nonce,
            pkce_verifier,
            next,
            step_up_session: None,
        };
        self.door.change(op, async |w| started.keep(w).await).await
    }

    /// Keeps a step-up sent to a provider: the caller's session is the one it renews. Only a
    /// person's session can step up (not an API token).
    #[allow(clippy::too_many_arguments)]
    pub async fn oidc_step_up_started(
        &self,
        ctx: &Ctx<'_>,
        provider: &str,
        state: &str,
        nonce: &str,
        pkce_verifier: &str,
        next: Option<&str>,
    ) -> ServiceResult<()> {
        let Credential::Session(session) = ctx.principal.credential else {
            return Err(ServiceError::Conflict(
                AuthReason::FreshSecondFactorNeedsSession.into(),
            ));
        };
        let started = Started {
            provider,
            state,
            nonce,
            pkce_verifier,
            next,
            step_up_session: Some(session),
        };
        self.door
            .change(
                ctx.op(AuditAction::SecondFactorConfirmed, PROFILE),
                async |w| started.keep(w).await,
            )
            .await
    }

    /// Ends a step-up whose id token verified (with an `auth_time` after its start): the
    /// session's second factor is fresh again when the provider vouched, with two factors, for
    /// the caller's own HSA-id. Either way audited. `session` is the one the step-up named;
    /// the caller must be in it.
    pub async fn oidc_step_up(
        &self,
        ctx: &Ctx<'_>,
        v: &OidcVouched<'_>,
        session: SessionId,
    ) -> ServiceResult<OidcStepUp> {
        if ctx.principal.credential != Credential::Session(session) {
            return Err(ServiceError::Conflict(
                AuthReason::FreshSecondFactorNeedsSession.into(),
            ));
        }
        let me = ctx.principal.user_id;
        let vouched = HsaId::parse(v.account_key).ok();
        self.door
            .change(
                ctx.op(AuditAction::SecondFactorConfirmed, PROFILE),
                async |w| {
                    let user = w.get_user(me).await?.ok_or(Fault::not_found("user"))?;
                    let same = matches!((&user.hsa_id, &vouched), (Some(a), Some(b)) if a == b);
                    let outcome = if !same {
                        OidcStepUp::OtherPerson
                    } else if !v.two_factors {
                        OidcStepUp::OneFactor
                    } else {
                        OidcStepUp::Confirmed
                    };
                    let mut details = serde_json::json!({
                        "second_factor": "oidc",
                        "provider": v.provider,
                        "acr": v.acr,
                    });
                    let e = match outcome {
                        OidcStepUp::Confirmed => {
                            let now = DbInstant::new(w.now());
                            w.prove_second_factor(session, now).await?;
                            w.entry_for(AuditAction::SecondFactorConfirmed, Outcome::Success, None)
                        }
                        refused => {
                            details["reason"] = if refused == OidcStepUp::OtherPerson {
                                "another person's HSA-id"
                            } else {
                                "one factor"
                            }
                            .into();
                            w.entry_for(AuditAction::SecondFactorFailed, Outcome::Failure, None)
                        }
                    };
                    w.record(e.subject("user", me).details(details.to_string()));
                    Ok(outcome)
                },
            )
            .await
    }

    /// Takes the login the provider's answer names by its state: once only. A state that is
    /// unknown, used before, expired or of another provider gives `None`, audited.
    pub async fn oidc_login_returned(
        &self,
        provider: &str,
        state: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Option<OidcPending>> {
        let op = Op::anonymous(meta, AuditAction::OidcLogin, LOGIN);
        let hash = sha256(state.as_bytes());
        let taken = self
            .door
            .change(op, async |w| {
                let now = w.now();
                let found = w.take_oidc_login(&hash).await?;
                let reason = match &found {
                    None => Some("unknown or used state"),
                    Some(l) if l.expires_at <= now => Some("expired state"),
                    Some(l) if l.provider != provider => Some("state of another provider"),
                    Some(_) => None,
                };
                if let Some(reason) = reason {
                    let e = oidc_details(
                        w.entry(Outcome::Failure, None),
                        &serde_json::json!({ "provider": provider, "reason": reason }),
                    );
                    w.record(e);
                    return Ok(None);
                }
                Ok(found)
            })
            .await?;
        Ok(taken.map(|l| OidcPending {
            provider: l.provider,
            nonce: l.nonce,
            pkce_verifier: l.pkce_verifier,
            next: l.next_path,
            started_at: l.created_at,
            step_up_session: l.step_up_session.map(SessionId),
        }))
    }

    /// Audits a provider's answer that led nowhere (the provider's error, a refused token).
    pub async fn oidc_login_failed(
        &self,
        provider: &str,
        reason: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let op = Op::anonymous(meta, AuditAction::OidcLogin, LOGIN);
        self.door
            .change(op, async |w| {
                let e = oidc_details(
                    w.entry(Outcome::Failure, None),
                    &serde_json::json!({ "provider": provider, "reason": reason }),
                );
                w.record(e);
                Ok(())
            })
            .await
    }

    /// Turns a verified id token into a session: the account with the HSA-id the provider
    /// vouched for, never a new one.
    pub async fn oidc_login(
        &self,
        v: &OidcVouched<'_>,
        meta: &RequestMeta,
    ) -> ServiceResult<OidcOutcome> {
        let op = Op::anonymous(meta, AuditAction::OidcLogin, LOGIN);
        let hsa = HsaId::parse(v.account_key).ok();
        let found = self
            .door
            .read(op, async |r| {
                let Some(hsa) = &hsa else {
                    return Ok(None);
                };
                let Some(user) = r.get_user_by_hsa_id(hsa.as_str()).await? else {
                    return Ok(None);
                };
                let creds = r.get_credentials(user.id).await?;
                Ok(Some((user, creds, r.now())))
            })
            .await?;
        let fields = |reason: Option<&str>| {
            let mut f = serde_json::json!({
                "method": "oidc",
                "provider": v.provider,
                "acr": v.acr,
                "two_factors": v.two_factors,
            });
            if let Some(r) = reason {
                f["reason"] = r.into();
            }
            f
        };

        let Some((user, creds, now)) = found else {
            // The HSA-id goes to the audit log: the administrator who links the account needs
            // it. It is a directory id, not a personnummer.
            let mut f = fields(Some("unknown account"));
            f["hsa_id"] = hsa.as_ref().map_or("(not an HSA-id)", HsaId::as_str).into();
            self.oidc_audit(meta, Outcome::Failure, &f, |mut e| {
                e.actor = Actor::anonymous(None);
                e
            })
            .await?;
            return Ok(OidcOutcome::UnknownAccount);
        };
        let locked = creds
            .as_ref()
            .is_some_and(|c| self.config.lockout.is_locked(c.locked_until, now));
        let refusal = if !user.status.can_log_in() {
            Some(user.status.code())
        } else if locked {
            Some("locked")
        } else if creds.is_none() {
            Some("no credentials")
        } else {
            None
        };
        if let Some(reason) = refusal {
            self.oidc_audit(meta, Outcome::Failure, &fields(Some(reason)), |e| {
                claimed_by(e, &user)
            })
            .await?;
            return Ok(OidcOutcome::Refused);
        }
        let totp_enabled = creds.as_ref().is_some_and(|c| c.totp_enabled);
        self.oidc_audit(meta, Outcome::Success, &fields(None), |e| {
            claimed_by(e, &user)
        })
        .await?;
        let session = self.oidc_session(&user, totp_enabled, v, meta).await?;
        Ok(OidcOutcome::Session(Box::new(session)))
    }

    /// The session of a provider's login. Two factors vouched for: complete at once (the
    /// provider's factor stands for an enrolled one; no password change: the password is not
    /// used). Otherwise the account's own next stage: its code, or enrolment.
    async fn oidc_session(
        &self,
        user: &UserAccount,
        totp_enabled: bool,
        v: &OidcVouched<'_>,
        meta: &RequestMeta,
    ) -> ServiceResult<NewSession> {
        let details = serde_json::json!({
            "method": "oidc",
            "provider": v.provider,
            "second_factor": "acr",
            "acr": v.acr,
        });
        self.open_session(
            user,
            totp_enabled || v.two_factors,
            false,
            v.two_factors,
            meta,
            Some(details.to_string()),
        )
        .await
    }

    async fn oidc_audit(
        &self,
        meta: &RequestMeta,
        outcome: Outcome,
        fields: &serde_json::Value,
        shape: impl FnOnce(NewAuditEntry) -> NewAuditEntry + Send,
    ) -> ServiceResult<()> {
        let op = Op::anonymous(meta, AuditAction::OidcLogin, LOGIN);
        self.door
            .change(op, async |w| {
                let e = oidc_details(shape(w.entry(outcome, None)), fields);
                w.record(e);
                Ok(())
            })
            .await
    }
}

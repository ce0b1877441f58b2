//! Passkeys (WebAuthn) as a second factor beside TOTP: adding, naming and removing them on
//! one's own account, and proving one at the login's code step or for a step-up.
//!
//! - **Beside TOTP, not instead.** A passkey can be added only to an account with TOTP
//!   enrolled (`auth-passkey-needs-totp`), and an administrator's reset of the second factor
//!   removes the passkeys with the TOTP secret and the recovery codes. So an account's second
//!   factor is enrolled exactly when TOTP is; the recovery codes stay the way back for a lost
//!   device, and the enrolment stage of a first login stays as it is.
//! - **A ceremony is two requests**: `begin_*` keeps webauthn-rs's state of the ceremony in the
//!   database (`passkey_challenges`, bound to the session that asked, expiring after
//!   [`PasskeySettings::challenge_for`]); the answer takes it (used once, whatever the outcome),
//!   so any node can finish a ceremony another began.
//! - **The answer travels as the code.** At the login's code step and in every step-up prompt,
//!   the field that takes a one-time code also takes a passkey's answer: the JSON
//!   `{"challenge": <id>, "credential": <PublicKeyCredential>}` ([`looks_like_passkey`]). So the
//!   API's `code` of the sensitive actions and the pages' code fields accept a passkey without
//!   new parameters.
//! - **Failures** (a passkey not the account's, a wrong site, a challenge answered before or
//!   expired) are audited and counted towards the lock as a wrong code is, and change nothing
//!   else. An answer that is not JSON of that shape is refused as malformed (422) and counts
//!   nothing: it proves no guess.

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use vaka_domain::access::Credential;
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::directory::UserAccount;
use vaka_domain::ids::{PasskeyChallengeId, PasskeyId, SessionId, UserId};
use vaka_domain::reason::AuthReason;
use vaka_store::{DbInstant, PasskeyChallengeRecord, PasskeyRecord};
use webauthn_rs::prelude::{
    Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Webauthn, WebauthnBuilder,
};

use super::PROFILE;
use crate::door::{Change, Work};
use crate::error::{Fault, WorkResult};
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// The relying party passkeys are bound to: the site's host name and its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeySettings {
    /// The relying party id: the host name (`vaka.kommun.se`, `localhost`).
    pub rp_id: String,
    /// The origin browsers report (`https://vaka.kommun.se`).
    pub origin: String,
    /// Whether any port of the origin's host is accepted (only for `localhost` derived from a
    /// loopback listener, whose port is chosen at start).
    pub any_port: bool,
    /// How long a ceremony's challenge waits for its answer.
    pub challenge_for: SignedDuration,
}

impl PasskeySettings {
    const CHALLENGE_FOR: SignedDuration = SignedDuration::from_mins(5);

    /// The relying party of a public URL (`https://vaka.kommun.se`); `None` when the URL has
    /// no host name (an IP address: browsers refuse one as a relying party) or is no URL.
    pub fn from_public_url(url: &str) -> Option<Self> {
        let parsed = Url::parse(url).ok()?;
        let host = parsed.domain()?.to_owned();
        Some(Self {
            rp_id: host,
            origin: parsed.origin().ascii_serialization(),
            any_port: false,
            challenge_for: Self::CHALLENGE_FOR,
        })
    }

    /// `http://localhost` on any port: for a server listening on loopback with no public URL
    /// (the demo, tests). Browsers treat `localhost` as a secure context.
    pub fn localhost() -> Self {
        Self {
            rp_id: "localhost".into(),
            origin: "http://localhost".into(),
            any_port: true,
            challenge_for: Self::CHALLENGE_FOR,
        }
    }

    fn webauthn(&self) -> ServiceResult<Webauthn> {
        let origin = Url::parse(&self.origin)
            .map_err(|e| ServiceError::internal_caused("passkey origin", e))?;
        WebauthnBuilder::new(&self.rp_id, &origin)
            .map_err(|e| ServiceError::internal_caused("passkey relying party", e))?
            .rp_name("Vaka")
            .allow_any_port(self.any_port)
            .build()
            .map_err(|e| ServiceError::internal_caused("passkey relying party", e))
    }
}

/// A ceremony begun: its id (sent back with the answer) and the options for the browser's
/// `navigator.credentials.create()` / `.get()` (`{"publicKey": …}`, binary values base64url).
#[derive(Debug, Clone)]
pub struct PasskeyChallenge {
    pub id: PasskeyChallengeId,
    pub options: serde_json::Value,
}

/// One of the user's passkeys, as their account page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyInfo {
    pub id: PasskeyId,
    pub name: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

/// What the ceremony's challenge is for.
const REGISTER: &str = "register";
const AUTHENTICATE: &str = "authenticate";

/// The longest name of a passkey, in characters.
const NAME_MAX: usize = 60;

/// A passkey's answer as the code field carries it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer<T> {
    challenge: PasskeyChallengeId,
    credential: T,
}

/// Whether a code field holds a passkey's answer (JSON) rather than a one-time or recovery
/// code (digits and letters).
pub fn looks_like_passkey(code: &str) -> bool {
    code.trim_start().starts_with('{')
}

fn parse_answer<T: serde::de::DeserializeOwned>(
    field: &'static str,
    json: &str,
) -> ServiceResult<Answer<T>> {
    serde_json::from_str(json.trim())
        .map_err(|_| ServiceError::invalid(field, AuthReason::PasskeyMalformed))
}

/// A passkey's name as kept: trimmed, 1–60 characters.
fn checked_name(name: &str) -> ServiceResult<String> {
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 || n > NAME_MAX || name.chars().any(char::is_control) {
        return Err(ServiceError::invalid("name", AuthReason::PasskeyName));
    }
    Ok(name.to_owned())
}

fn stored(p: &PasskeyRecord) -> WorkResult<Passkey> {
    serde_json::from_str(&p.passkey)
        .map_err(|e| ServiceError::internal_caused("stored passkey is invalid", e).into())
}

fn json<T: serde::Serialize>(what: &'static str, v: &T) -> ServiceResult<String> {
    serde_json::to_string(v).map_err(|e| ServiceError::internal_caused(what, e))
}

/// Why a passkey's answer did not prove anything (the audit log's reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PasskeyFailure {
    /// No waiting challenge of this session had that id (answered before, or another's).
    ChallengeGone,
    /// The challenge had expired.
    Expired,
    /// webauthn-rs refused the answer (a passkey not the account's, a wrong origin, a bad
    /// signature, a counter gone back).
    Refused,
}

impl PasskeyFailure {
    pub(crate) fn detail(self) -> &'static str {
        match self {
            Self::ChallengeGone => "passkey challenge gone",
            Self::Expired => "passkey challenge expired",
            Self::Refused => "passkey refused",
        }
    }

    pub(crate) fn reason(self) -> AuthReason {
        match self {
            Self::ChallengeGone | Self::Expired => AuthReason::PasskeyChallengeGone,
            Self::Refused => AuthReason::PasskeyRefused,
        }
    }
}

/// Takes this session's challenge `id` for `purpose`, refusing one expired.
async fn take_challenge(
    w: &mut Change<'_>,
    id: PasskeyChallengeId,
    user: UserId,
    session: SessionId,
    purpose: &str,
) -> WorkResult<Result<String, PasskeyFailure>> {
    let now = w.now();
    let Some(c) = w.take_passkey_challenge(id, user, session).await? else {
        return Ok(Err(PasskeyFailure::ChallengeGone));
    };
    if c.purpose != purpose {
        return Ok(Err(PasskeyFailure::ChallengeGone));
    }
    if c.expires_at <= now {
        return Ok(Err(PasskeyFailure::Expired));
    }
    Ok(Ok(c.state))
}

impl Services {
    /// Whether passkeys can be used here (the public address is a host name).
    pub fn passkeys_available(&self) -> bool {
        self.config.passkeys.is_some()
    }

    fn relying_party(&self) -> ServiceResult<(Webauthn, SignedDuration)> {
        let s = self.config.passkeys.as_ref().ok_or(ServiceError::Conflict(
            AuthReason::PasskeysUnavailable.into(),
        ))?;
        Ok((s.webauthn()?, s.challenge_for))
    }

    /// Keeps a ceremony's state for its answer.
    async fn keep_challenge(
        &self,
        w: &mut Change<'_>,
        user: UserId,
        session: SessionId,
        purpose: &str,
        state: String,
        challenge_for: SignedDuration,
    ) -> WorkResult<PasskeyChallengeId> {
        let now = w.now();
        let id = PasskeyChallengeId::new();
        w.insert_passkey_challenge(&PasskeyChallengeRecord {
            id,
            user_id: user,
            session_id: session,
            purpose: purpose.to_owned(),
            state,
            created_at: now,
            expires_at: now + challenge_for,
        })
        .await?;
        Ok(id)
    }

    /// A challenge for proving one of `user`'s passkeys in `session` (the login's code step,
    /// or a step-up). Refused when the account has no passkey.
    pub(super) async fn begin_authentication(
        &self,
        w: &mut Change<'_>,
        user: UserId,
        session: SessionId,
    ) -> WorkResult<PasskeyChallenge> {
        let (webauthn, challenge_for) = self.relying_party()?;
        let keys = w
            .list_passkeys(user)
            .await?
            .iter()
            .map(stored)
            .collect::<WorkResult<Vec<_>>>()?;
        if keys.is_empty() {
            return Err(Fault::conflict(AuthReason::NoPasskeys));
        }
        let (options, state) = webauthn
            .start_passkey_authentication(&keys)
            .map_err(|e| ServiceError::internal_caused("passkey challenge", e))?;
        let state = json("passkey state", &state)?;
        let id = self
            .keep_challenge(w, user, session, AUTHENTICATE, state, challenge_for)
            .await?;
        Ok(PasskeyChallenge {
            id,
            options: serde_json::to_value(&options)
                .map_err(|e| ServiceError::internal_caused("passkey options", e))?,
        })
    }

    /// Checks a passkey's answer (as the code field carries it) for `user` in `session`: the
    /// challenge is taken (used once) and, when the answer proves it, the passkey's counter and
    /// last use are kept. `Ok(Err(_))` says why it proved nothing; a malformed answer is an
    /// error (nothing taken).
    pub(super) async fn prove_passkey(
        &self,
        w: &mut Change<'_>,
        user: UserId,
        session: SessionId,
        answer: &str,
    ) -> WorkResult<Result<PasskeyId, PasskeyFailure>> {
        let (webauthn, _) = self.relying_party()?;
        let answer: Answer<PublicKeyCredential> = parse_answer("code", answer)?;
        let state = match take_challenge(w, answer.challenge, user, session, AUTHENTICATE).await? {
            Ok(s) => s,
            Err(failure) => return Ok(Err(failure)),
        };
        let state: PasskeyAuthentication = serde_json::from_str(&state)
            .map_err(|e| ServiceError::internal_caused("stored passkey state is invalid", e))?;
        let Ok(result) = webauthn.finish_passkey_authentication(&answer.credential, &state) else {
            return Ok(Err(PasskeyFailure::Refused));
        };
        // The credential is one of this user's (webauthn-rs allowed only those); find its row.
        let rows = w.list_passkeys(user).await?;
        for row in rows {
            let mut key = stored(&row)?;
            if key.update_credential(&result).is_some() {
                let now = DbInstant::new(w.now());
                w.passkey_used(row.id, &json("passkey", &key)?, now).await?;
                return Ok(Ok(row.id));
            }
        }
        Ok(Err(PasskeyFailure::Refused))
    }

    /// The caller's own passkeys.
    pub async fn own_passkeys(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<PasskeyInfo>> {
        let me = ctx.principal.user_id;
        self.door
            .read(ctx.op(AuditAction::AccessDenied, PROFILE), async |r| {
                Ok(r.list_passkeys(me)
                    .await?
                    .into_iter()
                    .map(|p| PasskeyInfo {
                        id: p.id,
                        name: p.name,
                        created_at: p.created_at,
                        last_used_at: p.last_used_at,
                    })
                    .collect())
            })
            .await
    }

    /// Begins adding a passkey to the caller's account (a logged-in session with TOTP
    /// enrolled). The fresh second factor is asked for when the passkey comes
    /// ([`Self::add_passkey`]).
    pub async fn begin_passkey_registration(
        &self,
        ctx: &Ctx<'_>,
    ) -> ServiceResult<PasskeyChallenge> {
        let (webauthn, challenge_for) = self.relying_party()?;
        let session = own_session(ctx)?;
        let me = ctx.principal.user_id;
        self.door
            .change(ctx.op(AuditAction::PasskeyAdded, PROFILE), async |w| {
                let user = enrolled_user(w, me).await?;
                let existing = w
                    .list_passkeys(me)
                    .await?
                    .iter()
                    .map(|p| stored(p).map(|k| k.cred_id().clone()))
                    .collect::<WorkResult<Vec<_>>>()?;
                let (options, state) = webauthn
                    .start_passkey_registration(
                        me.0,
                        user.username.as_str(),
                        &user.display_name,
                        Some(existing),
                    )
                    .map_err(|e| ServiceError::internal_caused("passkey challenge", e))?;
                let state = json("passkey state", &state)?;
                let id = self
                    .keep_challenge(w, me, session, REGISTER, state, challenge_for)
                    .await?;
                Ok(PasskeyChallenge {
                    id,
                    options: serde_json::to_value(&options)
                        .map_err(|e| ServiceError::internal_caused("passkey options", e))?,
                })
            })
            .await
    }

    /// Adds the passkey the browser made for the registration challenge in `answer`
    /// (`{"challenge", "credential"}`), named `name`. Needs a fresh second factor (`code`
    /// proves it again when stale; a passkey's answer to a step-up challenge is a code too).
    pub async fn add_passkey(
        &self,
        ctx: &Ctx<'_>,
        name: &str,
        answer: &str,
        code: Option<&str>,
    ) -> ServiceResult<PasskeyId> {
        let (webauthn, _) = self.relying_party()?;
        let session = own_session(ctx)?;
        let name = checked_name(name)?;
        let answer: Answer<RegisterPublicKeyCredential> = parse_answer("credential", answer)?;
        let me = ctx.principal.user_id;
        let result = self
            .door
            .change(ctx.op(AuditAction::PasskeyAdded, PROFILE), async |w| {
                enrolled_user(w, me).await?;
                if let Err(wrong) = self.fresh_second_factor(w, code).await? {
                    return Ok(Err(wrong));
                }
                let state =
                    match take_challenge(w, answer.challenge, me, session, REGISTER).await? {
                        Ok(s) => s,
                        Err(failure) => {
                            let e = w.entry(Outcome::Failure, None).subject("user", me).details(
                                serde_json::json!({ "reason": failure.detail() }).to_string(),
                            );
                            w.record(e);
                            return Ok(Ok(Err(failure.reason())));
                        }
                    };
                let state: PasskeyRegistration = serde_json::from_str(&state).map_err(|e| {
                    ServiceError::internal_caused("stored passkey state is invalid", e)
                })?;
                let Ok(key) = webauthn.finish_passkey_registration(&answer.credential, &state)
                else {
                    let e = w
                        .entry(Outcome::Failure, None)
                        .subject("user", me)
                        .details(serde_json::json!({ "reason": "passkey refused" }).to_string());
                    w.record(e);
                    return Ok(Ok(Err(AuthReason::PasskeyRefused)));
                };
                let id = PasskeyId::new();
                let now = w.now();
                w.insert_passkey(&PasskeyRecord {
                    id,
                    user_id: me,
                    name: name.clone(),
                    credential_id: key.cred_id().to_vec(),
                    passkey: json("passkey", &key)?,
                    created_at: now,
                    last_used_at: None,
                })
                .await?;
                w.succeeded(None, |e| {
                    e.subject("user", me)
                        .details(serde_json::json!({ "passkey": id.to_string() }).to_string())
                });
                Ok(Ok(Ok(id)))
            })
            .await;
        // A refused answer is committed (its challenge is used up and the failure audited)
        // and then reported.
        self.after_step_up(ctx, result)
            .await?
            .map_err(|reason| ServiceError::invalid("credential", reason))
    }

    /// Renames one of the caller's passkeys.
    pub async fn rename_passkey(
        &self,
        ctx: &Ctx<'_>,
        id: PasskeyId,
        name: &str,
    ) -> ServiceResult<()> {
        let name = checked_name(name)?;
        let me = ctx.principal.user_id;
        self.door
            .change(ctx.op(AuditAction::PasskeyRenamed, PROFILE), async |w| {
                if !w.rename_passkey(me, id, &name).await? {
                    return Err(Fault::not_found("passkey"));
                }
                w.succeeded(None, |e| {
                    e.subject("user", me)
                        .details(serde_json::json!({ "passkey": id.to_string() }).to_string())
                });
                Ok(())
            })
            .await
    }

    /// Removes one of the caller's passkeys. Needs a fresh second factor (`code`).
    pub async fn remove_passkey(
        &self,
        ctx: &Ctx<'_>,
        id: PasskeyId,
        code: Option<&str>,
    ) -> ServiceResult<()> {
        let me = ctx.principal.user_id;
        let result = self
            .door
            .change(ctx.op(AuditAction::PasskeyRemoved, PROFILE), async |w| {
                if !w.list_passkeys(me).await?.iter().any(|p| p.id == id) {
                    return Err(Fault::not_found("passkey"));
                }
                if let Err(wrong) = self.fresh_second_factor(w, code).await? {
                    return Ok(Err(wrong));
                }
                w.delete_passkey(me, id).await?;
                w.succeeded(None, |e| {
                    e.subject("user", me)
                        .details(serde_json::json!({ "passkey": id.to_string() }).to_string())
                });
                Ok(Ok(()))
            })
            .await;
        self.after_step_up(ctx, result).await
    }

    /// A challenge for a step-up with a passkey in the caller's session: the answer goes in
    /// the sensitive action's `code`.
    pub async fn begin_step_up_passkey(&self, ctx: &Ctx<'_>) -> ServiceResult<PasskeyChallenge> {
        let session = own_session(ctx)?;
        let me = ctx.principal.user_id;
        self.door
            .change(
                ctx.op(AuditAction::SecondFactorConfirmed, PROFILE),
                async |w| self.begin_authentication(w, me, session).await,
            )
            .await
    }
}

/// The caller's session: passkey ceremonies are a person's, in a browser (never a token's).
fn own_session(ctx: &Ctx<'_>) -> ServiceResult<SessionId> {
    match ctx.principal.credential {
        Credential::Session(id) => Ok(id),
        _ => Err(ServiceError::Conflict(
            AuthReason::FreshSecondFactorNeedsSession.into(),
        )),
    }
}

/// The caller's account, refused unless TOTP is enrolled (passkeys come beside it).
async fn enrolled_user(w: &mut Change<'_>, me: UserId) -> WorkResult<UserAccount> {
    let user = w.get_user(me).await?.ok_or(Fault::not_found("user"))?;
    let creds = w
        .get_credentials(me)
        .await?
        .ok_or(Fault::not_found("user"))?;
    if !creds.totp_enabled {
        return Err(Fault::conflict(AuthReason::PasskeyNeedsTotp));
    }
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_needs_a_host_name() {
        let s = PasskeySettings::from_public_url("https://vaka.kommun.se/").unwrap();
        assert_eq!(s.rp_id, "vaka.kommun.se");
        assert_eq!(s.origin, "https://vaka.kommun.se");
        assert!(s.webauthn().is_ok());
        let s = PasskeySettings::from_public_url("http://localhost:8080").unwrap();
        assert_eq!(s.origin, "http://localhost:8080");
        assert!(PasskeySettings::from_public_url("http://127.0.0.1:8080").is_none());
        assert!(PasskeySettings::from_public_url("http://[::1]:8080").is_none());
        assert!(PasskeySettings::from_public_url("not a url").is_none());
        assert!(PasskeySettings::localhost().webauthn().is_ok());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(checked_name("  Jobbdator ").unwrap(), "Jobbdator");
        assert!(checked_name("   ").is_err());
        assert!(checked_name(&"x".repeat(61)).is_err());
        assert!(checked_name(&"å".repeat(60)).is_ok());
        assert!(checked_name("a\u{0}b").is_err());
    }

    #[test]
    fn a_passkey_answer_is_told_from_a_code() {
        assert!(looks_like_passkey(" {\"challenge\":1}"));
        assert!(!looks_like_passkey("123456"));
        assert!(!looks_like_passkey("abcd-efgh-ij"));
        assert!(parse_answer::<PublicKeyCredential>("code", "{not json").is_err());
        assert!(parse_answer::<PublicKeyCredential>("code", "{\"challenge\":\"x\"}").is_err());
    }
}

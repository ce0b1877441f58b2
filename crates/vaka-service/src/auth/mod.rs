//! Logging in and proving who you are: passwords, TOTP, recovery codes, sessions and bearer
//! tokens.
//!
//! A login is a session that climbs stages (`SessionStage`): password → code → forced password
//! change → enrolment → full. Only full sessions reach anything but the login pages. The same
//! principal type comes out of a session cookie and a bearer token, so an OIDC login (SITHS
//! eID through an identity provider, [`oidc`]) ends in the same session start.
//!
//! By concern: [`login`] (the steps of a login and the failures they count), [`sessions`]
//! (resolving a cookie, logging out), [`oidc`] (a provider's login kept and turned into a
//! session), [`second_factor`] (TOTP enrolment and recovery codes), [`passkeys`] (WebAuthn
//! passkeys beside TOTP),
//! [`passwords`] (changing one's own), [`tokens`] (bearer tokens), [`step_up`] (a fresh second
//! factor for the sensitive actions).

mod app_devices;
mod login;
mod oidc;
mod passkeys;
mod passwords;
mod second_factor;
mod sessions;
mod step_up;
mod tokens;

pub use app_devices::{
    APP_DEVICE_LIFETIME, APP_PIN_TRIES, AppUnlock, IssuedAppDevice, pin_acceptable,
};
pub use oidc::{OIDC_LOGIN_LIFETIME, OidcOutcome, OidcPending, OidcStepUp, OidcVouched};
pub use passkeys::{PasskeyChallenge, PasskeyInfo, PasskeySettings, looks_like_passkey};
pub use second_factor::{check_totp, current_totp_code};
pub use tokens::API_TOKEN_PREFIX;

use vaka_domain::access::{Credential, Principal};
use vaka_domain::audit::{Actor, AuditAction, NewAuditEntry};
use vaka_domain::auth::{LoginNeeds, SessionStage, next_stage};
use vaka_domain::directory::UserAccount;
use vaka_domain::ids::{ApiTokenId, UserId};
use vaka_store::{PrincipalRows, ReadTx, SessionRecord, StoreResult};

use crate::door::Op;
use crate::error::Fault;
use crate::{ServiceResult, Services};

/// The care context of the login steps.
const LOGIN: &str = "login";
/// The care context of what a user does about their own account.
const PROFILE: &str = "profile";

/// A session that was just created: the cookie value is only ever here.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub session: SessionRecord,
}

/// A login step that succeeded: the stage the session reached, and the session's new token
/// (every step up issues one; the old one no longer works).
#[derive(Debug, Clone)]
pub struct SteppedUp {
    pub stage: SessionStage,
    pub token: String,
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

/// Work of the login machinery that writes no audit entry (reading a session or a token,
/// removing an expired session, keeping an enrolment's secret).
fn unaudited() -> Op<'static> {
    Op::system(AuditAction::AccessDenied, LOGIN)
}

/// Loads everything the rules need to know about an active user.
async fn load_principal(
    tx: &mut dyn ReadTx,
    user: &UserAccount,
    credential: Credential,
) -> StoreResult<Principal> {
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

fn principal_of(rows: PrincipalRows, credential: Credential) -> Principal {
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

/// The stage a session reaches next.
fn login_needs(
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

/// An entry of a login step about the account it claims (not yet proven: no credential).
fn claimed_by(mut e: NewAuditEntry, u: &UserAccount) -> NewAuditEntry {
    e.actor = Actor {
        user_id: Some(u.id),
        username: Some(u.username.as_str().to_owned()),
        organisation_id: Some(u.organisation_id),
        ..Actor::default()
    };
    e.subject("user", u.id)
}

/// An entry of a login step by the principal it has proven.
fn proven(mut e: NewAuditEntry, principal: &Principal) -> NewAuditEntry {
    e.actor = Actor::acting(principal, None);
    e
}

/// The details of a failed step: why it failed.
fn failure_details(e: NewAuditEntry, reason: &str) -> NewAuditEntry {
    e.details(serde_json::json!({ "reason": reason }).to_string())
}

impl Services {
    /// The principal of an active user (for jobs and the demo acting as that user).
    pub async fn principal_for(
        &self,
        user: UserId,
        credential: Credential,
    ) -> ServiceResult<Principal> {
        self.door
            .read(unaudited(), async |r| {
                let account = r
                    .get_user(user)
                    .await?
                    .filter(|u| u.status.can_log_in())
                    .ok_or(Fault::not_found("user"))?;
                Ok(load_principal(&mut **r, &account, credential).await?)
            })
            .await
    }
}

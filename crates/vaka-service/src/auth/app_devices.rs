//! The staff app's long-lived login on a phone: after a full login (password and second
//! factor) the app asks for a **device key** and the user chooses a PIN. The key stays on the
//! phone; the server keeps only its hash and the PIN's Argon2 hash. Later, when the session has
//! ended, the key and the PIN together open a new session on that phone — the key proves the
//! device, the PIN the person, so neither alone is enough: a stolen key needs the PIN, a seen
//! PIN needs the phone. [`APP_PIN_TRIES`] wrong PINs in a row revoke the key (the app then
//! wipes it and asks for a full login); so do "log out everywhere", the user's deactivation and
//! the key's age ([`APP_DEVICE_LIFETIME`]).

use jiff::SignedDuration;
use subtle::ConstantTimeEq;
use vaka_domain::access::{Credential, Permission};
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::ids::AppDeviceId;
use vaka_domain::reason::AuthReason;
use vaka_store::{AppDeviceRecord, DbInstant};

use super::{NewSession, claimed_by, failure_details};
use crate::door::{Op, Work};
use crate::error::Fault;
use crate::secrets::{hash_password, random_token, sha256, verify_password};
use crate::{Ctx, RequestMeta, ServiceError, ServiceResult, Services};

/// Wrong PINs in a row after which a device key is revoked.
pub const APP_PIN_TRIES: u32 = 5;

/// How long a device key lives (a full login makes a new one).
pub const APP_DEVICE_LIFETIME: SignedDuration = SignedDuration::from_hours(30 * 24);

/// The care context of the staff app's login.
const APP: &str = "staff_app";

/// A device key as issued: the key is shown to the phone once.
#[derive(Debug, Clone)]
pub struct IssuedAppDevice {
    pub id: AppDeviceId,
    pub key: String,
    pub expires_at: jiff::Timestamp,
}

/// How an unlock ended.
#[derive(Debug)]
pub enum AppUnlock {
    /// A full session for the phone.
    Session(Box<NewSession>),
    /// A wrong PIN: this many tries are left.
    WrongPin { left: u32 },
    /// The key does not work (any more): unknown, revoked (also just now, after the last wrong
    /// PIN), expired, or its user may not log in. The phone wipes it.
    Gone,
}

/// Whether `pin` is acceptable: 4–8 digits, not one digit repeated, not a straight run up or
/// down (1234, 9876).
pub fn pin_acceptable(pin: &str) -> bool {
    let digits: Vec<i32> = pin
        .chars()
        .map(|c| c.to_digit(10).and_then(|d| i32::try_from(d).ok()))
        .collect::<Option<_>>()
        .unwrap_or_default();
    if !(4..=8).contains(&digits.len()) || digits.len() != pin.chars().count() {
        return false;
    }
    let steps: Vec<i32> = digits.windows(2).map(|w| w[1] - w[0]).collect();
    let same = |s: i32| steps.iter().all(|&d| d == s);
    !(same(0) || same(1) || same(-1))
}

impl Services {
    /// Issues a device key for the caller's phone, unlocked by `pin`. Only a logged-in
    /// session of someone who registers visits may (not an API token).
    pub async fn enrol_app_device(
        &self,
        ctx: &Ctx<'_>,
        pin: &str,
    ) -> ServiceResult<IssuedAppDevice> {
        if !pin_acceptable(pin) {
            return Err(ServiceError::invalid("pin", AuthReason::PinTooWeak));
        }
        let pin_hash = hash_password(pin.to_owned()).await?;
        self.door
            .change(ctx.op(AuditAction::AppDeviceEnrolled, APP), async |w| {
                let grant = w.any_grant(
                    Permission::VisitRegister,
                    vaka_domain::reason::AccessReason::NoAccessToThis,
                )?;
                if !matches!(ctx.principal.credential, Credential::Session(_)) {
                    return Err(Fault::invalid(
                        "credential",
                        AuthReason::AppDeviceNeedsSession,
                    ));
                }
                let now = w.now();
                let key = random_token();
                let record = AppDeviceRecord {
                    id: AppDeviceId::new(),
                    user_id: ctx.principal.user_id,
                    key_hash: sha256(key.as_bytes()),
                    pin_hash,
                    created_at: now,
                    expires_at: now + APP_DEVICE_LIFETIME,
                    last_used_at: None,
                    failed_pins: 0,
                    revoked_at: None,
                };
                w.insert_app_device(&record).await?;
                w.succeeded(Some(&grant), |e| e.subject("app_device", record.id));
                Ok(IssuedAppDevice {
                    id: record.id,
                    key,
                    expires_at: record.expires_at,
                })
            })
            .await
    }

    /// Opens a session on a phone with its device key and the user's PIN. Every try is
    /// audited; a wrong PIN counts, and the last allowed one revokes the key.
    pub async fn unlock_app_device(
        &self,
        id: AppDeviceId,
        key: &str,
        pin: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<AppUnlock> {
        let op = Op::anonymous(meta, AuditAction::AppDeviceUnlocked, APP);
        let (found, now) = self
            .door
            .read(super::unaudited(), async |r| {
                let device = r.get_app_device(id).await?;
                let owner = match &device {
                    Some(d) => r
                        .get_user(d.user_id)
                        .await?
                        .zip(r.get_credentials(d.user_id).await?),
                    None => None,
                };
                Ok((device.zip(owner), r.now()))
            })
            .await?;
        let key_ok = found.as_ref().is_some_and(|(d, _)| {
            bool::from(
                d.key_hash
                    .as_slice()
                    .ct_eq(sha256(key.as_bytes()).as_slice()),
            )
        });
        // The PIN is checked even for a key that does not work, so the answer takes as long.
        let pin_ok = verify_password(
            pin.to_owned(),
            found.as_ref().map(|(d, _)| d.pin_hash.clone()),
        )
        .await?;
        let Some((device, (user, creds))) = found.filter(|_| key_ok) else {
            self.door
                .change(op, async |w| {
                    let e = failure_details(w.entry(Outcome::Failure, None), "unknown device key")
                        .subject("app_device", id);
                    w.record(e);
                    Ok(())
                })
                .await?;
            return Ok(AppUnlock::Gone);
        };
        let dead = if device.revoked_at.is_some() {
            Some("revoked")
        } else if now >= device.expires_at {
            Some("expired")
        } else if !user.status.can_log_in() {
            Some(user.status.code())
        } else if self.config.lockout.is_locked(creds.locked_until, now) {
            Some("locked")
        } else {
            None
        };
        if let Some(why) = dead {
            self.door
                .change(op, async |w| {
                    let e = claimed_by(w.entry(Outcome::Failure, None), &user);
                    let e = failure_details(e, why).subject("app_device", id);
                    w.record(e);
                    Ok(())
                })
                .await?;
            return Ok(AppUnlock::Gone);
        }
        if !pin_ok {
            let failed = device.failed_pins.saturating_add(1);
            let wiped = failed >= APP_PIN_TRIES;
            self.door
                .change(op, async |w| {
                    w.set_app_device_failures(id, failed).await?;
                    let e = claimed_by(w.entry(Outcome::Failure, None), &user);
                    let e = failure_details(e, "wrong pin").subject("app_device", id);
                    w.record(e);
                    if wiped {
                        let at = DbInstant::new(w.now());
                        w.revoke_app_device(id, at).await?;
                        let e = claimed_by(
                            w.entry_for(AuditAction::AppDeviceRevoked, Outcome::Success, None),
                            &user,
                        )
                        .subject("app_device", id)
                        .details(serde_json::json!({ "wrong_pins": failed }).to_string());
                        w.record(e);
                    }
                    Ok(())
                })
                .await?;
            return Ok(if wiped {
                AppUnlock::Gone
            } else {
                AppUnlock::WrongPin {
                    left: APP_PIN_TRIES - failed,
                }
            });
        }
        self.door
            .change(op, async |w| {
                let at = DbInstant::new(w.now());
                w.app_device_used(id, at).await?;
                let e =
                    claimed_by(w.entry(Outcome::Success, None), &user).subject("app_device", id);
                w.record(e);
                Ok(())
            })
            .await?;
        // The key and the PIN stand for the password and the second factor of a login.
        let session = self
            .start_session(
                &user,
                creds.totp_enabled,
                creds.must_change_password,
                true,
                meta,
            )
            .await?;
        Ok(AppUnlock::Session(Box::new(session)))
    }

    /// Revokes one of the caller's own device keys (the app's "forget this phone").
    pub async fn revoke_app_device(&self, ctx: &Ctx<'_>, id: AppDeviceId) -> ServiceResult<()> {
        self.door
            .change(ctx.op(AuditAction::AppDeviceRevoked, APP), async |w| {
                let mine = w
                    .get_app_device(id)
                    .await?
                    .filter(|d| d.user_id == ctx.principal.user_id)
                    .ok_or(Fault::not_found("app device"))?;
                let at = DbInstant::new(w.now());
                w.revoke_app_device(mine.id, at).await?;
                w.succeeded(None, |e| e.subject("app_device", id));
                Ok(())
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::pin_acceptable;

    #[test]
    fn pins_are_digits_and_not_easy() {
        for ok in ["2580", "1357", "90210", "73915824", "1243"] {
            assert!(pin_acceptable(ok), "{ok}");
        }
        for bad in [
            "",
            "123",
            "0000",
            "1111",
            "1234",
            "4321",
            "98765",
            "123456789",
            "12a4",
            "１２３５",
            " 1357",
            "13579135x",
        ] {
            assert!(!pin_acceptable(bad), "{bad:?}");
        }
    }
}

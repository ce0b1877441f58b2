//! Rules of logging in: lockout after repeated failures, the steps of a login, and session
//! lifetimes. The mechanics (hashing, cookies, storage) live in the service and web crates.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

/// How far a login has come. Only `Full` sessions may use anything but the login pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum SessionStage {
    /// The password was right; the TOTP code is still to come.
    SecondFactor,
    /// The password must be changed before going on (first login with an issued password).
    PasswordChange,
    /// The user must enrol a second factor before going on.
    Enrol,
    /// Fully logged in.
    Full,
}

crate::impl_codes!(SessionStage);

/// What the account still needs after a step of the login succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginNeeds {
    pub second_factor_enrolled: bool,
    /// A code was already given in this login.
    pub second_factor_done: bool,
    pub must_change_password: bool,
    pub second_factor_required: bool,
}

/// The next stage of a login: code first (if enrolled), then a forced password change, then
/// enrolment (if the roles require a second factor), then full access.
pub fn next_stage(n: LoginNeeds) -> SessionStage {
    if n.second_factor_enrolled && !n.second_factor_done {
        SessionStage::SecondFactor
    } else if n.must_change_password {
        SessionStage::PasswordChange
    } else if n.second_factor_required && !n.second_factor_enrolled {
        SessionStage::Enrol
    } else {
        SessionStage::Full
    }
}

/// Temporary lockout after repeated failed logins (password or code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockoutPolicy {
    /// Failures in a row that lock the account.
    pub max_failures: u32,
    /// How long the lock lasts.
    pub lock_for: SignedDuration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lock_for: SignedDuration::from_mins(15),
        }
    }
}

/// The account's failure counter after one more failure, and the lock it causes, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureOutcome {
    pub failed_logins: u32,
    pub locked_until: Option<Timestamp>,
}

impl LockoutPolicy {
    pub fn is_locked(&self, locked_until: Option<Timestamp>, now: Timestamp) -> bool {
        locked_until.is_some_and(|until| now < until)
    }

    /// Counts a failure. Reaching the limit locks the account and resets the counter, so the
    /// next lock needs another full run of failures.
    pub fn after_failure(&self, failed_before: u32, now: Timestamp) -> FailureOutcome {
        let failed = failed_before.saturating_add(1);
        if failed >= self.max_failures {
            FailureOutcome {
                failed_logins: 0,
                locked_until: now.checked_add(self.lock_for).ok(),
            }
        } else {
            FailureOutcome {
                failed_logins: failed,
                locked_until: None,
            }
        }
    }
}

/// Session lifetimes: ended after `idle` without use, and after `absolute` in any case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionPolicy {
    pub idle: SignedDuration,
    pub absolute: SignedDuration,
    /// A login that stops half-way (at the code or enrolment) expires sooner.
    pub unfinished: SignedDuration,
    /// How long a second factor proven in a session counts as fresh: the sensitive actions
    /// (renewing recovery codes, changing the password, resetting someone's second factor,
    /// creating an API token) need one proven within this time, at the login or again.
    pub fresh_second_factor: SignedDuration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: SignedDuration::from_mins(30),
            absolute: SignedDuration::from_hours(12),
            unfinished: SignedDuration::from_mins(10),
            fresh_second_factor: SignedDuration::from_mins(10),
        }
    }
}

impl SessionPolicy {
    pub fn is_expired(
        &self,
        stage: SessionStage,
        created_at: Timestamp,
        last_seen_at: Timestamp,
        now: Timestamp,
    ) -> bool {
        let idle_limit = if stage == SessionStage::Full {
            self.idle
        } else {
            self.unfinished
        };
        now.duration_since(last_seen_at) >= idle_limit
            || now.duration_since(created_at) >= self.absolute
    }

    /// Whether a second factor proven at `proven_at` (never, if `None`) is still fresh enough
    /// for a sensitive action at `now`.
    pub fn second_factor_is_fresh(&self, proven_at: Option<Timestamp>, now: Timestamp) -> bool {
        proven_at.is_some_and(|at| {
            let age = now.duration_since(at);
            !age.is_negative() && age < self.fresh_second_factor
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn login_steps_in_order() {
        let n = LoginNeeds {
            second_factor_enrolled: true,
            second_factor_done: false,
            must_change_password: true,
            second_factor_required: true,
        };
        assert_eq!(next_stage(n), SessionStage::SecondFactor);
        let n = LoginNeeds {
            second_factor_done: true,
            ..n
        };
        assert_eq!(next_stage(n), SessionStage::PasswordChange);
        let n = LoginNeeds {
            must_change_password: false,
            ..n
        };
        assert_eq!(next_stage(n), SessionStage::Full);
        let new_user = LoginNeeds {
            second_factor_enrolled: false,
            second_factor_done: false,
            must_change_password: false,
            second_factor_required: true,
        };
        assert_eq!(next_stage(new_user), SessionStage::Enrol);
        let no_client_data = LoginNeeds {
            second_factor_required: false,
            ..new_user
        };
        assert_eq!(next_stage(no_client_data), SessionStage::Full);
    }

    #[test]
    fn lockout_after_five_failures_for_fifteen_minutes() {
        let p = LockoutPolicy::default();
        let now = ts("2026-11-22T10:00:00Z");
        let mut failed = 0;
        for _ in 0..4 {
            let o = p.after_failure(failed, now);
            assert_eq!(o.locked_until, None);
            failed = o.failed_logins;
        }
        assert_eq!(failed, 4);
        let o = p.after_failure(failed, now);
        assert_eq!(o.locked_until, Some(ts("2026-11-22T10:15:00Z")));
        assert_eq!(o.failed_logins, 0);
        assert!(p.is_locked(o.locked_until, ts("2026-11-22T10:14:59Z")));
        assert!(!p.is_locked(o.locked_until, ts("2026-11-22T10:15:00Z")));
    }

    #[test]
    fn sessions_expire_when_idle_or_old() {
        let p = SessionPolicy::default();
        let created = ts("2026-11-22T08:00:00Z");
        let full = SessionStage::Full;
        assert!(!p.is_expired(
            full,
            created,
            ts("2026-11-22T09:00:00Z"),
            ts("2026-11-22T09:29:59Z")
        ));
        assert!(p.is_expired(
            full,
            created,
            ts("2026-11-22T09:00:00Z"),
            ts("2026-11-22T09:30:00Z")
        ));
        assert!(p.is_expired(
            full,
            created,
            ts("2026-11-22T19:59:00Z"),
            ts("2026-11-22T20:00:00Z")
        ));
        let half = SessionStage::SecondFactor;
        assert!(p.is_expired(half, created, created, ts("2026-11-22T08:10:00Z")));
        assert!(!p.is_expired(half, created, created, ts("2026-11-22T08:09:59Z")));
    }

    #[test]
    fn a_second_factor_is_fresh_for_ten_minutes() {
        let p = SessionPolicy::default();
        let proven = ts("2026-11-22T08:00:00Z");
        assert!(p.second_factor_is_fresh(Some(proven), proven));
        assert!(p.second_factor_is_fresh(Some(proven), ts("2026-11-22T08:09:59Z")));
        assert!(!p.second_factor_is_fresh(Some(proven), ts("2026-11-22T08:10:00Z")));
        assert!(!p.second_factor_is_fresh(None, proven), "never proven");
        assert!(
            !p.second_factor_is_fresh(Some(proven), ts("2026-11-22T07:59:59Z")),
            "a proof from the future counts for nothing"
        );
    }
}

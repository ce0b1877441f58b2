//! The timestamp window: a message is accepted when
//! `now − 40 s ≤ message time ≤ now + 20 s` (DC-09 §5.5.1.9 as implemented by siadc09:
//! `MINDIFF = -40`, `MAXDIFF = 20`; pysiaalarm `allowed_timeband = (40, 20)`). Outside it the
//! receiver answers NAK with its own clock so the sender can correct its offset and resend.
//! Bounds are inclusive. `now` is injected; this module never reads a clock.

use jiff::{SignedDuration, Timestamp};

/// How far a message may lag behind the receiver's clock.
pub const MAX_AGE: SignedDuration = SignedDuration::from_secs(40);
/// How far a message may run ahead of the receiver's clock.
pub const MAX_AHEAD: SignedDuration = SignedDuration::from_secs(20);

/// The result of the window check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowCheck {
    /// Inside the window.
    Ok,
    /// Older than `now − 40 s`; `by` is how far beyond the limit.
    TooOld {
        /// Distance beyond the limit.
        by: SignedDuration,
    },
    /// Newer than `now + 20 s`; `by` is how far beyond the limit.
    TooNew {
        /// Distance beyond the limit.
        by: SignedDuration,
    },
}

impl WindowCheck {
    /// True for [`WindowCheck::Ok`].
    #[must_use]
    pub fn is_ok(self) -> bool {
        self == Self::Ok
    }
}

/// Checks `message` against `now` with the DC-09 limits.
#[must_use]
pub fn check(message: Timestamp, now: Timestamp) -> WindowCheck {
    check_with(message, now, MAX_AGE, MAX_AHEAD)
}

/// Checks `message` against `now` with custom limits (both given as positive durations).
#[must_use]
pub fn check_with(
    message: Timestamp,
    now: Timestamp,
    max_age: SignedDuration,
    max_ahead: SignedDuration,
) -> WindowCheck {
    let ahead = message.duration_since(now);
    if ahead > max_ahead {
        WindowCheck::TooNew {
            by: ahead - max_ahead,
        }
    } else if -ahead > max_age {
        WindowCheck::TooOld {
            by: -ahead - max_age,
        }
    } else {
        WindowCheck::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).expect("in range")
    }

    #[test]
    fn bounds_are_inclusive() {
        let now = at(0);
        assert_eq!(check(at(0), now), WindowCheck::Ok);
        assert_eq!(check(at(-40), now), WindowCheck::Ok);
        assert_eq!(check(at(20), now), WindowCheck::Ok);
        assert_eq!(
            check(at(-41), now),
            WindowCheck::TooOld {
                by: SignedDuration::from_secs(1)
            }
        );
        assert_eq!(
            check(at(21), now),
            WindowCheck::TooNew {
                by: SignedDuration::from_secs(1)
            }
        );
    }

    #[test]
    fn research_measurements() {
        // +120 s skew → NAK, −30 s → ACK (pysiaalarm, research §1.3).
        assert!(matches!(check(at(120), at(0)), WindowCheck::TooNew { .. }));
        assert!(check(at(-30), at(0)).is_ok());
    }

    #[test]
    fn sub_second_now() {
        // Message timestamps have whole seconds; a receiver clock 0.5 s past the limit is out.
        let now = at(0)
            .checked_add(SignedDuration::from_millis(40_500))
            .expect("in range");
        assert!(matches!(check(at(0), now), WindowCheck::TooOld { .. }));
    }
}

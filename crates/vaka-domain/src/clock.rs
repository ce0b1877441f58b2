//! The only source of "now". Production uses [`SystemClock`]; tests use [`ManualClock`], which
//! moves only when told to, and the browser tests' demo (`vaka demo --test-clock`) uses
//! [`OffsetClock`]: the wall clock, moved forward on the test's command.

use std::sync::{Arc, Mutex, PoisonError};

use jiff::{SignedDuration, Timestamp};

/// Where the current instant comes from. Always UTC; convert to Europe/Stockholm for planning.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// The machine's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(
        clippy::disallowed_methods,
        reason = "the one place allowed to read the wall clock"
    )]
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until advanced. Clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<Timestamp>>,
}

impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        Self {
            now: Arc::new(Mutex::new(start)),
        }
    }

    pub fn set(&self, to: Timestamp) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = to;
    }

    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now = now.saturating_add(by).unwrap_or(*now);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The wall clock plus an offset that only grows: time runs normally and jumps ahead when told
/// to (a browser test's "an hour later"). Clones share the offset.
#[derive(Debug, Clone, Default)]
pub struct OffsetClock {
    offset: Arc<Mutex<SignedDuration>>,
}

impl OffsetClock {
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock ahead by `by` (a negative or zero step is ignored: time never runs
    /// backwards under a running server). Returns the new offset.
    pub fn advance(&self, by: SignedDuration) -> SignedDuration {
        let mut offset = self.offset.lock().unwrap_or_else(PoisonError::into_inner);
        if by.is_positive() {
            *offset = offset.saturating_add(by);
        }
        *offset
    }

    pub fn offset(&self) -> SignedDuration {
        *self.offset.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> Timestamp {
        let wall = SystemClock.now();
        wall.saturating_add(self.offset()).unwrap_or(wall)
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let start: Timestamp = "2026-03-29T00:30:00Z".parse().unwrap();
        let clock = ManualClock::new(start);
        let shared = clock.clone();
        assert_eq!(clock.now(), start);
        shared.advance(SignedDuration::from_mins(90));
        assert_eq!(
            clock.now(),
            "2026-03-29T02:00:00Z".parse::<Timestamp>().unwrap()
        );
    }

    #[test]
    fn offset_clock_runs_with_the_wall_clock_and_only_jumps_ahead() {
        let clock = OffsetClock::new();
        let shared = clock.clone();
        let before = SystemClock.now();
        assert!(clock.now() >= before);
        assert!(clock.now() < before + SignedDuration::from_mins(1));
        assert_eq!(
            shared.advance(SignedDuration::from_hours(1)),
            SignedDuration::from_hours(1)
        );
        // Backwards or zero steps are ignored.
        assert_eq!(
            shared.advance(-SignedDuration::from_mins(5)),
            SignedDuration::from_hours(1)
        );
        assert_eq!(
            shared.advance(SignedDuration::ZERO),
            SignedDuration::from_hours(1)
        );
        let now = clock.now();
        assert!(
            now >= before + SignedDuration::from_hours(1),
            "{now} vs {before}"
        );
        assert!(now < before + SignedDuration::from_mins(61));
    }
}

//! Safety alarms: what the receiver stores ([`intake`]), the alarm centre's console and the
//! responders' steps ([`console`]), and the jobs that watch the clock ([`monitor`]): escalation
//! of alarms nobody takes or acknowledges, and technical alarms for devices that fall silent.

pub mod console;
pub mod intake;
pub mod monitor;
pub mod oversight;

use jiff::SignedDuration;
use vaka_domain::alarm::{AlarmTargets, NightHours};

/// The care context of alarm audit entries.
pub(crate) const ALARMS: &str = "safety_alarm";

/// The alarm settings (DOMAIN.md section 2; defaults from there).
#[derive(Debug, Clone)]
pub struct AlarmSettings {
    pub targets: AlarmTargets,
    pub night: NightHours,
    /// A device's supervision interval when it has none of its own.
    pub default_heartbeat: SignedDuration,
    /// The weekend and holiday checks of technical alarms.
    pub checks: vaka_domain::technical::CheckSchedule,
    /// No message from any device for this long warns that alarm traffic has stopped.
    pub silence_warning: SignedDuration,
}

impl Default for AlarmSettings {
    fn default() -> Self {
        Self {
            targets: AlarmTargets::default(),
            night: NightHours::default(),
            default_heartbeat: SignedDuration::from_mins(5),
            checks: vaka_domain::technical::CheckSchedule::default(),
            silence_warning: SignedDuration::from_mins(10),
        }
    }
}

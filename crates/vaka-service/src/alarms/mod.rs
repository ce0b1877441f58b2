//! Safety alarms: what the receiver stores ([`intake`]), the alarm centre's console and the
//! responders' steps ([`console`]), the jobs that watch the clock ([`monitor`]): escalation
//! of alarms nobody takes or acknowledges, and technical alarms for devices that fall silent —
//! and the watch over the chain as a whole ([`oversight`]).
//!
//! The receiver (`vaka-alarm-receiver`) is not a dependency: these are plain use cases over
//! domain types, and the server adapts the receiver's storage, directory and last-heard times
//! to them.

pub mod console;
pub(crate) mod coverage;
pub mod intake;
pub mod monitor;
pub mod oversight;

use jiff::SignedDuration;
use vaka_domain::alarm::{AlarmTargets, NightHours};
use vaka_domain::audit::AuditAction;
use vaka_domain::device::DeviceStatus;
use vaka_store::AlarmAccount;

use crate::door::Op;

pub use intake::{AlarmAccountEntry, Intake, RefusedMessage, Restore, ScaipUnitEntry};
pub use monitor::{LastHeard, MonitorReport};

/// The care context of alarm audit entries.
pub(crate) const ALARMS: &str = "safety_alarm";

/// Work of the receiver and of the clock on alarms. It records no audit entries (each alarm's
/// own log says what the system did); the action names what it would be audited as.
pub(crate) fn system_op() -> Op<'static> {
    Op::system(AuditAction::AlarmStepTaken, ALARMS)
}

/// Whether a device's account is live: the device is with a client and not deactivated.
pub(crate) fn active(a: &AlarmAccount) -> bool {
    a.status.is_with_client() && a.status != DeviceStatus::Deactivated
}

/// The alarm settings (defaults: docs/RULES.md, "Safety alarms").
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

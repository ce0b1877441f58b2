//! Reasons about safety alarms: the console, responders and technical checks.

use super::reasons;

reasons! {
    Alarm =>
    /// Reasons about safety alarms: the console, responders and technical checks.
    pub enum AlarmReason {
        /// A step on an alarm that is closed.
        Closed => "alarm-closed",
    }
}

//! Reasons about night supervision: look-ins, outcomes, visits and dispatches.

use super::reasons;

reasons! {
    Supervision =>
    /// Reasons about night supervision: look-ins, outcomes, visits and dispatches.
    pub enum SupervisionReason {
        /// The window of the planned time has not opened yet.
        WindowNotOpen => "supervision-window-not-open",
    }
}

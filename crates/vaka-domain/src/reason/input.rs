//! Reasons a typed value is refused (shared by every form).

use super::reasons;

reasons! {
    Input =>
    /// Reasons a typed value is refused (shared by every form).
    pub enum InputReason {
        /// A required value is missing.
        Required => "input-required",
        /// Longer than allowed.
        TooLong { max: usize } => "input-too-long",
        /// The change refers to something that does not exist.
        RefersToMissing => "input-refers-to-missing",
        /// The change conflicts with existing data.
        ConflictsWithExisting => "input-conflicts-with-existing",
    }
}

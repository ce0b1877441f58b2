//! Reasons about retention (gallring): the table's settings and legal holds.

use super::reasons;

reasons! {
    Retention =>
    /// Reasons about retention (gallring): the table's settings and legal holds.
    pub enum RetentionReason {
        /// A retention shorter than the floor the law sets for this kind of record.
        BelowMinimum { kind: String, min_days: u32 } => "retention-below-minimum",
        /// A retention of more than a hundred years.
        TooLong { max_days: u32 } => "retention-too-long",
        /// A kind of record the table does not have.
        UnknownKind => "retention-unknown-kind",
        /// A legal hold without a reason.
        HoldNeedsReason => "retention-hold-needs-reason",
        /// A second hold on a client who already has one in force.
        HoldExists => "retention-hold-exists",
        /// Lifting a hold that is not in force.
        HoldNotInForce => "retention-hold-not-in-force",
        /// The caller may not keep the retention table, holds or purge.
        MayNotManage => "retention-may-not-manage",
        /// A purge asked for while one runs.
        PurgeRunning => "retention-purge-running",
        /// A hold asked for a client no one is registered as.
        NoSuchClient => "retention-no-such-client",
    }
}

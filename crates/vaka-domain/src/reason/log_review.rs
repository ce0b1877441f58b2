//! Reasons about log review (loggranskning): marking entries, signing off, reviews on request.

use super::reasons;

reasons! {
    LogReview =>
    /// Reasons about log review (loggranskning): marking entries, signing off, reviews on
    /// request.
    pub enum LogReviewReason {
        /// A review signed off while entries are unmarked.
        UnmarkedEntries { count: usize } => "log-review-unmarked-entries",
        /// An entry marked for follow-up without a note.
        FollowUpNeedsNote => "log-review-follow-up-needs-note",
        /// A signed review is read-only.
        ReviewSigned => "log-review-signed",
        /// The caller may not review this unit's log.
        MayNotReview => "log-review-may-not-review",
        /// A review on request names neither a user nor a client (or both).
        RequestNeedsSubject => "log-review-request-needs-subject",
        /// A review on request without a reason.
        RequestNeedsReason => "log-review-request-needs-reason",
        /// A period that ends before it starts, or longer than a year.
        BadPeriod => "log-review-bad-period",
        /// No user with that username, or one outside the caller's units.
        NoSuchUser => "log-review-no-such-user",
        /// No client with that personnummer, or one outside the caller's units.
        NoSuchClient => "log-review-no-such-client",
        /// The entry is not in the review.
        NoSuchEntry => "log-review-no-such-entry",
    }
}

//! Reasons about the client's own log (the extract on request).

use super::reasons;

reasons! {
    ClientLog =>
    /// Reasons about the client's own log (the extract on request).
    pub enum ClientLogReason {
        /// A period that ends before it starts.
        EndsBeforeStart => "client-log-ends-before-start",
        /// A period that starts after today.
        StartsInFuture => "client-log-starts-in-future",
        /// A period longer than one extract covers.
        TooLong { years: i32 } => "client-log-too-long",
        /// A request after an incident without its reason.
        IncidentNeedsReason => "client-log-incident-needs-reason",
        /// Who asked is not one of the codes.
        ChooseRequester => "client-log-choose-requester",
        /// A date not written as YYYY-MM-DD.
        DateFormat => "client-log-date-format",
    }
}

//! Reasons about the operating routines: planned-downtime notices and their acknowledgements,
//! outage reports.

use super::reasons;
use crate::operations::downtime::Day;

reasons! {
    Operations =>
    /// Reasons about the operating routines: planned-downtime notices and their
    /// acknowledgements, outage reports.
    pub enum OperationsReason {
        /// A downtime that ends when or before it starts.
        DowntimeEndsBeforeStart => "operations-downtime-ends-before-start",
        /// A downtime on a day or at an hour outside the agreed window.
        DowntimeOutsideWindow { first_day: Day, last_day: Day, from: String, to: String }
            => "operations-downtime-outside-window",
        /// A downtime that runs past the window's end.
        DowntimeEndsPastWindow { to: String } => "operations-downtime-ends-past-window",
        /// A downtime on a public holiday or an eve kept as a day off.
        DowntimeOnHoliday { holiday: String } => "operations-downtime-on-holiday",
        /// A notice published fewer than the agreed days ahead.
        DowntimeTooSoon { days: i32, earliest: String } => "operations-downtime-too-soon",
        /// A day so far off it cannot be placed.
        DowntimeDayOutOfRange => "operations-downtime-day-out-of-range",
        /// The caller may not publish or cancel downtime notices.
        MayNotPublishNotices => "operations-may-not-publish-notices",
        /// The caller is not a contact person of a provider the notice concerns.
        MayNotAcknowledge => "operations-may-not-acknowledge",
        /// A cancelled notice cannot be acknowledged or cancelled again.
        NoticeCancelled => "operations-notice-cancelled",
        /// A notice whose downtime is over cannot be cancelled.
        NoticeOver => "operations-notice-over",
        /// The caller may not resolve outage reports.
        MayNotManageOutages => "operations-may-not-manage-outages",
        /// An outage report resolved already.
        OutageResolved => "operations-outage-resolved",
        /// The caller may not print a reserve list.
        MayNotPrintReserveList => "operations-may-not-print-reserve-list",
        /// The caller may not keep this organisation's contact persons.
        MayNotKeepContacts => "operations-may-not-keep-contacts",
        /// Contact persons are named by providers and alarm centres, not the municipality.
        ContactsAreProviders => "operations-contacts-are-providers",
        /// A contact without a phone number or an e-mail address.
        ContactNeedsPhoneOrEmail => "operations-contact-needs-phone-or-email",
        /// Confirming a contact that has not been named.
        ContactNotNamed => "operations-contact-not-named",
    }
}

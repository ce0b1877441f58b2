### Reasons about the operating routines: vaka_domain::reason::OperationsReason.
###
### English. Every message here has the same id in locales/sv/reasons/operations.ftl, and every
### reason of the enum has a message (unit tests check both).

operations-downtime-ends-before-start = the downtime must end after it starts
operations-downtime-outside-window = planned downtime is placed { $first_day }–{ $last_day } between { $from } and { $to }
operations-downtime-ends-past-window = the downtime must be over by { $to }
operations-downtime-on-holiday = { $holiday } is a public holiday: planned downtime is placed on working days
operations-downtime-too-soon = planned downtime is announced at least { $days } days ahead: { $earliest } at the earliest
operations-downtime-day-out-of-range = the day cannot be used
operations-may-not-publish-notices = only the municipality's system managers and administrators announce downtime
operations-may-not-acknowledge = only the contact person of a provider concerned acknowledges the downtime
operations-notice-cancelled = the downtime is cancelled
operations-notice-over = the downtime is over already
operations-may-not-manage-outages = only the municipality's system managers and administrators mark outages resolved
operations-outage-resolved = the outage is marked resolved already
operations-may-not-print-reserve-list = only unit managers and the night patrol print the reserve list
operations-may-not-keep-contacts = only the organisation's administrator or the municipality's system administrator names contact persons
operations-contacts-are-providers = contact persons are named for providers and alarm centres
operations-contact-needs-phone-or-email = give a phone number or an e-mail address
operations-contact-not-named = the contact person has not been named yet

### Reasons about the management plan: vaka_domain::reason::GovernanceReason.
###
### English. Every message here has the same id in locales/sv/reasons/governance.ftl, and every
### reason of the enum has a message (unit tests check both).

gov-may-not-manage = the management plan is kept by the system manager
gov-ends-before-start = the last day may not come before the first
gov-role-held = the role has a holder during the period already; end that assignment first
gov-account-not-active = the account is not active
gov-assignment-ended = the assignment has ended already
gov-notice-period-negative = the notice period cannot be negative
gov-notice-period-too-long = the notice period may be at most { $max } months
gov-availability-out-of-range = availability is a percentage between 0 and 100, with at most one decimal
gov-unknown-supplier = the supplier has no registered contract
gov-status-backwards = a status can only move forward
gov-may-not-sign-off = the duty is signed off by a holder of its role, or by the system manager
gov-not-an-occurrence = the day is not a due date of the duty that has come
gov-signed-off-already = the duty is signed off for that day already
gov-may-not-handle-incidents = incidents are handled by the system owner, the information security coordinator and the system manager
gov-may-not-report-faults = faults are reported to suppliers by the system manager and the system administrator
gov-occurred-in-future = the incident cannot have occurred after it is reported
gov-holds-personnummer = the text holds a personal identity number; describe the event without naming the client

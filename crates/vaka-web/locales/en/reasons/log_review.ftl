### Reasons about log review: vaka_domain::reason::LogReviewReason.
###
### English. Every message here has the same id in locales/sv/reasons/log_review.ftl, and every
### reason of the enum has a message (unit tests check both).

log-review-unmarked-entries = the review cannot be signed off until every entry is marked: { $count } { $count ->
    [one] entry is
   *[other] entries are
} not marked
log-review-follow-up-needs-note = an entry to follow up needs a note saying what is to be followed up
log-review-signed = the review is signed off and cannot be changed
log-review-may-not-review = you review the logs of your own units only
log-review-request-needs-subject = name either a user or a client
log-review-request-needs-reason = say why the review is needed
log-review-bad-period = the period must end on or after the day it starts and be at most a year
log-review-no-such-user = there is no such user among your units
log-review-no-such-client = there is no such client among your units
log-review-no-such-entry = the entry is not in the review

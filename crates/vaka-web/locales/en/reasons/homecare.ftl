### Reasons about home care: granted tasks, visit plans, visits and their sync, corrections,
### approval, the lock date and the payment basis: vaka_domain::reason::HomecareReason.
###
### English. Every message here has the same id in locales/sv/reasons/homecare.ftl, and every
### reason of the enum has a message (unit tests check both).

homecare-tasks-required = give at least one task
homecare-task-twice = a task can be granted only once in a decision
homecare-unknown-task = { $code } is not a task of the list
homecare-granted-minutes-out-of-range = granted time must be 1–{ $max } minutes
homecare-tasks-only-for-home-care = tasks with time are given only for home care
homecare-weekdays-required = choose at least one weekday
homecare-unknown-weekday = { $code } is not a weekday
homecare-window-backwards = the window must end after it starts, on the same day
homecare-task-not-granted = the task { $task } is not granted by the decision
homecare-expected-minutes-out-of-range = expected time must be 1–{ $max } minutes
homecare-plan-ends-before-start = the plan cannot end before it starts
homecare-plan-outside-decision = the plan must lie within the decision's period
homecare-not-a-home-care-decision = the decision is not on home care
homecare-unit-of-another-provider = the unit is not one of the client's provider
homecare-plan-already-ended = the plan has already ended
homecare-client-of-another-unit = the client belongs to another unit than yours
homecare-client-ended = the client holds no valid home-care decision that day
homecare-no-plan-today = the client has no planned visit that day
homecare-plan-of-another-client = the plan is another client's
homecare-unknown-tag = the tag is not registered
homecare-tag-not-bound = the tag is not bound to any client
homecare-tag-of-another-client = the tag is at another client's door
homecare-evidence-required = read the tag, or say why the start or end is registered without it
homecare-visit-not-started = the visit has no registered start
homecare-visit-already-started = the visit has already started
homecare-visit-already-ended = the visit has already ended
homecare-end-before-start = a visit cannot end before it starts
homecare-not-your-visit = the visit is another worker's or client's
homecare-field-required = { $field } is missing
homecare-too-long = the text may be at most { $max } characters
homecare-record-id-reused = the record's id was used before for another record
homecare-batch-too-large = at most { $max } records per sync
homecare-correction-text-required = describe the correction in words
homecare-correction-reason-required = choose the reason for the correction
homecare-nothing-to-correct = the correction changes nothing
homecare-period-locked = the period is locked through { $through }: changes need the municipality to reopen it
homecare-week-starts-monday = a week is named by its Monday
homecare-week-not-confirmed = the week can be approved only once everyone who made visits has confirmed it; waiting for: { $workers }
homecare-week-already-approved = the week is already approved
homecare-only-municipality-reopens = only the municipality sets and moves lock dates
homecare-lock-only-for-providers = lock dates are set only for providers
homecare-may-not-register-visits = your role does not register home-care visits
homecare-may-not-manage-visits = your role does not manage this unit's visits
homecare-may-not-read-payment-basis = your role does not see the payment basis

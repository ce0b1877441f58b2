### Reasons about delegated health-care tasks: vaka_domain::reason::DelegationReason.
###
### English. Every message here has the same id in locales/sv/reasons/delegation.ftl, and
### every reason of the enum has a message (unit tests check both).

## Licences and task types
delegation-licence-number-shape = a licence number is 1–{ $max } digits
delegation-unknown-profession = unknown profession: { $code }
delegation-task-type-code-shape = a task type code is 1–{ $max } of a–z, 0–9 and '_', starting with a letter
delegation-act-not-delegable = { $code } is assessment, prescription or follow-up, which stay with licensed staff and can never be delegated
delegation-task-type-name-required = the task type needs a name
delegation-prescribers-required = name at least one profession that may prescribe the task type
delegation-unknown-task-type = the task type { $code } is not on the municipality's list
delegation-task-type-retired = the task type { $task } is no longer in use
delegation-task-type-code-taken = the code { $code } is already in the list: change that task type instead

## Delegations
delegation-no-licence = only licensed staff (nurse, occupational therapist, physiotherapist) may do this
delegation-profession-may-not-delegate = your profession may not delegate { $task }
delegation-to-oneself = you cannot delegate to yourself
delegation-clients-required = name at least one client, or choose the whole unit
delegation-client-twice = a client is named twice
delegation-competence-check-required = record how the care worker's competence was checked
delegation-competence-note-required = describe how competence was checked
delegation-competence-check-after-start = competence must be checked before the delegation starts
delegation-ends-before-start = the delegation ends before it starts
delegation-longer-than-a-year = a delegation lasts at most a year: its last day may be { $last } at the latest
delegation-starts-in-the-past = a delegation cannot start before today
delegation-not-a-party = only the delegating person and the care worker sign the delegation
delegation-already-signed = you have already signed this delegation
delegation-no-longer-open = the delegation is revoked, ended or expired and can no longer be signed
delegation-revocation-note-required = write why the delegation is revoked
delegation-already-ended = the delegation has already been revoked or has ended
delegation-leave-too-far-back = a leave may be recorded at most a year back: its first day no earlier than { $earliest }
delegation-leave-ends-before-start = the last day of a leave cannot be before its first ({ $from })
delegation-leave-already-running = a leave has been running since { $from }: end it first
delegation-no-running-leave = no leave is running

## Prescribed tasks
delegation-profession-may-not-prescribe = your profession may not prescribe { $task }
delegation-times-or-as-needed = give the times of day, or mark the task as needed
delegation-times-and-as-needed = a task is either at times of day or as needed, not both
delegation-time-twice = the time { $time } is given twice
delegation-too-many-times = at most { $max } times a day
delegation-instruction-required = write the instruction
delegation-too-long = may be at most { $max } characters
delegation-prescription-ends-before-start = the task ends before it starts
delegation-window-out-of-range = the signing window before and after the time is 0–{ $max } minutes
delegation-duplicate-prescription = the client already has this task at { $time }

## Signing
delegation-outside-reach = the client is not one of your units' clients
delegation-no-delegation = you have no delegation for { $task } that covers this client
delegation-delegation-not-valid = your delegation for { $task } is not valid now (not signed by both, not started, expired, revoked or ended)
delegation-not-yet-open = too early: this can be signed from { $opens }
delegation-occasion-already-signed = this occasion is already signed
delegation-signing-id-reused = a signing with this id was already sent with other content
delegation-outcome-only-for-scheduled = an as-needed task is signed as "as-needed given"
delegation-outcome-only-for-as-needed = "as-needed given" is only for as-needed tasks
delegation-outcome-note-required = this outcome needs its reason or note
delegation-prescription-not-active = the as-needed task is not prescribed for this day
delegation-effect-only-for-as-needed = an effect is noted only for an as-needed task given
delegation-effect-already-noted = the effect is already noted

## Escalation and deviations
delegation-steps-required = the escalation needs at least one step
delegation-recipients-required = every escalation step needs someone to call
delegation-first-step-nurse-and-manager = the first step calls the prescribing person and the unit manager
delegation-step-minutes-order = steps come in increasing minutes, at most { $max } minutes after the window closed
delegation-too-many-steps = at most { $max } steps
delegation-deviation-note-required = write how the deviation was followed up
delegation-deviation-already-closed = the deviation is already closed
delegation-deviation-needs-licence = only licensed staff close a deviation
delegation-may-not-delegate = your role does not delegate or prescribe here
delegation-may-not-sign = your role does not sign delegated tasks
delegation-may-not-oversee = your role does not follow up this unit's delegations
delegation-may-not-manage-task-types = your role does not keep the task types or licences
delegation-may-not-revoke = only the delegating person, licensed staff or the unit manager revoke a delegation
delegation-may-not-record-leave = only those who manage accounts or the manager of a unit the person works in record a leave
delegation-recipient-not-in-unit = the care worker does not work in the unit
delegation-client-not-in-unit = the client is not one of the unit's clients
delegation-unknown-occasion = the prescription has no such occasion
delegation-ladder-recipient-not-in-unit = a named recipient does not follow up this unit's delegations
delegation-week-format = give a week as YYYY-Www, for example 2026-W49

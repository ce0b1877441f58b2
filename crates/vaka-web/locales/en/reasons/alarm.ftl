### Reasons about safety alarms: vaka_domain::reason::AlarmReason.
###
### English. Every message here has the same id in locales/sv/reasons/alarm.ftl, and every
### reason of the enum has a message (unit tests check both).

## The alarm's state machine.
alarm-closed = the alarm is closed
alarm-held-by-another-operator = another operator has the alarm
alarm-already-being-handled = the alarm is already being handled
alarm-only-holder-releases = only the operator who has the alarm can release it (before dispatching)
alarm-take-first = take the alarm first
alarm-take-before-dispatch = take the alarm before dispatching
alarm-nothing-to-acknowledge = nothing to acknowledge
alarm-acknowledge-first = acknowledge the dispatch first
alarm-cannot-close-now = the alarm cannot be closed by you now

## The console and the responders.
alarm-may-not-handle = your roles do not include handling alarms
alarm-may-not-respond = your roles do not include responding to alarms
alarm-outside-need-to-know = the alarm is outside your need-to-know
alarm-note-empty = write what the note is about
alarm-note-missing = write the note
alarm-note-too-long = at most { $max } characters
alarm-close-needs-note = say what happened when the cause is other
alarm-no-client-to-dispatch = an alarm without a client cannot be dispatched
alarm-changed-meanwhile = the alarm changed meanwhile; reload and try again
alarm-choose-step = choose take, release, contact, note, dispatch, acknowledge, on_the_way, arrive or close
alarm-choose-link = choose night_patrol, home_care or relative
alarm-choose-cause = choose help_given, fall, ambulance, accidental, test, technical or other

## Technical alarms, the chain's health, statistics.
alarm-may-not-see-technical = your roles do not include technical alarms
alarm-may-not-see-chain-health = your roles do not include the alarm chain's health
alarm-may-not-read-statistics = your roles do not include statistics
alarm-only-technical-contact-signs = only the provider's technical contact signs its checks
alarm-check-already-signed = this check is already signed

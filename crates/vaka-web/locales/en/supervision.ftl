### Messages of the night-supervision pages: the operator's console, the look-in
### and the night patrol's dispatches.
###
### English. Every message here has the same id in
### locales/sv/supervision.ftl (a unit test checks it).

nav-console = Supervision
nav-patrol = Dispatches

console-title = Tonight's supervision
console-intro = Look-ins due now and in the next three hours. The list updates by itself. Every look-in is logged with who, when and for how long; no image is stored.
console-live = Live
console-offline = No contact with the server – retrying
console-none = No look-ins right now.
console-due = Due
console-window = Window
console-client = Client
console-unit = Unit
console-camera = Camera
console-state = State
console-look_in = Look in
console-camera_online = Connected
console-camera_offline = Not connected
console-camera_none = No camera
console-camera_now = Now:
console-at_decision = When decided:
console-recheck = Re-check

lookin-title = Look-in through the camera
lookin-privacy = The picture is shown only now and is not stored. The look-in ends by itself.
lookin-remaining = Time left
lookin-seconds = seconds
lookin-ended = The look-in has ended and the camera is back in its privacy position.
lookin-picture = Picture from the camera
lookin-outcome = What did you see?
lookin-note = Note (required for a deviation)
lookin-seen_ok = Seen, OK
lookin-not_visible = Not visible
lookin-deviation = Deviation
lookin-started = Started
lookin-back = Back to the list

supervision-outcome_saved = The outcome is saved.

task_state-planned = Planned
task_state-open = Window open
task_state-recheck_open = Re-check – window open
task_state-looked_in = Looked in, no outcome yet
task_state-recheck_due = Re-check waiting
task_state-done = Done
task_state-escalated = Escalated – staff sent
task_state-missed = Missed – staff sent
task_state-camera_unreachable = Camera was unreachable – visit
task_state-closed = Closed
task_state-paused = Paused
task_state-cancelled = Cancelled

patrol-title = Dispatches
patrol-intro = Clients to visit now. The clock shows the time since the dispatch against the response target. The list updates by itself.
patrol-none = No open dispatches.
patrol-announce = New dispatch: { $client }
patrol-cause = Cause
patrol-alarmed_at = Alarm at
patrol-elapsed = { $minutes } min since the alarm
patrol-target = Response target
patrol-address = Address
patrol-protected = Protected address – see the client's page
patrol-phone_first = Phone the client first
patrol-note = What was done? (required to close)
patrol-overdue = Past the response target
patrol-step_saved = The step is saved.

dispatch_step-acknowledge = Acknowledge
dispatch_step-on_the_way = On the way
dispatch_step-arrived = Arrived
dispatch_step-close = Close

dispatch_status-new = New
dispatch_status-acknowledged = Acknowledged
dispatch_status-on_the_way = On the way
dispatch_status-arrived = Arrived
dispatch_status-closed = Closed

dispatch_cause-not_visible_twice = Not visible twice
dispatch_cause-deviation = Deviation seen
dispatch_cause-missed = Supervision missed
dispatch_cause-camera_unreachable = Camera unreachable

slog-title = Supervision log
slog-intro = The client's night-supervision log for a period: planned time, every look-in (when, how long, who, what was seen), re-checks, dispatches and response times. Every extract is logged.
slog-period = Period
slog-generated = Extracted
slog-about = No images are kept from camera look-ins; the log only shows that and when look-ins took place.
slog-night = Night of
slog-look_in = Look-in
slog-no_outcome = no outcome
slog-dispatch = Dispatch
slog-none = No planned supervision in the period.
slog-from = From the night of
slog-to = To the night of
slog-show = Show
slog-csv = Download CSV
slog-pdf = Download PDF
slog-back = Back to the client

client-supervision_log = Supervision log

task_kind-look_in = Camera look-in
task_kind-visit = Visit

nav-statistics = Statistics

stats-title = Night-supervision statistics
stats-intro = Per unit and month (by the nights' dates): planned supervisions against performed, on time (first look-in at most 15 minutes after the planned time), not visible, deviations, missed, dispatches and response times. Counts only, no personal data.
stats-from = From month
stats-to = To month
stats-month = Month
stats-planned = Planned
stats-performed = Performed
stats-on_time = On time
stats-missed = Missed
stats-dispatches = Dispatches
stats-within_target = Arrived within 45 min
stats-chart_months = Planned, performed and on time per month
stats-chart_response = Time from dispatch to arrival (minutes)
stats-none = No supervision in the period.

patrol-visits = Planned visits
patrol-dispatches = Open dispatches
patrol-visited = Visited, OK

home-missed_supervision = Missed supervision in the last day – the night patrol is sent

outcome-seen_ok = Seen, OK
outcome-not_visible = Not visible
outcome-deviation = Deviation
home-lapsed_supervision = No supervision tonight – a decision or consent has lapsed
home-lapse-decision = the night of { $night }: the decision on night supervision no longer holds
home-lapse-consent = the night of { $night }: the consent no longer holds and needs renewing

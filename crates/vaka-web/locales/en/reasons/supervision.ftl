### Reasons about night supervision: vaka_domain::reason::SupervisionReason.
###
### English. Every message here has the same id in locales/sv/reasons/supervision.ftl, and every
### reason of the enum has a message (unit tests check both).

# The task's state machine.
supervision-window-not-open = the window has not opened
supervision-window-closed = the window has closed
supervision-recheck-not-due = the re-check is not due yet
supervision-moved-on-to-staff = the supervision has moved on to staff on site
supervision-already-finished = the supervision is already finished
supervision-outcome-after-look-in = record an outcome after a look-in
supervision-outcome-after-own-look-in = record an outcome after your own look-in
supervision-no-staff-sent = no staff were sent
supervision-staff-already-sent = staff are already sent; close the dispatch instead

# The look-in's checks of the moment.
supervision-no-valid-decision = there is no valid decision on night supervision
supervision-no-valid-consent = there is no valid consent to night supervision
supervision-paused-tonight = supervision is paused tonight
supervision-no-active-camera = the client has no active camera
supervision-camera-offline = the camera is not connected
supervision-camera-busy = someone is already looking in through this camera
supervision-visit-not-look-in = this supervision is a visit, not a look-in
supervision-look-in-not-visit = this supervision is a look-in, not a visit
supervision-look-in-ended = the look-in has ended
supervision-changed-meanwhile = the supervision changed meanwhile; try again

# Rights.
supervision-may-not-look-in = your roles do not include looking in
supervision-may-not-respond = your roles do not include responding to dispatches
supervision-may-not-read-statistics = your roles do not include statistics

# Outcomes and visits.
supervision-describe-deviation = describe the deviation
supervision-choose-outcome = choose seen_ok, not_visible or deviation
supervision-visit-outcome = a visit is seen_ok or deviation

# The night patrol's dispatches.
supervision-dispatch-closed = the dispatch is already closed
supervision-dispatch-acknowledged = the dispatch is already acknowledged
supervision-acknowledge-first = acknowledge the dispatch first
supervision-already-on-the-way = staff are already on the way
supervision-arrival-recorded = arrival is already recorded
supervision-note-required = write what was done before closing
supervision-dispatch-changed-meanwhile = the dispatch changed meanwhile; reload and try again
supervision-choose-step = choose acknowledge, on_the_way, arrived or close

# Extracts and reports.
supervision-period-ends-before-start = the period ends before it starts
supervision-extract-too-long = one extract covers at most { $nights } nights
supervision-report-too-long = one report covers at most { $months } months
supervision-date-format = give a date as YYYY-MM-DD
supervision-month-format = give a month as YYYY-MM
supervision-page-log-format = choose html, csv or pdf
supervision-api-log-format = choose json, csv or pdf

### Home care: visits, plans, corrections, approval, lock dates and the payment basis.
### English; every id has its Swedish twin in locales/sv/homecare.ftl.

service-home_care = Home care

care-task-personal_care = Personal care
care-task-meals = Meals
care-task-meal_delivery = Meal delivery
care-task-shopping = Shopping
care-task-cleaning = Cleaning
care-task-laundry = Laundry
care-task-medication_reminder = Medication reminder
care-task-supervision = Supervision
care-task-escort = Escort
care-task-shower = Shower

grant_period-week = per week
grant_period-month = per month

visit_kind-planned = Planned
visit_kind-extra = Extra
visit_kind-alarm = Alarm
visit_kind-night_help = Night help
visit_kind-meal_delivery = Meal delivery

evidence-nfc_sun = NFC (secure tag)
evidence-nfc_plain = NFC (plain tag)
evidence-manual = Manual

manual_reason-no_nfc_phone = Phone without NFC
manual_reason-tag_broken = Tag broken
manual_reason-tag_missing = Tag missing
manual_reason-system_down = System down
manual_reason-forgot = Forgot to register

correction_reason-forgot_start = Start forgotten
correction_reason-forgot_end = End forgotten
correction_reason-wrong_time = Wrong time
correction_reason-wrong_tasks = Wrong tasks
correction_reason-technical_fault = Technical fault
correction_reason-other = Other

correction_field-started_at = Start
correction_field-ended_at = End
correction_field-tasks = Tasks
correction_field-note = Note

payment_rule-performed_capped = Performed time, at most the granted time
payment_rule-performed = Performed time
payment_rule-granted = Granted time

weekday-mon = Monday
weekday-tue = Tuesday
weekday-wed = Wednesday
weekday-thu = Thursday
weekday-fri = Friday
weekday-sat = Saturday
weekday-sun = Sunday

care_context-homecare = Home care

audit_action-homecare-plan = Visit plan changed
audit_action-homecare-plan_list = Visit plans read
audit_action-homecare-today = The day's visits read
audit_action-homecare-visit_record = Visit record registered
audit_action-homecare-sync = Visits synced
audit_action-homecare-visit_read = Visits read
audit_action-homecare-correct = Visit corrected
audit_action-homecare-week_confirm = Week confirmed
audit_action-homecare-week_approve = Week approved
audit_action-homecare-lock_date = Lock date set
audit_action-homecare-payment_basis = Payment basis read

hc-trail-visits = Home-care visits
hc-flag-late = late sync
hc-flag-skew = phone clock off
hc-flag-manual = manual
hc-flag-corrected = corrected
hc-corrected-by = Corrected by

nav-homecare = Home care
hc-title = Home care
hc-intro = Visits per unit and day or week, corrections, the week's approval, lock dates and the payment basis.
hc-units = Your units
hc-day = Day
hc-week = Week
hc-follow_up = Follow-up
hc-unit-title = Visits
hc-previous = Previous
hc-next = Next
hc-date = Date
hc-show = Show
hc-time = Time
hc-client = Client
hc-worker = Worker
hc-kind = Kind
hc-tasks = Tasks
hc-minutes = Minutes
hc-evidence = Registration
hc-flags = Flags
hc-flag-open = open
hc-flag-approved = approved
hc-counts = Visits
hc-no_visits = No registered visits.
hc-missing = Planned visits without a registration
hc-approval = Approval
hc-approved_at = The week was approved
hc-approve = Approve the week
hc-approve_hint = The approval covers the unit's visits this week. Corrections afterwards need a reason and a text as always.
hc-approve_later = The week can be approved when it is over.
hc-week-approved = The week is approved.
hc-locked_through = Locked through
hc-visit-title = Visit
hc-back_to_unit = To the unit's visits
hc-registered = Registered
hc-start_device = Start (the phone's time)
hc-end_device = End (the phone's time)
hc-received = received
hc-note = Note
hc-history = Corrections
hc-when = When
hc-by = By
hc-field = Field
hc-old = Before
hc-new = After
hc-reason = Reason
hc-text = Description
hc-text_hint = Required: what happened and why it is corrected. The original value is kept.
hc-no_corrections = No corrections.
hc-correct = Correct the visit
hc-start = Start
hc-end = End
hc-save_correction = Save the correction
hc-not_correctable = The visit cannot be corrected here (the period is locked, or you may not).
hc-corrected = The correction is saved.
hc-lock-title = Lock dates
hc-lock-intro = No visit dated on or before the lock date can be registered or changed. An earlier date reopens the days after it.
hc-provider = Provider
hc-lock-save = Save
hc-lock-none = No providers.
hc-lock-saved = The lock date is saved.
hc-pay-title = Payment basis
hc-visit-plans = Visit plans
hc-plan-new = New visit plan
hc-plan-decision = Decision
hc-plan-weekdays = Weekdays
hc-plan-window = Window
hc-plan-from = From
hc-plan-to = To
hc-plan-expected = Expected time (minutes)
hc-plan-valid = Valid
hc-plan-unit = Unit
hc-plan-save = Save the plan
hc-plan-end = End
hc-plan-end_confirm = End the visit plan from today?
hc-plan-ended = ended
hc-plan-none = No visit plans.
hc-plan-saved = The visit plan is saved.
hc-plan-ended-notice = The visit plan is ended.
hc-plan-no_decision = The client has no home-care decision to plan visits from.
hc-decision-tasks = Tasks (home care)
hc-decision-tasks_hint = For home care: the granted minutes of each task granted; leave the others empty.
hc-grant_period = Time per

field-locked_through = Locked through
field-date = Date
field-week = Week
field-started_at = Start
field-ended_at = End
field-text = Description
field-decision_id = Decision
field-expected_minutes = Expected time
field-weekdays = Weekdays
field-tasks = Tasks
field-organisation_id = Organisation
field-unit_id = Unit

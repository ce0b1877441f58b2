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

### Home care: visits, plans, corrections, approval, lock dates and the payment basis.
### Swedish; every id has its English twin in locales/en/homecare.ftl.

service-home_care = Hemtjänst

care-task-personal_care = Personlig omvårdnad
care-task-meals = Måltider
care-task-meal_delivery = Matdistribution
care-task-shopping = Inköp
care-task-cleaning = Städning
care-task-laundry = Tvätt
care-task-medication_reminder = Läkemedelspåminnelse
care-task-supervision = Tillsyn
care-task-escort = Ledsagning
care-task-shower = Dusch

grant_period-week = per vecka
grant_period-month = per månad

visit_kind-planned = Planerat
visit_kind-extra = Extra
visit_kind-alarm = Larm
visit_kind-night_help = Nattinsats
visit_kind-meal_delivery = Matleverans

evidence-nfc_sun = NFC (säker tagg)
evidence-nfc_plain = NFC (enkel tagg)
evidence-manual = Manuell

manual_reason-no_nfc_phone = Telefonen saknar NFC
manual_reason-tag_broken = Taggen är trasig
manual_reason-tag_missing = Taggen saknas
manual_reason-system_down = Systemet var nere
manual_reason-forgot = Glömde registrera

correction_reason-forgot_start = Glömd start
correction_reason-forgot_end = Glömt slut
correction_reason-wrong_time = Fel tid
correction_reason-wrong_tasks = Fel insatser
correction_reason-technical_fault = Tekniskt fel
correction_reason-other = Annat

correction_field-started_at = Start
correction_field-ended_at = Slut
correction_field-tasks = Insatser
correction_field-note = Anteckning

payment_rule-performed_capped = Utförd tid, högst beviljad tid
payment_rule-performed = Utförd tid
payment_rule-granted = Beviljad tid

weekday-mon = måndag
weekday-tue = tisdag
weekday-wed = onsdag
weekday-thu = torsdag
weekday-fri = fredag
weekday-sat = lördag
weekday-sun = söndag

care_context-homecare = Hemtjänst

audit_action-homecare-plan = Besöksplan ändrad
audit_action-homecare-plan_list = Besöksplaner lästa
audit_action-homecare-today = Dagens besök lästa
audit_action-homecare-visit_record = Besökspost registrerad
audit_action-homecare-sync = Besök synkroniserade
audit_action-homecare-visit_read = Besök lästa
audit_action-homecare-correct = Besök rättat
audit_action-homecare-week_confirm = Vecka bekräftad
audit_action-homecare-week_approve = Vecka attesterad
audit_action-homecare-lock_date = Låsdatum satt
audit_action-homecare-payment_basis = Ersättningsunderlag läst

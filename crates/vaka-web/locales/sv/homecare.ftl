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

hc-trail-visits = Hemtjänstbesök
hc-flag-late = sen synk
hc-flag-skew = fel klocka i telefonen
hc-flag-manual = manuell
hc-flag-corrected = rättad
hc-corrected-by = Rättad av

nav-homecare = Hemtjänst
hc-title = Hemtjänst
hc-intro = Besök per enhet och dag eller vecka, rättelser, attest av veckan, låsdatum och ersättningsunderlag.
hc-units = Dina enheter
hc-day = Dag
hc-week = Vecka
hc-follow_up = Uppföljning
hc-unit-title = Besök
hc-previous = Föregående
hc-next = Nästa
hc-date = Datum
hc-show = Visa
hc-time = Tid
hc-client = Brukare
hc-worker = Medarbetare
hc-kind = Slag
hc-tasks = Insatser
hc-minutes = Minuter
hc-evidence = Registrering
hc-flags = Markeringar
hc-flag-open = pågår
hc-flag-approved = attesterad
hc-counts = Besök
hc-no_visits = Inga registrerade besök.
hc-missing = Planerade besök utan registrering
hc-approval = Attest
hc-approved_at = Veckan attesterades
hc-approve = Attestera veckan
hc-approve_hint = Attesten gäller enhetens besök den här veckan. Rättelser därefter kräver orsak och text som vanligt.
hc-approve_later = Veckan kan attesteras när den är slut.
hc-week-approved = Veckan är attesterad.
hc-locked_through = Låst till och med
hc-visit-title = Besök
hc-back_to_unit = Till enhetens besök
hc-registered = Registrerat
hc-start_device = Start (telefonens tid)
hc-end_device = Slut (telefonens tid)
hc-received = mottaget
hc-note = Anteckning
hc-history = Rättelser
hc-when = När
hc-by = Av
hc-field = Uppgift
hc-old = Före
hc-new = Efter
hc-reason = Orsak
hc-text = Beskrivning
hc-text_hint = Obligatorisk: vad som hände och varför det rättas. Det ursprungliga värdet sparas.
hc-no_corrections = Inga rättelser.
hc-correct = Rätta besöket
hc-start = Start
hc-end = Slut
hc-save_correction = Spara rättelsen
hc-not_correctable = Besöket kan inte rättas här (perioden är låst, eller du har inte behörighet).
hc-corrected = Rättelsen är sparad.
hc-lock-title = Låsdatum
hc-lock-intro = Inga besök daterade till och med låsdatumet kan registreras eller ändras. Ett tidigare datum öppnar dagarna efter det igen.
hc-provider = Utförare
hc-lock-save = Spara
hc-lock-none = Inga utförare.
hc-lock-saved = Låsdatumet är sparat.
hc-pay-title = Ersättningsunderlag
hc-visit-plans = Besöksplaner
hc-plan-new = Ny besöksplan
hc-plan-decision = Beslut
hc-plan-weekdays = Veckodagar
hc-plan-window = Tidsfönster
hc-plan-from = Från
hc-plan-to = Till
hc-plan-expected = Förväntad tid (minuter)
hc-plan-valid = Gäller
hc-plan-unit = Enhet
hc-plan-save = Spara planen
hc-plan-end = Avsluta
hc-plan-end_confirm = Avsluta besöksplanen från i dag?
hc-plan-ended = avslutad
hc-plan-none = Inga besöksplaner.
hc-plan-saved = Besöksplanen är sparad.
hc-plan-ended-notice = Besöksplanen är avslutad.
hc-plan-no_decision = Brukaren har inget hemtjänstbeslut att planera besök från.
hc-decision-tasks = Insatser (hemtjänst)
hc-decision-tasks_hint = För hemtjänst: beviljad tid i minuter för varje insats som beviljas; lämna tomt för de som inte beviljas.
hc-grant_period = Tid per

field-locked_through = Låst till och med
field-date = Datum
field-week = Vecka
field-started_at = Start
field-ended_at = Slut
field-text = Beskrivning
field-decision_id = Beslut
field-expected_minutes = Förväntad tid
field-weekdays = Veckodagar
field-tasks = Insatser
field-organisation_id = Organisation
field-unit_id = Enhet

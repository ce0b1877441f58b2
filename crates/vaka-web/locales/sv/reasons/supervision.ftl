### Reasons about night supervision: vaka_domain::reason::SupervisionReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/supervision.ftl, and every
### reason of the enum has a message (unit tests check both).

# The task's state machine.
supervision-window-not-open = fönstret har inte öppnat
supervision-window-closed = fönstret har stängt
supervision-recheck-not-due = omtitten är inte aktuell än
supervision-moved-on-to-staff = tillsynen har gått vidare till personal på plats
supervision-already-finished = tillsynen är redan avslutad
supervision-outcome-after-look-in = ange utfall efter en titt
supervision-outcome-after-own-look-in = ange utfall efter din egen titt
supervision-no-staff-sent = ingen personal har skickats
supervision-staff-already-sent = personal är redan skickad; avsluta utryckningen i stället

# The look-in's checks of the moment.
supervision-no-valid-decision = det finns inget giltigt beslut om nattillsyn
supervision-no-valid-consent = det finns inget giltigt samtycke till nattillsyn
supervision-paused-tonight = tillsynen är pausad i natt
supervision-no-active-camera = brukaren har ingen aktiv kamera
supervision-camera-offline = kameran är inte ansluten
supervision-camera-busy = någon tittar redan genom kameran
supervision-visit-not-look-in = tillsynen är ett besök, inte en titt
supervision-look-in-not-visit = tillsynen är en titt, inte ett besök
supervision-look-in-ended = titten är avslutad
supervision-changed-meanwhile = tillsynen ändrades under tiden; försök igen

# Rights.
supervision-may-not-look-in = dina roller omfattar inte tillsyn via kamera
supervision-may-not-respond = dina roller omfattar inte utryckningar
supervision-may-not-read-statistics = dina roller omfattar inte statistik

# Outcomes and visits.
supervision-describe-deviation = beskriv avvikelsen
supervision-choose-outcome = välj sett OK, syns inte eller avvikelse
supervision-visit-outcome = ett besök är sett, OK eller avvikelse

# The night patrol's dispatches.
supervision-dispatch-closed = utryckningen är redan avslutad
supervision-dispatch-acknowledged = utryckningen är redan kvitterad
supervision-acknowledge-first = kvittera utryckningen först
supervision-already-on-the-way = personal är redan på väg
supervision-arrival-recorded = ankomsten är redan registrerad
supervision-note-required = skriv vad som gjordes innan du avslutar
supervision-dispatch-changed-meanwhile = utryckningen ändrades under tiden; ladda om och försök igen
supervision-choose-step = välj kvittera, på väg, framme eller avsluta

# Extracts and reports.
supervision-period-ends-before-start = perioden slutar innan den börjar
supervision-extract-too-long = ett uttag omfattar högst { $nights } nätter
supervision-report-too-long = en rapport omfattar högst { $months } månader
supervision-date-format = ange datum som ÅÅÅÅ-MM-DD
supervision-month-format = ange månad som ÅÅÅÅ-MM
supervision-page-log-format = välj html, csv eller pdf
supervision-api-log-format = välj json, csv eller pdf

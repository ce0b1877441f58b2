### Messages of the night-supervision pages: the operator's console, the look-in
### and the night patrol's dispatches.
###
### Swedish. Every message here has the same id in
### locales/en/supervision.ftl (a unit test checks it).

nav-console = Tillsyn
nav-patrol = Utryckningar

console-title = Tillsyn i natt
console-intro = Tillsyner som är aktuella nu och de närmaste tre timmarna. Listan uppdateras av sig själv. Varje titt loggas med vem, när och hur länge; ingen bild sparas.
console-live = Direktuppdaterad
console-offline = Ingen kontakt med servern – försöker igen
console-none = Inga tillsyner just nu.
console-due = Planerad
console-window = Fönster
console-client = Brukare
console-unit = Enhet
console-camera = Kamera
console-state = Läge
console-look_in = Titta in
console-camera_online = Ansluten
console-camera_offline = Ej ansluten
console-camera_none = Ingen kamera
console-camera_now = Nu:
console-at_decision = Vid beslutet:
console-recheck = Omtitt

lookin-title = Tillsyn via kamera
lookin-privacy = Bilden visas bara nu och sparas inte. Titten avslutas av sig själv.
lookin-remaining = Tid kvar
lookin-seconds = sekunder
lookin-ended = Titten är avslutad och kameran har återgått till integritetsläge.
lookin-picture = Bild från kameran
lookin-outcome = Vad såg du?
lookin-note = Anteckning (krävs vid avvikelse)
lookin-seen_ok = Sett, OK
lookin-not_visible = Syns inte
lookin-deviation = Avvikelse
lookin-started = Startad
lookin-back = Tillbaka till listan

supervision-outcome_saved = Utfallet är sparat.

task_state-planned = Planerad
task_state-open = Fönstret är öppet
task_state-recheck_open = Omtitt – fönstret är öppet
task_state-looked_in = Tittat, utfall saknas
task_state-recheck_due = Omtitt väntar
task_state-done = Klar
task_state-escalated = Eskalerad – personal skickad
task_state-missed = Missad – personal skickad
task_state-camera_unreachable = Kameran nåddes inte – besök
task_state-closed = Avslutad
task_state-paused = Pausad
task_state-cancelled = Inställd

patrol-title = Utryckningar
patrol-intro = Brukare som ska besökas nu. Klockan visar tiden sedan larmet mot insatsmålet. Listan uppdateras av sig själv.
patrol-none = Inga öppna utryckningar.
patrol-announce = Ny utryckning: { $client }
patrol-cause = Orsak
patrol-alarmed_at = Larm kl.
patrol-elapsed = { $minutes } min sedan larmet
patrol-target = Insatsmål
patrol-address = Adress
patrol-protected = Skyddad adress – se brukarens sida
patrol-phone_first = Ring brukaren först
patrol-note = Vad gjordes? (krävs för att avsluta)
patrol-overdue = Över insatsmålet
patrol-step_saved = Steget är sparat.

dispatch_step-acknowledge = Kvittera
dispatch_step-on_the_way = På väg
dispatch_step-arrived = Framme
dispatch_step-close = Avsluta

dispatch_status-new = Ny
dispatch_status-acknowledged = Kvitterad
dispatch_status-on_the_way = På väg
dispatch_status-arrived = Framme
dispatch_status-closed = Avslutad

dispatch_cause-not_visible_twice = Syntes inte vid två tittar
dispatch_cause-deviation = Avvikelse sedd
dispatch_cause-missed = Tillsynen missades
dispatch_cause-camera_unreachable = Kameran nås inte

slog-title = Tillsynslogg
slog-intro = Brukarens logg över nattillsyn för en period: planerad tid, varje titt (när, hur länge, vem, vad som sågs), omtittar, utryckningar och insatstider. Varje uttag loggas.
slog-period = Period
slog-generated = Uttaget
slog-about = Inga bilder sparas vid tillsyn via kamera; loggen visar bara att och när tittar skedde.
slog-night = Natten
slog-look_in = Titt
slog-no_outcome = inget utfall
slog-dispatch = Utryckning
slog-none = Inga planerade tillsyner under perioden.
slog-from = Från natten
slog-to = Till och med natten
slog-show = Visa
slog-csv = Ladda ner CSV
slog-pdf = Ladda ner PDF
slog-back = Tillbaka till brukaren

client-supervision_log = Tillsynslogg

task_kind-look_in = Titt via kamera
task_kind-visit = Besök

nav-statistics = Statistik

stats-title = Statistik för nattillsyn
stats-intro = Per enhet och månad (nätternas datum): planerade tillsyner mot utförda, i tid (första titten senast 15 minuter efter planerad tid), syns inte, avvikelser, missade, utryckningar och insatstider. Bara antal, inga personuppgifter.
stats-from = Från månad
stats-to = Till och med månad
stats-month = Månad
stats-planned = Planerade
stats-performed = Utförda
stats-on_time = I tid
stats-missed = Missade
stats-dispatches = Utryckningar
stats-within_target = Framme inom 45 min
stats-chart_months = Planerade, utförda och i tid per månad
stats-chart_response = Tid från utryckning till framme (minuter)
stats-none = Inga tillsyner under perioden.

patrol-visits = Planerade besök
patrol-dispatches = Öppna utryckningar
patrol-visited = Besökt, OK

home-missed_supervision = Missade tillsyner senaste dygnet – nattpatrullen är skickad

outcome-seen_ok = Sett, OK
outcome-not_visible = Syns inte
outcome-deviation = Avvikelse
home-lapsed_supervision = Ingen tillsyn i natt – beslut eller samtycke har gått ut
home-lapse-decision = natten { $night }: beslutet om nattlig tillsyn gäller inte längre
home-lapse-consent = natten { $night }: samtycket gäller inte längre och behöver förnyas

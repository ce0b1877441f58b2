### Messages of the safety-alarm pages: the alarm centre's console, one alarm, the
### responder's alarms on the patrol page, technical alarms and their checks, chain
### health and statistics.
###
### Swedish. Every message here has the same id in
### locales/en/alarms.ftl (a unit test checks it).

nav-alarms = Larm

alarms-title = Larmcentral
alarms-intro = Öppna trygghetslarm efter prioritet och ålder. Listan uppdateras av sig själv. Ta ett larm innan du ringer; de andra ser att du har det.
alarms-none = Inga öppna larm.
alarms-announce = Nytt larm: { $kind } – { $who }
alarms-unknown_client = okänd brukare
alarms-attention_on = Slå på ljud och aviseringar för nya larm
alarms-attention_off = Stäng av ljud och aviseringar
alarms-attention_hint = Slå på en gång per pass: ett ljud spelas och fliken visar en avisering när ett nytt larm kommer.
alarms-attention_active = Ljud och aviseringar är på.
alarms-notify_title = Nytt larm i Vaka
alarms-received = Mottaget
alarms-kind = Typ
alarms-code = Händelsekod från enheten:
alarms-waiting = Väntat
alarms-restored = Återställt
alarms-account = Konto
alarms-taken_by = Tagits av
alarms-operator = Operatör
alarms-dispatched_to = Utlarmat till
alarms-escalated_not_taken = Ej taget i tid
alarms-escalated_not_acknowledged = Ej kvitterat i tid
alarms-fallback = Reservkö: ingen larmcentral bevakar brukaren
alarms-contact_clock = Till kontakt
alarms-arrival_clock = Till framme
alarms-open = Öppna
alarms-status = Larmet
alarms-call_note = Samtalsanteckning
alarms-dispatch_to = Larma ut till
alarms-dispatch_note_hint = En samtalsanteckning ovan följer med utlarmningen.
alarms-cause = Orsak
alarms-close_note = Vad hände (krävs för Annan orsak)
alarms-close_confirm = Avsluta larmet? Ett avslutat larm kan inte öppnas igen.
alarms-client_card = Brukaren
alarms-client_record = Akten
alarms-protected = Skyddad identitet: adress, telefon och kontakter visas bara för en namngiven grupp.
alarms-address = Adress
alarms-phone = Telefon
alarms-key_access = Nyckel
alarms-no_client = Larmet kommer från en enhet som inte är kopplad till någon brukare. Registrera enheten eller kontakta leverantören.
alarms-chain = Larmkedjan nu
alarms-log = Larmets logg
alarms-time = Tid
alarms-step = Händelse
alarms-by = Av
alarms-note = Anteckning
alarms-system = Systemet
alarms-step_saved = Sparat.
alarms-closed = Larmet är avslutat.
alarms-responder_title = Larm till dig
alarms-responder_none = Inga larm just nu.
alarms-details = Adress och kontakter
alarms-reason = Larmorsak
alarms-zone = zon
alarms-operator_note = Operatörens anteckning

alarm_kind-personal = Personlarm
alarm_kind-fall = Fall
alarm_kind-sensor = Givare
alarm_kind-technical = Tekniskt
alarm_kind-test = Provlarm
alarm_kind-unknown_device = Okänd enhet

alarm_category-personal_alarm = larmknapp
alarm_category-fall = fallarm
alarm_category-inactivity = inaktivitet
alarm_category-fire = brand/rök
alarm_category-low_battery = lågt batteri
alarm_category-mains_failure = strömavbrott
alarm_category-communication_failure = förbindelsefel
alarm_category-heartbeat_missed = uteblivet kontrollanrop
alarm_category-test = provlarm
alarm_category-other = okänd kod
alarm_category-unknown_device = ej registrerad

alarm_state-received = Inkommet
alarm_state-taken = Taget
alarm_state-dispatched = Utlarmat
alarm_state-acknowledged = Kvitterat
alarm_state-on_the_way = På väg
alarm_state-arrived = Framme
alarm_state-closed = Avslutat

alarm_step-take = Ta larmet
alarm_step-release = Släpp
alarm_step-contact = Kontakt med brukaren
alarm_step-note = Spara anteckning
alarm_step-dispatch = Larma ut
alarm_step-acknowledge = Kvittera
alarm_step-on_the_way = På väg
alarm_step-arrive = Framme
alarm_step-close = Avsluta larmet

alarm_log-take = Taget
alarm_log-release = Släppt
alarm_log-contact = Kontakt
alarm_log-note = Anteckning
alarm_log-dispatch = Utlarmat
alarm_log-acknowledge = Kvitterat
alarm_log-on_the_way = På väg
alarm_log-arrive = Framme
alarm_log-close = Avslutat
alarm_log-raised = Larm skapat
alarm_log-restored = Återställt
alarm_log-escalated_not_taken = Eskalerat: ej taget
alarm_log-escalated_not_acknowledged = Eskalerat: ej kvitterat

field-link = Utlarmning till

nav-technical = Tekniska larm
nav-health = Larmkedjan

technical-title = Tekniska larm
technical-intro = Öppna tekniska larm per utförare. På helger och helgdagar signerar utförarens teknikansvarige en kontroll två gånger om dagen; en kontroll som inte signeras i tid larmar kommunen.
technical-slot_due = Kontroll att signera
technical-slot_signed = Kontrollen är signerad
technical-no_slot = Ingen schemalagd kontroll just nu.
technical-next = Nästa schemalagda kontroll
technical-since = Sedan
technical-fault = Fel
technical-serial = Serienummer
technical-none_open = Inga öppna tekniska larm.
technical-note = Anteckning till kontrollen
technical-sign = Signera kontroll
technical-signed_ok = Kontrollen är signerad.
technical-signed = Signerad
technical-checks = Kontroller senaste veckan
technical-due = Schemalagd
technical-open_then = Öppna larm då
technical-missed = Missad
technical-no_providers = Inga utförare med aktiva larm i ditt ansvar.

health-title = Larmkedjans hälsa
health-intro = Hela kedjan från larmenhet till hjälp på plats: senaste meddelande per enhet, tider per larm och missade kontroller.
health-stopped = Larmtrafiken har stannat: inga meddelanden från någon enhet.
health-flowing = Larmtrafiken flödar.
health-coverage_gap = Larm som ingen larmcentral bevakar går till reservkön, som alla larmoperatörer ser. Ge en larmcentral täckning av enheterna.
health-coverage_units = Enheter med trygghetslarm utan larmcentral
health-coverage_no_unit = Brukare med trygghetslarm saknar enhet.
health-fallback_open = Öppna larm i reservkön
health-last_message = Senaste meddelande
health-limit = gräns
health-missed_checks = Missade tekniska kontroller
health-noticed = Upptäckt
health-recent = Larm senaste dygnet
health-to_take = Till taget
health-to_close = Till avslutat
health-devices = Larmenheter
health-overdue = tysta
health-last_seen = Senast hörd
health-interval = Intervall
health-silent = Tyst
health-refused = Avvisade larmmeddelanden, senaste dygnet
health-refused_intro = Meddelanden från registrerade enheter som larmmottagaren avvisat, en gång i minuten per enhet och orsak. En enhet som fortsätter att avvisas når inte larmcentralen: kontakta leverantören.
health-refused_reason = Orsak
health-refused_source = Avsändare
health-clear = okrypterat
health-clear_hint = Kontot är markerat okrypterat: den som når mottagaren kan skicka meddelanden i dess namn. Ge det en nyckel.
health-nodes = Noder som tar emot larm
health-nodes_single = En nod: den kör också de schemalagda jobben (eskalering, övervakning av kontrollanrop, rensning).
health-nodes_bus_up = Noderna delar ändringar och kameror över meddelandebussen. En nod i taget kör de schemalagda jobben; stannar den tar en annan över inom sekunder.
health-nodes_bus_down = Den här noden når inte meddelandebussen: ändringar från andra noder syns här först vid nästa omladdning, och kameror på andra noder nås inte härifrån.
health-node = Nod
health-node_role = Roll
health-node_heard = Senast hörd
health-node_this = den här
health-node_holder = Kör de schemalagda jobben
health-node_standby = Reserv

astats-title = Statistik för trygghetslarm
astats-intro = Larm per typ, enhet och månad, hur ofta målen för kontakt och framme nåddes, och tekniska larm. Provlarm räknas inte.
astats-chart_months = Larm per månad och slag
astats-contact_met = Kontakt i tid
astats-contact_median = Median till kontakt
astats-arrival_met = Framme i tid
astats-arrival_median = Median till framme
astats-technical_open = Tekniska öppna
astats-fix_median = Median till åtgärdat

nav-alarm_statistics = Larmstatistik

field-cause = Orsak

chain_link-night_patrol = Nattpatrull
chain_link-home_care = Hemtjänstgrupp
chain_link-relative = Anhörig

close_cause-help_given = Hjälp given
close_cause-fall = Fall, hjälp upp
close_cause-ambulance = Ambulans
close_cause-accidental = Oavsiktligt larm
close_cause-test = Provlarm
close_cause-technical = Teknisk orsak
close_cause-other = Annan orsak

# Varför larmmottagaren avvisade ett meddelande (vaka_domain::alarm::MessageRefusal).
message_refusal-framing = inte en DC-09-ram
message_refusal-crc = skadat på vägen (kontrollsumma)
message_refusal-length = skadat på vägen (längd)
message_refusal-header = oläsligt huvud
message_refusal-content = oläsligt innehåll
message_refusal-timestamp = oläslig tidsstämpel
message_refusal-missing_timestamp = krypterat meddelande utan tidsstämpel
message_refusal-window = tidsstämpel utanför tidsfönstret (fel klocka, sen omsändning eller uppspelning)
message_refusal-key = kan inte dekrypteras med kontots nyckel
message_refusal-token = meddelandetypen hanteras inte
message_refusal-unknown_account = okänt konto
message_refusal-clear_for_encrypted_account = okrypterat meddelande för ett konto med nyckel
message_refusal-unsecured_account = kontot har ingen nyckel och är inte markerat okrypterat
message_refusal-authentication = fel SCAIP-lösenord (SIP digest)

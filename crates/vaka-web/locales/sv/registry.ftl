### Messages of the registry pages: clients, decisions, orders, consent, plans,
### pauses, devices, imports and reports, with the names of their codes and fields.
###
### Swedish. Every message here has the same id in
### locales/en/registry.ftl (a unit test checks it).

nav-orders = Uppdrag
nav-devices = Enheter och larm
nav-reports = Uppföljning

clients-search_label = Namn eller personnummer
clients-search_hint = Sök på början av namnet eller personnumret. Du ser bara brukare som din enhet har behov av att se. Varje sökning loggas.

client-new = Ny brukare
client-edit = Ändra uppgifter
client-created = Brukaren är registrerad.
client-updated = Uppgifterna är sparade.
client-sections = Delar av sidan
client-record = Uppgifter
client-decisions = Beslut
client-orders = Uppdrag till utförare
client-consent = Samtycke
client-plan = Tillsynsplan
client-pauses = Uppehåll
client-devices = Utrustning
client-group = Behörighetsgrupp för skyddade uppgifter
client-address = Adress
client-contacts = Anhöriga och kontaktpersoner
client-contacts_hint = I den ordning de ska kontaktas.
client-no_contacts = Inga kontaktpersoner.
client-no_decisions = Inga beslut.
client-no_orders = Inga uppdrag.
client-no_consents = Inget samtycke dokumenterat.
client-no_plan = Ingen tillsynsplan ännu.
client-no_pauses = Inga uppehåll.
client-no_devices = Ingen utrustning kopplad.
client-withheld = Brukaren har skyddade personuppgifter. Adress, telefon och kontaktpersoner visas bara för en namngiven grupp. Din åtkomst är loggad.
client-withheld_edit = Brukaren har skyddade personuppgifter. Adress, telefon och kontaktpersoner kan bara ändras av den namngivna gruppen och behålls som de är.
client-identity_section = Identitet
client-identity_kind = Typ av identitet
client-identity_hint = Personnummer eller samordningsnummer med 10 eller 12 siffror (ÅÅMMDD-NNNN, + för den som fyllt 100), eller ett reservnummer.
client-contact_section = Adress och nyckel
client-service_section = Utförare
client-placement = Utförare och enhet
client-placement_none = Ingen ännu

field-identity = Personnummer
field-protection = Skyddade personuppgifter
field-address_street = Gatuadress
field-address_postcode = Postnummer
field-address_city = Ort
field-phone = Telefon
field-relation = Relation
field-key_access = Nyckelhantering
field-key_note = Anteckning om nyckel
field-area_type = Område
field-provider = Utförare
field-service = Insats
field-law = Lagrum
field-supervision_mode = Tillsynsform
field-times = Tider
field-decided_on = Beslutsdatum
field-valid_from = Gäller från
field-valid_to = Gäller till
field-informed_by = Informerad av
field-informed_on = Informerad den
field-informed_how = Hur
field-given_by = Samtycke gavs av
field-representative_name = Företrädarens namn
field-given_on = Samtycke den
field-reconfirm_by = Omprövas senast
field-recheck_delay_minutes = Omtitt efter (min)
field-escalation = Eskalering
field-response_target_minutes = Responstid (min)
field-first_night = Första natten
field-last_night = Sista natten
field-reason = Orsak
field-requested = Hur brukaren bad om det
field-note = Anteckning
field-serial = Serienummer
field-model = Modell
field-firmware = Mjukvaruversion
field-dc09_account = DC-09-konto
field-dc09_key = DC-09-nyckel
field-scaip_cid = SCAIP-id (cid)
field-scaip_password = SCAIP-lösenord (SIP digest)
field-dc09_key_style = Nyckelns form
field-client_id = Brukare
field-client = Brukare
field-step = Steg
field-withdrawn_on = Återkallat den
field-ended_on = Avslutas den
field-user_id = Användare
field-identity_kind = Typ av identitet
field-mode = Tillsynsform

decision-new = Nytt beslut
decision-record = Registrera beslut
decision-recorded = Beslutet är registrerat och skickat som uppdrag till utföraren.
decision-ended = Beslutet är avslutat.
decision-end = Avsluta
decision-end_confirm = Avsluta beslutet? Tillsynen enligt beslutet upphör från slutdagen.
decision-end_on = Avslutas den
decision-valid = Giltighet
decision-simplified = Förenklat
decision-simplified_long = Förenklat beslut (utan individuell behovsprövning)
decision-times_hint = För nattillsyn: de överenskomna tiderna, t.ex. 23:00, 02:00, 05:00.
decision-state-valid = Gäller
decision-state-coming = Kommande
decision-state-ended = Upphört

order-accept = Ta emot
order-accepted = Uppdraget är mottaget.
order-ordered = Beställt
order-accepted_at = Mottaget
order-activated_at = Startat
order-activation_hint = Kamera och trygghetslarm startar när enheten är installerad, testad och aktiverad; fysisk tillsyn startar när uppdraget tas emot.

orders-title = Uppdrag
orders-intro = Beslut som har blivit uppdrag till er. Ta emot dem för att planera utförandet.
orders-none = Inga uppdrag.

consent-new = Dokumentera samtycke
consent-record = Spara samtycke
consent-recorded = Samtycket är dokumenterat.
consent-withdraw = Återkalla
consent-withdraw_confirm = Återkalla samtycket? Tillsynen som bygger på det upphör.
consent-withdrawn = Samtycket är återkallat.
consent-withdrawn_on = Återkallat den
consent-informed = Information
consent-given = Samtycke
consent-reconfirm_hint = Lämna tomt för 12 månader efter samtycket.
consent-state-valid = Gäller
consent-state-due = Gäller – ska förnyas inom 30 dagar
consent-state-withdrawn = Återkallat
consent-state-reconfirm = Ska omprövas
consent-state-coming = Gäller från senare datum

plan-edit = Ändra tillsynsplan
plan-save = Spara tillsynsplan
plan-saved = Tillsynsplanen är sparad.
plan-updated = Senast ändrad
plan-default_marker = {" "}(kommunens standard)
plan-municipal_default = Kommunens standard
plan-override_hint = Lämna tomt för att följa kommunens standard.

pause-new = Registrera uppehåll
pause-record = Spara uppehåll
pause-recorded = Uppehållet är registrerat.
pause-cancel = Ångra
pause-cancel_confirm = Ångra uppehållet? Tillsynen planeras åter för de nätterna.
pause-cancelled = Uppehållet är borttaget.
pause-nights = Nätter
pause-recorded_by = Registrerat
pause-past = Passerat
pause-state-cancelled = Borttaget
pause-planned = Planerat
pause-night_hint = En natt räknas från kvällen den börjar. Lämna sista natten tom för en enda natt.

group-intro = Bara de här användarna ser adress, telefon och kontaktpersoner. Alla andra ser namn och personnummer. Välj så få som möjligt.
group-add = Lägg till
group-add_label = Användare i enheten
group-remove = Ta bort
group-empty = Ingen ännu.
group-changed = Gruppen är ändrad.

devices-title = Enheter och larm
devices-none = Inga enheter.

device-register = Registrera enhet
device-registered = Enheten är registrerad i lager.
device-credential = Enhetens inloggningsnyckel
device-credential_intro = Enheten ansluter till Vaka med den här nyckeln. Lägg in den i enheten nu.
device-credential_new = En ny nyckel är utfärdad; den gamla slutar gälla.
device-credential_issued = Utfärdad
device-credential_revoked = Spärrad
device-credential_none = Ingen
device-credential_revoked_ok = Nyckeln är spärrad.
device-issue_credential = Utfärda ny nyckel
device-revoke_credential = Spärra nyckel
device-revoke_confirm = Spärra enhetens nyckel? Enheten kan inte ansluta förrän den får en ny nyckel.
device-continue = Till enheten
device-facts = Uppgifter
device-client = Brukare
device-open_client = Öppna brukaren
device-last_seen = Senast hörd
device-connection = Anslutning
device-connected = Ansluten
device-not_connected = Inte ansluten
device-position-privacy = i integritetsläge
device-position-active = tittar
device-no_key = Ingen nyckel — tas inte emot (markera okrypterat eller ange nyckel)
device-clear = Okrypterat, uttryckligen markerat: den som når mottagaren kan förfalska kontots meddelanden
device-dc09_intro = Bara trygghetslarm: SIA DC-09-konto och AES-nyckel (16/24/32 tecken, eller 32/48/64 hexsiffror). Ett konto utan nyckel måste uttryckligen markeras okrypterat.
device-next_step = Nästa steg
device-no_steps = Enheten är avvecklad.
device-step = Steg
device-take_step = Utför
device-step_taken = Steget är registrerat.
device-assign_client = Brukarens personnummer
device-assign_hint = Bara för steget Koppla till brukare.
device-lifecycle_hint = I lager → kopplad till brukare → installerad → test godkänt → aktiv. En enhet aktiveras först efter ett godkänt test.
device-test_heading = Test
device-test_camera_connected = Kameran är ansluten. När du godkänner testet ber Vaka kameran om en testbild; bilden visas inte och sparas inte.
device-test_camera_offline = Kameran är inte ansluten. Testet kan godkännas först när kameran är ansluten och har skickat en testbild.
device-test_alarm_seen = Testlarm mottaget från enhetens DC-09-konto { $at }.
device-test_alarm_none = Inget testlarm har kommit in från enhetens DC-09-konto de senaste { $minutes } minuterna. Tryck på larmknappen och ladda om sidan.
device-test_manual = Enheten kan inte testas av systemet: testet godkänns på installatörens ord.
device-history = Historik
device-no_history = Ingen historik.
device-when = När
device-change = Ändring
device-by = Av
device-edit = Ändra uppgifter
device-updated = Enheten är ändrad.
device-scaip_intro = Trygghetslarm som talar SCAIP (SS 91100): det id larmet skickar som cid, och om så önskas ett lösenord som larmet måste svara med när det utmanas med SIP digest (8–64 tecken).
device-scaip_keep_hint = Lämna SCAIP-lösenordet tomt för att behålla det nuvarande.
device-scaip_digest = krävs (angivet)
device-scaip_no_digest = inget — larmet utmanas inte
device-key_keep_hint = Lämna nyckeln tom för att behålla den nuvarande.

report-title = Beslut som inte verkställts
report-intro = Beslut som inte verkställts inom tre månader, för kvartalsrapporten till IVO.
report-none = Inga beslut att rapportera.
report-started_on = Verkställt
report-days_waiting = Dagar
report-outside_reach = Beslut för brukare utanför din behörighet
report-outside_reach_intro = Brukare som du inte har behov av att känna till visas inte med namn, bara antalet beslut per utförare och enhet.
report-decisions = Beslut

import-title = Importera från fil
import-intro = Flytta brukare och utrustning från ett tidigare system med en CSV-fil (UTF-8 eller Windows-1252, semikolon eller komma mellan fälten, rubrikrad först). Kontrollera filen först: rapporten visar varje felaktig rad och kolumn. En fil med fel importeras inte alls, om du inte väljer att bara importera de korrekta raderna.
import-clients = Brukare
import-devices = Utrustning
import-file = CSV-fil
import-mode = Vad ska göras?
import-mode-validate = Kontrollera filen (inget sparas)
import-mode-all = Importera alla rader (inget sparas om någon rad är fel)
import-mode-only_valid = Importera bara de korrekta raderna
import-upload_clients = Skicka brukarfilen
import-upload_devices = Skicka utrustningsfilen
import-checking = Filen kontrolleras … vänta, sidan visar resultatet när kontrollen är klar.
import-columns = Kolumner
import-required = krävs
import-report = Rapport
import-rows_total = Rader i filen
import-rows_valid = Korrekta rader
import-rows_imported = Importerade rader
import-encoding = Teckenkodning
import-row = Rad
import-column = Kolumn
import-problem = Fel
import-report_gone = Importrapporten finns inte längre (den sparas i 30 minuter efter uppladdningen, för den som laddade upp filen). Skicka filen igen för en ny rapport.
import-problems_csv = Ladda ner alla fel (CSV)
import-problems-cut = Importen hittade { $found } fel; de första { $kept } sparas här. Rätta dem och kontrollera filen igen.
import-outcome-imported = Alla rader är importerade.
import-outcome-partly_imported = De korrekta raderna är importerade; de felaktiga visas nedan.
import-outcome-valid = Filen är korrekt. Inget är sparat ännu: välj Importera alla rader och skicka den igen.
import-outcome-rejected = Inget är importerat. Rätta raderna nedan och försök igen.
import-col-identity = personnummer eller samordningsnummer (10 eller 12 siffror, med eller utan - eller +), eller reservnummer
import-col-identity_kind = personnummer (standard), samordningsnummer eller reserve
import-col-name = brukarens namn
import-col-address_street = gatuadress
import-col-address_postcode = postnummer, fem siffror
import-col-address_city = ort (ange gata, postnummer och ort, eller ingen av dem)
import-col-phone = telefonnummer
import-col-provider = utföraren: namn eller id
import-col-unit = utförarens enhet: namn eller id
import-col-protection = none (standard), confidentiality_marking, protected_registration eller fictitious_identity
import-col-area_type = town (standard), countryside eller special_housing
import-col-key_access = none (standard), digital_lock, key_box eller reserve_key
import-col-key_note = var nyckeln finns
import-col-kind = camera, alarm_unit, lock eller nfc_tag
import-col-serial = serienummer
import-col-model = modell
import-col-firmware = mjukvaruversion
import-col-dc09_account = trygghetslarm: SIA DC-09-konto, 3–16 hexsiffror
import-col-dc09_key = trygghetslarm: AES-nyckeln
import-col-dc09_key_style = hur nyckeln är skriven: ascii eller hex; clear för ett konto utan nyckel (okrypterat, uttryckligt val)
import-col-client_identity = brukaren som enheten kopplas till: personnummer, samordningsnummer eller reservnummer
import-col-contact1_name = första kontaktperson: namn
import-col-contact1_relation = första kontaktperson: relation
import-col-contact1_phone = första kontaktperson: telefon
import-col-contact1_note = första kontaktperson: anteckning
import-col-contact2_name = andra kontaktperson: namn
import-col-contact2_relation = andra kontaktperson: relation
import-col-contact2_phone = andra kontaktperson: telefon
import-col-contact2_note = andra kontaktperson: anteckning
import-col-contact3_name = tredje kontaktperson: namn
import-col-contact3_relation = tredje kontaktperson: relation
import-col-contact3_phone = tredje kontaktperson: telefon
import-col-contact3_note = tredje kontaktperson: anteckning

identity_kind-personnummer = Personnummer
identity_kind-samordningsnummer = Samordningsnummer
identity_kind-reserve = Reservnummer

protection-none = Inga
protection-confidentiality_marking = Sekretessmarkering
protection-protected_registration = Skyddad folkbokföring
protection-fictitious_identity = Fingerade personuppgifter

area_type-town = Tätort
area_type-countryside = Landsbygd
area_type-special_housing = Särskilt boende

key_access-none = Inte ordnat
key_access-digital_lock = Digitalt lås
key_access-key_box = Nyckelgömma
key_access-reserve_key = Reservnyckel

law-sol = SoL
law-lss = LSS

service-night_supervision = Nattillsyn
service-safety_alarm = Trygghetslarm

mode-camera = Kamera
mode-physical_visit = Fysiskt besök
mode-both = Kamera och besök

order_status-ordered = Beställt
order_status-accepted = Mottaget
order_status-active = Pågår
order_status-ended = Avslutat

informed_how-in_person = Personligen
informed_how-phone = Per telefon
informed_how-letter = Brev
informed_how-other = Annat

given_by-client = Brukaren
given_by-representative = Företrädare

escalation-night_patrol = Nattpatrullen åker ut
escalation-phone_first = Ring först, sedan nattpatrullen

pause_reason-guests = Gäster
pause_reason-travel = Resa
pause_reason-hospital = Sjukhus
pause_reason-other = Annat

pause_request-client_in_person = Brukaren, personligen
pause_request-client_by_phone = Brukaren, per telefon
pause_request-relative = Anhörig
pause_request-staff = Personal

device_kind-camera = Trygghetskamera
device_kind-alarm_unit = Trygghetslarm
device_kind-lock = Digitalt lås
device_kind-nfc_tag = NFC-tagg

device_status-in_stock = I lager
device_status-assigned = Kopplad till brukare
device_status-installed = Installerad
device_status-test_passed = Test godkänt
device_status-active = Aktiv
device_status-deactivated = Avaktiverad
device_status-returned = Återlämnad
device_status-decommissioned = Avvecklad

device_step-assign = Koppla till brukare
device_step-install = Installera
device_step-pass_test = Test godkänt
device_step-fail_test = Test underkänt
device_step-activate = Aktivera
device_step-deactivate = Avaktivera
device-deactivate_confirm = Avaktivera enheten? Den tas ur drift och kan därefter bara lämnas tillbaka eller kasseras.
device_step-return = Återlämna
device_step-restock = Tillbaka i lager
device_step-decommission = Avveckla

key_style-ascii = Tecken
key_style-hex = Hexsiffror
key_style-clear = Ingen — okrypterat, uttryckligen markerat

# The system manager's page for protected identities
protection-title = Skyddade personuppgifter
protection-intro = Här registreras beslutet att ta bort, sänka eller höja skyddet för en brukares personuppgifter. Att ta bort eller sänka skyddet visar adress och kontakter för alla med behörighet till brukaren, så det kräver ett beslut och en orsak. Ändringen loggas och flaggas.
protection-new_level = Ny skyddsnivå
protection-reason_hint = Beslutet eller underrättelsen från folkbokföringen som ändringen bygger på.
protection-submit = Registrera ändringen
protection-changed = Skyddet för { $name } är ändrat från { $from } till { $to }.
client-protection_hint = Skydd kan läggas till eller höjas här. Att ta bort eller sänka det är ett eget beslut som systemansvarig registrerar.

## Emergency access (nödåtkomst)
emergency-title = Nödåtkomst
emergency-link = Nödåtkomst till en brukare utanför din behörighet
emergency-intro = När en brukares liv eller hälsa är i fara och ingen med behörighet kan agera kan du öppna brukarens uppgifter för läsning. Ange skälet. Åtkomsten märks i loggen och granskas alltid vid nästa loggranskning.
emergency-refused = Brukaren ligger utanför din behörighet. Om brukarens liv eller hälsa är i fara kan du begära nödåtkomst nedan.
emergency-open = Begär nödåtkomst
emergency-identity = Personnummer, samordningsnummer eller reservnummer
emergency-reason = Skäl
emergency-reason-hint = Vad har hänt och varför måste uppgifterna läsas nu? Skriv inte in andra personers uppgifter.
emergency-terms = Åtkomsten gäller i { $minutes } minuter, bara för läsning, och ges aldrig till en brukare med skyddade personuppgifter för den som inte är med i brukarens namngivna grupp.
emergency-submit = Öppna med nödåtkomst
emergency-mine = Mina öppna nödåtkomster
emergency-none = Du har ingen öppen nödåtkomst.
emergency-opened = Öppnad
emergency-ends = Upphör
emergency-minutes-left = { $minutes } min kvar
emergency-to-client = Till brukaren
emergency-end = Avsluta nu
emergency-manage = Mina nödåtkomster
emergency-banner = Du läser brukaren med nödåtkomst till { $until }. Allt du gör loggas och granskas.
emergency-opened-ok = Nödåtkomsten är öppnad.
emergency-ended = Nödåtkomsten är avslutad.

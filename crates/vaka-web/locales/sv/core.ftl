### Shared messages: the application's name, navigation, common words, login,
### password and two-factor set-up, overview, organisations, units, users, audit log,
### profile, errors, the demo accounts and the role names.
###
### Swedish. Every message here has the same id in
### locales/en/core.ftl (a unit test checks it).

app-name = Vaka
app-tagline = Välfärdsteknik för hemtjänsten

nav-home = Översikt
nav-clients = Brukare
nav-organisations = Organisationer
nav-users = Användare
nav-audit = Loggar
nav-profile = Min profil
nav-logout = Logga ut
nav-skip = Hoppa till innehållet
nav-menu = Huvudmeny

lang-switch = In English

common-save = Spara
common-create = Skapa
common-search = Sök
common-cancel = Avbryt
common-back = Tillbaka
common-name = Namn
common-kind = Typ
common-status = Status
common-active = Aktiv
common-inactive = Inaktiv
common-yes = Ja
common-no = Nej
common-none = Inga
common-all = Alla
common-actions = Åtgärder
common-created = Skapad
common-organisation = Organisation
common-unit = Enhet
common-whole_org = Hela organisationen
common-error = Något blev fel
common-request_id = Ärende-id
common-details = Detaljer
common-shown_once = Visas bara en gång. Skriv ner eller lämna över på ett säkert sätt nu.

login-title = Logga in
login-username = Användarnamn
login-password = Lösenord
login-submit = Logga in
login-failed = Fel användarnamn eller lösenord.
login-locked = För många misslyckade försök. Kontot är tillfälligt låst till
login-rate_limited = För många inloggningsförsök från din adress. Vänta en minut och försök igen.
login-intro = Logga in med ditt personliga konto. Alla som ser brukaruppgifter loggar in med två faktorer.
login-code_title = Engångskod
login-code_intro = Ange den sexsiffriga koden från din autentiseringsapp, eller en av dina reservkoder.
login-code = Kod
login-code_wrong = Koden stämmer inte. Försök igen med en ny kod.
login-verify = Verifiera
login-restart = Börja om inloggningen
login-session_gone = Inloggningen har gått ut. Logga in igen.
login-logged_out = Du är utloggad.

password-title = Byt lösenord
password-forced_intro = Du loggar in med ett engångslösenord. Välj ett eget lösenord på minst 12 tecken.
password-current = Nuvarande lösenord
password-new = Nytt lösenord
password-repeat = Upprepa nytt lösenord
password-mismatch = Lösenorden är inte lika.
password-changed = Lösenordet är bytt.
password-hint = Minst 12 tecken. Använd gärna en lösenfras av flera ord.

enrol-title = Aktivera tvåfaktorsinloggning
enrol-intro = Din roll ger tillgång till uppgifter om brukare. Skanna QR-koden med en autentiseringsapp (t.ex. Microsoft Authenticator, Google Authenticator eller FreeOTP) och ange koden som visas.
enrol-manual = Kan du inte skanna? Ange den här nyckeln i appen:
enrol-qr_label = QR-kod för autentiseringsappen
enrol-confirm = Aktivera
enrol-done_title = Tvåfaktorsinloggning är aktiverad
enrol-codes_intro = Här är dina reservkoder. Varje kod kan användas en gång om du inte har telefonen med dig. Förvara dem säkert.
enrol-continue = Fortsätt
enrol-already = Tvåfaktorsinloggning är redan aktiverad.

home-title = Översikt
home-welcome = Välkommen
home-your_roles = Dina roller
home-pending_requests = Kontoförfrågningar att besluta om
home-unused_accounts = Konton som inte använts på 90 dagar
home-no_tasks = Inget att åtgärda just nu.
home-shortcuts = Genvägar

org-title = Organisationer
org-new = Ny organisation
org-kind-municipality = Kommun (beställare)
org-kind-provider = Utförare
org-kind-alarm_centre = Larmcentral
org-provider_kind = Driftform
org-provider_kind-in_house = Egen regi
org-provider_kind-private = Privat utförare (LOV)
org-number = Organisationsnummer
org-units = Enheter
org-edit = Ändra organisation
org-created = Organisationen är skapad.
org-saved = Organisationen är sparad.

unit-new = Ny enhet
unit-title = Enhet
unit-kind-home_care = Hemtjänstgrupp
unit-kind-night_patrol = Nattpatrull
unit-kind-duty_team = Trygghetsjour
unit-kind-special_housing = Särskilt boende
unit-kind-alarm_operators = Larmoperatörer
unit-kind-administration = Administration
unit-coverage = Täcker enheter
unit-coverage_intro = Nattpatruller, trygghetsjourer och larmoperatörer ser brukarna i de enheter de täcker.
unit-members = Personal med roll i enheten
unit-created = Enheten är skapad.
unit-saved = Enheten är sparad.

user-title = Användare
user-new = Nytt konto
user-request = Begär konto
user-request_intro = Kommunens administratör godkänner förfrågan innan kontot kan användas.
user-username = Användarnamn
user-display_name = Namn
user-email = E-post
user-hsa_id = HSA-id (valfritt)
user-roles = Roller
user-role = Roll
user-add_role = Lägg till roll
user-remove_role = Ta bort
user-status-requested = Begärt
user-status-active = Aktivt
user-status-rejected = Avslaget
user-status-deactivated = Avslutat
user-unused = Oanvänt 90 dagar
user-only_unused = Bara oanvända konton
user-last_login = Senaste inloggning
user-never = Aldrig
user-totp = Tvåfaktor
user-sessions = Aktiva inloggningar
user-approve = Godkänn
user-reject = Avslå
user-deactivate = Avsluta kontot nu
user-deactivate_confirm = Kontot avslutas direkt och alla inloggningar och nycklar upphör. Fortsätta?
user-reactivate = Återaktivera
user-reset_password = Nytt engångslösenord
user-reset_totp = Nollställ tvåfaktor
user-initial_password = Engångslösenord
user-initial_password_intro = Lämna över lösenordet till personen på ett säkert sätt. Det måste bytas vid första inloggningen.
user-created = Kontot är skapat.
user-requested = Förfrågan är skickad till kommunen.
user-approved = Kontot är godkänt.
user-rejected = Förfrågan är avslagen.
user-deactivated = Kontot är avslutat. Alla inloggningar och nycklar har upphört.
user-reactivated = Kontot är återaktiverat.
user-saved = Kontot är sparat.
user-totp_reset = Tvåfaktorinloggningen är nollställd. Personen aktiverar den igen vid nästa inloggning.
user-role_added = Rollen är tillagd.
user-role_removed = Rollen är borttagen.
user-requests = Förfrågningar
user-tokens = API-nycklar
user-token_name = Namn på nyckeln
user-token_create = Skapa API-nyckel
user-token_revoke = Återkalla
user-token_revoked = Nyckeln är återkallad.
user-token_new = Ny API-nyckel
user-token_last_used = Senast använd
user-token_status_revoked = Återkallad

audit-title = Loggar och logguppföljning
audit-intro = Varje åtkomst till personuppgifter och varje säkerhetshändelse loggas. Sök för logguppföljning; exportera som CSV.
audit-user = Användare
audit-client = Brukar-id
audit-action = Händelse
audit-from = Från
audit-to = Till
audit-export = Exportera CSV
audit-when = Tid
audit-who = Vem
audit-role = Roll
audit-outcome = Utfall
audit-subject = Avser
audit-context = Vårdkontext
audit-source = Källa
audit-no_results = Inga loggposter matchar.
audit-older = Äldre poster
audit-outcome-success = Utförd
audit-outcome-denied = Nekad
audit-outcome-failure = Misslyckad
audit-flag-protected = Skyddad identitet

profile-title = Min profil
profile-security = Säkerhet
profile-totp_on = Tvåfaktorsinloggning är aktiverad.
profile-totp_off = Tvåfaktorsinloggning är inte aktiverad.
profile-enrol = Aktivera tvåfaktor
profile-renew_codes = Nya reservkoder
profile-logout_everywhere = Logga ut överallt
profile-logout_everywhere_intro = Avslutar alla dina inloggningar på alla enheter, även denna.

error-forbidden = Du har inte behörighet till det här.
error-not_found = Sidan eller posten finns inte.
error-invalid = Uppgifterna behöver rättas
error-conflict = Det gick inte att genomföra
error-unavailable = Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.
error-internal = Ett fel uppstod hos oss. Ange ärende-id om du kontaktar supporten.
error-form_unreadable = Formuläret kunde inte läsas. Ladda om sidan och försök igen.
error-too_large = Det som skickades är för stort.
error-bad_request = Begäran kunde inte tolkas. Ladda om sidan och försök igen.

demo-title = Demokonton
demo-intro = Det här är en demo med påhittade uppgifter. Koden visas här för att du ska slippa en app; i skarp drift visas den bara i användarens telefon.
demo-code_now = kod nu
demo-enrol_first = aktiverar tvåfaktor vid första inloggningen

role-system_admin = Systemadministratör
role-system_manager = Systemförvaltare
role-needs_assessor = Biståndshandläggare
role-unit_manager = Enhetschef
role-operator = Larmoperatör / trygghetsjour
role-night_patrol = Nattpatrull
role-care_staff = Hemtjänstpersonal
role-nurse = Sjuksköterska
role-provider_admin = Utförarens administratör

clients-title = Brukare
clients-identity = Personnummer
clients-none = Inga brukare att visa.

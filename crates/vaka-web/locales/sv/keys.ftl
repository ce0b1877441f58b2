### Words of door locks and NFC tags at clients' doors (the tag's page, its URL's landing page).
###
### Swedish. Every message here has the same id in locales/en/keys.ftl.

## NFC tags

tag-landing-refused = Taggen godtas inte
tag_strength-sun = säker tagg (NTAG 424 DNA, engångskod vid varje läsning)
tag_strength-plain = enkel tagg (NTAG21x) — svagare: kan kopieras
audit_action-tag-provision = NFC-tagg inställd
audit_action-tag-order = NFC-tagg beställd
audit_action-tag-replace = NFC-tagg utbytt
audit_action-tag-tap = NFC-tagg läst
tag-section = NFC-tagg
tag-url = Adress att skriva på taggen (NDEF-post med URL)
tag-url_template = Mall för den säkra taggen (SDM: krypterad PICC-data och MAC)
tag-uid_unknown = inte känt ännu (sparas vid första godkända läsningen)
tag-last_counter = Senast godkända räknare
tag-last_tap = Senast läst
tag-weaker = Svagare bevis: en enkel tagg och dess adress kan kopieras till en annan tagg. Byt till en säker tagg (NTAG 424 DNA) när det går.
tag-write_hint = Formatera taggen som NDEF och skriv adressen som en URL-post. En säker tagg ställs in med SDM: PICC-data krypterad med taggens nyckel, MAC med samma nyckel över tom indata.
tag-replace = Byt tagg
tag-replace_confirm = Den gamla taggen tas ur bruk och en ny kopplas till samma brukare. Vill du byta?
tag-none = Taggen har inga uppgifter ännu.
tag-provision = Ställ in taggen
tag-key_hint = Lämna tomt för att behålla nyckeln. En säker tagg utan nyckel får en ny, som visas en gång.
tag-save = Spara taggens uppgifter
tag-order = Beställ NFC-tagg till en brukare
tag-order_intro = Taggen registreras, får sin adress (och nyckel om den är säker) och kopplas till brukaren. Installatören skriver adressen på taggen och tar den genom installation, test och aktivering.
tag-order_client = Brukare (personnummer)
tag-order_submit = Beställ tagg
tag-key_title = Taggens adress och nyckel
tag-key_intro = Skriv adressen på taggen (och nyckeln, för en säker tagg), till exempel med NXP TagWriter.
tag-continue = Till taggen
tag-provisioned = Taggens uppgifter är sparade.
tag-replaced = Taggen är utbytt: den gamla är tagen ur bruk.
tag-ordered = Taggen är beställd och kopplad till brukaren.
field-uid = Serienummer (UID)
field-strength = Typ av tagg
field-sdm_key = Taggens nyckel
import-col-tag_strength = NFC-taggar: sun (NTAG 424 DNA, engångskod vid varje läsning) eller plain (NTAG21x, svagare)
import-col-tag_uid = NFC-taggar: serienumret (UID) i hex
import-col-tag_key = NFC-taggar, sun: AES-nyckeln, 32 hexsiffror

## Digital keys: locks, the key access set, lock events, capabilities.

audit_action-lock-unlock = Upplåsning begärd
audit_action-lock-capabilities = Digitala nycklar utfärdade
audit_action-lock-event = Händelse från lås
audit_action-lock-connection_refused = Låsets anslutning nekad
audit_action-keys-read = Nyckelhantering visad
audit_action-keys-change = Nyckelhantering ändrad

keys-title = Nycklar och lås
keys-link = Nycklar och lås
keys-changed = Nyckelhanteringen är sparad.
keys-no-reserve-key = Privata utförare ska alltid ha en fysisk reservnyckel till varje brukare: ingen reservnyckel är registrerad.
keys-access = Sätt att komma in
keys-access-legend = Brukaren har
keys-save = Spara
keys-locks = Lås
keys-no-locks = Brukaren har inget digitalt lås.
keys-lock-serial = Serienummer
keys-lock-status = Status
keys-lock-connection = Anslutning
keys-online = Ansluten
keys-offline = Inte ansluten
keys-events = Händelser från låsen
keys-no-events = Inga händelser ännu.
keys-event-by = { $what } av { $name }
keys-grants = Upplåsningar och digitala nycklar senaste veckan
keys-no-grants = Inga under veckan.
keys-grant-kind = Sätt
keys-grant-reason = Skäl
keys-grant-window = Gäller
keys-grant-revoked = Återkallad
keys-door-events = Dörren
lock_event-unlocked = Dörren upplåst
lock_event-locked = Dörren låst
lock_event-refused = Upplåsning nekad av låset
lock_event-battery_low = Låsets batteri är svagt
lock_event-jammed = Låset har fastnat
lock_event-tamper = Någon har manipulerat låset
lock_grant-unlock = Upplåsning via nätet
lock_grant-capability = Digital nyckel i telefonen
lock_reason-visit = Besök
lock_reason-alarm = Larm
lock_reason-adhoc = Nattpatrull
lock_refusal-malformed = ogiltig nyckel
lock_refusal-forged = förfalskad nyckel
lock_refusal-wrong_lock = nyckel till ett annat lås
lock_refusal-not_yet_valid = nyckeln gäller inte än
lock_refusal-expired = nyckeln har gått ut
lock_refusal-replayed = nyckeln är redan använd
lock_refusal-revoked = nyckeln är återkallad
lock_refusal-memory_full = låsets minne är fullt
lock_refusal-not_possible = gick inte att låsa upp
lock_refusal-too_late = kommandot kom för sent

### Reasons about CSV imports of clients and devices: vaka_domain::reason::ImportReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/import.ftl, and every
### reason of the enum has a message (unit tests check both).
###
### A duplicate row names the other rows: $count in all; $rows the first ones written out,
### then $last; $more that are not shown ("4", "2, 3 och 4", "1, 2, 3, 4, 5 och 2 till").

import-may-not-import = dina roller tillåter inte import av data
import-only-admins-import-devices = bara kommunens systemadministratörer importerar enheter
import-utf16 = filen är UTF-16-text; spara den igen som "CSV UTF-8" (eller som CSV i Windows-1252) och skicka den igen
import-charset-not-supported = den angivna teckenkodningen stöds inte: skicka UTF-8 eller Windows-1252
import-not-utf8-as-declared = rad { $line } är inte giltig UTF-8, fast begäran säger att filen är det; spara den igen som "CSV UTF-8" (eller som CSV i Windows-1252) och skicka den igen
import-mixed-encodings = rad { $line } är inte giltig UTF-8, fast andra rader är det: filen blandar teckenkodningar; spara den igen som "CSV UTF-8" (eller som CSV i Windows-1252) och skicka den igen
import-control-character = rad { $line } innehåller ett styrtecken (U+{ $code }): filen är inte text i UTF-8 eller Windows-1252; spara den igen som "CSV UTF-8" (eller som CSV i Windows-1252) och skicka den igen
import-empty = filen är tom: första raden ska namnge kolumnerna
import-header-not-csv = rubrikraden kan inte läsas som CSV: { $error }
import-column-twice = kolumnen finns två gånger (kolumn { $first } och { $second })
import-unknown-column = okänd kolumn; kolumnerna är: { $columns }
import-missing-column = en obligatorisk kolumn saknas ({ $help })
import-row-not-csv = raden kan inte läsas som CSV: { $error }
import-row-shape = raden har { $values } värden men rubrikraden har { $columns } kolumner: kontrollera avgränsare och citattecken
import-unnamed-column = kolumn { $column } har ett värde men inget namn i rubrikraden
import-no-rows = filen har inga rader att importera under rubrikraden
import-not-one-of = ska vara något av: { $choices }
import-duplicate-identity = samma personnummer står också på rad { $count ->
        [1] { $last }
       *[other] { $more ->
            [0] { $rows } och { $last }
           *[other] { $rows }, { $last } och { $more } till
        }
    }: behåll en rad för varje
import-duplicate-serial = samma typ och serienummer står också på rad { $count ->
        [1] { $last }
       *[other] { $more ->
            [0] { $rows } och { $last }
           *[other] { $rows }, { $last } och { $more } till
        }
    }: behåll en rad för varje
import-duplicate-account = samma DC-09-konto står också på rad { $count ->
        [1] { $last }
       *[other] { $more ->
            [0] { $rows } och { $last }
           *[other] { $rows }, { $last } och { $more } till
        }
    }: behåll en rad för varje
import-no-such-organisation = ingen organisation har det här namnet
import-unit-needs-provider = en enhet namnges inom sin utförare: fyll i kolumnen provider också
import-no-such-unit = utföraren har ingen enhet med det här namnet
import-outside-need-to-know = utanför din behörighet: dina roller tillåter inte att du registrerar brukare här
import-identity-registered = en brukare med det här personnumret är redan registrerad
import-not-an-identity = är inte ett personnummer, samordningsnummer eller reservnummer
import-serial-registered = en enhet av den här typen med det här serienumret är redan registrerad
import-account-taken = en annan enhet har redan det här DC-09-kontot
import-no-client-with-identity = ingen brukare har det här personnumret
import-no-alarm-centre-covers = ingen larmcentral bevakar brukarens enhet, så brukarens larm skulle inte nå någon operatör: ge först en larmcentral eller trygghetsjour täckning av enheten
import-row-not-checked = raden kunde inte kontrolleras
import-choose-file = välj en fil
import-send-from-form = skicka filen från formuläret på den här sidan

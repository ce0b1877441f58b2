### Why a typed value is refused: the reasons of vaka_domain::reason::InputReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/input.ftl, and every
### reason of the enum has a message (unit tests check both).

input-required = måste fyllas i
input-too-long = får vara högst { $max } tecken
input-too-short = ska vara minst { $min } tecken
input-longer-than = är längre än { $max } tecken
input-length-between = ska vara { $min }–{ $max } tecken
input-control-characters = får inte innehålla styrtecken
input-no-spaces = får inte innehålla mellanslag
input-digits-and-dash-only = får bara innehålla siffror och '-'
input-check-digit = kontrollsiffran stämmer inte
input-username-start = ska börja med en bokstav a–z
input-username-characters = får bara innehålla a–z, 0–9, '.', '_' och '-'
input-email-no-at = måste innehålla '@'
input-email-one-at = måste innehålla exakt ett '@'
input-email-local-part = delen före '@' ska vara 1–64 tecken
input-email-domain = domänen efter '@' är inte giltig (t.ex. kommun.se)
input-hsa-id-shape = ska se ut som SE2321000016-15G7 (SE, 10 siffror, '-', 1–31 bokstäver eller siffror)
input-org-number-length = ska ha 10 siffror (NNNNNN-NNNN)
input-password-contains-username = får inte innehålla användarnamnet
input-password-one-character = får inte vara ett och samma tecken upprepat
input-password-too-guessable = är för lätt att gissa; välj en längre lösenfras av ord som inte hör ihop (undvik vanliga lösenord, tangentbordsrader, årtal och ditt namn)
input-refers-to-missing = det hänvisar till något som inte finns
input-conflicts-with-existing = det krockar med uppgifter som redan finns
input-not-valid = är inte giltigt
input-out-of-range = är utanför tillåtet intervall
input-at-least = måste vara minst { $min }
input-not-date-or-instant = ska vara ett datum (ÅÅÅÅ-MM-DD) eller en tidpunkt (RFC 3339)
input-end-before-start = måste vara efter periodens början
input-unknown-audit-action = är ingen känd åtgärd
input-unreadable-upload = formuläret eller filen kunde inte läsas; försök igen

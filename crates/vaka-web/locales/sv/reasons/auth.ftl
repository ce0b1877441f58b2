### Why a login step or a credential is refused: vaka_domain::reason::AuthReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/auth.ftl, and every
### reason of the enum has a message (unit tests check both).

auth-code-mismatch = koden stämmer inte; kontrollera tiden i telefonen och försök igen
auth-step-done = det här steget av inloggningen är redan gjort
auth-not-current-password = stämmer inte med ditt nuvarande lösenord
auth-password-unchanged = måste skilja sig från nuvarande lösenord
auth-enrolled-ask-for-reset = tvåfaktorsinloggning är redan aktiverad; en administratör kan återställa den
auth-already-enrolled = tvåfaktorsinloggning är redan aktiverad
auth-enrolment-not-started = börja aktiveringen av tvåfaktorsinloggning först
auth-not-enrolled = aktivera tvåfaktorsinloggning först
auth-fresh-second-factor-needed = ange en aktuell kod från din app (eller en reservkod) för att bekräfta att det är du; det krävs för den här ändringen om du inte angett en kod de senaste minuterna
auth-fresh-second-factor-needs-session = kan bara göras av en inloggad person som bekräftar med sin tvåfaktorskod, inte med en API-nyckel
auth-pin-too-weak = PIN-koden ska vara 4–8 siffror och inte lätt att gissa (inte samma siffra, inte 1234)
auth-app-device-needs-session = bara en inloggad telefon kan spara en PIN-inloggning, inte en API-nyckel
auth-passkeys-unavailable = inloggningsnycklar (passkeys) kan inte användas på den här adressen: öppna Vaka med dess värdnamn (till exempel http://localhost:8080), inte med en IP-adress
auth-passkey-refused = inloggningsnyckelns svar godtogs inte: det är inte en av dina inloggningsnycklar, eller så har svaret använts förut; försök igen
auth-passkey-challenge-gone = förfrågan om inloggningsnyckel har gått ut eller redan använts; försök igen
auth-passkey-malformed = är inte ett svar från en inloggningsnyckel i webbläsaren
auth-passkey-name = måste vara 1–60 tecken
auth-passkey-needs-totp = aktivera först tvåfaktorsinloggning med en autentiseringsapp; inloggningsnycklar kommer som ett komplement till den
auth-no-passkeys = kontot har ingen inloggningsnyckel

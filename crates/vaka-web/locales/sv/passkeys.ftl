# Passkeys (WebAuthn) beside TOTP: the account page, the login's code step, the step-ups.
# "Inloggningsnyckel", not "nyckel": a digital key (digital nyckel) opens a client's door.
passkey-title = Inloggningsnycklar (passkeys)
passkey-intro = En inloggningsnyckel (passkey) låter dig logga in med telefonens eller datorns skärmlås eller med en säkerhetsnyckel. Du kan använda den i stället för koden från appen. Appen och reservkoderna finns kvar.
passkey-none = Du har inga inloggningsnycklar.
passkey-name = Namn
passkey-created = Tillagd
passkey-last_used = Senast använd
passkey-never_used = Aldrig
passkey-rename = Byt namn
passkey-remove = Ta bort
passkey-remove_confirm = Ta bort inloggningsnyckeln? Den kan sedan inte användas för att logga in.
passkey-add = Lägg till inloggningsnyckel
passkey-add_name_hint = Till exempel ”Jobbdatorn” eller ”Min telefon”.
passkey-use = Använd inloggningsnyckel i stället
passkey-login = Logga in med inloggningsnyckel
passkey-login_or = eller
passkey-failed = Inloggningsnyckeln kunde inte användas. Försök igen.
passkey-cancelled = Ingen inloggningsnyckel användes (avbrutet, eller ingen hittades).
passkey-unsupported = Webbläsaren kan inte använda inloggningsnycklar.
passkey-unavailable = Inloggningsnycklar fungerar bara när Vaka öppnas med sitt värdnamn (till exempel http://localhost:8080), inte med en IP-adress.
passkey-needs_totp = Aktivera först tvåfaktorsinloggning med en app; inloggningsnycklar kommer som ett komplement.
passkey-added = Inloggningsnyckeln är tillagd.
passkey-renamed = Inloggningsnyckeln har fått nytt namn.
passkey-removed = Inloggningsnyckeln är borttagen.
passkey-refused_login = Inloggningsnyckeln godtogs inte. Försök igen, eller ange en kod.
passkey-table_caption = Dina inloggningsnycklar

# Passkeys in the audit log.
audit_action-auth-passkey_added = Inloggningsnyckel (passkey) tillagd
audit_action-auth-passkey_renamed = Inloggningsnyckel (passkey) fick nytt namn
audit_action-auth-passkey_removed = Inloggningsnyckel (passkey) borttagen

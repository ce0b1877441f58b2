# Passkeys (WebAuthn) beside TOTP: the account page, the login's code step, the step-ups.
passkey-title = Nycklar (passkeys)
passkey-intro = En nyckel är inloggning med telefonens eller datorns skärmlås eller en säkerhetsnyckel. Du kan använda den i stället för koden från appen. Appen och reservkoderna finns kvar.
passkey-none = Du har inga nycklar.
passkey-name = Namn
passkey-created = Tillagd
passkey-last_used = Senast använd
passkey-never_used = Aldrig
passkey-rename = Byt namn
passkey-remove = Ta bort
passkey-remove_confirm = Ta bort nyckeln? Den kan sedan inte användas för att logga in.
passkey-add = Lägg till nyckel
passkey-add_name_hint = Till exempel ”Jobbdatorn” eller ”Min telefon”.
passkey-use = Använd nyckel i stället
passkey-login = Logga in med nyckel
passkey-login_or = eller
passkey-failed = Nyckeln kunde inte användas. Försök igen.
passkey-cancelled = Nyckeln användes inte (avbrutet eller ingen nyckel hittades).
passkey-unsupported = Webbläsaren kan inte använda nycklar.
passkey-unavailable = Nycklar fungerar bara när Vaka öppnas med sitt värdnamn (till exempel http://localhost:8080), inte med en IP-adress.
passkey-needs_totp = Aktivera först tvåfaktorsinloggning med en app; nycklar kommer som ett komplement.
passkey-added = Nyckeln är tillagd.
passkey-renamed = Nyckeln har fått nytt namn.
passkey-removed = Nyckeln är borttagen.
passkey-refused_login = Nyckeln godtogs inte. Försök igen, eller ange en kod.
passkey-table_caption = Dina nycklar

# Passkeys in the audit log.
audit_action-auth-passkey_added = Nyckel (passkey) tillagd
audit_action-auth-passkey_renamed = Nyckel (passkey) fick nytt namn
audit_action-auth-passkey_removed = Nyckel (passkey) borttagen

### Login through an identity provider (SITHS eID over OpenID Connect).

# The button on the login page, one per provider; $provider is its name (SITHS eID).
oidc-button = Logga in med { $provider }
oidc-or = eller med användarnamn och lösenord
oidc-title = Inloggning med { $provider }
oidc-down = { $provider } går inte att nå just nu, så inloggningen kunde inte börja. Försök igen om en stund. Har du ett lokalt konto med lösenord (till exempel ett nödkonto) kan du logga in med det.
oidc-unknown_account = { $provider } har loggat in dig med HSA-id { $hsa_id }, men inget konto i Vaka har det HSA-id:t. Be din administratör att lägga in HSA-id:t på ditt konto. Inget konto skapas automatiskt.
oidc-refused = Ditt konto kan inte logga in just nu: det är avslutat, spärrat eller inte godkänt. Kontakta din administratör.
oidc-state_unknown = Inloggningen har gått ut eller redan använts. Börja om inloggningen.
oidc-provider_said_no = { $provider } loggade inte in dig (svar från identitetsleverantören: { $error }). Börja om inloggningen.
oidc-not_verified = Svaret från { $provider } kunde inte kontrolleras, så du är inte inloggad. Börja om inloggningen.
oidc-unknown_provider = Det finns ingen sådan identitetsleverantör.
oidc-no_hsa_id = (saknas)
audit_action-auth-oidc = Inloggning via identitetsleverantör
oidc-step_up = Bekräfta med { $provider }
oidc-step_up_down = { $provider } går inte att nå just nu, så bekräftelsen kunde inte börja. Försök igen om en stund, eller bekräfta med en kod om du har en.
oidc-step_up_session = Bekräftelsen hör till en inloggning som inte längre är din här. Logga in igen och gör om det du höll på med.
oidc-step_up_other_person = { $provider } intygade en annan person än den som är inloggad. Ingenting ändrades.
oidc-step_up_one_factor = { $provider } intygade bara en faktor. Bekräfta med ditt kort och din PIN-kod.

### Digital keys: locks, the key access set, lock events, capabilities.
### Swedish. Every message here has the same id in locales/en/keys.ftl.

audit_action-lock-unlock = Upplåsning begärd
audit_action-lock-capabilities = Digitala nycklar utfärdade
audit_action-lock-event = Händelse från lås
audit_action-lock-connection_refused = Låsets anslutning nekad
audit_action-keys-read = Nyckelhantering visad
audit_action-keys-change = Nyckelhantering ändrad

### Digital keys: locks, the key access set, lock events, capabilities.
### English. Every message here has the same id in locales/sv/keys.ftl.

audit_action-lock-unlock = Unlock asked
audit_action-lock-capabilities = Digital keys issued
audit_action-lock-event = Lock event
audit_action-lock-connection_refused = Lock connection refused
audit_action-keys-read = Key access viewed
audit_action-keys-change = Key access changed

### Digital keys: locks, the key access set, lock events, capabilities.
### English. Every message here has the same id in locales/sv/keys.ftl.


### Digital keys: locks, the key access set, lock events, capabilities.
### Swedish. Every message here has the same id in locales/en/keys.ftl.


### Reasons about clients, decisions, orders, consent, plans and devices: vaka_domain::reason::RegistryReason.
###
### English. Every message here has the same id in locales/sv/reasons/registry.ftl, and every
### reason of the enum has a message (unit tests check both).

registry-not-a-provider = is not a care provider
registry-identity-taken = a client with that identity number already exists

### Reasons about clients, decisions, orders, consent, plans and devices: vaka_domain::reason::RegistryReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/registry.ftl, and every
### reason of the enum has a message (unit tests check both).

registry-not-a-provider = är inte en utförare
registry-identity-taken = det finns redan en brukare med det personnumret

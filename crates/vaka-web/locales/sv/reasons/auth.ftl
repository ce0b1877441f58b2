### Why a login step or a credential is refused: vaka_domain::reason::AuthReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/auth.ftl, and every
### reason of the enum has a message (unit tests check both).

auth-code-mismatch = koden stämmer inte; kontrollera tiden i telefonen och försök igen

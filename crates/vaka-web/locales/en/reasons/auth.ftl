### Why a login step or a credential is refused: vaka_domain::reason::AuthReason.
###
### English. Every message here has the same id in locales/sv/reasons/auth.ftl, and every
### reason of the enum has a message (unit tests check both).

auth-code-mismatch = the code does not match; check the time on your phone and try again

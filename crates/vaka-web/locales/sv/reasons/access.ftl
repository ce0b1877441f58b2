### Why an access is refused: the reasons of vaka_domain::reason::AccessReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/access.ftl, and every
### reason of the enum has a message (unit tests check both).

access-not-allowed-here = dina roller tillåter inte detta här
access-may-not-read-audit-log = du får inte läsa loggarna
access-outside-need-to-know = brukaren ligger utanför din behörighet
access-no-access-to-this = dina roller ger inte tillgång till detta

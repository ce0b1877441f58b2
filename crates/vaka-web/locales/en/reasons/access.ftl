### Why an access is refused: the reasons of vaka_domain::reason::AccessReason.
###
### English. Every message here has the same id in locales/sv/reasons/access.ftl, and every
### reason of the enum has a message (unit tests check both).

access-not-allowed-here = your roles do not allow this here
access-may-not-read-audit-log = you may not read the audit log
access-outside-need-to-know = the client is outside your need-to-know
access-no-access-to-this = your roles do not give access to this

### Why an access is refused: the reasons of vaka_domain::reason::AccessReason.
###
### English. Every message here has the same id in locales/sv/reasons/access.ftl, and every
### reason of the enum has a message (unit tests check both).

access-not-allowed-here = your roles do not allow this here
access-may-not-read-audit-log = you may not read the audit log
access-outside-need-to-know = the client is outside your need-to-know
access-no-access-to-this = your roles do not give access to this
access-emergency-no-client-role = only someone whose roles read clients may ask for emergency access
access-emergency-not-needed = the client is already within your need-to-know: open the client as usual, without emergency access
access-emergency-protected-identity = emergency access is never given to a client with a protected identity for someone outside the client's named group
access-emergency-reason-required = state the reason for the emergency access
access-emergency-reason-too-long = the reason may be at most 500 characters
access-emergency-not-open = you have no open emergency access with that id

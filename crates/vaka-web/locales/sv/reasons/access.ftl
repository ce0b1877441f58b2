### Why an access is refused: the reasons of vaka_domain::reason::AccessReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/access.ftl, and every
### reason of the enum has a message (unit tests check both).

access-not-allowed-here = dina roller tillåter inte detta här
access-may-not-read-audit-log = du får inte läsa loggarna
access-outside-need-to-know = brukaren ligger utanför din behörighet
access-no-access-to-this = dina roller ger inte tillgång till detta
access-emergency-no-client-role = nödåtkomst kan bara begäras av den vars roller läser brukare
access-emergency-not-needed = brukaren ligger redan inom din behörighet: öppna brukaren som vanligt, utan nödåtkomst
access-emergency-protected-identity = nödåtkomst ges aldrig till en brukare med skyddade personuppgifter för den som inte är med i brukarens namngivna grupp
access-emergency-reason-required = ange skälet till nödåtkomsten
access-emergency-reason-too-long = skälet får vara högst 500 tecken
access-emergency-not-open = du har ingen öppen nödåtkomst med det id:t

### Reasons about digital keys: vaka_domain::reason::KeyReason.
###
### English. Every message here has the same id in locales/sv/reasons/key.ftl, and every
### reason of the enum has a message (unit tests check both).

key-user-inactive = the account is deactivated
key-outside-reach = the client is not one of your units' clients
key-no-ground = you have no visit, alarm or night-patrol shift at this client now
key-outside-visit-window = the lock opens only during your visit: from 15 minutes before the planned visit to a while after its end
key-not-your-visit = the visit is not your visit to this client
key-alarm-not-dispatched-to-you = the alarm is not dispatched to you, or is already closed
key-lock-offline = the lock is not connected now: use the capability in the app at the door
key-no-such-lock = the lock does not exist or is not fitted at a client
key-may-not-open = you have no right to open locks
key-no-signing-key = the server has no key to sign digital keys with: contact the system administrator
key-unknown-key-access = unknown way of getting in

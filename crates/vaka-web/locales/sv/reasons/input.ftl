### Why a typed value is refused: the reasons of vaka_domain::reason::InputReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/input.ftl, and every
### reason of the enum has a message (unit tests check both).

input-required = måste fyllas i
input-too-long = får vara högst { $max } tecken
input-refers-to-missing = det hänvisar till något som inte finns
input-conflicts-with-existing = det krockar med uppgifter som redan finns

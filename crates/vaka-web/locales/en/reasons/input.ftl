### Why a typed value is refused: the reasons of vaka_domain::reason::InputReason.
###
### English. Every message here has the same id in locales/sv/reasons/input.ftl, and every
### reason of the enum has a message (unit tests check both).

input-required = is required
input-too-long = must be at most { $max } characters
input-refers-to-missing = it refers to something that does not exist
input-conflicts-with-existing = it conflicts with existing data

### Why a typed value is refused: the reasons of vaka_domain::reason::InputReason.
###
### English. Every message here has the same id in locales/sv/reasons/input.ftl, and every
### reason of the enum has a message (unit tests check both).

input-required = is required
input-too-long = must be at most { $max } characters
input-too-short = must be at least { $min } characters
input-longer-than = is longer than { $max } characters
input-length-between = must be { $min }–{ $max } characters
input-control-characters = must not contain control characters
input-no-spaces = must not contain spaces
input-digits-and-dash-only = may only contain digits and '-'
input-check-digit = check digit does not match
input-username-start = must start with a letter a–z
input-username-characters = may only contain a–z, 0–9, '.', '_' and '-'
input-email-no-at = must contain '@'
input-email-one-at = must contain exactly one '@'
input-email-local-part = the part before '@' must be 1–64 characters
input-email-domain = the domain after '@' is not valid (e.g. kommun.se)
input-hsa-id-shape = must look like SE2321000016-15G7 (SE, 10 digits, '-', 1–31 letters or digits)
input-org-number-length = must have 10 digits (NNNNNN-NNNN)
input-password-contains-username = must not contain the username
input-password-one-character = must not repeat a single character
input-password-too-guessable = is too easy to guess; choose a longer passphrase of unrelated words (avoid common passwords, keyboard runs, years and your name)
input-refers-to-missing = it refers to something that does not exist
input-conflicts-with-existing = it conflicts with existing data
input-not-valid = is not valid
input-out-of-range = is out of range
input-at-least = must be at least { $min }
input-not-date-or-instant = must be a date (YYYY-MM-DD) or an instant (RFC 3339)
input-end-before-start = must be after 'from'
input-unknown-audit-action = is not a known action code
input-unreadable-upload = the form or file could not be read; try again

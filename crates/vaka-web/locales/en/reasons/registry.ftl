### Reasons about clients, decisions, orders, consent, supervision plans and pauses: vaka_domain::reason::RegistryReason.
###
### English. Every message here has the same id in locales/sv/reasons/registry.ftl, and every
### reason of the enum has a message (unit tests check both).

## Clients

registry-not-a-provider = is not a care provider
registry-identity-taken = a client with that identity number already exists
registry-not-a-samordningsnummer = is a personnummer, not a samordningsnummer
registry-address-incomplete = give the whole address (street, postcode and city) or none of it
registry-postcode-five-digits = must be five digits, e.g. 123 45
registry-not-a-phone-number = must be a telephone number, e.g. 070-123 45 67
registry-contact-priority-range = must be 1–20
registry-contacts-same-order = two contacts have the same order
registry-unit-of-another-provider = the unit belongs to another provider
registry-may-not-register-here = your roles do not allow registering clients here
registry-no-access-to-clients = your roles give no access to clients
registry-outside-need-to-know = the client is outside your need-to-know

## Identity numbers (the same words as vaka_domain::personnummer::PersonnummerError's Display)

registry-identity-empty = no number entered: enter YYYYMMDD-NNNN or YYMMDD-NNNN
registry-identity-invalid-character = contains { $found }: only digits and one '-' or '+' are allowed
registry-identity-too-many-separators = has more than one '-' or '+': use one separator, right before the last four digits
registry-identity-wrong-length = must have 10 or 12 digits, found { $digits }
registry-identity-misplaced-separator = the '-' or '+' must stand right before the last four digits
registry-identity-plus-with-century = '+' (100 years or older) is only used with 10 digits: write YYMMDD+NNNN, or YYYYMMDD-NNNN with the century
registry-identity-unsupported-year = year { $year } is outside 1800-2099: check the century
registry-identity-no-such-date = no such date: { $date }
registry-identity-no-such-coordination-date = no such date: { $date } (a samordningsnummer writes the day plus 60)
registry-identity-date-in-future = the date { $date } is in the future: check the year
registry-identity-birth-number-zero = birth number 000 is never issued: check the last four digits
registry-identity-check-digit = check digit does not match: check every digit for typos
registry-identity-is-samordningsnummer = this is a samordningsnummer (day 61-91), but a personnummer is required here
registry-identity-is-personnummer = this is a personnummer, but a samordningsnummer (day 61-91) is required here
registry-identity-not-canonical = a stored number must be exactly 12 digits (YYYYMMDDNNNN) without separator
registry-reserve-id-empty = reserve id is empty: enter 1 to 20 characters
registry-reserve-id-too-long = reserve id has { $chars } characters; at most 20 are allowed
registry-reserve-id-invalid-character = reserve id contains { $found }: only letters A-Z, digits 0-9 and '-' are allowed

## The named group of a protected client

registry-not-protected = the client has no protected identity
registry-protection-lower-is-a-decision = a protected identity cannot be lifted or lowered here: it is a decision of its own, recorded by the system manager
registry-protection-unchanged = the client already has that protection
registry-no-client-with-identity = no client with that identity number is within your reach
registry-no-such-user = no such user
registry-already-in-group = the user is already in the group
registry-choose-user = choose a user

## Decisions and orders

registry-in-future = cannot be in the future
registry-valid-to-before-valid-from = is before valid_from
registry-mode-required = is required for night supervision (camera, physical_visit or both)
registry-times-required = give at least one time of the night
registry-too-many-times = at most 12 times a night
registry-time-twice = a time is given twice
registry-safety-alarm-has-no-mode = a safety alarm has no supervision mode or times
registry-decision-overlaps = overlaps another decision on the same service for this client
registry-not-a-time = { $text } is not a time (HH:MM)
registry-whole-minutes = give times in whole minutes
registry-no-provider-for-decision = the client has no provider to carry out the decision; set one first
registry-decision-already-ended = the decision has already ended
registry-end-before-decision-starts = is before the decision starts
registry-only-new-order-accepted = only a new order can be accepted
registry-order-not-accepted = the provider has not accepted the order yet
registry-order-not-waiting = the order is not waiting to start
registry-may-not-accept-orders = your roles do not accept orders
registry-may-not-read-reports = your roles do not read reports

## Consent

registry-consent-in-future = consent cannot be dated in the future
registry-informed-after-consent = the client is informed before consenting, not after
registry-representative-required = name the representative who consented
registry-out-of-range = is out of range
registry-reconfirm-after-given = must be after the day consent was given
registry-consent-already-withdrawn = the consent is already withdrawn
registry-before-consent-given = is before consent was given
registry-no-valid-decision = the client has no valid decision on this service today
registry-no-valid-consent = the client's consent to this service is missing, expired or withdrawn

## Supervision plans and pauses

registry-recheck-delay-range = must be 5–60 minutes
registry-response-target-range = must be 5–180 minutes
registry-last-night-before-first = is before first_night
registry-first-night-past = is in the past
registry-pause-too-long = a pause lasts at most a year
registry-pause-already-cancelled = the pause is already cancelled

## The pages' forms

registry-not-a-date = is not a date (YYYY-MM-DD)
registry-not-a-choice = is not one of the choices
registry-not-whole-minutes = must be a whole number of minutes
registry-not-a-placement = is not valid
registry-not-a-client-id = is not a client id
registry-no-client-for-review = no client you may review has that personnummer or name
registry-several-clients-match = several clients have a name that starts so: type the personnummer
registry-plan-without-decision = the client has no decision on night supervision, now or to come, to plan by
registry-plan-mode-not-granted = the decision does not grant that way; granted: { $granted }
registry-plan-time-not-granted = { $time } is not granted in the decision; granted times: { $granted }

### Why a login step or a credential is refused: vaka_domain::reason::AuthReason.
###
### English. Every message here has the same id in locales/sv/reasons/auth.ftl, and every
### reason of the enum has a message (unit tests check both).

auth-code-mismatch = the code does not match; check the time on your phone and try again
auth-step-done = this step of the login is already done
auth-not-current-password = is not your current password
auth-password-unchanged = must differ from the current password
auth-enrolled-ask-for-reset = a second factor is already enrolled; an administrator can reset it
auth-already-enrolled = a second factor is already enrolled
auth-enrolment-not-started = start the enrolment first
auth-not-enrolled = enrol a second factor first
auth-fresh-second-factor-needed = enter a current code from your app (or a recovery code) to confirm it is you; this change needs one unless you gave a code in the last few minutes
auth-fresh-second-factor-needs-session = can only be done by a logged-in person confirming with their second factor, not with an API token
auth-pin-too-weak = the PIN must be 4–8 digits and not easy to guess (not one digit repeated, not 1234)
auth-app-device-needs-session = only a logged-in phone can keep a PIN login, not an API token
auth-passkeys-unavailable = passkeys cannot be used at this address: open Vaka by its host name (for example http://localhost:8080), not by an IP address
auth-passkey-refused = the passkey's answer was refused: it is not one of your passkeys, or it was given before; try again
auth-passkey-challenge-gone = the passkey request has expired or was used already; try again
auth-passkey-malformed = is not a passkey's answer from the browser
auth-passkey-name = must be 1–60 characters
auth-passkey-needs-totp = activate two-factor login with an authenticator app first; passkeys come beside it
auth-no-passkeys = the account has no passkey

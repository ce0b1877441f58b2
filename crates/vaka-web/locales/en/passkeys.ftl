# Passkeys (WebAuthn) beside TOTP: the account page, the login's code step, the step-ups.
passkey-title = Passkeys
passkey-intro = A passkey signs you in with your phone's or computer's screen lock or a security key. You can use it instead of the code from your app. The app and the recovery codes stay.
passkey-none = You have no passkeys.
passkey-name = Name
passkey-created = Added
passkey-last_used = Last used
passkey-never_used = Never
passkey-rename = Rename
passkey-remove = Remove
passkey-remove_confirm = Remove the passkey? It can then no longer be used to log in.
passkey-add = Add a passkey
passkey-add_name_hint = For example "Work laptop" or "My phone".
passkey-use = Use a passkey instead
passkey-login = Log in with a passkey
passkey-login_or = or
passkey-failed = The passkey could not be used. Try again.
passkey-cancelled = No passkey was used (cancelled, or none was found).
passkey-unsupported = This browser cannot use passkeys.
passkey-unavailable = Passkeys work only when Vaka is opened by its host name (for example http://localhost:8080), not by an IP address.
passkey-needs_totp = Activate two-factor login with an app first; passkeys come beside it.
passkey-added = The passkey was added.
passkey-renamed = The passkey was renamed.
passkey-removed = The passkey was removed.
passkey-refused_login = The passkey was refused. Try again, or enter a code.
passkey-table_caption = Your passkeys

# Passkeys in the audit log.
audit_action-auth-passkey_added = Passkey added
audit_action-auth-passkey_renamed = Passkey renamed
audit_action-auth-passkey_removed = Passkey removed

### Login through an identity provider (SITHS eID over OpenID Connect).

# The button on the login page, one per provider; $provider is its name (SITHS eID).
oidc-button = Log in with { $provider }
oidc-or = or with username and password
oidc-title = Login with { $provider }
oidc-down = { $provider } cannot be reached right now, so the login could not start. Try again in a while. If you have a local account with a password (an emergency account, for instance), you can log in with it.
oidc-unknown_account = { $provider } logged you in with HSA-id { $hsa_id }, but no account in Vaka has that HSA-id. Ask your administrator to add the HSA-id to your account. No account is created automatically.
oidc-refused = Your account cannot log in right now: it is ended, locked or not approved. Contact your administrator.
oidc-state_unknown = The login has expired or was used already. Start the login again.
oidc-provider_said_no = { $provider } did not log you in (the identity provider's answer: { $error }). Start the login again.
oidc-not_verified = The answer from { $provider } could not be verified, so you are not logged in. Start the login again.
oidc-unknown_provider = There is no such identity provider.
oidc-no_hsa_id = (none)
audit_action-auth-oidc = Login through an identity provider
oidc-step_up = Confirm with { $provider }
oidc-step_up_down = { $provider } cannot be reached right now, so the confirmation could not start. Try again in a while, or confirm with a code if you have one.
oidc-step_up_session = The confirmation belongs to a login that is no longer yours here. Log in again and redo what you were doing.
oidc-step_up_other_person = { $provider } vouched for another person than the one logged in. Nothing was changed.
oidc-step_up_one_factor = { $provider } vouched for one factor only. Confirm with your card and its PIN.

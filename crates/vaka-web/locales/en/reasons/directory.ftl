### Reasons about organisations, units, accounts and roles: vaka_domain::reason::DirectoryReason.
###
### English. Every message here has the same id in locales/sv/reasons/directory.ftl, and every
### reason of the enum has a message (unit tests check both).

directory-already-deactivated = the account is already deactivated
directory-account-pseudonymised = the account has been pseudonymised by the purge and cannot be reactivated; create a new account
directory-only-requested-approved = only a requested account can be approved
directory-only-requested-rejected = only a requested account can be rejected
directory-only-active-deactivated = only an active account can be deactivated
directory-only-deactivated-reactivated = only a deactivated account can be reactivated
directory-username-taken = the username is already taken
directory-hsa-id-taken = the HSA-id is already used by another account
directory-organisation-name-taken = an organisation with that name already exists
directory-unit-name-taken = the organisation already has a unit with that name
directory-role-already-held = the user already holds that role there
directory-may-not-read = you may not read the directory
directory-outside-your-organisation = outside your organisation
directory-only-municipal-admin-creates-organisations = only a municipal administrator creates organisations
directory-municipality-exists = this installation already has its municipality
directory-municipality-cannot-be-deactivated = the municipality cannot be deactivated
directory-provider-kind-required = is required for a provider (in_house or private)
directory-provider-kind-only-for-providers = is only allowed for providers
directory-no-such-organisation = no such organisation
directory-no-such-unit = no such unit
directory-unit-cannot-cover = only night patrols, duty teams and alarm operators cover other units
directory-unit-covers-itself = a unit cannot cover itself
directory-no-such-covered-unit = no such unit: { $unit }
directory-alarm-coverage-gap = the change would leave units whose clients have safety alarms without an alarm centre covering them, so their alarms would reach no operator: { $units }. First give an alarm centre or duty team coverage of them.
directory-alarm-client-needs-unit = the change would leave a client with a safety alarm without a unit, so no alarm centre covers the client. Choose a unit an alarm centre covers.
directory-role-outside-own-organisation = a role must be held in the account's own organisation
directory-role-not-in-organisation-kind = { $role } cannot be held in an organisation of kind { $kind }
directory-role-is-organisation-wide = { $role } is held for the whole organisation; leave the unit empty
directory-role-needs-unit = { $role } is held for a unit; choose one
directory-unit-in-other-organisation = the unit belongs to another organisation
directory-no-roles = give the account at least one role
directory-roles-only-in-own-unit = you may only request roles in your own unit
directory-cannot-end-own-account = you cannot end your own account
directory-cannot-remove-own-roles = you cannot remove your own roles
directory-account-not-active = the account is not active
directory-no-user-with-username = no user with that username
directory-may-not-create-accounts = no right to create accounts

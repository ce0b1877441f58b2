### Shared messages: the application's name, navigation, common words, login,
### password and two-factor set-up, overview, organisations, units, users, audit log,
### profile, errors, the demo accounts and the role names.
###
### English. Every message here has the same id in
### locales/sv/core.ftl (a unit test checks it).

app-name = Vaka
app-tagline = Welfare technology for home care

nav-home = Overview
nav-clients = Clients
nav-organisations = Organisations
nav-users = Users
nav-audit = Audit log
nav-profile = My profile
nav-logout = Log out
nav-skip = Skip to content
nav-menu = Main menu

lang-switch = På svenska

common-save = Save
common-create = Create
common-search = Search
common-cancel = Cancel
common-back = Back
common-name = Name
common-kind = Kind
common-status = Status
common-active = Active
common-inactive = Inactive
common-yes = Yes
common-no = No
common-none = None
common-all = All
common-actions = Actions
common-created = Created
common-organisation = Organisation
common-unit = Unit
common-whole_org = Whole organisation
common-error = Something went wrong
common-request_id = Request id
common-details = Details
common-shown_once = Shown only once. Write it down or hand it over securely now.

login-title = Log in
login-username = Username
login-password = Password
login-submit = Log in
login-failed = Wrong username or password.
login-locked = Too many failed attempts. The account is locked until
login-rate_limited = Too many login attempts from your address. Wait a minute and try again.
login-intro = Log in with your personal account. Everyone who sees client data logs in with two factors.
login-code_title = One-time code
login-code_intro = Enter the six-digit code from your authenticator app, or one of your recovery codes.
login-code = Code
login-code_wrong = The code does not match. Try again with a new code.
login-verify = Verify
login-restart = Start the login again
login-session_gone = The login has expired. Please log in again.
login-logged_out = You are logged out.

password-title = Change password
password-forced_intro = You are logging in with a one-time password. Choose your own password of at least 12 characters.
password-current = Current password
password-new = New password
password-repeat = Repeat new password
password-mismatch = The passwords do not match.
password-changed = The password has been changed.
password-hint = At least 12 characters. A passphrase of several words works well.

enrol-title = Set up two-factor login
enrol-intro = Your role gives access to client data. Scan the QR code with an authenticator app (e.g. Microsoft Authenticator, Google Authenticator or FreeOTP) and enter the code it shows.
enrol-manual = Cannot scan? Enter this key in the app:
enrol-qr_label = QR code for the authenticator app
enrol-confirm = Activate
enrol-done_title = Two-factor login is active
enrol-codes_intro = These are your recovery codes. Each can be used once if you do not have your phone. Keep them safe.
enrol-continue = Continue
enrol-already = Two-factor login is already active.

home-title = Overview
home-welcome = Welcome
home-your_roles = Your roles
home-pending_requests = Account requests awaiting a decision
home-unused_accounts = Accounts unused for 90 days
home-no_tasks = Nothing to act on right now.
home-shortcuts = Shortcuts

org-title = Organisations
org-new = New organisation
org-kind-municipality = Municipality (purchaser)
org-kind-provider = Provider
org-kind-alarm_centre = Alarm centre
org-provider_kind = Provider type
org-provider_kind-in_house = In-house
org-provider_kind-private = Private provider (LOV)
org-number = Organisation number
org-units = Units
org-edit = Edit organisation
org-created = The organisation has been created.
org-saved = The organisation has been saved.

unit-new = New unit
unit-title = Unit
unit-kind-home_care = Home-care group
unit-kind-night_patrol = Night patrol
unit-kind-duty_team = Duty team
unit-kind-special_housing = Special housing
unit-kind-alarm_operators = Alarm operators
unit-kind-administration = Administration
unit-coverage = Covers units
unit-coverage_intro = Night patrols, duty teams and alarm operators see the clients of the units they cover.
unit-members = Staff with a role in the unit
unit-created = The unit has been created.
unit-saved = The unit has been saved.

user-title = Users
user-new = New account
user-request = Request an account
user-request_intro = The municipality's administrator approves the request before the account can be used.
user-username = Username
user-display_name = Name
user-email = E-mail
user-hsa_id = HSA-id (optional)
user-roles = Roles
user-role = Role
user-add_role = Add role
user-remove_role = Remove
user-status-requested = Requested
user-status-active = Active
user-status-rejected = Rejected
user-status-deactivated = Ended
user-unused = Unused 90 days
user-only_unused = Only unused accounts
user-last_login = Last login
user-never = Never
user-totp = Two-factor
user-sessions = Active sessions
user-approve = Approve
user-reject = Reject
user-deactivate = End the account now
user-deactivate_confirm = The account ends at once and all its sessions and tokens stop working. Continue?
user-reactivate = Reactivate
user-reset_password = New one-time password
user-reset_totp = Reset two-factor
user-initial_password = One-time password
user-initial_password_intro = Hand the password to the person securely. It must be changed at the first login.
user-created = The account has been created.
user-requested = The request has been sent to the municipality.
user-approved = The account has been approved.
user-rejected = The request has been rejected.
user-deactivated = The account has ended. All its sessions and tokens have stopped working.
user-reactivated = The account has been reactivated.
user-saved = The account has been saved.
user-totp_reset = Two-factor login has been reset. The person sets it up again at the next login.
user-role_added = The role has been added.
user-role_removed = The role has been removed.
user-requests = Requests
user-tokens = API tokens
user-token_name = Token name
user-token_create = Create API token
user-token_revoke = Revoke
user-token_revoked = The token has been revoked.
user-token_new = New API token
user-token_last_used = Last used
user-token_status_revoked = Revoked

audit-title = Audit log and log review
audit-intro = Every access to personal data and every security event is logged. Search for log review; export as CSV.
audit-user = User
audit-client = Client id
audit-action = Action
audit-from = From
audit-to = To
audit-export = Export CSV
audit-when = Time
audit-who = Who
audit-role = Role
audit-outcome = Outcome
audit-subject = Subject
audit-context = Care context
audit-source = Source
audit-no_results = No log entries match.
audit-older = Older entries
audit-outcome-success = Done
audit-outcome-denied = Denied
audit-outcome-failure = Failed
audit-flag-protected = Protected identity

profile-title = My profile
profile-security = Security
profile-totp_on = Two-factor login is active.
profile-totp_off = Two-factor login is not active.
profile-enrol = Set up two-factor
profile-renew_codes = New recovery codes
profile-logout_everywhere = Log out everywhere
profile-logout_everywhere_intro = Ends all your sessions on all devices, including this one.

error-forbidden = You are not allowed to do this.
error-not_found = The page or record does not exist.
error-invalid = The input needs correcting
error-conflict = This could not be done
error-unavailable = The service is temporarily unavailable. Try again shortly.
error-internal = An error occurred on our side. Quote the request id if you contact support.
error-form_unreadable = The form could not be read. Reload the page and try again.
error-too_large = What was sent is too large.
error-bad_request = The request could not be understood. Reload the page and try again.

demo-title = Demo accounts
demo-intro = This is a demo with made-up data. The code is shown here so you need no app; in real use it is only shown on the user's phone.
demo-code_now = code now
demo-enrol_first = sets up two-factor at first login

role-system_admin = System administrator
role-system_manager = System manager
role-needs_assessor = Needs assessor
role-unit_manager = Unit manager
role-operator = Operator
role-night_patrol = Night patrol
role-care_staff = Care staff
role-nurse = Nurse
role-provider_admin = Provider administrator

clients-title = Clients
clients-identity = Identity number
clients-none = No clients to show.

### Messages of the registry pages: clients, decisions, orders, consent, plans,
### pauses, devices, imports and reports, with the names of their codes and fields.
###
### English. Every message here has the same id in
### locales/sv/registry.ftl (a unit test checks it).

nav-orders = Orders
nav-devices = Devices
nav-reports = Follow-up

clients-search_label = Name or identity number
clients-search_hint = Search by the start of the name or identity number. You see only the clients your unit needs to see. Every search is logged.

client-new = New client
client-edit = Change record
client-created = The client is registered.
client-updated = The record is saved.
client-sections = Sections of the page
client-record = Record
client-decisions = Decisions
client-orders = Orders to the provider
client-consent = Consent
client-plan = Supervision plan
client-pauses = Pauses
client-devices = Devices
client-group = Named group for protected details
client-address = Address
client-contacts = Relatives and contacts
client-contacts_hint = In the order they are to be contacted.
client-no_contacts = No contacts.
client-no_decisions = No decisions.
client-no_orders = No orders.
client-no_consents = No consent documented.
client-no_plan = No supervision plan yet.
client-no_pauses = No pauses.
client-no_devices = No devices assigned.
client-withheld = The client's identity is protected. Address, phone and contacts are shown only to a named group. Your access is logged.
client-withheld_edit = The client's identity is protected. Address, phone and contacts can only be changed by the named group and are kept as they are.
client-identity_section = Identity
client-identity_kind = Kind of identity
client-identity_hint = Personnummer or samordningsnummer with 10 or 12 digits (YYMMDD-NNNN, + for those aged 100 or more), or a reserve number.
client-contact_section = Address and key
client-service_section = Provider
client-placement = Provider and unit
client-placement_none = None yet

field-identity = Identity number
field-protection = Protected identity
field-address_street = Street address
field-address_postcode = Postcode
field-address_city = City
field-phone = Phone
field-relation = Relation
field-key_access = Key access
field-key_note = Key note
field-area_type = Area type
field-provider = Provider
field-service = Service
field-law = Law
field-supervision_mode = Supervision mode
field-times = Times
field-decided_on = Decided on
field-valid_from = Valid from
field-valid_to = Valid to
field-informed_by = Informed by
field-informed_on = Informed on
field-informed_how = How
field-given_by = Consent given by
field-representative_name = Representative's name
field-given_on = Given on
field-reconfirm_by = Reconfirm by
field-recheck_delay_minutes = Re-check after (min)
field-escalation = Escalation
field-response_target_minutes = Response target (min)
field-first_night = First night
field-last_night = Last night
field-reason = Reason
field-requested = How it was asked for
field-note = Note
field-serial = Serial number
field-model = Model
field-firmware = Firmware
field-dc09_account = DC-09 account
field-dc09_key = DC-09 key
field-scaip_cid = SCAIP controller id (cid)
field-scaip_password = SCAIP password (SIP digest)
field-dc09_key_style = Key written as
field-client_id = Client
field-client = Client
field-step = Step
field-withdrawn_on = Withdrawn on
field-ended_on = Ends on
field-user_id = User
field-identity_kind = Kind of identity
field-mode = Supervision mode

decision-new = New decision
decision-record = Record decision
decision-recorded = The decision is recorded and sent to the provider as an order.
decision-ended = The decision is ended.
decision-end = End
decision-end_confirm = End the decision? Supervision under it stops from the end date.
decision-end_on = Ends on
decision-valid = Validity
decision-simplified = Simplified
decision-simplified_long = Simplified decision (without individual assessment)
decision-times_hint = For night supervision: the agreed times, e.g. 23:00, 02:00, 05:00.
decision-state-valid = Valid
decision-state-coming = Upcoming
decision-state-ended = Ended

order-accept = Accept
order-accepted = The order is accepted.
order-ordered = Ordered
order-accepted_at = Accepted
order-activated_at = Started
order-activation_hint = Camera and alarm services start when the device is installed, tested and activated; physical visits start when the order is accepted.

orders-title = Orders
orders-intro = Decisions that have become orders to you. Accept them to plan the work.
orders-none = No orders.

consent-new = Document consent
consent-record = Save consent
consent-recorded = The consent is documented.
consent-withdraw = Withdraw
consent-withdraw_confirm = Withdraw the consent? Supervision that rests on it stops.
consent-withdrawn = The consent is withdrawn.
consent-withdrawn_on = Withdrawn on
consent-informed = Information
consent-given = Consent
consent-reconfirm_hint = Leave empty for 12 months after consent.
consent-state-valid = Valid
consent-state-due = Valid – to be re-confirmed within 30 days
consent-state-withdrawn = Withdrawn
consent-state-reconfirm = Needs reconfirming
consent-state-coming = Valid from a later date

plan-edit = Change supervision plan
plan-save = Save supervision plan
plan-saved = The supervision plan is saved.
plan-updated = Last changed
plan-default_marker = {" "}(municipal default)
plan-municipal_default = Municipal default
plan-override_hint = Leave empty to follow the municipality's default.

pause-new = Record a pause
pause-record = Save pause
pause-recorded = The pause is recorded.
pause-cancel = Cancel
pause-cancel_confirm = Cancel the pause? Supervision is planned again for those nights.
pause-cancelled = The pause is cancelled.
pause-nights = Nights
pause-recorded_by = Recorded
pause-past = Past
pause-state-cancelled = Cancelled
pause-planned = Planned
pause-night_hint = A night is named by the evening it starts. Leave the last night empty for a single night.

group-intro = Only these users see the address, phone and contacts. Everyone else sees the name and identity number. Choose as few as possible.
group-add = Add
group-add_label = User of the unit
group-remove = Remove
group-empty = No one yet.
group-changed = The group is changed.

devices-title = Devices
devices-none = No devices.

device-register = Register device
device-registered = The device is registered in stock.
device-credential = Device credential
device-credential_intro = The device connects to Vaka with this credential. Put it into the device now.
device-credential_new = A new credential is issued; the old one stops working.
device-credential_issued = Issued
device-credential_revoked = Revoked
device-credential_none = None
device-credential_revoked_ok = The credential is revoked.
device-issue_credential = Issue new credential
device-revoke_credential = Revoke credential
device-revoke_confirm = Revoke the device key? The device cannot connect until it gets a new key.
device-continue = To the device
device-facts = Details
device-client = Client
device-open_client = Open the client
device-last_seen = Last heard
device-connection = Connection
device-connected = Connected
device-not_connected = Not connected
device-position-privacy = in privacy position
device-position-active = looking
device-no_key = No key — not accepted (mark clear or give a key)
device-clear = Clear (unencrypted), marked explicitly: any sender that reaches the receiver can forge its messages
device-dc09_intro = Alarm units only: SIA DC-09 account and AES key (16/24/32 characters, or 32/48/64 hex digits). An account without a key must be marked clear (unencrypted) explicitly.
device-next_step = Next step
device-no_steps = The device is decommissioned.
device-step = Step
device-take_step = Carry out
device-step_taken = The step is recorded.
device-assign_client = The client's identity number
device-assign_hint = Only for the step Assign to client.
device-lifecycle_hint = In stock → assigned → installed → test passed → active. A device is activated only after a passed test.
device-test_heading = Test
device-test_camera_connected = The camera is connected. When you pass the test, Vaka asks the camera for a test frame; the frame is neither shown nor stored.
device-test_camera_offline = The camera is not connected. The test can be passed only once the camera is connected and has sent a test frame.
device-test_alarm_seen = Test alarm received from the device's DC-09 account { $at }.
device-test_alarm_none = No test alarm has arrived from the device's DC-09 account in the last { $minutes } minutes. Press the alarm button and reload the page.
device-test_manual = The system cannot test this device: the test is passed on the installer's word.
device-history = History
device-no_history = No history.
device-when = When
device-change = Change
device-by = By
device-edit = Change details
device-updated = The device is changed.
device-scaip_intro = Alarm units speaking SCAIP (SS 91100): the controller id the unit sends as cid, and optionally a password the unit must answer a SIP digest challenge with (8–64 characters).
device-scaip_keep_hint = Leave the SCAIP password empty to keep the current one.
device-scaip_digest = required (set)
device-scaip_no_digest = none — the unit is not challenged
device-key_keep_hint = Leave the key empty to keep the current one.

report-title = Decisions not carried out
report-intro = Decisions not carried out within three months, for the quarterly report to the inspectorate (IVO).
report-none = No decisions to report.
report-started_on = Started
report-days_waiting = Days
report-outside_reach = Decisions for clients outside your reach
report-outside_reach_intro = Clients you have no need to know are not shown by name: only the number of decisions per provider and unit.
report-decisions = Decisions

import-title = Import from file
import-intro = Move clients and devices from an earlier system with a CSV file (UTF-8 or Windows-1252, semicolons or commas between values, a header row first). Check the file first: the report shows every bad row and column. A file with errors is not imported at all unless you choose to import only the good rows.
import-clients = Clients
import-devices = Devices
import-file = CSV file
import-mode = What should be done?
import-mode-validate = Check the file (nothing is stored)
import-mode-all = Import every row (nothing is stored if a row is bad)
import-mode-only_valid = Import only the good rows
import-upload_clients = Send the client file
import-upload_devices = Send the device file
import-checking = The file is being checked … please wait, the page shows the result when the check is done.
import-columns = Columns
import-required = required
import-report = Report
import-rows_total = Rows in the file
import-rows_valid = Good rows
import-rows_imported = Rows imported
import-encoding = Encoding
import-row = Row
import-column = Column
import-problem = Problem
import-report_gone = The import report is no longer kept (it is kept for 30 minutes after the upload, for whoever uploaded the file). Send the file again for a new report.
import-problems_csv = Download all problems (CSV)
import-problems-cut = The import found { $found } problems; the first { $kept } are kept here. Fix them and check the file again.
import-outcome-imported = Every row is imported.
import-outcome-partly_imported = The good rows are imported; the bad ones are listed below.
import-outcome-valid = The file is valid. Nothing is stored yet: choose Import every row and send it again.
import-outcome-rejected = Nothing is imported. Correct the rows below and try again.
import-col-identity = personnummer or samordningsnummer (10 or 12 digits, with or without - or +), or a reserve id
import-col-identity_kind = personnummer (default), samordningsnummer or reserve
import-col-name = the client's name
import-col-address_street = street address
import-col-address_postcode = postcode, five digits
import-col-address_city = city (give street, postcode and city, or none of them)
import-col-phone = telephone number
import-col-provider = the care provider: its name or id
import-col-unit = the provider's unit: its name or id
import-col-protection = none (default), confidentiality_marking, protected_registration or fictitious_identity
import-col-area_type = town (default), countryside or special_housing
import-col-key_access = none (default), digital_lock, key_box or reserve_key
import-col-key_note = where the key is
import-col-kind = camera, alarm_unit, lock or nfc_tag
import-col-serial = serial number
import-col-model = model
import-col-firmware = firmware version
import-col-dc09_account = alarm units: the SIA DC-09 account, 3–16 hex digits
import-col-dc09_key = alarm units: the AES key
import-col-dc09_key_style = how the key is written: ascii or hex; clear for an account without a key (unencrypted, chosen explicitly)
import-col-client_identity = the client the device is assigned to: personnummer, samordningsnummer or reserve id
import-col-contact1_name = first contact: name
import-col-contact1_relation = first contact: relation
import-col-contact1_phone = first contact: telephone
import-col-contact1_note = first contact: note
import-col-contact2_name = second contact: name
import-col-contact2_relation = second contact: relation
import-col-contact2_phone = second contact: telephone
import-col-contact2_note = second contact: note
import-col-contact3_name = third contact: name
import-col-contact3_relation = third contact: relation
import-col-contact3_phone = third contact: telephone
import-col-contact3_note = third contact: note

identity_kind-personnummer = Personnummer
identity_kind-samordningsnummer = Coordination number
identity_kind-reserve = Reserve number

protection-none = None
protection-confidentiality_marking = Confidentiality marking
protection-protected_registration = Protected registration
protection-fictitious_identity = Fictitious identity

area_type-town = Town
area_type-countryside = Countryside
area_type-special_housing = Special housing

key_access-none = Not arranged
key_access-digital_lock = Digital lock
key_access-key_box = Key box
key_access-reserve_key = Reserve key

law-sol = SoL
law-lss = LSS

service-night_supervision = Night supervision
service-safety_alarm = Safety alarm

mode-camera = Camera
mode-physical_visit = Physical visit
mode-both = Camera and visits

order_status-ordered = Ordered
order_status-accepted = Accepted
order_status-active = Active
order_status-ended = Ended

informed_how-in_person = In person
informed_how-phone = By phone
informed_how-letter = By letter
informed_how-other = Other

given_by-client = The client
given_by-representative = A representative

escalation-night_patrol = Night patrol goes out
escalation-phone_first = Phone first, then night patrol

pause_reason-guests = Guests
pause_reason-travel = Travel
pause_reason-hospital = Hospital
pause_reason-other = Other

pause_request-client_in_person = The client, in person
pause_request-client_by_phone = The client, by phone
pause_request-relative = A relative
pause_request-staff = Staff

device_kind-camera = Supervision camera
device_kind-alarm_unit = Alarm unit
device_kind-lock = Digital lock
device_kind-nfc_tag = NFC tag

device_status-in_stock = In stock
device_status-assigned = Assigned to client
device_status-installed = Installed
device_status-test_passed = Test passed
device_status-active = Active
device_status-deactivated = Deactivated
device_status-returned = Returned
device_status-decommissioned = Decommissioned

device_step-assign = Assign to client
device_step-install = Install
device_step-pass_test = Test passed
device_step-fail_test = Test failed
device_step-activate = Activate
device_step-deactivate = Deactivate
device-deactivate_confirm = Deactivate the device? It is taken out of service; after that it can only be returned or decommissioned.
device_step-return = Return
device_step-restock = Back to stock
device_step-decommission = Decommission

key_style-ascii = Characters
key_style-hex = Hex digits
key_style-clear = None — clear (unencrypted), marked explicitly

# The system manager's page for protected identities
protection-title = Protected identities
protection-intro = Record here the decision to lift, lower or raise the protection of a client's identity. Lifting or lowering it shows the address and contacts to everyone with access to the client, so it needs a decision and a reason. The change is logged and flagged.
protection-new_level = New level of protection
protection-reason_hint = The decision or the notice from the population register that the change follows.
protection-submit = Record the change
protection-changed = The protection of { $name } is changed from { $from } to { $to }.
client-protection_hint = A protection can be added or raised here. Lifting or lowering it is a decision of its own, recorded by the system manager.

## Emergency access (nödåtkomst)
emergency-title = Emergency access
emergency-link = Emergency access to a client outside your need-to-know
emergency-intro = When a client's life or health is at risk and nobody with access can act, you may open the client's record for reading. State the reason. The access is marked in the audit log and always checked at the next log review.
emergency-refused = The client is outside your need-to-know. If the client's life or health is at risk, you may ask for emergency access below.
emergency-open = Ask for emergency access
emergency-identity = Personnummer, samordningsnummer or reserve number
emergency-reason = Reason
emergency-reason-hint = What happened, and why must the record be read now? Do not write other people's details.
emergency-terms = The access lasts { $minutes } minutes, for reading only, and is never given to a client with a protected identity for someone outside the client's named group.
emergency-submit = Open with emergency access
emergency-mine = My open emergency accesses
emergency-none = You have no open emergency access.
emergency-opened = Opened
emergency-ends = Ends
emergency-minutes-left = { $minutes } min left
emergency-to-client = To the client
emergency-end = End now
emergency-manage = My emergency accesses
emergency-banner = You are reading this client under emergency access until { $until }. Everything you do is logged and reviewed.
emergency-opened-ok = The emergency access is open.
emergency-ended = The emergency access has ended.

### Messages of the safety-alarm pages: the alarm centre's console, one alarm, the
### responder's alarms on the patrol page, technical alarms and their checks, chain
### health and statistics.
###
### English. Every message here has the same id in
### locales/sv/alarms.ftl (a unit test checks it).

nav-alarms = Alarms

alarms-title = Alarm centre
alarms-intro = Open safety alarms by priority and age. The list updates by itself. Take an alarm before you call; the others see that you have it.
alarms-none = No open alarms.
alarms-announce = New alarm: { $kind } – { $who }
alarms-unknown_client = unknown client
alarms-attention_on = Turn on sound and notifications for new alarms
alarms-attention_off = Turn off sound and notifications
alarms-attention_hint = Turn on once per shift: a sound plays and the tab shows a notification when a new alarm arrives.
alarms-attention_active = Sound and notifications are on.
alarms-notify_title = New alarm in Vaka
alarms-received = Received
alarms-kind = Type
alarms-code = Event code from the device:
alarms-waiting = Waiting
alarms-restored = Restored
alarms-account = Account
alarms-taken_by = Taken by
alarms-operator = Operator
alarms-dispatched_to = Dispatched to
alarms-escalated_not_taken = Not taken in time
alarms-escalated_not_acknowledged = Not acknowledged in time
alarms-fallback = Fallback queue: no alarm centre covers the client
alarms-contact_clock = To contact
alarms-arrival_clock = To arrival
alarms-open = Open
alarms-status = The alarm
alarms-call_note = Call note
alarms-dispatch_to = Dispatch to
alarms-dispatch_note_hint = A call note above goes with the dispatch.
alarms-cause = Cause
alarms-close_note = What happened (required for Other)
alarms-close_confirm = Close the alarm? A closed alarm cannot be opened again.
alarms-client_card = The client
alarms-client_record = Record
alarms-protected = Protected identity: address, phone and contacts are shown only to a named group.
alarms-address = Address
alarms-phone = Phone
alarms-key_access = Key access
alarms-no_client = The alarm comes from a device not linked to a client. Register the device or contact the supplier.
alarms-chain = The alarm chain now
alarms-log = The alarm's log
alarms-time = Time
alarms-step = Event
alarms-by = By
alarms-note = Note
alarms-system = The system
alarms-step_saved = Saved.
alarms-closed = The alarm is closed.
alarms-responder_title = Alarms for you
alarms-responder_none = No alarms right now.
alarms-details = Address and contacts
alarms-reason = Reason
alarms-zone = zone
alarms-operator_note = Operator's note

alarm_kind-personal = Personal alarm
alarm_kind-fall = Fall
alarm_kind-sensor = Sensor
alarm_kind-technical = Technical
alarm_kind-test = Test alarm
alarm_kind-unknown_device = Unknown device

alarm_category-personal_alarm = alarm button
alarm_category-fall = fall detector
alarm_category-inactivity = inactivity
alarm_category-fire = fire/smoke
alarm_category-low_battery = low battery
alarm_category-mains_failure = mains failure
alarm_category-communication_failure = communication failure
alarm_category-heartbeat_missed = missed heartbeat
alarm_category-test = test
alarm_category-other = unknown code
alarm_category-unknown_device = not registered

alarm_state-received = Received
alarm_state-taken = Taken
alarm_state-dispatched = Dispatched
alarm_state-acknowledged = Acknowledged
alarm_state-on_the_way = On the way
alarm_state-arrived = Arrived
alarm_state-closed = Closed

alarm_step-take = Take
alarm_step-release = Release
alarm_step-contact = Contact made
alarm_step-note = Save note
alarm_step-dispatch = Dispatch
alarm_step-acknowledge = Acknowledge
alarm_step-on_the_way = On the way
alarm_step-arrive = Arrived
alarm_step-close = Close the alarm

alarm_log-take = Taken
alarm_log-release = Released
alarm_log-contact = Contact
alarm_log-note = Note
alarm_log-dispatch = Dispatched
alarm_log-acknowledge = Acknowledged
alarm_log-on_the_way = On the way
alarm_log-arrive = Arrived
alarm_log-close = Closed
alarm_log-raised = Raised
alarm_log-restored = Restored
alarm_log-escalated_not_taken = Escalated: not taken
alarm_log-escalated_not_acknowledged = Escalated: not acknowledged

field-link = Dispatch to

nav-technical = Technical alarms
nav-health = Alarm chain

technical-title = Technical alarms
technical-intro = Open technical alarms per provider. On weekends and public holidays the provider's technical contact signs a check twice a day; a check not signed in time alerts the municipality.
technical-slot_due = Check to sign
technical-slot_signed = Check signed
technical-no_slot = No scheduled check right now.
technical-next = Next scheduled check
technical-since = Since
technical-fault = Fault
technical-serial = Serial
technical-none_open = No open technical alarms.
technical-note = Note on the check
technical-sign = Sign the check
technical-signed_ok = The check is signed.
technical-signed = Signed
technical-checks = Checks of the last week
technical-due = Scheduled
technical-open_then = Open alarms then
technical-missed = Missed
technical-no_providers = No providers with active alarms in your responsibility.

health-title = Alarm chain health
health-intro = The whole chain from alarm device to help on site: the last message per device, times per alarm and missed checks.
health-stopped = Alarm traffic has stopped: no messages from any device.
health-flowing = Alarm traffic is flowing.
health-coverage_gap = Alarms no alarm centre covers go to the fallback queue, which every alarm operator sees. Give an alarm centre coverage of the units.
health-coverage_units = Units with safety alarms and no alarm centre
health-coverage_no_unit = Clients with safety alarms have no unit.
health-fallback_open = Open alarms in the fallback queue
health-last_message = Last message
health-limit = limit
health-missed_checks = Missed technical checks
health-noticed = Noticed
health-recent = Alarms of the last 24 hours
health-to_take = To taken
health-to_close = To closed
health-devices = Alarm devices
health-overdue = silent
health-last_seen = Last heard
health-interval = Interval
health-silent = Silent
health-refused = Refused alarm messages, last 24 hours
health-refused_intro = Messages the alarm receiver refused from registered devices, once a minute per device and reason. A device that keeps being refused does not reach the alarm centre: contact the supplier.
health-refused_reason = Reason
health-refused_source = Sender
health-clear = unencrypted
health-clear_hint = The account is marked unencrypted: anyone who reaches the receiver can send messages in its name. Give it a key.
health-nodes = Nodes receiving alarms
health-nodes_single = One node: it also runs the scheduled jobs (escalation, heartbeat supervision, purging).
health-nodes_bus_up = The nodes share changes and cameras over the message bus. One node at a time runs the scheduled jobs; if it stops, another takes over within seconds.
health-nodes_bus_down = This node cannot reach the message bus: changes made on other nodes show here only at the next reload, and cameras on other nodes cannot be reached from here.
health-node = Node
health-node_role = Role
health-node_heard = Last heard
health-node_this = this one
health-node_holder = Runs the scheduled jobs
health-node_standby = Standby

astats-title = Safety-alarm statistics
astats-intro = Alarms per type, unit and month, how often the contact and arrival targets were met, and technical alarms. Test alarms are not counted.
astats-chart_months = Alarms per month and kind
astats-contact_met = Contact on time
astats-contact_median = Median to contact
astats-arrival_met = Arrival on time
astats-arrival_median = Median to arrival
astats-technical_open = Technical open
astats-fix_median = Median time to fix

nav-alarm_statistics = Alarm statistics

field-cause = Cause

chain_link-night_patrol = Night patrol
chain_link-home_care = Home-care group
chain_link-relative = Relative

close_cause-help_given = Help given
close_cause-fall = Fall, helped up
close_cause-ambulance = Ambulance
close_cause-accidental = Pressed by mistake
close_cause-test = Test
close_cause-technical = Technical
close_cause-other = Other

# Why the alarm receiver refused a message (vaka_domain::alarm::MessageRefusal).
message_refusal-framing = not a DC-09 frame
message_refusal-crc = damaged in transit (checksum)
message_refusal-length = damaged in transit (length)
message_refusal-header = unreadable header
message_refusal-content = unreadable content
message_refusal-timestamp = unreadable timestamp
message_refusal-missing_timestamp = encrypted message without a timestamp
message_refusal-window = timestamp outside the time window (wrong clock, late resend or replay)
message_refusal-key = cannot be decrypted with the account's key
message_refusal-token = message type not handled
message_refusal-unknown_account = unknown account
message_refusal-clear_for_encrypted_account = unencrypted message for an account with a key
message_refusal-unsecured_account = the account has no key and is not marked unencrypted
message_refusal-authentication = wrong SCAIP password (SIP digest)

### Words of door locks and NFC tags at clients' doors (the tag's page, its URL's landing page).
###
### English. Every message here has the same id in locales/sv/keys.ftl.

## NFC tags

tag-landing-refused = The tag is not accepted
tag_strength-sun = secure tag (NTAG 424 DNA, one-time code on every read)
tag_strength-plain = plain tag (NTAG21x) — weaker: it can be copied
audit_action-tag-provision = NFC tag set up
audit_action-tag-order = NFC tag ordered
audit_action-tag-replace = NFC tag replaced
audit_action-tag-tap = NFC tag read
tag-section = NFC tag
tag-url = Address to write on the tag (an NDEF URL record)
tag-url_template = Template for the secure tag (SDM: encrypted PICC data and MAC)
tag-uid_unknown = not known yet (stored at the first accepted read)
tag-last_counter = Last accepted counter
tag-last_tap = Last read
tag-weaker = Weaker evidence: a plain tag and its address can be copied onto another tag. Change to a secure tag (NTAG 424 DNA) when you can.
tag-write_hint = Format the tag as NDEF and write the address as a URL record. A secure tag is set up with SDM: PICC data encrypted with the tag's key, the MAC with the same key over an empty input.
tag-replace = Replace tag
tag-replace_confirm = The old tag is retired and a new one bound to the same client. Replace it?
tag-none = The tag has no settings yet.
tag-provision = Set up the tag
tag-key_hint = Leave empty to keep the key. A secure tag without a key gets a new one, shown once.
tag-save = Save the tag's settings
tag-order = Order an NFC tag for a client
tag-order_intro = The tag is registered, gets its address (and a key if secure) and is bound to the client. The installer writes the address on the tag and takes it through install, test and activation.
tag-order_client = Client (personnummer)
tag-order_submit = Order tag
tag-key_title = The tag's address and key
tag-key_intro = Write the address on the tag (and the key, for a secure tag), for example with NXP TagWriter.
tag-continue = To the tag
tag-provisioned = The tag's settings are saved.
tag-replaced = The tag is replaced: the old one is retired.
tag-ordered = The tag is ordered and bound to the client.
field-uid = Serial number (UID)
field-strength = Kind of tag
field-sdm_key = The tag's key
import-col-tag_strength = NFC tags: sun (NTAG 424 DNA, a one-time code on every read) or plain (NTAG21x, weaker)
import-col-tag_uid = NFC tags: the serial number (UID) in hex
import-col-tag_key = NFC tags, sun: the AES key, 32 hex digits

## Digital keys: locks, the key access set, lock events, capabilities.

audit_action-lock-unlock = Unlock asked
audit_action-lock-capabilities = Digital keys issued
audit_action-lock-event = Lock event
audit_action-lock-connection_refused = Lock connection refused
audit_action-keys-read = Key access viewed
audit_action-keys-change = Key access changed

keys-title = Keys and locks
keys-link = Keys and locks
keys-changed = The key access is saved.
keys-no-reserve-key = Private providers must always hold a physical reserve key to every client: no reserve key is registered.
keys-access = Ways in
keys-access-legend = The client has
keys-save = Save
keys-locks = Locks
keys-no-locks = The client has no digital lock.
keys-lock-serial = Serial number
keys-lock-status = Status
keys-lock-connection = Connection
keys-online = Connected
keys-offline = Not connected
keys-events = Lock events
keys-no-events = No events yet.
keys-event-by = { $what } by { $name }
keys-grants = Unlocks and digital keys in the last week
keys-no-grants = None this week.
keys-grant-kind = How
keys-grant-reason = Ground
keys-grant-window = Valid
keys-grant-revoked = Revoked
keys-door-events = The door
lock_event-unlocked = Door unlocked
lock_event-locked = Door locked
lock_event-refused = Unlock refused by the lock
lock_event-battery_low = The lock's battery is low
lock_event-jammed = The lock is jammed
lock_event-tamper = Someone tampered with the lock
lock_grant-unlock = Unlock over the network
lock_grant-capability = Digital key on the phone
lock_reason-visit = Visit
lock_reason-alarm = Alarm
lock_reason-adhoc = Night patrol
lock_refusal-malformed = not a valid key
lock_refusal-forged = forged key
lock_refusal-wrong_lock = a key to another lock
lock_refusal-not_yet_valid = the key is not valid yet
lock_refusal-expired = the key has expired
lock_refusal-replayed = the key was already used
lock_refusal-revoked = the key was revoked
lock_refusal-memory_full = the lock's memory is full
lock_refusal-not_possible = could not unlock
lock_refusal-too_late = the command came too late

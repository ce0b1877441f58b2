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

## Digital keys: locks, the key access set, lock events, capabilities.

audit_action-lock-unlock = Unlock asked
audit_action-lock-capabilities = Digital keys issued
audit_action-lock-event = Lock event
audit_action-lock-connection_refused = Lock connection refused
audit_action-keys-read = Key access viewed
audit_action-keys-change = Key access changed

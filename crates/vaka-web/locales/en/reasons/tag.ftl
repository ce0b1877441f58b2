### Reasons about NFC tags: their settings, and taps refused: vaka_domain::reason::TagReason.
###
### English. Every message here has the same id in locales/sv/reasons/tag.ftl, and every
### reason of the enum has a message (unit tests check both).

tag-bad-uid = a tag's serial number (UID) is 4, 7 or 10 bytes in hex, such as 04:4a:2a:12:34:56:78
tag-bad-tag-id = a tag id is 10–40 letters and digits, without six digits in a row
tag-bad-key = a tag's key is 32 hex digits
tag-only-nfc-tags = only NFC tags have tag settings
tag-settings-required = an NFC tag needs its serial number (UID) and kind
tag-sun-needs-key = a SUN tag (NTAG 424 DNA) needs its key
tag-plain-takes-no-key = a plain tag has no key
tag-taken = another tag already has this serial number or tag id
tag-unknown = unknown tag: it is not registered in Vaka
tag-not-bound = the tag is not at any client's door now
tag-client-ended = the tag's client has no decision in force
tag-uid-mismatch = the tag's serial number does not match the registered tag
tag-sun-missing = the tag is a secure tag but the read lacks its one-time code: read the tag again
tag-sun-malformed = the tag's one-time code cannot be read: read the tag again
tag-sun-bad-mac = the tag's one-time code is not genuine: the read is not accepted
tag-sun-replayed = the tag's one-time code was used before: read the tag again on site
tag-other-client = the tag belongs to another client than the visit's
tag-replacement-not-in-stock = the new tag must be in stock
tag-replaced-not-with-client = the tag to replace is not at any client's door
tag-only-admins = only the municipality's system administrators handle tags

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

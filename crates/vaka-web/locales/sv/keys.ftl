### Words of door locks and NFC tags at clients' doors (the tag's page, its URL's landing page).
###
### Swedish. Every message here has the same id in locales/en/keys.ftl.

## NFC tags

tag-landing-refused = Taggen godtas inte
tag_strength-sun = säker tagg (NTAG 424 DNA, engångskod vid varje läsning)
tag_strength-plain = enkel tagg (NTAG21x) — svagare: kan kopieras
audit_action-tag-provision = NFC-tagg inställd
audit_action-tag-order = NFC-tagg beställd
audit_action-tag-replace = NFC-tagg utbytt
audit_action-tag-tap = NFC-tagg läst

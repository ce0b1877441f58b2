### Reasons about NFC tags: their settings, and taps refused: vaka_domain::reason::TagReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/tag.ftl, and every
### reason of the enum has a message (unit tests check both).

tag-bad-uid = taggens serienummer (UID) ska vara 4, 7 eller 10 byte i hex, till exempel 04:4a:2a:12:34:56:78
tag-bad-tag-id = tagg-id ska vara 10–40 bokstäver och siffror, utan sex siffror i rad
tag-bad-key = taggens nyckel ska vara 32 hexsiffror
tag-only-nfc-tags = bara NFC-taggar har taggens uppgifter
tag-settings-required = en NFC-tagg behöver serienummer (UID) och typ
tag-sun-needs-key = en SUN-tagg (NTAG 424 DNA) behöver sin nyckel
tag-plain-takes-no-key = en enkel tagg har ingen nyckel
tag-taken = en annan tagg har redan det serienumret eller tagg-id:t
tag-unknown = taggen är okänd: den är inte registrerad i Vaka
tag-not-bound = taggen sitter inte hos någon brukare just nu
tag-client-ended = brukaren som taggen hör till har inget gällande beslut
tag-uid-mismatch = taggens serienummer stämmer inte med den registrerade taggen
tag-sun-missing = taggen är en säker tagg men läsningen saknar dess engångskod: läs taggen igen
tag-sun-malformed = taggens engångskod går inte att läsa: läs taggen igen
tag-sun-bad-mac = taggens engångskod är inte äkta: läsningen godtas inte
tag-sun-replayed = taggens engångskod har redan använts: läs taggen igen på plats
tag-other-client = taggen hör till en annan brukare än besökets
tag-replacement-not-in-stock = den nya taggen ska finnas i lager
tag-replaced-not-with-client = taggen som ska bytas sitter inte hos någon brukare
tag-only-admins = bara kommunens systemadministratörer hanterar taggar

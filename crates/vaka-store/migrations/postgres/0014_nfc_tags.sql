-- NFC tags at clients' doors: the settings of devices of kind nfc_tag (the device row keeps
-- the lifecycle and the client). tag_id is the opaque id in the tag's URL (/t/<tag_id>); uid
-- the tag's serial number, lowercase hex, unknown until the tag is encoded (or its first proven
-- tap); strength 'sun' (NTAG 424 DNA: a MAC and a counter on every tap) or 'plain' (NTAG21x).
-- A SUN tag has its AES key, sealed like the DC-09 keys ('v1:<key id>:…'), and the greatest
-- read counter accepted from it: a tap must bring a greater one.
CREATE TABLE nfc_tags (
    device_id    UUID PRIMARY KEY REFERENCES devices (id),
    tag_id       TEXT NOT NULL UNIQUE,
    uid          TEXT UNIQUE,
    strength     TEXT NOT NULL CHECK (strength IN ('sun', 'plain')),
    sdm_key      TEXT,
    last_counter BIGINT,
    last_tap_at  TIMESTAMPTZ,
    CHECK ((strength = 'sun') = (sdm_key IS NOT NULL))
);

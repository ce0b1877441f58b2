-- The staff app's devices: after a full login on a phone, the app may keep a device key there
-- and the user chooses a PIN; later the PIN and the key together open a new session on that
-- phone (the key proves the device, the PIN the person). Only hashes are stored. A few wrong
-- PINs revoke the key (the app then wipes it); the user, an administrator's deactivation or
-- "log out everywhere" revoke it too.
CREATE TABLE app_devices (
    id           BLOB PRIMARY KEY NOT NULL,
    user_id      BLOB NOT NULL REFERENCES users (id),
    key_hash     BLOB NOT NULL UNIQUE,
    pin_hash     TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    failed_pins  INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER
);
CREATE INDEX app_devices_user ON app_devices (user_id);

-- Digital keys (issue 15): the client's key access as a set, the grants (unlock commands sent to
-- online locks and capabilities issued for offline ones) and the locks' events.

-- How staff get into a client's home, as a set (digital_lock, key_box, reserve_key, ...).
-- `clients.key_access` (one value) is kept for the client's card; its value is copied here.
CREATE TABLE client_key_access (
    client_id     BLOB NOT NULL REFERENCES clients (id),
    kind          TEXT NOT NULL,
    registered_at INTEGER NOT NULL,
    registered_by BLOB REFERENCES users (id),
    PRIMARY KEY (client_id, kind)
);
INSERT INTO client_key_access (client_id, kind, registered_at, registered_by)
    SELECT id, key_access, updated_at, NULL FROM clients WHERE key_access <> 'none';

-- An unlock command sent to an online lock, or a capability issued to a user's phone.
CREATE TABLE lock_grants (
    id          BLOB PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL,
    nonce       TEXT UNIQUE,
    lock_id     BLOB NOT NULL REFERENCES devices (id),
    client_id   BLOB NOT NULL REFERENCES clients (id),
    user_id     BLOB NOT NULL REFERENCES users (id),
    ground      TEXT NOT NULL,
    visit_id    BLOB,
    plan_id     BLOB,
    alarm_id    BLOB,
    not_before  INTEGER NOT NULL,
    expires     INTEGER NOT NULL,
    issued_at   INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX lock_grants_user ON lock_grants (user_id, expires);
CREATE INDEX lock_grants_client ON lock_grants (client_id, issued_at);

-- What the locks reported.
CREATE TABLE lock_events (
    id          BLOB PRIMARY KEY NOT NULL,
    lock_id     BLOB NOT NULL REFERENCES devices (id),
    client_id   BLOB REFERENCES clients (id),
    kind        TEXT NOT NULL,
    user_id     BLOB REFERENCES users (id),
    visit_id    BLOB,
    alarm_id    BLOB,
    grant_id    BLOB,
    detail      TEXT,
    at          INTEGER NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX lock_events_client ON lock_events (client_id, at);
CREATE INDEX lock_events_lock ON lock_events (lock_id, at);
CREATE INDEX lock_events_alarm ON lock_events (alarm_id, at) WHERE alarm_id IS NOT NULL;

-- The registry: contacts, protected-identity access groups, decisions and orders, consent,
-- supervision plans and pauses, devices and their history. Dates are TEXT 'YYYY-MM-DD'.

CREATE TABLE client_contacts (
    client_id BLOB NOT NULL REFERENCES clients (id),
    priority  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    relation  TEXT NOT NULL,
    phone     TEXT NOT NULL,
    note      TEXT,
    PRIMARY KEY (client_id, priority)
);

-- The named staff group that may see a protected client's address and contacts.
CREATE TABLE client_access_group (
    client_id  BLOB NOT NULL REFERENCES clients (id),
    user_id    BLOB NOT NULL REFERENCES users (id),
    granted_by BLOB REFERENCES users (id),
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (client_id, user_id)
);

CREATE TABLE decisions (
    id               BLOB PRIMARY KEY NOT NULL,
    client_id        BLOB NOT NULL REFERENCES clients (id),
    law              TEXT NOT NULL,
    simplified       BOOLEAN NOT NULL,
    service          TEXT NOT NULL,
    supervision_mode TEXT,
    times            TEXT NOT NULL,
    decided_on       TEXT NOT NULL,
    valid_from       TEXT NOT NULL,
    valid_to         TEXT,
    decided_by       BLOB NOT NULL REFERENCES users (id),
    ended_on         TEXT,
    created_at       INTEGER NOT NULL
);
CREATE INDEX decisions_client ON decisions (client_id, service);

CREATE TABLE orders (
    id           BLOB PRIMARY KEY NOT NULL,
    decision_id  BLOB NOT NULL UNIQUE REFERENCES decisions (id),
    client_id    BLOB NOT NULL REFERENCES clients (id),
    provider_id  BLOB NOT NULL REFERENCES organisations (id),
    status       TEXT NOT NULL,
    ordered_at   INTEGER NOT NULL,
    accepted_at  INTEGER,
    accepted_by  BLOB REFERENCES users (id),
    activated_at INTEGER
);
CREATE INDEX orders_provider ON orders (provider_id, status);

CREATE TABLE consents (
    id                  BLOB PRIMARY KEY NOT NULL,
    client_id           BLOB NOT NULL REFERENCES clients (id),
    service             TEXT NOT NULL,
    informed_by         TEXT NOT NULL,
    informed_on         TEXT NOT NULL,
    informed_how        TEXT NOT NULL,
    given_by            TEXT NOT NULL,
    representative_name TEXT,
    given_on            TEXT NOT NULL,
    reconfirm_by        TEXT NOT NULL,
    withdrawn_on        TEXT,
    withdrawal_note     TEXT,
    recorded_by         BLOB NOT NULL REFERENCES users (id),
    recorded_at         INTEGER NOT NULL
);
CREATE INDEX consents_client ON consents (client_id, service);

CREATE TABLE supervision_plans (
    client_id               BLOB PRIMARY KEY NOT NULL REFERENCES clients (id),
    mode                    TEXT NOT NULL,
    times                   TEXT NOT NULL,
    recheck_delay_minutes   INTEGER,
    escalation              TEXT,
    response_target_minutes INTEGER,
    updated_by              BLOB NOT NULL REFERENCES users (id),
    updated_at              INTEGER NOT NULL
);

CREATE TABLE pauses (
    id           BLOB PRIMARY KEY NOT NULL,
    client_id    BLOB NOT NULL REFERENCES clients (id),
    first_night  TEXT NOT NULL,
    last_night   TEXT NOT NULL,
    reason       TEXT NOT NULL,
    requested    TEXT NOT NULL,
    note         TEXT,
    recorded_by  BLOB NOT NULL REFERENCES users (id),
    recorded_at  INTEGER NOT NULL,
    cancelled_at INTEGER,
    cancelled_by BLOB REFERENCES users (id)
);
CREATE INDEX pauses_client ON pauses (client_id, first_night);

CREATE TABLE devices (
    id                    BLOB PRIMARY KEY NOT NULL,
    kind                  TEXT NOT NULL,
    serial                TEXT NOT NULL,
    model                 TEXT NOT NULL,
    firmware              TEXT,
    status                TEXT NOT NULL,
    client_id             BLOB REFERENCES clients (id),
    credential_hash       BLOB UNIQUE,
    credential_issued_at  INTEGER,
    credential_revoked_at INTEGER,
    dc09_account          TEXT UNIQUE,
    dc09_key              TEXT,
    dc09_key_style        TEXT,
    last_seen_at          INTEGER,
    state                 TEXT,
    created_at            INTEGER NOT NULL,
    UNIQUE (kind, serial)
);
CREATE INDEX devices_client ON devices (client_id);

CREATE TABLE device_events (
    id          BLOB PRIMARY KEY NOT NULL,
    device_id   BLOB NOT NULL REFERENCES devices (id),
    step        TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    client_id   BLOB,
    at          INTEGER NOT NULL,
    by_user     BLOB REFERENCES users (id),
    note        TEXT
);
CREATE INDEX device_events_device ON device_events (device_id, at);

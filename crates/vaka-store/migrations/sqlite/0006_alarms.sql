-- Safety alarms. `alarm_messages` is the receiver's durable receipt log: one row per accepted
-- DC-09 event message, written before the device gets its ACK; (account, seq, fingerprint)
-- recognises a message the device sends again. `alarms` are the operators' work items: one
-- per event that needs a person, with its life from received to closed and both SLA clocks.
CREATE TABLE alarm_messages (
    id          BLOB PRIMARY KEY NOT NULL,
    account     TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    -- The first 8 bytes of SHA-256 over the message's data (not its timestamp) as an integer.
    fingerprint INTEGER NOT NULL,
    token       TEXT NOT NULL,
    device_id   BLOB REFERENCES devices (id),
    data        TEXT NOT NULL,
    message_at  INTEGER,
    received_at INTEGER NOT NULL,
    transport   TEXT NOT NULL
);
CREATE INDEX alarm_messages_received ON alarm_messages (received_at);
CREATE INDEX alarm_messages_device ON alarm_messages (device_id, received_at);

CREATE TABLE alarms (
    id                         BLOB PRIMARY KEY NOT NULL,
    message_id                 BLOB REFERENCES alarm_messages (id),
    device_id                  BLOB REFERENCES devices (id),
    client_id                  BLOB REFERENCES clients (id),
    account                    TEXT,
    kind                       TEXT NOT NULL,
    category                   TEXT NOT NULL,
    code                       TEXT NOT NULL,
    zone                       TEXT,
    area_type                  TEXT NOT NULL,
    received_at                INTEGER NOT NULL,
    state                      TEXT NOT NULL,
    operator_id                BLOB REFERENCES users (id),
    taken_at                   INTEGER,
    contacted_at               INTEGER,
    dispatched_at              INTEGER,
    chain_link                 TEXT,
    responder_id               BLOB REFERENCES users (id),
    acknowledged_at            INTEGER,
    on_way_at                  INTEGER,
    arrived_at                 INTEGER,
    closed_at                  INTEGER,
    closed_by                  BLOB REFERENCES users (id),
    cause                      TEXT,
    note                       TEXT,
    escalated_not_taken        INTEGER NOT NULL DEFAULT 0,
    escalated_not_acknowledged INTEGER NOT NULL DEFAULT 0,
    restored_at                INTEGER,
    occurrences                INTEGER NOT NULL DEFAULT 1,
    last_at                    INTEGER NOT NULL,
    updated_at                 INTEGER NOT NULL
);
CREATE INDEX alarms_open ON alarms (received_at) WHERE state <> 'closed';
CREATE INDEX alarms_received ON alarms (received_at);
CREATE INDEX alarms_device ON alarms (device_id, kind) WHERE state <> 'closed';
CREATE INDEX alarms_client ON alarms (client_id, received_at);

-- What happened to an alarm, step by step: taken, released, call notes, dispatches along the
-- chain, escalations, the responder's steps.
CREATE TABLE alarm_log (
    id       BLOB PRIMARY KEY NOT NULL,
    alarm_id BLOB NOT NULL REFERENCES alarms (id),
    at       INTEGER NOT NULL,
    user_id  BLOB REFERENCES users (id),
    step     TEXT NOT NULL,
    note     TEXT
);
CREATE INDEX alarm_log_alarm ON alarm_log (alarm_id, at);

-- A device's supervision interval (heartbeat), when it differs from the default of its kind.
ALTER TABLE devices ADD COLUMN heartbeat_seconds INTEGER;

-- The technical contact's signed checks of open technical alarms on weekends and holidays.
CREATE TABLE technical_checks (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    due_at          INTEGER NOT NULL,
    signed_at       INTEGER,
    signed_by       BLOB REFERENCES users (id),
    open_alarms     INTEGER,
    note            TEXT,
    missed_at       INTEGER,
    UNIQUE (organisation_id, due_at)
);

-- Safety alarms. `alarm_messages` is the receiver's durable receipt log: one row per accepted
-- DC-09 event message, written before the device gets its ACK; (account, seq, fingerprint)
-- recognises a message the device sends again. `alarms` are the operators' work items: one
-- per event that needs a person, with its life from received to closed and both SLA clocks.
CREATE TABLE alarm_messages (
    id          UUID PRIMARY KEY,
    account     TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    -- The first 8 bytes of SHA-256 over the message's data (not its timestamp) as an integer.
    fingerprint BIGINT NOT NULL,
    token       TEXT NOT NULL,
    device_id   UUID REFERENCES devices (id),
    data        TEXT NOT NULL,
    message_at  TIMESTAMPTZ,
    received_at TIMESTAMPTZ NOT NULL,
    transport   TEXT NOT NULL
);
CREATE INDEX alarm_messages_received ON alarm_messages (received_at);
CREATE INDEX alarm_messages_device ON alarm_messages (device_id, received_at);

CREATE TABLE alarms (
    id                         UUID PRIMARY KEY,
    message_id                 UUID REFERENCES alarm_messages (id),
    device_id                  UUID REFERENCES devices (id),
    client_id                  UUID REFERENCES clients (id),
    account                    TEXT,
    kind                       TEXT NOT NULL,
    category                   TEXT NOT NULL,
    code                       TEXT NOT NULL,
    zone                       TEXT,
    area_type                  TEXT NOT NULL,
    received_at                TIMESTAMPTZ NOT NULL,
    state                      TEXT NOT NULL,
    operator_id                UUID REFERENCES users (id),
    taken_at                   TIMESTAMPTZ,
    contacted_at               TIMESTAMPTZ,
    dispatched_at              TIMESTAMPTZ,
    chain_link                 TEXT,
    responder_id               UUID REFERENCES users (id),
    acknowledged_at            TIMESTAMPTZ,
    on_way_at                  TIMESTAMPTZ,
    arrived_at                 TIMESTAMPTZ,
    closed_at                  TIMESTAMPTZ,
    closed_by                  UUID REFERENCES users (id),
    cause                      TEXT,
    note                       TEXT,
    escalated_not_taken        BOOLEAN NOT NULL DEFAULT FALSE,
    escalated_not_acknowledged BOOLEAN NOT NULL DEFAULT FALSE,
    restored_at                TIMESTAMPTZ,
    occurrences                BIGINT NOT NULL DEFAULT 1,
    last_at                    TIMESTAMPTZ NOT NULL,
    updated_at                 TIMESTAMPTZ NOT NULL
);
CREATE INDEX alarms_open ON alarms (received_at) WHERE state <> 'closed';
CREATE INDEX alarms_received ON alarms (received_at);
CREATE INDEX alarms_device ON alarms (device_id, kind) WHERE state <> 'closed';
CREATE INDEX alarms_client ON alarms (client_id, received_at);

-- What happened to an alarm, step by step: taken, released, call notes, dispatches along the
-- chain, escalations, the responder's steps.
CREATE TABLE alarm_log (
    id       UUID PRIMARY KEY,
    alarm_id UUID NOT NULL REFERENCES alarms (id),
    at       TIMESTAMPTZ NOT NULL,
    user_id  UUID REFERENCES users (id),
    step     TEXT NOT NULL,
    note     TEXT
);
CREATE INDEX alarm_log_alarm ON alarm_log (alarm_id, at);

-- A device's supervision interval (heartbeat), when it differs from the default of its kind.
ALTER TABLE devices ADD COLUMN heartbeat_seconds BIGINT;

-- The technical contact's signed checks of open technical alarms on weekends and holidays.
CREATE TABLE technical_checks (
    id              UUID PRIMARY KEY,
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    due_at          TIMESTAMPTZ NOT NULL,
    signed_at       TIMESTAMPTZ,
    signed_by       UUID REFERENCES users (id),
    open_alarms     BIGINT,
    note            TEXT,
    missed_at       TIMESTAMPTZ,
    UNIQUE (organisation_id, due_at)
);

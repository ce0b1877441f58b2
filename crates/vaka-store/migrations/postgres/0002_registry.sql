-- The registry: contacts, protected-identity access groups, decisions and orders, consent,
-- supervision plans and pauses, devices and their history. Dates are DATE.

CREATE TABLE client_contacts (
    client_id UUID NOT NULL REFERENCES clients (id),
    priority  BIGINT NOT NULL,
    name      TEXT NOT NULL,
    relation  TEXT NOT NULL,
    phone     TEXT NOT NULL,
    note      TEXT,
    PRIMARY KEY (client_id, priority)
);

-- The named staff group that may see a protected client's address and contacts.
CREATE TABLE client_access_group (
    client_id  UUID NOT NULL REFERENCES clients (id),
    user_id    UUID NOT NULL REFERENCES users (id),
    granted_by UUID REFERENCES users (id),
    granted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (client_id, user_id)
);

CREATE TABLE decisions (
    id               UUID PRIMARY KEY,
    client_id        UUID NOT NULL REFERENCES clients (id),
    law              TEXT NOT NULL,
    simplified       BOOLEAN NOT NULL,
    service          TEXT NOT NULL,
    supervision_mode TEXT,
    times            TEXT NOT NULL,
    decided_on       DATE NOT NULL,
    valid_from       DATE NOT NULL,
    valid_to         DATE,
    decided_by       UUID NOT NULL REFERENCES users (id),
    ended_on         DATE,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX decisions_client ON decisions (client_id, service);

CREATE TABLE orders (
    id           UUID PRIMARY KEY,
    decision_id  UUID NOT NULL UNIQUE REFERENCES decisions (id),
    client_id    UUID NOT NULL REFERENCES clients (id),
    provider_id  UUID NOT NULL REFERENCES organisations (id),
    status       TEXT NOT NULL,
    ordered_at   TIMESTAMPTZ NOT NULL,
    accepted_at  TIMESTAMPTZ,
    accepted_by  UUID REFERENCES users (id),
    activated_at TIMESTAMPTZ
);
CREATE INDEX orders_provider ON orders (provider_id, status);

CREATE TABLE consents (
    id                  UUID PRIMARY KEY,
    client_id           UUID NOT NULL REFERENCES clients (id),
    service             TEXT NOT NULL,
    informed_by         TEXT NOT NULL,
    informed_on         DATE NOT NULL,
    informed_how        TEXT NOT NULL,
    given_by            TEXT NOT NULL,
    representative_name TEXT,
    given_on            DATE NOT NULL,
    reconfirm_by        DATE NOT NULL,
    withdrawn_on        DATE,
    withdrawal_note     TEXT,
    recorded_by         UUID NOT NULL REFERENCES users (id),
    recorded_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX consents_client ON consents (client_id, service);

CREATE TABLE supervision_plans (
    client_id               UUID PRIMARY KEY REFERENCES clients (id),
    mode                    TEXT NOT NULL,
    times                   TEXT NOT NULL,
    recheck_delay_minutes   BIGINT,
    escalation              TEXT,
    response_target_minutes BIGINT,
    updated_by              UUID NOT NULL REFERENCES users (id),
    updated_at              TIMESTAMPTZ NOT NULL
);

CREATE TABLE pauses (
    id           UUID PRIMARY KEY,
    client_id    UUID NOT NULL REFERENCES clients (id),
    first_night  DATE NOT NULL,
    last_night   DATE NOT NULL,
    reason       TEXT NOT NULL,
    requested    TEXT NOT NULL,
    note         TEXT,
    recorded_by  UUID NOT NULL REFERENCES users (id),
    recorded_at  TIMESTAMPTZ NOT NULL,
    cancelled_at TIMESTAMPTZ,
    cancelled_by UUID REFERENCES users (id)
);
CREATE INDEX pauses_client ON pauses (client_id, first_night);

CREATE TABLE devices (
    id                    UUID PRIMARY KEY,
    kind                  TEXT NOT NULL,
    serial                TEXT NOT NULL,
    model                 TEXT NOT NULL,
    firmware              TEXT,
    status                TEXT NOT NULL,
    client_id             UUID REFERENCES clients (id),
    credential_hash       BYTEA UNIQUE,
    credential_issued_at  TIMESTAMPTZ,
    credential_revoked_at TIMESTAMPTZ,
    dc09_account          TEXT UNIQUE,
    dc09_key              TEXT,
    dc09_key_style        TEXT,
    last_seen_at          TIMESTAMPTZ,
    state                 TEXT,
    created_at            TIMESTAMPTZ NOT NULL,
    UNIQUE (kind, serial)
);
CREATE INDEX devices_client ON devices (client_id);

CREATE TABLE device_events (
    id          UUID PRIMARY KEY,
    device_id   UUID NOT NULL REFERENCES devices (id),
    step        TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    client_id   UUID,
    at          TIMESTAMPTZ NOT NULL,
    by_user     UUID REFERENCES users (id),
    note        TEXT
);
CREATE INDEX device_events_device ON device_events (device_id, at);

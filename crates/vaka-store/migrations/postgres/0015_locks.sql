-- Digital keys (issue 15): the client's key access as a set, the grants (unlock commands sent to
-- online locks and capabilities issued for offline ones) and the locks' events.

-- How staff get into a client's home, as a set (digital_lock, key_box, reserve_key, ...).
-- `clients.key_access` (one value) is kept for the client's card; its value is copied here.
CREATE TABLE client_key_access (
    client_id     UUID NOT NULL REFERENCES clients (id),
    kind          TEXT NOT NULL,
    registered_at TIMESTAMPTZ NOT NULL,
    registered_by UUID REFERENCES users (id),
    PRIMARY KEY (client_id, kind)
);
INSERT INTO client_key_access (client_id, kind, registered_at, registered_by)
    SELECT id, key_access, updated_at, NULL FROM clients WHERE key_access <> 'none';

-- An unlock command sent to an online lock, or a capability issued to a user's phone.
CREATE TABLE lock_grants (
    id          UUID PRIMARY KEY,
    kind        TEXT NOT NULL,
    nonce       TEXT UNIQUE,
    lock_id     UUID NOT NULL REFERENCES devices (id),
    client_id   UUID NOT NULL REFERENCES clients (id),
    user_id     UUID NOT NULL REFERENCES users (id),
    ground      TEXT NOT NULL,
    visit_id    UUID,
    plan_id     UUID,
    alarm_id    UUID,
    not_before  TIMESTAMPTZ NOT NULL,
    expires     TIMESTAMPTZ NOT NULL,
    issued_at   TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX lock_grants_user ON lock_grants (user_id, expires);
CREATE INDEX lock_grants_client ON lock_grants (client_id, issued_at);

-- What the locks reported.
CREATE TABLE lock_events (
    id          UUID PRIMARY KEY,
    lock_id     UUID NOT NULL REFERENCES devices (id),
    client_id   UUID REFERENCES clients (id),
    kind        TEXT NOT NULL,
    user_id     UUID REFERENCES users (id),
    visit_id    UUID,
    alarm_id    UUID,
    grant_id    UUID,
    detail      TEXT,
    at          TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX lock_events_client ON lock_events (client_id, at);
CREATE INDEX lock_events_lock ON lock_events (lock_id, at);
CREATE INDEX lock_events_alarm ON lock_events (alarm_id, at) WHERE alarm_id IS NOT NULL;

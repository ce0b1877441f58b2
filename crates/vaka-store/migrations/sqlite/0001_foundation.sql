-- Foundation: directory, credentials, sessions, tokens, need-to-know reach, audit log, clients.
-- Instants are INTEGER microseconds since the Unix epoch (UTC). Ids are 16-byte UUID blobs.
-- *_key columns hold a lowercased search key computed in Rust (SQLite's lower() is ASCII-only).

CREATE TABLE organisations (
    id            BLOB PRIMARY KEY NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('municipality', 'provider', 'alarm_centre')),
    provider_kind TEXT CHECK (provider_kind IN ('in_house', 'private')),
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL UNIQUE,
    org_number    TEXT,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    INTEGER NOT NULL
);

CREATE TABLE units (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    name            TEXT NOT NULL,
    name_key        TEXT NOT NULL,
    kind            TEXT NOT NULL,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      INTEGER NOT NULL,
    UNIQUE (organisation_id, name_key)
);

CREATE TABLE unit_coverage (
    unit_id         BLOB NOT NULL REFERENCES units (id),
    covered_unit_id BLOB NOT NULL REFERENCES units (id),
    PRIMARY KEY (unit_id, covered_unit_id)
);

CREATE TABLE users (
    id                   BLOB PRIMARY KEY NOT NULL,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    display_name_key     TEXT NOT NULL,
    email                TEXT NOT NULL,
    hsa_id               TEXT UNIQUE,
    organisation_id      BLOB NOT NULL REFERENCES organisations (id),
    status               TEXT NOT NULL CHECK (status IN ('requested', 'active', 'rejected', 'deactivated')),
    password_hash        TEXT,
    password_changed_at  INTEGER,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    totp_secret          TEXT,
    totp_enabled_at      INTEGER,
    totp_last_step       INTEGER,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         INTEGER,
    last_login_at        INTEGER,
    created_at           INTEGER NOT NULL,
    requested_by         BLOB REFERENCES users (id),
    decided_by           BLOB REFERENCES users (id),
    decided_at           INTEGER,
    deactivated_at       INTEGER
);
CREATE INDEX users_organisation ON users (organisation_id);
CREATE INDEX users_display_name_key ON users (display_name_key);

CREATE TABLE role_assignments (
    id              BLOB PRIMARY KEY NOT NULL,
    user_id         BLOB NOT NULL REFERENCES users (id),
    role            TEXT NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    unit_id         BLOB REFERENCES units (id),
    granted_by      BLOB REFERENCES users (id),
    granted_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX role_assignments_unique
    ON role_assignments (user_id, role, organisation_id, coalesce(unit_id, X''));
CREATE INDEX role_assignments_unit ON role_assignments (unit_id);

CREATE TABLE recovery_codes (
    user_id   BLOB NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at   INTEGER,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE sessions (
    id           BLOB PRIMARY KEY NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    user_id      BLOB NOT NULL REFERENCES users (id),
    stage        TEXT NOT NULL,
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    source_ip    TEXT,
    user_agent   TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           BLOB PRIMARY KEY NOT NULL,
    user_id      BLOB NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    created_by   BLOB REFERENCES users (id),
    last_used_at INTEGER,
    expires_at   INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Need-to-know for client data, computed in Rust from the user's roles and unit coverage
-- (vaka_domain::access::Principal::client_reach) whenever either changes.
CREATE TABLE client_reach (
    user_id         BLOB NOT NULL REFERENCES users (id),
    everything      BOOLEAN NOT NULL,
    organisation_id BLOB,
    unit_id         BLOB
);
CREATE INDEX client_reach_user ON client_reach (user_id);

CREATE TABLE clients (
    id               BLOB PRIMARY KEY NOT NULL,
    identity_kind    TEXT NOT NULL CHECK (identity_kind IN ('personnummer', 'samordningsnummer', 'reserve')),
    identity         TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    name_key         TEXT NOT NULL,
    address_street   TEXT,
    address_postcode TEXT,
    address_city     TEXT,
    phone            TEXT,
    provider_id      BLOB REFERENCES organisations (id),
    unit_id          BLOB REFERENCES units (id),
    protection       TEXT NOT NULL DEFAULT 'none',
    area_type        TEXT NOT NULL DEFAULT 'town',
    key_access       TEXT NOT NULL DEFAULT 'none',
    key_note         TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX clients_name_key ON clients (name_key);
CREATE INDEX clients_unit ON clients (unit_id, name_key);
CREATE INDEX clients_provider ON clients (provider_id, name_key);

-- The audit log. seq has no gaps; each row's hash commits to the previous row's hash.
CREATE TABLE audit_log (
    seq            INTEGER PRIMARY KEY NOT NULL,
    at             INTEGER NOT NULL,
    actor_user_id  BLOB,
    actor_username TEXT,
    actor_role     TEXT,
    actor_org_id   BLOB,
    actor_unit_id  BLOB,
    credential     TEXT,
    action         TEXT NOT NULL,
    outcome        TEXT NOT NULL,
    client_id      BLOB,
    subject_kind   TEXT,
    subject_id     TEXT,
    care_context   TEXT,
    request_id     TEXT,
    source_ip      TEXT,
    flags          INTEGER NOT NULL,
    details        TEXT,
    prev_hash      BLOB NOT NULL,
    hash           BLOB NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, seq);
CREATE INDEX audit_log_client ON audit_log (client_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);

-- The head of the chain: one row, updated under the write lock by every append.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash BLOB NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, zeroblob(32));

-- Append-only by construction: the application never updates or deletes audit rows. These
-- triggers stop accidents; a deliberate tamperer who drops them is caught by `vaka audit verify`.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Foundation: directory, credentials, sessions, tokens, need-to-know reach, audit log, clients.
-- Instants are timestamptz (UTC). *_key columns hold a lowercased search key computed in Rust,
-- with the "C" collation so that prefix ranges follow byte order as in SQLite.

CREATE TABLE organisations (
    id            UUID PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('municipality', 'provider', 'alarm_centre')),
    provider_kind TEXT CHECK (provider_kind IN ('in_house', 'private')),
    name          TEXT NOT NULL,
    name_key      TEXT COLLATE "C" NOT NULL UNIQUE,
    org_number    TEXT,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE units (
    id              UUID PRIMARY KEY,
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    name            TEXT NOT NULL,
    name_key        TEXT COLLATE "C" NOT NULL,
    kind            TEXT NOT NULL,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (organisation_id, name_key)
);

CREATE TABLE unit_coverage (
    unit_id         UUID NOT NULL REFERENCES units (id),
    covered_unit_id UUID NOT NULL REFERENCES units (id),
    PRIMARY KEY (unit_id, covered_unit_id)
);

CREATE TABLE users (
    id                   UUID PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    display_name_key     TEXT COLLATE "C" NOT NULL,
    email                TEXT NOT NULL,
    hsa_id               TEXT UNIQUE,
    organisation_id      UUID NOT NULL REFERENCES organisations (id),
    status               TEXT NOT NULL CHECK (status IN ('requested', 'active', 'rejected', 'deactivated')),
    password_hash        TEXT,
    password_changed_at  TIMESTAMPTZ,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    totp_secret          TEXT,
    totp_enabled_at      TIMESTAMPTZ,
    totp_last_step       BIGINT,
    failed_logins        BIGINT NOT NULL DEFAULT 0,
    locked_until         TIMESTAMPTZ,
    last_login_at        TIMESTAMPTZ,
    created_at           TIMESTAMPTZ NOT NULL,
    requested_by         UUID REFERENCES users (id),
    decided_by           UUID REFERENCES users (id),
    decided_at           TIMESTAMPTZ,
    deactivated_at       TIMESTAMPTZ
);
CREATE INDEX users_organisation ON users (organisation_id);
CREATE INDEX users_display_name_key ON users (display_name_key);

CREATE TABLE role_assignments (
    id              UUID PRIMARY KEY,
    user_id         UUID NOT NULL REFERENCES users (id),
    role            TEXT NOT NULL,
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    unit_id         UUID REFERENCES units (id),
    granted_by      UUID REFERENCES users (id),
    granted_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX role_assignments_unique
    ON role_assignments (user_id, role, organisation_id, coalesce(unit_id, '00000000-0000-0000-0000-000000000000'::uuid));
CREATE INDEX role_assignments_unit ON role_assignments (unit_id);

CREATE TABLE recovery_codes (
    user_id   UUID NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE sessions (
    id           UUID PRIMARY KEY,
    token_hash   BYTEA NOT NULL UNIQUE,
    user_id      UUID NOT NULL REFERENCES users (id),
    stage        TEXT NOT NULL,
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    source_ip    TEXT,
    user_agent   TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           UUID PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   BYTEA NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    created_by   UUID REFERENCES users (id),
    last_used_at TIMESTAMPTZ,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE client_reach (
    user_id         UUID NOT NULL REFERENCES users (id),
    everything      BOOLEAN NOT NULL,
    organisation_id UUID,
    unit_id         UUID
);
CREATE INDEX client_reach_user ON client_reach (user_id);

CREATE TABLE clients (
    id               UUID PRIMARY KEY,
    identity_kind    TEXT NOT NULL CHECK (identity_kind IN ('personnummer', 'samordningsnummer', 'reserve')),
    identity         TEXT COLLATE "C" NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    name_key         TEXT COLLATE "C" NOT NULL,
    address_street   TEXT,
    address_postcode TEXT,
    address_city     TEXT,
    phone            TEXT,
    provider_id      UUID REFERENCES organisations (id),
    unit_id          UUID REFERENCES units (id),
    protection       TEXT NOT NULL DEFAULT 'none',
    area_type        TEXT NOT NULL DEFAULT 'town',
    key_access       TEXT NOT NULL DEFAULT 'none',
    key_note         TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX clients_name_key ON clients (name_key);
CREATE INDEX clients_unit ON clients (unit_id, name_key);
CREATE INDEX clients_provider ON clients (provider_id, name_key);

CREATE TABLE audit_log (
    seq            BIGINT PRIMARY KEY,
    at             TIMESTAMPTZ NOT NULL,
    actor_user_id  UUID,
    actor_username TEXT,
    actor_role     TEXT,
    actor_org_id   UUID,
    actor_unit_id  UUID,
    credential     TEXT,
    action         TEXT NOT NULL,
    outcome        TEXT NOT NULL,
    client_id      UUID,
    subject_kind   TEXT,
    subject_id     TEXT,
    care_context   TEXT,
    request_id     TEXT,
    source_ip      TEXT,
    flags          BIGINT NOT NULL,
    details        TEXT,
    prev_hash      BYTEA NOT NULL,
    hash           BYTEA NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, seq);
CREATE INDEX audit_log_client ON audit_log (client_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash BYTEA NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

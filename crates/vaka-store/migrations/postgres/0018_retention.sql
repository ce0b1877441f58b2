-- Retention (gallring): the table of how long each kind of record is kept, legal holds per
-- client, the purge runs, and the signed anchors from which a purged audit log's chain starts.

-- Days each kind of record is kept (vaka_domain::retention::RecordKind); a kind without a row
-- keeps its default.
CREATE TABLE retention_settings (
    kind       TEXT PRIMARY KEY NOT NULL,
    days       BIGINT NOT NULL CHECK (days > 0),
    changed_at TIMESTAMPTZ NOT NULL,
    changed_by UUID REFERENCES users (id)
);

-- A legal hold keeps every record of a client from purging while it is in force.
CREATE TABLE legal_holds (
    id        UUID PRIMARY KEY NOT NULL,
    client_id UUID NOT NULL REFERENCES clients (id),
    reason    TEXT NOT NULL,
    placed_at TIMESTAMPTZ NOT NULL,
    placed_by UUID NOT NULL REFERENCES users (id),
    lifted_at TIMESTAMPTZ,
    lifted_by UUID REFERENCES users (id),
    CHECK ((lifted_at IS NULL) = (lifted_by IS NULL))
);
CREATE UNIQUE INDEX legal_holds_in_force ON legal_holds (client_id) WHERE lifted_at IS NULL;

-- Each purge: when it ran, who started it (NULL: the server's job) and what it removed (JSON).
CREATE TABLE purge_runs (
    id          UUID PRIMARY KEY NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    started_by  UUID REFERENCES users (id),
    report      TEXT
);
CREATE INDEX purge_runs_started ON purge_runs (started_at);

-- Where the audit chain starts after its oldest entries were purged: the last purged entry's
-- sequence number and hash, signed with the server's audit key (as a checkpoint is).
CREATE TABLE audit_anchors (
    seq       BIGINT PRIMARY KEY NOT NULL,
    hash      BYTEA NOT NULL,
    at        TIMESTAMPTZ NOT NULL,
    key       BYTEA NOT NULL,
    signature BYTEA NOT NULL
);

-- Entries may now be deleted, but only at or below a recorded anchor (the purge writes the
-- anchor first). Everything above it stays append-only; updates and truncation stay refused.
DROP TRIGGER audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE FUNCTION audit_log_delete_anchored() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.seq > COALESCE((SELECT max(seq) FROM audit_anchors), 0) THEN
        RAISE EXCEPTION 'the audit log is append-only';
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_delete_anchored();

-- Purging reads old rows by their day or time.
CREATE INDEX device_events_at ON device_events (at);
CREATE INDEX lock_events_at ON lock_events (at);
CREATE INDEX lock_grants_expires ON lock_grants (expires);
CREATE INDEX visits_date ON visits (visit_date);
CREATE INDEX signings_delegation ON signings (delegation_id);

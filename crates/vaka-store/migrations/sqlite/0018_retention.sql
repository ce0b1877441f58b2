-- Retention (gallring): the table of how long each kind of record is kept, legal holds per
-- client, the purge runs, and the signed anchors from which a purged audit log's chain starts.

-- Days each kind of record is kept (vaka_domain::retention::RecordKind); a kind without a row
-- keeps its default.
CREATE TABLE retention_settings (
    kind       TEXT PRIMARY KEY NOT NULL,
    days       INTEGER NOT NULL CHECK (days > 0),
    changed_at INTEGER NOT NULL,
    changed_by BLOB REFERENCES users (id)
);

-- A legal hold keeps every record of a client from purging while it is in force.
CREATE TABLE legal_holds (
    id        BLOB PRIMARY KEY NOT NULL,
    client_id BLOB NOT NULL REFERENCES clients (id),
    reason    TEXT NOT NULL,
    placed_at INTEGER NOT NULL,
    placed_by BLOB NOT NULL REFERENCES users (id),
    lifted_at INTEGER,
    lifted_by BLOB REFERENCES users (id),
    CHECK ((lifted_at IS NULL) = (lifted_by IS NULL))
);
CREATE UNIQUE INDEX legal_holds_in_force ON legal_holds (client_id) WHERE lifted_at IS NULL;

-- Each purge: when it ran, who started it (NULL: the server's job) and what it removed (JSON).
CREATE TABLE purge_runs (
    id          BLOB PRIMARY KEY NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    started_by  BLOB REFERENCES users (id),
    report      TEXT
);
CREATE INDEX purge_runs_started ON purge_runs (started_at);

-- Where the audit chain starts after its oldest entries were purged: the last purged entry's
-- sequence number and hash, signed with the server's audit key (as a checkpoint is).
CREATE TABLE audit_anchors (
    seq       INTEGER PRIMARY KEY NOT NULL,
    hash      BLOB NOT NULL,
    at        INTEGER NOT NULL,
    key       BLOB NOT NULL,
    signature BLOB NOT NULL
);

-- Entries may now be deleted, but only at or below a recorded anchor (the purge writes the
-- anchor first). Everything above it stays append-only.
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    WHEN OLD.seq > COALESCE((SELECT max(seq) FROM audit_anchors), 0)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Purging reads old rows by their day or time.
CREATE INDEX device_events_at ON device_events (at);
CREATE INDEX lock_events_at ON lock_events (at);
CREATE INDEX lock_grants_expires ON lock_grants (expires);
CREATE INDEX signings_delegation ON signings (delegation_id);
CREATE INDEX visits_date ON visits (visit_date);

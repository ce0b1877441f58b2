-- Log review (loggranskning, HSLF-FS 2016:40 4 kap 9 §): each month, per unit, a review of the
-- month's access entries picked by rules and at random (vaka_domain::log_review), made by the
-- server's job and assigned to the unit's managers; reviews on request name a user or a
-- client and a reason. Each entry points at its audit entry by sequence number and keeps why
-- it was picked; the reviewer marks it OK or follow-up (with a note) and signs the review off.
-- An unsigned review past its due day is escalated once.
CREATE TABLE log_reviews (
    id                BLOB PRIMARY KEY NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('monthly', 'on_request')),
    unit_id           BLOB REFERENCES units (id),
    period_from       TEXT NOT NULL,
    period_to         TEXT NOT NULL,
    subject_user_id   BLOB REFERENCES users (id),
    subject_client_id BLOB REFERENCES clients (id),
    reason            TEXT,
    seed              INTEGER NOT NULL,
    created_by        BLOB REFERENCES users (id),
    created_at        INTEGER NOT NULL,
    due_on            TEXT NOT NULL,
    signed_by         BLOB REFERENCES users (id),
    signed_at         INTEGER,
    escalated_at      INTEGER,
    CHECK (period_to > period_from),
    CHECK (kind = 'on_request' OR unit_id IS NOT NULL)
);
-- One monthly review per unit and month: the job is idempotent.
CREATE UNIQUE INDEX log_reviews_monthly ON log_reviews (unit_id, period_from) WHERE kind = 'monthly';
CREATE INDEX log_reviews_open ON log_reviews (signed_at, due_on);

CREATE TABLE log_review_entries (
    review_id        BLOB NOT NULL REFERENCES log_reviews (id),
    audit_seq        INTEGER NOT NULL,
    rules            TEXT NOT NULL,
    distinct_clients INTEGER,
    mark             TEXT CHECK (mark IN ('ok', 'follow_up')),
    note             TEXT,
    marked_by        BLOB REFERENCES users (id),
    marked_at        INTEGER,
    PRIMARY KEY (review_id, audit_seq)
);

-- Log review (loggranskning, HSLF-FS 2016:40 4 kap 9 §): each month, per unit, a review of the
-- month's access entries picked by rules and at random (vaka_domain::log_review), made by the
-- server's job and assigned to the unit's managers; reviews on request name a user or a
-- client and a reason. Each entry points at its audit entry by sequence number and keeps why
-- it was picked; the reviewer marks it OK or follow-up (with a note) and signs the review off.
-- An unsigned review past its due day is escalated once.
CREATE TABLE log_reviews (
    id                UUID PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('monthly', 'on_request')),
    unit_id           UUID REFERENCES units (id),
    period_from       DATE NOT NULL,
    period_to         DATE NOT NULL,
    subject_user_id   UUID REFERENCES users (id),
    subject_client_id UUID REFERENCES clients (id),
    reason            TEXT,
    seed              BIGINT NOT NULL,
    created_by        UUID REFERENCES users (id),
    created_at        TIMESTAMPTZ NOT NULL,
    due_on            DATE NOT NULL,
    signed_by         UUID REFERENCES users (id),
    signed_at         TIMESTAMPTZ,
    escalated_at      TIMESTAMPTZ,
    CHECK (period_to > period_from),
    CHECK (kind = 'on_request' OR unit_id IS NOT NULL)
);
-- One monthly review per unit and month: the job is idempotent.
CREATE UNIQUE INDEX log_reviews_monthly ON log_reviews (unit_id, period_from) WHERE kind = 'monthly';
CREATE INDEX log_reviews_open ON log_reviews (signed_at, due_on);

CREATE TABLE log_review_entries (
    review_id        UUID NOT NULL REFERENCES log_reviews (id),
    audit_seq        BIGINT NOT NULL,
    rules            TEXT NOT NULL,
    distinct_clients BIGINT,
    mark             TEXT CHECK (mark IN ('ok', 'follow_up')),
    note             TEXT,
    marked_by        UUID REFERENCES users (id),
    marked_at        TIMESTAMPTZ,
    PRIMARY KEY (review_id, audit_seq)
);

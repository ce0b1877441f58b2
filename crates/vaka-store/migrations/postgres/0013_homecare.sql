-- Home care: the tasks a home-care decision grants, visit plans, visits as the staff app
-- registers them (with the outbox records that made them, for idempotent syncs), corrections,
-- the week's confirmation and approval, and each provider's lock date.
-- Dates are DATE, local times TEXT 'HH:MM', instants TIMESTAMPTZ.

CREATE TABLE decision_tasks (
    decision_id UUID NOT NULL REFERENCES decisions (id),
    task        TEXT NOT NULL,
    minutes     BIGINT NOT NULL,
    per         TEXT NOT NULL,
    PRIMARY KEY (decision_id, task)
);

CREATE TABLE visit_plans (
    id               UUID PRIMARY KEY,
    client_id        UUID NOT NULL REFERENCES clients (id),
    decision_id      UUID NOT NULL REFERENCES decisions (id),
    unit_id          UUID NOT NULL REFERENCES units (id),
    weekdays         TEXT NOT NULL,
    window_from      TEXT NOT NULL,
    window_to        TEXT NOT NULL,
    tasks            TEXT NOT NULL,
    expected_minutes BIGINT NOT NULL,
    valid_from       DATE NOT NULL,
    valid_to         DATE,
    ended_on         DATE,
    created_by       UUID NOT NULL REFERENCES users (id),
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX visit_plans_unit ON visit_plans (unit_id);
CREATE INDEX visit_plans_client ON visit_plans (client_id);

CREATE TABLE visits (
    id                  UUID PRIMARY KEY,
    client_id           UUID NOT NULL REFERENCES clients (id),
    unit_id             UUID NOT NULL REFERENCES units (id),
    worker              UUID NOT NULL REFERENCES users (id),
    plan_id             UUID REFERENCES visit_plans (id),
    visit_date          DATE NOT NULL,
    kind                TEXT NOT NULL,
    started_at          TIMESTAMPTZ NOT NULL,
    start_device_time   TIMESTAMPTZ NOT NULL,
    start_received_at   TIMESTAMPTZ NOT NULL,
    start_evidence      TEXT NOT NULL,
    start_tag           UUID REFERENCES devices (id),
    start_manual_reason TEXT,
    start_late          BOOLEAN NOT NULL,
    start_skew          BOOLEAN NOT NULL,
    ended_at            TIMESTAMPTZ,
    end_device_time     TIMESTAMPTZ,
    end_received_at     TIMESTAMPTZ,
    end_evidence        TEXT,
    end_tag             UUID REFERENCES devices (id),
    end_manual_reason   TEXT,
    end_late            BOOLEAN NOT NULL,
    end_skew            BOOLEAN NOT NULL,
    tasks_done          TEXT NOT NULL,
    note                TEXT,
    corrected           BOOLEAN NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX visits_unit_date ON visits (unit_id, visit_date);
CREATE INDEX visits_client_date ON visits (client_id, visit_date);
CREATE INDEX visits_worker_date ON visits (worker, visit_date);
CREATE INDEX visits_plan_date ON visits (plan_id, visit_date);

-- One row per outbox record stored: a record synced again is recognised by its id.
CREATE TABLE visit_records (
    id          UUID PRIMARY KEY,
    visit_id    UUID NOT NULL REFERENCES visits (id),
    device      TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    device_time TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    worker      UUID NOT NULL REFERENCES users (id)
);
CREATE INDEX visit_records_visit ON visit_records (visit_id);

CREATE TABLE visit_corrections (
    id           UUID PRIMARY KEY,
    visit_id     UUID NOT NULL REFERENCES visits (id),
    field        TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    reason       TEXT NOT NULL,
    text         TEXT NOT NULL,
    corrected_by UUID NOT NULL REFERENCES users (id),
    corrected_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX visit_corrections_visit ON visit_corrections (visit_id, corrected_at);

CREATE TABLE visit_week_confirmations (
    worker       UUID NOT NULL REFERENCES users (id),
    week_start   DATE NOT NULL,
    confirmed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (worker, week_start)
);

CREATE TABLE visit_week_approvals (
    unit_id     UUID NOT NULL REFERENCES units (id),
    week_start  DATE NOT NULL,
    approved_by UUID NOT NULL REFERENCES users (id),
    approved_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (unit_id, week_start)
);

CREATE TABLE visit_locks (
    organisation_id UUID PRIMARY KEY REFERENCES organisations (id),
    locked_through  DATE NOT NULL,
    set_by          UUID NOT NULL REFERENCES users (id),
    set_at          TIMESTAMPTZ NOT NULL
);

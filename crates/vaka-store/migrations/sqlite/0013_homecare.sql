-- Home care: the tasks a home-care decision grants, visit plans, visits as the staff app
-- registers them (with the outbox records that made them, for idempotent syncs), corrections,
-- the week's confirmation and approval, and each provider's lock date.
-- Dates are TEXT 'YYYY-MM-DD', local times TEXT 'HH:MM', instants INTEGER microseconds.

CREATE TABLE decision_tasks (
    decision_id BLOB NOT NULL REFERENCES decisions (id),
    task        TEXT NOT NULL,
    minutes     INTEGER NOT NULL,
    per         TEXT NOT NULL,
    PRIMARY KEY (decision_id, task)
);

CREATE TABLE visit_plans (
    id               BLOB PRIMARY KEY NOT NULL,
    client_id        BLOB NOT NULL REFERENCES clients (id),
    decision_id      BLOB NOT NULL REFERENCES decisions (id),
    unit_id          BLOB NOT NULL REFERENCES units (id),
    weekdays         TEXT NOT NULL,
    window_from      TEXT NOT NULL,
    window_to        TEXT NOT NULL,
    tasks            TEXT NOT NULL,
    expected_minutes INTEGER NOT NULL,
    valid_from       TEXT NOT NULL,
    valid_to         TEXT,
    ended_on         TEXT,
    created_by       BLOB NOT NULL REFERENCES users (id),
    created_at       INTEGER NOT NULL
);
CREATE INDEX visit_plans_unit ON visit_plans (unit_id);
CREATE INDEX visit_plans_client ON visit_plans (client_id);

CREATE TABLE visits (
    id                  BLOB PRIMARY KEY NOT NULL,
    client_id           BLOB NOT NULL REFERENCES clients (id),
    unit_id             BLOB NOT NULL REFERENCES units (id),
    worker              BLOB NOT NULL REFERENCES users (id),
    plan_id             BLOB REFERENCES visit_plans (id),
    visit_date          TEXT NOT NULL,
    kind                TEXT NOT NULL,
    started_at          INTEGER NOT NULL,
    start_device_time   INTEGER NOT NULL,
    start_received_at   INTEGER NOT NULL,
    start_evidence      TEXT NOT NULL,
    start_tag           BLOB REFERENCES devices (id),
    start_manual_reason TEXT,
    start_late          BOOLEAN NOT NULL,
    start_skew          BOOLEAN NOT NULL,
    ended_at            INTEGER,
    end_device_time     INTEGER,
    end_received_at     INTEGER,
    end_evidence        TEXT,
    end_tag             BLOB REFERENCES devices (id),
    end_manual_reason   TEXT,
    end_late            BOOLEAN NOT NULL,
    end_skew            BOOLEAN NOT NULL,
    tasks_done          TEXT NOT NULL,
    note                TEXT,
    corrected           BOOLEAN NOT NULL,
    created_at          INTEGER NOT NULL
);
CREATE INDEX visits_unit_date ON visits (unit_id, visit_date);
CREATE INDEX visits_client_date ON visits (client_id, visit_date);
CREATE INDEX visits_worker_date ON visits (worker, visit_date);
CREATE INDEX visits_plan_date ON visits (plan_id, visit_date);

-- One row per outbox record stored: a record synced again is recognised by its id.
CREATE TABLE visit_records (
    id          BLOB PRIMARY KEY NOT NULL,
    visit_id    BLOB NOT NULL REFERENCES visits (id),
    device      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    device_time INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    worker      BLOB NOT NULL REFERENCES users (id)
);
CREATE INDEX visit_records_visit ON visit_records (visit_id);

CREATE TABLE visit_corrections (
    id           BLOB PRIMARY KEY NOT NULL,
    visit_id     BLOB NOT NULL REFERENCES visits (id),
    field        TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    reason       TEXT NOT NULL,
    text         TEXT NOT NULL,
    corrected_by BLOB NOT NULL REFERENCES users (id),
    corrected_at INTEGER NOT NULL
);
CREATE INDEX visit_corrections_visit ON visit_corrections (visit_id, corrected_at);

CREATE TABLE visit_week_confirmations (
    worker       BLOB NOT NULL REFERENCES users (id),
    week_start   TEXT NOT NULL,
    confirmed_at INTEGER NOT NULL,
    PRIMARY KEY (worker, week_start)
);

CREATE TABLE visit_week_approvals (
    unit_id     BLOB NOT NULL REFERENCES units (id),
    week_start  TEXT NOT NULL,
    approved_by BLOB NOT NULL REFERENCES users (id),
    approved_at INTEGER NOT NULL,
    PRIMARY KEY (unit_id, week_start)
);

CREATE TABLE visit_locks (
    organisation_id BLOB PRIMARY KEY NOT NULL REFERENCES organisations (id),
    locked_through  TEXT NOT NULL,
    set_by          BLOB NOT NULL REFERENCES users (id),
    set_at          INTEGER NOT NULL
);

-- Nightly rounds: one row per planned supervision of a night (a look-in or a visit).
CREATE TABLE supervision_tasks (
    id            UUID PRIMARY KEY,
    client_id     UUID NOT NULL REFERENCES clients (id),
    night         DATE NOT NULL,
    kind          TEXT NOT NULL,
    planned_time  TEXT NOT NULL,
    due           TIMESTAMPTZ NOT NULL,
    opens         TIMESTAMPTZ NOT NULL,
    closes        TIMESTAMPTZ NOT NULL,
    dst           TEXT,
    state         TEXT NOT NULL,
    -- recheck_due: when the re-check opens; recheck_open and looked_in: when the re-check closes.
    state_at      TIMESTAMPTZ,
    -- escalated: not_visible_twice or deviation.
    state_reason  TEXT,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (client_id, night, kind, due)
);
CREATE INDEX supervision_tasks_night ON supervision_tasks (night, due);

-- Staff sent to a client's home (or the client phoned first) because of a task.
CREATE TABLE dispatches (
    id               UUID PRIMARY KEY,
    task_id          UUID NOT NULL UNIQUE REFERENCES supervision_tasks (id),
    client_id        UUID NOT NULL REFERENCES clients (id),
    cause            TEXT NOT NULL,
    phone_first      BOOLEAN NOT NULL,
    alert_supervisor BOOLEAN NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    closed_at        TIMESTAMPTZ
);
CREATE INDEX dispatches_open ON dispatches (closed_at, created_at);

-- Nightly rounds: one row per planned supervision of a night (a look-in or a visit).
CREATE TABLE supervision_tasks (
    id            BLOB PRIMARY KEY NOT NULL,
    client_id     BLOB NOT NULL REFERENCES clients (id),
    night         TEXT NOT NULL,
    kind          TEXT NOT NULL,
    planned_time  TEXT NOT NULL,
    due           INTEGER NOT NULL,
    opens         INTEGER NOT NULL,
    closes        INTEGER NOT NULL,
    dst           TEXT,
    state         TEXT NOT NULL,
    -- recheck_due: when the re-check opens; recheck_open and looked_in: when the re-check closes.
    state_at      INTEGER,
    -- escalated: not_visible_twice or deviation.
    state_reason  TEXT,
    updated_at    INTEGER NOT NULL,
    UNIQUE (client_id, night, kind, due)
);
CREATE INDEX supervision_tasks_night ON supervision_tasks (night, due);

-- Staff sent to a client's home (or the client phoned first) because of a task.
CREATE TABLE dispatches (
    id               BLOB PRIMARY KEY NOT NULL,
    task_id          BLOB NOT NULL UNIQUE REFERENCES supervision_tasks (id),
    client_id        BLOB NOT NULL REFERENCES clients (id),
    cause            TEXT NOT NULL,
    phone_first      INTEGER NOT NULL,
    alert_supervisor INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    closed_at        INTEGER
);
CREATE INDEX dispatches_open ON dispatches (closed_at, created_at);

-- The responder's work on a dispatch, and the response target it is measured against.
ALTER TABLE dispatches ADD COLUMN status TEXT NOT NULL DEFAULT 'new';
ALTER TABLE dispatches ADD COLUMN response_target_minutes INTEGER NOT NULL DEFAULT 45;
ALTER TABLE dispatches ADD COLUMN responder_id BLOB REFERENCES users (id);
ALTER TABLE dispatches ADD COLUMN acknowledged_at INTEGER;
ALTER TABLE dispatches ADD COLUMN on_way_at INTEGER;
ALTER TABLE dispatches ADD COLUMN arrived_at INTEGER;
ALTER TABLE dispatches ADD COLUMN close_note TEXT;
-- What was seen that sent staff (the operator's or the visitor's note on a deviation).
ALTER TABLE dispatches ADD COLUMN note TEXT;
CREATE INDEX dispatches_client ON dispatches (client_id, created_at);

-- The look-in log: who looked through which camera, when and for how long, and what they saw.
-- No image is ever stored.
CREATE TABLE look_ins (
    id            BLOB PRIMARY KEY NOT NULL,
    task_id       BLOB NOT NULL REFERENCES supervision_tasks (id),
    client_id     BLOB NOT NULL REFERENCES clients (id),
    device_id     BLOB NOT NULL REFERENCES devices (id),
    operator_id   BLOB NOT NULL REFERENCES users (id),
    started_at    INTEGER NOT NULL,
    ended_at      INTEGER,
    limit_seconds INTEGER NOT NULL,
    recheck       INTEGER NOT NULL,
    outcome       TEXT,
    note          TEXT
);
CREATE INDEX look_ins_task ON look_ins (task_id, started_at);
CREATE INDEX look_ins_client ON look_ins (client_id, started_at);

-- The responder's work on a dispatch, and the response target it is measured against.
ALTER TABLE dispatches ADD COLUMN status TEXT NOT NULL DEFAULT 'new';
ALTER TABLE dispatches ADD COLUMN response_target_minutes BIGINT NOT NULL DEFAULT 45;
ALTER TABLE dispatches ADD COLUMN responder_id UUID REFERENCES users (id);
ALTER TABLE dispatches ADD COLUMN acknowledged_at TIMESTAMPTZ;
ALTER TABLE dispatches ADD COLUMN on_way_at TIMESTAMPTZ;
ALTER TABLE dispatches ADD COLUMN arrived_at TIMESTAMPTZ;
ALTER TABLE dispatches ADD COLUMN close_note TEXT;
-- What was seen that sent staff (the operator's or the visitor's note on a deviation).
ALTER TABLE dispatches ADD COLUMN note TEXT;
CREATE INDEX dispatches_client ON dispatches (client_id, created_at);

-- The look-in log: who looked through which camera, when and for how long, and what they saw.
-- No image is ever stored.
CREATE TABLE look_ins (
    id            UUID PRIMARY KEY,
    task_id       UUID NOT NULL REFERENCES supervision_tasks (id),
    client_id     UUID NOT NULL REFERENCES clients (id),
    device_id     UUID NOT NULL REFERENCES devices (id),
    operator_id   UUID NOT NULL REFERENCES users (id),
    started_at    TIMESTAMPTZ NOT NULL,
    ended_at      TIMESTAMPTZ,
    limit_seconds BIGINT NOT NULL,
    recheck       BOOLEAN NOT NULL,
    outcome       TEXT,
    note          TEXT
);
CREATE INDEX look_ins_task ON look_ins (task_id, started_at);
CREATE INDEX look_ins_client ON look_ins (client_id, started_at);

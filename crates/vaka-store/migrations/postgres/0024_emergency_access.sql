-- Emergency access (nödåtkomst): a user outside a client's need-to-know opened the client's
-- record, with a reason, for at most an hour. The audit entries it produced are flagged; this
-- row keeps the reason and the hour. Purged with the audit log.
CREATE TABLE emergency_access (
    id        UUID PRIMARY KEY NOT NULL,
    user_id   UUID NOT NULL REFERENCES users (id),
    client_id UUID NOT NULL REFERENCES clients (id),
    reason    TEXT NOT NULL CHECK (length(reason) > 0),
    opened_at TIMESTAMPTZ NOT NULL,
    ends_at   TIMESTAMPTZ NOT NULL,
    CHECK (ends_at >= opened_at)
);
CREATE INDEX emergency_access_user ON emergency_access (user_id, client_id, ends_at);
CREATE INDEX emergency_access_client ON emergency_access (client_id, opened_at);
CREATE INDEX emergency_access_ends ON emergency_access (ends_at);

-- Purging an alarm message checks that no alarm still points at it (the foreign key): without an
-- index on the pointing column each deleted message scanned every alarm (1.5 s for ten messages
-- among two million alarms, found by scripts/bench purge).
CREATE INDEX alarms_message ON alarms (message_id);

-- The alarm receivers' duplicate keys, shared by every node on the database (issue 19): a
-- message's (account, seq, fingerprint) is claimed in the group commit that stores it, fresh for
-- the receiver's dedupe window from its receipt. A resend that reaches another node, whose
-- memory does not hold the key, finds it still fresh and is not stored again (the batch is
-- refused and rolled back; that node reloads its memory and acknowledges the resend as a
-- duplicate). A stale key is taken over by the next message with it. Expired keys are deleted by
-- the alarm jobs. A key holds nothing its message (kept far longer) does not: no retention kind.
CREATE TABLE alarm_message_keys (
    account     TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    fingerprint INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    fresh_until INTEGER NOT NULL,
    PRIMARY KEY (account, seq, fingerprint)
);
CREATE INDEX alarm_message_keys_fresh ON alarm_message_keys (fresh_until);

-- Nights a supervised client was left without supervision because their decision or consent
-- had lapsed: found when the night is planned, so that the unit manager is told the same day.
CREATE TABLE supervision_lapses (
    client_id   BLOB NOT NULL REFERENCES clients (id),
    night       TEXT NOT NULL,
    cause       TEXT NOT NULL CHECK (cause IN ('decision', 'consent')),
    detected_at INTEGER NOT NULL,
    PRIMARY KEY (client_id, night)
);
CREATE INDEX supervision_lapses_night ON supervision_lapses (night);

-- The municipality's operating routines (seeds 002, 003). Planned-downtime notices, published
-- at least 7 days ahead inside the agreed window (the rule is vaka_domain::operations), to the
-- organisations they name (none named: every provider and alarm centre); each such
-- organisation's contact person acknowledges a notice once. Unplanned outage reports, routed
-- by the hour they were made (weekdays 08–17 the municipality's IT, else the nurse on duty),
-- open until the municipality marks them resolved. Each provider's contact persons, confirmed yearly.
CREATE TABLE downtime_notices (
    id           BLOB PRIMARY KEY NOT NULL,
    title        TEXT NOT NULL,
    details      TEXT NOT NULL,
    starts_at    INTEGER NOT NULL,
    ends_at      INTEGER NOT NULL,
    published_by BLOB NOT NULL REFERENCES users (id),
    published_at INTEGER NOT NULL,
    cancelled_by BLOB REFERENCES users (id),
    cancelled_at INTEGER,
    CHECK (ends_at > starts_at)
);
CREATE INDEX downtime_notices_ends ON downtime_notices (ends_at);

CREATE TABLE downtime_notice_organisations (
    notice_id       BLOB NOT NULL REFERENCES downtime_notices (id),
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (notice_id, organisation_id)
);

CREATE TABLE downtime_acknowledgements (
    notice_id       BLOB NOT NULL REFERENCES downtime_notices (id),
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    user_id         BLOB NOT NULL REFERENCES users (id),
    acknowledged_at INTEGER NOT NULL,
    PRIMARY KEY (notice_id, organisation_id)
);

CREATE TABLE outage_reports (
    id              BLOB PRIMARY KEY NOT NULL,
    what            TEXT NOT NULL,
    reported_by     BLOB NOT NULL REFERENCES users (id),
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    reported_at     INTEGER NOT NULL,
    route           TEXT NOT NULL CHECK (route IN ('municipal_it', 'nurse_on_duty')),
    status          TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    resolved_by     BLOB REFERENCES users (id),
    resolved_at     INTEGER,
    resolution      TEXT
);
CREATE INDEX outage_reports_status ON outage_reports (status, reported_at);

-- Each provider's (and alarm centre's) contact persons: a technical contact and an IT contact,
-- confirmed as current once a year (naming one confirms it).
CREATE TABLE provider_contacts (
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    kind            TEXT NOT NULL CHECK (kind IN ('technical', 'it')),
    name            TEXT NOT NULL,
    phone           TEXT NOT NULL,
    email           TEXT NOT NULL,
    confirmed_by    BLOB NOT NULL REFERENCES users (id),
    confirmed_at    INTEGER NOT NULL,
    PRIMARY KEY (organisation_id, kind)
);

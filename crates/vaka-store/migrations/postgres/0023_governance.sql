-- The management plan as data (seeds 000, 004; the rules are vaka_domain::governance): the
-- management organisation's roles held by user accounts; supplier contracts with their SLA,
-- notice period and yearly follow-up; the information classification per type (KLASSA); the
-- yearly activity plan's duties (their due dates are computed, only sign-offs are stored);
-- incident reports to the system owner and the information security coordinator; fault
-- reports to suppliers.
CREATE TABLE governance_assignments (
    id          UUID PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('system_owner', 'system_manager',
                    'system_administrator', 'data_protection_officer',
                    'information_security_coordinator')),
    user_id     UUID NOT NULL REFERENCES users (id),
    from_date   DATE NOT NULL,
    until_date  DATE,
    assigned_by UUID REFERENCES users (id),
    assigned_at TIMESTAMPTZ NOT NULL,
    ended_by    UUID REFERENCES users (id),
    ended_at    TIMESTAMPTZ,
    CHECK (until_date IS NULL OR until_date >= from_date)
);
CREATE INDEX governance_assignments_role ON governance_assignments (role, from_date);

CREATE TABLE supplier_contracts (
    id                UUID PRIMARY KEY,
    supplier          TEXT NOT NULL,
    subject           TEXT NOT NULL,
    reference         TEXT NOT NULL,
    starts_on         DATE NOT NULL,
    ends_on           DATE,
    notice_months     INTEGER NOT NULL CHECK (notice_months >= 0),
    availability      INTEGER CHECK (availability IS NULL OR availability BETWEEN 0 AND 1000),
    response_terms    TEXT NOT NULL,
    next_follow_up    DATE NOT NULL,
    followed_up_at    TIMESTAMPTZ,
    followed_up_by    UUID REFERENCES users (id),
    follow_up_note    TEXT,
    saved_by          UUID REFERENCES users (id),
    saved_at          TIMESTAMPTZ NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);

CREATE TABLE information_classes (
    info_type       TEXT PRIMARY KEY NOT NULL,
    confidentiality TEXT NOT NULL,
    integrity       TEXT NOT NULL,
    availability    TEXT NOT NULL,
    traceability    TEXT NOT NULL,
    set_by          UUID REFERENCES users (id),
    set_at          TIMESTAMPTZ
);
-- Seed 004 §1.3: "All verksamhetsdata i systemet — Allvarlig" in all four aspects.
INSERT INTO information_classes (info_type, confidentiality, integrity, availability, traceability)
VALUES ('client_register', 'serious', 'serious', 'serious', 'serious'),
       ('decisions_and_consents', 'serious', 'serious', 'serious', 'serious'),
       ('supervision', 'serious', 'serious', 'serious', 'serious'),
       ('alarms', 'serious', 'serious', 'serious', 'serious'),
       ('device_events', 'serious', 'serious', 'serious', 'serious'),
       ('technical_checks', 'serious', 'serious', 'serious', 'serious'),
       ('visits', 'serious', 'serious', 'serious', 'serious'),
       ('lock_events', 'serious', 'serious', 'serious', 'serious'),
       ('signings', 'serious', 'serious', 'serious', 'serious'),
       ('delegations', 'serious', 'serious', 'serious', 'serious'),
       ('audit_log', 'serious', 'serious', 'serious', 'serious'),
       ('directory', 'serious', 'serious', 'serious', 'serious');

-- The duties of the activity plan (årshjul); `code` names the seeded ones.
CREATE TABLE governance_duties (
    id               UUID PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    recurrence       TEXT NOT NULL CHECK (recurrence IN ('monthly', 'quarterly', 'yearly')),
    due_month        INTEGER NOT NULL,
    due_day          INTEGER NOT NULL CHECK (due_day BETWEEN 1 AND 31),
    responsible_role TEXT NOT NULL,
    starts_on        DATE NOT NULL
);
INSERT INTO governance_duties (id, code, recurrence, due_month, due_day, responsible_role, starts_on)
VALUES ('00000000-0000-4000-8000-00000000d001', 'log_review', 'monthly', 1, 10, 'system_manager', '2026-01-01'),
       ('00000000-0000-4000-8000-00000000d002', 'decisions_not_carried_out', 'quarterly', 1, 31, 'system_owner', '2026-01-01'),
       ('00000000-0000-4000-8000-00000000d003', 'yearly_follow_up', 'yearly', 11, 30, 'system_manager', '2026-01-01');

CREATE TABLE duty_sign_offs (
    duty_id   UUID NOT NULL REFERENCES governance_duties (id),
    due_on    DATE NOT NULL,
    signed_by UUID NOT NULL REFERENCES users (id),
    signed_at TIMESTAMPTZ NOT NULL,
    note      TEXT NOT NULL,
    PRIMARY KEY (duty_id, due_on)
);

CREATE TABLE incident_reports (
    id              UUID PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('information_security', 'patient_safety')),
    what            TEXT NOT NULL,
    occurred_at     TIMESTAMPTZ NOT NULL,
    reported_by     UUID NOT NULL REFERENCES users (id),
    reported_at     TIMESTAMPTZ NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('new', 'investigating', 'closed')),
    investigating_at TIMESTAMPTZ,
    closed_at       TIMESTAMPTZ
);
CREATE INDEX incident_reports_status ON incident_reports (status, reported_at);

-- Each status step of an incident with its note (the history the receivers keep).
CREATE TABLE incident_steps (
    incident_id UUID NOT NULL REFERENCES incident_reports (id),
    status      TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    by_user     UUID NOT NULL REFERENCES users (id),
    note        TEXT NOT NULL,
    PRIMARY KEY (incident_id, status)
);

CREATE TABLE fault_reports (
    id              UUID PRIMARY KEY,
    contract_id     UUID NOT NULL REFERENCES supplier_contracts (id),
    what            TEXT NOT NULL,
    reported_by     UUID NOT NULL REFERENCES users (id),
    reported_at     TIMESTAMPTZ NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('reported', 'acknowledged', 'resolved')),
    supplier_ref    TEXT NOT NULL,
    acknowledged_at TIMESTAMPTZ,
    resolved_at     TIMESTAMPTZ,
    resolution      TEXT NOT NULL
);
CREATE INDEX fault_reports_status ON fault_reports (status, reported_at);

-- Delegated health-care tasks and their signing (issue 16): licences, the municipality's task
-- types, delegations with their named clients and events, prescriptions, signings (keyed by the
-- id the staff app generates, so a repeated sync is recognised), deviations, each unit's
-- escalation ladder and the calls made for missed occasions.
-- Dates are TEXT 'YYYY-MM-DD', local times TEXT 'HH:MM', instants INTEGER microseconds.

-- A user's licence (legitimation): a user holds at most one.
CREATE TABLE licences (
    user_id        BLOB PRIMARY KEY NOT NULL REFERENCES users (id),
    profession     TEXT NOT NULL CHECK (profession IN ('nurse', 'occupational_therapist', 'physiotherapist')),
    licence_number TEXT NOT NULL,
    set_at         INTEGER NOT NULL
);

-- The municipality's coded list of delegable task types. `prescribers`: profession codes,
-- comma-separated.
CREATE TABLE task_types (
    code        TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    prescribers TEXT NOT NULL,
    medication  BOOLEAN NOT NULL,
    retired     BOOLEAN NOT NULL
);

-- A delegation: a period of local days, or one occasion (`valid_from` = `valid_to`, its day).
-- `competence_methods`: method codes, comma-separated; NULL with `competence_checked_on` when
-- no check is recorded yet.
-- `reminder_sent_at`: when the renewal reminder (30 days before the last day) was sent.
CREATE TABLE delegations (
    id                    BLOB PRIMARY KEY NOT NULL,
    task_type             TEXT NOT NULL REFERENCES task_types (code),
    delegator             BLOB NOT NULL REFERENCES users (id),
    recipient             BLOB NOT NULL REFERENCES users (id),
    unit_id               BLOB NOT NULL REFERENCES units (id),
    whole_unit            BOOLEAN NOT NULL,
    validity              TEXT NOT NULL CHECK (validity IN ('period', 'one_occasion')),
    valid_from            TEXT NOT NULL,
    valid_to              TEXT NOT NULL,
    competence_methods    TEXT,
    competence_checked_on TEXT,
    competence_note       TEXT,
    decided_at            INTEGER NOT NULL,
    delegator_signed_at   INTEGER,
    recipient_signed_at   INTEGER,
    reminder_sent_at      INTEGER,
    CHECK (delegator <> recipient),
    CHECK (valid_from <= valid_to),
    CHECK (validity = 'period' OR valid_from = valid_to),
    CHECK ((competence_methods IS NULL) = (competence_checked_on IS NULL))
);
CREATE INDEX delegations_recipient ON delegations (recipient, task_type, valid_to);
CREATE INDEX delegations_delegator ON delegations (delegator, valid_to);
CREATE INDEX delegations_unit ON delegations (unit_id, valid_to);
CREATE INDEX delegations_valid_to ON delegations (valid_to);

-- The named clients of a delegation that does not cover its whole unit.
CREATE TABLE delegation_clients (
    delegation_id BLOB NOT NULL REFERENCES delegations (id),
    client_id     BLOB NOT NULL REFERENCES clients (id),
    PRIMARY KEY (delegation_id, client_id)
);

-- What happened to a delegation after it was decided, in the order recorded (`seq`).
CREATE TABLE delegation_events (
    seq           INTEGER PRIMARY KEY NOT NULL,
    delegation_id BLOB NOT NULL REFERENCES delegations (id),
    kind          TEXT NOT NULL CHECK (kind IN ('revoked', 'left', 'changed_unit', 'leave', 'occasion_used')),
    at            INTEGER,
    party         TEXT CHECK (party IN ('delegator', 'recipient')),
    by_user       BLOB REFERENCES users (id),
    reason        TEXT CHECK (reason IN ('competence_doubt', 'not_done_properly', 'need_gone', 'staff_left', 'replaced', 'other')),
    note          TEXT,
    leave_from    TEXT,
    leave_to      TEXT,
    CHECK (kind <> 'revoked' OR (at IS NOT NULL AND by_user IS NOT NULL AND reason IS NOT NULL)),
    CHECK (kind NOT IN ('left', 'changed_unit') OR (at IS NOT NULL AND party IS NOT NULL)),
    CHECK (kind <> 'leave' OR (party IS NOT NULL AND leave_from IS NOT NULL)),
    CHECK (kind <> 'occasion_used' OR at IS NOT NULL),
    CHECK (leave_to IS NULL OR leave_to >= leave_from)
);
CREATE INDEX delegation_events_delegation ON delegation_events (delegation_id, seq);
-- Revoked once, used once, a party's leave from a day once.
CREATE UNIQUE INDEX delegation_events_revoked ON delegation_events (delegation_id) WHERE kind = 'revoked';
CREATE UNIQUE INDEX delegation_events_used ON delegation_events (delegation_id) WHERE kind = 'occasion_used';
CREATE UNIQUE INDEX delegation_events_leave ON delegation_events (delegation_id, party, leave_from) WHERE kind = 'leave';

-- A prescribed task of a client. `times`: local 'HH:MM', comma-separated, in order; empty for
-- an as-needed task.
CREATE TABLE prescriptions (
    id             BLOB PRIMARY KEY NOT NULL,
    client_id      BLOB NOT NULL REFERENCES clients (id),
    prescribed_by  BLOB NOT NULL REFERENCES users (id),
    task_type      TEXT NOT NULL REFERENCES task_types (code),
    instruction    TEXT NOT NULL,
    times          TEXT NOT NULL,
    as_needed      BOOLEAN NOT NULL,
    start_on       TEXT NOT NULL,
    end_on         TEXT,
    window_before  INTEGER NOT NULL CHECK (window_before >= 0),
    window_after   INTEGER NOT NULL CHECK (window_after >= 0),
    created_at     INTEGER NOT NULL,
    ended_on       TEXT,
    CHECK ((times = '') = as_needed),
    CHECK (end_on IS NULL OR end_on >= start_on)
);
CREATE INDEX prescriptions_client ON prescriptions (client_id, start_on);

-- A signing, under the id the staff app generated. A scheduled occasion is named by
-- (prescription, date, time) and signed once; an as-needed task has no time (signed as often as
-- needed), its date the local day it was signed. `draft_outcome` is what the app sent, `outcome`
-- what was recorded ("given" after the window is "given late").
CREATE TABLE signings (
    id               BLOB PRIMARY KEY NOT NULL,
    prescription_id  BLOB NOT NULL REFERENCES prescriptions (id),
    client_id        BLOB NOT NULL REFERENCES clients (id),
    occasion_date    TEXT NOT NULL,
    occasion_time    TEXT,
    signer           BLOB NOT NULL REFERENCES users (id),
    delegation_id    BLOB NOT NULL REFERENCES delegations (id),
    draft_outcome    TEXT NOT NULL,
    outcome          TEXT NOT NULL CHECK (outcome IN ('given', 'given_late', 'partly_given', 'not_given',
                         'cannot_take', 'sent_with_client', 'stock_count_wrong', 'as_needed_given')),
    not_given_reason TEXT CHECK (not_given_reason IN ('refused', 'not_at_home', 'in_hospital', 'other')),
    note             TEXT,
    late             BOOLEAN NOT NULL,
    flagged          BOOLEAN NOT NULL,
    signed_at        INTEGER NOT NULL,
    received_at      INTEGER NOT NULL,
    effect_note      TEXT,
    effect_noted_at  INTEGER,
    CHECK ((occasion_time IS NULL) = (outcome = 'as_needed_given')),
    CHECK ((not_given_reason IS NOT NULL) = (draft_outcome = 'not_given')),
    CHECK ((effect_note IS NULL) = (effect_noted_at IS NULL))
);
CREATE UNIQUE INDEX signings_occasion ON signings (prescription_id, occasion_date, occasion_time)
    WHERE occasion_time IS NOT NULL;
CREATE INDEX signings_client_date ON signings (client_id, occasion_date);
-- Covers the missed-signing scan's read of a day's signed occasions.
CREATE INDEX signings_date ON signings (occasion_date, prescription_id, occasion_time);
CREATE INDEX signings_prescription_date ON signings (prescription_id, occasion_date);

-- A deviation a signing opened, for the prescribing person to close with a note.
CREATE TABLE deviations (
    id              BLOB PRIMARY KEY NOT NULL,
    signing_id      BLOB NOT NULL UNIQUE REFERENCES signings (id),
    client_id       BLOB NOT NULL REFERENCES clients (id),
    prescription_id BLOB NOT NULL REFERENCES prescriptions (id),
    outcome         TEXT NOT NULL,
    assigned_to     BLOB NOT NULL REFERENCES users (id),
    opened_at       INTEGER NOT NULL,
    closed_by       BLOB REFERENCES users (id),
    closed_at       INTEGER,
    close_note      TEXT,
    CHECK ((closed_at IS NULL) = (closed_by IS NULL) AND (closed_at IS NULL) = (close_note IS NULL))
);
CREATE INDEX deviations_open_client ON deviations (client_id, opened_at) WHERE closed_at IS NULL;
CREATE INDEX deviations_open_assigned ON deviations (assigned_to, opened_at) WHERE closed_at IS NULL;

-- A unit's escalation ladder for missed signings, as JSON (vaka_domain's EscalationLadder).
CREATE TABLE escalation_ladders (
    unit_id BLOB PRIMARY KEY NOT NULL REFERENCES units (id),
    ladder  TEXT NOT NULL,
    set_by  BLOB NOT NULL REFERENCES users (id),
    set_at  INTEGER NOT NULL
);

-- Who was called for a missed occasion, at which step of the ladder: each person once per
-- occasion, so that a later scan does not call them again.
CREATE TABLE escalation_calls (
    prescription_id BLOB NOT NULL REFERENCES prescriptions (id),
    occasion_date   TEXT NOT NULL,
    occasion_time   TEXT NOT NULL,
    user_id         BLOB NOT NULL REFERENCES users (id),
    step            INTEGER NOT NULL CHECK (step >= 0),
    called_at       INTEGER NOT NULL,
    PRIMARY KEY (prescription_id, occasion_date, occasion_time, user_id)
);
CREATE INDEX escalation_calls_date ON escalation_calls (occasion_date);

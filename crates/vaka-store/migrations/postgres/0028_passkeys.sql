-- Passkeys (WebAuthn credentials) as a second factor beside TOTP. `passkey` is webauthn-rs's
-- own record of the credential as JSON (public key, signature counter, backup state): a public
-- key, nothing secret. `credential_id` is kept apart so that one authenticator's credential is
-- enrolled once across all accounts.
CREATE TABLE passkeys (
    id            UUID PRIMARY KEY,
    user_id       UUID NOT NULL REFERENCES users (id),
    name          TEXT NOT NULL,
    credential_id BYTEA NOT NULL UNIQUE,
    passkey       TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ
);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- A passkey ceremony under way (adding a passkey, or proving one at the login or a step-up):
-- webauthn-rs's state of it as JSON, bound to the session that started it. The answer takes
-- the row (single use), so any node can finish a ceremony another started; a row left by an
-- abandoned ceremony is deleted once expired.
CREATE TABLE passkey_challenges (
    id          UUID PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users (id),
    session_id  UUID NOT NULL,
    purpose     TEXT NOT NULL,
    state       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX passkey_challenges_expires ON passkey_challenges (expires_at);
CREATE INDEX passkey_challenges_user ON passkey_challenges (user_id);

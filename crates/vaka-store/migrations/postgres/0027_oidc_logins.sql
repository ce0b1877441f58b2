-- Logins through an OpenID Connect provider (SITHS eID) under way, between the redirect to the
-- provider and the browser's return. Kept here, not in a server's memory, so that any node can
-- finish the login; each row is taken (deleted) by the return that names its state, so a
-- replayed state finds nothing, and expires after ten minutes. The state is stored as its
-- SHA-256 only; the nonce and the PKCE verifier are of no use without the provider's code.
CREATE TABLE oidc_logins (
    state_hash    BYTEA PRIMARY KEY,
    provider      TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path     TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX oidc_logins_expiry ON oidc_logins (expires_at);

-- A step-up at the identity provider: a logged-in person proves a fresh second factor by
-- authenticating at the provider again (`prompt=login`, `max_age=0`), for a sensitive action.
-- The login under way then names the session it renews; its return must come in that session,
-- for the account that session is, with an `auth_time` after `created_at`. (Not a foreign key,
-- as with the passkey challenges: a session ended meanwhile simply fails the check.)
ALTER TABLE oidc_logins ADD COLUMN step_up_session UUID;

-- When a session last proved its second factor: the sensitive actions (renewing recovery codes,
-- changing the password, resetting a second factor, creating an API token) need a fresh one.
-- Sessions from before have none, and so prove it again before such an action.
ALTER TABLE sessions ADD COLUMN second_factor_at INTEGER;

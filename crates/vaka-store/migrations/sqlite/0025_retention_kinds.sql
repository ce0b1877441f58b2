-- Retention of ended clients and deactivated accounts (vaka_domain::retention).
--
-- A deactivated account is pseudonymised, not deleted (records kept longer point at it): the
-- time it was is kept here, so that it is done once and never undone by a reactivation.
ALTER TABLE users ADD COLUMN pseudonymised_at INTEGER;

-- Whether a signing still names an account (the account keeps its name while one does).
CREATE INDEX signings_signer ON signings (signer);

-- Whether a device event still names an ended client (the client is kept while one does).
CREATE INDEX device_events_client ON device_events (client_id);

-- Whether a delegation still names an ended client.
CREATE INDEX delegation_clients_client ON delegation_clients (client_id);

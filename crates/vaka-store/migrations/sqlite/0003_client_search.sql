-- Client search: the name index carries the id too, so that a search by a prefix of the name
-- (and the list without a search) reads the index in the order shown, (name_key, id), and stops
-- at the page size instead of sorting every match.
DROP INDEX clients_name_key;
CREATE INDEX clients_name_key ON clients (name_key, id);

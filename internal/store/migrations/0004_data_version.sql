-- accesswatch schema, version 4: the domain-data version.
--
-- One row whose number goes up in the same transaction as every write to
-- the data the public sees (countries, organisations, records, events and
-- their sources, imports, the seed), and never for accounts, sessions or
-- failed logins. Page caches and the metrics snapshot key on it, and a
-- process notices another's writes by reading it (store.Generation).
CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL CHECK (version >= 0)
) STRICT;
INSERT INTO data_version (id, version) VALUES (1, 0);

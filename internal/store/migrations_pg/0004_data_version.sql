-- accesswatch schema for PostgreSQL, version 4: the twin of
-- migrations/0004_data_version.sql, plus a notification: every change of
-- the counter is announced on the channel accesswatch_data_version when its
-- transaction commits, so that other instances' page caches and metrics
-- snapshots follow at once (store.listen) instead of at their next poll.
CREATE TABLE data_version (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL CHECK (version >= 0)
);
INSERT INTO data_version (id, version) VALUES (1, 0);

CREATE FUNCTION aw_notify_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('accesswatch_data_version', NEW.version::text);
    RETURN NULL;
END $$;
CREATE TRIGGER data_version_notify AFTER UPDATE ON data_version
FOR EACH ROW EXECUTE FUNCTION aw_notify_data_version();

-- accesswatch schema for PostgreSQL, version 6: the twin of
-- migrations/0006_verification.sql (archived source copies, the private
-- editor's note, verifications, the events awaiting a second editor and
-- the events no public read may show).
ALTER TABLE event_sources ADD COLUMN archived_url TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN note TEXT COLLATE "C" NOT NULL DEFAULT '';

CREATE TABLE event_verifications (
    event_id BIGINT PRIMARY KEY REFERENCES events (id),
    actor    TEXT COLLATE "C" NOT NULL,
    at       TEXT COLLATE "C" NOT NULL,
    reason   TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE TRIGGER event_verifications_append_only BEFORE UPDATE OR DELETE ON event_verifications
FOR EACH ROW EXECUTE FUNCTION aw_append_only('verifications are append-only');

CREATE TABLE awaiting_verification (
    event_id BIGINT PRIMARY KEY REFERENCES events (id)
);

CREATE TABLE private_events (
    event_id BIGINT PRIMARY KEY REFERENCES events (id)
);
ALTER TABLE records ADD COLUMN private BIGINT NOT NULL DEFAULT 0 CHECK (private IN (0, 1));

-- accesswatch schema for PostgreSQL, version 5: the twin of
-- migrations/0005_true_record.sql (people affected, until, supersedes,
-- corrections, a record's stated end and latest event).
ALTER TABLE events ADD COLUMN people_affected BIGINT CHECK (people_affected >= 0);
ALTER TABLE events ADD COLUMN until TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN supersedes BIGINT NOT NULL DEFAULT 0;

CREATE TABLE event_corrections (
    event_id   BIGINT PRIMARY KEY REFERENCES events (id),
    kind       TEXT COLLATE "C" NOT NULL CHECK (kind IN ('retracted', 'superseded')),
    by_event   BIGINT NOT NULL DEFAULT 0,
    reason     TEXT COLLATE "C" NOT NULL,
    actor      TEXT COLLATE "C" NOT NULL,
    at         TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER event_corrections_append_only BEFORE UPDATE OR DELETE ON event_corrections
FOR EACH ROW EXECUTE FUNCTION aw_append_only('corrections are append-only');

ALTER TABLE records ADD COLUMN status_until TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN status_until_kind TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN measure_ends TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN latest_event TEXT COLLATE "C" NOT NULL DEFAULT '';

-- (SQLite's version 5 also recomputed existing rows; a PostgreSQL database
-- is new at this version, so there is nothing to recompute.)

CREATE INDEX events_entered ON events (entered_at, id);

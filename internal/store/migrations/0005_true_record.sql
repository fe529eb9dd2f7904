-- accesswatch schema, version 5: a true record.
--
-- Events: the people an event itself affected (kept apart from the
-- organisation's reach, which alone sets a record's reach), the stated end
-- or deadline of a measure, and the event a correction supersedes.
ALTER TABLE events ADD COLUMN people_affected INTEGER CHECK (people_affected >= 0);
ALTER TABLE events ADD COLUMN until TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN supersedes INTEGER NOT NULL DEFAULT 0;

-- Retractions and supersessions. Events stay append-only: a correction is a
-- row here (at most one per event), never an edit of the event. A corrected
-- event counts for nothing (status, reach, trends, metrics) but stays
-- readable on the timeline with when, why and by whom it was corrected.
CREATE TABLE event_corrections (
    event_id   INTEGER PRIMARY KEY REFERENCES events (id),
    kind       TEXT NOT NULL CHECK (kind IN ('retracted', 'superseded')),
    by_event   INTEGER NOT NULL DEFAULT 0,
    reason     TEXT NOT NULL,
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL
) STRICT;
CREATE TRIGGER event_corrections_append_only BEFORE UPDATE ON event_corrections
BEGIN
    SELECT RAISE(ABORT, 'corrections are append-only');
END;
CREATE TRIGGER event_corrections_keep BEFORE DELETE ON event_corrections
BEGIN
    SELECT RAISE(ABORT, 'corrections are append-only');
END;

-- Records: the end or deadline the status event stated (status_until, at
-- its precision, and its kind 'ends' or 'deadline'), measure_ends (for a
-- time-limited measure: the coarsest ISO date starting at the instant it
-- is over, so SQL can compare it with today), and the date of the latest
-- event (the last time a dated fact confirmed the record).
ALTER TABLE records ADD COLUMN status_until TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN status_until_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN measure_ends TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN latest_event TEXT NOT NULL DEFAULT '';

-- "Last reviewed" is the date of the last editor's review, not of the
-- latest event: move the latter to latest_event and recompute the former.
UPDATE records SET
    latest_event = COALESCE((SELECT MAX(e.date) FROM events e WHERE e.record_id = records.id), ''),
    last_reviewed = COALESCE((SELECT MAX(e.date) FROM events e WHERE e.record_id = records.id
        AND e.type = 'reviewed' AND e.verification <> 'pending'), '');

-- Unknown reach is not zero: a record whose events never reported a reach
-- figure has none.
UPDATE records SET reach_people = NULL, reach_basis = '', reach_period = '', reach_date = '', reach_lost = 0
WHERE (reach_people IS NULL OR reach_people = 0)
  AND NOT EXISTS (SELECT 1 FROM events e WHERE e.record_id = records.id AND e.people IS NOT NULL);

CREATE INDEX events_entered ON events (entered_at, id);

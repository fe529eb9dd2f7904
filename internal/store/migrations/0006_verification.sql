-- accesswatch schema, version 6: several sources per event, verification by
-- a second editor, and a private editor's note.
--
-- Sources were already rows of event_sources (one or more per event, in
-- order: position 0 is the primary source, the one the events CSV keeps in
-- its source_* columns), so nothing moves; a source gains an optional
-- archived copy.
ALTER TABLE event_sources ADD COLUMN archived_url TEXT NOT NULL DEFAULT '';

-- The editor's note: contacts, doubts. Private: never on a public output.
ALTER TABLE events ADD COLUMN note TEXT NOT NULL DEFAULT '';

-- Verifications. An event is entered 'pending' by an editor (bundled and
-- imported events are entered 'verified'); it becomes verified when a
-- different editor confirms it, or when an admin publishes it alone with a
-- reason (reason is then not empty). Events stay append-only: the
-- confirmation is a row here, at most one per event, never an edit.
CREATE TABLE event_verifications (
    event_id INTEGER PRIMARY KEY REFERENCES events (id),
    actor    TEXT NOT NULL,
    at       TEXT NOT NULL,
    reason   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE TRIGGER event_verifications_append_only BEFORE UPDATE ON event_verifications
BEGIN
    SELECT RAISE(ABORT, 'verifications are append-only');
END;
CREATE TRIGGER event_verifications_keep BEFORE DELETE ON event_verifications
BEGIN
    SELECT RAISE(ABORT, 'verifications are append-only');
END;

-- The events that wait for a second editor: those an editor entered
-- pending through the admin forms, until someone else verifies them (the
-- row is then deleted). Bundled and imported events never wait: they are
-- entered as their CSV says, and count as verified for this workflow.
CREATE TABLE awaiting_verification (
    event_id INTEGER PRIMARY KEY REFERENCES events (id)
) STRICT;

-- The visibility rule, materialised: the events no public read may show
-- (unverified events while verification is required). The store keeps it
-- in step with its setting when it opens and with every write; a record
-- whose every event is private is private too (records.private = 1), and
-- a record's derived state is folded from its public events only.
CREATE TABLE private_events (
    event_id INTEGER PRIMARY KEY REFERENCES events (id)
) STRICT;
ALTER TABLE records ADD COLUMN private INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1));

-- accesswatch schema for PostgreSQL, version 8: the twin of
-- migrations/0008_languages.sql (an editor's interface language, the
-- language of an event's free text).
ALTER TABLE users ADD COLUMN lang TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN text_lang TEXT COLLATE "C" NOT NULL DEFAULT '';

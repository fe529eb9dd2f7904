-- accesswatch schema, version 8: languages.
--
-- An editor's interface language ('' = none chosen: the browser decides),
-- remembered when they pick one with ?lang=.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '';
-- The language of an event's free text (description, stated reason,
-- authority), as a BCP 47 tag ('' = not recorded: events before this
-- version, and imports, whose CSV columns do not change). Pages mark the
-- text with it (<p lang="fr">).
ALTER TABLE events ADD COLUMN text_lang TEXT NOT NULL DEFAULT '';

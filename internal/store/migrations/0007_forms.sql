-- accesswatch schema, version 7: organisations that are edited without
-- overwriting each other, merged without breaking links, and forms that
-- survive an expired session.

-- An organisation's version goes up with every change of its fields; an
-- edit made on an older version is refused (409) rather than overwriting.
ALTER TABLE organisations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- The slugs of organisations merged into another: public pages and the API
-- answer them with a permanent redirect to the organisation they became. A
-- merged organisation's row is deleted; its slug lives on here, so it is
-- never given to a new organisation.
CREATE TABLE org_aliases (
    slug      TEXT PRIMARY KEY,
    org_id    INTEGER NOT NULL REFERENCES organisations (id),
    merged_at TEXT NOT NULL,
    merged_by TEXT NOT NULL
) STRICT;
CREATE INDEX org_aliases_org ON org_aliases (org_id);

-- A form posted after its session ended, held until its author logs in
-- again (at most 30 minutes). id_hash is the SHA-256 (hex) of the random id
-- the browser holds in a cookie; owner is empty until an account logs in
-- with that cookie, then that account's name: only it gets the form back.
-- author is the account whose session had just ended when the form came,
-- if known: then only that account can claim it.
-- path is the admin form the values belong to; body the urlencoded values.
CREATE TABLE form_drafts (
    id_hash    TEXT PRIMARY KEY,
    owner      TEXT NOT NULL DEFAULT '',
    author     TEXT NOT NULL DEFAULT '',
    path       TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX form_drafts_expires ON form_drafts (expires_at);

-- accesswatch schema for PostgreSQL, version 7: the twin of
-- migrations/0007_forms.sql (organisation versions, merged slugs, form
-- drafts held across a login).
ALTER TABLE organisations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

CREATE TABLE org_aliases (
    slug      TEXT COLLATE "C" PRIMARY KEY,
    org_id    BIGINT NOT NULL REFERENCES organisations (id),
    merged_at TEXT COLLATE "C" NOT NULL,
    merged_by TEXT COLLATE "C" NOT NULL
);
CREATE INDEX org_aliases_org ON org_aliases (org_id);

CREATE TABLE form_drafts (
    id_hash    TEXT COLLATE "C" PRIMARY KEY,
    owner      TEXT COLLATE "C" NOT NULL DEFAULT '',
    author     TEXT COLLATE "C" NOT NULL DEFAULT '',
    path       TEXT COLLATE "C" NOT NULL,
    body       TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX form_drafts_expires ON form_drafts (expires_at);

-- accesswatch schema, version 1.
-- Dates of events are ISO 8601 text at their precision ('2025', '2025-06',
-- '2025-06-05'), which sorts in time order. Timestamps are UTC text with a
-- fixed width ('2025-06-05T10:00:00.000000Z'), which sorts too.

CREATE TABLE countries (
    code               TEXT PRIMARY KEY CHECK (length(code) = 3),
    iso2               TEXT NOT NULL,
    numeric            TEXT NOT NULL,
    name               TEXT NOT NULL,
    official_name      TEXT NOT NULL,
    region             TEXT NOT NULL,
    subregion          TEXT NOT NULL,
    lat                REAL NOT NULL,
    lng                REAL NOT NULL,
    un_member          INTEGER NOT NULL,
    severity_score     INTEGER CHECK (severity_score BETWEEN 0 AND 5),
    severity_date      TEXT NOT NULL DEFAULT '',
    severity_publisher TEXT NOT NULL DEFAULT '',
    severity_url       TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    acronym    TEXT NOT NULL DEFAULT '',
    type       TEXT NOT NULL,
    website    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- One organisation in one country. Every column from status to review_due is
-- derived from the record's events (access.Fold) in the transaction that
-- adds an event; flagged, severity and reach_lost are stored for filtering
-- and sorting.
CREATE TABLE records (
    id                  INTEGER PRIMARY KEY,
    country_code        TEXT NOT NULL REFERENCES countries (code),
    org_id              INTEGER NOT NULL REFERENCES organisations (id),
    status              TEXT NOT NULL,
    status_since        TEXT NOT NULL DEFAULT '',
    status_initiated_by TEXT NOT NULL DEFAULT '',
    status_event_id     INTEGER NOT NULL DEFAULT 0,
    presence_since      INTEGER NOT NULL DEFAULT 0,
    reach_people        INTEGER,
    reach_basis         TEXT NOT NULL DEFAULT '',
    reach_period        TEXT NOT NULL DEFAULT '',
    reach_date          TEXT NOT NULL DEFAULT '',
    last_reviewed       TEXT NOT NULL DEFAULT '',
    review_due          INTEGER NOT NULL DEFAULT 0,
    flagged             INTEGER NOT NULL DEFAULT 0,
    severity            INTEGER NOT NULL DEFAULT 0,
    reach_lost          INTEGER NOT NULL DEFAULT 0,
    summary             TEXT NOT NULL DEFAULT '',
    version             INTEGER NOT NULL DEFAULT 0,
    updated_at          TEXT NOT NULL,
    updated_by          TEXT NOT NULL,
    UNIQUE (country_code, org_id)
) STRICT;
CREATE INDEX records_org ON records (org_id);
CREATE INDEX records_flagged ON records (flagged DESC, severity DESC, reach_lost DESC);

-- The append-only timeline. record_id is NULL for a class-level measure,
-- which belongs to the country alone. record_version is the version the
-- record reached with this event, so a conflict can show what changed.
CREATE TABLE events (
    id                  INTEGER PRIMARY KEY,
    country_code        TEXT NOT NULL REFERENCES countries (code),
    record_id           INTEGER REFERENCES records (id),
    record_version      INTEGER NOT NULL DEFAULT 0,
    date                TEXT NOT NULL,
    type                TEXT NOT NULL,
    status_after        TEXT NOT NULL DEFAULT '',
    initiated_by        TEXT NOT NULL DEFAULT '',
    authority           TEXT NOT NULL DEFAULT '',
    instrument          TEXT NOT NULL DEFAULT '',
    reason              TEXT NOT NULL DEFAULT '',
    reason_category     TEXT NOT NULL DEFAULT '',
    constraint_category TEXT NOT NULL DEFAULT '',
    people              INTEGER,
    people_basis        TEXT NOT NULL DEFAULT '',
    people_period       TEXT NOT NULL DEFAULT '',
    presence_since      INTEGER NOT NULL DEFAULT 0,
    description         TEXT NOT NULL DEFAULT '',
    verification        TEXT NOT NULL,
    entered_by          TEXT NOT NULL,
    entered_at          TEXT NOT NULL
) STRICT;
CREATE INDEX events_record ON events (record_id, date, id);
CREATE INDEX events_country ON events (country_code, date, id);
CREATE INDEX events_date ON events (date, id);

CREATE TABLE event_sources (
    event_id  INTEGER NOT NULL REFERENCES events (id),
    position  INTEGER NOT NULL,
    publisher TEXT NOT NULL DEFAULT '',
    url       TEXT NOT NULL DEFAULT '',
    title     TEXT NOT NULL DEFAULT '',
    date      TEXT NOT NULL DEFAULT '',
    type      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (event_id, position)
) STRICT;

-- Events and their sources are never edited: a correction is a new event.
CREATE TRIGGER events_append_only BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: record a correction instead');
END;
CREATE TRIGGER event_sources_append_only BEFORE UPDATE ON event_sources
BEGIN
    SELECT RAISE(ABORT, 'event sources are append-only');
END;

-- Every write: who, when, what, before and after (JSON), in the same
-- transaction as the write.
CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    before     TEXT,
    after      TEXT
) STRICT;
CREATE INDEX audit_entity ON audit (entity, entity_key, id);

-- Small facts about the database itself, e.g. when it was initialised.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- accesswatch schema, version 2: editors' accounts, their sessions, and
-- failed logins for throttling.

-- An account. No account exists until `accesswatch user add` creates one.
-- password_hash is a PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash);
-- the password itself is never stored. Names are lower case (the
-- application normalises them), so UNIQUE is enough to keep them apart.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
    role          TEXT NOT NULL CHECK (role IN ('admin', 'editor')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

-- A logged-in browser. token_hash is the SHA-256 of the cookie's token: a
-- copy of the database does not let anyone take over a session. A session
-- ends at expires_at (absolute limit) or after a stretch of inactivity
-- measured from last_seen_at, whichever comes first.
CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- One row per failed login, keyed by the name that was tried (whether or not
-- an account has it, so that throttling answers alike for both). Rows older
-- than the throttling window are deleted as new ones arrive.
CREATE TABLE login_failures (
    name TEXT NOT NULL,
    at   TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_name ON login_failures (name, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- accesswatch schema, version 3: login throttling per (account, client
-- address) instead of per account, and the login trail.

-- The per-account failure list of version 2 let anyone refuse an account to
-- its owner; its rows carry no address, so they are dropped, not converted.
DROP TABLE login_failures;

-- Failed logins for one name from one client address (an opaque key the web
-- layer computes: an IP address, or an IPv6 /64). name is the name that was
-- tried, whether or not an account has it, so that throttling answers alike
-- for both. A successful login from the address, `accesswatch user unlock`
-- and a password change delete the rows of a name; rows whose last failure is
-- older than a day are deleted as new failures arrive.
CREATE TABLE login_throttle (
    name       TEXT NOT NULL,
    address    TEXT NOT NULL,
    failures   INTEGER NOT NULL CHECK (failures >= 1),
    first_at   TEXT NOT NULL,
    last_at    TEXT NOT NULL,
    PRIMARY KEY (name, address)
) STRICT, WITHOUT ROWID;
CREATE INDEX login_throttle_last ON login_throttle (last_at);
CREATE INDEX login_throttle_name_last ON login_throttle (name, last_at);

-- The login trail: one row per login, failed login, throttled attempt,
-- unlock, logout and session expiry. name is the account name as tried
-- (normalised); address the client address ('cli' for the command line).
-- Rows older than 90 days are deleted as new ones arrive.
CREATE TABLE security_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    name    TEXT NOT NULL,
    address TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX security_log_at ON security_log (at);
CREATE INDEX security_log_name ON security_log (name, id);
CREATE INDEX security_log_outcome ON security_log (outcome, id);

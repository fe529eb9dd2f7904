package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is a logged-in browser, known by the SHA-256 of its token.
//
// Session and login-failure writes do not change Generation: they change
// nothing that public pages show, and must not empty the page cache on every
// admin request or failed login.
type Session struct {
	TokenHash  []byte
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute limit
}

// CreateSession stores a new session. In the same transaction it deletes
// the session whose token hash is replaces (the browser's previous session,
// so that a token from before a login is worthless after it) and every
// session that expired before the new one was created.
func (s *Store) CreateSession(ctx context.Context, sess Session, replaces []byte) error {
	return inTx(ctx, s.writer, func(tx *sql.Tx) error {
		if len(replaces) > 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, replaces); err != nil {
				return fmt.Errorf("end previous session: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, timestamp(sess.CreatedAt)); err != nil {
			return fmt.Errorf("delete expired sessions: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			sess.TokenHash, sess.UserID, timestamp(sess.CreatedAt), timestamp(sess.LastSeenAt), timestamp(sess.ExpiresAt))
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return nil
	})
}

// SessionUser returns the session with the given token hash and its
// account; ErrNotFound if there is none. Whether it is still valid (expiry,
// idleness, a disabled account) is the caller's judgement.
func (s *Store) SessionUser(ctx context.Context, tokenHash []byte) (Session, User, error) {
	var sess Session
	var created, seen, expires string
	u, err := scanUser(s.reader.QueryRowContext(ctx, `SELECT s.token_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, `+
		userColumns+` FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, tokenHash),
		&sess.TokenHash, &sess.UserID, &created, &seen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, User{}, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, User{}, fmt.Errorf("session: %w", err)
	}
	sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = parseTimestamp(created), parseTimestamp(seen), parseTimestamp(expires)
	return sess, u, nil
}

// TouchSession records activity on a session.
func (s *Store) TouchSession(ctx context.Context, tokenHash []byte, at time.Time) error {
	if _, err := s.writer.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, timestamp(at), tokenHash); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession ends a session; ending one that does not exist is not an error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := s.writer.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// LoginFailures counts the failed logins for a name at or after since.
func (s *Store) LoginFailures(ctx context.Context, name string, since time.Time) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_failures WHERE name = ? AND at >= ?`, name, timestamp(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count login failures: %w", err)
	}
	return n, nil
}

// AddLoginFailure records a failed login for a name, and forgets every
// failure (of any name) older than forgetBefore, so the table stays small.
func (s *Store) AddLoginFailure(ctx context.Context, name string, at, forgetBefore time.Time) error {
	return inTx(ctx, s.writer, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE at < ?`, timestamp(forgetBefore)); err != nil {
			return fmt.Errorf("forget old login failures: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (name, at) VALUES (?, ?)`, name, timestamp(at)); err != nil {
			return fmt.Errorf("record login failure: %w", err)
		}
		return nil
	})
}

// ClearLoginFailures forgets a name's failed logins (after a successful one).
func (s *Store) ClearLoginFailures(ctx context.Context, name string) error {
	if _, err := s.writer.ExecContext(ctx, `DELETE FROM login_failures WHERE name = ?`, name); err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return nil
}

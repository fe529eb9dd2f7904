package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

// CreateSession stores a new session. In the same transaction it deletes
// the session whose token hash is replaces (the browser's previous session,
// so that a token from before a login is worthless after it) and every
// session that expired before the new one was created.
func (s *Store) CreateSession(ctx context.Context, sess access.Session, replaces []byte) error {
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
func (s *Store) SessionUser(ctx context.Context, tokenHash []byte) (access.Session, access.User, error) {
	var sess access.Session
	var created, seen, expires string
	u, err := scanUser(s.reader.QueryRowContext(ctx, `SELECT s.token_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, `+
		userColumns+` FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, tokenHash),
		&sess.TokenHash, &sess.UserID, &created, &seen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return access.Session{}, access.User{}, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return access.Session{}, access.User{}, fmt.Errorf("session: %w", err)
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

// LoginThrottleState reads the failed logins for name from address, and the
// failures for name from every address that failed at or after since.
func (s *Store) LoginThrottleState(ctx context.Context, name, address string, since time.Time) (access.LoginThrottle, error) {
	var t access.LoginThrottle
	var last sql.NullString
	err := s.reader.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN address = :address THEN failures END), 0),
		MAX(CASE WHEN address = :address THEN last_at END),
		COALESCE(SUM(CASE WHEN last_at >= :since THEN failures END), 0)
		FROM login_throttle WHERE name = :name`,
		sql.Named("name", name), sql.Named("address", address), sql.Named("since", timestamp(since))).Scan(&t.Failures, &last, &t.Recent)
	if err != nil {
		return access.LoginThrottle{}, fmt.Errorf("read login throttle: %w", err)
	}
	if last.Valid {
		t.LastFailure = parseTimestamp(last.String)
	}
	return t, nil
}

// AddLoginFailure counts a failed login for name from address at the given
// time, and forgets every pair (of any name) whose last failure is older
// than forgetBefore, so the table stays small.
func (s *Store) AddLoginFailure(ctx context.Context, name, address string, at, forgetBefore time.Time) error {
	return inTx(ctx, s.writer, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE last_at < ?`, timestamp(forgetBefore)); err != nil {
			return fmt.Errorf("forget old login failures: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO login_throttle (name, address, failures, first_at, last_at) VALUES (:name, :address, 1, :at, :at)
			ON CONFLICT (name, address) DO UPDATE SET failures = login_throttle.failures + 1,
				last_at = CASE WHEN excluded.last_at > login_throttle.last_at THEN excluded.last_at ELSE login_throttle.last_at END`,
			sql.Named("name", name), sql.Named("address", address), sql.Named("at", timestamp(at)))
		if err != nil {
			return fmt.Errorf("record login failure: %w", err)
		}
		return nil
	})
}

// ClearLoginFailures forgets the failed logins for name from address (after
// a successful login from there), or from every address when address is ""
// (an unlock). It returns how many failures it forgot.
func (s *Store) ClearLoginFailures(ctx context.Context, name, address string) (int, error) {
	var n int
	err := inTx(ctx, s.writer, func(tx *sql.Tx) error {
		var err error
		n, err = clearLoginFailures(ctx, tx, name, address)
		return err
	})
	return n, err
}

func clearLoginFailures(ctx context.Context, tx *sql.Tx, name, address string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(failures), 0) FROM login_throttle WHERE name = :name AND (:address = '' OR address = :address)`,
		sql.Named("name", name), sql.Named("address", address)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count login failures: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE name = :name AND (:address = '' OR address = :address)`,
		sql.Named("name", name), sql.Named("address", address)); err != nil {
		return 0, fmt.Errorf("clear login failures: %w", err)
	}
	return n, nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

// SecurityLogRetention is how long the login trail keeps a row.
const SecurityLogRetention = 90 * 24 * time.Hour

// AddSecurityEvent appends a row to the login trail and, in the same
// transaction, deletes rows older than SecurityLogRetention before e.At.
// Like session writes, it does not change Generation.
func (s *Store) AddSecurityEvent(ctx context.Context, e access.SecurityEvent) error {
	if !e.Outcome.Valid() {
		return fmt.Errorf("security event: unknown outcome %q", e.Outcome)
	}
	return inTx(ctx, s.writer, func(tx *sql.Tx) error {
		return addSecurityEvent(ctx, tx, e)
	})
}

func addSecurityEvent(ctx context.Context, tx *sql.Tx, e access.SecurityEvent) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM security_log WHERE at < ?`, timestamp(e.At.Add(-SecurityLogRetention))); err != nil {
		return fmt.Errorf("prune security log: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO security_log (at, name, address, outcome, detail) VALUES (?, ?, ?, ?, ?)`,
		timestamp(e.At), e.Name, e.Address, string(e.Outcome), e.Detail); err != nil {
		return fmt.Errorf("record security event: %w", err)
	}
	return nil
}

// SecurityFilter selects rows of the login trail, newest first. Zero fields
// do not filter.
type SecurityFilter struct {
	Name    string
	Outcome access.SecurityOutcome
	Limit   int // <= 0: no limit
	Offset  int
}

// SecurityLog returns the rows of the login trail f selects, newest first,
// and how many rows match in all (ignoring Limit and Offset).
func (s *Store) SecurityLog(ctx context.Context, f SecurityFilter) ([]access.SecurityEvent, int, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	filter := []any{sql.Named("name", f.Name), sql.Named("outcome", string(f.Outcome))}
	const where = ` WHERE (:name = '' OR name = :name) AND (:outcome = '' OR outcome = :outcome)`
	var total int
	if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM security_log`+where, filter...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count security log: %w", err)
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT id, at, name, address, outcome, detail FROM security_log`+where+`
		ORDER BY id DESC LIMIT :limit OFFSET :offset`,
		append(filter, sql.Named("limit", limit), sql.Named("offset", max(f.Offset, 0)))...)
	if err != nil {
		return nil, 0, fmt.Errorf("list security log: %w", err)
	}
	defer rows.Close()
	var out []access.SecurityEvent
	for rows.Next() {
		var e access.SecurityEvent
		var at, outcome string
		if err := rows.Scan(&e.ID, &at, &e.Name, &e.Address, &outcome, &e.Detail); err != nil {
			return nil, 0, fmt.Errorf("list security log: %w", err)
		}
		e.At, e.Outcome = parseTimestamp(at), access.SecurityOutcome(outcome)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list security log: %w", err)
	}
	return out, total, nil
}

// UnlockUser forgets every failed login for name, from every address, and
// records the unlock in the login trail (address "cli" or the actor's
// client address), in one transaction. It returns how many failures it
// forgot; names without an account can be unlocked too, since failures are
// kept for any name tried.
func (s *Store) UnlockUser(ctx context.Context, name, address, detail string) (int, error) {
	var n int
	err := inTx(ctx, s.writer, func(tx *sql.Tx) error {
		var err error
		if n, err = clearLoginFailures(ctx, tx, name, ""); err != nil {
			return err
		}
		return addSecurityEvent(ctx, tx, access.SecurityEvent{At: s.now(), Name: name, Address: address, Outcome: access.OutcomeUnlock,
			Detail: fmt.Sprintf("%s; %d failures forgotten", detail, n)})
	})
	return n, err
}

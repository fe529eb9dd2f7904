package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/accesswatch/accesswatch/internal/access"
)

// NewUser asks for an account. Name and password hash are prepared by the
// caller (internal/auth normalises names and hashes passwords).
type NewUser struct {
	Name         string
	Role         access.Role
	PasswordHash string
}

// ErrUserExists: an account with that name exists already.
var ErrUserExists = errors.New("an account with this name already exists")

const userColumns = `u.id, u.name, u.role, u.password_hash, u.disabled, u.lang, u.created_at, u.updated_at`

// scanUser reads userColumns, after the destinations in lead if a query
// selects other columns first.
func scanUser(row interface{ Scan(...any) error }, lead ...any) (access.User, error) {
	var u access.User
	var created, updated string
	err := row.Scan(append(lead, &u.ID, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &u.Lang, &created, &updated)...)
	u.CreatedAt, u.UpdatedAt = parseTimestamp(created), parseTimestamp(updated)
	return u, err
}

// userAudit is what the audit log keeps of an account: never the hash.
func userAudit(u access.User) map[string]any {
	return map[string]any{"name": u.Name, "role": u.Role, "disabled": u.Disabled}
}

// CreateUser adds an account, audited. It fails with ErrUserExists when the
// name is taken.
func (s *Store) CreateUser(ctx context.Context, nu NewUser, actor string) (access.User, error) {
	if !nu.Role.Valid() || nu.Name == "" || nu.PasswordHash == "" {
		return access.User{}, fmt.Errorf("create user: incomplete account %q (role %q)", nu.Name, nu.Role)
	}
	now := s.now()
	u := access.User{Name: nu.Name, Role: nu.Role, PasswordHash: nu.PasswordHash, CreatedAt: now, UpdatedAt: now}
	err := inTx(ctx, s.writer, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			u.Name, u.Role, u.PasswordHash, timestamp(now), timestamp(now)).Scan(&u.ID)
		if err != nil {
			if isUniqueViolation(err) {
				return ErrUserExists
			}
			return fmt.Errorf("create user: %w", err)
		}
		return s.audit(ctx, tx, actor, "user.create", "user", u.Name, nil, userAudit(u))
	})
	if err != nil {
		return access.User{}, err
	}
	return u, nil
}

// Users returns every account, by name.
func (s *Store) Users(ctx context.Context) ([]access.User, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+userColumns+` FROM users u ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []access.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UserByName returns an account, disabled or not; ErrNotFound if none.
func (s *Store) UserByName(ctx context.Context, name string) (access.User, error) {
	u, err := scanUser(s.reader.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return access.User{}, fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return access.User{}, fmt.Errorf("user %q: %w", name, err)
	}
	return u, nil
}

// SetUserLang remembers an account's interface language (a tag the caller
// has checked, or "" for none). It is a preference, not domain data: it
// is not audited and moves no data version.
func (s *Store) SetUserLang(ctx context.Context, name, lang string) error {
	err := inTx(ctx, s.writer, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET lang = ? WHERE name = ?`, lang, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("set language of %q: %w", name, err)
	}
	return nil
}

// DisableUser disables an account and ends all its sessions, in one
// transaction with its audit row. Disabling a disabled account changes
// nothing and writes no audit row.
func (s *Store) DisableUser(ctx context.Context, name, actor string) error {
	return s.changeUser(ctx, name, actor, "user.disable", func(ctx context.Context, tx *sql.Tx, u access.User) (before, after map[string]any, err error) {
		if u.Disabled {
			return nil, nil, nil
		}
		before = userAudit(u)
		u.Disabled = true
		_, err = tx.ExecContext(ctx, `UPDATE users SET disabled = 1, updated_at = ? WHERE id = ?`, timestamp(s.now()), u.ID)
		return before, userAudit(u), err
	})
}

// EnableUser enables a disabled account again, audited. It does not
// restore any session: the account's owner logs in again. Enabling an
// enabled account changes nothing and writes no audit row.
func (s *Store) EnableUser(ctx context.Context, name, actor string) error {
	return s.changeUser(ctx, name, actor, "user.enable", func(ctx context.Context, tx *sql.Tx, u access.User) (before, after map[string]any, err error) {
		if !u.Disabled {
			return nil, nil, nil
		}
		before = userAudit(u)
		u.Disabled = false
		_, err = tx.ExecContext(ctx, `UPDATE users SET disabled = 0, updated_at = ? WHERE id = ?`, timestamp(s.now()), u.ID)
		return before, userAudit(u), err
	})
}

// SetUserPassword replaces an account's password hash and ends all its
// sessions (whoever knew the old password is logged out), audited without
// either hash. In the same transaction it forgets the account's failed
// logins from every address, and records that unlock in the login trail.
func (s *Store) SetUserPassword(ctx context.Context, name, hash, actor string) error {
	if hash == "" {
		return fmt.Errorf("set password of %q: empty hash", name)
	}
	return s.changeUser(ctx, name, actor, "user.password", func(ctx context.Context, tx *sql.Tx, u access.User) (before, after map[string]any, err error) {
		now := s.now()
		if _, err = tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, timestamp(now), u.ID); err != nil {
			return nil, nil, err
		}
		n, err := clearLoginFailures(ctx, tx, u.Name, "")
		if err != nil {
			return nil, nil, err
		}
		err = addSecurityEvent(ctx, tx, access.SecurityEvent{At: now, Name: u.Name, Outcome: access.OutcomeUnlock,
			Detail: fmt.Sprintf("password changed by %s; %d failures forgotten", actor, n)})
		return map[string]any{"password": "(previous)"}, map[string]any{"password": "(replaced)"}, err
	})
}

// SetUserRole changes an account's role, audited. Setting the role it has
// changes nothing and writes no audit row. The account's sessions end, so
// that no session keeps rights it should no longer have.
func (s *Store) SetUserRole(ctx context.Context, name string, role access.Role, actor string) error {
	if !role.Valid() {
		return fmt.Errorf("set role of %q: unknown role %q", name, role)
	}
	return s.changeUser(ctx, name, actor, "user.role", func(ctx context.Context, tx *sql.Tx, u access.User) (before, after map[string]any, err error) {
		if u.Role == role {
			return nil, nil, nil
		}
		before = userAudit(u)
		u.Role = role
		_, err = tx.ExecContext(ctx, `UPDATE users SET role = ?, updated_at = ? WHERE id = ?`, role, timestamp(s.now()), u.ID)
		return before, userAudit(u), err
	})
}

// changeUser runs one audited change of an account in a transaction: it
// reads the account and lets change apply itself, returning the audit's
// before and after (nil when nothing changed); then it ends the account's
// sessions and writes the audit row.
func (s *Store) changeUser(ctx context.Context, name, actor, action string,
	change func(context.Context, *sql.Tx, access.User) (before, after map[string]any, err error)) error {
	return inTx(ctx, s.writer, func(tx *sql.Tx) error {
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE name = ?`, name))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user %q: %w", name, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("user %q: %w", name, err)
		}
		before, after, err := change(ctx, tx, u)
		if err != nil {
			return fmt.Errorf("%s %q: %w", action, name, err)
		}
		if after == nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
			return fmt.Errorf("end sessions of %q: %w", name, err)
		}
		return s.audit(ctx, tx, actor, action, "user", u.Name, before, after)
	})
}

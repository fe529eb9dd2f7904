package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Draft is a form posted after its session ended, held so that its author
// gets it back after logging in again (see web/admin's guard).
type Draft struct {
	IDHash    string // hex SHA-256 of the random id the browser holds
	Owner     string // the account that logged in with it; "" until then
	Author    string // the account whose session had ended, if known: only it may claim the draft
	Path      string // the admin form the values belong to
	Body      string // the form's values, urlencoded
	CreatedAt time.Time
	ExpiresAt time.Time
}

// MaxDrafts bounds how many unclaimed drafts the database holds at once.
// Drafts are saved before anyone has logged in, so without a bound a
// stranger could fill the disk; beyond it a form posted without a session
// is not kept (the editor is sent to the login page as before).
const MaxDrafts = 50

// ErrTooManyDrafts is returned by SaveDraft when MaxDrafts unclaimed
// drafts are held already.
var ErrTooManyDrafts = errors.New("too many unclaimed drafts")

// SaveDraft holds a draft until its ExpiresAt. Expired drafts are deleted
// in the same transaction.
func (s *Store) SaveDraft(ctx context.Context, d Draft) error {
	return inTx(ctx, s.writer, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM form_drafts WHERE expires_at <= ?`, timestamp(d.CreatedAt)); err != nil {
			return fmt.Errorf("delete expired drafts: %w", err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM form_drafts WHERE owner = ''`).Scan(&n); err != nil {
			return fmt.Errorf("count drafts: %w", err)
		}
		if n >= MaxDrafts {
			return ErrTooManyDrafts
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO form_drafts (id_hash, owner, author, path, body, created_at, expires_at) VALUES (?, '', ?, ?, ?, ?, ?)`,
			d.IDHash, d.Author, d.Path, d.Body, timestamp(d.CreatedAt), timestamp(d.ExpiresAt))
		if err != nil {
			return fmt.Errorf("save draft: %w", err)
		}
		return nil
	})
}

// ClaimDraft binds an unclaimed, unexpired draft to the account owner (who
// just logged in with its id), if the draft has no author or owner is its
// author; it does nothing if there is no such draft.
func (s *Store) ClaimDraft(ctx context.Context, idHash, owner string, now time.Time) error {
	_, err := s.writer.ExecContext(ctx, `UPDATE form_drafts SET owner = ? WHERE id_hash = ? AND owner = '' AND (author = '' OR author = ?) AND expires_at > ?`,
		owner, idHash, owner, timestamp(now))
	if err != nil {
		return fmt.Errorf("claim draft: %w", err)
	}
	return nil
}

// TakeDraft returns and deletes the draft with the given id hash if owner
// claimed it, it belongs to path and has not expired; ErrNotFound
// otherwise (a draft for another path stays, for when its form is opened).
func (s *Store) TakeDraft(ctx context.Context, idHash, owner, path string, now time.Time) (Draft, error) {
	var d Draft
	err := inTx(ctx, s.writer, func(tx *sql.Tx) error {
		var created, expires string
		err := tx.QueryRowContext(ctx, `DELETE FROM form_drafts WHERE id_hash = ? AND owner = ? AND owner <> '' AND path = ? AND expires_at > ?
			RETURNING id_hash, owner, author, path, body, created_at, expires_at`, idHash, owner, path, timestamp(now)).
			Scan(&d.IDHash, &d.Owner, &d.Author, &d.Path, &d.Body, &created, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("draft: %w", ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("take draft: %w", err)
		}
		d.CreatedAt, d.ExpiresAt = parseTimestamp(created), parseTimestamp(expires)
		return nil
	})
	return d, err
}

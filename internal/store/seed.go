package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/accesswatch/accesswatch/internal/access"
)

// Initialise loads a new database: the country list and the given events
// (the bundled cases; none with --no-seed), in one transaction, and marks the
// database initialised. On a database already initialised it does nothing
// and returns false, so restarting never loads the data twice.
func (s *Store) Initialise(ctx context.Context, countries []access.Country, events []NewEvent) (bool, error) {
	loaded := false
	err := s.changeData(ctx, func(tx *sql.Tx) error {
		var at string
		err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'initialised_at'`).Scan(&at)
		if err == nil {
			return errUnchanged
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read meta: %w", err)
		}
		if err := upsertCountries(ctx, tx, countries); err != nil {
			return fmt.Errorf("load countries: %w", err)
		}
		for i, in := range events {
			if _, err := s.recordEventTx(ctx, tx, in); err != nil {
				return fmt.Errorf("load event %d (%s %s %s): %w", i+1, in.Event.CountryCode, in.Event.OrgSlug, in.Event.Date, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('initialised_at', ?), ('seed_events', ?)`,
			timestamp(s.now()), fmt.Sprint(len(events))); err != nil {
			return fmt.Errorf("write meta: %w", err)
		}
		loaded = true
		return nil
	})
	if err != nil {
		return false, err
	}
	return loaded, nil
}

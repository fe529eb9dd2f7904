package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/store"
)

// openDatabase opens the database on the clock now (nil: time.Now) and, if
// it is new, loads the country list and (when seed is set) the bundled
// cases, in one transaction. reviewAfter is the store's review period
// (zero: the default).
func openDatabase(ctx context.Context, db string, seed bool, now func() time.Time, reviewAfter time.Duration, log *slog.Logger) (*store.Store, error) {
	st, err := store.Open(ctx, db, store.Options{Now: now, ReviewAfter: reviewAfter})
	path := store.Redact(db)
	if err != nil {
		switch {
		case errors.Is(err, store.ErrCorrupt):
			return nil, fmt.Errorf("%s cannot be used: %w\nRestore it from a backup (see README, \"Backup and restore\") or move it aside to start afresh", path, err)
		case errors.Is(err, store.ErrSchemaTooNew):
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	loaded, n, err := opendata.Initialise(ctx, st, seed)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("initialise %s: %w", path, err)
	}
	if loaded {
		log.Info("new database initialised", "path", path, "countries", n.Countries, "events", n.Events)
	}
	return st, nil
}

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
// cases, in one transaction. opt carries the store's review period and
// verification rule (zero values: the default period, and the rule the
// database already has); its clock is now. db is a file path or a URL.
func openDatabase(ctx context.Context, db string, seed bool, now func() time.Time, opt store.Options, log *slog.Logger) (*store.Store, error) {
	opt.Now = now
	st, err := store.Open(ctx, db, opt)
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

// verificationRule is the store's rule for the server's
// --require-verification: a server always says which rule it serves.
func verificationRule(require bool) store.VerificationRule {
	if require {
		return store.RequireVerification
	}
	return store.PublishUnverified
}

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/dataset"
	"github.com/accesswatch/accesswatch/internal/store"
)

// openDatabase opens the database and, if it is new, loads the country list
// and (when seed is set) the bundled cases, in one transaction.
func openDatabase(ctx context.Context, path string, seed bool, log *slog.Logger) (*store.Store, error) {
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		switch {
		case errors.Is(err, store.ErrCorrupt):
			return nil, fmt.Errorf("%s cannot be used: %w\nRestore it from a backup (see README, \"Backup and restore\") or move it aside to start afresh", path, err)
		case errors.Is(err, store.ErrSchemaTooNew):
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	countries, events, err := bundledData(seed)
	if err != nil {
		st.Close()
		return nil, err
	}
	loaded, err := st.Initialise(ctx, countries, events)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("initialise %s: %w", path, err)
	}
	if loaded {
		log.Info("new database initialised", "path", path, "countries", len(countries), "events", len(events))
	}
	return st, nil
}

// bundledData reads the embedded country list and, if seed is set, the
// bundled cases.
func bundledData(seed bool) ([]access.Country, []store.NewEvent, error) {
	countries, err := dataset.BundledCountries()
	if err != nil || !seed {
		return countries, nil, err
	}
	rows, err := dataset.BundledEvents(time.Now())
	if err != nil {
		return nil, nil, err
	}
	return countries, store.FromRows(rows, "seed"), nil
}

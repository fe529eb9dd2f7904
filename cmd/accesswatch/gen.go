package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/synth"
)

// runGen fills a new database with a clearly synthetic dataset for
// benchmarks and load tests.
func runGen(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet("gen", env.stderr)
	db := fs.String("db", "", "database to fill: a file path or a postgres:// URL (required; must hold no records yet)")
	records := fs.Int("records", 5000, "organisation-in-country records")
	events := fs.Int("events", 0, "events in all (default: 4 per record)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same data")
	if err := parseFlags(fs, args, func(string) string { return "" }); err != nil {
		return err
	}
	if *db == "" {
		return usageError("--db is required (the synthetic data goes into its own database)")
	}
	if *events == 0 {
		*events = 4 * *records
	}
	log := slog.New(slog.NewTextHandler(env.stderr, nil))
	st, err := openDatabase(ctx, *db, false, nil, store.Options{}, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, n, err := st.Records(ctx, store.RecordFilter{Limit: 1}); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("%s already holds %d records; generate into a new file", store.Redact(*db), n)
	}
	countries, err := st.Countries(ctx)
	if err != nil {
		return err
	}
	evs, err := synth.Events(synth.Spec{Records: *records, Events: *events, Seed: *seed, Now: time.Now()}, countries)
	if err != nil {
		return usageError("%v", err)
	}
	start := time.Now()
	if _, err := st.RecordEvents(ctx, evs); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "generated %d records and %d events in %s (%s)\n", *records, len(evs), store.Redact(*db), time.Since(start).Round(time.Millisecond))
	return nil
}

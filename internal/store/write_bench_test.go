package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/internal/synth"
)

// Write-path benchmarks. See docs/PERFORMANCE.md, "Write path", for the figures.
//
//	go test -run '^$' -bench 'BenchmarkStatusChange' -benchtime 2000x ./internal/store/
//	go test -run '^$' -bench 'BenchmarkGenerate' -benchtime 1x ./internal/store/

// syntheticEvents is the benchmark dataset's events over the bundled
// countries (5,000 records, 20,000 events unless told otherwise).
func syntheticEvents(b *testing.B, st *store.Store, now time.Time, records, events int) []store.NewEvent {
	b.Helper()
	countries, err := st.Countries(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	evs, err := synth.Events(synth.Spec{Records: records, Events: events, Seed: 1, Now: now}, countries)
	if err != nil {
		b.Fatal(err)
	}
	return evs
}

// BenchmarkStatusChange records status changes one durable transaction at a
// time (event, source, record fold, audit: store.RecordEvent, as the admin
// form does) on the synthetic dataset, alternating with a baseline: a bare
// single-row INSERT transaction into a database file of its own in the same
// directory, opened with the writer's very connection string (WAL,
// synchronous=FULL, BEGIN IMMEDIATE). x-of-baseline is the status-change
// rate as a fraction of the bare rate (target ≥ 0.5).
func BenchmarkStatusChange(b *testing.B) {
	ctx := context.Background()
	st, clock := storetest.OpenCountriesOnly(b)
	evs := syntheticEvents(b, st, clock.Now(), 5000, 20000)
	if _, err := st.RecordEvents(ctx, evs); err != nil {
		b.Fatal(err)
	}
	records, _, err := st.Records(ctx, store.RecordFilter{Sort: store.SortCountry})
	if err != nil || len(records) == 0 {
		b.Fatalf("records: %d, %v", len(records), err)
	}

	bare, err := sql.Open("sqlite3", store.WriterDSNForBench(filepath.Join(b.TempDir(), "bare.db")))
	if err != nil {
		b.Fatal(err)
	}
	defer bare.Close()
	bare.SetMaxOpenConns(1)
	if _, err := bare.ExecContext(ctx, `CREATE TABLE bare (id INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT`); err != nil {
		b.Fatal(err)
	}
	measureStatusChange(b, st, records, access.DayOf(clock.Now()), bare, `INSERT INTO bare (v) VALUES (?)`)
}

// measureStatusChange alternates a status change through st (event,
// source, record fold, audit, data version, one transaction) with a bare
// single-row INSERT transaction (insertSQL, one parameter) on bare, and
// reports each one's time per operation and x-of-baseline: the
// status-change rate as a fraction of the bare rate.
func measureStatusChange(b *testing.B, st *store.Store, records []access.RecordView, day access.Date, bare *sql.DB, insertSQL string) {
	ctx := context.Background()
	insertBare := func(i int) {
		tx, err := bare.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, insertSQL, fmt.Sprintf("row %d", i)); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	// Each change sets a status its event type may set (access.StatusesFor).
	changes := []struct {
		typ    access.EventType
		status access.Status
	}{
		{access.EventSuspensionOrdered, access.StatusSuspended},
		{access.EventResumptionAuthorised, access.StatusOperating},
		{access.EventRestrictionImposed, access.StatusRestricted},
		{access.EventAuthorisationWithdrawn, access.StatusBanned},
	}
	change := func(i int) {
		rec, c := records[i%len(records)], changes[i%len(changes)]
		_, err := st.RecordEvent(ctx, store.NewEvent{Actor: "bench", ExpectedVersion: store.AnyVersion, Event: access.Event{
			CountryCode: rec.CountryCode, OrgSlug: rec.OrgSlug, Date: day, Type: c.typ,
			StatusAfter: c.status, InitiatedBy: access.InitiatedByAuthority,
			Description: fmt.Sprintf("benchmark change %d", i),
			Sources:     []access.Source{{Publisher: "Bench", URL: fmt.Sprintf("https://example.org/bench/%d", i), Type: access.SourceNews}},
		}})
		if err != nil {
			b.Fatal(err)
		}
	}
	change(0)
	insertBare(0)

	var inStore, inBare time.Duration
	i := 0
	for b.Loop() {
		i++
		t0 := time.Now()
		change(i)
		t1 := time.Now()
		insertBare(i)
		inStore += t1.Sub(t0)
		inBare += time.Since(t1)
	}
	b.ReportMetric(float64(inStore.Nanoseconds())/float64(b.N), "change-ns/op")
	b.ReportMetric(float64(inBare.Nanoseconds())/float64(b.N), "bare-ns/op")
	b.ReportMetric(float64(inBare)/float64(inStore), "x-of-baseline")
}

// BenchmarkGenerate records the synthetic dataset in one batch, as
// `accesswatch gen` does; ns/event is the cost of one event inside a large
// transaction (the write path without the commit).
func BenchmarkGenerate(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		st, clock := storetest.OpenCountriesOnly(b)
		evs := syntheticEvents(b, st, clock.Now(), 5000, 20000)
		b.StartTimer()
		start := time.Now()
		if _, err := st.RecordEvents(ctx, evs); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(len(evs)), "ns/event")
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}

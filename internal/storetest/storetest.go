// Package storetest opens real SQLite databases for other packages' tests:
// a new file in t.TempDir(), optionally loaded with the bundled data, with a
// settable clock.
package storetest

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/dataset"
	"github.com/accesswatch/accesswatch/internal/store"
)

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Start is the clock reading tests begin at: after every bundled case.
var Start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Open opens a new, empty (migrated, no countries) database.
func Open(t testing.TB) (*store.Store, *Clock) {
	t.Helper()
	return OpenWith(t, store.Options{})
}

// OpenWith is Open with options (the verification rule, say); the clock
// is the returned one.
func OpenWith(t testing.TB, opt store.Options) (*store.Store, *Clock) {
	t.Helper()
	clock := NewClock(Start)
	opt.Now = clock.Now
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "accesswatch.db"), opt)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clock
}

// OpenSeeded opens a new database loaded with the bundled countries and cases.
func OpenSeeded(t testing.TB) (*store.Store, *Clock) {
	t.Helper()
	return OpenSeededWith(t, store.Options{})
}

// OpenSeededWith is OpenSeeded with options (the verification rule, say).
func OpenSeededWith(t testing.TB, opt store.Options) (*store.Store, *Clock) {
	t.Helper()
	s, clock := OpenWith(t, opt)
	if _, err := s.Initialise(context.Background(), Countries(t), SeedEvents(t)); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return s, clock
}

// OpenCountriesOnly opens a new database with the country list and no cases.
func OpenCountriesOnly(t testing.TB) (*store.Store, *Clock) {
	t.Helper()
	s, clock := Open(t)
	if _, err := s.Initialise(context.Background(), Countries(t), nil); err != nil {
		t.Fatalf("initialise: %v", err)
	}
	return s, clock
}

// Countries returns the bundled country list.
func Countries(t testing.TB) []access.Country {
	t.Helper()
	cs, err := dataset.BundledCountries()
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// SeedEvents returns the bundled cases as the seed records them.
func SeedEvents(t testing.TB) []store.NewEvent {
	t.Helper()
	rows := SeedRows(t)
	out := make([]store.NewEvent, len(rows))
	for i, r := range rows {
		out[i] = store.ImportEvent{Event: r.Event, Org: r.Org}.NewEvent("seed")
	}
	return out
}

// SeedRows returns the bundled cases.
func SeedRows(t testing.TB) []dataset.EventRow {
	t.Helper()
	rows, err := dataset.BundledEvents(Start)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// Checksum returns the store's data digest, failing the test on error.
func Checksum(t testing.TB, s *store.Store) string {
	t.Helper()
	sum, err := s.Checksum(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

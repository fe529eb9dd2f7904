package store

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/dataset"
)

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// openTest opens a new database in a temporary directory.
func openTest(t testing.TB) (*Store, *testClock) {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"), Options{Now: clock.Now})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clock
}

func bundledCountries(t testing.TB) []access.Country {
	t.Helper()
	cs, err := dataset.BundledCountries()
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func bundledRows(t testing.TB) []dataset.EventRow {
	t.Helper()
	rows, err := dataset.BundledEvents(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// seedEvents is what the seed records for rows of the bundled cases.
func seedEvents(rows []dataset.EventRow) []NewEvent {
	out := make([]NewEvent, len(rows))
	for i, r := range rows {
		out[i] = ImportEvent{Event: r.Event, Org: r.Org}.NewEvent("seed")
	}
	return out
}

// openSeeded opens a new database loaded with the bundled data.
func openSeeded(t testing.TB) (*Store, *testClock) {
	t.Helper()
	s, clock := openTest(t)
	if _, err := s.Initialise(context.Background(), bundledCountries(t), seedEvents(bundledRows(t))); err != nil {
		t.Fatalf("initialise: %v", err)
	}
	return s, clock
}

// count runs a COUNT(*) query on the reader.
func count(t testing.TB, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.reader.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func checksum(t testing.TB, s *Store) string {
	t.Helper()
	sum, err := s.Checksum(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// queryPlan returns SQLite's plan for a query, one step a line.
func queryPlan(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.reader.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	return b.String()
}

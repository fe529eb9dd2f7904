package web

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/metrics"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/static"
)

// countingStore counts the reads that show whether a page was rendered
// (the overview reads the headline figures) and whether the metrics
// exporter took a new snapshot.
type countingStore struct {
	*store.Store
	headlines, metricsReads atomic.Int64
}

func (c *countingStore) Headline(ctx context.Context, since access.Date) (access.Headline, error) {
	c.headlines.Add(1)
	return c.Store.Headline(ctx, since)
}

func (c *countingStore) MetricsData(ctx context.Context) (store.MetricsData, error) {
	c.metricsReads.Add(1)
	return c.Store.MetricsData(ctx)
}

// commits counts the commits made to a database file since the last call,
// as SQLite reports them to another connection (PRAGMA data_version moves
// when another connection commits): the proof that logins and session
// touches did write.
func commits(t *testing.T, path string) func() bool {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // data_version is per connection: keep one
	t.Cleanup(func() { db.Close() })
	read := func() int64 {
		var v int64
		if err := db.QueryRow(`PRAGMA data_version`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	last := read()
	return func() bool {
		v := read()
		moved := v != last
		last = v
		return moved
	}
}

// TestOnlyDomainWritesInvalidate: 20 failed logins and 20 session touches
// leave the data version, the page cache and the metrics snapshot as they
// were; one recorded event moves all three.
func TestOnlyDomainWritesInvalidate(t *testing.T) {
	st, clock := storetest.OpenSeeded(t)
	cs := &countingStore{Store: st}
	exp, err := metrics.New(cs, metrics.Options{})
	if err != nil {
		t.Fatal(err)
	}
	assets, err := static.New()
	if err != nil {
		t.Fatal(err)
	}
	f := &adminFixture{t: t, st: st, clock: clock, srv: New(cs, Options{Logger: slog.New(slog.DiscardHandler),
		Locale: i18n.English(), Assets: assets, Now: clock.Now, Metrics: exp.Handler()})}
	f.addUser("ada", access.RoleAdmin)

	// state renders the overview and scrapes /metrics, and says how often
	// each was built from the database so far.
	state := func() (version uint64, overviews, snapshots int64) {
		t.Helper()
		version = st.Generation()
		if w := f.get("/", nil); w.Code != http.StatusOK {
			t.Fatalf("overview: %d", w.Code)
		}
		if w := f.get("/metrics", nil); w.Code != http.StatusOK {
			t.Fatalf("/metrics: %d", w.Code)
		}
		return version, cs.headlines.Load(), cs.metricsReads.Load()
	}
	v0, o0, m0 := state()
	if o0 != 1 || m0 != 1 {
		t.Fatalf("first overview and scrape read %d and %d times, want 1 each", o0, m0)
	}
	wrote := commits(t, st.Path())

	for i := range 20 {
		clock.Advance(2 * time.Second) // past the store's poll for other writers
		// Strangers guessing, each under a name and from an address of
		// their own (the throttle would stop recording after a few).
		name := []string{"ada", "root", "admin", "editor"}[i%4] + strconv.Itoa(i)
		w := f.do(request{method: http.MethodPost, target: "/admin/login", remote: "198.51.100." + strconv.Itoa(i+1) + ":4321",
			form: url.Values{"username": {name}, "password": {"wrong"}}})
		if w.Code == http.StatusSeeOther || w.Code == http.StatusTooManyRequests {
			t.Fatalf("failed login %d: %d (want refused as a wrong password, not logged in or throttled)", i, w.Code)
		}
		if !wrote() {
			t.Fatalf("failed login %d wrote nothing", i)
		}
	}
	ada := f.login("ada")
	wrote()
	for i := range 20 {
		clock.Advance(time.Minute) // a session is touched at most once a minute
		if w := f.get("/admin/orgs", ada); w.Code != http.StatusOK {
			t.Fatalf("admin page: %d", w.Code)
		}
		if !wrote() {
			t.Fatalf("session touch %d wrote nothing", i)
		}
	}
	if v, o, m := state(); v != v0 || o != o0 || m != m0 {
		t.Errorf("after failed logins and session touches: version %d → %d, overview rendered %d → %d, metrics read %d → %d",
			v0, v, o0, o, m0, m)
	}

	if w := f.post("/admin/countries/NER/orgs/acted/events/new", actedEvent(f.actedVersion()), ada); w.Code != http.StatusSeeOther {
		t.Fatalf("record an event: %d", w.Code)
	}
	if v, o, m := state(); v == v0 || o != o0+1 || m != m0+1 {
		t.Errorf("after one event: version %d → %d, overview rendered %d → %d, metrics read %d → %d (want each moved, once)",
			v0, v, o0, o, m0, m)
	}
}

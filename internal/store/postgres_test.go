package store

import (
	"context"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/pgtest"
)

// eventually waits (real time, generously bounded) for cond; the tests
// below are about what happens, not how fast.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 15 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func classEvent(url string) NewEvent {
	return NewEvent{Event: access.Event{CountryCode: "MLI", Date: access.MustParseDate("2025-03"),
		Type: access.EventClassBanAnnounced, Sources: []access.Source{{Publisher: "T", URL: url, Type: access.SourceNews}}},
		Actor: "test"}
}

// TestListenFallsBackToPolling: when the listening connection is cut
// (here by the server: pg_terminate_backend), another instance's commit
// still reaches this one's Generation, and the listener comes back.
func TestListenFallsBackToPolling(t *testing.T) {
	ctx := context.Background()
	a, _ := openSeededOn(t, Postgres) // the test's clock stands still: polls are due only once
	b, err := Open(ctx, a.dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	eventually(t, "a's listener up", a.version.listening.Load)
	eventually(t, "b's listener up", b.version.listening.Load)

	var cut int
	if err := b.writer.QueryRowContext(ctx, `SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = ? AND datname = current_database()`, listenerName).Scan(&cut); err != nil {
		t.Fatal(err)
	}
	if cut < 2 { // a's and b's listeners
		t.Fatalf("terminated %d listening connections, want 2", cut)
	}
	if _, err := b.RecordEvent(ctx, classEvent("https://example.org/after-cut")); err != nil {
		t.Fatal(err)
	}
	want := b.Generation()
	eventually(t, "a follows b's commit after its listener was cut", func() bool { return a.Generation() == want })
	eventually(t, "listener back", a.version.listening.Load)
	if _, err := b.RecordEvent(ctx, classEvent("https://example.org/after-reconnect")); err != nil {
		t.Fatal(err)
	}
	want = b.Generation()
	eventually(t, "a follows b's next commit", func() bool { return a.Generation() == want })
}

// TestPingFollowsTheServer: while the server is down Ping fails (so
// /readyz answers 503), and once it is back Ping, reads and writes work
// again on the same Store, without reopening it.
func TestPingFollowsTheServer(t *testing.T) {
	cluster, url := pgtest.OwnCluster(t)
	ctx := context.Background()
	s, err := Open(ctx, url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Initialise(ctx, bundledCountries(t), nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	restarted := false
	defer func() {
		if !restarted {
			_ = cluster.Start()
		}
	}()
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	err = s.Ping(pctx)
	cancel()
	if err == nil {
		t.Fatal("Ping succeeded with the server stopped")
	}
	if _, err := s.RecordEvent(ctx, classEvent("https://example.org/while-down")); err == nil {
		t.Fatal("a write succeeded with the server stopped")
	}
	if err := cluster.Start(); err != nil {
		t.Fatal(err)
	}
	restarted = true
	eventually(t, "Ping after restart", func() bool { return s.Ping(ctx) == nil })
	before := s.Generation()
	if _, err := s.RecordEvent(ctx, classEvent("https://example.org/after-restart")); err != nil {
		t.Fatalf("write after restart: %v", err)
	}
	if s.Generation() <= before {
		t.Error("the version did not move after the write")
	}
	if _, _, err := s.Events(ctx, EventFilter{Country: "MLI"}); err != nil {
		t.Fatalf("read after restart: %v", err)
	}
}

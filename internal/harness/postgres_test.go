package harness

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/accesswatch/accesswatch/internal/pgtest"
)

// Several `accesswatch serve` processes on one PostgreSQL database (issue
// 20), driven over HTTP like the other harnesses. The database is checked
// afterwards with SQL of this file, not through internal/store.

// get fetches base+path with client and returns the status and body.
func get(ctx context.Context, client *http.Client, u string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// startPair starts two servers on one new PostgreSQL database with n
// editors' accounts.
func startPair(t *testing.T, n int) (a, b *Server, accounts []Account, url string) {
	t.Helper()
	prod, _ := binaries(t)
	ctx := context.Background()
	url = pgtest.URL(t)
	bin := Binary{Path: prod}
	var err error
	if accounts, err = bin.Accounts(ctx, url, n); err != nil {
		t.Fatal(err)
	}
	for _, s := range []**Server{&a, &b} {
		if *s, err = bin.Start(ctx, ServerOptions{DB: url}); err != nil {
			t.Fatal(err)
		}
		srv := *s
		t.Cleanup(func() {
			select {
			case <-srv.done:
			default:
				srv.Kill()
			}
			if p := LogProblems(srv.Log()); len(p) > 0 {
				t.Errorf("server log: %v", p)
			}
		})
	}
	return a, b, accounts, url
}

// TestTwoInstancesShareSessionsAndFollowChanges: a session made on A is
// valid on B; an event recorded on A is on B's record page and in B's
// /metrics within 3 seconds.
func TestTwoInstancesShareSessionsAndFollowChanges(t *testing.T) {
	ctx := context.Background()
	a, b, accounts, _ := startPair(t, 1)

	stats := NewStats()
	ed, err := Login(ctx, a.URL, accounts[0], stats)
	if err != nil {
		t.Fatal(err)
	}
	// The login's cookie (cookies do not depend on the port) sent to B.
	if code, _, err := get(ctx, ed.client, b.URL+"/admin/"); err != nil || code != http.StatusOK {
		t.Fatalf("A's session on B: status %d, %v; want 200", code, err)
	}
	jar, _ := cookiejar.New(nil)
	stranger := &http.Client{Jar: jar, CheckRedirect: noRedirects}
	if code, _, err := get(ctx, stranger, b.URL+"/admin/"); err != nil || code != http.StatusSeeOther {
		t.Fatalf("no session on B: status %d, %v; want 303 to the login", code, err)
	}

	targets, err := Targets(ctx, a.URL, 5)
	if err != nil {
		t.Fatal(err)
	}
	tg := targets[0]
	// Warm B's caches first, so that what B shows afterwards is a cache
	// that followed the change, not a first render.
	page := b.URL + "/countries/" + tg.Country + "/orgs/" + tg.Org
	if code, _, err := get(ctx, http.DefaultClient, page); err != nil || code != http.StatusOK {
		t.Fatalf("B's record page: %d, %v", code, err)
	}
	if code, _, err := get(ctx, http.DefaultClient, b.URL+"/metrics"); err != nil || code != http.StatusOK {
		t.Fatalf("B's /metrics: %d, %v", code, err)
	}
	marker := fmt.Sprintf("pg-follow-%d", time.Now().UnixNano())
	out, err := ed.RecordStatus(ctx, tg, marker, 0) // statusCycle[0]: suspended
	if err != nil || out != Acknowledged {
		t.Fatalf("record on A: %v, %v", out, err)
	}
	acked := time.Now()
	series := fmt.Sprintf(`accesswatch_presence_status{country=%q,org=%q,status="suspended"} 1`, tg.Country, tg.Org)
	var onPage, onMetrics time.Duration
	for onPage == 0 || onMetrics == 0 {
		if time.Since(acked) > 3*time.Second {
			t.Fatalf("after 3 s: on B's page after %v, in B's /metrics after %v (0: not yet)", onPage, onMetrics)
		}
		if onPage == 0 {
			if _, body, err := get(ctx, http.DefaultClient, page); err == nil && strings.Contains(body, marker) {
				onPage = time.Since(acked)
			}
		}
		if onMetrics == 0 {
			if _, body, err := get(ctx, http.DefaultClient, b.URL+"/metrics"); err == nil && strings.Contains(body, series) {
				onMetrics = time.Since(acked)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("an event acknowledged by A was on B's page after %v and in B's /metrics after %v", onPage.Round(time.Millisecond), onMetrics.Round(time.Millisecond))
}

// TestEditorsThroughTwoInstancesWithAKill: four editors write status
// changes through both instances for 20 s; A is killed with SIGKILL
// mid-run and its editors carry on through B with the same sessions.
// Afterwards every acknowledged write is in the database exactly once,
// whole (its source and its audit row), every unanswered one at most once,
// and no event exists that nobody sent.
func TestEditorsThroughTwoInstancesWithAKill(t *testing.T) {
	ctx := context.Background()
	a, b, accounts, url := startPair(t, 4)
	targets, err := Targets(ctx, a.URL, 8)
	if err != nil {
		t.Fatal(err)
	}
	stats := NewStats()
	prefix := fmt.Sprintf("pgkill-%d-", time.Now().UnixNano())
	var mu sync.Mutex
	var writes []Write
	end := time.Now().Add(20 * time.Second)
	killAt := time.Now().Add(8 * time.Second)
	var wg sync.WaitGroup
	for i, acc := range accounts {
		base := a.URL
		if i%2 == 1 {
			base = b.URL
		}
		ed, err := Login(ctx, base, acc, stats)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; time.Now().Before(end); n++ {
				tg := targets[(i+n)%len(targets)]
				marker := fmt.Sprintf("%s%d-%d", prefix, i, n)
				out, err := ed.RecordStatus(ctx, tg, marker, n)
				mu.Lock()
				writes = append(writes, Write{Marker: marker, Target: tg, Outcome: out})
				mu.Unlock()
				if err != nil && ed.base == a.URL {
					ed.base = b.URL // as a load balancer would: A is gone, B has the session too
				}
			}
		}()
	}
	time.Sleep(time.Until(killAt))
	a.Kill()
	wg.Wait()

	acked, unknown, unknownHeld, rejected := checkWritesPG(t, url, prefix, writes, false)
	if acked < 20 {
		t.Errorf("only %d acknowledged writes in 20 s", acked)
	}
	t.Logf("%d writes: %d acknowledged (all held once), %d unanswered when A was killed (%d committed), %d rejected; %d conflicts retried",
		len(writes), acked, unknown, unknownHeld, rejected, stats.Summary().Conflicts)
}

// checkWritesPG checks the harness's writes (events whose description
// starts with prefix) in the PostgreSQL database at url with SQL of its
// own: every acknowledged write exactly once with its source and its audit
// row, every unanswered one at most once, every rejected one absent — or
// at most once when rejectedMayHold (an error answer while the database
// went away can follow a commit the server could not confirm) — and no
// event that nobody sent.
func checkWritesPG(t *testing.T, url, prefix string, writes []Write, rejectedMayHold bool) (acked, unknown, unknownHeld, rejected int) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	type held struct{ events, sources, audits int }
	found := map[string]*held{}
	rows, err := conn.Query(ctx, `SELECT e.description,
		(SELECT COUNT(*) FROM event_sources s WHERE s.event_id = e.id),
		(SELECT COUNT(*) FROM audit x WHERE x.action = 'event.create' AND x.entity = 'record'
			AND (x.after::json->>'event_id')::bigint = e.id)
		FROM events e WHERE starts_with(e.description, $1)`, prefix)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var marker string
		var srcs, audits int
		if err := rows.Scan(&marker, &srcs, &audits); err != nil {
			t.Fatal(err)
		}
		h := found[marker]
		if h == nil {
			h = &held{}
			found[marker] = h
		}
		h.events++
		h.sources += srcs
		h.audits += audits
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sent := map[string]bool{}
	for _, w := range writes {
		sent[w.Marker] = true
		h := found[w.Marker]
		if h == nil {
			h = &held{}
		}
		switch w.Outcome {
		case Acknowledged:
			acked++
			if h.events != 1 || h.sources != 1 || h.audits != 1 {
				t.Errorf("acknowledged write %s: %d events, %d sources, %d audit rows; want 1 each", w.Marker, h.events, h.sources, h.audits)
			}
		case Unknown:
			unknown++
			if h.events > 1 {
				t.Errorf("unanswered write %s: %d events, want 0 or 1", w.Marker, h.events)
			}
			unknownHeld += h.events
		default:
			rejected++
			if h.events > 1 || h.events == 1 && !rejectedMayHold {
				t.Errorf("rejected write %s: %d events", w.Marker, h.events)
			}
		}
	}
	for m := range found {
		if !sent[m] {
			t.Errorf("event %s was never sent", m)
		}
	}
	return acked, unknown, unknownHeld, rejected
}

// TestPostgresRestartUnderLoad: two instances with an editor writing
// through each; PostgreSQL (a cluster of the test's own) is stopped and
// started again. Each instance's /readyz answers 503 while it is down and
// 200 after, the processes keep running throughout, and every
// acknowledged write is held exactly once.
func TestPostgresRestartUnderLoad(t *testing.T) {
	ctx := context.Background()
	cluster, url := pgtest.OwnCluster(t)
	prod, _ := binaries(t)
	bin := Binary{Path: prod}
	accounts, err := bin.Accounts(ctx, url, 2)
	if err != nil {
		t.Fatal(err)
	}
	var servers []*Server
	for range 2 {
		s, err := bin.Start(ctx, ServerOptions{DB: url})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Kill()
		servers = append(servers, s)
	}
	targets, err := Targets(ctx, servers[0].URL, 6)
	if err != nil {
		t.Fatal(err)
	}
	stats := NewStats()
	prefix := fmt.Sprintf("pgrestart-%d-", time.Now().UnixNano())
	var mu sync.Mutex
	var writes []Write
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i, acc := range accounts {
		ed, err := Login(ctx, servers[i].URL, acc, stats)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				tg := targets[(i+n)%len(targets)]
				marker := fmt.Sprintf("%s%d-%d", prefix, i, n)
				out, err := ed.RecordStatus(ctx, tg, marker, n)
				mu.Lock()
				writes = append(writes, Write{Marker: marker, Target: tg, Outcome: out})
				mu.Unlock()
				if err != nil {
					time.Sleep(50 * time.Millisecond)
				}
			}
		}()
	}
	ready := func(s *Server) int {
		code, _, err := get(ctx, &http.Client{Timeout: 5 * time.Second}, s.URL+"/readyz")
		if err != nil {
			return 0
		}
		return code
	}
	waitAll := func(want int, limit time.Duration) {
		t.Helper()
		deadline := time.Now().Add(limit)
		for _, s := range servers {
			for ready(s) != want {
				if time.Now().After(deadline) {
					t.Fatalf("%s/readyz did not answer %d within %s", s.URL, want, limit)
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
	}
	waitAll(http.StatusOK, 10*time.Second)
	time.Sleep(3 * time.Second)
	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	waitAll(http.StatusServiceUnavailable, 15*time.Second)
	time.Sleep(2 * time.Second)
	if err := cluster.Start(); err != nil {
		t.Fatal(err)
	}
	waitAll(http.StatusOK, 30*time.Second)
	mu.Lock()
	before := len(writes)
	mu.Unlock()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	for _, s := range servers {
		select {
		case <-s.done:
			t.Fatalf("%s exited: %v\n%s", s.URL, s.waitErr, s.Log())
		default:
		}
	}
	afterRestart := 0
	for _, w := range writes[before:] {
		if w.Outcome == Acknowledged {
			afterRestart++
		}
	}
	if afterRestart == 0 {
		t.Error("no write acknowledged after the restart")
	}
	acked, unknown, _, rejected := checkWritesPG(t, url, prefix, writes, true)
	t.Logf("%d writes: %d acknowledged (all held once; %d after the restart), %d unanswered, %d refused while the database was down",
		len(writes), acked, afterRestart, unknown, rejected)
}

// TestCopyThenSamePages: the bundled SQLite database, copied to
// PostgreSQL with `accesswatch copy`, gives the same public pages, API
// answers and CSV exports, byte for byte, from a server on each.
func TestCopyThenSamePages(t *testing.T) {
	prod, _ := binaries(t)
	ctx := context.Background()
	bin := Binary{Path: prod}
	file := filepath.Join(t.TempDir(), "bundled.db")
	lite, err := bin.Start(ctx, ServerOptions{DB: file}) // creates and seeds the file
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lite.Terminate(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	url := pgtest.URL(t)
	if out, err := bin.run(ctx, "", "copy", "--from", file, "--to", url); err != nil {
		t.Fatal(err)
	} else {
		t.Log("\n" + out)
	}
	servers := map[string]*Server{}
	for name, db := range map[string]string{"sqlite": file, "postgres": url} {
		s, err := bin.Start(ctx, ServerOptions{DB: db})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Kill()
		servers[name] = s
	}
	paths := []string{"/", "/countries", "/orgs", "/countries/NER", "/orgs/icrc", "/countries/NER/orgs/icrc",
		"/changes", "/changes.atom", "/about", "/data", "/map", "/badge/NER/icrc.svg",
		"/?lang=fr", "/countries/NER/orgs/icrc?lang=fr", "/export/class-measures.csv", "/api/v1/class-measures",
		"/api/v1/countries", "/api/v1/orgs", "/api/v1/records", "/api/v1/records?country=NER", "/api/v1/events",
		"/api/v1/events?country=NER&limit=5", "/api/v1/records?q=red&flagged=true",
		"/export/records.csv", "/export/events.csv", "/countries?q=ni", "/changes?status=expelled"}
	var compared int
	for _, p := range paths {
		codeL, bodyL, errL := get(ctx, http.DefaultClient, servers["sqlite"].URL+p)
		codeP, bodyP, errP := get(ctx, http.DefaultClient, servers["postgres"].URL+p)
		if errL != nil || errP != nil {
			t.Fatalf("%s: %v, %v", p, errL, errP)
		}
		// The one difference by design: each server names itself by its own
		// address in absolute links (feed, /data examples, citation).
		bodyL = strings.ReplaceAll(bodyL, servers["sqlite"].URL, "http://SERVER")
		bodyP = strings.ReplaceAll(bodyP, servers["postgres"].URL, "http://SERVER")
		if codeL != http.StatusOK {
			t.Errorf("%s: %d from SQLite: the comparison needs pages that exist", p, codeL)
		}
		if codeL != codeP || bodyL != bodyP {
			t.Errorf("%s: SQLite %d (%d bytes), PostgreSQL %d (%d bytes)", p, codeL, len(bodyL), codeP, len(bodyP))
			if os.Getenv("ACCESSWATCH_PG_DIFF") != "" {
				_ = os.WriteFile(filepath.Join(os.TempDir(), "aw-lite"+strings.ReplaceAll(p, "/", "_")), []byte(bodyL), 0o600)
				_ = os.WriteFile(filepath.Join(os.TempDir(), "aw-pg"+strings.ReplaceAll(p, "/", "_")), []byte(bodyP), 0o600)
			}
			continue
		}
		compared++
	}
	t.Logf("%d of %d paths byte for byte identical from SQLite and from its PostgreSQL copy (each server's own address aside)", compared, len(paths))
}

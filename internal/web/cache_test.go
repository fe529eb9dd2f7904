package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
)

// countingServer wraps a handler in the cache and counts renders.
func countingServer(t *testing.T) (*Server, http.Handler, *atomic.Int32, *store.Store) {
	t.Helper()
	srv, st := newTestServer(t)
	var renders atomic.Int32
	h := srv.cached(func(w http.ResponseWriter, r *http.Request) error {
		renders.Add(1)
		if r.URL.Query().Get("fail") != "" {
			return srv.kit.BadRequest("no")
		}
		recs, _, err := st.Records(r.Context(), store.RecordFilter{Country: "NER"})
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		for _, rec := range recs {
			fmt.Fprintf(w, "%s %s %s\n", rec.OrgSlug, rec.Status, strings.Repeat("padding ", 100))
		}
		return nil
	})
	return srv, h, &renders, st
}

func do(h http.Handler, target string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestCacheServesFromMemoryAndAnswers304WithoutRendering(t *testing.T) {
	_, h, renders, _ := countingServer(t)
	first := do(h, "/x?b=2&a=1", nil)
	etag := first.Header().Get("ETag")
	if first.Code != 200 || etag == "" || renders.Load() != 1 {
		t.Fatalf("first: %d etag %q renders %d", first.Code, etag, renders.Load())
	}
	second := do(h, "/x?a=1&b=2", nil) // same query, other order
	if second.Body.String() != first.Body.String() || renders.Load() != 1 {
		t.Errorf("second request rendered again (%d renders)", renders.Load())
	}
	notModified := do(h, "/x?a=1&b=2", map[string]string{"If-None-Match": etag})
	if notModified.Code != http.StatusNotModified || notModified.Body.Len() != 0 || renders.Load() != 1 {
		t.Errorf("conditional GET: %d, %d bytes, %d renders", notModified.Code, notModified.Body.Len(), renders.Load())
	}
	if do(h, "/x?a=1&b=2", map[string]string{"If-None-Match": `"other", ` + etag}).Code != http.StatusNotModified {
		t.Error("a list of tags containing ours must match")
	}
	if do(h, "/x?a=1&b=2", map[string]string{"If-None-Match": `"other"`}).Code != http.StatusOK {
		t.Error("a different tag must get the body")
	}
}

func TestCacheIsInvalidatedByACommit(t *testing.T) {
	_, h, renders, st := countingServer(t)
	before := do(h, "/x", nil)
	acted, _ := st.Record(context.Background(), "NER", "acted")
	_, err := st.RecordEvent(context.Background(), store.NewEvent{
		Event: access.Event{CountryCode: "NER", OrgSlug: "acted", Date: access.MustParseDate("2026-02-01"),
			Type: access.EventResumptionAuthorised, StatusAfter: access.StatusOperating, InitiatedBy: access.InitiatedByAuthority,
			Sources: []access.Source{{Publisher: "P", URL: "https://p.example/"}}},
		ExpectedVersion: acted.Version, Actor: "t",
	})
	if err != nil {
		t.Fatal(err)
	}
	after := do(h, "/x", map[string]string{"If-None-Match": before.Header().Get("ETag")})
	if after.Code != http.StatusOK || renders.Load() != 2 {
		t.Fatalf("after a commit: %d, %d renders", after.Code, renders.Load())
	}
	if !strings.Contains(after.Body.String(), "acted operating") {
		t.Error("stale content after a commit")
	}
	if after.Header().Get("ETag") == before.Header().Get("ETag") {
		t.Error("changed content kept its ETag")
	}
}

func TestCacheGzip(t *testing.T) {
	_, h, _, _ := countingServer(t)
	plain := do(h, "/x", nil)
	zipped := do(h, "/x", map[string]string{"Accept-Encoding": "br, gzip"})
	if zipped.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(zipped.Header().Get("Vary"), "Accept-Encoding") {
		t.Fatalf("headers %v", zipped.Header())
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if string(body) != plain.Body.String() || zipped.Body.Len() >= plain.Body.Len() {
		t.Errorf("gzip body: %d bytes → %d", plain.Body.Len(), zipped.Body.Len())
	}
	if do(h, "/x", map[string]string{"Accept-Encoding": "gzip;q=0"}).Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 means no gzip")
	}
}

func TestCacheDoesNotKeepErrors(t *testing.T) {
	srv, h, renders, _ := countingServer(t)
	for range 2 {
		if rec := do(h, "/x?fail=1", nil); rec.Code != http.StatusBadRequest {
			t.Errorf("status %d", rec.Code)
		}
	}
	if renders.Load() != 2 || srv.cache.len() != 0 {
		t.Errorf("an error answer was cached (%d renders, %d entries)", renders.Load(), srv.cache.len())
	}
}

func TestCacheIsBounded(t *testing.T) {
	c := newPageCache(3, 1<<20)
	for i := range 10 {
		c.put(&cachedResponse{key: fmt.Sprint(i), body: []byte("x")})
	}
	if c.len() != 3 || c.get("9", 0) == nil || c.get("0", 0) != nil {
		t.Errorf("entries %d", c.len())
	}
	small := newPageCache(100, 4000)
	for i := range 10 {
		small.put(&cachedResponse{key: fmt.Sprint(i), body: bytes.Repeat([]byte("y"), 500)})
	}
	if small.bytes > 4000 {
		t.Errorf("%d bytes held, bound 4000", small.bytes)
	}
	small.put(&cachedResponse{key: "huge", body: bytes.Repeat([]byte("z"), 3000)})
	if small.get("huge", 0) != nil {
		t.Error("an entry over a quarter of the budget was kept")
	}
}

func TestOverviewIsCached(t *testing.T) {
	srv, _ := newTestServer(t)
	first := get(t, srv, "/")
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("If-None-Match", first.Header().Get("ETag"))
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("conditional GET of /: %d", rec.Code)
	}
	if rec.Header().Get("Content-Security-Policy") == "" {
		t.Error("a 304 from the cache lost the security headers")
	}
}

package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, target := range []string{"/", "/healthz", "/readyz", "/nope", "/static/app.css", "/static/missing.css"} {
		rec := get(t, srv, target)
		h := rec.Header()
		csp := h.Get("Content-Security-Policy")
		for _, d := range []string{"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("%s: CSP lacks %q", target, d)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code", target)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", target, h)
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain HTTP", target)
		}
	}
}

func TestNotFoundAndMethodNotAllowedPages(t *testing.T) {
	srv, _ := newTestServer(t)
	rec := get(t, srv, "/no/such/page")
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Page not found") {
		t.Errorf("404: %d %q", rec.Code, rec.Body.String())
	}
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Errorf("404 content type %q", rec.Header().Get("Content-Type"))
	}
	r := httptest.NewRequest(http.MethodDelete, "/healthz", nil)
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed || !strings.Contains(w.Header().Get("Allow"), "GET") {
		t.Errorf("405: %d, Allow %q", w.Code, w.Header().Get("Allow"))
	}
	if !strings.Contains(w.Body.String(), "<h1>") || w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("405 is not the site's page: %q", w.Body.String())
	}
	// The mux's redirect to a cleaned path passes through.
	w = get(t, srv, "/countries/../orgs")
	if w.Code < 300 || w.Code > 399 || w.Header().Get("Location") != "/orgs" {
		t.Errorf("unclean path: %d to %q", w.Code, w.Header().Get("Location"))
	}
	// A handler that matched answers its own 404, word for word.
	w = get(t, srv, "/countries/ZZZ")
	if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "ZZZ") {
		t.Errorf("a matched handler's 404 was replaced: %d %q", w.Code, w.Body.String())
	}
}

func TestStaticAssetsAreVersionedAndCached(t *testing.T) {
	srv, _ := newTestServer(t)
	doc := parse(t, get(t, srv, "/"))
	href, _ := doc.Find(`link[rel="stylesheet"]`).Attr("href")
	if !strings.HasPrefix(href, "/static/app.css?v=") {
		t.Fatalf("stylesheet link %q", href)
	}
	rec := get(t, srv, href)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("versioned asset: %d %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") {
		t.Errorf("content type %q", rec.Header().Get("Content-Type"))
	}
	if rec := get(t, srv, "/static/app.css?v=old"); strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
		t.Error("a stale version is cached as immutable")
	}
	if rec := get(t, srv, "/static/../go.mod"); rec.Code == http.StatusOK {
		t.Error("path traversal out of /static")
	}
}

// panicStore is a working store whose Records panics, as a bug would.
type panicStore struct{ Store }

func (panicStore) Records(context.Context, store.RecordFilter) ([]access.RecordView, int, error) {
	panic("bug")
}

func TestPanicsBecomeA500(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := newServerFor(t, panicStore{Store: st})
	rec := get(t, srv, "/")
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "bug") {
		t.Errorf("%d %q", rec.Code, rec.Body.String())
	}
}

func newStoreWithHostileOrg(t *testing.T) (*store.Store, *storetest.Clock) {
	t.Helper()
	st, clock := storetest.OpenCountriesOnly(t)
	_, err := st.RecordEvent(context.Background(), store.NewEvent{
		Event: access.Event{CountryCode: "MLI", OrgSlug: "hostile", Date: access.MustParseDate("2025-01-01"),
			Type: access.EventAuthorisationWithdrawn, StatusAfter: access.StatusBanned, InitiatedBy: access.InitiatedByAuthority,
			Sources: []access.Source{{Publisher: `"><img src=x onerror=alert(1)>`, URL: "https://example.org/a?b=<c>"}}},
		Org:             &access.Org{Name: "<script>alert(1)</script>", Acronym: "<b>X</b>", Type: access.OrgINGO},
		ExpectedVersion: 0, Actor: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	return st, clock
}

func emptyStore(t *testing.T) *store.Store {
	st, _ := storetest.OpenCountriesOnly(t)
	return st
}

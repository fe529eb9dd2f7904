package web

import (
	"net/http"
	"testing"
)

// TestSharedLinksWithTrackingParametersStillWork: a parameter the page does
// not take is dropped by a redirect to the canonical address, while a bad
// value of a parameter it does take is still a 400.
func TestSharedLinksWithTrackingParametersStillWork(t *testing.T) {
	srv, _ := newTestServer(t)
	for target, want := range map[string]string{
		"/?utm_source=newsletter&fbclid=x":          "/",
		"/countries?flagged=1&utm_campaign=c":       "/countries?flagged=1",
		"/countries/NER?ref=social":                 "/countries/NER",
		"/changes?country=NER&since=2024&gclid=abc": "/changes?country=NER&since=2024",
		"/countries?country=NER":                    "/countries",
		"/countries/NER/orgs/icrc?page=2":           "/countries/NER/orgs/icrc",
		"/orgs/nrc?type=ingo":                       "/orgs/nrc",
		"/changes.atom?page=2&country=NER":          "/changes.atom?country=NER",
	} {
		rec := get(t, srv, target)
		if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != want {
			t.Errorf("%s: %d → %q, want 301 → %q", target, rec.Code, rec.Header().Get("Location"), want)
		}
		if rec.Header().Get("Content-Security-Policy") == "" {
			t.Errorf("%s: redirect without security headers", target)
		}
		if got := get(t, srv, want); got.Code != http.StatusOK {
			t.Errorf("%s: the canonical address answers %d", want, got.Code)
		}
	}
	if rec := get(t, srv, "/countries?status=gone&utm_source=x"); rec.Code != http.StatusBadRequest {
		t.Errorf("a bad status value with a tracking parameter: %d, want 400", rec.Code)
	}
}

package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// The map and the trends on the dashboard pages (issue 8's placement).

// trendCountingStore counts the reads of every record event, which only a
// rendering (a cache miss) of a page with a map or trends makes.
type trendCountingStore struct {
	Store
	reads *atomic.Int64
}

func (s trendCountingStore) TrendEvents(ctx context.Context, country string) ([]access.Event, error) {
	s.reads.Add(1)
	return s.Store.TrendEvents(ctx, country)
}

func TestOverviewShowsTheMapAndTrends(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	var reads atomic.Int64
	srv := newVisualServerOver(t, trendCountingStore{Store: st, reads: &reads})
	rec := get(t, srv, "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	doc := parse(t, rec)
	section := doc.Find(`section[aria-labelledby="map-heading"]`)
	if section.Find("h2#map-heading").Text() == "" || section.Find(`a[href="/map"]`).Length() != 1 {
		t.Error("the map has no heading or no link to the larger map")
	}
	ner := section.Find(`figure#overview-map svg a[href="/countries/NER"]`)
	if ner.Length() != 1 || ner.Find("path.map-country.map--expelled").Length() != 1 {
		t.Fatalf("Niger is not linked to its page and shaded expelled on the overview (%d links)", ner.Length())
	}
	flagged, _, err := st.Records(context.Background(), store.RecordFilter{Country: "NER", FlaggedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if title, want := ner.ChildrenFiltered("title").Text(), fmt.Sprintf("Niger: %d organisations flagged", len(flagged)); !strings.HasPrefix(title, want) {
		t.Errorf("Niger's title %q, want %q…", title, want)
	}
	if section.Find("details.map-table table caption").Length() != 1 {
		t.Error("the map has no table fallback")
	}
	// The site's trends, each chart with its table.
	for _, id := range []string{"trend-changes-recent", "trend-flagged-recent", "trend-changes-all", "trend-flagged-all"} {
		if doc.Find("section.trends figure#"+id+" svg[role=img]").Length() != 1 || doc.Find("figure#"+id+" details table").Length() != 1 {
			t.Errorf("no chart %s with its table", id)
		}
	}
	perMonth, _ := seededChanges(t, "")
	checkRecentBars(t, doc.Find("#trend-changes-recent rect.chart-bar"), perMonth)
	// The ranking marks each country's trend.
	if got := doc.Find(`#ranking tr[data-country="NER"] .trend--stable`).Text(); got != "Stable" {
		t.Errorf("Niger's trend in the ranking: %q", got)
	}
	// The map is part of the cached page: hits and revalidations read nothing.
	if reads.Load() != 1 {
		t.Fatalf("%d event reads for one rendering", reads.Load())
	}
	if again := get(t, srv, "/"); again.Body.String() != rec.Body.String() {
		t.Error("a cache hit differs from the first answer")
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
	revalidated := httptest.NewRecorder()
	srv.ServeHTTP(revalidated, req)
	if revalidated.Code != http.StatusNotModified || reads.Load() != 1 {
		t.Errorf("revalidation: %d, %d event reads in all", revalidated.Code, reads.Load())
	}
}

func TestCountryPageShowsItsTrend(t *testing.T) {
	srv, st := newVisualServer(t)
	doc := parse(t, get(t, srv, "/countries/NER"))
	marker := doc.Find(`#country-figures [data-figure="trend"]`)
	if marker.Find(".trend--stable").Text() != "Stable" || !strings.Contains(marker.Text(), "six months earlier") {
		t.Errorf("trend figure: %q", strings.Join(strings.Fields(marker.Text()), " "))
	}
	// Niger's charts count Niger's events only.
	perMonth, perYear := seededChanges(t, "NER")
	checkRecentBars(t, doc.Find("section.trends #trend-NER-changes-recent rect.chart-bar"), perMonth)
	checkYearBars(t, doc.Find("section.trends #trend-NER-changes-all rect.chart-bar"), perYear)
	all, _ := seededChanges(t, "")
	if perMonth["2025-06"] == all["2025-06"] && perMonth["2009-03"] == all["2009-03"] {
		t.Error("the seed does not tell Niger's counts from everyone's: the test checks nothing")
	}
	var headings []string
	doc.Find("main h2:not(.visually-hidden)").Each(func(_ int, h *goquery.Selection) { headings = append(headings, h.AttrOr("id", "")) })
	if want := "country-records-heading country-timeline-heading trends-heading downloads-heading"; strings.Join(headings, " ") != want {
		t.Errorf("sections %v, want %s", headings, want)
	}

	// A new ban deteriorates Niger, and the cached pages follow the commit.
	org := access.Org{Slug: "msf", Name: "Médecins Sans Frontières", Acronym: "MSF", Type: access.OrgINGO}
	ev := access.Event{CountryCode: "NER", OrgSlug: "msf", Date: access.MustParseDate("2026-02-10"), Type: access.EventAuthorisationWithdrawn,
		StatusAfter: access.StatusBanned, InitiatedBy: access.InitiatedByAuthority, Verification: access.Verified,
		Sources: []access.Source{{Publisher: "p", URL: "https://example.org/", Type: access.SourceNews}}}
	if _, err := st.RecordEvent(context.Background(), store.NewEvent{Event: ev, Org: &org, ExpectedVersion: store.AnyVersion, Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	doc = parse(t, get(t, srv, "/countries/NER"))
	if got := doc.Find(`[data-figure="trend"] .trend--deteriorated`).Text(); got != "Deteriorated" {
		t.Errorf("after a new ban, Niger's trend figure says %q", got)
	}
	if got := doc.Find(`#trend-NER-changes-recent rect.chart-bar[data-key="2026-02"]`).AttrOr("data-value", ""); got != "1" {
		t.Errorf("February 2026 has %s status changes, want the new ban", got)
	}
	if got := parse(t, get(t, srv, "/countries")).Find(`#countries tr[data-country="NER"] .trend`).Text(); got != "Deteriorated" {
		t.Errorf("/countries marks Niger %q", got)
	}
}

func TestCountryPageWithoutRecordsHasNoTrend(t *testing.T) {
	srv, _ := newVisualServer(t)
	doc := parse(t, get(t, srv, "/countries/COD")) // a class-level measure, no record
	if doc.Find(`[data-figure="trend"] .trend`).Length() != 0 || !strings.Contains(doc.Find(`[data-figure="trend"] .value`).Text(), "—") {
		t.Errorf("trend figure without records: %q", doc.Find(`[data-figure="trend"]`).Text())
	}
	if doc.Find("section.trends svg").Length() != 0 || !strings.Contains(doc.Find("section.trends").Text(), "No events recorded yet.") {
		t.Error("charts drawn for a country without record events")
	}
}

func TestCountriesListMarksTrends(t *testing.T) {
	srv, st := newVisualServer(t)
	// The bundled data (version 2) has status changes in the six months up
	// to the test clock: the markers are the domain's verdicts, worded.
	events, err := st.TrendEvents(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	verdicts := access.CountryTrends(events, storetest.Start)
	words := map[access.Direction]string{access.Deteriorated: "Deteriorated", access.Stable: "Stable", access.Improved: "Improved"}
	moved := 0
	doc := parse(t, get(t, srv, "/countries"))
	header := doc.Find("#countries thead th").Last().Text()
	if header != "Trend (6 months)" {
		t.Errorf("last column %q", header)
	}
	rows := doc.Find("#countries tbody tr")
	if rows.Length() == 0 {
		t.Fatal("no countries")
	}
	seen := map[string]bool{}
	rows.Each(func(_ int, tr *goquery.Selection) {
		code := tr.AttrOr("data-country", "")
		seen[code] = true
		marker := tr.Find("td").Last().Find(".trend")
		switch code {
		case "COD", "MMR": // only class-level measures: nothing to compare
			if marker.Length() != 0 {
				t.Errorf("%s has a trend %q", code, marker.Text())
			}
		default:
			if want := words[verdicts[code]]; want == "" || marker.Text() != want {
				t.Errorf("%s: trend %q, want %q", code, marker.Text(), want)
			}
			if verdicts[code] != access.Stable {
				moved++
			}
		}
	})
	if !seen["COD"] || !seen["NER"] || moved == 0 {
		t.Errorf("countries listed: %v; %d moved", seen, moved)
	}
}

// TestNoPageRunsScript is the no-JavaScript design checked on every kind of
// page: no <script> element, no event-handler attribute, no javascript:
// link, and a CSP that allows no inline or evaluated script, so the pages
// work the same with JavaScript off (the browser test shows it).
func TestNoPageRunsScript(t *testing.T) {
	f := newAdminFixture(t)
	ada := f.login("ada")
	pages := map[string]*http.Cookie{"/map": nil, "/admin/login": nil, "/admin/": ada, "/admin/import": ada,
		"/admin/countries/NER/orgs/acted/events/new": ada}
	for _, target := range dashboardPages {
		if !strings.HasSuffix(target, ".atom") { // the feed is not HTML
			pages[target] = nil
		}
	}
	for target, cookie := range pages {
		w := f.get(target, cookie)
		if w.Code != http.StatusOK {
			t.Errorf("%s: %d", target, w.Code)
			continue
		}
		csp := w.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-") || strings.Contains(csp, "script-src") {
			t.Errorf("%s: CSP %q", target, csp)
		}
		doc := parse(t, w)
		if n := doc.Find("script, noscript").Length(); n != 0 {
			t.Errorf("%s: %d script elements", target, n)
		}
		doc.Find("*").Each(func(_ int, e *goquery.Selection) {
			for _, a := range e.Nodes[0].Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") || strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
					t.Errorf("%s: <%s %s=%q>", target, goquery.NodeName(e), a.Key, a.Val)
				}
			}
		})
	}
}

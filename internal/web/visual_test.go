package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/internal/web/site"
	"github.com/accesswatch/accesswatch/static"
	"github.com/accesswatch/accesswatch/templates"
)

// rawKey matches a catalogue key that reached a page untranslated.
var rawKey = regexp.MustCompile(`(map|trend|chart|badge|col|status)\.[a-z]`)

// newVisualServer serves the seeded database with the clock at
// storetest.Start, so the trend periods are fixed.
func newVisualServer(t testing.TB) (*Server, *store.Store) {
	t.Helper()
	st, _ := storetest.OpenSeeded(t)
	return newVisualServerOver(t, st), st
}

// newVisualServerOver serves st with the clock at storetest.Start.
func newVisualServerOver(t testing.TB, st Store) *Server {
	t.Helper()
	assets, err := static.New()
	if err != nil {
		t.Fatal(err)
	}
	return New(st, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Locale: i18n.English(), Assets: assets,
		Now: func() time.Time { return storetest.Start }})
}

func TestMapPage(t *testing.T) {
	srv, _ := newVisualServer(t)
	rec := get(t, srv, "/map")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	doc := parse(t, rec)
	if doc.Find(`#world-map svg a[href="/countries/NER"] path.map--expelled`).Length() != 1 {
		t.Error("/map does not mark Niger expelled with a link to its page")
	}
	if _, open := doc.Find("#world-map details.map-table").Attr("open"); !open {
		t.Error("the table is not shown on /map")
	}
	if doc.Find("#world-map tbody tr").Length() == 0 {
		t.Error("no rows in the map table")
	}
	for _, id := range []string{"trend-changes-recent", "trend-flagged-recent", "trend-changes-all", "trend-flagged-all"} {
		if doc.Find("figure#"+id+" svg[role=img]").Length() != 1 {
			t.Errorf("no chart %s", id)
		}
	}
	if doc.Find("[style]").Length() != 0 || doc.Find("script").Length() != 0 {
		t.Error("inline style or script on /map")
	}
	// Every word comes from the catalogue: no raw key, no broken format.
	if text := doc.Find("body").Text(); rawKey.MatchString(text) || strings.Contains(text, "%!") {
		t.Errorf("raw catalogue key or format error on /map: %q", rawKey.FindString(text))
	}
	// Cached: an ETag, and a 304 without a body for a client that has it.
	etag := rec.Header().Get("ETag")
	req := httptest.NewRequest(http.MethodGet, "/map", nil)
	req.Header.Set("If-None-Match", etag)
	again := httptest.NewRecorder()
	srv.ServeHTTP(again, req)
	if etag == "" || again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("revalidation: ETag %q, status %d", etag, again.Code)
	}
}

// seededChanges counts the bundled events that change a record's status
// (presence_recorded records a presence, not a change) (of
// one country; of all when country is ""), by the month and the year their
// date starts in: the charts' expected bars, computed from the CSV rows
// rather than through the store or the trend code.
func seededChanges(t *testing.T, country string) (perMonth, perYear map[string]int) {
	t.Helper()
	perMonth, perYear = map[string]int{}, map[string]int{}
	for _, row := range storetest.SeedRows(t) {
		e := row.Event
		if e.OrgSlug == "" || e.StatusAfter == "" || e.Type == access.EventPresenceRecorded || country != "" && e.CountryCode != country {
			continue
		}
		perMonth[e.Date.Start().Format("2006-01")]++
		perYear[e.Date.Start().Format("2006")]++
	}
	return perMonth, perYear
}

// recentStart is the first of the 24 months up to March 2026, the test
// clock's month (storetest.Start).
var recentStart = time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)

// checkRecentBars checks a chart of the last 24 months bar by bar against
// perMonth.
func checkRecentBars(t *testing.T, bars *goquery.Selection, perMonth map[string]int) {
	t.Helper()
	if bars.Length() != 24 {
		t.Fatalf("%d bars, want 24", bars.Length())
	}
	total := 0
	bars.Each(func(i int, b *goquery.Selection) {
		key, _ := b.Attr("data-key")
		value, _ := b.Attr("data-value")
		month := recentStart.AddDate(0, i, 0).Format("2006-01")
		want := perMonth[month]
		total += want
		if key != month || value != strconv.Itoa(want) {
			t.Errorf("bar %d: %s = %s, want %s = %d", i, key, value, month, want)
		}
		if title := b.Find("title").Text(); !strings.Contains(title, strconv.Itoa(want)) {
			t.Errorf("bar %d title %q lacks its count %d", i, title, want)
		}
	})
	if total == 0 {
		t.Error("no status change in the last 24 months: the test checks nothing")
	}
}

// checkYearBars checks an all-time chart, bar by bar, against perYear.
func checkYearBars(t *testing.T, bars *goquery.Selection, perYear map[string]int) {
	t.Helper()
	if bars.Length() == 0 {
		t.Fatal("no yearly bars")
	}
	bars.Each(func(_ int, b *goquery.Selection) {
		key, _ := b.Attr("data-key")
		value, _ := b.Attr("data-value")
		if value != strconv.Itoa(perYear[key]) {
			t.Errorf("year %s: %s changes, want %d", key, value, perYear[key])
		}
	})
}

// The chart's bars are the seeded events counted per month.
func TestTrendChartBarsMatchSeededEvents(t *testing.T) {
	srv, _ := newVisualServer(t)
	doc := parse(t, get(t, srv, "/map"))
	perMonth, perYear := seededChanges(t, "")
	bars := doc.Find("#trend-changes-recent rect.chart-bar")
	checkRecentBars(t, bars, perMonth)
	// The tallest bar reaches the top of the axis scale; an empty month has no height.
	heights := map[string]float64{}
	bars.Each(func(_ int, b *goquery.Selection) {
		v, _ := b.Attr("data-value")
		h, _ := b.Attr("height")
		heights[v], _ = strconv.ParseFloat(h, 64)
	})
	if heights["0"] != 0 {
		t.Errorf("an empty month has height %g", heights["0"])
	}
	checkYearBars(t, doc.Find("#trend-changes-all rect.chart-bar"), perYear)
	// Flagged at each month's end: fold each record's rows dated before it.
	dots := doc.Find("#trend-flagged-recent circle.chart-dot")
	if dots.Length() != 24 {
		t.Fatalf("%d points, want 24", dots.Length())
	}
	rows := storetest.SeedRows(t)
	dots.Each(func(i int, d *goquery.Selection) {
		end := recentStart.AddDate(0, i+1, 0)
		byRecord := map[string][]access.Event{}
		for j, row := range rows {
			e := row.Event
			e.ID = int64(j + 1) // file order is entry order
			if e.OrgSlug != "" && e.Date.Start().Before(end) {
				byRecord[e.CountryCode+"/"+e.OrgSlug] = append(byRecord[e.CountryCode+"/"+e.OrgSlug], e)
			}
		}
		want := 0
		for _, evs := range byRecord {
			if access.Fold(evs).FlaggedAt(end) { // a time-limited measure past its end is not flagged
				want++
			}
		}
		if v, _ := d.Attr("data-value"); v != strconv.Itoa(want) {
			t.Errorf("flagged at end of %s: %s, want %d", recentStart.AddDate(0, i, 0).Format("2006-01"), v, want)
		}
	})
}

// svgDoc is enough of an SVG document to check a badge.
type svgDoc struct {
	XMLName xml.Name `xml:"svg"`
	Width   string   `xml:"width,attr"`
	Title   string   `xml:"title"`
	Rects   []struct {
		Width string `xml:"width,attr"`
		Fill  string `xml:"fill,attr"`
	} `xml:"g>rect"`
	Texts []struct {
		Text string `xml:",chardata"`
	} `xml:"g>text"`
}

func parseBadge(t *testing.T, body []byte) svgDoc {
	t.Helper()
	var d svgDoc
	if err := xml.Unmarshal(body, &d); err != nil {
		t.Fatalf("badge is not well-formed XML: %v\n%s", err, body)
	}
	if bytes.Contains(body, []byte("style=")) || bytes.Contains(body, []byte("class=")) || bytes.Contains(body, []byte("<script")) {
		t.Errorf("badge relies on styles, classes or scripts: %s", body)
	}
	return d
}

func TestBadge(t *testing.T) {
	srv, _ := newVisualServer(t)
	rec := get(t, srv, "/badge/NER/icrc.svg")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	h := rec.Header()
	if h.Get("Content-Type") != "image/svg+xml" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("Content-Type %q, X-Content-Type-Options %q", h.Get("Content-Type"), h.Get("X-Content-Type-Options"))
	}
	if h.Get("Cache-Control") != site.BadgeCacheControl || h.Get("ETag") == "" {
		t.Errorf("Cache-Control %q, ETag %q", h.Get("Cache-Control"), h.Get("ETag"))
	}
	if h.Get("Cross-Origin-Resource-Policy") == "same-origin" {
		t.Error("CORP same-origin would stop other sites embedding the badge")
	}
	d := parseBadge(t, rec.Body.Bytes())
	if len(d.Texts) != 2 || d.Texts[0].Text != "ICRC · Niger" || d.Texts[1].Text != templates.StatusGlyph(access.StatusExpelled)+" Expelled" {
		t.Errorf("texts %+v", d.Texts)
	}
	if d.Title != "ICRC in Niger: Expelled (accesswatch)" {
		t.Errorf("title %q", d.Title)
	}
	if len(d.Rects) != 2 || d.Rects[1].Fill != templates.BadgeColour(access.StatusExpelled) {
		t.Fatalf("rects %+v, want the value part in the expelled colour", d.Rects)
	}
	lw, _ := strconv.ParseFloat(d.Rects[0].Width, 64)
	vw, _ := strconv.ParseFloat(d.Rects[1].Width, 64)
	if w, _ := strconv.ParseFloat(d.Width, 64); w != lw+vw || lw <= vw {
		t.Errorf("width %s, parts %g + %g", d.Width, lw, vw)
	}

	// Revalidation answers 304 and keeps the badge's caching.
	req := httptest.NewRequest(http.MethodGet, "/badge/NER/icrc.svg", nil)
	req.Header.Set("If-None-Match", h.Get("ETag"))
	again := httptest.NewRecorder()
	srv.ServeHTTP(again, req)
	if again.Code != http.StatusNotModified || again.Header().Get("Cache-Control") != site.BadgeCacheControl {
		t.Errorf("revalidation: %d, Cache-Control %q", again.Code, again.Header().Get("Cache-Control"))
	}
	// A banned record in the banned colour; lower-case country codes work too.
	acted := parseBadge(t, get(t, srv, "/badge/ner/acted.svg").Body.Bytes())
	if len(acted.Rects) != 2 || acted.Rects[1].Fill != templates.BadgeColour(access.StatusBanned) || acted.Texts[1].Text != templates.StatusGlyph(access.StatusBanned)+" Banned" {
		t.Errorf("Acted badge %+v", acted)
	}
}

func TestBadgeNotFound(t *testing.T) {
	srv, _ := newVisualServer(t)
	rec := get(t, srv, "/badge/NER/nobody.svg")
	if rec.Code != http.StatusNotFound || rec.Header().Get("Content-Type") != "image/svg+xml" || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("unknown record: %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"))
	}
	if d := parseBadge(t, rec.Body.Bytes()); len(d.Texts) != 2 || d.Texts[1].Text != "not found" {
		t.Errorf("not-found badge %+v", d)
	}
	for _, path := range []string{"/badge/NER/icrc.png", "/badge/NER/.svg", "/badge/NER/icrc"} {
		rec := get(t, srv, path)
		if rec.Code != http.StatusNotFound || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %q", path, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
}

func TestBadgeEscapesText(t *testing.T) {
	srv, st := newVisualServer(t)
	org := access.Org{Slug: "rd", Name: `Relief & Development <"Aid">`, Type: access.OrgINGO}
	ev := access.Event{CountryCode: "NER", OrgSlug: "rd", Date: access.MustParseDate("2025-01-01"), Type: access.EventPresenceRecorded,
		StatusAfter: access.StatusOperating, Verification: access.Verified,
		Sources: []access.Source{{Publisher: "p", URL: "https://example.org/", Type: access.SourceNews}}}
	if _, err := st.RecordEvent(context.Background(), store.NewEvent{Event: ev, Org: &org, ExpectedVersion: store.AnyVersion, Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	rec := get(t, srv, "/badge/NER/rd.svg")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	d := parseBadge(t, rec.Body.Bytes())
	if len(d.Texts) != 2 || d.Texts[0].Text != org.Name+" · Niger" {
		t.Errorf("texts %+v", d.Texts)
	}
	if bytes.Contains(rec.Body.Bytes(), []byte(`<"Aid">`)) {
		t.Error("markup in the name is not escaped")
	}
	// A longer label makes a wider badge.
	short := parseBadge(t, get(t, srv, "/badge/NER/icrc.svg").Body.Bytes())
	if a, b := mustFloat(t, d.Rects[0].Width), mustFloat(t, short.Rects[0].Width); a <= b {
		t.Errorf("label widths %g (long) and %g (short)", a, b)
	}
	if !slices.Contains([]string{templates.BadgeColour(access.StatusOperating)}, d.Rects[1].Fill) {
		t.Errorf("operating badge colour %s", d.Rects[1].Fill)
	}
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestMapFollowsNewEvents checks that the cached /map follows a commit:
// a ban recorded in Niger turns its trend from stable to deteriorated.
// (Package site's tests check the trend itself, and that the world map is
// built once.)
func TestMapFollowsNewEvents(t *testing.T) {
	srv, st := newVisualServer(t)
	ctx := context.Background()
	before := parse(t, get(t, srv, "/map")).Find(`#world-map tbody tr:has(a[href="/countries/NER"])`).Text()
	org := access.Org{Slug: "msf", Name: "Médecins Sans Frontières", Acronym: "MSF", Type: access.OrgINGO}
	ev := access.Event{CountryCode: "NER", OrgSlug: "msf", Date: access.MustParseDate("2026-02-10"), Type: access.EventAuthorisationWithdrawn,
		StatusAfter: access.StatusBanned, InitiatedBy: access.InitiatedByAuthority, Verification: access.Verified,
		Sources: []access.Source{{Publisher: "p", URL: "https://example.org/", Type: access.SourceNews}}}
	if _, err := st.RecordEvent(ctx, store.NewEvent{Event: ev, Org: &org, ExpectedVersion: store.AnyVersion, Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	after := parse(t, get(t, srv, "/map")).Find(`#world-map tbody tr:has(a[href="/countries/NER"])`).Text()
	if !strings.Contains(before, "Stable") || !strings.Contains(after, "Deteriorated") {
		t.Errorf("the cached /map did not follow the commit: before %q, after %q", before, after)
	}
}

package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/internal/synth"
	"github.com/accesswatch/accesswatch/internal/web/site"
)

// dashboardPages are one address of every public page.
var dashboardPages = []string{"/", "/countries", "/countries/NER", "/countries/NER/orgs/icrc", "/orgs", "/orgs/nrc", "/changes", "/changes.atom", "/about", "/data"}

// attrs collects an attribute of every element a selection matches.
func attrs(s *goquery.Selection, name string) []string {
	var out []string
	s.Each(func(_ int, e *goquery.Selection) { out = append(out, e.AttrOr(name, "")) })
	return out
}

func TestCountryListFilters(t *testing.T) {
	srv, _ := newTestServer(t)
	all := attrs(page(t, srv, "/countries").Find("#countries tbody tr"), "data-country")
	for _, want := range []string{"NER", "SDN", "MLI", "AFG", "ETH", "BFA"} {
		if !slices.Contains(all, want) {
			t.Errorf("/countries lacks %s: %v", want, all)
		}
	}
	if all[0] != "SDN" {
		t.Errorf("default order is most flagged first, got %v", all)
	}
	tests := []struct {
		query string
		want  []string // exactly these, in order when sorted
		sort  bool
	}{
		// The bundled data, version 2 (148 events in 26 countries). A
		// time-limited measure past its end is not flagged (ETH's
		// suspensions of 2021); Ethiopia is listed for another record.
		{"flagged=1", []string{"AZE", "BFA", "BGD", "ETH", "LBY", "NER", "NGA", "NIC", "PAK", "PSE", "SDN", "TUR", "UGA", "VEN"}, true},
		{"region=Asia", []string{"AFG", "AZE", "BGD", "IND", "MMR", "PAK", "PSE", "TUR", "YEM"}, true},
		{"q=niger", []string{"NER", "NGA"}, true}, // "nig" is also in "Sunday night" (AFG), since q searches what events say
		{"type=national_ngo", []string{"BGD", "IND", "NER", "NIC"}, true},
		{"status=banned", []string{"BFA", "BGD", "NER", "NIC", "PSE", "TUR"}, true},
		{"status=suspended&status=banned", []string{"AFG", "BFA", "BGD", "CMR", "ETH", "HTI", "LBY", "MLI", "NER", "NGA", "NIC", "PSE", "TUR", "VEN", "YEM"}, true},
		{"sort=name", []string{"AFG", "AZE", "BGD", "BFA", "BDI", "CMR", "COD", "ETH", "HTI", "IND", "LBY", "MLI", "MMR", "NIC", "NER", "NGA",
			"PAK", "PSE", "RUS", "SOM", "SSD", "SDN", "TUR", "UGA", "VEN", "YEM"}, false},
		{"q=atlantis", nil, false},
	}
	for _, tt := range tests {
		doc := page(t, srv, "/countries?"+tt.query)
		got := attrs(doc.Find("#countries tbody tr"), "data-country")
		if tt.sort {
			slices.Sort(got)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("?%s: %v, want %v", tt.query, got, tt.want)
		}
		if tt.want == nil && !strings.Contains(flat(doc.Find("main")), "No country matches these filters.") {
			t.Errorf("?%s: no word about the empty result", tt.query)
		}
	}
	// The form shows the filters in force, and offers to clear them.
	doc := page(t, srv, "/countries?status=banned&flagged=1&region=Africa&q=ni&sort=reach")
	form := doc.Find("form.filters")
	if form.AttrOr("method", "") != "get" || form.AttrOr("action", "") != "/countries" {
		t.Errorf("form %s %s", form.AttrOr("method", ""), form.AttrOr("action", ""))
	}
	if got := attrs(form.Find(`input[name="status"][checked]`), "value"); !slices.Equal(got, []string{"banned"}) {
		t.Errorf("checked statuses %v", got)
	}
	if form.Find(`input[name="flagged"][checked]`).Length() != 1 || form.Find(`select[name="region"] option[selected]`).AttrOr("value", "") != "Africa" ||
		form.Find(`input[name="q"]`).AttrOr("value", "") != "ni" || form.Find(`select[name="sort"] option[selected]`).AttrOr("value", "") != "reach" {
		t.Error("the form does not show the filters in force")
	}
	if form.Find(`a[href="/countries"]`).Length() != 1 {
		t.Error("no way to clear the filters")
	}
}

func TestOrgListFilters(t *testing.T) {
	srv, _ := newTestServer(t)
	tests := []struct {
		query string
		check func(slugs []string) bool
	}{
		// The ICRC and NRC are flagged in three countries each (NRC's
		// Ethiopian suspension of 2021 has ended); the ICRC's figure puts it first.
		{"", func(s []string) bool { return len(s) == 48 && slices.Equal(s[:2], []string{"icrc", "nrc"}) }},
		{"type=national_ngo", func(s []string) bool {
			return slices.Equal(s, []string{"apbe", "al-markazul-islami", "caritas-matagalpa", "oxfam-india"})
		}},
		{"region=Asia&sort=name", func(s []string) bool {
			return len(s) == 25 && slices.Contains(s, "care") && slices.Contains(s, "unrwa") && !slices.Contains(s, "apbe")
		}},
		// Afghanistan's suspensions are the organisations' own; Israel's,
		// Türkiye's, Pakistan's ... measures are flagged.
		{"flagged=1&region=Asia", func(s []string) bool { return len(s) == 16 && !slices.Contains(s, "irc") }},
		{"q=red+cross", func(s []string) bool { return slices.Equal(s, []string{"icrc", "nicaraguan-red-cross"}) }},
		{"status=expelled&sort=countries", func(s []string) bool { return len(s) == 13 && s[0] == "icrc" }},
	}
	for _, tt := range tests {
		got := attrs(page(t, srv, "/orgs?"+tt.query).Find("#orgs tbody tr"), "data-org")
		if !tt.check(got) {
			t.Errorf("?%s: %v", tt.query, got)
		}
	}
}

func TestChangeLogFiltersAndOrder(t *testing.T) {
	srv, st := newTestServer(t)
	ctx := context.Background()
	ids := func(doc *goquery.Document) []string { return attrs(doc.Find(`ol[data-timeline="changes"] > li`), "id") }
	all, _, _ := st.Changes(ctx, store.ChangeFilter{Limit: site.ListPageSize})
	newest := ids(page(t, srv, "/changes"))
	if len(newest) != len(all) || newest[0] != "event-"+itoa(all[0].ID) {
		t.Fatalf("/changes: %d entries for %d events", len(newest), len(all))
	}
	// The bundled data spans three pages: the first page oldest first is
	// the reverse of the last 50 newest first.
	allNewest, _, _ := st.Changes(ctx, store.ChangeFilter{})
	oldest := ids(page(t, srv, "/changes?sort=oldest"))
	slices.Reverse(oldest)
	var tail []string
	for _, e := range allNewest[len(allNewest)-len(oldest):] {
		tail = append(tail, "event-"+itoa(e.ID))
	}
	if !slices.Equal(oldest, tail) {
		t.Error("oldest first is not the reverse of newest first")
	}
	for query, want := range map[string]store.ChangeFilter{
		"country=MLI":                               {Country: "MLI"},
		"country=ner&org=icrc":                      {Country: "NER", Org: "icrc"},
		"event=class_ban_announced":                 {Types: []access.EventType{access.EventClassBanAnnounced}},
		"status=expelled&region=Africa":             {Statuses: []access.Status{access.StatusExpelled}, Region: "Africa"},
		"flagged=1&since=2025":                      {FlaggedOnly: true, Since: access.MustParseDate("2025")},
		"q=toumba":                                  {Query: "toumba"},
		"type=red_cross_red_crescent&until=2025-05": {OrgType: access.OrgRedCross, Until: access.MustParseDate("2025-05")},
	} {
		want.Limit = site.ListPageSize
		events, _, err := st.Changes(ctx, want)
		if err != nil || len(events) == 0 {
			t.Fatalf("%s: %d events, %v", query, len(events), err)
		}
		got := ids(page(t, srv, "/changes?"+query))
		if len(got) != len(events) {
			t.Errorf("?%s: %d entries, want %d", query, len(got), len(events))
			continue
		}
		for i, e := range events {
			if got[i] != "event-"+itoa(e.ID) {
				t.Errorf("?%s: entry %d is %s, want event %d", query, i, got[i], e.ID)
			}
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// openSynthetic opens a store with a small synthetic dataset: enough events
// for several pages of the change log.
func openSynthetic(t *testing.T, records, events int) *store.Store {
	t.Helper()
	st, _ := storetest.OpenCountriesOnly(t)
	evs, err := synth.Events(synth.Spec{Records: records, Events: events, Seed: 7, Now: storetest.Start}, storetest.Countries(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordEvents(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestPaginationEdges(t *testing.T) {
	st := openSynthetic(t, 30, 120) // 120 events: pages of 50, 50 and 20
	srv := newServerFor(t, st)
	seen := map[string]bool{}
	target := "/changes"
	for n := 1; target != ""; n++ {
		doc := page(t, srv, target)
		entries := attrs(doc.Find(`ol[data-timeline="changes"] > li`), "id")
		want := map[int]int{1: 50, 2: 50, 3: 20}[n]
		if len(entries) != want {
			t.Errorf("page %d: %d entries, want %d", n, len(entries), want)
		}
		for _, id := range entries {
			if seen[id] {
				t.Errorf("%s on two pages", id)
			}
			seen[id] = true
		}
		nav := doc.Find("nav.pagination")
		containsAll(t, "pager", flat(nav), "Page "+strconv.Itoa(n)+" of 3", "of 120")
		if (n == 1) != (nav.Find(`a[rel="prev"]`).Length() == 0) || (n == 3) != (nav.Find(`a[rel="next"]`).Length() == 0) {
			t.Errorf("page %d: prev/next links wrong: %s", n, flat(nav))
		}
		if n > 1 && doc.Find("title").Text() == "Changes · accesswatch" {
			t.Errorf("page %d has the first page's title", n)
		}
		target = nav.Find(`a[rel="next"]`).AttrOr("href", "")
		if n > 3 {
			t.Fatal("more than three pages")
		}
	}
	if len(seen) != 120 {
		t.Errorf("pages hold %d distinct events, want 120", len(seen))
	}
	if last := page(t, srv, "/changes?page=2").Find(`nav.pagination a[rel="last"]`).AttrOr("href", ""); last != "/changes?page=3" {
		t.Errorf("last page link %q", last)
	}
	beyond := get(t, srv, "/changes?page=4")
	if beyond.Code != http.StatusNotFound || !strings.Contains(beyond.Body.String(), "There is no page 4: this list has 3 pages.") {
		t.Errorf("page 4: %d %s", beyond.Code, beyond.Body.String())
	}
	// A filtered list keeps its filters on every page link.
	doc := page(t, srv, "/changes?sort=oldest&flagged=1")
	if next := doc.Find(`a[rel="next"]`).AttrOr("href", ""); next != "" && next != "/changes?flagged=1&page=2&sort=oldest" {
		t.Errorf("next link %q", next)
	}
	// An empty list is one empty page, not an error.
	if rec := get(t, srv, "/changes?q=nothing-matches-this"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "No event is recorded here.") {
		t.Errorf("empty list: %d", rec.Code)
	}
	if rec := get(t, srv, "/changes?q=nothing-matches-this&page=2"); rec.Code != http.StatusNotFound {
		t.Errorf("page 2 of an empty list: %d", rec.Code)
	}
}

func TestUnknownCountriesOrganisationsAndRecordsAre404(t *testing.T) {
	srv, _ := newTestServer(t)
	for target, says := range map[string]string{
		"/countries/XXX":           "No country has the code “XXX”",
		"/countries/NE":            "No country has the code “NE”",
		"/countries/N%C3%89R":      "No country has the code",
		"/countries/XXX/orgs/icrc": "No country has the code “XXX”",
		"/countries/NER/orgs/nope": "There is no record of “nope” in NER",
		"/countries/NOR/orgs/icrc": "There is no record of “icrc” in NOR",
		"/countries/NER/orgs/ICRC": "No organisation has the short name “ICRC”",
		"/orgs/nope":               "No organisation has the short name “nope”",
		"/orgs/Bad_Slug":           "No organisation has the short name “Bad_Slug”",
		"/countries/NER/orgs/x/y":  "There is no page at this address",
		"/orgs/icrc/":              "There is no page at this address",
		"/changes.rss":             "There is no page at this address",
	} {
		rec := get(t, srv, target)
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d", target, rec.Code)
			continue
		}
		if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(rec.Body.String(), says) {
			t.Errorf("%s: the page does not say %q", target, says)
		}
		if rec.Header().Get("ETag") != "" {
			t.Errorf("%s: a 404 was cached", target)
		}
	}
	// A real country without records is a page, not a 404.
	containsAll(t, "Norway", flat(page(t, srv, "/countries/NOR").Find("main")), "Norway", "No organisation is recorded in this country.")
}

func TestLowerCaseCountryCodesRedirect(t *testing.T) {
	srv, _ := newTestServer(t)
	for target, want := range map[string]string{
		"/countries/ner":           "/countries/NER",
		"/countries/Ner?sort=org":  "/countries/NER?sort=org",
		"/countries/ner/orgs/icrc": "/countries/NER/orgs/icrc",
	} {
		rec := get(t, srv, target)
		if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != want {
			t.Errorf("%s: %d → %q, want %q", target, rec.Code, rec.Header().Get("Location"), want)
		}
	}
}

func TestBadQueriesAre400WithAMessage(t *testing.T) {
	srv, _ := newTestServer(t)
	tests := []struct {
		target string
		says   []string
	}{
		{"/countries?status=gone", []string{"“status” cannot be “gone”", "expelled", "ordered_to_leave"}},
		{"/countries?region=Atlantis", []string{"“region” cannot be “Atlantis”", "Africa", "Oceania"}},
		{"/countries?sort=severity", []string{"“sort” cannot be “severity”", "flagged, name, reach, records, recent"}},
		{"/countries?page=0", []string{"“page” cannot be “0”"}},
		{"/countries?page=two", []string{"“page” cannot be “two”"}},
		{"/countries?page=1&page=2", []string{"“page” is given more than once"}},
		{"/countries?q=%ZZ", []string{"could not be read"}},
		{"/countries?q=a;b", []string{"could not be read"}},
		{"/countries/NER?type=mosque", []string{"“type” cannot be “mosque”", "ingo"}},
		{"/orgs?flagged=maybe", []string{"“flagged” cannot be “maybe”", "1, true, 0, false"}},
		{"/orgs?q=" + strings.Repeat("a", 101), []string{"“q” must be plain text of at most 100 characters"}},
		{"/orgs?q=%00", []string{"“q” must be plain text"}},
		{"/changes?country=ZZZ", []string{"“country” cannot be “ZZZ”"}},
		{"/changes?org=no-such-org", []string{"“org” cannot be “no-such-org”"}},
		{"/changes?event=explosion", []string{"“event” cannot be “explosion”", "offices_closed"}},
		{"/changes?since=last+week", []string{"“since” cannot be “last week”", "2025-06-05"}},
		{"/changes?since=2025-06&until=2025-01", []string{"“until” (2025-01) must not be before “since” (2025-06)"}},
		{"/changes?sort=random", []string{"“sort” cannot be “random”", "newest, oldest"}},
		{"/changes.atom?country=ZZZ", []string{"“country” cannot be “ZZZ”"}},
	}
	for _, tt := range tests {
		rec := get(t, srv, tt.target)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s: %d", tt.target, rec.Code)
			continue
		}
		body := flat(parse(t, rec).Find("main"))
		containsAll(t, tt.target, body, tt.says...)
		if rec.Header().Get("ETag") != "" || !strings.Contains(rec.Header().Get("Cache-Control"), "no-store") {
			t.Errorf("%s: a 400 is cacheable", tt.target)
		}
	}
}

// spyStore counts the queries the dashboard pages make.
type spyStore struct {
	*store.Store
	queries atomic.Int32
}

func (s *spyStore) Headline(ctx context.Context, since access.Date) (access.Headline, error) {
	s.queries.Add(1)
	return s.Store.Headline(ctx, since)
}

func (s *spyStore) Regions(ctx context.Context) ([]string, error) {
	s.queries.Add(1)
	return s.Store.Regions(ctx)
}

func (s *spyStore) Records(ctx context.Context, f store.RecordFilter) ([]access.RecordView, int, error) {
	s.queries.Add(1)
	return s.Store.Records(ctx, f)
}

func (s *spyStore) Record(ctx context.Context, country, slug string) (access.RecordView, error) {
	s.queries.Add(1)
	return s.Store.Record(ctx, country, slug)
}

func (s *spyStore) CountrySummary(ctx context.Context, code string) (access.CountrySummary, error) {
	s.queries.Add(1)
	return s.Store.CountrySummary(ctx, code)
}

func (s *spyStore) Changes(ctx context.Context, f store.ChangeFilter) ([]access.EventView, int, error) {
	s.queries.Add(1)
	return s.Store.Changes(ctx, f)
}

func TestEveryPageHasAnETagAndAnswers304WithoutQueries(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	spy := &spyStore{Store: st}
	srv := newServerFor(t, spy)
	for _, target := range append(dashboardPages, "/countries?flagged=1&sort=name", "/changes?country=NER&page=1") {
		first := get(t, srv, target)
		etag := first.Header().Get("ETag")
		if first.Code != http.StatusOK || etag == "" || !strings.Contains(first.Header().Get("Cache-Control"), "no-cache") {
			t.Errorf("%s: %d, ETag %q, Cache-Control %q", target, first.Code, etag, first.Header().Get("Cache-Control"))
			continue
		}
		before := spy.queries.Load()
		again := do(srv, target, map[string]string{"If-None-Match": etag})
		if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
			t.Errorf("%s: conditional GET %d with %d bytes", target, again.Code, again.Body.Len())
		}
		if plain := get(t, srv, target); plain.Body.String() != first.Body.String() {
			t.Errorf("%s: the cached copy differs", target)
		}
		if n := spy.queries.Load() - before; n != 0 {
			t.Errorf("%s: %d queries to answer from the cache", target, n)
		}
		if again.Header().Get("Content-Security-Policy") == "" {
			t.Errorf("%s: 304 without security headers", target)
		}
		head := httptest.NewRecorder()
		srv.ServeHTTP(head, httptest.NewRequest(http.MethodHead, target, nil))
		if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("ETag") != etag {
			t.Errorf("%s: HEAD %d with %d bytes, ETag %q", target, head.Code, head.Body.Len(), head.Header().Get("ETag"))
		}
	}
	// A commit changes what the pages show, so they are rendered again.
	icrc := get(t, srv, "/countries/NER/orgs/icrc")
	recordEvent(t, st, "NER", "icrc", "2026-01-15", access.StatusSuspended)
	after := do(srv, "/countries/NER/orgs/icrc", map[string]string{"If-None-Match": icrc.Header().Get("ETag")})
	if after.Code != http.StatusOK || !strings.Contains(after.Body.String(), "15 Jan 2026") {
		t.Errorf("after a commit: %d", after.Code)
	}
}

// brokenStore answers the dashboard's queries with a database error, as a
// damaged disk would, while the rest of the store works.
type brokenStore struct{ *store.Store }

var errDisk = errors.New("disk I/O error at /var/lib/secret/accesswatch.db")

func (brokenStore) Headline(context.Context, access.Date) (access.Headline, error) {
	return access.Headline{}, errDisk
}
func (brokenStore) Regions(context.Context) ([]string, error) { return nil, errDisk }
func (brokenStore) CountrySummary(context.Context, string) (access.CountrySummary, error) {
	return access.CountrySummary{}, errDisk
}
func (brokenStore) OrgSummary(context.Context, string) (access.OrgSummary, error) {
	return access.OrgSummary{}, errDisk
}
func (brokenStore) Record(context.Context, string, string) (access.RecordView, error) {
	return access.RecordView{}, errDisk
}
func (brokenStore) Changes(context.Context, store.ChangeFilter) ([]access.EventView, int, error) {
	return nil, 0, errDisk
}
func (brokenStore) Records(context.Context, store.RecordFilter) ([]access.RecordView, int, error) {
	return nil, 0, errDisk
}
func (brokenStore) DataAsOf(context.Context) (access.DataAsOf, error) {
	return access.DataAsOf{}, errDisk
}

func TestDatabaseErrorsAreAGeneric500(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := newServerFor(t, brokenStore{st})
	for _, target := range dashboardPages {
		rec := get(t, srv, target)
		if rec.Code != http.StatusInternalServerError {
			t.Errorf("%s: %d", target, rec.Code)
		}
		if strings.Contains(rec.Body.String(), "secret") || rec.Header().Get("ETag") != "" {
			t.Errorf("%s: the error leaked or was cached", target)
		}
	}
}

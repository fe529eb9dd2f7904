package web

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// The public contract, spelt out independently of the handlers' types: a
// renamed field fails these tests.
type (
	apiDate struct {
		Date      string `json:"date"`
		Precision string `json:"precision"`
	}
	apiSource struct {
		Publisher *string  `json:"publisher"`
		URL       *string  `json:"url"`
		Type      *string  `json:"type"`
		Date      *apiDate `json:"date"`
	}
	apiRecord struct {
		Country struct{ Code, Name, Region string } `json:"country"`
		Org     struct {
			Slug    string  `json:"slug"`
			Acronym *string `json:"acronym"`
			Type    string  `json:"type"`
		} `json:"org"`
		Status        string      `json:"status"`
		Flagged       bool        `json:"flagged"`
		StatusSince   *apiDate    `json:"status_since"`
		StatusSources []apiSource `json:"status_sources"`
		PresenceSince *int        `json:"presence_since"`
		Reach         *struct {
			People int64    `json:"people"`
			Basis  string   `json:"basis"`
			Date   *apiDate `json:"date"`
		} `json:"reach"`
		ReachLost *int64                              `json:"reach_lost"`
		Version   int64                               `json:"version"`
		UpdatedAt string                              `json:"updated_at"`
		Events    []apiEvent                          `json:"events"`
		Links     struct{ Self, Page, Events string } `json:"links"`
	}
	apiEvent struct {
		ID      int64                       `json:"id"`
		Country struct{ Code, Name string } `json:"country"`
		Org     *struct {
			Slug string `json:"slug"`
		} `json:"org"`
		ClassLevel  bool        `json:"class_level"`
		Date        apiDate     `json:"date"`
		Type        string      `json:"type"`
		StatusAfter *string     `json:"status_after"`
		Sources     []apiSource `json:"sources"`
	}
	apiPage[T any] struct {
		Total  int `json:"total"`
		Limit  int `json:"limit"`
		Offset int `json:"offset"`
		Items  []T `json:"items"`
		Links  struct {
			Next *string `json:"next"`
			Prev *string `json:"prev"`
		} `json:"links"`
	}
	apiCounts struct {
		Records          int              `json:"records"`
		Flagged          int              `json:"flagged"`
		ReachLostByBasis map[string]int64 `json:"reach_lost_by_basis"`
		WithFigure       int              `json:"records_with_figure"`
		WithoutFigure    int              `json:"records_without_figure"`
	}
	apiProblem struct {
		Type     string `json:"type"`
		Title    string `json:"title"`
		Status   int    `json:"status"`
		Detail   string `json:"detail"`
		Instance string `json:"instance"`
		Errors   []struct {
			Parameter, Value, Detail string
		} `json:"errors"`
	}
)

// is reports whether c counts records, of which flagged, with the reach
// lost summed per basis as byBasis over withFigure records.
func (c apiCounts) is(records, flagged int, byBasis map[string]int64, withFigure int) bool {
	return c.Records == records && c.Flagged == flagged && maps.Equal(c.ReachLostByBasis, byBasis) &&
		c.ReachLostByBasis != nil && c.WithFigure == withFigure
}

// getJSON fetches target, checks the open-data headers and decodes a 200.
func getJSON[T any](t *testing.T, h http.Handler, target string) T {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("GET %s: Content-Type %q", target, ct)
	}
	if rec.Header().Get("Access-Control-Allow-Origin") != "*" || rec.Header().Get("ETag") == "" {
		t.Errorf("GET %s: CORS %q ETag %q", target, rec.Header().Get("Access-Control-Allow-Origin"), rec.Header().Get("ETag"))
	}
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	return v
}

// getProblem fetches target and decodes the problem it must answer with.
func getProblem(t *testing.T, h http.Handler, target string, status int) apiProblem {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != status {
		t.Fatalf("GET %s: %d, want %d: %s", target, rec.Code, status, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("GET %s: Content-Type %q", target, ct)
	}
	if rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("GET %s: a problem must be readable cross-origin too", target)
	}
	var p apiProblem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if p.Status != status || p.Title == "" || p.Detail == "" || !strings.HasPrefix(p.Type, "https://") || p.Instance != target {
		t.Errorf("GET %s: incomplete problem %+v", target, p)
	}
	return p
}

func TestAPICountries(t *testing.T) {
	srv, _ := newTestServer(t)
	type country struct {
		Code           string    `json:"code"`
		Name           string    `json:"name"`
		Region         string    `json:"region"`
		Lat            float64   `json:"lat"`
		AccessSeverity *struct{} `json:"access_severity"`
		Counts         apiCounts `json:"counts"`
		Links          struct{ Self, Page, Records, Events string }
	}
	list := getJSON[struct {
		Total int       `json:"total"`
		Items []country `json:"items"`
	}](t, srv, "/api/v1/countries")
	if list.Total != 250 || len(list.Items) != 250 {
		t.Fatalf("%d countries (total %d)", len(list.Items), list.Total)
	}
	var ner, fra *country
	for i := range list.Items {
		switch list.Items[i].Code {
		case "NER":
			ner = &list.Items[i]
		case "FRA":
			fra = &list.Items[i]
		}
	}
	if ner == nil || ner.Name != "Niger" || ner.Region != "Africa" || ner.Lat == 0 ||
		!ner.Counts.is(5, 4, map[string]int64{"cumulative": 3_000_000}, 2) {
		t.Errorf("NER: %+v", ner)
	}
	if fra == nil || !fra.Counts.is(0, 0, map[string]int64{}, 0) || fra.Counts.WithoutFigure != 0 || fra.Links.Self != "/api/v1/countries/FRA" || fra.Links.Records != "/api/v1/records?country=FRA" {
		t.Errorf("FRA: %+v", fra)
	}
	getProblem(t, srv, "/api/v1/countries?limit=5", http.StatusBadRequest)
}

func TestAPICountry(t *testing.T) {
	srv, _ := newTestServer(t)
	c := getJSON[struct {
		Code             string      `json:"code"`
		Counts           apiCounts   `json:"counts"`
		Records          []apiRecord `json:"records"`
		ClassLevelEvents []apiEvent  `json:"class_level_events"`
	}](t, srv, "/api/v1/countries/AFG")
	if c.Code != "AFG" || len(c.Records) != 7 || c.Counts.Records != 7 || c.Counts.Flagged != 0 {
		t.Errorf("AFG: %d records, counts %+v", len(c.Records), c.Counts)
	}
	if len(c.ClassLevelEvents) != 2 || !c.ClassLevelEvents[0].ClassLevel || c.ClassLevelEvents[0].Org != nil ||
		c.ClassLevelEvents[0].Date != (apiDate{"2022-12-24", "day"}) || len(c.ClassLevelEvents[0].Sources) == 0 {
		t.Errorf("AFG class-level measures: %+v", c.ClassLevelEvents)
	}
	for _, target := range []string{"/api/v1/countries/XXX", "/api/v1/countries/ner", "/api/v1/countries/NIGER"} {
		if p := getProblem(t, srv, target, http.StatusNotFound); !strings.Contains(p.Detail, "ISO 3166-1 alpha-3") {
			t.Errorf("%s: detail %q", target, p.Detail)
		}
	}
	getProblem(t, srv, "/api/v1/countries/NER?x=1", http.StatusBadRequest)
}

func TestAPIOrgs(t *testing.T) {
	srv, st := newTestServer(t)
	type org struct {
		Slug    string    `json:"slug"`
		Name    string    `json:"name"`
		Acronym *string   `json:"acronym"`
		Website *string   `json:"website"`
		Counts  apiCounts `json:"counts"`
	}
	list := getJSON[struct {
		Total int   `json:"total"`
		Items []org `json:"items"`
	}](t, srv, "/api/v1/orgs")
	orgs, _ := st.Orgs(context.Background())
	if list.Total != len(orgs) || len(list.Items) != len(orgs) {
		t.Fatalf("%d orgs, store has %d", list.Total, len(orgs))
	}
	i := slices.IndexFunc(list.Items, func(o org) bool { return o.Slug == "icrc" })
	if i < 0 || list.Items[i].Acronym == nil || *list.Items[i].Acronym != "ICRC" || list.Items[i].Website != nil ||
		!list.Items[i].Counts.is(3, 3, map[string]int64{"cumulative": 2_000_000}, 1) {
		t.Errorf("icrc: %+v", list.Items[i])
	}

	nrc := getJSON[struct {
		Slug    string      `json:"slug"`
		Counts  apiCounts   `json:"counts"`
		Records []apiRecord `json:"records"`
	}](t, srv, "/api/v1/orgs/nrc")
	want, _, _ := st.Records(context.Background(), store.RecordFilter{Org: "nrc", Sort: store.SortCountry})
	var wantKeys []string
	flagged := 0
	for _, r := range want {
		wantKeys = append(wantKeys, r.CountryCode+"/nrc")
		if r.FlaggedAt(st.Now()) { // flagged today: ETH/nrc's 2021 suspension has ended
			flagged++
		}
	}
	if got := keysOf(nrc.Records); !slices.Equal(got, wantKeys) || len(got) < 2 || nrc.Counts.Records != len(want) || nrc.Counts.Flagged != flagged {
		t.Errorf("nrc: %v, counts %+v; want %v", got, nrc.Counts, wantKeys)
	}
	if p := getProblem(t, srv, "/api/v1/orgs/no-such-org", http.StatusNotFound); !strings.Contains(p.Detail, "no-such-org") {
		t.Errorf("detail %q", p.Detail)
	}
}

func TestAPIRecordWithItsTimeline(t *testing.T) {
	srv, _ := newTestServer(t)
	r := getJSON[apiRecord](t, srv, "/api/v1/countries/NER/orgs/icrc")
	if r.Status != "expelled" || !r.Flagged || r.StatusSince == nil || *r.StatusSince != (apiDate{"2025-06-05", "day"}) ||
		r.PresenceSince == nil || *r.PresenceSince != 1990 || r.ReachLost == nil || *r.ReachLost != 2_000_000 || r.Version != 5 {
		t.Errorf("record: %+v", r)
	}
	if r.Reach == nil || r.Reach.People != 2_000_000 || r.Reach.Basis != "cumulative" || r.Reach.Date == nil {
		t.Errorf("reach: %+v", r.Reach)
	}
	if len(r.StatusSources) != 1 || r.StatusSources[0].URL == nil || !strings.HasPrefix(*r.StatusSources[0].URL, "https://") {
		t.Errorf("status sources: %+v", r.StatusSources)
	}
	if _, err := time.Parse(time.RFC3339, r.UpdatedAt); err != nil {
		t.Errorf("updated_at %q: %v", r.UpdatedAt, err)
	}
	if len(r.Events) != 5 || r.Events[0].Type != "presence_recorded" || r.Events[0].Date != (apiDate{"1990", "year"}) {
		t.Fatalf("timeline: %+v", r.Events)
	}
	for i, e := range r.Events {
		if len(e.Sources) == 0 || e.Org == nil || e.Org.Slug != "icrc" || e.ClassLevel {
			t.Errorf("event %d: %+v", i, e)
		}
		if i > 0 && e.Date.Date < r.Events[i-1].Date.Date {
			t.Errorf("timeline not oldest first at %d", i)
		}
	}
	for target, detail := range map[string]string{
		"/api/v1/countries/XXX/orgs/icrc":  "XXX",
		"/api/v1/countries/NER/orgs/nope":  "nope",
		"/api/v1/countries/FRA/orgs/icrc":  "France",
		"/api/v1/countries/NER/orgs/ICRC":  "ICRC",
		"/api/v1/countries/NER/orgs/icrc/": "openapi.json",
	} {
		if p := getProblem(t, srv, target, http.StatusNotFound); !strings.Contains(p.Detail, detail) {
			t.Errorf("%s: detail %q lacks %q", target, p.Detail, detail)
		}
	}
}

// allRecords reads every record from the store, in the API's order.
func allRecords(t *testing.T, st *store.Store) []access.RecordView {
	t.Helper()
	rs, _, err := st.Records(context.Background(), store.RecordFilter{Sort: store.SortCountry})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func keysOf(items []apiRecord) []string {
	var out []string
	for _, r := range items {
		out = append(out, r.Country.Code+"/"+r.Org.Slug)
	}
	return out
}

func TestAPIRecordsFilters(t *testing.T) {
	srv, st := newTestServer(t)
	all := allRecords(t, st)
	for raw, keep := range map[string]func(access.RecordView) bool{
		"":                               func(access.RecordView) bool { return true },
		"country=NER":                    func(r access.RecordView) bool { return r.CountryCode == "NER" },
		"org=nrc":                        func(r access.RecordView) bool { return r.OrgSlug == "nrc" },
		"status=expelled":                func(r access.RecordView) bool { return r.Status == access.StatusExpelled },
		"status=banned&status=suspended": func(r access.RecordView) bool { return r.Status == "banned" || r.Status == "suspended" },
		"flagged=true":                   func(r access.RecordView) bool { return r.FlaggedAt(st.Now()) },
		"region=asia":                    func(r access.RecordView) bool { return r.Region == "Asia" },
		"region=Africa&status=suspended": func(r access.RecordView) bool { return r.Region == "Africa" && r.Status == "suspended" },
		"country=SDN&flagged=true&org=nrc": func(r access.RecordView) bool {
			return r.CountryCode == "SDN" && r.FlaggedAt(st.Now()) && r.OrgSlug == "nrc"
		},
	} {
		var want []string
		for _, r := range all {
			if keep(r) {
				want = append(want, r.CountryCode+"/"+r.OrgSlug)
			}
		}
		page := getJSON[apiPage[apiRecord]](t, srv, "/api/v1/records?"+raw)
		if got := keysOf(page.Items); !slices.Equal(got, want) || page.Total != len(want) || page.Limit != query.DefaultLimit {
			t.Errorf("?%s: total %d, %v\nwant %v", raw, page.Total, got, want)
		}
	}
	if len(all) < 20 {
		t.Fatalf("only %d records in the seed", len(all))
	}

	// Every seeded record was updated when the seed was loaded.
	before := getJSON[apiPage[apiRecord]](t, srv, "/api/v1/records?updated_since=2026-03-02")
	if before.Total != 0 {
		t.Errorf("updated since tomorrow: %d", before.Total)
	}
	since := getJSON[apiPage[apiRecord]](t, srv, "/api/v1/records?updated_since="+url.QueryEscape(storetest.Start.Format(time.RFC3339)))
	if since.Total != len(all) {
		t.Errorf("updated since the seed: %d of %d", since.Total, len(all))
	}
}

func TestAPIRecordsUpdatedSince(t *testing.T) {
	st, clock := storetest.OpenSeeded(t)
	srv := newServerFor(t, st)
	clock.Advance(48 * time.Hour)
	_, err := st.RecordEvent(context.Background(), store.NewEvent{Event: access.Event{
		CountryCode: "AFG", OrgSlug: "nrc", Date: access.MustParseDate("2026-02"), Type: access.EventOperationsResumed,
		StatusAfter: access.StatusOperating, Sources: []access.Source{{Publisher: "NRC", URL: "https://nrc.example.org/x", Type: access.SourceOrganisation}},
	}, ExpectedVersion: store.AnyVersion, Actor: "editor"})
	if err != nil {
		t.Fatal(err)
	}
	for query, want := range map[string]string{
		"updated_since=2026-03-02":                "AFG/nrc",
		"updated_since=2026-03-03T11:59:59Z":      "AFG/nrc",
		"updated_since=2026-03-03T12:00:01Z":      "AFG/nrc", // the bound is its day: no bisecting to the second
		"updated_since=2026-03-04T00:00:00Z":      "",
		"updated_since=2026-03-02&status=unknown": "",
	} {
		page := getJSON[apiPage[apiRecord]](t, srv, "/api/v1/records?"+query)
		if got := strings.Join(keysOf(page.Items), " "); got != want {
			t.Errorf("?%s: %q, want %q", query, got, want)
		}
	}
}

func TestAPIRecordsPagination(t *testing.T) {
	srv, st := newTestServer(t)
	all := allRecords(t, st)
	var want []string
	for _, r := range all {
		want = append(want, r.CountryCode+"/"+r.OrgSlug)
	}

	// Following next links visits every record once, in order.
	var got []string
	next := "/api/v1/records?limit=7"
	pages := 0
	for next != "" {
		page := getJSON[apiPage[apiRecord]](t, srv, next)
		if page.Total != len(all) || len(page.Items) > 7 {
			t.Fatalf("%s: total %d, %d items", next, page.Total, len(page.Items))
		}
		got = append(got, keysOf(page.Items)...)
		if pages > 0 && (page.Links.Prev == nil || !strings.Contains(*page.Links.Prev, "limit=7")) {
			t.Errorf("%s: prev %v", next, page.Links.Prev)
		}
		next = ""
		if page.Links.Next != nil {
			next = *page.Links.Next
		}
		if pages++; pages > 100 {
			t.Fatal("next links never end")
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages visit\n%v\nwant\n%v", got, want)
	}

	// limit=0 answers the total alone.
	zero := getJSON[apiPage[apiRecord]](t, srv, "/api/v1/records?limit=0&flagged=true")
	flagged := 0
	for _, r := range all {
		if r.FlaggedAt(st.Now()) { // a time-limited measure past its end is not flagged
			flagged++
		}
	}
	if zero.Items == nil || len(zero.Items) != 0 || zero.Total != flagged || zero.Links.Next != nil {
		t.Errorf("limit=0: %d items (%v), total %d, want %d", len(zero.Items), zero.Items == nil, zero.Total, flagged)
	}
	// Past the end: an empty page that still counts every match, with a way back.
	far := getJSON[apiPage[apiRecord]](t, srv, "/api/v1/records?offset=1000000000")
	if len(far.Items) != 0 || far.Total != len(all) || far.Links.Next != nil || far.Links.Prev == nil {
		t.Errorf("huge offset: %+v", far)
	}
	last := getJSON[apiPage[apiRecord]](t, srv, *far.Links.Prev)
	if len(last.Items) == 0 {
		t.Errorf("prev of a page past the end (%s) is empty", *far.Links.Prev)
	}
	for _, bad := range []string{"limit=-1", "limit=1001", "limit=1e3", "offset=-1", "offset=1000000001", "offset=99999999999999999999", "limit=ten"} {
		p := getProblem(t, srv, "/api/v1/records?"+bad, http.StatusBadRequest)
		name, _, _ := strings.Cut(bad, "=")
		if len(p.Errors) != 1 || p.Errors[0].Parameter != name || !strings.Contains(p.Detail, "whole number from 0 to") {
			t.Errorf("%s: %+v", bad, p)
		}
	}
}

func TestAPIEventsFilters(t *testing.T) {
	srv, st := newTestServer(t)
	all, _, err := st.Events(context.Background(), store.EventFilter{OldestFirst: true})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(events []apiEvent) []int64 {
		var out []int64
		for _, e := range events {
			out = append(out, e.ID)
		}
		return out
	}
	in := func(d, since, until string) bool {
		dd := access.MustParseDate(d)
		return (since == "" || !dd.Start().Before(access.MustParseDate(since).Start())) &&
			(until == "" || dd.Start().Before(access.MustParseDate(until).End()))
	}
	for q, keep := range map[string]func(access.EventView) bool{
		"":                                  func(access.EventView) bool { return true },
		"country=NER":                       func(e access.EventView) bool { return e.CountryCode == "NER" },
		"org=icrc":                          func(e access.EventView) bool { return e.OrgSlug == "icrc" },
		"since=2025":                        func(e access.EventView) bool { return in(e.Date.ISO(), "2025", "") },
		"until=2022-12":                     func(e access.EventView) bool { return in(e.Date.ISO(), "", "2022-12") },
		"since=2022-12-24&until=2022-12-25": func(e access.EventView) bool { return in(e.Date.ISO(), "2022-12-24", "2022-12-25") },
		"type=class_ban_announced":          func(e access.EventView) bool { return e.Type == access.EventClassBanAnnounced },
		"type=offices_closed&type=self_suspension": func(e access.EventView) bool {
			return e.Type == "offices_closed" || e.Type == "self_suspension"
		},
		"country=NER&type=authorisation_withdrawn&since=2024": func(e access.EventView) bool {
			return e.CountryCode == "NER" && e.Type == "authorisation_withdrawn"
		},
	} {
		var want []int64
		for _, e := range all {
			if keep(e) {
				want = append(want, e.ID)
			}
		}
		page := getJSON[apiPage[apiEvent]](t, srv, "/api/v1/events?"+q)
		total := len(want)
		want = want[:min(len(want), query.DefaultLimit)] // one page
		if got := ids(page.Items); !slices.Equal(got, want) || page.Total != total {
			t.Errorf("?%s: total %d, %v, want %v", q, page.Total, got, want)
		}
		for _, e := range page.Items {
			if e.ClassLevel != (e.Org == nil) || len(e.Sources) == 0 || e.Date.Precision == "" {
				t.Errorf("?%s: event %+v", q, e)
			}
		}
	}
	page := getJSON[apiPage[apiEvent]](t, srv, "/api/v1/events?limit=5&offset=5")
	if got := ids(page.Items); len(got) != 5 || got[0] != all[5].ID || page.Total != len(all) {
		t.Errorf("page 2 of 5: %v", got)
	}
	zero := getJSON[apiPage[apiEvent]](t, srv, "/api/v1/events?limit=0")
	if len(zero.Items) != 0 || zero.Total != len(all) {
		t.Errorf("limit=0: %+v", zero)
	}
	far := getJSON[apiPage[apiEvent]](t, srv, "/api/v1/events?offset=999999")
	if len(far.Items) != 0 || far.Total != len(all) {
		t.Errorf("offset past the end: %+v", far)
	}
}

func TestAPIRejectsBadParameters(t *testing.T) {
	srv, _ := newTestServer(t)
	for target, want := range map[string]string{
		"/api/v1/records?colour=red":                 "colour",
		"/api/v1/records?since=2025":                 "since",
		"/api/v1/records?country=XXX":                "XXX",
		"/api/v1/records?org=no-such-org":            "no-such-org",
		"/api/v1/records?region=Mars":                "Africa, Americas",
		"/api/v1/records?status=gone":                "ordered_to_leave",
		"/api/v1/records?flagged=no":                 "flagged",
		"/api/v1/records?flagged=true&flagged=true":  "once",
		"/api/v1/records?updated_since=last+week":    "RFC 3339",
		"/api/v1/events?type=coup":                   "use the parameter event",
		"/api/v1/events?event=coup":                  "class_ban_announced",
		"/api/v1/events?since=2025-06&until=2025-05": "until must not be before since",
		"/api/v1/events?until=June":                  "YYYY-MM-DD",
		"/api/v1/events?updated_since=2025":          "updated_since",
		"/api/v1/orgs?org=icrc":                      "takes no parameters",
		"/api/v1/openapi.json?v=2":                   "takes no parameters",
		"/api/v1/records?%zz":                        "percent-escapes",
	} {
		p := getProblem(t, srv, target, http.StatusBadRequest)
		if !strings.Contains(p.Detail, want) || !strings.HasSuffix(p.Type, "#problem-invalid-parameter") {
			t.Errorf("%s: detail %q lacks %q", target, p.Detail, want)
		}
	}
	// Every problem at once, each named.
	p := getProblem(t, srv, "/api/v1/records?limit=-1&status=gone&region=Mars&colour=red", http.StatusBadRequest)
	var names []string
	for _, e := range p.Errors {
		names = append(names, e.Parameter)
	}
	if strings.Join(names, " ") != "colour limit region status" {
		t.Errorf("problems for %v", names)
	}
}

func TestAPIUnknownAddressesAndMethods(t *testing.T) {
	srv, st := newTestServer(t)
	before := storetest.Checksum(t, st)
	getProblem(t, srv, "/api/v1/nothing", http.StatusNotFound)
	getProblem(t, srv, "/api/v1/", http.StatusNotFound)
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(method, "/api/v1/records", strings.NewReader("{}")))
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" ||
			rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %q", method, rec.Code, rec.Header().Get("Allow"))
		}
	}
	if storetest.Checksum(t, st) != before {
		t.Error("the read-only API changed the database")
	}
}

func TestAPIConditionalGETAndNumbers(t *testing.T) {
	srv, _ := newTestServer(t)
	first := get(t, srv, "/api/v1/records?country=NER")
	etag := first.Header().Get("ETag")
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/records?country=NER", nil)
	req.Header.Set("If-None-Match", etag)
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 || rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("revalidation: %d, %d bytes", rec.Code, rec.Body.Len())
	}
	// Numbers are JSON numbers, absent values null, dates objects.
	var raw map[string]any
	if err := json.Unmarshal(get(t, srv, "/api/v1/countries/NER/orgs/acted").Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	reach, _ := raw["reach"].(map[string]any)
	if _, ok := reach["people"].(float64); !ok {
		t.Errorf("reach.people is %T", reach["people"])
	}
	if v, ok := raw["summary"]; !ok || v != nil {
		t.Errorf("summary: present %v, value %v; want null", ok, v)
	}
	if d, _ := raw["status_since"].(map[string]any); d["date"] != "2024-11-12" || d["precision"] != "day" {
		t.Errorf("status_since: %v", raw["status_since"])
	}
}

// brokenEvents is a database whose event queries fail.
type brokenEvents struct{ Store }

func (brokenEvents) Changes(context.Context, store.ChangeFilter) ([]access.EventView, int, error) {
	return nil, 0, errors.New("disk I/O error: secret path /var/lib/x")
}

func TestAPIServerErrorRevealsNothing(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := newServerFor(t, brokenEvents{st})
	rec := get(t, srv, "/api/v1/events")
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if strings.Contains(rec.Body.String(), "secret path") {
		t.Errorf("the cause leaked: %s", rec.Body.String())
	}
	if again := get(t, srv, "/api/v1/events"); again.Code != http.StatusInternalServerError {
		t.Errorf("a failure was cached: %d", again.Code)
	}
}

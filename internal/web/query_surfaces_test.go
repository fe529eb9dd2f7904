package web

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/internal/web/site"
)

// eventAnchor finds the events listed on a /changes page.
var eventAnchor = regexp.MustCompile(`<li id="event-(\d+)"`)

// The same filter query string selects the same events on the change log
// page, in the JSON API and in the CSV export, for every filter the three
// share and for combinations of them.
func TestOneQuerySelectsTheSameEventsEverywhere(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	// Some 80 pages rendered afresh from one test address: without the
	// per-client limit, which limit_test.go covers.
	srv := newServerWith(t, st, Options{ClientRate: -1})
	all := getJSON[apiPage[apiEvent]](t, srv, "/api/v1/events?limit=1000")
	if all.Total < 20 || len(all.Items) != all.Total {
		t.Fatalf("seeded database has %d events (%d listed)", all.Total, len(all.Items))
	}
	regions, err := st.Regions(t.Context())
	if err != nil || len(regions) == 0 {
		t.Fatalf("regions %v %v", regions, err)
	}
	for _, tc := range []struct {
		query string
		// some: the filter must select some events but not all, so that
		// agreement means something. The others (everything, nothing)
		// are checked by name below.
		some bool
	}{
		{"country=NER", true},
		{"country=ner", true}, // pages fold the case; see below for the API
		{"org=icrc", true},
		{"status=expelled", true},
		{"status=expelled&status=banned", true},
		{"flagged=1", true},
		{"flagged=true", true},
		{"flagged=0", false},
		{"flagged=false", false},
		{"region=Africa", true},
		{"region=africa", true},
		{"type=ingo", true},
		{"type=national_ngo", true},
		{"type=other", false},
		{"event=offices_closed", true},
		{"event=authorisation_withdrawn&event=suspension_ordered", true},
		{"since=2025", true},
		{"since=2024-11-12", true},
		{"until=2009", true},
		{"until=2021-08", true},
		{"since=2021&until=2024", true},
		{"q=red+cross", true},
		{"q=Sudan", true},
		{"q=no+such+thing", false},
		{"country=SDN&flagged=true&type=ingo&event=authorisation_withdrawn&since=2009&until=2009-03&q=darfur&status=expelled", true},
		{"region=Asia&status=suspended", true},
	} {
		t.Run(tc.query, func(t *testing.T) {
			apiQuery := tc.query
			if strings.HasPrefix(apiQuery, "country=ner") {
				// The API is strict about spelling (capitals), not about
				// meaning: the same country in its canonical form.
				apiQuery = strings.Replace(apiQuery, "country=ner", "country=NER", 1)
			}
			page := get(t, srv, "/changes?"+tc.query)
			if page.Code != http.StatusOK {
				t.Fatalf("/changes: %d", page.Code)
			}
			var onPage []int64
			for _, m := range eventAnchor.FindAllStringSubmatch(page.Body.String(), -1) {
				id, _ := strconv.ParseInt(m[1], 10, 64)
				onPage = append(onPage, id)
			}
			api := getJSON[apiPage[apiEvent]](t, srv, "/api/v1/events?limit=1000&"+apiQuery)
			var inAPI []int64
			var apiRows []string
			for _, e := range api.Items {
				inAPI = append(inAPI, e.ID)
				org := ""
				if e.Org != nil {
					org = e.Org.Slug
				}
				apiRows = append(apiRows, strings.Join([]string{e.Date.Date, e.Country.Code, org, e.Type}, "|"))
			}
			rows := getCSV(t, srv, "/export/events.csv?"+apiQuery)
			var inCSV []string
			for _, r := range rows[2:] {
				m := map[string]string{}
				for i, h := range rows[0] {
					m[h] = r[i]
				}
				inCSV = append(inCSV, strings.Join([]string{m["date"], m["country_code"], m["org_slug"], m["event_type"]}, "|"))
			}
			slices.Sort(onPage)
			slices.Sort(inAPI)
			slices.Sort(apiRows)
			slices.Sort(inCSV)
			// The change log shows one page; a longer selection is
			// compared page against the API's selection.
			if len(inAPI) <= site.ListPageSize && !slices.Equal(onPage, inAPI) ||
				len(inAPI) > site.ListPageSize && (len(onPage) != site.ListPageSize || slices.ContainsFunc(onPage, func(id int64) bool { return !slices.Contains(inAPI, id) })) {
				t.Errorf("/changes lists %v, the API %v", onPage, inAPI)
			}
			if !slices.Equal(apiRows, inCSV) {
				t.Errorf("the API selects %v, the CSV %v", apiRows, inCSV)
			}
			if api.Total != len(inAPI) {
				t.Errorf("API total %d for %d items", api.Total, len(inAPI))
			}
			if tc.some && (len(inAPI) == 0 || len(inAPI) == all.Total) {
				t.Errorf("selects %d of %d events: the case tests nothing", len(inAPI), all.Total)
			}
			switch tc.query {
			case "flagged=0", "flagged=false":
				if len(inAPI) != all.Total {
					t.Errorf("%s selects %d of %d events, want all", tc.query, len(inAPI), all.Total)
				}
			case "q=no+such+thing", "type=other":
				if len(inAPI) != 0 {
					t.Errorf("%s selects %d events, want none", tc.query, len(inAPI))
				}
			}
		})
	}
}

// The old spelling of the event lists, type=<event type>, still selects
// what event=<event type> selects, with a Deprecation header and a link
// to the documentation; the new spelling has no such header.
func TestOldEventTypeSpellingIsDeprecated(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, path := range []string{"/api/v1/events", "/export/events.csv"} {
		old := get(t, srv, path+"?type=offices_closed&type=authorisation_withdrawn")
		cur := get(t, srv, path+"?event=authorisation_withdrawn&event=offices_closed")
		if old.Code != http.StatusOK || cur.Code != http.StatusOK {
			t.Fatalf("%s: %d / %d", path, old.Code, cur.Code)
		}
		if old.Body.String() != cur.Body.String() {
			t.Errorf("%s: old and new spelling select differently", path)
		}
		if got := old.Header().Get("Deprecation"); !strings.HasPrefix(got, "@") {
			t.Errorf("%s: Deprecation %q", path, got)
		}
		if link := old.Header().Get("Link"); !strings.Contains(link, `rel="deprecation"`) || !strings.Contains(link, "docs/api.md") {
			t.Errorf("%s: Link %q", path, link)
		}
		if cur.Header().Get("Deprecation") != "" {
			t.Errorf("%s: the new spelling is marked deprecated", path)
		}
		// Cached answers keep the header.
		if again := get(t, srv, path+"?type=offices_closed&type=authorisation_withdrawn"); again.Header().Get("Deprecation") == "" {
			t.Errorf("%s: the cached answer lost the Deprecation header", path)
		}
	}
	// type as an organisation type is the new meaning, not deprecated.
	if rec := get(t, srv, "/api/v1/events?type=ingo"); rec.Code != http.StatusOK || rec.Header().Get("Deprecation") != "" {
		t.Errorf("type=ingo: %d, Deprecation %q", rec.Code, rec.Header().Get("Deprecation"))
	}
}

// A bad filter is refused alike: an HTML message on the page, a problem
// on the API and the export, each naming the parameter.
func TestOneQueryIsRefusedAlikeEverywhere(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, q := range []string{"flagged=maybe", "type=church", "event=coup", "status=gone", "since=2025-13", "country=XXX", "org=nobody", "q=%00", "since=2025-06&until=2025-05"} {
		page := get(t, srv, "/changes?"+q)
		if page.Code != http.StatusBadRequest || !strings.HasPrefix(page.Header().Get("Content-Type"), "text/html") {
			t.Errorf("/changes?%s: %d %q", q, page.Code, page.Header().Get("Content-Type"))
		}
		param := q[:strings.IndexByte(q, '=')]
		if strings.Contains(q, "until") {
			param = "until"
		}
		if !strings.Contains(page.Body.String(), "“"+param+"”") {
			t.Errorf("/changes?%s: the message does not name %s", q, param)
		}
		for _, path := range []string{"/api/v1/events", "/export/events.csv"} {
			rec := get(t, srv, path+"?"+q)
			if rec.Code != http.StatusBadRequest || rec.Header().Get("Content-Type") != "application/problem+json" ||
				!strings.Contains(rec.Body.String(), `"parameter":"`+param+`"`) {
				t.Errorf("%s?%s: %d %q %s", path, q, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
			}
		}
	}
}

package web

import (
	"encoding/csv"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/data"
	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// csvRows reads a bundled CSV into maps by header, skipping the HXL row.
func csvRecords(t *testing.T, raw []byte) []map[string]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		if strings.HasPrefix(r[0], "#") {
			continue
		}
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// What readers type finds what the bundled data says, on the change log,
// the country list and the organisation list, in English and in French
// alike. The expected items are worked out here from the bundled CSV
// itself (a row matches when one of the words a reader sees holds the
// text: its free text as typed, its labels and country names in every
// catalogue, whatever the case and accents), not from the store's
// queries; and a few items a reader would look for are named outright.
func TestSearchFindsWhatReadersType(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := newServerWith(t, st, Options{ClientRate: -1})
	rawEvents, err := data.SeedEvents()
	if err != nil {
		t.Fatal(err)
	}
	rawCountries, err := data.Countries()
	if err != nil {
		t.Fatal(err)
	}
	events := csvRecords(t, rawEvents)
	catalogues := i18n.MustLoadLanguages()
	countryNames := map[string][]string{}
	for _, c := range csvRecords(t, rawCountries) {
		countryNames[c["iso3"]] = append(catalogues.CountryNames(c["iso3"], c["name"]), c["official_name"])
	}

	// Each row's words, as the pages show them: its free text, and the
	// labels of its coded values in every catalogue.
	words := func(r map[string]string) (free, labels []string) {
		free = []string{r["org_name"], r["org_acronym"], r["org_slug"], r["country_code"], r["authority"],
			r["reason_stated"], r["description"], r["source_publisher"]}
		labels = countryNames[r["country_code"]]
		for _, l := range catalogues.All() {
			labels = append(labels, l.EventType(access.EventType(r["event_type"])))
			if r["status_after"] != "" {
				labels = append(labels, l.Status(access.Status(r["status_after"])))
			}
			if r["instrument"] != "" {
				labels = append(labels, l.Instrument(access.Instrument(r["instrument"])))
			}
			if r["reason_category"] != "" {
				labels = append(labels, l.ReasonCategory(access.ReasonCategory(r["reason_category"])))
			}
		}
		return free, labels
	}
	eventKey := func(date, country, org, typ string) string {
		return strings.Join([]string{date, country, org, typ}, "|")
	}

	// The API lists every event with its id, to read /changes' anchors.
	all := getJSON[apiPage[apiEvent]](t, srv, "/api/v1/events?limit=1000")
	if len(all.Items) != len(events) {
		t.Fatalf("the API lists %d events, the bundled CSV has %d", len(all.Items), len(events))
	}
	keyOf := map[int64]string{}
	for _, e := range all.Items {
		org := ""
		if e.Org != nil {
			org = e.Org.Slug
		}
		keyOf[e.ID] = eventKey(e.Date.Date, e.Country.Code, org, e.Type)
	}

	for _, tc := range []struct {
		q string
		// also: other words the text stands for (the country a reader
		// names by another word), as a reader would expect.
		also []string
		// named: items a reader would expect, whatever the rule.
		countries, orgs []string
		event           string // one event expected on /changes
	}{
		{q: "French", also: []string{"France"}, countries: []string{"MLI", "NER"}, orgs: []string{"acted", "geneva-call"},
			event: eventKey("2024-11-12", "NER", "acted", "authorisation_withdrawn")},
		{q: "women", countries: []string{"AFG"}, orgs: []string{"care", "irc", "nrc", "save-the-children"},
			event: eventKey("2022-12-24", "AFG", "", "class_ban_announced")},
		{q: "Taliban", countries: []string{"AFG"}, orgs: []string{"unama", "united-nations"},
			event: eventKey("2024-12-29", "AFG", "", "class_ban_announced")},
		{q: "Burkina", countries: []string{"BFA"}},
		{q: "Palestine", countries: []string{"PSE"}},
		{q: "DRC", also: []string{"DR Congo", "Democratic Republic of the Congo"}, countries: []string{"COD"}},
		{q: "gender policy", countries: []string{"AFG"}}, // a reason category's label
		{q: "note verbale", countries: []string{"NER"}},  // an instrument's label
		// Labels and names in French find what their English ones do, on
		// English and French pages alike.
		{q: "expulsé", countries: []string{"AZE", "NER", "SDN"}, orgs: []string{"icrc", "world-vision"},
			event: eventKey("2025-06-05", "NER", "icrc", "offices_closed")},
		{q: "Expelled", countries: []string{"AZE", "NER", "SDN"}, orgs: []string{"icrc", "world-vision"}},
		{q: "fermeture des bureaux", countries: []string{"NER"}, orgs: []string{"icrc"},
			event: eventKey("2025-06-05", "NER", "icrc", "offices_closed")},
		{q: "Éthiopie", also: []string{"Ethiopia"}, countries: []string{"ETH"}},
	} {
		t.Run(tc.q, func(t *testing.T) {
			needles := []string{strings.ToLower(tc.q)}
			for _, a := range tc.also {
				needles = append(needles, strings.ToLower(a))
			}
			var wantEvents, wantCountries, wantOrgs []string
			for _, r := range events {
				hit := false
				free, labels := words(r)
				for _, n := range needles {
					for _, w := range free {
						hit = hit || strings.Contains(strings.ToLower(w), n)
					}
					for _, w := range labels {
						hit = hit || strings.Contains(access.SearchFold(w), access.SearchFold(n))
					}
				}
				if !hit {
					continue
				}
				wantEvents = append(wantEvents, eventKey(r["date"], r["country_code"], r["org_slug"], r["event_type"]))
				if !slices.Contains(wantCountries, r["country_code"]) {
					wantCountries = append(wantCountries, r["country_code"])
				}
				if r["org_slug"] != "" && !slices.Contains(wantOrgs, r["org_slug"]) {
					wantOrgs = append(wantOrgs, r["org_slug"])
				}
			}
			if len(wantEvents) == 0 || len(wantEvents) > 50 {
				t.Fatalf("the bundled data has %d events for %q: the test needs some, on one page", len(wantEvents), tc.q)
			}
			slices.Sort(wantEvents)
			slices.Sort(wantCountries)
			slices.Sort(wantOrgs)
			for _, c := range tc.countries {
				if !slices.Contains(wantCountries, c) {
					t.Errorf("the bundled data's words do not lead to %s", c)
				}
			}
			for _, o := range tc.orgs {
				if !slices.Contains(wantOrgs, o) {
					t.Errorf("the bundled data's words do not lead to %s", o)
				}
			}
			t.Logf("%d events, countries %v, organisations %v", len(wantEvents), wantCountries, wantOrgs)
			for _, lang := range []string{"", "&lang=fr"} {
				q := url.QueryEscape(tc.q) + lang

				changes := get(t, srv, "/changes?q="+q)
				var gotEvents []string
				for _, m := range eventAnchor.FindAllStringSubmatch(changes.Body.String(), -1) {
					id, _ := strconv.ParseInt(m[1], 10, 64)
					gotEvents = append(gotEvents, keyOf[id])
				}
				slices.Sort(gotEvents)
				if !slices.Equal(gotEvents, wantEvents) {
					t.Errorf("/changes?q=%s lists\n%v\nwant\n%v", q, gotEvents, wantEvents)
				}
				if tc.event != "" && !slices.Contains(gotEvents, tc.event) {
					t.Errorf("/changes?q=%s misses %s", q, tc.event)
				}

				gotCountries := attrs(page(t, srv, "/countries?q="+q).Find("#countries tbody tr"), "data-country")
				slices.Sort(gotCountries)
				if !slices.Equal(gotCountries, wantCountries) {
					t.Errorf("/countries?q=%s lists %v, want %v", q, gotCountries, wantCountries)
				}
				gotOrgs := attrs(page(t, srv, "/orgs?q="+q).Find("#orgs tbody tr"), "data-org")
				slices.Sort(gotOrgs)
				if !slices.Equal(gotOrgs, wantOrgs) {
					t.Errorf("/orgs?q=%s lists %v, want %v", q, gotOrgs, wantOrgs)
				}

				// The API (one language: its own) selects what the page does.
				if lang != "" {
					continue
				}
				api := getJSON[apiPage[apiEvent]](t, srv, "/api/v1/events?limit=1000&q="+q)
				var inAPI []string
				for _, e := range api.Items {
					inAPI = append(inAPI, keyOf[e.ID])
				}
				slices.Sort(inAPI)
				if !slices.Equal(inAPI, wantEvents) {
					t.Errorf("/api/v1/events?q=%s selects %v, want %v", q, inAPI, wantEvents)
				}
			}
		})
	}
}

// q=expulsé finds the expelled records (issue 18): in the records API and
// export every record now Expelled is found, spelled with or without
// accents, in any case, in French or in English; and every record found
// has had an event that expelled it.
func TestStatusLabelFindsRecordsInEitherLanguage(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := newServerWith(t, st, Options{ClientRate: -1})
	key := func(r apiRecord) string { return r.Country.Code + "/" + r.Org.Slug }
	var now []string
	for _, r := range getJSON[apiPage[apiRecord]](t, srv, "/api/v1/records?status=expelled&limit=1000").Items {
		now = append(now, key(r))
	}
	var ever []string
	for _, e := range getJSON[apiPage[apiEvent]](t, srv, "/api/v1/events?status=expelled&limit=1000").Items {
		if e.Org != nil {
			ever = append(ever, e.Country.Code+"/"+e.Org.Slug)
		}
	}
	if len(now) == 0 || !slices.Contains(now, "NER/icrc") {
		t.Fatalf("the bundled data's expelled records: %v", now)
	}
	for _, q := range []string{"expulsé", "Expulsée", "EXPULSEE", "expulse", "Expelled"} {
		found := getJSON[apiPage[apiRecord]](t, srv, "/api/v1/records?limit=1000&q="+url.QueryEscape(q))
		var got []string
		for _, r := range found.Items {
			got = append(got, key(r))
			// "Expelled" is also free text (a description's "were
			// expelled"), so only the labels' own finds are checked.
			if q != "Expelled" && !slices.Contains(ever, key(r)) {
				t.Errorf("q=%s finds %s, which no event expelled", q, key(r))
			}
		}
		for _, k := range now {
			if !slices.Contains(got, k) {
				t.Errorf("q=%s misses the expelled record %s", q, k)
			}
		}
		csvRows := csvRecords(t, get(t, srv, "/export/records.csv?q="+url.QueryEscape(q)).Body.Bytes())
		if len(csvRows) != len(found.Items) {
			t.Errorf("q=%s: the export has %d rows, the API %d records", q, len(csvRows), len(found.Items))
		}
	}
}

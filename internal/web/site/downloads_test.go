package site

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/templates"
)

// TestDownloadsCarryEveryFilter gives every page every filter it takes and
// reads each download link back with the address's own (strict) rules: the
// link must be accepted and select with exactly the page's filters. A page
// filter a download does not take fails here rather than being dropped.
func TestDownloadsCarryEveryFilter(t *testing.T) {
	sample := map[string]string{
		query.Text: "niger", query.Status: "expelled", query.Flagged: "1", query.Region: "Africa", query.Type: "ingo",
		query.Country: "NER", query.Org: "icrc", query.Event: "order_to_leave_issued", query.Since: "2024", query.Until: "2025-06",
	}
	records := func(q query.Query) []templates.DownloadSet { return []templates.DownloadSet{recordDownloads(q)} }
	changes := func(q query.Query) []templates.DownloadSet {
		return []templates.DownloadSet{changeDownloads(q, templates.FeedLink{URL: feedURL(q, nil)})}
	}
	pages := map[string]struct {
		spec  query.Spec
		sets  func(query.Query) []templates.DownloadSet
		fixed query.Query // what the page's address sets
	}{
		"/changes":         {changesSpec(nil), changes, query.Query{}},
		"/countries":       {countriesSpec(nil), records, query.Query{}},
		"/orgs":            {orgsSpec(nil), records, query.Query{}},
		"/countries/{iso}": {countrySpec(), records, query.Query{Country: "NER"}},
		"/orgs/{slug}":     {orgSpec(nil), records, query.Query{Org: "icrc"}},
	}
	targets := map[string]query.Spec{
		recordsCSV: with(opendata.RecordExportSpec, query.BOM), recordsJSON: with(opendata.RecordExportSpec, query.Limit),
		eventsCSV: with(opendata.EventExportSpec, query.BOM), eventsJSON: with(opendata.EventExportSpec, query.Limit),
		feedPath: feedSpec(nil),
	}
	for path, p := range pages {
		v := url.Values{}
		for _, name := range p.spec.Params {
			if name == query.Sort || name == query.Page {
				continue
			}
			value, ok := sample[name]
			if !ok {
				t.Fatalf("%s takes %q: give the test a value for it", path, name)
			}
			v.Set(name, value)
		}
		q, qe := query.Parse(v.Encode()+"&page=2", p.spec)
		if qe != nil {
			t.Fatalf("%s: %v", path, qe)
		}
		if p.fixed.Country != "" {
			q.Country = p.fixed.Country
		}
		if p.fixed.Org != "" {
			q.Org = p.fixed.Org
		}
		want := selectionOf(q)
		links := 0
		for _, set := range p.sets(q) {
			for _, link := range []string{set.CSV, set.ExcelCSV, set.JSON, set.Atom} {
				if link == "" {
					continue
				}
				links++
				target, raw, _ := strings.Cut(link, "?")
				spec, ok := targets[target]
				if !ok {
					t.Fatalf("%s: a link to %s, which this test does not know", path, target)
				}
				got, qe := query.Parse(raw, spec)
				if qe != nil {
					t.Errorf("%s: %s refuses its link %s: %v", path, target, link, qe)
					continue
				}
				if !reflect.DeepEqual(selectionOf(got), want) {
					t.Errorf("%s: link %s selects %+v, the page %+v", path, link, selectionOf(got), want)
				}
			}
		}
		if links < 3 {
			t.Errorf("%s: %d download links", path, links)
		}
	}
}

// selectionOf is what a query selects: its filters, without order, paging
// or the file's form.
func selectionOf(q query.Query) query.Query {
	q.Sort, q.Page, q.Limit, q.Offset, q.BOM, q.Ignored, q.Deprecated = "", 0, 0, 0, false, nil, nil
	return q
}

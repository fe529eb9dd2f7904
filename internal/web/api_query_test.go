package web

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

func TestParseQuery(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spec  querySpec
		query string
		want  apiQuery
		codes string // "param/code ..." of the problems, in order; "" when accepted
	}{
		{"defaults", recordListParams, "", apiQuery{Limit: defaultLimit}, ""},
		{"no paging on exports", recordExportParam, "", apiQuery{}, ""},
		{"every record filter", recordListParams, "country=NER&org=icrc&status=expelled&status=banned&status=expelled&flagged=true&region=africa&updated_since=2025-06&limit=0&offset=20",
			apiQuery{Country: "NER", Org: "icrc", Statuses: []access.Status{"expelled", "banned"}, FlaggedOnly: true, Region: "africa",
				UpdatedSince: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), Limit: 0, Offset: 20}, ""},
		{"rfc 3339 time, to its day", recordListParams, "updated_since=2025-06-05T10:00:00%2B02:00", apiQuery{UpdatedSince: time.Date(2025, 6, 5, 0, 0, 0, 0, time.UTC), Limit: defaultLimit}, ""},
		{"rfc 3339 time, its UTC day", recordListParams, "updated_since=2025-06-05T01:00:00%2B02:00", apiQuery{UpdatedSince: time.Date(2025, 6, 4, 0, 0, 0, 0, time.UTC), Limit: defaultLimit}, ""},
		{"every event filter", eventListParams, "since=2025&until=2025-06-05&type=offices_closed&type=staff_departed&limit=1000&offset=1000000000",
			apiQuery{Since: access.MustParseDate("2025"), Until: access.MustParseDate("2025-06-05"),
				Types: []access.EventType{"offices_closed", "staff_departed"}, Limit: 1000, Offset: maxOffset}, ""},
		{"since equals until", eventListParams, "since=2025-06&until=2025-06", apiQuery{Since: access.MustParseDate("2025-06"), Until: access.MustParseDate("2025-06"), Limit: defaultLimit}, ""},

		{"unknown parameter", recordListParams, "colour=red", apiQuery{}, "colour/unknown"},
		{"nothing accepted", apiNoParams, "limit=5", apiQuery{}, "limit/unknown"},
		{"paging not on exports", eventExportParams, "limit=5", apiQuery{}, "limit/unknown"},
		{"event filter on records", recordListParams, "since=2025", apiQuery{}, "since/unknown"},
		{"no name", recordListParams, "=x", apiQuery{}, "/unnamed"},
		{"repeated", recordListParams, "country=NER&country=MLI", apiQuery{}, "country/repeated"},
		{"empty", recordListParams, "country=", apiQuery{}, "country/empty"},
		{"lower-case country", recordListParams, "country=ner", apiQuery{}, "country/country"},
		{"bad slug", recordListParams, "org=ICRC", apiQuery{}, "org/org"},
		{"bad status", recordListParams, "status=expelled&status=gone", apiQuery{}, "status/status"},
		{"comma list", recordListParams, "status=banned,expelled", apiQuery{}, "status/status"},
		{"flagged false", recordListParams, "flagged=false", apiQuery{}, "flagged/flagged"},
		{"control character", recordListParams, "region=Af%00rica", apiQuery{}, "region/text"},
		{"long region", recordListParams, "region=" + strings.Repeat("a", 101), apiQuery{}, "region/text"},
		{"bad time", recordListParams, "updated_since=yesterday", apiQuery{}, "updated_since/timestamp"},
		{"written date", eventListParams, "since=5+Jun+2025", apiQuery{}, "since/date"},
		{"no such day", eventListParams, "until=2025-02-30", apiQuery{}, "until/date"},
		{"range backwards", eventListParams, "since=2025-07&until=2025-06", apiQuery{}, "since/range"},
		{"bad type", eventListParams, "type=coup", apiQuery{}, "type/event_type"},
		{"negative limit", recordListParams, "limit=-1", apiQuery{}, "limit/limit"},
		{"huge limit", recordListParams, "limit=1001", apiQuery{}, "limit/limit"},
		{"plus sign", recordListParams, "limit=%2B5", apiQuery{}, "limit/limit"},
		{"negative offset", recordListParams, "offset=-5", apiQuery{}, "offset/offset"},
		{"overflowing offset", recordListParams, "offset=99999999999999999999", apiQuery{}, "offset/offset"},
		{"every problem at once, in order", recordListParams, "offset=x&colour=red&limit=-1&status=gone",
			apiQuery{}, "colour/unknown limit/limit offset/offset status/status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			values, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			q, problems := parseQuery(tc.spec, values)
			var codes []string
			for _, p := range problems {
				codes = append(codes, p.Param+"/"+p.Code)
			}
			if got := strings.Join(codes, " "); got != tc.codes {
				t.Fatalf("problems %q, want %q", got, tc.codes)
			}
			if tc.codes != "" {
				return
			}
			if !reflect.DeepEqual(q, tc.want) {
				t.Errorf("got  %+v\nwant %+v", q, tc.want)
			}
			if err := q.check(tc.spec); err != nil {
				t.Errorf("accepted but invalid: %v", err)
			}
			// Written back, the query reads the same.
			again, problems := parseQuery(tc.spec, q.values(tc.spec))
			if len(problems) > 0 || !reflect.DeepEqual(again, q) {
				t.Errorf("values() does not read back: %+v %v", again, problems)
			}
		})
	}
}

// FuzzParseQuery feeds arbitrary query strings to the API's query parsing.
// It must never panic, and every query is either rejected with at least one
// located problem or accepted as a valid query that reads back the same when
// written out again. Corpus: testdata/fuzz/FuzzParseQuery.
func FuzzParseQuery(f *testing.F) {
	for _, seed := range []string{
		"", "country=NER&org=icrc&status=expelled&flagged=true&limit=10&offset=10",
		"since=2025&until=2025-06-05&type=offices_closed&type=staff_departed",
		"limit=0", "offset=-1", "limit=99999999999", "updated_since=2025-06-05T10:00:00Z", "region=Africa",
		"status=banned,expelled", "country=ner", "since=2025-07&until=2025-06", "%zz", "a=1&a=2",
	} {
		f.Add(seed)
	}
	specs := []querySpec{apiNoParams, recordListParams, eventListParams, recordExportParam, eventExportParams}
	f.Fuzz(func(t *testing.T, raw string) {
		values, err := url.ParseQuery(raw)
		if err != nil {
			return // answered 400 by the handler before parsing
		}
		for _, spec := range specs {
			q, problems := parseQuery(spec, values)
			if len(problems) > 0 {
				for _, p := range problems {
					if p.Code == "" || (p.Param == "") != (p.Code == "unnamed") {
						t.Fatalf("problem without a code, or unnamed but with a name: %+v", p)
					}
				}
				continue
			}
			if err := q.check(spec); err != nil {
				t.Fatalf("%q accepted for %v but invalid: %v", raw, spec.params, err)
			}
			again, problems := parseQuery(spec, q.values(spec))
			if len(problems) > 0 || !reflect.DeepEqual(again, q) {
				t.Fatalf("%q: written back as %q, reads %+v %v", raw, q.values(spec).Encode(), again, problems)
			}
		}
	})
}

package web

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/i18n"
)

// testSpec accepts every list parameter, as /changes does.
var testSpec = listSpec{
	params:  []string{paramStatus, paramFlagged, paramRegion, paramType, paramQuery, paramSort, paramPage, paramCountry, paramOrg, paramEvent, paramSince, paramUntil},
	sorts:   []string{"newest", "oldest"},
	regions: []string{"Africa", "Asia"},
}

func TestParseListQueryAccepts(t *testing.T) {
	tests := []struct {
		raw  string
		want listQuery
	}{
		{"", listQuery{Sort: "newest", Page: 1}},
		{"status=expelled&status=banned&status=expelled", listQuery{Sort: "newest", Page: 1,
			Statuses: []access.Status{access.StatusBanned, access.StatusExpelled}}},
		{"flagged=1&region=Africa&type=ingo", listQuery{Sort: "newest", Page: 1, Flagged: true, Region: "Africa", OrgType: access.OrgINGO}},
		{"flagged=on", listQuery{Sort: "newest", Page: 1, Flagged: true}},
		{"flagged=0", listQuery{Sort: "newest", Page: 1}},
		{"q=+red+cross+&sort=oldest&page=3", listQuery{Sort: "oldest", Page: 3, Text: "red cross"}},
		{"q=M%C3%A9decins", listQuery{Sort: "newest", Page: 1, Text: "Médecins"}},
		{"country=ner&org=msf-holland", listQuery{Sort: "newest", Page: 1, Country: "NER", Org: "msf-holland"}},
		{"event=class_ban_announced&since=2025&until=2025-06-05", listQuery{Sort: "newest", Page: 1,
			Events: []access.EventType{access.EventClassBanAnnounced}, Since: access.MustParseDate("2025"), Until: access.MustParseDate("2025-06-05")}},
		// Unset form fields arrive empty and mean "no filter".
		{"status=&region=&type=&q=&sort=&page=&country=&org=&since=&until=&flagged=", listQuery{Sort: "newest", Page: 1}},
		{"page=007", listQuery{Sort: "newest", Page: 7}},
	}
	for _, tt := range tests {
		got, err := parseListQuery(tt.raw, testSpec)
		if err != nil {
			t.Errorf("%q: %v", tt.raw, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.raw, got, tt.want)
		}
	}
}

func TestParseListQueryRejects(t *testing.T) {
	narrow := listSpec{params: []string{paramStatus, paramSort, paramPage}, sorts: []string{"severity", "org"}}
	tests := []struct {
		raw     string
		spec    listSpec
		param   string
		problem queryProblem
		allowed string // one of the allowed values the message must list
	}{
		{"a=%zz", testSpec, "", problemMalformed, ""},
		{"a=1;b=2", testSpec, "", problemMalformed, ""},
		{"=1", testSpec, "", problemMalformed, ""},
		{"status=gone", testSpec, paramStatus, problemInvalid, "expelled"},
		{"status=EXPELLED", testSpec, paramStatus, problemInvalid, "expelled"},
		{"status=" + strings.Repeat("banned&status=", 40) + "banned", testSpec, paramStatus, problemTooMany, ""},
		{"flagged=yes", testSpec, paramFlagged, problemInvalid, "1"},
		{"region=Atlantis", testSpec, paramRegion, problemInvalid, "Africa"},
		{"type=church", testSpec, paramType, problemInvalid, "ingo"},
		{"sort=name", narrow, paramSort, problemInvalid, "severity"},
		{"sort=org;drop", narrow, "", problemMalformed, ""},
		{"page=0", testSpec, paramPage, problemInvalid, ""},
		{"page=-1", testSpec, paramPage, problemInvalid, ""},
		{"page=%2B2", testSpec, paramPage, problemInvalid, ""},
		{"page=1e3", testSpec, paramPage, problemInvalid, ""},
		{"page=99999999999999999999", testSpec, paramPage, problemInvalid, ""},
		{"page=1&page=2", testSpec, paramPage, problemRepeated, ""},
		{"q=a&q=b", testSpec, paramQuery, problemRepeated, ""},
		{"q=" + strings.Repeat("x", maxQueryRunes+1), testSpec, paramQuery, problemText, ""},
		{"q=%00", testSpec, paramQuery, problemText, ""},
		{"q=%FF", testSpec, paramQuery, problemText, ""},
		{"country=NE", testSpec, paramCountry, problemInvalid, ""},
		{"country=N%C3%89R", testSpec, paramCountry, problemInvalid, ""},
		{"org=ICRC", testSpec, paramOrg, problemInvalid, ""},
		{"org=../admin", testSpec, paramOrg, problemInvalid, ""},
		{"event=exploded", testSpec, paramEvent, problemInvalid, "offices_closed"},
		{"since=yesterday", testSpec, paramSince, problemInvalid, "2025-06-05"},
		{"since=2025-02-30", testSpec, paramSince, problemInvalid, ""},
		{"since=2025-06&until=2025-05", testSpec, paramUntil, problemRange, "2025-06"},
	}
	for _, tt := range tests {
		_, err := parseListQuery(tt.raw, tt.spec)
		if err == nil {
			t.Errorf("%q accepted", tt.raw)
			continue
		}
		if err.Param != tt.param || err.Problem != tt.problem {
			t.Errorf("%q: %+v, want %s on %q", tt.raw, err, tt.problem, tt.param)
		}
		if tt.allowed != "" && !slices.Contains(err.Allowed, tt.allowed) {
			t.Errorf("%q: allowed %v lacks %q", tt.raw, err.Allowed, tt.allowed)
		}
		if !utf8.ValidString(err.Value) || strings.ContainsFunc(err.Value, unicode.IsControl) || utf8.RuneCountInString(err.Value) > 41 {
			t.Errorf("%q: the quoted value %q is not safe to show", tt.raw, err.Value)
		}
	}
}

func TestListQueryURLIsCanonical(t *testing.T) {
	a, _ := parseListQuery("sort=oldest&status=expelled&status=banned&page=2&q=x&flagged=true", testSpec)
	b, _ := parseListQuery("flagged=1&q=x&page=2&status=banned&status=expelled&sort=oldest", testSpec)
	if a.url("/changes", testSpec) != b.url("/changes", testSpec) {
		t.Errorf("%s != %s", a.url("/changes", testSpec), b.url("/changes", testSpec))
	}
	if got := (listQuery{Sort: "newest", Page: 1}).url("/changes", testSpec); got != "/changes" {
		t.Errorf("defaults give %q", got)
	}
	if !a.filtered() || (listQuery{Sort: "oldest", Page: 4}).filtered() {
		t.Error("filtered() is wrong")
	}
}

// checkValid says what, if anything, makes an accepted query invalid:
// the properties every handler relies on.
func checkValid(q listQuery, spec listSpec) string {
	switch {
	case q.Page < 1 || q.Page > maxPage:
		return "page out of range"
	case !slices.Contains(spec.sorts, q.Sort):
		return "unknown sort"
	case q.Region != "" && !slices.Contains(spec.regions, q.Region):
		return "unknown region"
	case q.OrgType != "" && !q.OrgType.Valid():
		return "unknown organisation type"
	case q.Country != "" && !access.ValidCountryCode(q.Country):
		return "bad country code"
	case q.Org != "" && !access.ValidSlug(q.Org):
		return "bad slug"
	case !utf8.ValidString(q.Text) || utf8.RuneCountInString(q.Text) > maxQueryRunes ||
		strings.ContainsFunc(q.Text, unicode.IsControl) || q.Text != strings.TrimSpace(q.Text):
		return "bad search text"
	case !q.Since.IsZero() && !q.Until.IsZero() && !q.Until.End().After(q.Since.Start()):
		return "until before since"
	}
	for i, s := range q.Statuses {
		if !s.Valid() || (i > 0 && s.Severity() <= q.Statuses[i-1].Severity()) {
			return "statuses invalid, repeated or out of order"
		}
	}
	for i, e := range q.Events {
		if !e.Valid() || (i > 0 && slices.Index(access.EventTypes, e) <= slices.Index(access.EventTypes, q.Events[i-1])) {
			return "event types invalid, repeated or out of order"
		}
	}
	return ""
}

func FuzzParseListQuery(f *testing.F) {
	for _, seed := range []string{"", "status=expelled&status=banned", "flagged=1&region=Africa&type=ingo&q=red",
		"sort=oldest&page=2", "country=ner&org=icrc&event=offices_closed", "since=2025&until=Jun+2025",
		"a=%zz", "page=0", "q=%00", "status=&q=", "since=2025-06&until=2025-05"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := parseListQuery(raw, testSpec)
		if err != nil {
			if err.Problem == "" || (err.Problem != problemMalformed && err.Param == "") {
				t.Fatalf("%q: rejection names no parameter or problem: %+v", raw, err)
			}
			return
		}
		if why := checkValid(q, testSpec); why != "" {
			t.Fatalf("%q accepted with %s: %+v", raw, why, q)
		}
		// The canonical URL reads back as the same query.
		again, err := parseListQuery(q.values(testSpec).Encode(), testSpec)
		if err != nil {
			t.Fatalf("%q: canonical form %q rejected: %v", raw, q.values(testSpec).Encode(), err)
		}
		q.Ignored = nil // the canonical form drops what the page does not take
		if !reflect.DeepEqual(again, q) {
			t.Fatalf("%q: round trip\n got %+v\nwant %+v", raw, again, q)
		}
	})
}

func TestEveryOrderHasALabel(t *testing.T) {
	l := i18n.English()
	for _, spec := range []listSpec{countriesSpec(nil), countrySpec(), orgsSpec(nil), orgSpec(nil), changesSpec(nil)} {
		for _, sort := range spec.sorts {
			if !l.Has("dash.sort." + sort) {
				t.Errorf("no label for the order %q", sort)
			}
		}
	}
}

func TestUnknownParametersAreIgnoredAndListed(t *testing.T) {
	narrow := listSpec{params: []string{paramStatus, paramSort, paramPage}, sorts: []string{"severity", "org"}}
	q, err := parseListQuery("utm_source=news&status=banned&fbclid=abc", narrow)
	if err != nil {
		t.Fatalf("rejected: %+v", err)
	}
	if !reflect.DeepEqual(q.Ignored, []string{"fbclid", "utm_source"}) || len(q.Statuses) != 1 {
		t.Errorf("got %+v", q)
	}
	if got := q.url("/countries", narrow); got != "/countries?status=banned" {
		t.Errorf("canonical address %q", got)
	}
}

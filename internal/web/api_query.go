package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
)

// Paging bounds of the JSON API's lists.
const (
	defaultLimit = 100
	maxLimit     = 1000
	maxOffset    = 1_000_000_000
	maxTextParam = 100 // characters, for free-text parameters (region)
)

// querySpec is the set of query parameters one address accepts.
type querySpec struct {
	params []string // accepted, in the order the documentation lists them
}

// The query parameters of each address. Every other parameter is refused,
// so that a misspelt filter is an error rather than silently ignored.
var (
	apiNoParams       = querySpec{}
	recordListParams  = querySpec{[]string{"country", "org", "status", "flagged", "region", "updated_since", "limit", "offset"}}
	eventListParams   = querySpec{[]string{"country", "org", "since", "until", "type", "limit", "offset"}}
	recordExportParam = querySpec{[]string{"country", "org", "status", "flagged", "region", "updated_since"}}
	eventExportParams = querySpec{[]string{"country", "org", "since", "until", "type"}}
)

func (s querySpec) accepts(name string) bool { return slices.Contains(s.params, name) }

// repeatable parameters may be given several times; the others once.
var repeatable = map[string]bool{"status": true, "type": true}

// apiQuery is a parsed, valid query. Zero fields do not filter.
type apiQuery struct {
	Country      string
	Org          string
	Statuses     []access.Status
	FlaggedOnly  bool
	Region       string
	UpdatedSince time.Time
	Since, Until access.Date
	Types        []access.EventType
	Limit        int
	Offset       int
}

// paramError is one problem with one query parameter. Code picks the
// message (api.param.<code> in the catalogue).
type paramError struct {
	Param string
	Value string
	Code  string
}

// paramParsers read one value of a parameter into the query, or return the
// code of what is wrong with it.
var paramParsers = map[string]func(q *apiQuery, v string) string{
	"country": func(q *apiQuery, v string) string {
		if !access.ValidCountryCode(v) {
			return "country"
		}
		q.Country = v
		return ""
	},
	"org": func(q *apiQuery, v string) string {
		if !access.ValidSlug(v) {
			return "org"
		}
		q.Org = v
		return ""
	},
	"status": func(q *apiQuery, v string) string {
		st := access.Status(v)
		if !st.Valid() {
			return "status"
		}
		if !slices.Contains(q.Statuses, st) {
			q.Statuses = append(q.Statuses, st)
		}
		return ""
	},
	"type": func(q *apiQuery, v string) string {
		t := access.EventType(v)
		if !t.Valid() {
			return "event_type"
		}
		if !slices.Contains(q.Types, t) {
			q.Types = append(q.Types, t)
		}
		return ""
	},
	"flagged": func(q *apiQuery, v string) string {
		if v != "true" {
			return "flagged"
		}
		q.FlaggedOnly = true
		return ""
	},
	"region": func(q *apiQuery, v string) string {
		if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxTextParam || strings.ContainsFunc(v, unicode.IsControl) {
			return "text"
		}
		q.Region = v
		return ""
	},
	"updated_since": func(q *apiQuery, v string) string {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			// Updates are public at day precision only: a finer bound would
			// let anyone find the second of an update by bisection.
			q.UpdatedSince = publicDay(t)
			return ""
		}
		d, ok := isoDate(v)
		if !ok {
			return "timestamp"
		}
		q.UpdatedSince = d.Start()
		return ""
	},
	"since":  dateParam(func(q *apiQuery) *access.Date { return &q.Since }),
	"until":  dateParam(func(q *apiQuery) *access.Date { return &q.Until }),
	"limit":  numberParam("limit", maxLimit, func(q *apiQuery) *int { return &q.Limit }),
	"offset": numberParam("offset", maxOffset, func(q *apiQuery) *int { return &q.Offset }),
}

// dateParam parses an ISO date into the field field picks.
func dateParam(field func(*apiQuery) *access.Date) func(*apiQuery, string) string {
	return func(q *apiQuery, v string) string {
		d, ok := isoDate(v)
		if !ok {
			return "date"
		}
		*field(q) = d
		return ""
	}
}

// numberParam parses a whole number from 0 to max into the field field
// picks; code names the problem.
func numberParam(code string, max int, field func(*apiQuery) *int) func(*apiQuery, string) string {
	return func(q *apiQuery, v string) string {
		n, ok := wholeNumber(v, max)
		if !ok {
			return code
		}
		*field(q) = n
		return ""
	}
}

// isoDate reads an ISO 8601 date at its precision (YYYY, YYYY-MM or
// YYYY-MM-DD) and nothing else: the written forms access.ParseDate also
// reads ("5 Jun 2025") have no place in a URL.
func isoDate(v string) (access.Date, bool) {
	d, err := access.ParseDate(v)
	if err != nil || d.ISO() != v {
		return access.Date{}, false
	}
	return d, true
}

// wholeNumber reads a number of ASCII digits from 0 to max.
func wholeNumber(v string, max int) (int, bool) {
	if v == "" || len(v) > 10 || strings.TrimLeft(v, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n <= max
}

// parseQuery reads the query parameters of an address: every parameter must
// be one the address accepts, given once unless repeatable, with a value
// that is well formed. It returns every problem, not just the first, in a
// stable order; with problems, the query holds what did parse (so that
// checkRefs can report on it too) and must not be used. Whether a country,
// organisation or region exists is checkRefs' question.
func parseQuery(spec querySpec, values url.Values) (apiQuery, []paramError) {
	q := apiQuery{}
	if spec.accepts("limit") {
		q.Limit = defaultLimit
	}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names)
	var problems []paramError
	for _, name := range names {
		vals := values[name]
		if !spec.accepts(name) {
			code := "unknown"
			if name == "" {
				code = "unnamed" // "?=x" or "?&=x"
			}
			problems = append(problems, paramError{Param: name, Value: strings.Join(vals, ","), Code: code})
			continue
		}
		if len(vals) > 1 && !repeatable[name] {
			problems = append(problems, paramError{Param: name, Value: strings.Join(vals, ","), Code: "repeated"})
			continue
		}
		for _, v := range vals {
			if v == "" {
				problems = append(problems, paramError{Param: name, Code: "empty"})
				continue
			}
			if code := paramParsers[name](&q, v); code != "" {
				problems = append(problems, paramError{Param: name, Value: v, Code: code})
			}
		}
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Since.Start().After(q.Until.Start()) {
		problems = append(problems, paramError{Param: "since", Value: q.Since.ISO(), Code: "range"})
	}
	return q, problems
}

// check reports what makes q invalid for spec; nil for a query parseQuery
// could have produced. It states the parser's promise independently of the
// parser, for the fuzz test.
func (q apiQuery) check(spec querySpec) error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	given := map[string]bool{
		"country": q.Country != "", "org": q.Org != "", "status": len(q.Statuses) > 0, "flagged": q.FlaggedOnly,
		"region": q.Region != "", "updated_since": !q.UpdatedSince.IsZero(), "since": !q.Since.IsZero(),
		"until": !q.Until.IsZero(), "type": len(q.Types) > 0,
		"limit": q.Limit != 0, "offset": q.Offset != 0,
	}
	for name, set := range given {
		if set && !spec.accepts(name) {
			fail("%s set but not accepted", name)
		}
	}
	if q.Country != "" && !access.ValidCountryCode(q.Country) {
		fail("country %q", q.Country)
	}
	if q.Org != "" && !access.ValidSlug(q.Org) {
		fail("org %q", q.Org)
	}
	for _, s := range q.Statuses {
		if !s.Valid() {
			fail("status %q", s)
		}
	}
	for _, t := range q.Types {
		if !t.Valid() {
			fail("type %q", t)
		}
	}
	if !utf8.ValidString(q.Region) || utf8.RuneCountInString(q.Region) > maxTextParam || strings.ContainsFunc(q.Region, unicode.IsControl) {
		fail("region %q", q.Region)
	}
	for _, d := range []access.Date{q.Since, q.Until} {
		if back, err := access.ParseDate(d.ISO()); !d.IsZero() && (err != nil || back != d) {
			fail("date %+v", d)
		}
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Since.Start().After(q.Until.Start()) {
		fail("since after until")
	}
	if spec.accepts("limit") && (q.Limit < 0 || q.Limit > maxLimit) {
		fail("limit %d", q.Limit)
	}
	if q.Offset < 0 || q.Offset > maxOffset {
		fail("offset %d", q.Offset)
	}
	return errors.Join(errs...)
}

// values writes q back as query parameters for spec, in canonical form
// (parseQuery reads them back into q): for links to other pages of a list.
func (q apiQuery) values(spec querySpec) url.Values {
	v := url.Values{}
	set := func(name, value string) {
		if value != "" && spec.accepts(name) {
			v.Set(name, value)
		}
	}
	set("country", q.Country)
	set("org", q.Org)
	for _, st := range q.Statuses {
		v.Add("status", string(st))
	}
	if q.FlaggedOnly {
		set("flagged", "true")
	}
	set("region", q.Region)
	if !q.UpdatedSince.IsZero() {
		set("updated_since", q.UpdatedSince.Format(time.RFC3339Nano))
	}
	set("since", q.Since.ISO())
	set("until", q.Until.ISO())
	for _, t := range q.Types {
		v.Add("type", string(t))
	}
	if spec.accepts("limit") {
		set("limit", strconv.Itoa(q.Limit))
		if q.Offset > 0 {
			set("offset", strconv.Itoa(q.Offset))
		}
	}
	return v
}

// recordFilter is the store filter of a records query.
func (q apiQuery) recordFilter() store.RecordFilter {
	return store.RecordFilter{Country: q.Country, Org: q.Org, Statuses: q.Statuses, FlaggedOnly: q.FlaggedOnly,
		Region: q.Region, UpdatedSince: q.UpdatedSince, Sort: store.SortCountry, Limit: q.Limit, Offset: q.Offset}
}

// eventFilter is the store filter of an events query.
func (q apiQuery) eventFilter() store.EventFilter {
	return store.EventFilter{Country: q.Country, Org: q.Org, Since: q.Since, Until: q.Until, Types: q.Types,
		OldestFirst: true, Limit: q.Limit, Offset: q.Offset}
}

// refStore answers whether the things a query names exist.
type refStore interface {
	Country(ctx context.Context, code string) (access.Country, error)
	Org(ctx context.Context, slug string) (access.Org, error)
	Countries(ctx context.Context) ([]access.Country, error)
}

// checkRefs checks that the country, organisation and region a parsed query
// names exist, and gives the region its stored spelling (regions match
// whatever their case). A filter naming nothing is an error, not an empty
// answer, so that a mistyped code is not mistaken for "no data".
func checkRefs(ctx context.Context, st refStore, q *apiQuery) ([]paramError, error) {
	var problems []paramError
	if q.Country != "" {
		if _, err := st.Country(ctx, q.Country); errors.Is(err, store.ErrNotFound) {
			problems = append(problems, paramError{Param: "country", Value: q.Country, Code: "country_unknown"})
		} else if err != nil {
			return nil, err
		}
	}
	if q.Org != "" {
		if _, err := st.Org(ctx, q.Org); errors.Is(err, store.ErrNotFound) {
			problems = append(problems, paramError{Param: "org", Value: q.Org, Code: "org_unknown"})
		} else if err != nil {
			return nil, err
		}
	}
	if q.Region != "" {
		regions, err := knownRegions(ctx, st)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(regions, func(r string) bool { return strings.EqualFold(r, q.Region) })
		if i < 0 {
			problems = append(problems, paramError{Param: "region", Value: q.Region, Code: "region"})
		} else {
			q.Region = regions[i]
		}
	}
	return problems, nil
}

// knownRegions lists the regions of the country list, sorted.
func knownRegions(ctx context.Context, st refStore) ([]string, error) {
	countries, err := st.Countries(ctx)
	if err != nil {
		return nil, err
	}
	var regions []string
	for _, c := range countries {
		if c.Region != "" && !slices.Contains(regions, c.Region) {
			regions = append(regions, c.Region)
		}
	}
	slices.Sort(regions)
	return regions, nil
}

package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/accesswatch/accesswatch/internal/access"
)

// The query parameters of the public list pages. Each page accepts a subset
// (its listSpec); anything else is a 400 that names the parameter and what
// it accepts, so a mistyped shared link is noticed rather than silently
// showing unfiltered data.
const (
	paramStatus  = "status"  // record status (on /changes: the status an event set); repeatable
	paramFlagged = "flagged" // 1: flagged only
	paramRegion  = "region"  // a region of the country list
	paramType    = "type"    // organisation type
	paramQuery   = "q"       // search text
	paramSort    = "sort"    // one of the page's orders
	paramPage    = "page"    // 1-based page number
	paramCountry = "country" // ISO3 (on /changes)
	paramOrg     = "org"     // slug (on /changes)
	paramEvent   = "event"   // event type (on /changes); repeatable
	paramSince   = "since"   // date at its precision (on /changes)
	paramUntil   = "until"   // date at its precision (on /changes)
)

// Bounds on list parameters.
const (
	maxQueryRunes = 100    // search text
	maxPage       = 100000 // far beyond any real list, small enough to keep offsets sane
	maxRepeats    = 32     // values of one repeatable parameter
)

// listSpec says which parameters a page accepts.
type listSpec struct {
	params  []string // accepted parameter names, in the order the page shows them
	sorts   []string // accepted orders; the first is the default
	regions []string // accepted regions (from the country list)
}

func (s listSpec) accepts(name string) bool { return slices.Contains(s.params, name) }

// listQuery is a validated list query. Zero fields do not filter.
type listQuery struct {
	Statuses []access.Status // in access.Statuses order, no duplicates
	Flagged  bool
	Region   string
	OrgType  access.OrgType
	Text     string // trimmed
	Sort     string // always one of the spec's sorts
	Page     int    // always >= 1
	Country  string
	Org      string
	Events   []access.EventType // in access.EventTypes order, no duplicates
	Since    access.Date
	Until    access.Date
	// Ignored lists parameters the page does not take (utm_source, fbclid
	// and the like, added to shared links): they are dropped, and the page
	// redirects to its canonical address without them.
	Ignored []string
}

// queryProblem names what is wrong with a query parameter.
type queryProblem string

// Query problems; each has a message "query.<problem>" in the catalogue.
const (
	problemMalformed queryProblem = "malformed" // the query string does not parse
	problemRepeated  queryProblem = "repeated"  // a single-valued parameter given twice
	problemTooMany   queryProblem = "too_many"  // a repeatable parameter given too often
	problemInvalid   queryProblem = "invalid"   // a value outside the allowed ones
	problemText      queryProblem = "text"      // search text too long or not plain text
	problemRange     queryProblem = "range"     // until before since
)

// queryError is a rejected list query: which parameter, which value, and
// what would be accepted. The handler turns it into words.
type queryError struct {
	Param   string
	Value   string
	Problem queryProblem
	Allowed []string // accepted values or parameter names, when they can be listed
}

func (e *queryError) Error() string {
	return "query parameter " + strconv.Quote(e.Param) + ": " + string(e.Problem) + " " + strconv.Quote(e.Value)
}

// parseListQuery reads and validates a raw query string against a page's
// spec. It accepts exactly what the page's forms and links produce, plus
// empty values (an unset form field), and rejects everything else.
func parseListQuery(raw string, spec listSpec) (listQuery, *queryError) {
	q := listQuery{Page: 1, Sort: spec.sorts[0]}
	values, err := url.ParseQuery(raw)
	if err != nil {
		return q, &queryError{Problem: problemMalformed, Value: clip(raw)}
	}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names) // report problems in a stable order
	for _, name := range names {
		if name == "" {
			return q, &queryError{Problem: problemMalformed, Value: clip(raw)}
		}
		if !spec.accepts(name) {
			q.Ignored = append(q.Ignored, clip(name))
			continue
		}
		vs := values[name]
		if name != paramStatus && name != paramEvent {
			if len(vs) > 1 {
				return q, &queryError{Param: name, Problem: problemRepeated, Value: clip(vs[1])}
			}
			if e := q.set(name, vs[0], spec); e != nil {
				return q, e
			}
			continue
		}
		if len(vs) > maxRepeats {
			return q, &queryError{Param: name, Problem: problemTooMany, Value: strconv.Itoa(len(vs))}
		}
		for _, v := range vs {
			if e := q.add(name, v); e != nil {
				return q, e
			}
		}
	}
	q.Statuses = ordered(q.Statuses, access.Statuses)
	q.Events = ordered(q.Events, access.EventTypes)
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Until.End().After(q.Since.Start()) {
		return q, &queryError{Param: paramUntil, Problem: problemRange, Value: q.Until.ISO(), Allowed: []string{q.Since.ISO()}}
	}
	return q, nil
}

// set reads a single-valued parameter; an empty value leaves the default.
func (q *listQuery) set(name, v string, spec listSpec) *queryError {
	invalid := func(allowed ...string) *queryError {
		return &queryError{Param: name, Problem: problemInvalid, Value: clip(v), Allowed: allowed}
	}
	if name == paramQuery {
		t := strings.TrimSpace(v)
		if !utf8.ValidString(t) || utf8.RuneCountInString(t) > maxQueryRunes || strings.ContainsFunc(t, unicode.IsControl) {
			return &queryError{Param: name, Problem: problemText, Value: clip(v)}
		}
		q.Text = t
		return nil
	}
	if v == "" {
		return nil
	}
	switch name {
	case paramFlagged:
		switch v {
		case "1", "true", "on":
			q.Flagged = true
		case "0", "false":
			q.Flagged = false
		default:
			return invalid("1", "0")
		}
	case paramRegion:
		if !slices.Contains(spec.regions, v) {
			return invalid(spec.regions...)
		}
		q.Region = v
	case paramType:
		if t := access.OrgType(v); !t.Valid() {
			return invalid(codes(access.OrgTypes)...)
		}
		q.OrgType = access.OrgType(v)
	case paramSort:
		if !slices.Contains(spec.sorts, v) {
			return invalid(spec.sorts...)
		}
		q.Sort = v
	case paramPage:
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPage || strings.TrimLeft(v, "0123456789") != "" {
			return invalid("1–" + strconv.Itoa(maxPage))
		}
		q.Page = n
	case paramCountry:
		c := strings.ToUpper(v)
		if len(v) != 3 || !access.ValidCountryCode(c) {
			return invalid("NER")
		}
		q.Country = c
	case paramOrg:
		if !access.ValidSlug(v) {
			return invalid("icrc")
		}
		q.Org = v
	case paramSince, paramUntil:
		d, err := access.ParseDate(v)
		if err != nil {
			return invalid("2025", "2025-06", "2025-06-05")
		}
		if name == paramSince {
			q.Since = d
		} else {
			q.Until = d
		}
	}
	return nil
}

// add reads one value of a repeatable parameter; empty values are ignored.
func (q *listQuery) add(name, v string) *queryError {
	if v == "" {
		return nil
	}
	switch name {
	case paramStatus:
		if !access.Status(v).Valid() {
			return &queryError{Param: name, Problem: problemInvalid, Value: clip(v), Allowed: codes(access.Statuses)}
		}
		q.Statuses = append(q.Statuses, access.Status(v))
	case paramEvent:
		if !access.EventType(v).Valid() {
			return &queryError{Param: name, Problem: problemInvalid, Value: clip(v), Allowed: codes(access.EventTypes)}
		}
		q.Events = append(q.Events, access.EventType(v))
	}
	return nil
}

// values is the canonical form of q: only what differs from the defaults,
// so that equal queries have equal URLs (and share a cache entry).
func (q listQuery) values(spec listSpec) url.Values {
	v := url.Values{}
	for _, s := range q.Statuses {
		v.Add(paramStatus, string(s))
	}
	for _, e := range q.Events {
		v.Add(paramEvent, string(e))
	}
	if q.Flagged {
		v.Set(paramFlagged, "1")
	}
	setIf(v, paramRegion, q.Region)
	setIf(v, paramType, string(q.OrgType))
	setIf(v, paramQuery, q.Text)
	setIf(v, paramCountry, q.Country)
	setIf(v, paramOrg, q.Org)
	setIf(v, paramSince, q.Since.ISO())
	setIf(v, paramUntil, q.Until.ISO())
	if q.Sort != spec.sorts[0] {
		v.Set(paramSort, q.Sort)
	}
	if q.Page > 1 {
		v.Set(paramPage, strconv.Itoa(q.Page))
	}
	return v
}

// url is the address of path with q's canonical query.
func (q listQuery) url(path string, spec listSpec) string {
	if enc := q.values(spec).Encode(); enc != "" {
		return path + "?" + enc
	}
	return path
}

// filtered reports whether anything but the order and page is set.
func (q listQuery) filtered() bool {
	return len(q.Statuses) > 0 || len(q.Events) > 0 || q.Flagged || q.Region != "" || q.OrgType != "" ||
		q.Text != "" || q.Country != "" || q.Org != "" || !q.Since.IsZero() || !q.Until.IsZero()
}

func setIf(v url.Values, name, value string) {
	if value != "" {
		v.Set(name, value)
	}
}

// ordered returns the distinct items of got in the order of all.
func ordered[T comparable](got, all []T) []T {
	if len(got) == 0 {
		return nil
	}
	var out []T
	for _, x := range all {
		if slices.Contains(got, x) {
			out = append(out, x)
		}
	}
	return out
}

// codes lists a vocabulary's codes as strings.
func codes[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// clip shortens a rejected value for quoting it back in a message.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "�")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '�'
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

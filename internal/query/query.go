// Package query is the one reader of query parameters for every surface:
// the public pages, the JSON API and the CSV exports. A name means the same
// thing wherever it is accepted (country, org, status, flagged, region,
// type = organisation type, event = event type, since, until, q, in_force); an
// address says which names it takes with a Spec, and every problem is a
// Problem in one Error, which the page surface words as an HTML message
// and the API as problem+json.
//
// The values' rules (what a country code, a slug, a status or a date is)
// are the domain's, in internal/access; this package only reads them out
// of a URL.
package query

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/accesswatch/accesswatch/internal/access"
)

// The parameter names. Filters first, then what only some surfaces take.
const (
	Country      = "country"       // ISO3
	Org          = "org"           // organisation slug
	Status       = "status"        // record status (for events: the status an event set); repeatable
	Flagged      = "flagged"       // 1 or true: flagged only; 0 or false: everything
	Region       = "region"        // a region of the country list
	Type         = "type"          // organisation type
	Event        = "event"         // event type; repeatable
	Since        = "since"         // date at its precision
	Until        = "until"         // date at its precision
	Text         = "q"             // search text
	InForce      = "in_force"      // class measures: 1 or true (default): in force today; 0 or false: every one
	UpdatedSince = "updated_since" // API records: a date or an RFC 3339 time
	Sort         = "sort"          // pages: one of the page's orders
	Page         = "page"          // pages: 1-based page number
	Limit        = "limit"         // API lists: page size
	Offset       = "offset"        // API lists: items to skip
	Reviews      = "reviews"       // the feed: 1 or true includes reviews that change nothing
	BOM          = "bom"           // CSV exports: 1 or true starts the file with a UTF-8 byte order mark ("CSV for Excel")
)

// Bounds on parameters.
const (
	MaxTextRunes  = 100           // search text and other free text
	MaxRepeats    = 32            // values of one repeatable parameter
	MaxPage       = 100000        // far beyond any real list, small enough to keep offsets sane
	DefaultLimit  = 100           // API page size when limit is not given
	MaxLimit      = 1000          // largest API page
	MaxOffset     = 1_000_000_000 // largest API offset
	maxQuotedRune = 40            // of a rejected value quoted back
)

// repeatable parameters may be given several times; the others once.
func repeatable(name string) bool { return name == Status || name == Event }

// Spec says which parameters an address accepts and how forgiving it is.
type Spec struct {
	// Params are the accepted names, in the order the address documents
	// (or shows) them.
	Params []string
	// Strict addresses (the API and the exports) refuse what they do not
	// understand: an unknown parameter, an empty value, a date not in ISO
	// form, a country code not in capitals. Other addresses (the pages)
	// list unknown parameters in Query.Ignored, take an empty value as
	// unset, and read any date access.ParseDate reads.
	Strict bool
	// Sorts are the accepted orders; the first is the default.
	Sorts []string
	// Regions, if not nil, are the accepted regions, matched whatever
	// their case. With nil, a region is any short plain text, to be
	// checked against the store by the caller.
	Regions []string
	// LegacyEventType reads "type" as an event type when its value is an
	// event type and not an organisation type: the spelling of
	// /api/v1/events and /export/events.csv before "event", kept for one
	// release and reported in Query.Deprecated.
	LegacyEventType bool
}

// Accepts reports whether the address takes the parameter name.
func (s Spec) Accepts(name string) bool { return slices.Contains(s.Params, name) }

// Query is a parsed, valid query. Zero fields do not filter.
type Query struct {
	Country  string
	Org      string
	Statuses []access.Status // in access.Statuses order, no duplicates
	Flagged  bool
	Reviews  bool // the feed: include reviews that change nothing
	// BOM (bom=1) asks a CSV export to start with a UTF-8 byte order mark,
	// which spreadsheet programs such as Excel need to read UTF-8.
	BOM          bool
	Region       string
	OrgType      access.OrgType
	Events       []access.EventType // in access.EventTypes order, no duplicates
	Since, Until access.Date
	Text         string // trimmed
	// Match is what Text stands for besides itself (countries by other
	// names, instruments and reason categories by label). It is not read
	// from the URL: opendata.MatchText fills it in from the country list
	// and the catalogue.
	Match access.TextMatch
	// AnyForce (in_force=false) asks for every class-level measure, in
	// force today or not; by default a list of class measures holds those
	// in force.
	AnyForce     bool
	UpdatedSince time.Time
	Sort         string // one of the spec's sorts, if it has any
	Page         int    // >= 1
	Limit        int    // DefaultLimit when the spec takes limit and none is given
	Offset       int
	// Ignored lists parameters a lenient address does not take
	// (utm_source, fbclid and the like): they are dropped, and a page
	// redirects to its canonical address without them.
	Ignored []string
	// Deprecated lists old spellings the query used (see
	// Spec.LegacyEventType), for a Deprecation header.
	Deprecated []string
}

// Code names a kind of problem; surfaces pick their words by it.
type Code string

// Problem codes.
const (
	CodeMalformed      Code = "malformed"       // the query string does not parse
	CodeUnknown        Code = "unknown"         // a parameter the address does not take (strict)
	CodeUnnamed        Code = "unnamed"         // "?=x"
	CodeRepeated       Code = "repeated"        // a single-valued parameter given twice
	CodeTooMany        Code = "too_many"        // a repeatable parameter given too often
	CodeEmpty          Code = "empty"           // an empty value (strict)
	CodeText           Code = "text"            // free text too long or not plain
	CodeRange          Code = "range"           // until before since
	CodeCountry        Code = "country"         // not a country code
	CodeOrg            Code = "org"             // not a slug
	CodeStatus         Code = "status"          // not a status
	CodeEventType      Code = "event_type"      // not an event type
	CodeOrgType        Code = "org_type"        // not an organisation type
	CodeFlagged        Code = "flagged"         // not 1, true, 0 or false
	CodeInForce        Code = "in_force"        // not 1, true, 0 or false
	CodeReviews        Code = "reviews"         // not 1, true, 0 or false
	CodeBOM            Code = "bom"             // not 1, true, 0 or false
	CodeRegion         Code = "region"          // not a region
	CodeDate           Code = "date"            // not a date
	CodeTimestamp      Code = "timestamp"       // neither a date nor an RFC 3339 time
	CodeSort           Code = "sort"            // not one of the orders
	CodePage           Code = "page"            // not a page number
	CodeLimit          Code = "limit"           // not a page size
	CodeOffset         Code = "offset"          // not an offset
	CodeCountryUnknown Code = "country_unknown" // well formed, but no such country
	CodeOrgUnknown     Code = "org_unknown"     // well formed, but no such organisation
)

// Problem is what is wrong with one parameter.
type Problem struct {
	Param   string
	Value   string // as given, shortened for quoting back
	Code    Code
	Allowed []string // accepted values, names or bounds, when they can be listed
}

// Error is a rejected query: every problem, in parameter order.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = "query parameter " + strconv.Quote(p.Param) + ": " + string(p.Code) + " " + strconv.Quote(p.Value)
	}
	return strings.Join(msgs, "; ")
}

// Add appends a problem found after parsing (a country that does not
// exist, say), keeping the parameter order.
func (e *Error) Add(p Problem) {
	e.Problems = append(e.Problems, p)
	slices.SortStableFunc(e.Problems, func(a, b Problem) int { return strings.Compare(a.Param, b.Param) })
}

// Has reports whether some problem has the code.
func (e *Error) Has(c Code) bool {
	return slices.ContainsFunc(e.Problems, func(p Problem) bool { return p.Code == c })
}

// Parse reads a raw query string for spec. It returns every problem, in
// a stable order, as an *Error; with problems the Query holds what did
// parse and must not be used to answer.
func Parse(raw string, spec Spec) (Query, *Error) {
	q := Query{Page: 1}
	if len(spec.Sorts) > 0 {
		q.Sort = spec.Sorts[0]
	}
	if spec.Accepts(Limit) {
		q.Limit = DefaultLimit
	}
	values, err := url.ParseQuery(raw)
	if err != nil {
		return q, &Error{Problems: []Problem{{Code: CodeMalformed, Value: Clip(raw)}}}
	}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names)
	e := &Error{}
	for _, name := range names {
		vs := values[name]
		switch {
		case name == "" && spec.Strict:
			e.Problems = append(e.Problems, Problem{Code: CodeUnnamed, Value: Clip(strings.Join(vs, ",")), Allowed: spec.Params})
			continue
		case name == "":
			e.Problems = append(e.Problems, Problem{Code: CodeMalformed, Value: Clip(raw)})
			continue
		case !spec.Accepts(name) && spec.Strict:
			e.Problems = append(e.Problems, Problem{Param: Clip(name), Code: CodeUnknown, Value: Clip(strings.Join(vs, ",")), Allowed: spec.Params})
			continue
		case !spec.Accepts(name):
			q.Ignored = append(q.Ignored, Clip(name))
			continue
		case len(vs) > 1 && !repeatable(name) && !(name == Type && spec.LegacyEventType):
			e.Problems = append(e.Problems, Problem{Param: name, Code: CodeRepeated, Value: Clip(strings.Join(vs, ","))})
			continue
		case len(vs) > MaxRepeats:
			e.Problems = append(e.Problems, Problem{Param: name, Code: CodeTooMany, Value: strconv.Itoa(len(vs)), Allowed: []string{strconv.Itoa(MaxRepeats)}})
			continue
		}
		for _, v := range vs {
			if v == "" {
				if spec.Strict {
					e.Problems = append(e.Problems, Problem{Param: name, Code: CodeEmpty})
				}
				continue
			}
			if p := q.set(name, v, spec); p != nil {
				e.Problems = append(e.Problems, *p)
			}
		}
	}
	q.Statuses = ordered(q.Statuses, access.Statuses)
	q.Events = ordered(q.Events, access.EventTypes)
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Until.End().After(q.Since.Start()) {
		e.Problems = append(e.Problems, Problem{Param: Until, Code: CodeRange, Value: q.Until.ISO(), Allowed: []string{q.Since.ISO()}})
	}
	if len(e.Problems) > 0 {
		return q, e
	}
	return q, nil
}

// set reads one value of a parameter into q.
func (q *Query) set(name, v string, spec Spec) *Problem {
	bad := func(c Code, allowed ...string) *Problem {
		return &Problem{Param: name, Code: c, Value: Clip(v), Allowed: allowed}
	}
	switch name {
	case Text:
		t := strings.TrimSpace(v)
		if !plainText(t) {
			return bad(CodeText, strconv.Itoa(MaxTextRunes))
		}
		q.Text = t
	case Country:
		c := v
		if !spec.Strict {
			c = strings.ToUpper(v)
		}
		if len(c) != 3 || !access.ValidCountryCode(c) {
			return bad(CodeCountry, "NER")
		}
		q.Country = c
	case Org:
		if !access.ValidSlug(v) {
			return bad(CodeOrg, "icrc")
		}
		q.Org = v
	case Status:
		st := access.Status(v)
		if !st.Valid() {
			return bad(CodeStatus, codes(access.Statuses)...)
		}
		q.Statuses = append(q.Statuses, st)
	case Event:
		return q.addEvent(v, bad)
	case Type:
		if t := access.OrgType(v); t.Valid() {
			if q.OrgType != "" && q.OrgType != t {
				return &Problem{Param: name, Code: CodeRepeated, Value: Clip(v)}
			}
			q.OrgType = t
			return nil
		}
		if spec.LegacyEventType && access.EventType(v).Valid() {
			if !slices.Contains(q.Deprecated, Type) {
				q.Deprecated = append(q.Deprecated, Type)
			}
			return q.addEvent(v, bad)
		}
		return bad(CodeOrgType, codes(access.OrgTypes)...)
	case Flagged:
		switch v {
		case "1", "true", "on": // "on": what a checkbox without a value sends
			q.Flagged = true
		case "0", "false":
			q.Flagged = false
		default:
			return bad(CodeFlagged, "1", "true", "0", "false")
		}
	case InForce:
		switch v {
		case "1", "true":
			q.AnyForce = false
		case "0", "false":
			q.AnyForce = true
		default:
			return bad(CodeInForce, "1", "true", "0", "false")
		}
	case Reviews:
		switch v {
		case "1", "true":
			q.Reviews = true
		case "0", "false":
			q.Reviews = false
		default:
			return bad(CodeReviews, "1", "true", "0", "false")
		}
	case BOM:
		switch v {
		case "1", "true":
			q.BOM = true
		case "0", "false":
			q.BOM = false
		default:
			return bad(CodeBOM, "1", "true", "0", "false")
		}
	case Region:
		if spec.Regions != nil {
			// Matched whatever its case, and given its listed spelling.
			i := slices.IndexFunc(spec.Regions, func(r string) bool { return strings.EqualFold(r, v) })
			if i < 0 {
				return bad(CodeRegion, spec.Regions...)
			}
			v = spec.Regions[i]
		} else if !plainText(v) {
			return bad(CodeText, strconv.Itoa(MaxTextRunes))
		}
		q.Region = v
	case Since, Until:
		d, ok := date(v, spec.Strict)
		if !ok {
			return bad(CodeDate, "2025", "2025-06", "2025-06-05")
		}
		if name == Since {
			q.Since = d
		} else {
			q.Until = d
		}
	case UpdatedSince:
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			// Updates are public at day precision only: a finer bound would
			// let anyone find the second of an update by bisection.
			q.UpdatedSince = t.UTC().Truncate(24 * time.Hour)
			return nil
		}
		d, ok := date(v, true)
		if !ok {
			return bad(CodeTimestamp)
		}
		q.UpdatedSince = d.Start()
	case Sort:
		if !slices.Contains(spec.Sorts, v) {
			return bad(CodeSort, spec.Sorts...)
		}
		q.Sort = v
	case Page:
		n, ok := wholeNumber(v, MaxPage)
		if !ok || n < 1 {
			return bad(CodePage, "1–"+strconv.Itoa(MaxPage))
		}
		q.Page = n
	case Limit:
		n, ok := wholeNumber(v, MaxLimit)
		if !ok {
			return bad(CodeLimit, strconv.Itoa(MaxLimit))
		}
		q.Limit = n
	case Offset:
		n, ok := wholeNumber(v, MaxOffset)
		if !ok {
			return bad(CodeOffset, strconv.Itoa(MaxOffset))
		}
		q.Offset = n
	}
	return nil
}

func (q *Query) addEvent(v string, bad func(Code, ...string) *Problem) *Problem {
	t := access.EventType(v)
	if !t.Valid() {
		return bad(CodeEventType, codes(access.EventTypes)...)
	}
	q.Events = append(q.Events, t)
	return nil
}

// date reads a date at its precision: in ISO form only when strict (the
// written forms access.ParseDate also reads, "5 Jun 2025", have no place
// in an API call), any form otherwise.
func date(v string, strict bool) (access.Date, bool) {
	d, err := access.ParseDate(v)
	if err != nil || (strict && d.ISO() != v) {
		return access.Date{}, false
	}
	return d, true
}

// plainText reports whether t is short, valid, control-free text.
func plainText(t string) bool {
	return utf8.ValidString(t) && utf8.RuneCountInString(t) <= MaxTextRunes && !strings.ContainsFunc(t, unicode.IsControl)
}

// wholeNumber reads a number of ASCII digits from 0 to max.
func wholeNumber(v string, max int) (int, bool) {
	if v == "" || len(v) > 10 || strings.TrimLeft(v, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n <= max
}

// Values is the canonical form of q for spec: only what the spec takes
// and differs from the defaults, so that equal queries have equal URLs
// (and share a cache entry). Parse reads it back into q.
func (q Query) Values(spec Spec) url.Values {
	v := url.Values{}
	set := func(name, value string) {
		if value != "" && spec.Accepts(name) {
			v.Set(name, value)
		}
	}
	set(Country, q.Country)
	set(Org, q.Org)
	if spec.Accepts(Status) {
		for _, s := range q.Statuses {
			v.Add(Status, string(s))
		}
	}
	if spec.Accepts(Event) {
		for _, e := range q.Events {
			v.Add(Event, string(e))
		}
	}
	if q.Flagged {
		set(Flagged, "1")
	}
	if q.Reviews && spec.Accepts(Reviews) {
		set(Reviews, "1")
	}
	if q.BOM {
		set(BOM, "1")
	}
	set(Region, q.Region)
	set(Type, string(q.OrgType))
	set(Text, q.Text)
	if q.AnyForce {
		set(InForce, "false")
	}
	set(Since, q.Since.ISO())
	set(Until, q.Until.ISO())
	if !q.UpdatedSince.IsZero() {
		set(UpdatedSince, q.UpdatedSince.Format(time.RFC3339Nano))
	}
	if len(spec.Sorts) > 0 && q.Sort != spec.Sorts[0] {
		set(Sort, q.Sort)
	}
	if q.Page > 1 {
		set(Page, strconv.Itoa(q.Page))
	}
	if spec.Accepts(Limit) {
		set(Limit, strconv.Itoa(q.Limit))
		if q.Offset > 0 {
			set(Offset, strconv.Itoa(q.Offset))
		}
	}
	return v
}

// URL is the address of path with q's canonical query for spec.
func (q Query) URL(path string, spec Spec) string {
	if enc := q.Values(spec).Encode(); enc != "" {
		return path + "?" + enc
	}
	return path
}

// Filtered reports whether anything but the order and paging is set.
func (q Query) Filtered() bool {
	return len(q.Statuses) > 0 || len(q.Events) > 0 || q.Flagged || q.Region != "" || q.OrgType != "" ||
		q.Text != "" || q.AnyForce || q.Country != "" || q.Org != "" || !q.Since.IsZero() || !q.Until.IsZero() || !q.UpdatedSince.IsZero()
}

// PageOffset is where page q.Page starts in pages of size items.
func (q Query) PageOffset(size int) int { return (q.Page - 1) * size }

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

// Clip shortens a rejected value for quoting it back in a message.
func Clip(s string) string {
	s = strings.ToValidUTF8(s, "�")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '�'
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > maxQuotedRune {
		return string([]rune(s)[:maxQuotedRune]) + "…"
	}
	return s
}

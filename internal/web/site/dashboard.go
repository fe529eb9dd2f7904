package site

import (
	"net/http"
	"strings"

	"github.com/accesswatch/accesswatch/internal/web/httpkit"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// Page sizes and section lengths of the public pages (exported for the
// router's tests, which check them through whole responses). Lists are paginated;
// the overview and detail pages show the head of longer lists and link to
// the rest, so that no page grows with the database.
const (
	ListPageSize       = 50  // /countries, /orgs, /changes
	RecordPageSize     = 100 // the record tables of country and organisation pages
	FeedEntries        = 50  // /changes.atom
	RecentDays         = 90  // the overview's "changes in the last N days"
	OverviewFlagged    = 100 // flagged records on the overview
	OverviewCountries  = 10  // countries in the overview's ranking
	OverviewLatest     = 8   // events in the overview's timeline
	OverviewOthers     = 200 // other records on the overview
	CountryTimelineLen = 50  // events on a country page
	OrgTimelineLen     = 20  // events on an organisation page
)

// The parameter sets of the dashboard's pages.
var (
	recordSorts    = []string{string(store.SortSeverity), string(store.SortOrg), string(store.SortSince), string(store.SortReach)}
	orgRecordSorts = []string{string(store.SortSeverity), string(store.SortCountry), string(store.SortSince), string(store.SortReach)}
	changeSorts    = []string{"newest", "oldest"}
)

func noParams() query.Spec { return query.Spec{Sorts: []string{""}} }

func countriesSpec(regions []string) query.Spec {
	return query.Spec{Params: []string{query.Text, query.Status, query.Flagged, query.Region, query.Type, query.Sort, query.Page},
		Sorts: httpkit.Strs(store.CountrySorts), Regions: regions}
}

func countrySpec() query.Spec {
	return query.Spec{Params: []string{query.Text, query.Status, query.Flagged, query.Type, query.Sort, query.Page}, Sorts: recordSorts}
}

func orgsSpec(regions []string) query.Spec {
	return query.Spec{Params: []string{query.Text, query.Status, query.Flagged, query.Region, query.Type, query.Sort, query.Page},
		Sorts: httpkit.Strs(store.OrgSorts), Regions: regions}
}

func orgSpec(regions []string) query.Spec {
	return query.Spec{Params: []string{query.Text, query.Status, query.Flagged, query.Region, query.Sort, query.Page},
		Sorts: orgRecordSorts, Regions: regions}
}

func changesSpec(regions []string) query.Spec {
	return query.Spec{Params: []string{query.Text, query.Country, query.Org, query.Status, query.Flagged, query.Region, query.Type,
		query.Event, query.Since, query.Until, query.Sort, query.Page}, Sorts: changeSorts, Regions: regions}
}

// feedSpec is changesSpec without order and pages (a feed is the newest
// entries), plus reviews=1 to include the reviews that change nothing.
func feedSpec(regions []string) query.Spec {
	return query.Spec{Params: []string{query.Text, query.Country, query.Org, query.Status, query.Flagged, query.Region, query.Type,
		query.Event, query.Since, query.Until, query.Reviews}, Sorts: []string{"newest"}, Regions: regions}
}

// parseQuery validates the request's query against spec, answering a 400
// that names the parameter when a value does not fit, and a redirect to the
// canonical address when the query carries parameters the page does not
// take (so a shared link with tracking parameters still works, and caches
// once).
func (s *Site) parseQuery(r *http.Request, spec query.Spec) (query.Query, error) {
	q, qe := query.Parse(r.URL.RawQuery, spec)
	if qe != nil {
		return q, s.queryRejected(qe)
	}
	if len(q.Ignored) > 0 {
		return q, &httpkit.Redirect{To: q.URL(r.URL.Path, spec), Status: http.StatusMovedPermanently}
	}
	// What the search text stands for in every language's words.
	if err := opendata.MatchText(r.Context(), s.store, s.labels, &q); err != nil {
		return q, err
	}
	return q, nil
}

// parseQueryWithRegions is parseQuery for specs that need the region list.
func (s *Site) parseQueryWithRegions(r *http.Request, spec func([]string) query.Spec) (query.Query, query.Spec, error) {
	regions, err := s.store.Regions(r.Context())
	if err != nil {
		return query.Query{}, query.Spec{}, err
	}
	sp := spec(regions)
	q, err := s.parseQuery(r, sp)
	return q, sp, err
}

// queryRejected words a rejected query for people: one sentence per
// problem, then a hint.
func (s *Site) queryRejected(e *query.Error) error {
	var details []string
	for _, p := range e.Problems {
		allowed := strings.Join(p.Allowed, ", ")
		var msg string
		switch p.Code {
		case query.CodeMalformed:
			msg = s.l.T("dash.query.malformed")
		case query.CodeRepeated:
			msg = s.l.Tf("dash.query.repeated", p.Param)
		case query.CodeTooMany:
			msg = s.l.Tf("dash.query.too_many", p.Param, query.MaxRepeats)
		case query.CodeText:
			msg = s.l.Tf("dash.query.text", p.Param, query.MaxTextRunes)
		case query.CodeRange:
			msg = s.l.Tf("dash.query.range", p.Value, allowed)
		default:
			msg = s.l.Tf("dash.query.invalid", p.Param, p.Value, allowed)
		}
		details = append(details, msg)
	}
	details = append(details, s.l.T("dash.query.hint"))
	return &httpkit.HTTPError{Status: http.StatusBadRequest, Heading: s.l.T("error.400"), Details: details, Err: e}
}

// pager works out which items page q.Page shows of total, and links the
// neighbouring pages. A page past the end is a 404 that names the last page.
func (s *Site) pager(q query.Query, spec query.Spec, path string, total, size int) (templates.Pager, error) {
	pages := max(1, (total+size-1)/size)
	if q.Page > pages {
		return templates.Pager{}, &httpkit.HTTPError{Status: http.StatusNotFound, Heading: s.l.T("error.404"),
			Details: []string{s.l.Plural("dash.pager.beyond", int64(pages), q.Page, pages), s.l.T("dash.pager.beyond.hint")}}
	}
	p := templates.Pager{Page: q.Page, Pages: pages, Total: total}
	if total > 0 {
		p.From, p.To = (q.Page-1)*size+1, min(q.Page*size, total)
	}
	at := func(n int) string {
		other := q
		other.Page = n
		return other.URL(path, spec)
	}
	if q.Page > 1 {
		p.First, p.Prev = at(1), at(q.Page-1)
	}
	if q.Page < pages {
		p.Next, p.Last = at(q.Page+1), at(pages)
	}
	return p, nil
}

// filters describes q's filter form for a page at path.
func filters(q query.Query, spec query.Spec, path string) templates.Filters {
	f := templates.Filters{
		Action: path, Statuses: q.Statuses, Flagged: q.Flagged, Region: q.Region, Regions: spec.Regions,
		OrgType: q.OrgType, Query: q.Text, Country: q.Country, Org: q.Org, Events: q.Events,
		Since: q.Since.ISO(), Until: q.Until.ISO(), Sort: q.Sort, Sorts: spec.Sorts,
		Filtered: q.Filtered(), ClearURL: path,
	}
	for _, p := range spec.Params {
		if p != query.Page && p != query.Sort {
			f.Fields = append(f.Fields, p)
		}
	}
	return f
}

// title is a page title, numbered after the first page.
func (s *Site) title(title string, q query.Query) string {
	if q.Page > 1 {
		return s.l.Tf("dash.title.page", title, q.Page)
	}
	return title
}

// recentSince is the first day of the overview's "last N days".
func (s *Site) recentSince() access.Date {
	return access.DayOf(s.now().UTC().AddDate(0, 0, -RecentDays))
}

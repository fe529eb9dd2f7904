package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/web/httpkit"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/internal/store"
)

// OpenData marks a response as open data: any web page may read it
// (CORS), including its ETag for revalidation. The header goes on errors
// too, so that a script can read why its request failed. The router puts
// it around every API address and export.
func OpenData(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", "ETag")
		next.ServeHTTP(w, r)
	})
}

// ServeFallback answers every other address under /api/v1/ with a problem
// rather than an HTML page: 405 for methods other than GET and HEAD (the
// API is read-only), 404 otherwise.
func (s *API) ServeFallback(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.kit.ServeProblem(w, r, &httpkit.APIError{Status: http.StatusMethodNotAllowed, Kind: "method-not-allowed", Detail: s.l.T("api.detail.method")})
		return
	}
	s.kit.ServeProblem(w, r, apiNotFound(s.l.T("api.detail.path"), nil))
}

// query parses the request's query for spec and checks what it names
// exists; every problem becomes one 400 answer.
func (s *API) query(r *http.Request, spec query.Spec) (query.Query, error) {
	q, err := s.parseChecked(r.Context(), spec, r.URL.RawQuery)
	var qe *QueryError
	if errors.As(err, &qe) {
		return query.Query{}, s.invalidParams(qe)
	}
	return q, err
}

// parseChecked parses a raw query string for spec and checks that what it
// names exists. Problems are returned together as a *QueryError.
func (s *API) parseChecked(ctx context.Context, spec query.Spec, raw string) (query.Query, error) {
	q, qe := query.Parse(raw, spec)
	if qe == nil {
		qe = &query.Error{}
	}
	if !qe.Has(query.CodeMalformed) {
		if err := opendata.CheckRefs(ctx, s.store, &q, qe); err != nil {
			return query.Query{}, err
		}
	}
	if len(qe.Problems) == 0 {
		if err := opendata.MatchText(ctx, s.store, s.labels, &q); err != nil {
			return query.Query{}, err
		}
		return q, nil
	}
	return query.Query{}, apiQueryError(s.l, spec, qe)
}

// deprecationDate is when the old spellings of parameters were deprecated
// (RFC 9745: a Unix time).
const deprecationDate = "@1796515200" // 2026-12-06

// deprecationLink points to docs/api.md's list of old spellings.
const deprecationLink = `<https://github.com/accesswatch/accesswatch/blob/main/docs/api.md#deprecated-parameters>; rel="deprecation"; type="text/html"`

// Deprecations marks answers to queries that use an old spelling of a
// parameter (see query.Spec.LegacyEventType) with a Deprecation header and
// a link to the documentation. It wraps the cache, which keeps no headers
// but the content type.
func Deprecations(spec query.Spec, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if spec.LegacyEventType && strings.Contains(r.URL.RawQuery, query.Type+"=") {
			if q, _ := query.Parse(r.URL.RawQuery, spec); len(q.Deprecated) > 0 {
				h := w.Header()
				h.Set("Deprecation", deprecationDate)
				h.Add("Link", deprecationLink)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// ListCountries lists every country with a summary of its records.
func (s *API) ListCountries(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.query(r, apiNoParams); err != nil {
		return err
	}
	ctx := r.Context()
	countries, err := s.store.Countries(ctx)
	if err != nil {
		return err
	}
	counts, err := s.recordCounts(ctx, func(rec access.RecordView) string { return rec.CountryCode })
	if err != nil {
		return err
	}
	measures, err := s.store.ClassMeasureCounts(ctx)
	if err != nil {
		return err
	}
	items := make([]countryJSON, len(countries))
	for i, c := range countries {
		items[i] = jsonCountry(c, counts(c.Code), measures[c.Code])
	}
	return writeJSON(w, listJSON[countryJSON]{Total: len(items), Items: items})
}

// clock is the store's clock and review period: the time rules (flagged
// today, ended, due for review) are applied at it.
func (s *API) clock() clock { return clock{now: s.store.Now(), reviewAfter: s.store.ReviewAfter()} }

// recordCounts summarises every record, grouped by key; the function it
// returns gives the summary of a key (an empty one when it has no record).
func (s *API) recordCounts(ctx context.Context, key func(access.RecordView) string) (func(string) countsJSON, error) {
	records, _, err := s.store.Records(ctx, store.RecordFilter{})
	if err != nil {
		return nil, err
	}
	groups := map[string][]access.RecordView{}
	for _, rec := range records {
		groups[key(rec)] = append(groups[key(rec)], rec)
	}
	c := s.clock()
	return func(k string) countsJSON { return summarise(groups[k], c) }, nil
}

// classMeasures lists the class-level measures q selects (see
// opendata.ClassMeasures) as their JSON views.
func (s *API) classMeasures(ctx context.Context, q query.Query) ([]classMeasureJSON, error) {
	ms, err := opendata.ClassMeasures(ctx, s.store, q)
	if err != nil {
		return nil, err
	}
	out := make([]classMeasureJSON, len(ms))
	for i, m := range ms {
		out[i] = jsonClassMeasure(m.Event, m.Measure, m.InForce)
	}
	return out, nil
}

// ListClassMeasures lists the measures against classes of organisations:
// those in force today, or every one with in_force=false; by country,
// then date.
func (s *API) ListClassMeasures(w http.ResponseWriter, r *http.Request) error {
	q, err := s.query(r, opendata.ClassMeasureSpec)
	if err != nil {
		return err
	}
	items, err := s.classMeasures(r.Context(), q)
	if err != nil {
		return err
	}
	return writeJSON(w, listJSON[classMeasureJSON]{Total: len(items), Items: items})
}

// ShowCountry shows one country, its records and its class-level measures.
func (s *API) ShowCountry(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.query(r, apiNoParams); err != nil {
		return err
	}
	ctx := r.Context()
	st := s.store
	c, err := s.findCountry(ctx, r.PathValue("iso3"))
	if err != nil {
		return err
	}
	records, err := s.recordsWithSources(ctx, store.RecordFilter{Country: c.Code, Sort: store.SortCountry})
	if err != nil {
		return err
	}
	events, _, err := st.Events(ctx, store.EventFilter{Country: c.Code, ClassLevelOnly: true, OldestFirst: true})
	if err != nil {
		return err
	}
	measures, err := s.classMeasures(ctx, query.Query{Country: c.Code})
	if err != nil {
		return err
	}
	return writeJSON(w, countryDetailJSON{countryJSON: jsonCountry(c, summarise(records.views, s.clock()), len(measures)),
		Records: records.json, ClassMeasures: measures, ClassLevelEvents: jsonEvents(events)})
}

func (s *API) findCountry(ctx context.Context, code string) (access.Country, error) {
	c, err := s.store.Country(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return c, apiNotFound(s.l.Tf("api.detail.country", code), err)
	}
	return c, err
}

func (s *API) findOrg(ctx context.Context, slug string) (access.Org, error) {
	o, err := s.store.Org(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return o, apiNotFound(s.l.Tf("api.detail.org", slug), err)
	}
	return o, err
}

// recordPage is a list of records and their JSON views.
type recordPage struct {
	views []access.RecordView
	json  []recordJSON
	total int
}

// recordsWithSources reads records with the sources behind their statuses.
func (s *API) recordsWithSources(ctx context.Context, f store.RecordFilter) (recordPage, error) {
	views, total, err := s.store.Records(ctx, f)
	if err != nil {
		return recordPage{}, err
	}
	ids := make([]int64, 0, len(views))
	for _, v := range views {
		if v.StatusEventID != 0 {
			ids = append(ids, v.StatusEventID)
		}
	}
	sources, err := s.store.Sources(ctx, ids)
	if err != nil {
		return recordPage{}, err
	}
	out := recordPage{views: views, json: make([]recordJSON, len(views)), total: total}
	c := s.clock()
	for i, v := range views {
		out.json[i] = jsonRecord(v, sources[v.StatusEventID], c)
	}
	return out, nil
}

// ListOrgs lists every organisation with a summary of its records.
func (s *API) ListOrgs(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.query(r, apiNoParams); err != nil {
		return err
	}
	ctx := r.Context()
	orgs, err := s.store.Orgs(ctx)
	if err != nil {
		return err
	}
	counts, err := s.recordCounts(ctx, func(rec access.RecordView) string { return rec.OrgSlug })
	if err != nil {
		return err
	}
	items := make([]orgJSON, len(orgs))
	for i, o := range orgs {
		items[i] = jsonOrg(o, counts(o.Slug))
	}
	return writeJSON(w, listJSON[orgJSON]{Total: len(items), Items: items})
}

// ShowOrg shows one organisation and its records in every country.
func (s *API) ShowOrg(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.query(r, apiNoParams); err != nil {
		return err
	}
	ctx := r.Context()
	o, err := s.findOrg(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	records, err := s.recordsWithSources(ctx, store.RecordFilter{Org: o.Slug, Sort: store.SortCountry})
	if err != nil {
		return err
	}
	return writeJSON(w, orgDetailJSON{orgJSON: jsonOrg(o, summarise(records.views, s.clock())), Records: records.json})
}

// ListRecords lists records, a page at a time, by country name, then
// flagged and most severe first, then organisation name.
func (s *API) ListRecords(w http.ResponseWriter, r *http.Request) error {
	q, err := s.query(r, recordListParams)
	if err != nil {
		return err
	}
	f := opendata.RecordSelection(q)
	if q.Limit == 0 {
		// limit=0 asks for the total alone. The store reads "no limit" from
		// 0, so ask it for one row (which also makes it count) and drop it.
		f.Limit = 1
	}
	page, err := s.recordsWithSources(r.Context(), f)
	if err != nil {
		return err
	}
	if q.Limit == 0 {
		page.json = nil
	}
	return writeJSON(w, newPage("/api/v1/records", recordListParams, q, page.total, page.json))
}

// ShowRecord shows one record with its whole timeline and every source.
func (s *API) ShowRecord(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.query(r, apiNoParams); err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.findCountry(ctx, r.PathValue("iso3"))
	if err != nil {
		return err
	}
	o, err := s.findOrg(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	rec, err := s.store.Record(ctx, c.Code, o.Slug)
	if errors.Is(err, store.ErrNotFound) {
		return apiNotFound(s.l.Tf("api.detail.record", o.Slug, c.Name), err)
	}
	if err != nil {
		return err
	}
	events, _, err := s.store.Events(ctx, store.EventFilter{Country: c.Code, Org: o.Slug, OldestFirst: true})
	if err != nil {
		return err
	}
	var statusSources []access.Source
	for _, e := range events {
		if e.ID == rec.StatusEventID {
			statusSources = e.Sources
		}
	}
	return writeJSON(w, recordDetailJSON{recordJSON: jsonRecord(rec, statusSources, s.clock()), Events: jsonEvents(events)})
}

// ListEvents lists events with their sources, a page at a time, oldest
// first (by date, then in the order they were recorded).
func (s *API) ListEvents(w http.ResponseWriter, r *http.Request) error {
	q, err := s.query(r, EventListParams)
	if err != nil {
		return err
	}
	f := opendata.EventSelection(q)
	f.OldestFirst, f.Limit, f.Offset = true, q.Limit, q.Offset
	if q.Limit == 0 {
		f.Limit = 1 // the total alone; see ListRecords
	}
	events, total, err := s.store.Changes(r.Context(), f)
	if err != nil {
		return err
	}
	items := jsonEvents(events)
	if q.Limit == 0 {
		items = nil
	}
	return writeJSON(w, newPage("/api/v1/events", EventListParams, q, total, items))
}

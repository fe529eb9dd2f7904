package site

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// ListCountries lists the countries with records or class-level measures.
func (s *Site) ListCountries(w http.ResponseWriter, r *http.Request) error {
	q, spec, err := s.parseQueryWithRegions(r, countriesSpec)
	if err != nil {
		return err
	}
	f := store.CountryFilter{
		Statuses: q.Statuses, FlaggedOnly: q.Flagged, Region: q.Region, OrgType: q.OrgType, Query: q.Text, Match: q.Match,
		Sort: store.CountrySort(q.Sort), Limit: ListPageSize, Offset: q.PageOffset(ListPageSize),
	}
	// By name in another language than the data's: the names (and their
	// order, by the language's collation: "Éthiopie" under E) are not the
	// database's, so the whole list — a few hundred countries at most — is
	// sorted here and the page cut from it.
	byLocalName := f.Sort == store.CountryByName && s.l.Tag != "en"
	if byLocalName {
		f.Limit, f.Offset = 0, 0
	}
	list, total, err := s.store.CountrySummaries(r.Context(), f)
	if err != nil {
		return err
	}
	if byLocalName {
		i18n.SortFunc(s.l, list, func(c access.CountrySummary) string { return s.l.Country(c.Code, c.Name) })
		from := min(q.PageOffset(ListPageSize), len(list))
		list = list[from:min(from+ListPageSize, len(list))]
	}
	const path = "/countries"
	v := templates.CountriesView{Filters: filters(q, spec, path), Countries: list}
	if v.Pager, err = s.pager(q, spec, path, total, ListPageSize); err != nil {
		return err
	}
	feed, err := s.listDownloads(r.Context(), q, spec.Regions, &v.Downloads)
	if err != nil {
		return err
	}
	h, err := s.history(r.Context(), "")
	if err != nil {
		return err
	}
	v.Trends = h.CountryTrends(s.now())
	p, err := s.page(r.Context(), s.title(s.l.T("nav.countries"), q), "countries")
	if err != nil {
		return err
	}
	p.Feed = feed
	s.kit.Render(w, r, http.StatusOK, templates.CountriesPage(p, v))
	return nil
}

// ShowCountry shows one country: figures with its trend marker, every
// organisation's status there (filterable), its timeline including
// class-level measures, and its trend charts.
func (s *Site) ShowCountry(w http.ResponseWriter, r *http.Request) error {
	code, err := s.countryCode(w, r)
	if err != nil || code == "" {
		return err
	}
	spec := countrySpec()
	q, err := s.parseQuery(r, spec)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := templates.CountryView{ChangesURL: query.Query{Country: code, Page: 1, Sort: changeSorts[0]}.URL("/changes", changesSpec(nil))}
	if v.Summary, err = s.store.CountrySummary(ctx, code); err != nil {
		return s.countryNotFound(code, err)
	}
	if v.ClassMeasures, err = s.store.ClassMeasuresInForce(ctx, code); err != nil {
		return err
	}
	// The table and its downloads select with the same filter.
	recs := q
	recs.Country = code
	f := opendata.RecordFilter(recs)
	f.Sort, f.Limit, f.Offset = store.RecordSort(q.Sort), RecordPageSize, q.PageOffset(RecordPageSize)
	total := 0
	if v.Records, total, err = s.store.Records(ctx, f); err != nil {
		return err
	}
	changes := query.Query{Country: code}
	feed, err := s.feedLink(ctx, changes, nil)
	if err != nil {
		return err
	}
	v.Downloads.Sets = []templates.DownloadSet{recordDownloads(recs), classMeasureDownloads(changes), changeDownloads(changes, feed)}
	v.Ended = s.ended(v.Records)
	path := templates.CountryURL(code)
	v.Filters = filters(q, spec, path)
	if v.Pager, err = s.pager(q, spec, path, total, RecordPageSize); err != nil {
		return err
	}
	if v.Timeline, v.TimelineTotal, err = s.store.Changes(ctx, store.ChangeFilter{Country: code, Limit: CountryTimelineLen}); err != nil {
		return err
	}
	slices.Reverse(v.Timeline) // the latest events, told oldest first
	h, err := s.history(ctx, code)
	if err != nil {
		return err
	}
	v.Trend, v.Trends = s.countryTrend(code, h), s.trendCharts(code, h)
	p, err := s.page(r.Context(), s.title(v.Summary.Name, q), "countries")
	if err != nil {
		return err
	}
	p.Feed = feed
	s.kit.Render(w, r, http.StatusOK, templates.CountryPage(p, v))
	return nil
}

// countryCode reads the {iso3} path value. A code in lower case is
// redirected to its canonical upper-case address (and "" returned); a
// value that cannot be a code is a 404.
func (s *Site) countryCode(w http.ResponseWriter, r *http.Request) (string, error) {
	code := r.PathValue("iso3")
	if access.ValidCountryCode(code) {
		return code, nil
	}
	if up := strings.ToUpper(code); len(code) == 3 && access.ValidCountryCode(up) {
		target := templates.CountryURL(up) + strings.TrimPrefix(r.URL.EscapedPath(), templates.CountryURL(code))
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return "", nil
	}
	return "", s.countryNotFound(code, store.ErrNotFound)
}

// countryNotFound answers an unknown country code with a 404 that says so.
func (s *Site) countryNotFound(code string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return s.kit.NotFoundBecause(s.l.Tf("dash.country.unknown", query.Clip(code)), err)
	}
	return err
}

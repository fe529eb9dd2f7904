package site

import (
	"context"
	"net/http"
	"slices"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// ShowOverview renders the front page: headline figures, the world map, the
// flagged records, the countries most affected, the latest changes, the
// trends, then the other records by country.
func (s *Site) ShowOverview(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.parseQuery(r, noParams()); err != nil {
		return err
	}
	ctx := r.Context()
	v := templates.OverviewView{RecentDays: RecentDays}
	var err error
	if v.Headline, err = s.store.Headline(ctx, s.recentSince()); err != nil {
		return err
	}
	if v.OrgLabels, v.CountryNames, err = s.names(ctx); err != nil {
		return err
	}
	v.Flagged, v.FlaggedTotal, err = s.store.Records(ctx, store.RecordFilter{FlaggedOnly: true, Sort: store.SortSeverity, Limit: OverviewFlagged})
	if err != nil {
		return err
	}
	statusEvents := make([]int64, len(v.Flagged))
	for i, rec := range v.Flagged {
		statusEvents[i] = rec.StatusEventID
	}
	if v.StatusSources, err = s.store.Sources(ctx, statusEvents); err != nil {
		return err
	}
	v.Countries, v.CountriesTotal, err = s.store.CountrySummaries(ctx, store.CountryFilter{FlaggedOnly: true, Sort: store.CountryByFlagged, Limit: OverviewCountries})
	if err != nil {
		return err
	}
	if v.Latest, _, err = s.store.Changes(ctx, store.ChangeFilter{ChangesOnly: true, Limit: OverviewLatest, NoTotal: true}); err != nil {
		return err
	}
	others, total, err := s.store.UnflaggedRecords(ctx, OverviewOthers)
	if err != nil {
		return err
	}
	v.Others, v.OthersShown, v.OthersTotal = groupByCountry(others), len(others), total
	v.Ended = s.ended(append(slices.Clone(v.Flagged), others...))
	// The map and the trends read every record event once, on a cache
	// miss only: the page, map included, is served from the page cache.
	h, err := s.history(ctx, "")
	if err != nil {
		return err
	}
	if v.Map, err = s.worldMapView(ctx, "overview-map", h); err != nil {
		return err
	}
	v.Trends, v.CountryTrends = s.trendCharts("", h), h.CountryTrends(s.now())
	all, err := s.feedLink(ctx, query.Query{}, nil)
	if err != nil {
		return err
	}
	v.Downloads.Sets = []templates.DownloadSet{recordDownloads(query.Query{}), changeDownloads(query.Query{}, all)}
	p, err := s.page(r.Context(), "", "overview")
	if err != nil {
		return err
	}
	s.kit.Render(w, r, http.StatusOK, templates.Overview(p, v))
	return nil
}

// groupByCountry groups records that come ordered by country.
func groupByCountry(records []access.RecordView) []templates.CountryRecords {
	var out []templates.CountryRecords
	for _, rec := range records {
		if n := len(out); n == 0 || out[n-1].Code != rec.CountryCode {
			out = append(out, templates.CountryRecords{Code: rec.CountryCode, Name: rec.CountryName})
		}
		out[len(out)-1].Records = append(out[len(out)-1].Records, rec)
	}
	return out
}

// names labels every organisation by slug and names every country by code.
func (s *Site) names(ctx context.Context) (orgs, countries map[string]string, err error) {
	os, err := s.store.Orgs(ctx)
	if err != nil {
		return nil, nil, err
	}
	cs, err := s.store.Countries(ctx)
	if err != nil {
		return nil, nil, err
	}
	orgs = make(map[string]string, len(os))
	for _, o := range os {
		orgs[o.Slug] = o.Label()
	}
	countries = make(map[string]string, len(cs))
	for _, c := range cs {
		countries[c.Code] = c.Name
	}
	return orgs, countries, nil
}

// ended marks the records whose time-limited measure has passed its end,
// unconfirmed, today.
func (s *Site) ended(records []access.RecordView) map[int64]bool {
	now := s.now()
	out := map[int64]bool{}
	for _, r := range records {
		if r.EndedUnconfirmed(now) {
			out[r.ID] = true
		}
	}
	return out
}

package site

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// ListOrgs lists the organisations with what their records add up to.
func (s *Site) ListOrgs(w http.ResponseWriter, r *http.Request) error {
	q, spec, err := s.parseQueryWithRegions(r, orgsSpec)
	if err != nil {
		return err
	}
	list, total, err := s.store.OrgSummaries(r.Context(), store.OrgFilter{
		Statuses: q.Statuses, FlaggedOnly: q.Flagged, Region: q.Region, OrgType: q.OrgType, Query: q.Text, Match: q.Match,
		Sort: store.OrgSort(q.Sort), Limit: ListPageSize, Offset: q.PageOffset(ListPageSize),
	})
	if err != nil {
		return err
	}
	const path = "/orgs"
	v := templates.OrgsView{Filters: filters(q, spec, path), Orgs: list}
	feed, err := s.listDownloads(r.Context(), q, spec.Regions, &v.Downloads)
	if err != nil {
		return err
	}
	if v.Lost, err = s.lostByOrg(r.Context(), ""); err != nil {
		return err
	}
	if v.Pager, err = s.pager(q, spec, path, total, ListPageSize); err != nil {
		return err
	}
	p, err := s.page(r.Context(), s.title(s.l.T("nav.orgs"), q), "orgs")
	if err != nil {
		return err
	}
	p.Feed = feed
	s.kit.Render(w, r, http.StatusOK, templates.OrgsPage(p, v))
	return nil
}

// ShowOrg shows one organisation's status in every country where it has a
// record, and its latest events.
func (s *Site) ShowOrg(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	if !access.ValidSlug(slug) {
		return s.orgNotFound(slug, store.ErrNotFound)
	}
	q, spec, err := s.parseQueryWithRegions(r, orgSpec)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := templates.OrgView{ChangesURL: query.Query{Org: slug, Page: 1, Sort: changeSorts[0]}.URL("/changes", changesSpec(nil))}
	if v.Summary, err = s.store.OrgSummary(ctx, slug); err != nil {
		return s.orgNotFound(slug, err)
	}
	lost, err := s.lostByOrg(ctx, slug)
	if err != nil {
		return err
	}
	v.Lost = lost[slug]
	// The table and its downloads select with the same filter.
	recs := q
	recs.Org = slug
	f := opendata.RecordFilter(recs)
	f.Sort, f.Limit, f.Offset = store.RecordSort(q.Sort), RecordPageSize, q.PageOffset(RecordPageSize)
	total := 0
	if v.Records, total, err = s.store.Records(ctx, f); err != nil {
		return err
	}
	changes := query.Query{Org: slug}
	feed, err := s.feedLink(ctx, changes, nil)
	if err != nil {
		return err
	}
	v.Downloads.Sets = []templates.DownloadSet{recordDownloads(recs), changeDownloads(changes, feed)}
	v.Ended = s.ended(v.Records)
	path := templates.OrgURL(slug)
	v.Filters = filters(q, spec, path)
	if v.Pager, err = s.pager(q, spec, path, total, RecordPageSize); err != nil {
		return err
	}
	if v.Latest, v.LatestTotal, err = s.store.Changes(ctx, store.ChangeFilter{Org: slug, Limit: OrgTimelineLen}); err != nil {
		return err
	}
	slices.Reverse(v.Latest) // the latest events, told oldest first
	p, err := s.page(r.Context(), s.title(v.Summary.Label(), q), "orgs")
	if err != nil {
		return err
	}
	p.Feed = feed
	s.kit.Render(w, r, http.StatusOK, templates.OrgPage(p, v))
	return nil
}

// orgNotFound answers an unknown organisation with a 404 that says so.
func (s *Site) orgNotFound(slug string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return s.kit.NotFoundBecause(s.l.Tf("dash.org.unknown", query.Clip(slug)), err)
	}
	return err
}

// lostByOrg sums up the reach lost today of every organisation's records
// (or only slug's, when given), per basis (see access.SummariseLost).
func (s *Site) lostByOrg(ctx context.Context, slug string) (map[string]access.LostSummary, error) {
	records, _, err := s.store.Records(ctx, store.RecordFilter{Org: slug})
	if err != nil {
		return nil, err
	}
	byOrg := map[string][]access.Record{}
	for _, r := range records {
		byOrg[r.OrgSlug] = append(byOrg[r.OrgSlug], r.Record)
	}
	out := make(map[string]access.LostSummary, len(byOrg))
	now := s.now()
	for org, recs := range byOrg {
		out[org] = access.SummariseLost(recs, now, 0)
	}
	return out, nil
}

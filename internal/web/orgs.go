package web

import (
	"errors"
	"net/http"
	"slices"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// orgs lists the organisations with what their records add up to.
func (s *Server) orgs(w http.ResponseWriter, r *http.Request) error {
	q, spec, err := s.parseQueryWithRegions(r, orgsSpec)
	if err != nil {
		return err
	}
	list, total, err := s.store.OrgSummaries(r.Context(), store.OrgFilter{
		Statuses: q.Statuses, FlaggedOnly: q.Flagged, Region: q.Region, OrgType: q.OrgType, Query: q.Text,
		Sort: store.OrgSort(q.Sort), Limit: listPageSize, Offset: q.PageOffset(listPageSize),
	})
	if err != nil {
		return err
	}
	const path = "/orgs"
	v := templates.OrgsView{Filters: filters(q, spec, path), Orgs: list}
	if v.Pager, err = s.pager(q, spec, path, total, listPageSize); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, templates.OrgsPage(s.page(s.title(s.l.T("nav.orgs"), q), "orgs"), v))
	return nil
}

// org shows one organisation's status in every country where it has a
// record, and its latest events.
func (s *Server) org(w http.ResponseWriter, r *http.Request) error {
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
	total := 0
	v.Records, total, err = s.store.Records(ctx, store.RecordFilter{
		Org: slug, Statuses: q.Statuses, FlaggedOnly: q.Flagged, Region: q.Region, Query: q.Text,
		Sort: store.RecordSort(q.Sort), Limit: recordPageSize, Offset: q.PageOffset(recordPageSize),
	})
	if err != nil {
		return err
	}
	path := templates.OrgURL(slug)
	v.Filters = filters(q, spec, path)
	if v.Pager, err = s.pager(q, spec, path, total, recordPageSize); err != nil {
		return err
	}
	if v.Latest, v.LatestTotal, err = s.store.Changes(ctx, store.ChangeFilter{Org: slug, Limit: orgTimelineLen}); err != nil {
		return err
	}
	slices.Reverse(v.Latest) // the latest events, told oldest first
	s.render(w, r, http.StatusOK, templates.OrgPage(s.page(s.title(v.Summary.Label(), q), "orgs"), v))
	return nil
}

// orgNotFound answers an unknown organisation with a 404 that says so.
func (s *Server) orgNotFound(slug string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return s.notFoundBecause(s.l.Tf("dash.org.unknown", query.Clip(slug)), err)
	}
	return err
}

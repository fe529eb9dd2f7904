package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// changes is the change log: every event, newest first, filtered and paged.
func (s *Server) changes(w http.ResponseWriter, r *http.Request) error {
	q, spec, err := s.parseQueryWithRegions(r, changesSpec)
	if err != nil {
		return err
	}
	f, err := s.changeFilter(r.Context(), q)
	if err != nil {
		return err
	}
	f.Limit, f.Offset = listPageSize, q.offset(listPageSize)
	events, total, err := s.store.Changes(r.Context(), f)
	if err != nil {
		return err
	}
	const path = "/changes"
	feed := q
	feed.Page, feed.Sort = 1, "newest"
	v := templates.ChangesView{Filters: filters(q, spec, path), Events: events, FeedURL: feed.url("/changes.atom", feedSpec(spec.regions))}
	if v.Pager, err = s.pager(q, spec, path, total, listPageSize); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, templates.ChangesPage(s.page(s.title(s.l.T("nav.changes"), q), "changes"), v))
	return nil
}

// changeFilter turns a change-log query into a store filter, checking that
// the country and organisation it names exist: a filter on something that
// does not exist is a mistake to report, not an empty list.
func (s *Server) changeFilter(ctx context.Context, q listQuery) (store.ChangeFilter, error) {
	if q.Country != "" {
		if _, err := s.store.Country(ctx, q.Country); errors.Is(err, store.ErrNotFound) {
			return store.ChangeFilter{}, s.queryRejected(&queryError{Param: paramCountry, Problem: problemInvalid, Value: q.Country, Allowed: []string{"NER"}})
		} else if err != nil {
			return store.ChangeFilter{}, err
		}
	}
	if q.Org != "" {
		if _, err := s.store.Org(ctx, q.Org); errors.Is(err, store.ErrNotFound) {
			return store.ChangeFilter{}, s.queryRejected(&queryError{Param: paramOrg, Problem: problemInvalid, Value: q.Org, Allowed: []string{"icrc"}})
		} else if err != nil {
			return store.ChangeFilter{}, err
		}
	}
	return store.ChangeFilter{
		Country: q.Country, Org: q.Org, Statuses: q.Statuses, FlaggedOnly: q.Flagged, Region: q.Region, OrgType: q.OrgType,
		Types: q.Events, Query: q.Text, Since: q.Since, Until: q.Until, OldestFirst: q.Sort == "oldest",
	}, nil
}

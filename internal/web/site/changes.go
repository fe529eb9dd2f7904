package site

import (
	"context"
	"net/http"

	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// ListChanges is the change log: every event, newest first, filtered and paged.
func (s *Site) ListChanges(w http.ResponseWriter, r *http.Request) error {
	q, spec, err := s.parseQueryWithRegions(r, changesSpec)
	if err != nil {
		return err
	}
	f, err := s.changeFilter(r.Context(), q)
	if err != nil {
		return err
	}
	f.Limit, f.Offset = ListPageSize, q.PageOffset(ListPageSize)
	events, total, err := s.store.Changes(r.Context(), f)
	if err != nil {
		return err
	}
	const path = "/changes"
	feed, err := s.feedLink(r.Context(), q, spec.Regions)
	if err != nil {
		return err
	}
	v := templates.ChangesView{Filters: filters(q, spec, path), Events: events, FeedURL: feed.URL,
		Downloads: templates.Downloads{Sets: []templates.DownloadSet{changeDownloads(q, feed)}}}
	if v.Pager, err = s.pager(q, spec, path, total, ListPageSize); err != nil {
		return err
	}
	p, err := s.page(r.Context(), s.title(s.l.T("nav.changes"), q), "changes")
	if err != nil {
		return err
	}
	p.Feed = feed
	s.kit.Render(w, r, http.StatusOK, templates.ChangesPage(p, v))
	return nil
}

// changeFilter turns a change-log query into a store filter, checking that
// the country, organisation and region it names exist: a filter on
// something that does not exist is a mistake to report, not an empty list.
func (s *Site) changeFilter(ctx context.Context, q query.Query) (store.ChangeFilter, error) {
	qe := &query.Error{}
	if err := opendata.CheckRefs(ctx, s.store, &q, qe); err != nil {
		return store.ChangeFilter{}, err
	}
	if len(qe.Problems) > 0 {
		return store.ChangeFilter{}, s.queryRejected(qe)
	}
	f := opendata.EventSelection(q)
	f.OldestFirst = q.Sort == "oldest"
	return f, nil
}

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
	if err := s.choices(r.Context(), &v.Filters); err != nil {
		return err
	}
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

// choices lists, by name, the countries and organisations a filter form
// offers: the countries with events and every organisation (and the one
// chosen, whatever it is), so that a reader picks a name rather than
// typing a code.
func (s *Site) choices(ctx context.Context, f *templates.Filters) error {
	if f.Has(query.Country) {
		list, err := s.store.EventCountries(ctx)
		if err != nil {
			return err
		}
		chosen := f.Country == ""
		for _, c := range list {
			f.Countries = append(f.Countries, templates.Choice{Value: c.Code, Label: c.Name})
			chosen = chosen || c.Code == f.Country
		}
		if !chosen {
			c, err := s.store.Country(ctx, f.Country)
			if err != nil {
				return err
			}
			f.Countries = append([]templates.Choice{{Value: c.Code, Label: c.Name}}, f.Countries...)
		}
	}
	if f.Has(query.Org) {
		orgs, err := s.store.Orgs(ctx)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			label := o.Name
			if o.Acronym != "" && o.Acronym != o.Name {
				label += " (" + o.Acronym + ")"
			}
			f.Orgs = append(f.Orgs, templates.Choice{Value: o.Slug, Label: label})
		}
	}
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

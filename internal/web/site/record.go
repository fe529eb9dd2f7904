package site

import (
	"errors"
	"net/http"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// ShowRecord shows one organisation in one country with its whole timeline.
func (s *Site) ShowRecord(w http.ResponseWriter, r *http.Request) error {
	code, err := s.countryCode(w, r)
	if err != nil || code == "" {
		return err
	}
	slug := r.PathValue("slug")
	if !access.ValidSlug(slug) {
		return s.orgNotFound(slug, store.ErrNotFound)
	}
	if _, err := s.parseQuery(r, noParams()); err != nil {
		return err
	}
	ctx := r.Context()
	rec, err := s.store.Record(ctx, code, slug)
	if errors.Is(err, store.ErrNotFound) {
		// Say which part of the address is wrong.
		if _, cerr := s.store.Country(ctx, code); cerr != nil {
			return s.countryNotFound(code, cerr)
		}
		return s.kit.NotFoundBecause(s.l.Tf("dash.record.unknown", query.Clip(slug), code), err)
	}
	if err != nil {
		return err
	}
	v := templates.RecordPageView{Record: rec}
	now := s.now()
	v.PresenceUntil, v.PresenceYears = rec.Presence(now.UTC().Year())
	v.Flagged, v.Ended, v.DeadlinePassed = rec.FlaggedAt(now), rec.EndedUnconfirmed(now), rec.DeadlinePassed(now)
	v.DueForReview = rec.DueForReview(now, s.store.ReviewAfter())
	if v.Timeline, _, err = s.store.Changes(ctx, store.ChangeFilter{Country: code, Org: slug, OldestFirst: true}); err != nil {
		return err
	}
	sel := query.Query{Country: code, Org: slug}
	feed, err := s.feedLink(ctx, sel, nil)
	if err != nil {
		return err
	}
	v.Downloads.Sets = []templates.DownloadSet{recordDownloads(sel), changeDownloads(sel, feed)}
	events := make([]access.Event, len(v.Timeline))
	for i, e := range v.Timeline {
		events[i] = e.Event
	}
	v.Figures = access.FigureSources(events)
	title := s.l.Tf("dash.record.title", rec.Org.Label(), s.l.Country(rec.CountryCode, rec.CountryName))
	p, err := s.page(r.Context(), title, "countries")
	if err != nil {
		return err
	}
	p.Feed = feed
	s.kit.Render(w, r, http.StatusOK, templates.RecordPage(p, v))
	return nil
}

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
	title := s.l.Tf("dash.record.title", rec.Org.Label(), s.l.Country(rec.CountryCode, rec.CountryName))
	p, err := s.page(r.Context(), title, "countries")
	if err != nil {
		return err
	}
	s.kit.Render(w, r, http.StatusOK, templates.RecordPage(p, v))
	return nil
}

package site

import (
	"errors"
	"net/http"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/web/query"
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
	v.PresenceUntil, v.PresenceYears = presence(rec, s.now().UTC().Year())
	if v.Timeline, _, err = s.store.Changes(ctx, store.ChangeFilter{Country: code, Org: slug, OldestFirst: true}); err != nil {
		return err
	}
	title := s.l.Tf("dash.record.title", rec.Org.Label(), rec.CountryName)
	s.kit.Render(w, r, http.StatusOK, templates.RecordPage(s.kit.Page(title, "countries"), v))
	return nil
}

// presence works out until when an organisation was present (0: it still
// is) and for how many years. Expelled, banned and withdrawn end the
// presence at the status date; an order to leave or a suspension does not
// by itself.
func presence(rec store.RecordView, thisYear int) (until, years int) {
	if rec.PresenceSince == 0 {
		return 0, 0
	}
	end := thisYear
	switch rec.Status {
	case access.StatusExpelled, access.StatusBanned, access.StatusWithdrawn:
		if !rec.StatusSince.IsZero() {
			until, end = rec.StatusSince.Year, rec.StatusSince.Year
		}
	}
	return until, max(end-rec.PresenceSince, 0)
}

package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// overview renders the front page: flagged records, then the rest by country.
func (s *Server) overview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	records, _, err := s.store.Records(ctx, store.RecordFilter{Sort: store.SortSeverity})
	if err != nil {
		return err
	}
	var v templates.OverviewView
	var statusEvents []int64
	byCountry := map[string]int{}
	for _, rec := range records {
		if rec.Flagged() {
			v.Flagged = append(v.Flagged, rec)
			statusEvents = append(statusEvents, rec.StatusEventID)
			continue
		}
		i, ok := byCountry[rec.CountryCode]
		if !ok {
			i = len(v.Others)
			byCountry[rec.CountryCode] = i
			v.Others = append(v.Others, templates.CountryRecords{Code: rec.CountryCode, Name: rec.CountryName})
		}
		v.Others[i].Records = append(v.Others[i].Records, rec)
	}
	slices.SortFunc(v.Others, func(a, b templates.CountryRecords) int { return strings.Compare(a.Name, b.Name) })
	if v.StatusSources, err = s.store.Sources(ctx, statusEvents); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, templates.Overview(s.page("", "overview"), v))
	return nil
}

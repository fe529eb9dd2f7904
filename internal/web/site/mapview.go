package site

import (
	"context"
	"net/http"
	"strings"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/geo"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// buildMapView turns the projected world and the country summaries into the
// map component's values: each country with records shaded by its worst
// status, titled and linked to its page; the rest neutral.
//
// A country with a measure against a class of organisations in force
// (classes, by code) is hatched over its shading and says so in its title
// and its row, records or not.
func buildMapView(l *i18n.Locale, id string, w *geo.World, countries []access.CountryWorst, trends map[string]access.Direction, classes map[string]int) templates.MapView {
	v := templates.MapView{ID: id, Title: l.T("map.title"), ViewBox: w.ViewBox(), Sphere: w.Sphere}
	byCode := make(map[string]access.CountryWorst, len(countries))
	for _, c := range countries {
		byCode[c.Code] = c
	}
	for _, s := range w.Shapes {
		name := s.Name
		if s.Code != "" {
			name = l.Country(s.Code, s.Name)
		}
		mc := templates.MapCountry{D: s.D, Class: "map--none", Title: name}
		if c, ok := byCode[s.Code]; ok && s.Code != "" {
			mc.Class = templates.MapClass(c.Worst.Status)
			mc.Pattern = templates.MapPatternKey(c.Worst.Status, c.Worst.Flagged())
			mc.Href = templates.CountryURL(c.Code)
			mc.Title = countryTitle(l, name, c)
		}
		if n := classes[s.Code]; n > 0 && s.Code != "" {
			mc.ClassMeasures, mc.Href = n, templates.CountryURL(s.Code)
			mc.Title = countOf(l, "map.country.class_measures", n, mc.Title, n)
		}
		v.Countries = append(v.Countries, mc)
	}
	for _, st := range access.Statuses {
		label := l.Status(st)
		if st == access.StatusSuspended {
			label = l.T("map.legend.suspended_imposed")
		}
		v.Legend = append(v.Legend, templates.MapLegendItem{Class: templates.MapClass(st),
			Pattern: templates.MapPatternKey(st, st.Flagged(access.InitiatedByAuthority)), Label: label})
		if st == access.StatusSuspended {
			v.Legend = append(v.Legend, templates.MapLegendItem{Class: templates.MapClass(st),
				Pattern: templates.MapPatternSuspendedOwn, Label: l.T("map.legend.suspended_own")})
		}
	}
	v.Legend = append(v.Legend, templates.MapLegendItem{Class: "map--none", Label: l.T("map.legend.none")},
		templates.MapLegendItem{Class: "map-class-measure", Label: l.T("map.legend.class_measure"), ClassMeasure: true})
	for _, c := range countries {
		v.Rows = append(v.Rows, templates.MapRow{Code: c.Code, Name: l.Country(c.Code, c.Name), Href: templates.CountryURL(c.Code), Status: c.Worst.Status,
			StatusFlagged: c.Worst.Flagged(), Flagged: c.Flagged, Records: c.Records, ClassMeasures: classes[c.Code], Trend: trends[c.Code]})
	}
	if len(w.Unmapped) > 0 {
		v.Notes = append(v.Notes, l.Tf("map.unmapped", strings.Join(w.Unmapped, ", ")))
	}
	v.Notes = append(v.Notes, l.T("map.source"))
	return v
}

// countryTitle is a shaded country's hover and screen-reader text: "Niger:
// 3 organisations flagged — worst status: Expelled".
func countryTitle(l *i18n.Locale, name string, c access.CountryWorst) string {
	if c.Flagged > 0 {
		return countOf(l, "map.country.flagged", c.Flagged, name, c.Flagged, l.Status(c.Worst.Status))
	}
	return countOf(l, "map.country.records", c.Records, name, c.Records, l.Status(c.Worst.Status))
}

// worldMapView computes the world map's values from the current records
// and a history of every country (for the table's trend markers), ready for
// templates.WorldMap; id must be unique on the page. The overview embeds
// it; /map shows it large.
func (s *Site) worldMapView(ctx context.Context, id string, h *access.History) (templates.MapView, error) {
	w, err := s.world()
	if err != nil {
		return templates.MapView{}, err
	}
	records, _, err := s.store.Records(ctx, store.RecordFilter{})
	if err != nil {
		return templates.MapView{}, err
	}
	classes, err := s.store.ClassMeasureCounts(ctx)
	if err != nil {
		return templates.MapView{}, err
	}
	return buildMapView(s.l, id, w, access.WorstByCountry(records), h.CountryTrends(s.now()), classes), nil
}

// ShowMap is /map: the large map with its table open, and the trends.
func (s *Site) ShowMap(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	h, err := s.history(ctx, "")
	if err != nil {
		return err
	}
	m, err := s.worldMapView(ctx, "world-map", h)
	if err != nil {
		return err
	}
	m.TableOpen = true
	v := templates.MapPageView{Map: m, Trends: s.trendCharts("", h)}
	v.Downloads.Sets = []templates.DownloadSet{recordDownloads(query.Query{}), classMeasureDownloads(query.Query{})}
	p, err := s.page(r.Context(), s.l.T("map.page.title"), "map")
	if err != nil {
		return err
	}
	s.kit.Render(w, r, http.StatusOK, templates.MapPage(p, v))
	return nil
}

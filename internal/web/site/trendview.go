package site

import (
	"context"
	"strconv"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/templates"
)

// recentMonths is the span of the recent trend charts.
const recentMonths = 24

// history loads the record events of a country (of every country when
// country is "") prepared for trends. A page that shows several trend views
// (map markers, charts) loads it once and passes it to each.
func (s *Site) history(ctx context.Context, country string) (*access.History, error) {
	events, err := s.store.TrendEvents(ctx, country)
	if err != nil {
		return nil, err
	}
	return access.NewHistory(events), nil
}

// trendCharts computes the trend charts of a history loaded for country
// ("" for all), ready for templates.TrendSection or the chart components
// one by one. The overview and the country pages embed them.
func (s *Site) trendCharts(country string, h *access.History) templates.TrendCharts {
	prefix := "trend"
	if country != "" {
		prefix += "-" + country
	}
	return buildTrendCharts(s.l, prefix, h, s.now())
}

// countryTrend is a country's trend marker against six months earlier
// ("" when it has no records), from a history that includes the country.
func (s *Site) countryTrend(country string, h *access.History) access.Direction {
	return h.CountryTrends(s.now())[country]
}

// buildTrendCharts: the last 24 months by month, and all time by year (a
// bar per month over decades would be too thin to read or point at).
func buildTrendCharts(l *i18n.Locale, prefix string, h *access.History, now time.Time) templates.TrendCharts {
	last := access.MonthOf(now)
	first, ok := h.FirstMonth()
	if !ok {
		return templates.TrendCharts{Empty: true}
	}
	if first.Since(last) > 0 { // only events dated after now
		first = last
	}
	recent := h.Monthly(last.Add(1-recentMonths), last)
	all := access.Yearly(h.Monthly(first, last))
	month := func(m access.Month) (string, string) { return m.Date().ISO(), l.Date(m.Date()) }
	year := func(m access.Month) (string, string) { y := strconv.Itoa(m.Year); return y, y }
	return templates.TrendCharts{
		ChangesRecent: trendChart(l, prefix+"-changes-recent", "trend.changes.24", "trend.col.month", "trend.col.changes", "trend.changes.point", recent, month, changesOf),
		FlaggedRecent: trendChart(l, prefix+"-flagged-recent", "trend.flagged.24", "trend.col.month", "trend.col.flagged", "trend.flagged.point", recent, month, flaggedOf),
		ChangesAll:    trendChart(l, prefix+"-changes-all", "trend.changes.all", "trend.col.year", "trend.col.changes", "trend.changes.point", all, year, changesOf),
		FlaggedAll:    trendChart(l, prefix+"-flagged-all", "trend.flagged.all", "trend.col.year", "trend.col.flagged", "trend.flagged.point", all, year, flaggedOf),
	}
}

func changesOf(p access.MonthPoint) int { return p.Changes }
func flaggedOf(p access.MonthPoint) int { return p.Flagged }

// trendChart makes one chart of a series: the catalogue keys name its
// title, its table columns and its per-point tooltip.
func trendChart(l *i18n.Locale, id, title, labelCol, valueCol, pointKey string, points []access.MonthPoint,
	label func(access.Month) (key, text string), value func(access.MonthPoint) int) templates.ChartView {
	c := templates.ChartView{ID: id, Title: l.T(title), LabelHeader: l.T(labelCol), ValueHeader: l.T(valueCol)}
	for _, p := range points {
		key, text := label(p.Month)
		v := value(p)
		c.Points = append(c.Points, templates.ChartPoint{Key: key, Label: text, Value: v, Title: countOf(l, pointKey, v, text, v)})
	}
	return c
}

package templates

import (
	"math"
	"strconv"
	"strings"
)

// ChartView is what BarChart and LineChart draw: one value per point, in
// order, with the words for its axis, tooltips and table.
type ChartView struct {
	// ID prefixes the element ids, so several charts can share a page.
	ID string
	// Title is the chart's accessible name, shown as its caption and as the
	// caption of its table.
	Title string
	// LabelHeader and ValueHeader head the table's columns ("Month",
	// "Status changes").
	LabelHeader, ValueHeader string
	Points                   []ChartPoint
}

// ChartPoint is one bar or point.
type ChartPoint struct {
	Key   string // machine-readable, e.g. "2025-06"; written as data-key
	Label string // axis and table label, e.g. "Jun 2025"
	Value int
	Title string // tooltip, e.g. "Jun 2025: 3 status changes"
}

// TrendCharts are the four trend charts of a page (the whole site's or one
// country's): status changes as bars, flagged organisations as a line, for
// the last 24 months and for all time.
type TrendCharts struct {
	ChangesRecent, FlaggedRecent ChartView
	ChangesAll, FlaggedAll       ChartView
	// Empty says there is no event to chart.
	Empty bool
}

// The chart's drawing area, in user units.
const (
	chartW      = 600.0
	chartH      = 200.0
	chartLeft   = 40.0
	chartRight  = 10.0
	chartTop    = 10.0
	chartBottom = 28.0
	chartLabels = 6 // x-axis labels at most
)

func chartViewBox() string {
	return "0 0 " + num(chartW) + " " + num(chartH)
}

// chartLayout is a chart's geometry, computed from its points.
type chartLayout struct {
	Bars   []chartBar
	Line   string // polyline points
	YTicks []chartTick
	XTicks []chartTick
	BaseY  string // y of the value 0
	Left   string // x of the axis
	Right  string // x where the plot ends
}

type chartBar struct {
	X, Y, W, H string
	CX, CY     string // the point on a line chart
}

type chartTick struct {
	Pos   string // x for the x axis, y for the y axis
	Label string
}

func layoutChart(points []ChartPoint) chartLayout {
	top := niceMax(points)
	plotW := chartW - chartLeft - chartRight
	plotH := chartH - chartTop - chartBottom
	base := chartH - chartBottom
	l := chartLayout{BaseY: num(base), Left: num(chartLeft), Right: num(chartW - chartRight)}
	ticks := []int{0, top}
	if top%2 == 0 {
		ticks = []int{0, top / 2, top}
	}
	for _, v := range ticks {
		l.YTicks = append(l.YTicks, chartTick{Pos: num(base - float64(v)/float64(top)*plotH), Label: strconv.Itoa(v)})
	}
	n := len(points)
	if n == 0 {
		return l
	}
	slot := plotW / float64(n)
	var line strings.Builder
	step := int(math.Ceil(float64(n) / chartLabels))
	for i, p := range points {
		h := float64(max(p.Value, 0)) / float64(top) * plotH
		x := chartLeft + float64(i)*slot
		cx := x + slot/2
		l.Bars = append(l.Bars, chartBar{
			X: num(x + slot*0.1), Y: num(base - h), W: num(max(slot*0.8, 0.5)), H: num(h),
			CX: num(cx), CY: num(base - h),
		})
		if i > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(num(cx) + "," + num(base-h))
		if i%step == 0 {
			l.XTicks = append(l.XTicks, chartTick{Pos: num(cx), Label: p.Label})
		}
	}
	l.Line = line.String()
	return l
}

// niceMax is the top of the value axis: the smallest 1, 2 or 5 times a
// power of ten at or above the largest value (at least 1).
func niceMax(points []ChartPoint) int {
	m := 1
	for _, p := range points {
		m = max(m, p.Value)
	}
	for scale := 1; ; scale *= 10 {
		for _, f := range []int{1, 2, 5} {
			if f*scale >= m {
				return f * scale
			}
		}
	}
}

// num writes a coordinate with at most one decimal.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

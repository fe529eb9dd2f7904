package templates

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/i18n"
)

func renderVisual(t *testing.T, c templ.Component) (*goquery.Document, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	return doc, html
}

func chartOf(values ...int) ChartView {
	c := ChartView{ID: "c", Title: "Changes per month", LabelHeader: "Month", ValueHeader: "Changes"}
	for i, v := range values {
		label := "M" + strconv.Itoa(i+1)
		c.Points = append(c.Points, ChartPoint{Key: strconv.Itoa(i), Label: label, Value: v, Title: label + ": " + strconv.Itoa(v)})
	}
	return c
}

func attrFloat(t *testing.T, s *goquery.Selection, name string) float64 {
	t.Helper()
	v, ok := s.Attr(name)
	if !ok {
		t.Fatalf("no %s attribute", name)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestBarChart(t *testing.T) {
	l := i18n.English()
	values := []int{0, 3, 7, 1, 0, 10}
	doc, _ := renderVisual(t, BarChart(l, chartOf(values...)))
	svg := doc.Find("figure#c svg[role=img]")
	if id, _ := svg.Attr("aria-labelledby"); doc.Find("#"+id).Text() != "Changes per month" {
		t.Errorf("svg is not named by the caption (%q)", id)
	}
	bars := svg.Find("rect.chart-bar")
	if bars.Length() != len(values) {
		t.Fatalf("%d bars for %d values", bars.Length(), len(values))
	}
	plot := chartH - chartTop - chartBottom // the top of the scale, 10, is the full height
	bars.Each(func(i int, b *goquery.Selection) {
		h := attrFloat(t, b, "height")
		if want := float64(values[i]) / 10 * plot; h < want-0.06 || h > want+0.06 {
			t.Errorf("bar %d height %g, want %g", i, h, want)
		}
		if y := attrFloat(t, b, "y"); y+h < chartH-chartBottom-0.06 || y+h > chartH-chartBottom+0.06 {
			t.Errorf("bar %d does not stand on the axis: y %g + h %g", i, y, h)
		}
		if b.Find("title").Text() != "M"+strconv.Itoa(i+1)+": "+strconv.Itoa(values[i]) {
			t.Errorf("bar %d title %q", i, b.Find("title").Text())
		}
		if i > 0 && attrFloat(t, b, "x") <= attrFloat(t, bars.Eq(i-1), "x") {
			t.Errorf("bar %d is not right of bar %d", i, i-1)
		}
	})
	var ticks []string
	svg.Find("text.chart-label[text-anchor=end]").Each(func(_ int, s *goquery.Selection) { ticks = append(ticks, s.Text()) })
	if strings.Join(ticks, ",") != "0,5,10" {
		t.Errorf("value axis labels %v", ticks)
	}
	rows := doc.Find("details.chart-table table tbody tr")
	if doc.Find("details.chart-table caption").Text() != "Changes per month" || rows.Length() != len(values) ||
		rows.Eq(5).Find("td").Text() != "10" || rows.Eq(5).Find("th").Text() != "M6" {
		t.Errorf("table fallback: %d rows, caption %q", rows.Length(), doc.Find("caption").Text())
	}
}

func TestChartAxisScale(t *testing.T) {
	for _, c := range []struct {
		values []int
		top    int
		ticks  string
	}{
		{nil, 1, "0,1"}, {[]int{0, 0}, 1, "0,1"}, {[]int{1}, 1, "0,1"}, {[]int{3}, 5, "0,5"},
		{[]int{11, 2}, 20, "0,10,20"}, {[]int{101}, 200, "0,100,200"},
	} {
		points := chartOf(c.values...).Points
		if got := niceMax(points); got != c.top {
			t.Errorf("niceMax(%v) = %d, want %d", c.values, got, c.top)
		}
		var labels []string
		for _, tk := range layoutChart(points).YTicks {
			labels = append(labels, tk.Label)
		}
		if strings.Join(labels, ",") != c.ticks {
			t.Errorf("%v: ticks %v, want %s", c.values, labels, c.ticks)
		}
	}
	// At most chartLabels month labels, the first one first.
	many := chartOf(make([]int, 24)...)
	if x := layoutChart(many.Points).XTicks; len(x) > chartLabels || x[0].Label != "M1" {
		t.Errorf("x labels %v", x)
	}
}

func TestLineChart(t *testing.T) {
	doc, _ := renderVisual(t, LineChart(i18n.English(), chartOf(2, 4, 4, 1)))
	dots := doc.Find("svg circle.chart-dot")
	if dots.Length() != 4 || len(strings.Fields(doc.Find("polyline.chart-line").AttrOr("points", ""))) != 4 {
		t.Fatalf("%d dots, line %q", dots.Length(), doc.Find("polyline").AttrOr("points", ""))
	}
	if dots.Eq(1).AttrOr("cy", "") != dots.Eq(2).AttrOr("cy", "") || attrFloat(t, dots.Eq(1), "cy") >= attrFloat(t, dots.Eq(0), "cy") {
		t.Error("equal values are not level, or a higher value is not higher")
	}
	if dots.Eq(3).Find("title").Text() != "M4: 1" || dots.Eq(3).AttrOr("data-value", "") != "1" {
		t.Errorf("last dot: %q", dots.Eq(3).Find("title").Text())
	}
}

func TestWorldMapComponent(t *testing.T) {
	l := i18n.English()
	m := MapView{ID: "wm", Title: "Map", ViewBox: "0 0 10 5", Sphere: "M0 0l10 0 0 5Z",
		Countries: []MapCountry{
			{D: "M1 1l1 0 0 1Z", Class: MapClass(access.StatusExpelled), Title: "Niger: 2 organisations flagged", Href: "/countries/NER"},
			{D: "M3 1l1 0 0 1Z", Class: "map--none", Title: "Chad"},
		},
		Legend:    []MapLegendItem{{Class: MapClass(access.StatusExpelled), Label: "Expelled"}},
		Rows:      []MapRow{{Name: "Niger", Href: "/countries/NER", Status: access.StatusExpelled, StatusFlagged: true, Flagged: 2, Records: 2, Trend: access.Improved}},
		TableOpen: true,
	}
	doc, _ := renderVisual(t, WorldMap(l, m))
	a := doc.Find(`svg a[href="/countries/NER"]`)
	if a.Find("path.map-country.map--expelled").AttrOr("d", "") != "M1 1l1 0 0 1Z" || a.ChildrenFiltered("title").Text() != "Niger: 2 organisations flagged" {
		t.Errorf("Niger: %d links", a.Length())
	}
	chad := doc.Find(`svg g[aria-hidden=true] path.map--none`)
	if chad.Length() != 1 || chad.Find("title").Text() != "Chad" || chad.ParentsFiltered("a").Length() != 0 {
		t.Error("Chad is not neutral, titled and unlinked")
	}
	if doc.Find("path.map-sphere").Length() != 1 {
		t.Error("no sphere")
	}
	if _, open := doc.Find("details.map-table").Attr("open"); !open {
		t.Error("TableOpen ignored")
	}
	if doc.Find("table caption").Length() != 1 || !strings.Contains(doc.Find("tbody tr").Text(), "Improved") {
		t.Error("table fallback incomplete")
	}
}

func TestBadgeSVG(t *testing.T) {
	b := NewBadge(`A&B <x> · Niger`, "Expelled", `A&B "x"`, access.StatusExpelled)
	_, raw := renderVisual(t, BadgeSVG(b))
	var doc struct {
		Width string   `xml:"width,attr"`
		Title string   `xml:"title"`
		Texts []string `xml:"g>text"`
		Rects []struct {
			Width string `xml:"width,attr"`
			Fill  string `xml:"fill,attr"`
		} `xml:"g>rect"`
	}
	if err := xml.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, raw)
	}
	if doc.Title != `A&B "x"` || len(doc.Texts) != 2 || doc.Texts[0] != `A&B <x> · Niger` || doc.Texts[1] != StatusGlyph(access.StatusExpelled)+" Expelled" {
		t.Errorf("texts %q, title %q", doc.Texts, doc.Title)
	}
	if len(doc.Rects) != 2 || doc.Rects[1].Fill != badgeColours[access.StatusExpelled] {
		t.Errorf("rects %+v", doc.Rects)
	}
	// Width grows with the text; unknown statuses are grey.
	if TextWidth("ICRC · Niger") >= TextWidth("ICRC · Central African Republic") || TextWidth("") != 0 {
		t.Error("TextWidth does not grow with the text")
	}
	if NewBadge("a", "b", "c", "").Colour != badgeColours[access.StatusUnknown] {
		t.Error("an empty status is not grey")
	}
	for _, s := range access.Statuses {
		if badgeColours[s] == "" {
			t.Errorf("no badge colour for %s", s)
		}
	}
}

// The badge's colours (attributes, for other sites) are the light theme's
// status colours of the stylesheet.
func TestBadgeColoursMatchTheStylesheet(t *testing.T) {
	css, err := os.ReadFile("../static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	root := string(css[:bytes.Index(css, []byte("@media (prefers-color-scheme: dark)"))])
	vars := map[access.Status]string{access.StatusOrderedToLeave: "--st-ordered"}
	for _, s := range access.Statuses {
		name, ok := vars[s]
		if !ok {
			name = "--st-" + string(s)
		}
		if want := name + ": " + badgeColours[s] + ";"; !strings.Contains(root, want) {
			t.Errorf("app.css's light theme lacks %q", want)
		}
	}
}

// TestMapPatternsTellStatusesApart checks the map's second cue: every
// status but operating has a hatching, no two share one, and a suspension
// the organisation chose is hatched apart from one an authority imposed.
func TestMapPatternsTellStatusesApart(t *testing.T) {
	seen := map[string]string{}
	for _, s := range access.Statuses {
		for _, flagged := range []bool{false, true} {
			k := MapPatternKey(s, flagged)
			if s == access.StatusOperating {
				if k != "" {
					t.Errorf("operating is hatched %q", k)
				}
				continue
			}
			if MapPatternPath(k) == "" {
				t.Errorf("%s (flagged %v): no hatching", s, flagged)
			}
		}
	}
	if MapPatternKey(access.StatusSuspended, true) == MapPatternKey(access.StatusSuspended, false) {
		t.Error("own-decision and imposed suspensions share a hatching")
	}
	for _, k := range mapPatternOrder {
		d := MapPatternPath(k)
		if other, dup := seen[d]; dup {
			t.Errorf("%s and %s share the hatching %q", k, other, d)
		}
		seen[d] = k
	}
	if len(mapPatternOrder) != len(mapPatterns) {
		t.Errorf("%d hatchings defined on the map, %d known", len(mapPatternOrder), len(mapPatterns))
	}
}

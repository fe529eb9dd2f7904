package site

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/internal/web/httpkit"
	"github.com/accesswatch/accesswatch/templates"
)

func renderDoc(t *testing.T, c interface {
	Render(context.Context, io.Writer) error
}) *goquery.Document {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestWorldMapComponentMarksNigerExpelled(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	records, _, err := st.Records(context.Background(), store.RecordFilter{})
	if err != nil {
		t.Fatal(err)
	}
	world, err := embeddedWorld()
	if err != nil {
		t.Fatal(err)
	}
	l := i18n.English()
	countries := access.WorstByCountry(records)
	v := buildMapView(l, "m", world, countries, map[string]access.Direction{"NER": access.Deteriorated}, nil)
	doc := renderDoc(t, templates.WorldMap(l, v))

	svg := doc.Find("figure#m svg")
	if labelled, _ := svg.Attr("aria-labelledby"); labelled == "" || doc.Find("#"+labelled).Text() != l.T("map.title") {
		t.Errorf("svg aria-labelledby=%q does not name the map", labelled)
	}
	ner := doc.Find(`svg a[href="/countries/NER"]`)
	if ner.Length() != 1 {
		t.Fatalf("%d links to /countries/NER", ner.Length())
	}
	if ner.Find("path.map-country.map--expelled").Length() != 1 {
		t.Errorf("Niger's path is not shaded expelled: %s", goquery.NodeName(ner.Children()))
	}
	nerFlagged := 0
	for _, r := range records {
		if r.CountryCode == "NER" && r.Flagged() {
			nerFlagged++
		}
	}
	wantTitle := "Niger: " + strconv.Itoa(nerFlagged) + " organisations flagged — worst status: Expelled"
	if got := ner.ChildrenFiltered("title").Text(); got != wantTitle {
		t.Errorf("Niger's title %q, want %q", got, wantTitle)
	}
	// Exactly the countries with records are links, each shaded by its worst status.
	links := doc.Find("svg a")
	if links.Length() != len(countries) {
		t.Errorf("%d linked countries, %d with records", links.Length(), len(countries))
	}
	for _, c := range countries {
		a := doc.Find(`svg a[href="/countries/` + c.Code + `"]`)
		if a.Find("path."+templates.MapClass(c.Worst.Status)).Length() != 1 {
			t.Errorf("%s: not linked or not shaded %s", c.Code, c.Worst.Status)
		}
	}
	// Countries without records are neutral, unlinked, hidden from speech.
	neutral := doc.Find(`svg g[aria-hidden="true"] path.map--none`)
	if neutral.Length() != len(world.Shapes)-len(countries) {
		t.Errorf("%d neutral shapes, want %d", neutral.Length(), len(world.Shapes)-len(countries))
	}
	if neutral.ParentsFiltered("a").Length() != 0 {
		t.Error("a neutral country is linked")
	}
	if doc.Find(`path.map--none title`).FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Text() == "Chad" }).Length() != 1 {
		t.Error("Chad is not drawn neutral with its name")
	}
	// Legend: every status in words, on its colour and under its hatching;
	// a suspension is told apart by who decided it.
	legend := func(label string, s access.Status, pattern string) {
		t.Helper()
		li := doc.Find(".map-legend li").FilterFunction(func(_ int, li *goquery.Selection) bool {
			return strings.TrimSpace(li.Text()) == label
		})
		if li.Length() != 1 || li.Find(".map-swatch rect."+templates.MapClass(s)).Length() != 1 {
			t.Errorf("legend lacks %q", label)
			return
		}
		fill := li.Find(".map-swatch rect.map-hatch").AttrOr("fill", "")
		if pattern == "" && fill != "" || pattern != "" && fill != "url(#m-pat-"+pattern+")" {
			t.Errorf("legend %q: hatching %q, want %q", label, fill, pattern)
		}
	}
	for _, s := range access.Statuses {
		label := l.Status(s)
		if s == access.StatusSuspended {
			label = l.T("map.legend.suspended_imposed")
		}
		legend(label, s, templates.MapPatternKey(s, s.Flagged(access.InitiatedByAuthority)))
	}
	legend(l.T("map.legend.suspended_own"), access.StatusSuspended, templates.MapPatternSuspendedOwn)
	// Every linked country but an operating one carries its hatching, and
	// every hatching is defined.
	for _, c := range countries {
		want := templates.MapPatternKey(c.Worst.Status, c.Worst.Flagged())
		got := doc.Find(`svg a[href="/countries/`+c.Code+`"] path.map-hatch`).AttrOr("fill", "")
		if (want == "") != (got == "") || want != "" && got != "url(#m-pat-"+want+")" {
			t.Errorf("%s (%s): hatching %q, want %q", c.Code, c.Worst.Status, got, want)
		}
		if want != "" && doc.Find("pattern#m-pat-"+want+" path.map-hatch-line").Length() != 1 {
			t.Errorf("pattern %s is not defined", want)
		}
	}
	// Table fallback: a real table with a caption, a row per country.
	table := doc.Find("details.map-table table")
	if table.Find("caption").Text() == "" || table.Find("tbody tr").Length() != len(countries) {
		t.Errorf("table: caption %q, %d rows", table.Find("caption").Text(), table.Find("tbody tr").Length())
	}
	nerRow := table.Find(`tbody tr:has(a[href="/countries/NER"])`)
	if !strings.Contains(nerRow.Text(), "Deteriorated") || nerRow.Find(".badge--expelled.badge--flagged").Length() != 1 ||
		nerRow.Find("td.num").First().Text() != strconv.Itoa(nerFlagged) {
		t.Errorf("Niger's row is not expelled, %d flagged, deteriorating: %s", nerFlagged, strings.Join(strings.Fields(nerRow.Text()), " "))
	}
	if first := table.Find("tbody tr").First(); first.Find(".badge--flagged").Length() != 1 {
		t.Errorf("the first row is not a flagged country: %s", strings.Join(strings.Fields(first.Text()), " "))
	}
	if _, open := doc.Find("details.map-table").Attr("open"); open {
		t.Error("the table fallback is open on an embedded map")
	}
	if !strings.Contains(doc.Find(".map-note").Text(), "Somaliland") {
		t.Error("the shapes drawn without data are not named")
	}
}

func TestCountryTrendFollowsNewEvents(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := New(st, httpkit.New(slog.New(slog.DiscardHandler), i18n.English(), nil, false, nil), func() time.Time { return storetest.Start }, i18n.MustLoadLanguages(), Info{})
	ctx := context.Background()
	trend := func(country string) access.Direction {
		h, err := srv.history(ctx, country)
		if err != nil {
			t.Fatal(err)
		}
		return srv.countryTrend(country, h)
	}
	if d := trend("NER"); d != access.Stable {
		t.Fatalf("Niger before: %q (no seeded change since Sep 2025)", d)
	}
	if d := trend("FRA"); d != "" {
		t.Errorf("a country without records has trend %q", d)
	}
	org := access.Org{Slug: "msf", Name: "Médecins Sans Frontières", Acronym: "MSF", Type: access.OrgINGO}
	ev := access.Event{CountryCode: "NER", OrgSlug: "msf", Date: access.MustParseDate("2026-02-10"), Type: access.EventAuthorisationWithdrawn,
		StatusAfter: access.StatusBanned, InitiatedBy: access.InitiatedByAuthority, Verification: access.Verified,
		Sources: []access.Source{{Publisher: "p", URL: "https://example.org/", Type: access.SourceNews}}}
	if _, err := st.RecordEvent(ctx, store.NewEvent{Event: ev, Org: &org, ExpectedVersion: store.AnyVersion, Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if d := trend("NER"); d != access.Deteriorated {
		t.Errorf("Niger after a new ban: %q", d)
	}
	w1, _ := srv.world()
	w2, _ := srv.world()
	if w1 == nil || w1 != w2 {
		t.Error("the world map is not built once and kept")
	}
}

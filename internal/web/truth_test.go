package web

import (
	"context"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/templates"
)

// The overview tells the reach lost per basis and never as one sum across
// bases; it says how current the data is near the headline and in the
// footer of every public page.
func TestOverviewNeverSumsAcrossBases(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := newServerFor(t, st)
	doc := page(t, srv, "/")
	h, err := st.Headline(context.Background(), access.Date{})
	if err != nil {
		t.Fatal(err)
	}
	var mixed int64
	for _, n := range h.LostByBasis {
		mixed += n
	}
	if len(h.LostByBasis) < 2 {
		t.Fatalf("the bundled data should lose reach on two bases at least: %v", h.LostByBasis)
	}
	body := flat(doc.Find("main"))
	for _, never := range []string{srv.l.Number(mixed), srv.l.Number(h.PeopleLost)} {
		if strings.Contains(body, never) {
			t.Errorf("the overview shows a sum across bases: %s", never)
		}
	}
	// One sum per basis, each with its basis stated.
	for b, n := range h.LostByBasis {
		got := flat(doc.Find(`#lost [data-basis-sum="` + string(b) + `"]`))
		if !strings.Contains(got, srv.l.Number(n)) || !strings.Contains(got, srv.l.ReachBasis(b)) {
			t.Errorf("sum for %s = %q, want %s %s", b, got, srv.l.Number(n), srv.l.ReachBasis(b))
		}
	}
	// The largest figure with its basis, organisation, country and date.
	icrc := flat(doc.Find(`#lost [data-lost="NER/icrc"]`))
	for _, want := range []string{"2,000,000", srv.l.ReachBasis(access.ReachCumulative), "ICRC", "Niger", "5 Jun 2025"} {
		if !strings.Contains(icrc, want) {
			t.Errorf("largest figure lacks %q: %q", want, icrc)
		}
	}
	counts := flat(doc.Find(`#lost [data-lost-counts]`))
	if !strings.Contains(counts, srv.l.Number(int64(h.WithFigure))) || !strings.Contains(counts, srv.l.Number(int64(h.WithoutFigure))) || h.WithoutFigure == 0 {
		t.Errorf("counts with/without a figure: %q (headline %d/%d)", counts, h.WithFigure, h.WithoutFigure)
	}
	classes := flat(doc.Find(`[data-figure="class-measures"]`))
	if h.ClassMeasuresInForce == 0 || !strings.Contains(classes, srv.l.Number(int64(h.ClassMeasuresInForce))) ||
		!strings.Contains(classes, "in "+srv.l.Number(int64(h.ClassMeasureCountries))+" countries") {
		t.Errorf("class measures figure %q (headline %d in %d)", classes, h.ClassMeasuresInForce, h.ClassMeasureCountries)
	}
	asOf := "Data as of " + srv.l.Date(h.AsOf.NewestEvent)
	if got := flat(doc.Find(`[data-as-of="headline"]`)); !strings.HasPrefix(got, asOf) || !strings.Contains(got, "last entry") {
		t.Errorf("headline as-of line %q, want %q…", got, asOf)
	}
	for _, path := range []string{"/", "/countries", "/countries/PSE", "/orgs", "/orgs/icrc", "/changes", "/map", "/countries/NER/orgs/icrc"} {
		if got := flat(page(t, srv, path).Find(`footer [data-as-of="footer"]`)); !strings.HasPrefix(got, asOf) {
			t.Errorf("%s: footer as-of %q, want %q…", path, got, asOf)
		}
	}
}

// Ethiopia's "three-month" suspensions of 2021 read as ended and
// unconfirmed, not as today's suspension; their unknown reach reads "not
// reported", never 0; "Last reviewed" is never, apart from the latest event.
func TestRecordPageTellsTimeTruly(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := newServerFor(t, st)
	for _, slug := range []string{"nrc", "msf-holland"} {
		doc := page(t, srv, "/countries/ETH/orgs/"+slug)
		status := flat(doc.Find(`[data-status-facts]`))
		if !strings.Contains(status, "Suspension ended") || !strings.Contains(status, "? — not confirmed") || !strings.Contains(status, "Due for review") {
			t.Errorf("ETH/%s status: %q", slug, status)
		}
		if doc.Find(`[data-status-facts] .badge--flagged`).Length() != 0 {
			t.Errorf("ETH/%s is shown as a current (flagged) suspension", slug)
		}
		if got := flat(doc.Find(`[data-reviewed]`)); got != "never" {
			t.Errorf("ETH/%s last reviewed %q, want never", slug, got)
		}
		if got := flat(doc.Find(`[data-latest-event]`)); !strings.Contains(got, "2021") {
			t.Errorf("ETH/%s latest event %q", slug, got)
		}
		if got := flat(doc.Find(`[data-event-until]`)); !strings.Contains(got, "2021") {
			t.Errorf("ETH/%s: the suspension's stated end is not shown: %q", slug, got)
		}
	}
	// Every record without a reach figure reads "not reported", never 0.
	recs, _, err := st.Records(context.Background(), store.RecordFilter{})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range recs {
		if r.Reach != nil || checked >= 5 {
			continue
		}
		checked++
		doc := page(t, srv, "/countries/"+r.CountryCode+"/orgs/"+r.OrgSlug)
		for _, sel := range []string{`[data-reach]`, `[data-reach-lost]`} {
			got := flat(doc.Find(sel))
			if strings.Contains(got, "0") || (sel == `[data-reach]` && got != "not reported") {
				t.Errorf("%s/%s %s = %q", r.CountryCode, r.OrgSlug, sel, got)
			}
		}
	}
	if checked == 0 {
		t.Fatal("the bundled data has no record without a reach figure")
	}
	// Sudan's 2009 expulsions are due for review.
	sudan := 0
	for _, r := range recs {
		if r.CountryCode != "SDN" || r.StatusSince.Start().Year() != 2009 {
			continue
		}
		sudan++
		if got := flat(page(t, srv, "/countries/SDN/orgs/"+r.OrgSlug).Find(`[data-status-facts]`)); !strings.Contains(got, "Due for review") {
			t.Errorf("SDN/%s (2009) is not due for review: %q", r.OrgSlug, got)
		}
	}
	if sudan == 0 {
		t.Fatal("no Sudan record of 2009")
	}
}

// A retracted event stays in the public timeline, struck through, with the
// date and reason of the correction; it no longer sets the status.
func TestTimelineStrikesThroughARetractedEvent(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := newServerFor(t, st)
	recordEvent(t, st, "SDN", "wrong-ngo", "2026-01-10", access.StatusOperating)
	recordEvent(t, st, "SDN", "wrong-ngo", "2026-02-10", access.StatusExpelled)
	evs, _, err := st.Changes(context.Background(), store.ChangeFilter{Country: "SDN", Org: "wrong-ngo"})
	if err != nil || len(evs) != 2 {
		t.Fatalf("%d events, %v", len(evs), err)
	}
	wrong := evs[0] // newest first: the expulsion
	if _, err := st.RetractEvent(context.Background(), wrong.ID, "entered in error", "test"); err != nil {
		t.Fatal(err)
	}
	doc := page(t, srv, "/countries/SDN/orgs/wrong-ngo")
	li := doc.Find("#" + templates.EventAnchor(wrong.ID))
	if li.Find("del").Length() != 1 || !strings.Contains(flat(li.Find(".correction")), "Retracted on") ||
		!strings.Contains(flat(li.Find(".correction")), "entered in error") {
		t.Errorf("retracted event: %q", flat(li))
	}
	if doc.Find(`[data-status-facts] .badge--expelled`).Length() != 0 {
		t.Error("the retracted expulsion still sets the status")
	}
}

// Mali, Niger and Palestine show their class-level measures in force on
// their pages and in /countries; no country page or list shows a sum of
// reach across bases: one line per basis.
func TestCountriesShowClassMeasuresAndLostPerBasis(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := newServerFor(t, st)
	list := page(t, srv, "/countries")
	for _, code := range []string{"MLI", "NER", "PSE"} {
		sum, err := st.CountrySummary(context.Background(), code)
		if err != nil {
			t.Fatal(err)
		}
		if sum.ClassMeasuresInForce == 0 {
			t.Fatalf("%s: no class measure in force in the bundled data", code)
		}
		doc := page(t, srv, "/countries/"+code)
		fig := doc.Find(`[data-figure="class-measures"]`)
		if got := flat(fig.Find(".value")); got != srv.l.Number(int64(sum.ClassMeasuresInForce)) {
			t.Errorf("%s: class measures figure %q, want %d", code, got, sum.ClassMeasuresInForce)
		}
		if !fig.HasClass("figure--alert") || fig.Find("[data-class-measure]").Length() != sum.ClassMeasuresInForce {
			t.Errorf("%s: class measures not listed among the flagged items: %q", code, flat(fig))
		}
		if sum.Flagged == 0 && doc.Find(`[data-figure="flagged"]`).HasClass("figure--alert") {
			t.Errorf("%s: 0 organisations flagged shown in red above a class measure", code)
		}
		var mixed int64
		for b, n := range sum.LostByBasis {
			mixed += n
			if got := flat(doc.Find(`[data-figure="reach-lost"] [data-basis-sum="` + string(b) + `"]`)); !strings.Contains(got, srv.l.Number(n)) {
				t.Errorf("%s: lost %s = %q, want %d", code, b, got, n)
			}
		}
		if len(sum.LostByBasis) > 1 && strings.Contains(flat(doc.Find("main")), srv.l.Number(mixed)) {
			t.Errorf("%s: the page shows the sum across bases %d", code, mixed)
		}
		if got := list.Find(`tr[data-country="`+code+`"] [data-class-measures]`).AttrOr("data-class-measures", ""); got != srv.l.Number(int64(sum.ClassMeasuresInForce)) {
			t.Errorf("/countries %s: class measures %q, want %d", code, got, sum.ClassMeasuresInForce)
		}
	}
}

// Mali, Niger and Palestine are hatched on the map for their class-level
// measures in force, with a legend entry, and the map's table counts them.
func TestMapHatchesClassMeasures(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := newServerFor(t, st)
	counts, err := st.ClassMeasureCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/map", "/"} {
		doc := page(t, srv, path)
		if doc.Find(`.map-legend [data-legend="class-measure"]`).Length() != 1 {
			t.Errorf("%s: no legend entry for class measures", path)
		}
		for _, code := range []string{"MLI", "NER", "PSE"} {
			a := doc.Find(`.map-data a[href="/countries/` + code + `"]`)
			hatch := a.Find(`path.map-class-measure`)
			if counts[code] == 0 || hatch.AttrOr("data-class-measure", "") != srv.l.Number(int64(counts[code])) {
				t.Errorf("%s: %s hatched with %q, want %d", path, code, hatch.AttrOr("data-class-measure", ""), counts[code])
			}
			if !strings.Contains(flat(a.Find("title")), "against a class of organisations in force") {
				t.Errorf("%s: %s title %q", path, code, flat(a.Find("title")))
			}
		}
		if got := doc.Find(`path.map-class-measure`).Length(); got != len(counts) {
			t.Errorf("%s: %d countries hatched, %d have a class measure in force", path, got, len(counts))
		}
	}
}

// Organisation pages and /orgs tell reach lost per basis, never as one sum.
func TestOrgsShowLostPerBasis(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := newServerFor(t, st)
	icrc := flat(page(t, srv, "/orgs/icrc").Find(`[data-figure="reach-lost"] [data-basis-sum="cumulative"]`))
	if !strings.Contains(icrc, "2,000,000") || !strings.Contains(icrc, srv.l.ReachBasis(access.ReachCumulative)) {
		t.Errorf("ICRC reach lost %q", icrc)
	}
	list := page(t, srv, "/orgs?sort=reach")
	rows := list.Find("#orgs tbody tr")
	if rows.Length() == 0 {
		t.Fatal("no organisation listed")
	}
	if rows.Find("[data-lost-cell]").Length() != rows.Length() {
		t.Errorf("%d rows, %d reach-lost cells", rows.Length(), rows.Find("[data-lost-cell]").Length())
	}
	if rows.Find(`[data-basis-sum]`).Length() == 0 {
		t.Error("no per-basis figure in /orgs")
	}
}

// Lists show Ethiopia's ended suspensions as ended and unconfirmed, never
// as a current (flagged) suspension.
func TestListsShowEndedMeasuresAsEnded(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := newServerFor(t, st)
	for _, path := range []string{"/countries/ETH", "/"} {
		row := page(t, srv, path).Find(`tr[data-record="ETH/nrc"]`)
		if row.Length() == 0 {
			t.Fatalf("%s: no ETH/nrc row", path)
		}
		if row.Find(".badge--flagged").Length() != 0 || !strings.Contains(flat(row), "? — not confirmed") {
			t.Errorf("%s: ETH/nrc row %q", path, flat(row))
		}
	}
}

package web

import (
	"context"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/storetest"
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

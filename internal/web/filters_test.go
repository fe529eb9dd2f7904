package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// The change log's country and organisation filters are lists of names to
// choose from; the value they send is still the code, which the API takes
// unchanged. The date inputs hint at the form of a date with a placeholder
// that cannot be read as one. The form folds behind a "Filter" disclosure
// that is open while a filter is set.
func TestChangeLogFiltersOfferNames(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := newServerWith(t, st, Options{ClientRate: -1})
	doc := page(t, srv, "/changes")
	box := doc.Find("details.filter-box")
	if box.Length() != 1 || box.Find("summary").Text() != "Filter" || box.Find("form.filters").Length() != 1 {
		t.Fatalf("no Filter disclosure around the form")
	}
	if _, open := box.Attr("open"); open {
		t.Error("the disclosure is open with no filter set")
	}
	if doc.Find(`input[name="country"], input[name="org"]`).Length() != 0 {
		t.Error("a country or organisation is still typed")
	}
	countries := getJSON[apiPage[struct{ Code, Name string }]](t, srv, "/api/v1/countries")
	names := map[string]string{}
	for _, c := range countries.Items {
		names[c.Code] = c.Name
	}
	options := doc.Find(`select[name="country"] option[value!=""]`)
	if options.Length() == 0 {
		t.Fatal("no country to choose")
	}
	for i := range options.Length() {
		o := options.Eq(i)
		code := o.AttrOr("value", "")
		if names[code] == "" || strings.TrimSpace(o.Text()) != names[code] {
			t.Errorf("country option %q reads %q; the API names it %q", code, o.Text(), names[code])
		}
	}
	if doc.Find(`select[name="country"] option[value="NER"]`).Text() != "Niger" {
		t.Error("Niger is not offered by name")
	}
	if doc.Find(`select[name="org"] option[value="icrc"]`).Length() != 1 {
		t.Error("the ICRC is not offered")
	}
	for _, name := range []string{"since", "until"} {
		in := doc.Find(`input[name="` + name + `"]`)
		ph := in.AttrOr("placeholder", "")
		if ph == "" {
			t.Errorf("%s: no placeholder", name)
		}
		if _, err := access.ParseDate(ph); err == nil {
			t.Errorf("%s: placeholder %q reads as a date", name, ph)
		}
		if hint := in.AttrOr("aria-describedby", ""); hint == "" || doc.Find("#"+hint).Length() != 1 {
			t.Errorf("%s: no hint described", name)
		}
	}

	// What the list sends selects the same events as the API with the code.
	chosen := page(t, srv, "/changes?country=NER&org=icrc")
	if _, open := chosen.Find("details.filter-box").Attr("open"); !open {
		t.Error("the disclosure is closed while filters are set")
	}
	if chosen.Find(`select[name="country"] option[selected]`).AttrOr("value", "") != "NER" ||
		chosen.Find(`select[name="org"] option[selected]`).AttrOr("value", "") != "icrc" {
		t.Error("the chosen country and organisation are not shown")
	}
	api := getJSON[apiPage[apiEvent]](t, srv, "/api/v1/events?limit=1000&country=NER&org=icrc")
	if n := len(eventAnchor.FindAllString(get(t, srv, "/changes?country=NER&org=icrc").Body.String(), -1)); n == 0 || n != len(api.Items) {
		t.Errorf("/changes lists %d events, the API %d", n, len(api.Items))
	}
	// A country with no data can still be chosen by its code: it is shown.
	if w := get(t, srv, "/changes?country=FRA"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `<option value="FRA" selected>France</option>`) {
		t.Errorf("/changes?country=FRA: %d, France not shown as chosen", w.Code)
	}
}

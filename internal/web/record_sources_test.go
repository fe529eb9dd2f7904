package web

import (
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/storetest"
)

// Every figure on a record page links to the source it came from: the
// link goes to an address among the sources the API lists for the event
// the figure names, and that event gives the figure (the status's date,
// the reach). Every dated event in the timeline links its date likewise.
func TestRecordFiguresLinkToTheirSources(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := newServerWith(t, st, Options{ClientRate: -1})
	for _, rec := range []string{"NER/icrc", "NER/acted", "AFG/care", "SDN/nrc"} {
		country, org, _ := strings.Cut(rec, "/")
		events := getJSON[apiPage[apiEvent]](t, srv, "/api/v1/events?limit=1000&country="+country+"&org="+org)
		byID := map[int64]apiEvent{}
		for _, e := range events.Items {
			byID[e.ID] = e
		}
		record := getJSON[apiRecord](t, srv, "/api/v1/countries/"+country+"/orgs/"+org)
		doc := page(t, srv, "/countries/"+country+"/orgs/"+org)
		// fromSource checks that link a goes to a source of the event it names.
		fromSource := func(what string, a *goquery.Selection) apiEvent {
			t.Helper()
			id, err := strconv.ParseInt(a.AttrOr("data-source-event", ""), 10, 64)
			e, ok := byID[id]
			if err != nil || !ok {
				t.Errorf("%s: %s links to no event of the record (%q)", rec, what, a.AttrOr("data-source-event", ""))
				return e
			}
			href := a.AttrOr("href", "")
			found := href == "#event-"+strconv.FormatInt(id, 10)
			for _, s := range e.Sources {
				found = found || s.URL != nil && *s.URL == href
			}
			if !found {
				t.Errorf("%s: %s links to %q, not a source of event %d", rec, what, href, id)
			}
			return e
		}
		status := doc.Find("[data-status-facts] .since a.sourced")
		if status.Length() != 1 {
			t.Errorf("%s: the status's date links to no source", rec)
		} else if e := fromSource("status date", status); record.StatusSince == nil || e.Date.Date != record.StatusSince.Date || e.StatusAfter == nil || *e.StatusAfter != record.Status {
			t.Errorf("%s: the status's date links to event %d (%s), which did not set %s", rec, e.ID, e.Date.Date, record.Status)
		}
		if record.Reach != nil {
			reach := doc.Find("[data-reach] a.sourced")
			if reach.Length() != 1 {
				t.Errorf("%s: the reach links to no source", rec)
			} else if e := fromSource("reach", reach); record.Reach.Date == nil || e.Date.Date != record.Reach.Date.Date {
				t.Errorf("%s: the reach links to event %d of %s, reported %v", rec, e.ID, e.Date.Date, record.Reach.Date)
			}
		}
		if doc.Find("[data-latest-event] a.sourced").Length() != 1 {
			t.Errorf("%s: the latest event's date links to no source", rec)
		}
		fromSource("latest event", doc.Find("[data-latest-event] a.sourced"))
		doc.Find(`[data-timeline="timeline"] > li`).Each(func(_ int, li *goquery.Selection) {
			a := li.Find(".when a.sourced")
			if a.Length() != 1 {
				t.Errorf("%s: event %s: its date links to no source", rec, li.AttrOr("id", ""))
				return
			}
			if e := fromSource("event date", a); "event-"+strconv.FormatInt(e.ID, 10) != li.AttrOr("id", "") {
				t.Errorf("%s: event %s's date links to event %d's source", rec, li.AttrOr("id", ""), e.ID)
			}
		})
	}
}

// A syndicated copy names the agency and the outlet that carried it,
// whichever way the data writes them ("Daily Sabah (AP)" reads "AP, via
// Daily Sabah"); other brackets are left as they are.
func TestSyndicatedSourcesSaySo(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := newServerWith(t, st, Options{ClientRate: -1})
	for _, tc := range []struct{ q, want, not string }{
		{"Daily Sabah", "AP, via Daily Sabah", "Daily Sabah (AP)"},
		{"Siasat", "AFP, via Siasat Daily", "Siasat Daily (AFP)"},
		{"Monterey Herald", "AP, via Monterey Herald", ""},
		{"Le Matinal", "Le Matinal (Benin)", ""},
	} {
		text := flat(page(t, srv, "/changes?q="+strings.ReplaceAll(tc.q, " ", "+")).Find(".sources"))
		if !strings.Contains(text, tc.want) || tc.not != "" && strings.Contains(text, tc.not) {
			t.Errorf("sources found by %q read %q; want %q", tc.q, text, tc.want)
		}
	}
}

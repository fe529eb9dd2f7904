package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// clockTime matches a time of day (hh:mm, with or without seconds).
var clockTime = regexp.MustCompile(`\d\d:\d\d(:\d\d)?`)

// TestPublicOutputsGiveEditorsActivityToTheDayOnly records an event at
// 14:37:21 and reads every public output: none may show a time of day
// other than midnight (Atom and RFC 3339 need one), nor the moment itself
// in any form.
func TestPublicOutputsGiveEditorsActivityToTheDayOnly(t *testing.T) {
	st, clock := storetest.OpenSeeded(t)
	clock.Advance(2*time.Hour + 37*time.Minute + 21*time.Second) // 14:37:21 UTC
	at := clock.Now()
	_, err := st.RecordEvent(context.Background(), store.NewEvent{Event: access.Event{
		CountryCode: "NER", OrgSlug: "icrc", Date: access.MustParseDate("2026-02-20"), Type: access.EventOrganisationStatement,
		Sources: []access.Source{{Publisher: "ICRC", URL: "https://icrc.example.org/s", Type: access.SourceOrganisation}},
	}, ExpectedVersion: store.AnyVersion, Actor: "editor"})
	if err != nil {
		t.Fatal(err)
	}
	srv := newServerFor(t, st)
	forbidden := []string{at.Format(time.RFC3339), strconv.FormatInt(at.Unix(), 10), at.Format("15:04"), "14:37"}
	for _, path := range []string{
		"/", "/map", "/countries", "/countries/NER", "/countries/NER/orgs/icrc", "/orgs", "/orgs/icrc",
		"/changes", "/changes.atom", "/badge/NER/icrc.svg", "/about", "/data",
		"/api/v1/countries", "/api/v1/countries/NER", "/api/v1/countries/NER/orgs/icrc", "/api/v1/orgs", "/api/v1/orgs/icrc",
		"/api/v1/records", "/api/v1/records?country=NER", "/api/v1/events", "/api/v1/events?country=NER",
		"/export/records.csv", "/export/events.csv",
	} {
		rec := get(t, srv, path)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: %d", path, rec.Code)
			continue
		}
		body := rec.Body.String()
		for _, f := range forbidden {
			if strings.Contains(body, f) {
				t.Errorf("%s shows the moment an editor worked (%q)", path, f)
			}
		}
		for _, m := range clockTime.FindAllStringIndex(body, -1) {
			s := body[m[0]:m[1]]
			if s != "00:00:00" || m[0] == 0 || body[m[0]-1] != 'T' {
				t.Errorf("%s shows a time of day: %q in %q", path, s, body[max(0, m[0]-30):min(len(body), m[1]+10)])
			}
		}
	}
	// The event appears (the test looks at outputs that hold it).
	if !strings.Contains(get(t, srv, "/api/v1/events?country=NER").Body.String(), at.Format("2006-01-02")+"T00:00:00Z") {
		t.Error("the event's recording day is not in the API")
	}
}

package dataset

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/data"
	"github.com/accesswatch/accesswatch/internal/access"
)

var now = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func seed(t *testing.T) []EventRow {
	t.Helper()
	raw, err := data.SeedEvents()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ReadEvents(bytes.NewReader(raw), now, 0)
	if err != nil {
		t.Fatalf("bundled seed does not read: %v", describe(err))
	}
	return rows
}

func describe(err error) string {
	var ie *ImportError
	if !errors.As(err, &ie) {
		return err.Error()
	}
	var b strings.Builder
	for _, e := range ie.Errors {
		b.WriteString(strings.Join([]string{e.Column, e.Problem.Field, e.Problem.Code, e.Detail}, "/") + "\n")
	}
	return b.String()
}

func TestReadSeed(t *testing.T) {
	rows := seed(t)
	if len(rows) != 148 {
		t.Fatalf("%d rows", len(rows))
	}
	if first := rows[0]; first.Line != 3 || first.Event.CountryCode != "AFG" || !first.Event.ClassLevel() {
		t.Errorf("first row = %+v", first)
	}
	var closed, schools, deadline *EventRow
	for i := range rows {
		e := rows[i].Event
		switch {
		case e.OrgSlug == "icrc" && e.CountryCode == "NER" && e.Type == access.EventPresenceRecorded:
			if e.PresenceSince != 1990 || rows[i].Org.Type != access.OrgRedCross {
				t.Errorf("ICRC in Niger since %d (%s)", e.PresenceSince, rows[i].Org.Type)
			}
		case e.OrgSlug == "icrc" && e.CountryCode == "NER" && e.Type == access.EventOfficesClosed:
			closed = &rows[i]
		case e.OrgSlug == "unrwa" && e.Date.ISO() == "2025-05-08":
			schools = &rows[i]
		case e.OrgSlug == "msf" && e.CountryCode == "PSE" && e.Date.ISO() == "2026-01-01":
			deadline = &rows[i]
		}
	}
	// Students of closed schools are people affected, not UNRWA's reach.
	if schools == nil || schools.Event.Reach != nil || schools.Event.PeopleAffected == nil || *schools.Event.PeopleAffected != 800 {
		t.Errorf("UNRWA schools closed: %+v", schools)
	}
	if deadline == nil || deadline.Event.Until.ISO() != "2026-03-01" {
		t.Errorf("MSF in Palestine, deadline: %+v", deadline)
	}
	if closed == nil || closed.Event.Reach == nil || closed.Event.Reach.People != 2_000_000 || len(closed.Event.Sources) != 1 {
		t.Fatalf("ICRC offices closed: %+v", closed)
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	rows := seed(t)
	// Give one event several sources, some fields empty, to exercise joining.
	rows[1].Event.Sources = []access.Source{
		{Publisher: "A, with a comma", URL: "https://a.example/1", Type: access.SourceNews},
		{Publisher: "B \"quoted\"", URL: "https://b.example/2", Title: "Second", Date: access.MustParseDate("2025-02"), Type: access.SourceNews},
		{Type: access.SourceInternalReport},
	}
	rows[1].Event.Description = "two\nlines"
	for _, hxl := range []bool{true, false} {
		var buf bytes.Buffer
		if err := WriteEvents(&buf, rows, hxl); err != nil {
			t.Fatal(err)
		}
		back, err := ReadEvents(bytes.NewReader(buf.Bytes()), now, 0)
		if err != nil {
			t.Fatalf("hxl=%v: %s", hxl, describe(err))
		}
		var again bytes.Buffer
		if err := WriteEvents(&again, back, hxl); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), again.Bytes()) {
			t.Errorf("hxl=%v: write → read → write differs", hxl)
		}
		if got := back[1].Event.Sources; len(got) != 3 || got[1].Title != "Second" || got[2].Type != access.SourceInternalReport || got[0].Publisher != "A, with a comma" {
			t.Errorf("sources after round trip: %+v", got)
		}
		if !strings.HasSuffix(buf.String(), "\r\n") {
			t.Error("lines must end in CRLF (RFC 4180)")
		}
	}
}

func TestReadEventsReportsEveryProblem(t *testing.T) {
	in := strings.Join([]string{
		"country_code,org_slug,org_name,org_type,date,event_type,status_after,people,people_basis,source_publisher,source_url",
		"#country+code,#org+code,#org+name,#org+type,#date,#event+type,#status,#reached,#reached+basis,#meta+source,#meta+url",
		"NER,icrc,ICRC,red_cross_red_crescent,2025-06-05,offices_closed,expelled,2000000,cumulative,AP,https://a.example/",
		"NER,icrc,ICRC,red_cross_red_crescent,2025-13-01,offices_closed,expelled,,,AP,https://a.example/",
		"ner,acted,Acted,ingo,2024-11-12,authorisation_withdrawn,closed,lots,cumulative,AP,javascript:alert(1)",
		"MLI,,,,2022-11-21,class_ban_announced,,,,Africanews,https://b.example/",
	}, "\n")
	_, err := ReadEvents(strings.NewReader(in), now, 0)
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v", err)
	}
	want := map[string]bool{"4/date/E": true, "5/country_code/A": true, "5/status_after/G": true, "5/people/H": true, "5/source_url/K": true}
	got := map[string]bool{}
	for _, e := range ie.Errors {
		got[strings.Join([]string{strconv.Itoa(e.Line), e.Column, e.ColumnLetter()}, "/")] = true
	}
	for k := range want {
		if !got[k] {
			t.Errorf("missing problem %s; got %v", k, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %v, want exactly %v", got, want)
	}
}

func TestReadEventsRejectsBadFiles(t *testing.T) {
	for name, in := range map[string]string{
		"empty":           "",
		"unknown column":  "country_code,date,event_type,source_url,colour\n",
		"missing column":  "country_code,date,event_type\n",
		"duplicate":       "country_code,date,date,event_type,source_url\n",
		"bad quoting":     "country_code,date,event_type,source_url\nNER,\"2025,x\n",
		"ragged":          "country_code,date,event_type,source_url\nNER,2025\n",
		"source mismatch": "country_code,date,event_type,source_url,source_publisher\nMLI,2022,class_ban_announced,\"https://a.example/\nhttps://b.example/\",one\n",
	} {
		if _, err := ReadEvents(strings.NewReader(in), now, 0); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	many := "country_code,date,event_type,source_url,source_publisher\n" + strings.Repeat("MLI,2022,class_ban_announced,https://a.example/,A\n", 3)
	if _, err := ReadEvents(strings.NewReader(many), now, 2); !errors.Is(err, ErrTooManyRows) {
		t.Errorf("row limit: %v", err)
	}
}

func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{1: "A", 26: "Z", 27: "AA", 52: "AZ", 53: "BA"} {
		if got := (RowError{Index: i}).ColumnLetter(); got != want {
			t.Errorf("%d → %s, want %s", i, got, want)
		}
	}
}

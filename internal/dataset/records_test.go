package dataset

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

func TestWriteRecordsWithHXL(t *testing.T) {
	icrc := RecordRow{
		Record: access.Record{
			CountryCode: "NER", OrgSlug: "icrc",
			RecordState: access.RecordState{
				Status: access.StatusExpelled, StatusSince: access.MustParseDate("2025-06-05"), StatusInitiatedBy: access.InitiatedByAuthority,
				PresenceSince: 1990, Reach: &access.Reach{People: 2_000_000, Basis: access.ReachCumulative},
				ReachDate: access.MustParseDate("2025-06-05"), LastReviewed: access.MustParseDate("2025-06"),
			},
			Summary:   "Expelled, \"after 35 years\"",
			UpdatedAt: time.Date(2026, 3, 1, 12, 0, 0, 123, time.FixedZone("x", 3600)),
		},
		Org:         access.Org{Slug: "icrc", Name: "International Committee of the Red Cross", Acronym: "ICRC", Type: access.OrgRedCross},
		CountryName: "Niger", Region: "Africa",
		StatusSources: []access.Source{
			{Publisher: "AP", URL: "https://a.example.org/1", Type: access.SourceNews},
			{Publisher: "ICRC", URL: "https://b.example.org/2", Title: "Statement", Type: access.SourceOrganisation},
		},
	}
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	icrc.Now = now
	icrc.Record.LatestEvent = access.MustParseDate("2025-06-05")
	unknown := RecordRow{Record: access.Record{CountryCode: "MLI", OrgSlug: "x", RecordState: access.RecordState{Status: access.StatusUnknown}},
		Org: access.Org{Slug: "x", Name: "X", Type: access.OrgINGO}, CountryName: "Mali", Region: "Africa", Now: now}
	// (ICRC: last confirmed June 2025, more than a year before now: due for review.)
	// A three-month suspension whose end passed with no later event.
	ended := RecordRow{Record: access.Record{CountryCode: "ETH", OrgSlug: "y", RecordState: access.RecordState{
		Status: access.StatusSuspended, StatusInitiatedBy: access.InitiatedByAuthority, StatusSince: access.MustParseDate("2021-08-04"),
		Reach: &access.Reach{People: 5000, Basis: access.ReachAnnual}, StatusUntil: access.MustParseDate("2021-11-04"),
		StatusUntilKind: access.UntilEnds, LatestEvent: access.MustParseDate("2021-08-04"),
	}}, Org: access.Org{Slug: "y", Name: "Y", Type: access.OrgINGO}, CountryName: "Ethiopia", Region: "Africa", Now: now}
	var buf bytes.Buffer
	if err := WriteRecords(&buf, []RecordRow{icrc, unknown, ended}, true); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(buf.String(), "\r\n") {
		t.Error("lines must end in CRLF")
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 {
		t.Fatalf("%d lines, want header, HXL and three rows", len(recs))
	}
	cell := func(row int, name string) string {
		for i, h := range recs[0] {
			if h == name {
				return recs[row][i]
			}
		}
		t.Fatalf("no column %s", name)
		return ""
	}
	// The hashtags an HDX user looks for.
	tags := strings.Join(recs[1], " ")
	for _, tag := range []string{"#org+name", "#org+acronym", "#org+type", "#country+code", "#status", "#date", "#reached", "#meta+source", "#meta+url",
		"#status+review+due", "#date+latest", "#date+end", "#date+end+type", "#status+ended+unconfirmed", "#status+deadline+passed"} {
		if !strings.Contains(" "+tags+" ", " "+tag+" ") {
			t.Errorf("no %s in the HXL row", tag)
		}
	}
	for name, want := range map[string]string{
		"country_code": "NER", "org_acronym": "ICRC", "status": "expelled", "flagged": "true", "status_since": "2025-06-05",
		"status_since_precision": "day", "people_reached": "2000000", "people_lost": "2000000", "people_basis": "cumulative",
		"presence_since": "1990", "last_reviewed": "2025-06", "summary": `Expelled, "after 35 years"`,
		"source_publisher": "AP\nICRC", "source_title": "\nStatement", "source_date": "", "updated_at": "2026-03-01T00:00:00Z",
		"due_for_review": "true", "latest_event": "2025-06-05", "status_until": "", "status_until_kind": "",
		"ended_unconfirmed": "false", "deadline_passed": "false",
	} {
		if got := cell(2, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	for name, want := range map[string]string{"status": "unknown", "flagged": "false", "people_reached": "", "people_lost": "", "status_since": "", "updated_at": "", "source_url": ""} {
		if got := cell(3, name); got != want {
			t.Errorf("unknown record: %s = %q, want %q", name, got, want)
		}
	}
	for name, want := range map[string]string{"status": "suspended", "flagged": "false", "people_reached": "5000", "people_lost": "0",
		"due_for_review": "true", "latest_event": "2021-08-04", "status_until": "2021-11-04", "status_until_kind": "end",
		"ended_unconfirmed": "true", "deadline_passed": "false"} {
		if got := cell(4, name); got != want {
			t.Errorf("ended suspension: %s = %q, want %q", name, got, want)
		}
	}
	if got := recs[0][len(recs[0])-1]; got != "deadline_passed" || recs[0][len(RecordColumns)-7] != "updated_at" {
		t.Errorf("the new columns are not appended after updated_at: %v", recs[0])
	}
	var plain bytes.Buffer
	if err := WriteRecords(&plain, nil, false); err != nil || strings.Count(plain.String(), "\r\n") != 1 || strings.Contains(plain.String(), "#") {
		t.Errorf("without HXL: %q %v", plain.String(), err)
	}
}

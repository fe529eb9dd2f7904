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
	unknown := RecordRow{Record: access.Record{CountryCode: "MLI", OrgSlug: "x", RecordState: access.RecordState{Status: access.StatusUnknown}},
		Org: access.Org{Slug: "x", Name: "X", Type: access.OrgINGO}, CountryName: "Mali", Region: "Africa"}
	var buf bytes.Buffer
	if err := WriteRecords(&buf, []RecordRow{icrc, unknown}, true); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(buf.String(), "\r\n") {
		t.Error("lines must end in CRLF")
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 {
		t.Fatalf("%d lines, want header, HXL and two rows", len(recs))
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
	for _, tag := range []string{"#org+name", "#org+acronym", "#org+type", "#country+code", "#status", "#date", "#reached", "#meta+source", "#meta+url"} {
		if !strings.Contains(" "+tags+" ", " "+tag+" ") {
			t.Errorf("no %s in the HXL row", tag)
		}
	}
	for name, want := range map[string]string{
		"country_code": "NER", "org_acronym": "ICRC", "status": "expelled", "flagged": "true", "status_since": "2025-06-05",
		"status_since_precision": "day", "people_reached": "2000000", "people_lost": "2000000", "people_basis": "cumulative",
		"presence_since": "1990", "last_reviewed": "2025-06", "summary": `Expelled, "after 35 years"`,
		"source_publisher": "AP\nICRC", "source_title": "\nStatement", "source_date": "", "updated_at": "2026-03-01T00:00:00Z",
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
	var plain bytes.Buffer
	if err := WriteRecords(&plain, nil, false); err != nil || strings.Count(plain.String(), "\r\n") != 1 || strings.Contains(plain.String(), "#") {
		t.Errorf("without HXL: %q %v", plain.String(), err)
	}
}

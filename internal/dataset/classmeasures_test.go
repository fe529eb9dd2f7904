package dataset

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
)

func TestWriteClassMeasures(t *testing.T) {
	ban := access.Event{ID: 41, CountryCode: "MLI", Date: access.MustParseDate("2022-11-21"), Type: access.EventClassBanAnnounced,
		Authority: "@Transitional government", Description: "=HYPERLINK(\"x\") ban on French-funded NGOs",
		Until: access.MustParseDate("2026-03-01"), Sources: []access.Source{{Publisher: "RFI", URL: "https://a.example.org/1"}}}
	lift := access.Event{ID: 52}
	rows := []ClassMeasureRow{
		{Event: ban, CountryName: "Mali", InForce: true,
			Measure: access.ClassMeasure{Event: ban, Status: access.StatusRestricted, Eased: &lift, DeadlinePassed: true}},
		{Event: access.Event{ID: 7, CountryCode: "NER", Date: access.MustParseDate("2023"), Type: access.EventSuspensionOrdered,
			Correction: &access.Correction{Kind: access.Retracted}}, CountryName: "Niger",
			Measure: access.ClassMeasure{Status: access.StatusSuspended}},
	}
	var buf bytes.Buffer
	if err := WriteClassMeasures(&buf, rows, true); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || len(recs[1]) != len(ClassMeasureColumns) || recs[1][0] != "#country+code" {
		t.Fatalf("%d lines, HXL row %v", len(recs), recs[1])
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
	for name, want := range map[string]string{
		"country_code": "MLI", "event_id": "41", "date": "2022-11-21", "date_precision": "day", "event_type": "class_ban_announced",
		"status": "restricted", "in_force": "true", "authority": "'@Transitional government",
		"description": "'=HYPERLINK(\"x\") ban on French-funded NGOs", "until": "2026-03-01", "until_kind": "deadline",
		"deadline_passed": "true", "eased_by": "52", "correction": "", "source_publisher": "RFI",
	} {
		if got := cell(2, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	for name, want := range map[string]string{"in_force": "false", "correction": "retracted", "until": "", "until_kind": "",
		"eased_by": "", "date_precision": "year", "status": "suspended"} {
		if got := cell(3, name); got != want {
			t.Errorf("retracted: %s = %q, want %q", name, got, want)
		}
	}
}

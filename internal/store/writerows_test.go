package store

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
)

// The write path computes the record after an event instead of reading it
// back; what it returns must be exactly what a read gives.
func TestRecordEventReturnsTheRecordAsStored(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, clock := openSeededOn(t, eng)
		ctx := context.Background()
		acted, err := s.Record(ctx, "NER", "acted")
		if err != nil {
			t.Fatal(err)
		}
		withReach := newEvent(acted.Version)
		withReach.Event.Reach = &access.Reach{People: 12345, Basis: access.ReachAnnual, Period: "2025"}
		newOrg := newEvent(0)
		newOrg.Event.OrgSlug, newOrg.Event.CountryCode = "fresh-ngo", "MLI"
		newOrg.Org = &access.Org{Name: "Fresh NGO", Acronym: "FN", Type: access.OrgNationalNGO, Website: "https://fresh.example"}
		existingOrgNewCountry := newEvent(0)
		existingOrgNewCountry.Event.CountryCode = "TCD"
		monthOnly := newEvent(AnyVersion)
		monthOnly.Event.Date = access.MustParseDate("2026-01")
		monthOnly.Event.StatusAfter, monthOnly.Event.Type = "", access.EventOrganisationStatement

		for _, c := range []struct {
			name string
			in   NewEvent
		}{{"reach", withReach}, {"new org", newOrg}, {"existing org, new country", existingOrgNewCountry},
			{"month precision, no status", monthOnly}} {
			name, in := c.name, c.in
			clock.Advance(1234567) // a clock reading finer than a microsecond
			res, err := s.RecordEvent(ctx, in)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			read, err := s.Record(ctx, in.Event.CountryCode, in.Event.OrgSlug)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !reflect.DeepEqual(*res.Record, read) {
				t.Errorf("%s: returned\n%+v\nread back\n%+v", name, *res.Record, read)
			}
		}
	})
}

// The audit values are a struct for speed; their JSON must stay what the
// map they replaced encoded to, since the audit log already holds such rows.
func TestRecordAuditJSONKeepsItsShape(t *testing.T) {
	r := access.RecordView{Record: access.Record{Version: 3, RecordState: access.RecordState{Status: access.StatusBanned,
		StatusSince: access.MustParseDate("2024-11-12"), StatusInitiatedBy: access.InitiatedByAuthority,
		LastReviewed: access.MustParseDate("2025-01"), Reach: &access.Reach{People: 0, Basis: access.ReachAnnual}}}}
	for _, eventID := range []int64{0, 42} {
		want := map[string]any{"status": r.Status, "status_since": r.StatusSince.ISO(), "initiated_by": r.StatusInitiatedBy,
			"version": r.Version, "last_reviewed": r.LastReviewed.ISO(), "reach": r.Reach.People, "reach_basis": r.Reach.Basis}
		if eventID != 0 {
			want["event_id"] = eventID
		}
		got, _ := json.Marshal(recordAudit(r, eventID))
		wantJSON, _ := json.Marshal(want)
		if string(got) != string(wantJSON) {
			t.Errorf("event %d: audit JSON\n%s\nwant\n%s", eventID, got, wantJSON)
		}
	}
	r.Reach = nil
	got, _ := json.Marshal(recordAudit(r, 0))
	if want := `{"initiated_by":"authority","last_reviewed":"2025-01","status":"banned","status_since":"2024-11-12","version":3}`; string(got) != want {
		t.Errorf("without reach: %s", got)
	}
}

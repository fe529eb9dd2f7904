package access

import "testing"

func TestPresenceEndsOnlyWithLeaving(t *testing.T) {
	since := MustParseDate("2025-06-05")
	cases := []struct {
		name       string
		s          RecordState
		until, yrs int
	}{
		{"no presence year", RecordState{Status: StatusExpelled, StatusSince: since}, 0, 0},
		{"operating", RecordState{Status: StatusOperating, PresenceSince: 1990, StatusSince: since}, 0, 36},
		{"expelled", RecordState{Status: StatusExpelled, PresenceSince: 1990, StatusSince: since}, 2025, 35},
		{"banned", RecordState{Status: StatusBanned, PresenceSince: 2000, StatusSince: since}, 2025, 25},
		{"withdrawn", RecordState{Status: StatusWithdrawn, PresenceSince: 2020, StatusSince: since}, 2025, 5},
		{"withdrawn, no date", RecordState{Status: StatusWithdrawn, PresenceSince: 2020}, 0, 6},
		{"ordered to leave", RecordState{Status: StatusOrderedToLeave, PresenceSince: 1990, StatusSince: since}, 0, 36},
		{"suspended", RecordState{Status: StatusSuspended, PresenceSince: 1990, StatusSince: since}, 0, 36},
		{"present from a later year", RecordState{Status: StatusOperating, PresenceSince: 2030}, 0, 0},
	}
	for _, c := range cases {
		until, yrs := c.s.Presence(2026)
		if until != c.until || yrs != c.yrs {
			t.Errorf("%s: Presence(2026) = %d, %d; want %d, %d", c.name, until, yrs, c.until, c.yrs)
		}
	}
}

func recordIn(country, name, slug string, s Status, by InitiatedBy) RecordView {
	v := RecordView{CountryName: name}
	v.CountryCode, v.OrgSlug, v.Status, v.StatusInitiatedBy = country, slug, s, by
	return v
}

func TestWorstByCountryIsFlaggedFirstThenMostSevere(t *testing.T) {
	auth, own := InitiatedByAuthority, InitiatedByOrganisation
	got := WorstByCountry([]RecordView{
		recordIn("NER", "Niger", "a", StatusWithdrawn, own),
		recordIn("NER", "Niger", "b", StatusBanned, auth),
		recordIn("NER", "Niger", "c", StatusExpelled, auth),
		recordIn("MLI", "Mali", "a", StatusOperating, ""),
		recordIn("MLI", "Mali", "b", StatusSuspended, own), // not flagged
		recordIn("SDN", "Sudan", "a", StatusWithdrawn, own),
		recordIn("SDN", "Sudan", "b", StatusSuspended, auth), // flagged: outranks withdrawn
		recordIn("BFA", "Burkina Faso", "a", StatusUnknown, ""),
		recordIn("BFA", "Burkina Faso", "b", StatusRestricted, auth),
	})
	type row struct {
		code             string
		worst            Status
		flagged, records int
	}
	want := []row{ // most alarming first
		{"NER", StatusExpelled, 2, 3},
		{"SDN", StatusSuspended, 1, 2},
		{"BFA", StatusUnknown, 0, 2},
		{"MLI", StatusSuspended, 0, 2},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d countries: %+v", len(got), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Code != w.code || g.Worst.Status != w.worst || g.Flagged != w.flagged || g.Records != w.records {
			t.Errorf("row %d = %s %s flagged %d of %d, want %+v", i, g.Code, g.Worst.Status, g.Flagged, g.Records, w)
		}
	}
	if !got[1].Worst.Flagged() || got[3].Worst.Flagged() {
		t.Error("Sudan's suspension is the authorities' (flagged), Mali's its own (not)")
	}
}

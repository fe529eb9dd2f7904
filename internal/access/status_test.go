package access

import "testing"

func TestStatusRules(t *testing.T) {
	tests := []struct {
		status        Status
		by            InitiatedBy
		flagged, lost bool
	}{
		{StatusOperating, "", false, false},
		{StatusRestricted, InitiatedByAuthority, false, false},
		{StatusSuspended, InitiatedByAuthority, true, true},
		{StatusSuspended, InitiatedByOrganisation, false, true},
		{StatusSuspended, "", false, true},
		{StatusBanned, InitiatedByAuthority, true, true},
		{StatusOrderedToLeave, InitiatedByAuthority, true, true},
		{StatusExpelled, InitiatedByAuthority, true, true},
		{StatusExpelled, "", true, true},
		{StatusWithdrawn, InitiatedByOrganisation, false, true},
		{StatusUnknown, "", false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.status)+"/"+string(tt.by), func(t *testing.T) {
			if got := tt.status.Flagged(tt.by); got != tt.flagged {
				t.Errorf("Flagged = %v, want %v", got, tt.flagged)
			}
			if got := tt.status.ReachLost(); got != tt.lost {
				t.Errorf("ReachLost = %v, want %v", got, tt.lost)
			}
		})
	}
}

func TestStatusSeverity(t *testing.T) {
	order := []Status{StatusOperating, StatusRestricted, StatusSuspended, StatusBanned, StatusOrderedToLeave, StatusExpelled, StatusWithdrawn, StatusUnknown}
	for i := 1; i < len(order); i++ {
		if order[i-1].Severity() >= order[i].Severity() {
			t.Errorf("%s should rank below %s", order[i-1], order[i])
		}
	}
	if Status("closed").Valid() || Status("").Valid() {
		t.Error("unknown codes must not be valid statuses")
	}
	for _, s := range FlaggedStatuses {
		if !s.Flagged(InitiatedByAuthority) {
			t.Errorf("%s is listed as flaggable but is not flagged", s)
		}
	}
}

func TestVocabularies(t *testing.T) {
	if !EventOfficesClosed.Valid() || EventType("party").Valid() {
		t.Error("event types")
	}
	if len(ConstraintCategories) != 9 {
		t.Errorf("the access framework has nine constraint categories, got %d", len(ConstraintCategories))
	}
	if !OrgRedCross.Valid() || OrgType("ngo").Valid() {
		t.Error("org types")
	}
	if !ReachCumulative.Valid() || ReachBasis("total").Valid() {
		t.Error("reach bases")
	}
	if (Org{Name: "Action Contre la Faim"}).Label() != "Action Contre la Faim" || (Org{Name: "x", Acronym: "ACF"}).Label() != "ACF" {
		t.Error("org label")
	}
}

package access

import (
	"testing"
	"time"
)

func TestStatusFitsType(t *testing.T) {
	cases := []struct {
		t    EventType
		st   Status
		want bool
	}{
		{EventReviewed, StatusExpelled, false},
		{EventReviewed, StatusOperating, false},
		{EventReviewed, "", true},
		{EventOperationsResumed, StatusOperating, true},
		{EventOperationsResumed, StatusRestricted, true},
		{EventResumptionAuthorised, StatusBanned, false},
		{EventOrderToLeaveIssued, StatusOrderedToLeave, true},
		{EventOrderToLeaveIssued, StatusOperating, false},
		{EventSuspensionOrdered, StatusSuspended, true},
		{EventStaffKilledInjured, StatusWithdrawn, true},
		{EventStaffKilledInjured, StatusExpelled, false},
		{EventOther, StatusExpelled, true},
	}
	for _, c := range cases {
		if got := StatusFitsType(c.t, c.st); got != c.want {
			t.Errorf("StatusFitsType(%s, %s) = %v, want %v", c.t, c.st, got, c.want)
		}
	}
}

// Every lifting event refuses every flagged status, every type is in the
// table, and the table names only real statuses.
func TestTypeStatusTable(t *testing.T) {
	for _, et := range EventTypes {
		if _, ok := typeStatuses[et]; !ok {
			t.Errorf("event type %s is missing from the table", et)
		}
		for _, st := range StatusesFor(et) {
			if !st.Valid() {
				t.Errorf("%s allows unknown status %q", et, st)
			}
		}
	}
	for _, et := range []EventType{EventOperationsResumed, EventResumptionAuthorised} {
		for _, st := range FlaggedStatuses {
			if StatusFitsType(et, st) {
				t.Errorf("%s may set the flagged status %s", et, st)
			}
		}
	}
	if len(StatusesFor(EventReviewed)) != 0 {
		t.Errorf("a review may set %v", StatusesFor(EventReviewed))
	}
}

func TestValidateRefusesStatusForType(t *testing.T) {
	now := time.Date(2026, 12, 6, 11, 0, 0, 0, time.UTC)
	ev := Event{CountryCode: "NER", OrgSlug: "icrc", Type: EventReviewed, StatusAfter: StatusExpelled,
		Date: DayOf(now), Sources: []Source{{Type: SourceInternalReport}}}
	errs, _ := AsErrors(ev.Validate(now))
	if fe, ok := errs.Field("status"); !ok || fe.Code != CodeStatusForType {
		t.Fatalf("reviewed → expelled: problems %v, want status %s", errs, CodeStatusForType)
	}
	ev.StatusAfter = ""
	if err := ev.Validate(now); err != nil {
		t.Fatalf("reviewed, unchanged: %v", err)
	}
}

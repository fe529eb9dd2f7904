package access

import (
	"testing"
	"time"
)

// FigureSources picks, for each figure Fold derives, an event that gives
// exactly that figure.
func TestFigureSourcesAgreeWithFold(t *testing.T) {
	day := func(y int, m time.Month, d int) Date { return Date{Year: y, Month: m, Day: d, Precision: PrecisionDay} }
	reach := func(n int64) *Reach { return &Reach{People: n, Basis: ReachAnnual} }
	events := []Event{
		{ID: 1, Date: Date{Year: 1990, Precision: PrecisionYear}, Type: EventPresenceRecorded, StatusAfter: StatusOperating},
		{ID: 2, Date: day(2024, 11, 12), Type: EventAuthorisationWithdrawn, StatusAfter: StatusBanned, Reach: reach(5)},
		{ID: 3, Date: day(2024, 1, 1), Type: EventOrganisationStatement, Reach: reach(7), PresenceSince: 1985},
		{ID: 4, Date: day(2025, 1, 31), Type: EventOrderToLeaveIssued, StatusAfter: StatusOrderedToLeave},
		{ID: 5, Date: day(2025, 6, 5), Type: EventReviewed},
		{ID: 6, Date: day(2025, 7, 1), Type: EventReviewed, Verification: Pending},
		{ID: 7, Date: day(2025, 8, 1), Type: EventStaffDeparted, StatusAfter: StatusExpelled, Correction: &Correction{Kind: Retracted}},
	}
	byID := map[int64]Event{}
	for _, e := range events {
		byID[e.ID] = e
	}
	st := Fold(events)
	f := FigureSources(events)
	if want := (FigureEvents{Status: 4, Reach: 2, Presence: 3, Reviewed: 5, Latest: 6}); f != want {
		t.Errorf("figure sources %+v, want %+v", f, want)
	}
	if byID[f.Status].Date != st.StatusSince || byID[f.Status].StatusAfter != st.Status {
		t.Errorf("status from event %d, Fold says %s since %v", f.Status, st.Status, st.StatusSince)
	}
	if byID[f.Reach].Date != st.ReachDate || byID[f.Reach].Reach.People != st.Reach.People {
		t.Errorf("reach from event %d, Fold says %+v on %v", f.Reach, st.Reach, st.ReachDate)
	}
	if presenceYear(byID[f.Presence]) != st.PresenceSince {
		t.Errorf("presence from event %d, Fold says %d", f.Presence, st.PresenceSince)
	}
	if byID[f.Reviewed].Date != st.LastReviewed || byID[f.Latest].Date != st.LatestEvent {
		t.Errorf("reviewed %d, latest %d; Fold says %v, %v", f.Reviewed, f.Latest, st.LastReviewed, st.LatestEvent)
	}
	if (FigureSources(nil) != FigureEvents{}) {
		t.Error("no events, yet figure sources")
	}
}

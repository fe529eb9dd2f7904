package access

import (
	"cmp"
	"slices"
)

// Fold derives a record's state from its events, whatever order they were
// entered in: events are taken in date order (entry order, by ID, breaking
// ties), the latest status-changing event sets the status (and the end or
// deadline it states), the latest reported reach figure sets the reach
// (people affected by an event never do), and the earliest reported presence
// year sets when the presence began. Retracted and superseded events count
// for nothing. A record no event gives a status to is unknown, never
// operating. A record is due for review while the event behind its status
// awaits verification, until a later confirmed review. LastReviewed is the
// date of the last editor's review (a reviewed event), zero when there was
// none; LatestEvent is the date of the latest event.
func Fold(events []Event) RecordState {
	sorted := countingInOrder(events)

	st := RecordState{Status: StatusUnknown}
	for _, e := range sorted {
		if e.StatusAfter != "" {
			st.Status = e.StatusAfter
			st.StatusSince = e.Date
			st.StatusInitiatedBy = e.InitiatedBy
			st.StatusEventID = e.ID
			st.ReviewDue = e.Verification == Pending
			st.StatusUntil, st.StatusUntilKind = e.Until, ""
			if !e.Until.IsZero() {
				st.StatusUntilKind = UntilKindOf(e.Type)
			}
		}
		if e.Type == EventReviewed && e.Verification != Pending {
			// An editor confirmed the record as it stands: the status is
			// no longer an unverified claim.
			st.ReviewDue = false
			st.LastReviewed = e.Date
		}
		if e.Reach != nil {
			r := *e.Reach
			st.Reach, st.ReachDate = &r, e.Date
		}
		if y := presenceYear(e); y != 0 && (st.PresenceSince == 0 || y < st.PresenceSince) {
			st.PresenceSince = y
		}
		st.LatestEvent = e.Date
	}
	return st
}

// presenceYear is the year an event says the presence began: stated
// explicitly, or implied by the date of a presence_recorded event.
func presenceYear(e Event) int {
	if e.PresenceSince != 0 {
		return e.PresenceSince
	}
	if e.Type == EventPresenceRecorded {
		return e.Date.Year
	}
	return 0
}

// countingInOrder is the events that count (not retracted or superseded)
// in the order Fold reads them: by date, the ID breaking ties. Fold and
// FigureSources share it, so a figure's source is the event Fold took it
// from.
func countingInOrder(events []Event) []Event {
	sorted := make([]Event, 0, len(events))
	for _, e := range events {
		if e.Counts() {
			sorted = append(sorted, e)
		}
	}
	slices.SortStableFunc(sorted, func(a, b Event) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return sorted
}

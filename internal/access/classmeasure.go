package access

import (
	"slices"
	"time"
)

// ClassMeasureStatus returns the status a class-level event imposes on its
// class of organisations: the status it states, or the one its type
// implies (a class ban or a denied registration bans, a withdrawn
// authorisation bans, a suspension suspends, an order to leave orders out,
// a restriction restricts). The second result is false for a class-level
// event that is not a measure (a statement, an accusation) and for a
// lifting event (see ClassMeasuresInForce).
func ClassMeasureStatus(e Event) (Status, bool) {
	var implied Status
	switch e.Type {
	case EventClassBanAnnounced, EventRegistrationDenied, EventAuthorisationWithdrawn:
		implied = StatusBanned
	case EventSuspensionOrdered:
		implied = StatusSuspended
	case EventOrderToLeaveIssued:
		implied = StatusOrderedToLeave
	case EventRestrictionImposed:
		implied = StatusRestricted
	default:
		return "", false
	}
	if e.StatusAfter != "" {
		return e.StatusAfter, true
	}
	return implied, true
}

// lifts reports whether a class-level event lifts or eases a measure.
func lifts(e Event) bool {
	return e.Type == EventResumptionAuthorised || e.Type == EventOperationsResumed
}

// ClassMeasure is a measure against a class of organisations, with the
// status it imposes now.
type ClassMeasure struct {
	Event  Event  // the event that imposed the measure (or last changed it)
	Status Status // the status it imposes on its class
	// Eased is the event that eased the measure to Status (a court's freeze
	// of a ban); nil when none did.
	Eased *Event
	// DeadlinePassed: the measure set a deadline that has passed (it stays
	// in force; the country's page asks for a review).
	DeadlinePassed bool
}

// ClassMeasuresInForce returns the class-level measures in force at now
// among events (of any countries, in any order), by country in date order.
// The rules: retracted and superseded events and events dated after now
// count for nothing; a time-limited measure (Until with UntilEnds) whose end
// has passed has ended; a deadline does not end a measure; a lifting event
// (resumption authorised, operations resumed) of the same country applies
// to the latest measure in force before it (the data does not link them, and
// the latest is the one a lift answers): it ends that measure when it
// leaves no status or "operating", and otherwise eases it to the status it
// states (a ban frozen pending review is "restricted").
func ClassMeasuresInForce(events []Event, now time.Time) []ClassMeasure {
	byCountry := map[string][]Event{}
	var countries []string
	for _, e := range events {
		if !e.ClassLevel() || !e.Counts() || e.Date.IsZero() || e.Date.After(now) {
			continue
		}
		if _, ok := byCountry[e.CountryCode]; !ok {
			countries = append(countries, e.CountryCode)
		}
		byCountry[e.CountryCode] = append(byCountry[e.CountryCode], e)
	}
	slices.Sort(countries)
	var out []ClassMeasure
	for _, c := range countries {
		evs := byCountry[c]
		slices.SortStableFunc(evs, compareEvents)
		var open []ClassMeasure
		for _, e := range evs {
			if st, ok := ClassMeasureStatus(e); ok {
				open = append(open, ClassMeasure{Event: e, Status: st})
				continue
			}
			if !lifts(e) || len(open) == 0 {
				continue
			}
			last := len(open) - 1
			if e.StatusAfter == "" || e.StatusAfter == StatusOperating {
				open = open[:last]
				continue
			}
			eased := e
			open[last].Status, open[last].Eased = e.StatusAfter, &eased
		}
		for _, m := range open {
			if m.Event.Until.IsZero() {
				out = append(out, m)
				continue
			}
			passed := !now.Before(m.Event.Until.End())
			if passed && UntilKindOf(m.Event.Type) == UntilEnds {
				continue // a time-limited measure past its stated end has ended
			}
			m.DeadlinePassed = passed
			out = append(out, m)
		}
	}
	return out
}

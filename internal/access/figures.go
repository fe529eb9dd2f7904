package access

// FigureEvents names, by ID, the events a record's figures come from, so
// that a page can link every figure to its sources: the status (and its
// date), the reach figure, the year the presence began, the last review
// and the latest event. Zero means no event gives that figure.
type FigureEvents struct {
	Status, Reach, Presence, Reviewed, Latest int64
}

// FigureSources finds the events behind the figures Fold derives from the
// same events, by Fold's rules: date order (ID breaking ties), retracted
// and superseded events counting for nothing, the latest status change,
// reach figure, confirmed review and event, and the earliest presence.
func FigureSources(events []Event) FigureEvents {
	sorted := countingInOrder(events)
	var f FigureEvents
	presence := 0
	for _, e := range sorted {
		if e.StatusAfter != "" {
			f.Status = e.ID
		}
		if e.Type == EventReviewed && e.Verification != Pending {
			f.Reviewed = e.ID
		}
		if e.Reach != nil {
			f.Reach = e.ID
		}
		if y := presenceYear(e); y != 0 && (presence == 0 || y < presence) {
			presence, f.Presence = y, e.ID
		}
		f.Latest = e.ID
	}
	return f
}

package access

import (
	"cmp"
	"slices"
	"time"
)

// LostFigure is one record's reach counted as lost, with what the figure
// counts and when it was reported.
type LostFigure struct {
	Country  string // ISO3
	Org      string // slug
	Status   Status
	Reach    Reach
	Reported Date // date of the event that reported the figure
}

// LostSummary is the reach lost over a set of records, told without adding
// figures of different bases: one sum per basis, the largest figures with
// their basis, and how many lost records have a figure and how many have
// none (unknown is not zero, so it is counted, never summed).
type LostSummary struct {
	ByBasis       map[ReachBasis]int64 // sum of the lost figures of each basis; only bases with a figure
	Largest       []LostFigure         // the largest lost figures, largest first
	WithFigure    int                  // records whose reach is lost and has a figure
	WithoutFigure int                  // records in a lost status with no reach figure reported
}

// SummariseLost sums up the reach lost at now over records: a record counts
// when its status is in the lost set and is not a time-limited measure past
// its end (see RecordState.LostReachAt). Largest keeps at most top figures
// (top <= 0: all), largest first, ties by country and organisation.
func SummariseLost(records []Record, now time.Time, top int) LostSummary {
	s := LostSummary{ByBasis: map[ReachBasis]int64{}}
	for _, r := range records {
		if !r.Status.ReachLost() || r.EndedUnconfirmed(now) {
			continue
		}
		lost := r.LostReachAt(now)
		if lost == nil {
			s.WithoutFigure++
			continue
		}
		s.WithFigure++
		s.ByBasis[lost.Basis] += lost.People
		s.Largest = append(s.Largest, LostFigure{Country: r.CountryCode, Org: r.OrgSlug, Status: r.Status, Reach: *lost, Reported: r.ReachDate})
	}
	slices.SortFunc(s.Largest, func(a, b LostFigure) int {
		if c := cmp.Compare(b.Reach.People, a.Reach.People); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Country, b.Country); c != 0 {
			return c
		}
		return cmp.Compare(a.Org, b.Org)
	})
	if top > 0 && len(s.Largest) > top {
		s.Largest = s.Largest[:top]
	}
	return s
}

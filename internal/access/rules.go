package access

import (
	"cmp"
	"slices"
	"strings"
)

// Presence works out until when an organisation was present in a country
// (0: it still is) and for how many years, as of thisYear. Expelled, banned
// and withdrawn end the presence at the status date; an order to leave or a
// suspension does not by itself. A state with no PresenceSince has neither.
func (s RecordState) Presence(thisYear int) (until, years int) {
	if s.PresenceSince == 0 {
		return 0, 0
	}
	end := thisYear
	switch s.Status {
	case StatusExpelled, StatusBanned, StatusWithdrawn:
		if !s.StatusSince.IsZero() {
			until, end = s.StatusSince.Year, s.StatusSince.Year
		}
	}
	return until, max(end-s.PresenceSince, 0)
}

// CountryWorst is what the map shows of a country: its worst current
// record state and how many records it has, flagged and in all.
type CountryWorst struct {
	Code, Name       string
	Worst            RecordState // the record state with the highest Rank
	Flagged, Records int
}

// WorstByCountry groups records by country and picks each country's worst
// current state by Rank: flagged states first, then the most severe. The
// result is ordered most alarming first (rank, flagged count, then name).
// It is the one place this rule lives; the store only supplies the rows.
func WorstByCountry(records []RecordView) []CountryWorst {
	idx := map[string]int{}
	var out []CountryWorst
	for _, r := range records {
		i, ok := idx[r.CountryCode]
		if !ok {
			i = len(out)
			idx[r.CountryCode] = i
			out = append(out, CountryWorst{Code: r.CountryCode, Name: r.CountryName, Worst: r.RecordState})
		}
		c := &out[i]
		c.Records++
		if r.Flagged() {
			c.Flagged++
		}
		if Rank(r.RecordState) > Rank(c.Worst) {
			c.Worst = r.RecordState
		}
	}
	slices.SortFunc(out, func(a, b CountryWorst) int {
		return cmp.Or(cmp.Compare(Rank(b.Worst), Rank(a.Worst)), cmp.Compare(b.Flagged, a.Flagged),
			strings.Compare(a.Name, b.Name))
	})
	return out
}

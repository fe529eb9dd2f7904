package access

import (
	"slices"
	"time"
)

// Rank orders record states by how alarming they are, for shading the map
// and for trend markers: every flagged state outranks every unflagged one
// (an authority's measure against an organisation is the news), and within
// each group the more severe status ranks higher (see Status.Severity).
// So a country with an expelled and a withdrawn organisation is shaded
// "expelled", and one with only a withdrawn and an operating one is shaded
// "withdrawn".
func Rank(s RecordState) int {
	r := s.Status.Severity()
	if s.Flagged() {
		r += len(Statuses)
	}
	return r
}

// Month is a calendar month.
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf returns the month of t (in t's location).
func MonthOf(t time.Time) Month { return Month{t.Year(), t.Month()} }

// Add returns the month n months after m (before, for negative n).
func (m Month) Add(n int) Month {
	i := m.index() + n
	return Month{Year: floorDiv(i, 12), Month: time.Month(i - floorDiv(i, 12)*12 + 1)}
}

// Since returns how many months m is after o.
func (m Month) Since(o Month) int { return m.index() - o.index() }

// Date returns m as a month-precision Date, for display.
func (m Month) Date() Date { return Date{Year: m.Year, Month: m.Month, Precision: PrecisionMonth} }

func (m Month) index() int { return m.Year*12 + int(m.Month) - 1 }

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// eventMonth is the month an event is counted in: the month its date
// starts in. A date known only to the year counts in January, as Fold
// orders it before every finer date of that year.
func eventMonth(e Event) Month { return MonthOf(e.Date.Start()) }

// MonthPoint is one month of a trend.
type MonthPoint struct {
	Month Month
	// Changes counts the events that set a record's status during the month.
	Changes int
	// Flagged counts the records flagged at the end of the month.
	Flagged int
}

// MonthlyTrend returns one point per month from first to last, inclusive,
// computed from record events (class-level measures, which change no
// record, are ignored). Changes counts status-setting events by the month
// their date starts in; Flagged folds each record's events up to the end of
// each month (with Fold, so the same rules decide as for the record itself)
// and counts the flagged records. Events need not be sorted.
func MonthlyTrend(events []Event, first, last Month) []MonthPoint {
	n := last.Since(first) + 1
	if n <= 0 {
		return nil
	}
	points := make([]MonthPoint, n)
	for i := range points {
		points[i].Month = first.Add(i)
	}
	delta := make([]int, n) // change in the flagged count at each month
	for _, evs := range byRecord(events) {
		for _, e := range evs {
			if i := eventMonth(e).Since(first); e.StatusAfter != "" && i >= 0 && i < n {
				points[i].Changes++
			}
		}
		flagged := false
		for end := 0; end < len(evs); {
			m := eventMonth(evs[end])
			for end < len(evs) && eventMonth(evs[end]) == m {
				end++
			}
			f := Fold(evs[:end]).Flagged()
			if f == flagged {
				continue
			}
			flagged = f
			i := max(m.Since(first), 0) // a change before the range sets its opening count
			if i >= n {
				break
			}
			if f {
				delta[i]++
			} else {
				delta[i]--
			}
		}
	}
	count := 0
	for i := range points {
		count += delta[i]
		points[i].Flagged = count
	}
	return points
}

// FirstMonth returns the month of the earliest record event.
func FirstMonth(events []Event) (Month, bool) {
	var first Month
	found := false
	for _, e := range events {
		if e.ClassLevel() || e.Date.IsZero() {
			continue
		}
		if m := eventMonth(e); !found || m.Since(first) < 0 {
			first, found = m, true
		}
	}
	return first, found
}

// byRecord groups record events by record, each group in Fold's order.
func byRecord(events []Event) map[[2]string][]Event {
	out := map[[2]string][]Event{}
	for _, e := range events {
		if e.ClassLevel() || e.Date.IsZero() {
			continue
		}
		k := [2]string{e.CountryCode, e.OrgSlug}
		out[k] = append(out[k], e)
	}
	for _, evs := range out {
		slices.SortStableFunc(evs, compareEvents)
	}
	return out
}

// compareEvents is Fold's order: by date, then by entry (ID).
func compareEvents(a, b Event) int {
	if c := a.Date.Compare(b.Date); c != 0 {
		return c
	}
	switch {
	case a.ID < b.ID:
		return -1
	case a.ID > b.ID:
		return 1
	}
	return 0
}

// Direction is where a country's access went over the trend period.
type Direction string

// Directions.
const (
	Deteriorated Direction = "deteriorated"
	Stable       Direction = "stable"
	Improved     Direction = "improved"
)

// TrendMonths is the period a trend marker looks back over. ACAPS'
// Humanitarian Access Overview rates each country against its previous
// edition, six months earlier; the marker does the same with this data.
const TrendMonths = 6

// CountryTrends marks every country with record events as deteriorated,
// stable or improved between TrendMonths before now and now. The rule: more
// flagged organisations now than then is deteriorated, fewer is improved;
// with as many, the country's worst record (by Rank) decides the same way
// when the country had records then; otherwise stable. A record counts from its first event: one that did not
// exist six months ago adds nothing to "then" (it is not "unknown" then).
// Events dated after now are ignored.
func CountryTrends(events []Event, now time.Time) map[string]Direction {
	nowCut := DayOf(now).End()
	thenCut := DayOf(now.AddDate(0, -TrendMonths, 0)).End()
	type tally struct{ flagged, worst int }
	at := func(evs []Event, cut time.Time) (RecordState, bool) {
		end := 0
		for end < len(evs) && evs[end].Date.Start().Before(cut) {
			end++
		}
		if end == 0 {
			return RecordState{}, false
		}
		return Fold(evs[:end]), true
	}
	nowT, thenT := map[string]tally{}, map[string]tally{}
	add := func(m map[string]tally, country string, s RecordState) {
		t, ok := m[country]
		if !ok {
			t.worst = -1
		}
		if s.Flagged() {
			t.flagged++
		}
		t.worst = max(t.worst, Rank(s))
		m[country] = t
	}
	for k, evs := range byRecord(events) {
		if s, ok := at(evs, nowCut); ok {
			add(nowT, k[0], s)
		}
		if s, ok := at(evs, thenCut); ok {
			add(thenT, k[0], s)
		}
	}
	out := make(map[string]Direction, len(nowT))
	for c, n := range nowT {
		t, ok := thenT[c]
		if !ok {
			t = tally{worst: -1}
		}
		switch {
		case n.flagged > t.flagged:
			out[c] = Deteriorated
		case n.flagged < t.flagged:
			out[c] = Improved
		case t.worst < 0:
			out[c] = Stable // no record then: nothing to compare the worst with
		case n.worst > t.worst:
			out[c] = Deteriorated
		case n.worst < t.worst:
			out[c] = Improved
		default:
			out[c] = Stable
		}
	}
	return out
}

// Yearly folds monthly points into one point per calendar year, for long
// spans: Changes are summed, Flagged is the year's last point (its end, or
// the latest month of an unfinished year). Month is that last month.
func Yearly(points []MonthPoint) []MonthPoint {
	var out []MonthPoint
	for _, p := range points {
		if n := len(out); n > 0 && out[n-1].Month.Year == p.Month.Year {
			out[n-1].Month, out[n-1].Flagged = p.Month, p.Flagged
			out[n-1].Changes += p.Changes
			continue
		}
		out = append(out, p)
	}
	return out
}

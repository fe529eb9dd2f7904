package access

import (
	"cmp"
	"slices"
	"sort"
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
	// Changes counts the events that changed a record's status during the
	// month (see ChangesStatus).
	Changes int
	// Flagged counts the records flagged at the end of the month; a
	// time-limited measure stops counting at its stated end.
	Flagged int
}

// History is a set of record events prepared for trends: grouped by record,
// in Fold's order, with each record's state folded once at every date its
// status can change. Class-level measures change no record and are left
// out. Build it once per request and read it many times.
type History struct {
	records []recordHistory
	changes map[Month]int // status-setting events by month
	first   Month         // month of the earliest event
	any     bool
}

type recordHistory struct {
	country string
	steps   []step // in date order
}

// step is a record's state from the events of one date (their period's
// first instant) onwards, until the next step.
type step struct {
	start time.Time
	state RecordState
}

// ChangesStatus reports whether e counts as a change of a record's status
// in trends and yearly counts: a record event that sets a status and still
// counts (not retracted or superseded), other than presence_recorded, which
// records a presence rather than a change.
func ChangesStatus(e Event) bool {
	return !e.ClassLevel() && e.Counts() && e.StatusAfter != "" && e.Type != EventPresenceRecorded
}

// NewHistory prepares events (in any order) for trends. Retracted and
// superseded events are left out. A record's state at
// an instant is Fold of its events whose date starts before that instant:
// an event known only to its month or year counts from the period's start,
// as Fold orders it before the finer dates of that period. Fold runs once
// per record at each date that brings a status-setting event (and at its
// first event), since no other event changes the status.
func NewHistory(events []Event) *History {
	h := &History{changes: map[Month]int{}}
	groups := map[[2]string][]Event{}
	for _, e := range events {
		if e.ClassLevel() || e.Date.IsZero() || !e.Counts() {
			continue
		}
		k := [2]string{e.CountryCode, e.OrgSlug}
		groups[k] = append(groups[k], e)
		m := eventMonth(e)
		if ChangesStatus(e) {
			h.changes[m]++
		}
		if !h.any || m.Since(h.first) < 0 {
			h.first, h.any = m, true
		}
	}
	for k, evs := range groups {
		slices.SortStableFunc(evs, compareEvents)
		r := recordHistory{country: k[0]}
		for end := 0; end < len(evs); {
			start := evs[end].Date.Start()
			setsStatus := end == 0
			for end < len(evs) && evs[end].Date.Start().Equal(start) {
				setsStatus = setsStatus || evs[end].StatusAfter != ""
				end++
			}
			if setsStatus {
				r.steps = append(r.steps, step{start: start, state: Fold(evs[:end])})
			}
		}
		h.records = append(h.records, r)
	}
	return h
}

// at returns the record's state from its events dated before cut, and
// false when it has none (the record did not exist yet).
func (r recordHistory) at(cut time.Time) (RecordState, bool) {
	i := sort.Search(len(r.steps), func(i int) bool { return !r.steps[i].start.Before(cut) })
	if i == 0 {
		return RecordState{}, false
	}
	return r.steps[i-1].state, true
}

// FirstMonth returns the month of the earliest record event.
func (h *History) FirstMonth() (Month, bool) { return h.first, h.any }

// Monthly returns one point per month from first to last, inclusive:
// status-setting events counted by the month their date starts in, and the
// records flagged at each month's end.
func (h *History) Monthly(first, last Month) []MonthPoint {
	n := last.Since(first) + 1
	if n <= 0 {
		return nil
	}
	points := make([]MonthPoint, n)
	delta := make([]int, n) // change in the flagged count at each month
	for i := range points {
		points[i].Month = first.Add(i)
		points[i].Changes = h.changes[points[i].Month]
	}
	for _, r := range h.records {
		flagged := false
		set := func(at time.Time, f bool) bool {
			if f == flagged {
				return true
			}
			flagged = f
			i := max(MonthOf(at).Since(first), 0) // a change before the range sets its opening count
			if i >= n {
				return false
			}
			if f {
				delta[i]++
			} else {
				delta[i]--
			}
			return true
		}
		for k, s := range r.steps {
			if !set(s.start, s.state.Flagged()) {
				break
			}
			// A time-limited measure stops being flagged at its stated end,
			// unless the record's next step comes first. The end is an
			// instant (the start of the day, month or year after the stated
			// one), so the month whose end it falls on already counts the
			// measure as over.
			if end, ok := s.state.measureEnd(); ok && (k+1 == len(r.steps) || end.Before(r.steps[k+1].start)) {
				if !set(end.Add(-time.Nanosecond), false) {
					break
				}
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

// MonthlyTrend is NewHistory(events).Monthly(first, last).
func MonthlyTrend(events []Event, first, last Month) []MonthPoint {
	return NewHistory(events).Monthly(first, last)
}

// FirstMonth returns the month of the earliest record event.
func FirstMonth(events []Event) (Month, bool) { return NewHistory(events).FirstMonth() }

// compareEvents is Fold's order: by date (as Date.Compare), then by entry
// (ID). It compares numeric keys rather than formatted dates: the trends
// sort every event of the database.
func compareEvents(a, b Event) int {
	if c := cmp.Compare(dateKey(a.Date), dateKey(b.Date)); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// dateKey orders dates as their ISO forms do: by year, then month, then
// day, a coarser date before the finer ones it contains (its missing parts
// count as zero); the zero Date first.
func dateKey(d Date) int {
	switch d.Precision {
	case PrecisionYear:
		return d.Year * 10000
	case PrecisionMonth:
		return d.Year*10000 + int(d.Month)*100
	case PrecisionDay:
		return d.Year*10000 + int(d.Month)*100 + d.Day
	}
	return -1
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
// when the country had records then; otherwise stable. A record counts from
// its first event: one that did not exist six months ago adds nothing to
// "then" (it is not "unknown" then). Events dated after now are ignored.
func (h *History) CountryTrends(now time.Time) map[string]Direction {
	nowCut := DayOf(now).End()
	thenCut := DayOf(now.AddDate(0, -TrendMonths, 0)).End()
	type tally struct{ flagged, worst int }
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
	for _, r := range h.records {
		if s, ok := r.at(nowCut); ok {
			add(nowT, r.country, s.atInstant(nowCut))
		}
		if s, ok := r.at(thenCut); ok {
			add(thenT, r.country, s.atInstant(thenCut))
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

// CountryTrends is NewHistory(events).CountryTrends(now).
func CountryTrends(events []Event, now time.Time) map[string]Direction {
	return NewHistory(events).CountryTrends(now)
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

// measureEnd returns the instant a time-limited measure behind the status
// ends, if the status is one.
func (s RecordState) measureEnd() (time.Time, bool) {
	if !s.Flagged() || s.StatusUntilKind != UntilEnds || s.StatusUntil.IsZero() {
		return time.Time{}, false
	}
	return s.StatusUntil.End(), true
}

// atInstant is the state as trends see it at t: a flagged time-limited
// measure past its end counts as unflagged (its status is kept, its
// initiator dropped so that Flagged and Rank read it as not flagged).
func (s RecordState) atInstant(t time.Time) RecordState {
	if end, ok := s.measureEnd(); ok && !t.Before(end) && s.Status == StatusSuspended {
		s.StatusInitiatedBy = ""
	}
	return s
}

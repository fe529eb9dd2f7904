package access

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestMonthArithmetic(t *testing.T) {
	m := Month{2025, time.January}
	if got := m.Add(-1); got != (Month{2024, time.December}) {
		t.Errorf("Jan 2025 - 1 = %v", got)
	}
	if got := m.Add(23); got != (Month{2026, time.December}) {
		t.Errorf("Jan 2025 + 23 = %v", got)
	}
	if got := m.Add(-25).Since(m); got != -25 {
		t.Errorf("Since = %d", got)
	}
	if got := (Month{0, time.March}).Add(-3); got != (Month{-1, time.December}) {
		t.Errorf("year 0 - 3 = %v", got)
	}
	if got := MonthOf(time.Date(2025, 6, 30, 23, 0, 0, 0, time.UTC)).Date().ISO(); got != "2025-06" {
		t.Errorf("Date = %s", got)
	}
}

func TestRankPutsFlaggedFirst(t *testing.T) {
	flagged := func(s Status) RecordState { return RecordState{Status: s, StatusInitiatedBy: InitiatedByAuthority} }
	own := func(s Status) RecordState { return RecordState{Status: s, StatusInitiatedBy: InitiatedByOrganisation} }
	order := []RecordState{ // least to most alarming
		own(StatusOperating), own(StatusRestricted), own(StatusSuspended), own(StatusWithdrawn), own(StatusUnknown),
		flagged(StatusSuspended), flagged(StatusBanned), flagged(StatusOrderedToLeave), flagged(StatusExpelled),
	}
	for i := 1; i < len(order); i++ {
		if Rank(order[i-1]) >= Rank(order[i]) {
			t.Errorf("Rank(%s by %s) = %d, not below Rank(%s by %s) = %d", order[i-1].Status, order[i-1].StatusInitiatedBy,
				Rank(order[i-1]), order[i].Status, order[i].StatusInitiatedBy, Rank(order[i]))
		}
	}
}

// nigerEvents: ICRC (operating since 1990, ordered to leave 31 Jan 2025,
// expelled 5 Jun 2025), Acted (banned 12 Nov 2024), MSF suspended by the
// authorities in Feb 2025 and allowed back on 15 Apr 2025, a class-level
// measure, and a year-precision ban.
func nigerEvents() []Event {
	return []Event{
		{ID: 1, CountryCode: "NER", OrgSlug: "icrc", Date: MustParseDate("1990"), StatusAfter: StatusOperating},
		{ID: 2, CountryCode: "NER", OrgSlug: "icrc", Date: MustParseDate("2025-01-31"), StatusAfter: StatusOrderedToLeave, InitiatedBy: InitiatedByAuthority},
		{ID: 3, CountryCode: "NER", OrgSlug: "icrc", Date: MustParseDate("2025-05-31"), InitiatedBy: InitiatedByAuthority},
		{ID: 4, CountryCode: "NER", OrgSlug: "icrc", Date: MustParseDate("2025-06-05"), StatusAfter: StatusExpelled, InitiatedBy: InitiatedByAuthority},
		{ID: 5, CountryCode: "NER", OrgSlug: "acted", Date: MustParseDate("2010"), StatusAfter: StatusOperating},
		{ID: 6, CountryCode: "NER", OrgSlug: "acted", Date: MustParseDate("2024-11-12"), StatusAfter: StatusBanned, InitiatedBy: InitiatedByAuthority},
		{ID: 7, CountryCode: "NER", OrgSlug: "msf", Date: MustParseDate("2025-02"), StatusAfter: StatusSuspended, InitiatedBy: InitiatedByAuthority},
		{ID: 8, CountryCode: "NER", OrgSlug: "msf", Date: MustParseDate("2025-04-15"), StatusAfter: StatusOperating, InitiatedBy: InitiatedByAuthority},
		{ID: 9, CountryCode: "NER", Date: MustParseDate("2025-03-01"), StatusAfter: StatusBanned, InitiatedBy: InitiatedByAuthority},
		{ID: 10, CountryCode: "MLI", OrgSlug: "nrc", Date: MustParseDate("2025"), StatusAfter: StatusBanned, InitiatedBy: InitiatedByAuthority},
	}
}

func TestMonthlyTrend(t *testing.T) {
	events := nigerEvents()
	rand.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
	points := MonthlyTrend(events, Month{2024, time.October}, Month{2025, time.July})
	//             Oct Nov Dec Jan Feb Mar Apr May Jun Jul
	changes := []int{0, 1, 0, 2, 1, 0, 1, 0, 1, 0}
	flagged := []int{0, 1, 1, 3, 4, 4, 3, 3, 3, 3}
	if len(points) != len(changes) {
		t.Fatalf("got %d points, want %d", len(points), len(changes))
	}
	for i, p := range points {
		if p.Month != (Month{2024, time.October}).Add(i) || p.Changes != changes[i] || p.Flagged != flagged[i] {
			t.Errorf("point %d = %+v, want %d changes, %d flagged", i, p, changes[i], flagged[i])
		}
	}
	if got := MonthlyTrend(events, Month{2025, time.July}, Month{2025, time.June}); got != nil {
		t.Errorf("empty range gave %v", got)
	}
	if first, ok := FirstMonth(events); !ok || first != (Month{1990, time.January}) {
		t.Errorf("FirstMonth = %v, %v", first, ok)
	}
}

// MonthlyTrend agrees with the definition applied naively: for each month,
// fold every record's events dated (starting) before the month's end.
func TestMonthlyTrendMatchesNaiveFold(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	precisions := []string{"2006-01-02", "2006-01", "2006"}
	initiators := []InitiatedBy{InitiatedByAuthority, InitiatedByOrganisation, ""}
	var events []Event
	for id := int64(1); id <= 600; id++ {
		day := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(8*365))
		e := Event{ID: id, CountryCode: []string{"NER", "MLI", "SDN"}[rng.IntN(3)], OrgSlug: []string{"a", "b", "c", "d", ""}[rng.IntN(5)],
			Date: MustParseDate(day.Format(precisions[rng.IntN(3)])), InitiatedBy: initiators[rng.IntN(3)]}
		if rng.IntN(4) > 0 {
			e.StatusAfter = Statuses[rng.IntN(len(Statuses))]
		}
		events = append(events, e)
	}
	first, last := Month{2019, time.March}, Month{2025, time.February}
	points := MonthlyTrend(events, first, last)
	for i, p := range points {
		end := p.Month.Date().End()
		byRec := map[string][]Event{}
		changes := 0
		for _, e := range events {
			if e.OrgSlug == "" {
				continue
			}
			if e.Date.Start().Before(end) {
				byRec[e.CountryCode+"/"+e.OrgSlug] = append(byRec[e.CountryCode+"/"+e.OrgSlug], e)
			}
			if e.StatusAfter != "" && !e.Date.Start().Before(p.Month.Date().Start()) && e.Date.Start().Before(end) {
				changes++
			}
		}
		flagged := 0
		for _, evs := range byRec {
			if Fold(evs).Flagged() {
				flagged++
			}
		}
		if p.Flagged != flagged || p.Changes != changes {
			t.Fatalf("point %d (%v): %d flagged, %d changes; naive %d, %d", i, p.Month, p.Flagged, p.Changes, flagged, changes)
		}
	}
	if len(points) != last.Since(first)+1 {
		t.Errorf("%d points", len(points))
	}
}

func TestCountryTrends(t *testing.T) {
	now := time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC) // six months earlier: 1 Jan 2025
	ev := func(id int64, country, org, date string, s Status, by InitiatedBy) Event {
		return Event{ID: id, CountryCode: country, OrgSlug: org, Date: MustParseDate(date), StatusAfter: s, InitiatedBy: by}
	}
	events := []Event{
		// NER: one flagged then (Acted), two now (ICRC ordered to leave since 31 Jan).
		ev(1, "NER", "acted", "2024-11-12", StatusBanned, InitiatedByAuthority),
		ev(2, "NER", "icrc", "1990", StatusOperating, ""),
		ev(3, "NER", "icrc", "2025-01-31", StatusOrderedToLeave, InitiatedByAuthority),
		// BFA: suspended by the authorities then, allowed back since.
		ev(4, "BFA", "msf", "2024-10-01", StatusSuspended, InitiatedByAuthority),
		ev(5, "BFA", "msf", "2025-03-01", StatusOperating, InitiatedByAuthority),
		// MLI: ordered to leave then, expelled now: as many flagged, worse.
		ev(6, "MLI", "nrc", "2024-12-01", StatusOrderedToLeave, InitiatedByAuthority),
		ev(7, "MLI", "nrc", "2025-05-01", StatusExpelled, InitiatedByAuthority),
		// SDN: banned long ago, nothing since; a new operating record.
		ev(8, "SDN", "wfp", "2023-06-01", StatusBanned, InitiatedByAuthority),
		ev(9, "SDN", "unicef", "2025-06-01", StatusOperating, ""),
		// AFG: a first record appears, operating: no baseline, nothing flagged.
		ev(10, "AFG", "care", "2025-05-01", StatusOperating, ""),
		// ETH: withdrew by its own decision (not flagged) after operating: worse.
		ev(11, "ETH", "irc", "2020", StatusOperating, ""),
		ev(12, "ETH", "irc", "2025-04-01", StatusWithdrawn, InitiatedByOrganisation),
		// SOM: a ban dated after now is not counted yet.
		ev(13, "SOM", "drc", "2020", StatusOperating, ""),
		ev(14, "SOM", "drc", "2025-08-01", StatusBanned, InitiatedByAuthority),
	}
	got := CountryTrends(events, now)
	want := map[string]Direction{"NER": Deteriorated, "BFA": Improved, "MLI": Deteriorated, "SDN": Stable,
		"AFG": Stable, "ETH": Deteriorated, "SOM": Stable}
	for c, d := range want {
		if got[c] != d {
			t.Errorf("%s: %q, want %q", c, got[c], d)
		}
	}
	keys := make([]string, 0, len(got))
	for c := range got {
		keys = append(keys, c)
	}
	slices.Sort(keys)
	if len(got) != len(want) {
		t.Errorf("countries %v, want %d", keys, len(want))
	}
}

func TestYearly(t *testing.T) {
	events := nigerEvents()
	months := MonthlyTrend(events, Month{2023, time.March}, Month{2025, time.July})
	years := Yearly(months)
	if len(years) != 3 {
		t.Fatalf("got %d years: %+v", len(years), years)
	}
	for i, y := range years {
		changes, flagged := 0, 0
		for _, m := range months {
			if m.Month.Year == y.Month.Year {
				changes += m.Changes
				flagged = m.Flagged // the last month of the year wins
			}
		}
		if y.Month.Year != 2023+i || y.Changes != changes || y.Flagged != flagged {
			t.Errorf("year %d: %+v, want %d changes, %d flagged", 2023+i, y, changes, flagged)
		}
	}
	if years[2].Month != (Month{2025, time.July}) || years[1].Month != (Month{2024, time.December}) {
		t.Errorf("year months %v, %v", years[1].Month, years[2].Month)
	}
	if years[2].Changes != 5 || years[2].Flagged != 3 {
		t.Errorf("2025: %+v, want 5 changes (Jan ×2, Feb, Apr, Jun) and 3 flagged", years[2])
	}
}

// compareEvents orders as Date.Compare (the ISO order Fold uses) does.
func TestCompareEventsIsFoldOrder(t *testing.T) {
	dates := []string{"1990", "2024", "2024-01", "2024-01-01", "2024-01-31", "2024-02", "2024-02-01", "2024-12-31", "2025", "2025-06-05"}
	for _, a := range dates {
		for _, b := range dates {
			da, db := MustParseDate(a), MustParseDate(b)
			if got, want := compareEvents(Event{Date: da}, Event{Date: db}), da.Compare(db); got != want {
				t.Errorf("compare %s, %s = %d, Date.Compare says %d", a, b, got, want)
			}
		}
	}
	if compareEvents(Event{ID: 1, Date: MustParseDate("2025")}, Event{ID: 2, Date: MustParseDate("2025")}) != -1 {
		t.Error("same date: entry order")
	}
	if compareEvents(Event{}, Event{Date: MustParseDate("1990")}) != (Date{}).Compare(MustParseDate("1990")) {
		t.Error("the zero date does not sort first")
	}
}

func TestTrendCountsStatusChangesAndEnds(t *testing.T) {
	events := []Event{
		{ID: 1, CountryCode: "ETH", OrgSlug: "nrc", Date: MustParseDate("2021-01-05"), Type: EventPresenceRecorded, StatusAfter: StatusOperating},
		{ID: 2, CountryCode: "ETH", OrgSlug: "nrc", Date: MustParseDate("2021-08-04"), Type: EventSuspensionOrdered, StatusAfter: StatusSuspended,
			InitiatedBy: InitiatedByAuthority, Until: MustParseDate("2021-11")},
		{ID: 3, CountryCode: "ETH", OrgSlug: "msf", Date: MustParseDate("2021-08-04"), Type: EventOrderToLeaveIssued, StatusAfter: StatusExpelled,
			InitiatedBy: InitiatedByAuthority, Correction: &Correction{Kind: Retracted, Reason: "entered in error"}},
	}
	points := MonthlyTrend(events, Month{2021, time.January}, Month{2021, time.December})
	changes := 0
	for _, p := range points {
		changes += p.Changes
	}
	if changes != 1 {
		t.Errorf("%d status changes, want 1 (presence_recorded and a retracted event are no changes)", changes)
	}
	if points[9].Flagged != 1 { // October 2021: suspended
		t.Errorf("Oct 2021 flagged %d, want 1", points[9].Flagged)
	}
	if points[10].Flagged != 0 || points[11].Flagged != 0 { // the suspension is over at the end of November
		t.Errorf("Nov %d Dec %d flagged, want 0 and 0", points[10].Flagged, points[11].Flagged)
	}
	if y := Yearly(points); len(y) != 1 || y[0].Flagged != 0 {
		t.Errorf("flagged at the end of 2021: %+v", y)
	}
}

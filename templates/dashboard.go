package templates

import (
	"slices"
	"strconv"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/i18n"
)

// The public dashboard's view values. Handlers fill them; the components in
// dashboard_*.templ and the page files render them without further lookups.

// Crumb is one step of a breadcrumb trail; the last one (the current page)
// has no link.
type Crumb struct {
	Label string
	Href  string
}

// Pager describes one page of a longer list.
type Pager struct {
	Page, Pages int // 1-based page number and page count
	Total       int // items in the whole list
	From, To    int // 1-based numbers of the first and last item shown; 0 when none
	// URLs of neighbouring pages; "" when there is none.
	First, Prev, Next, Last string
}

// Filters is a list's filter form: a plain GET form back to Action.
type Filters struct {
	Action string
	// Fields names the inputs to show: "status", "flagged", "region",
	// "type", "q", "country", "org", "event", "since", "until", "sort".
	Fields   []string
	Statuses []access.Status
	Flagged  bool
	Region   string
	Regions  []string
	OrgType  access.OrgType
	Query    string
	Country  string
	Org      string
	Events   []access.EventType
	// Countries and Orgs are the choices of the country and organisation
	// lists (a code or slug, shown by name).
	Countries []Choice
	Orgs      []Choice
	Since     string // ISO at its precision
	Until     string
	Sort      string
	Sorts     []string // the page's orders; the first is the default
	// Filtered says whether any filter is set; ClearURL is the page without them.
	Filtered bool
	ClearURL string
}

// Choice is one option of a list to choose from: the value a form sends
// and the words it shows.
type Choice struct {
	Value, Label string
}

// Has reports whether the form shows the named input.
func (f Filters) Has(field string) bool { return slices.Contains(f.Fields, field) }

// OverviewView is what the overview page shows.
type OverviewView struct {
	Headline access.Headline
	// Ended marks the records (by id) whose time-limited measure has
	// passed its end, unconfirmed.
	Ended map[int64]bool
	// OrgLabels and CountryNames name the organisations (by slug) and
	// countries (by code) of Headline.LargestLost.
	OrgLabels    map[string]string
	CountryNames map[string]string
	// RecentDays is the window of Headline.RecentChanges.
	RecentDays int
	// Flagged are the most severe flagged records; FlaggedTotal counts all.
	Flagged      []access.RecordView
	FlaggedTotal int
	// StatusSources are the sources of the event behind each flagged
	// record's status, by event id.
	StatusSources map[int64][]access.Source
	// Countries are the countries with the most flagged records and reach
	// lost; CountriesTotal counts every country with a flagged record.
	Countries      []access.CountrySummary
	CountriesTotal int
	// Latest are the latest status changes and class-level measures.
	Latest []access.EventView
	// Others are the records that are not flagged, grouped by country;
	// OthersShown of OthersTotal are shown.
	Others                   []CountryRecords
	OthersShown, OthersTotal int
	// Map is the world map, shaded by each country's worst status.
	Map MapView
	// Trends are the whole site's trend charts; CountryTrends mark each
	// country with records against six months earlier (for the ranking).
	Trends        TrendCharts
	CountryTrends map[string]access.Direction
	// Downloads is the page's Download block.
	Downloads Downloads
}

// CountryRecords is one country's records.
type CountryRecords struct {
	Code, Name string
	Records    []access.RecordView
}

// CountriesView is the country list.
type CountriesView struct {
	Filters   Filters
	Pager     Pager
	Countries []access.CountrySummary
	// Trends mark each country with records against six months earlier.
	Trends map[string]access.Direction
	// Downloads is the page's Download block.
	Downloads Downloads
}

// CountryView is one country's page.
type CountryView struct {
	Summary access.CountrySummary
	// Ended marks the records (by id) whose time-limited measure has
	// passed its end, unconfirmed (see access.RecordState.EndedUnconfirmed).
	Ended map[int64]bool
	// ClassMeasures are the class-level measures in force today.
	ClassMeasures []access.ClassMeasure
	// Records are the organisations' records the filters select, one page.
	Filters Filters
	Pager   Pager
	Records []access.RecordView
	// Timeline is the country's latest events, oldest first: TimelineTotal
	// in all, the rest on ChangesURL.
	Timeline      []access.EventView
	TimelineTotal int
	ChangesURL    string
	// Trend is the country against six months earlier ("" without
	// records); Trends are its trend charts.
	Trend  access.Direction
	Trends TrendCharts
	// Downloads is the page's Download block.
	Downloads Downloads
}

// OrgsView is the organisation list.
type OrgsView struct {
	Filters Filters
	Pager   Pager
	Orgs    []access.OrgSummary
	// Lost is each listed organisation's reach lost, per basis (by slug).
	Lost map[string]access.LostSummary
	// Downloads is the page's Download block.
	Downloads Downloads
}

// OrgView is one organisation's page.
type OrgView struct {
	Summary access.OrgSummary
	// Ended marks the records (by id) whose time-limited measure has
	// passed its end, unconfirmed.
	Ended map[int64]bool
	// Lost is the organisation's reach lost over all its records, per basis.
	Lost    access.LostSummary
	Filters Filters
	Pager   Pager
	Records []access.RecordView
	// Latest are the organisation's latest events, oldest first: LatestTotal
	// in all, the rest on ChangesURL.
	Latest      []access.EventView
	LatestTotal int
	ChangesURL  string
	// Downloads is the page's Download block.
	Downloads Downloads
}

// RecordPageView is one organisation in one country.
type RecordPageView struct {
	Record access.RecordView
	// Presence: since Record.PresenceSince until PresenceUntil (0 while the
	// organisation is still there), Years in all.
	PresenceUntil int
	PresenceYears int
	// Timeline is every event of the record, oldest first.
	Timeline []access.EventView
	// Figures names the events (in Timeline) each figure comes from.
	Figures access.FigureEvents
	// What holds today: Flagged (not a time-limited measure past its
	// end), Ended (such a measure, unconfirmed), DeadlinePassed (a deadline
	// passed; the measure stays), DueForReview (see access.DueForReview).
	Flagged, Ended, DeadlinePassed, DueForReview bool
	// Downloads is the page's Download block.
	Downloads Downloads
}

// event is the timeline's event with the id, nil when there is none.
func (v RecordPageView) event(id int64) *access.EventView {
	for i := range v.Timeline {
		if id != 0 && v.Timeline[i].ID == id {
			return &v.Timeline[i]
		}
	}
	return nil
}

// sourceURL is the address of an event's first source that has one.
func sourceURL(e access.EventView) string {
	for _, s := range e.Sources {
		if s.URL != "" {
			return s.URL
		}
	}
	return ""
}

// sourceTitle names an event's first source with an address.
func sourceTitle(l *i18n.Locale, e access.EventView) string {
	for _, s := range e.Sources {
		if s.URL != "" {
			return l.Tf("dash.source.of", sourceLabel(l, s))
		}
	}
	return ""
}

// ChangesView is the change log.
type ChangesView struct {
	Filters Filters
	Pager   Pager
	Events  []access.EventView
	FeedURL string
	// Downloads is the page's Download block.
	Downloads Downloads
}

// TimelineMode says how much of each event a timeline shows.
type TimelineMode int

// Timeline modes.
const (
	// TimelineFull shows every fact and source of each event (record page).
	TimelineFull TimelineMode = iota
	// TimelineWithSubject is TimelineFull naming the organisation and
	// country of each event (country, organisation and change pages).
	TimelineWithSubject
	// TimelineBrief shows date, subject, what happened and the status (overview).
	TimelineBrief
)

// flagSummary writes flagged counts by status, most severe first:
// "Expelled: 1", "Banned: 2".
func flagSummary(l *i18n.Locale, flags map[access.Status]int) []string {
	var out []string
	for _, st := range access.FlaggedStatuses {
		if n := flags[st]; n > 0 {
			out = append(out, l.Tf("dash.flags.item", l.Status(st), l.Number(int64(n))))
		}
	}
	return out
}

// subjectURL links an event to its record, or a class-level measure to its
// country, at the event's anchor.
func subjectURL(e access.EventView) string {
	if e.ClassLevel() {
		return CountryURL(e.CountryCode) + "#" + EventAnchor(e.ID)
	}
	return RecordURL(e.CountryCode, e.OrgSlug) + "#" + EventAnchor(e.ID)
}

// EventAnchor is the id of an event's entry in a timeline.
func EventAnchor(id int64) string { return "event-" + strconv.FormatInt(id, 10) }

// sortLabel is the label of a list order.
func sortLabel(l *i18n.Locale, sort string) string { return l.T("dash.sort." + sort) }

// flaggedEvent says whether an event set a flagged status.
func flaggedEvent(e access.EventView) bool {
	return e.StatusAfter != "" && e.StatusAfter.Flagged(e.InitiatedBy)
}

// pagerText is "Showing 51–100 of 240".
func pagerText(l *i18n.Locale, p Pager) string {
	return l.Tf("dash.pager.showing", l.Number(int64(p.From)), l.Number(int64(p.To)), l.Number(int64(p.Total)))
}

// selectedStatus reports whether a status is among the selected ones.
func selectedStatus(f Filters, s access.Status) bool { return slices.Contains(f.Statuses, s) }

// selectedEvent reports whether an event type is among the selected ones.
func selectedEvent(f Filters, e access.EventType) bool { return slices.Contains(f.Events, e) }

// AsOfText is "Data as of 27 Feb 2026 · last entry 6 Dec 2026": the date of
// the newest event that counts and the day of the last entry.
func AsOfText(l *i18n.Locale, a access.DataAsOf) string {
	last := l.T("reach.none")
	if !a.LastEntry.IsZero() {
		last = l.Date(access.DayOf(a.LastEntry))
	}
	return l.Tf("footer.as_of", l.Date(a.NewestEvent), last)
}

// basisPhrase says what a reach figure counts: "per year", "in total since
// arrival", "over 2011–2024" (a period with its stated span).
func basisPhrase(l *i18n.Locale, r access.Reach) string {
	if r.Basis == access.ReachPeriod && r.Period != "" {
		return l.Tf("dash.lost.figure.period", r.Period)
	}
	return l.ReachBasis(r.Basis)
}

// lostFigureText is one of the largest lost figures with what it counts,
// whose it is, the record's status and when it was reported: "2,000,000
// reached in total since arrival — ICRC, Niger (banned; reported 5 Jun 2025)".
func lostFigureText(l *i18n.Locale, v OverviewView, f access.LostFigure) string {
	org := v.OrgLabels[f.Org]
	if org == "" {
		org = f.Org
	}
	country := v.CountryNames[f.Country]
	if country == "" {
		country = f.Country
	}
	if f.Reported.IsZero() {
		return l.Tf("dash.lost.figure.undated", l.Number(f.Reach.People), basisPhrase(l, f.Reach), org, country, l.Status(f.Status))
	}
	return l.Tf("dash.lost.figure", l.Number(f.Reach.People), basisPhrase(l, f.Reach), org, country, l.Status(f.Status), l.Date(f.Reported))
}

// basisSum is one per-basis sum with its basis: "3,000,000 reached in total
// since arrival".
type basisSum struct {
	Basis access.ReachBasis
	Text  string
}

// lostSums lists the per-basis sums in the vocabulary's order, only the
// bases with a figure.
func lostSums(l *i18n.Locale, byBasis map[access.ReachBasis]int64) []basisSum {
	var out []basisSum
	for _, b := range access.ReachBases {
		if n, ok := byBasis[b]; ok {
			out = append(out, basisSum{Basis: b, Text: l.Tf("dash.lost.sum", l.Number(n), l.ReachBasis(b))})
		}
	}
	return out
}

// correctionText says how an event was corrected: "Retracted on 6 Dec
// 2026: entered in error".
func correctionText(l *i18n.Locale, c access.Correction) string {
	day := l.Date(access.DayOf(c.At))
	if c.Kind == access.Superseded {
		return l.Tf("dash.event.superseded", day, c.Reason)
	}
	return l.Tf("dash.event.retracted", day, c.Reason)
}

// untilLabel names an event's Until: an end or a deadline.
func untilLabel(l *i18n.Locale, t access.EventType) string {
	if access.UntilKindOf(t) == access.UntilEnds {
		return l.T("dash.event.until.ends")
	}
	return l.T("dash.event.until.deadline")
}

// classMeasureText is one class measure in force: "Banned since 17 Nov
// 2022: Measure against a class of organisations".
func classMeasureText(l *i18n.Locale, m access.ClassMeasure) string {
	what := m.Event.Description
	if what == "" {
		what = l.EventType(m.Event.Type)
	}
	return l.Tf("dash.country.class_measure", l.Status(m.Status), l.Date(m.Event.Date), what)
}

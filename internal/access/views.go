package access

import "time"

// Read models: what pages, the API and exports are drawn from. The store
// fills them from its joins and summaries; templates and web take them as
// they are, so neither needs to know how they are stored.

// RecordView is a record with the organisation and country it joins.
type RecordView struct {
	Record
	Org         Org
	CountryName string
	Region      string
}

// EventView is an event with the names it joins: its organisation (zero for
// a class-level measure) and its country.
type EventView struct {
	Event
	RecordID      int64 // 0 for a class-level measure
	RecordVersion int64 // the version the record reached with this event
	Org           Org
	CountryName   string
	// Private: the event awaits verification while verification is
	// required, so no public read shows it (editors' reads only).
	Private bool
}

// CountrySummary is a country with what its records add up to.
type CountrySummary struct {
	Country
	Records int // records (organisations) in the country
	Flagged int // of which flagged today (a time-limited measure past its end is not)
	// ReachLost is the largest reach lost by any one record (a figure of
	// one basis): what lists rank by. It is never a total: reach of
	// different bases is not added (see LostByBasis where there is one).
	ReachLost int64
	Measures  int // class-level measures recorded
	// LastChange is the date of the latest event that changed a status or
	// was a class-level measure; zero when there is none.
	LastChange Date
	// Flags counts the flagged records by status.
	Flags map[Status]int

	// LostByBasis sums the reach lost today per basis over every record of
	// the country (whatever the filter), never across bases; WithFigure and
	// WithoutFigure count its records whose reach is lost with a figure and
	// those in a lost status with none (see SummariseLost).
	LostByBasis   map[ReachBasis]int64
	WithFigure    int
	WithoutFigure int
	// ClassMeasuresInForce counts the class-level measures in force today
	// (see ClassMeasuresInForce).
	ClassMeasuresInForce int
}

// OrgSummary is an organisation with what its records add up to.
type OrgSummary struct {
	Org
	Countries int // countries where it has a record
	Flagged   int // of which flagged
	// ReachLost is the largest reach lost by any one record (a figure of
	// one basis): what lists rank by. It is never a total: reach of
	// different bases is not added (see LostByBasis where there is one).
	ReachLost int64
	// Flags counts the flagged records by status.
	Flags map[Status]int
}

// Headline holds the overview's headline figures.
type Headline struct {
	FlaggedOrgs       int // distinct organisations with at least one record flagged today
	FlaggedRecords    int // records flagged today (an organisation in a country)
	CountriesAffected int // countries with at least one record flagged today
	// PeopleLost is the sum of the stored reach lost over every record. It
	// adds figures of different bases (annual, period, cumulative) and
	// counts time-limited measures past their end, so no output may show
	// it: pages, API and metrics use LostByBasis and LargestLost. It stays
	// only as the figure tests check never appears; remove it with them.
	PeopleLost    int64
	RecentChanges int // status changes (see ChangesStatus) dated on or after the day given to Headline

	// LostByBasis sums the reach lost today per basis, never across bases
	// (see SummariseLost); LargestLost lists the largest lost
	// figures with basis, organisation, country and the date each figure
	// was reported; WithFigure and WithoutFigure count the records whose
	// reach is lost today with a figure, and those in a lost status with no
	// figure reported (unknown, never 0).
	LostByBasis   map[ReachBasis]int64
	LargestLost   []LostFigure
	WithFigure    int
	WithoutFigure int
	// ClassMeasuresInForce counts the class-level measures in force today,
	// in ClassMeasureCountries countries.
	ClassMeasuresInForce  int
	ClassMeasureCountries int
	// DueForReview counts the records due for review today.
	DueForReview int
	// AsOf says how current the data is.
	AsOf DataAsOf
}

// DataAsOf says how current the data is: the date of the newest event that
// still counts ("Data as of 27 Feb 2026") and when the last entry (event or
// correction) was made ("last entry 6 Dec 2026"). Both are zero for an
// empty database.
type DataAsOf struct {
	NewestEvent Date
	LastEntry   time.Time
}

// RecordEdit is what an editor does to a record with one event, and so
// which fields that event has.
type RecordEdit int

// Record edits.
const (
	// EditEvent records an event on an existing record.
	EditEvent RecordEdit = iota
	// EditReview confirms that a record is still accurate.
	EditReview
	// EditCreate creates a record with its first event.
	EditCreate
)

// StatusUnchanged is the value of an event form's status field that says
// "this event changes no status" (the empty value means "not chosen").
const StatusUnchanged = "unchanged"

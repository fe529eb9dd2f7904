package access

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
}

// CountrySummary is a country with what its records add up to.
type CountrySummary struct {
	Country
	Records   int   // records (organisations) in the country
	Flagged   int   // of which flagged
	ReachLost int64 // people whose aid was lost
	Measures  int   // class-level measures recorded
	// LastChange is the date of the latest event that changed a status or
	// was a class-level measure; zero when there is none.
	LastChange Date
	// Flags counts the flagged records by status.
	Flags map[Status]int
}

// OrgSummary is an organisation with what its records add up to.
type OrgSummary struct {
	Org
	Countries int   // countries where it has a record
	Flagged   int   // of which flagged
	ReachLost int64 // people whose aid was lost
	// Flags counts the flagged records by status.
	Flags map[Status]int
}

// Headline holds the overview's headline figures.
type Headline struct {
	FlaggedOrgs       int   // distinct organisations with at least one flagged record
	FlaggedRecords    int   // flagged records (an organisation in a country)
	CountriesAffected int   // countries with at least one flagged record
	PeopleLost        int64 // sum of the reach lost over every record
	RecentChanges     int   // status-changing events dated on or after the day given to Headline
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

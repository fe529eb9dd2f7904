package access

import "time"

// Country is a country or territory, keyed by its ISO 3166-1 alpha-3 code.
type Country struct {
	Code         string // ISO 3166-1 alpha-3, e.g. "NER"
	ISO2         string
	Numeric      string // ISO 3166-1 numeric, three digits; the map geometry's id
	Name         string
	OfficialName string
	Region       string
	Subregion    string
	Lat, Lng     float64 // a representative point
	UNMember     bool
	Severity     *SeverityScore // nil when no score is recorded
}

// SeverityScore is an ACAPS-style humanitarian access score for a country:
// 0 (no constraints) to 5 (extreme constraints), as of a date, with its source.
type SeverityScore struct {
	Score     int
	Date      Date
	Publisher string
	URL       string
}

// Org is an aid organisation.
type Org struct {
	Slug    string // stable key, e.g. "icrc"
	Name    string
	Acronym string
	Type    OrgType
	Website string
}

// Label returns the organisation's acronym, or its name when it has none.
func (o Org) Label() string {
	if o.Acronym != "" {
		return o.Acronym
	}
	return o.Name
}

// Reach is a count of people an organisation reached, with what it counts.
type Reach struct {
	People int64
	Basis  ReachBasis
	Period string // free text for a period basis, e.g. "2009" or "2011–2024"; optional
}

// Source is where a fact comes from.
type Source struct {
	Publisher string
	URL       string // http(s); empty only for an internal report
	Title     string
	Date      Date // publication date; optional
	Type      SourceType
}

// Event is one entry in the append-only timeline. An event with an OrgSlug
// belongs to the record of that organisation in CountryCode; an event without
// one is a class-level measure (a ban on a category of organisations) that
// belongs to the country alone. Events are never edited: a correction is a
// new event.
type Event struct {
	ID             int64
	CountryCode    string
	OrgSlug        string // empty for a class-level measure
	Date           Date
	Type           EventType
	StatusAfter    Status // empty when the event changes no status
	InitiatedBy    InitiatedBy
	Authority      string
	Instrument     Instrument
	Reason         string // the reason stated, in the words reported
	ReasonCategory ReasonCategory
	Constraint     ConstraintCategory
	Reach          *Reach // people affected or reached, when the event reports it
	PresenceSince  int    // year the organisation's presence began, when the event reports it
	Description    string
	Sources        []Source
	Verification   Verification
	EnteredBy      string
	EnteredAt      time.Time
}

// ClassLevel reports whether e is a class-level measure rather than an event
// of one organisation's record.
func (e Event) ClassLevel() bool { return e.OrgSlug == "" }

// RecordState is everything about a record that its events determine.
type RecordState struct {
	Status            Status
	StatusSince       Date        // date of the event that set Status; zero if none did
	StatusInitiatedBy InitiatedBy // who set Status
	StatusEventID     int64       // the event that set Status (its sources back the status); 0 if none
	PresenceSince     int         // year; zero when unknown
	Reach             *Reach      // latest reach figure; nil when none is known
	ReachDate         Date        // date of the event that gave Reach
	LastReviewed      Date        // date of the latest event: when the record was last confirmed
	ReviewDue         bool        // the event behind Status awaits verification and no review confirmed it since
}

// Flagged reports whether the record is flagged (see Status.Flagged).
func (s RecordState) Flagged() bool { return s.Status.Flagged(s.StatusInitiatedBy) }

// ReachLost returns the reach that no longer arrives: the record's reach when
// its status is in the lost set, otherwise zero.
func (s RecordState) ReachLost() int64 {
	if s.Reach == nil || !s.Status.ReachLost() {
		return 0
	}
	return s.Reach.People
}

// Record is one organisation in one country: its current state, derived from
// its events, plus bookkeeping.
type Record struct {
	ID          int64
	CountryCode string
	OrgSlug     string
	RecordState
	Summary   string
	Version   int64 // incremented by every event; the optimistic lock
	UpdatedAt time.Time
	UpdatedBy string
}

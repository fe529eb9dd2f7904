package access

import (
	"strings"
	"time"
)

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
	// ArchivedURL is an archived copy of the source (web.archive.org,
	// archive.today, ...); optional.
	ArchivedURL string
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
	// Reach is the organisation's reach (people it reached, with basis and
	// period) when the event reports it; only this figure sets a record's
	// reach.
	Reach *Reach
	// PeopleAffected is how many people the event itself affected (students
	// of a closed school, detained staff); nil when not reported. It never
	// sets a record's reach.
	PeopleAffected *int64
	// Until is when a time-limited measure is stated to end, or the deadline
	// a measure sets (see UntilKindOf); zero when none is stated.
	Until         Date
	PresenceSince int // year the organisation's presence began, when the event reports it
	Description   string
	// TextLang is the BCP 47 language of the free text (description,
	// stated reason, authority) as the editor wrote it ("fr"); "" when not
	// recorded. Pages mark the text with it.
	TextLang     string
	Sources      []Source
	Verification Verification
	// Confirmation is how a pending event became verified (nil: it was
	// entered verified, or awaits verification).
	Confirmation *Confirmation
	// Note is the editor's private note (contacts, doubts): shown to
	// editors only, never on a public output.
	Note      string
	EnteredBy string
	EnteredAt time.Time
	// Supersedes is the event this one corrects (0: none).
	Supersedes int64
	// Correction is set when the event was retracted or superseded: it then
	// counts for nothing (status, reach, trends, metrics) but stays readable.
	Correction *Correction
}

// Confirmation records who verified an event entered by someone else, and
// when; Reason is set when an admin published it without a second editor.
type Confirmation struct {
	By     string
	At     time.Time
	Reason string
}

// CanVerify says whether the user name, with the given role, may verify e:
// e must await verification, and the user must not be the one who entered
// it. It returns "" when allowed, or why not: "verified" (nothing to
// verify) or "own" (an editor cannot verify their own entry). An admin may
// still publish their own entry alone with a reason (see ValidatePublishAlone).
func CanVerify(e Event, user string) string {
	switch {
	case e.Verification != Pending:
		return "verified"
	case e.EnteredBy == user:
		return "own"
	}
	return ""
}

// ValidatePublishAlone checks the reason an admin gives for publishing an
// event without a second editor: required, within MaxLongText.
func ValidatePublishAlone(reason string) error {
	var e Errors
	e.text("publish_reason", strings.TrimSpace(reason), MaxLongText, true, true)
	return e.Err()
}

// CorrectionKind says how an event was corrected.
type CorrectionKind string

// Correction kinds.
const (
	Retracted  CorrectionKind = "retracted"  // entered in error, withdrawn with a reason
	Superseded CorrectionKind = "superseded" // replaced by a corrected event
)

// Correction records that an event was retracted or superseded: when, by
// whom, why, and (for a supersession) by which event. The event itself is
// never edited or deleted.
type Correction struct {
	Kind    CorrectionKind
	At      time.Time
	By      string
	Reason  string
	ByEvent int64 // the correcting event of a supersession; 0 for a retraction
}

// Counts reports whether e still counts: it was neither retracted nor
// superseded.
func (e Event) Counts() bool { return e.Correction == nil }

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
	Reach             *Reach      // latest reach figure; nil when none is reported ("not reported", never 0)
	ReachDate         Date        // date of the event that gave Reach
	LastReviewed      Date        // date of the last review by an editor (a reviewed event); zero: never
	ReviewDue         bool        // the event behind Status awaits verification and no review confirmed it since
	// StatusUntil is the end or deadline the event behind Status stated;
	// zero when none. StatusUntilKind says which.
	StatusUntil     Date
	StatusUntilKind UntilKind
	// LatestEvent is the date of the latest event of the record (reviews
	// included): the last time a dated fact confirmed it.
	LatestEvent Date
}

// Flagged reports whether the record's status is a flagged one (see
// Status.Flagged), whatever the date. Pages and counts of what holds today
// use FlaggedAt, which leaves out a time-limited measure past its end.
func (s RecordState) Flagged() bool { return s.Status.Flagged(s.StatusInitiatedBy) }

// ReachKnown reports whether a reach figure was reported for the record.
func (s RecordState) ReachKnown() bool { return s.Reach != nil }

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

package access

// CodeStatusForType is the problem code of a status an event of its type
// cannot set ("Record reviewed" setting "expelled", say).
const CodeStatusForType = "status_for_type"

// anyStatus marks an event type that may set any status.
var anyStatus = Statuses

// notFlagged are the statuses an event that lifts a measure may set.
var notFlagged = []Status{StatusOperating, StatusRestricted, StatusUnknown}

// typeStatuses is the table of the statuses each event type may set, beside
// "unchanged" (which every type may leave). It is the one place the rule
// lives: the admin forms, the CSV import and the store all go through
// Event.Validate, which applies it. A type missing from the table may set
// no status at all.
var typeStatuses = map[EventType][]Status{
	EventPresenceRecorded:       {StatusOperating, StatusRestricted, StatusSuspended, StatusWithdrawn, StatusUnknown},
	EventOrderToLeaveIssued:     {StatusOrderedToLeave, StatusExpelled, StatusBanned, StatusSuspended},
	EventAuthorisationWithdrawn: {StatusBanned, StatusSuspended, StatusOrderedToLeave, StatusExpelled, StatusWithdrawn, StatusRestricted, StatusUnknown},
	EventSuspensionOrdered:      {StatusSuspended, StatusRestricted, StatusBanned},
	EventSelfSuspension:         {StatusSuspended, StatusWithdrawn, StatusRestricted},
	EventRestrictionImposed:     {StatusRestricted, StatusSuspended, StatusBanned}, // a restriction may amount to a ban
	EventOfficesClosed:          {StatusRestricted, StatusSuspended, StatusBanned, StatusOrderedToLeave, StatusExpelled, StatusWithdrawn},
	EventStaffDeparted:          {StatusRestricted, StatusSuspended, StatusBanned, StatusOrderedToLeave, StatusExpelled, StatusWithdrawn},
	EventStaffDetained:          {StatusRestricted, StatusSuspended, StatusUnknown},
	EventStaffReleased:          {StatusOperating, StatusRestricted, StatusSuspended},
	EventPublicAccusation:       {StatusRestricted},
	EventOrganisationStatement:  anyStatus,
	EventResumptionAuthorised:   notFlagged,
	EventOperationsResumed:      notFlagged,
	EventClassBanAnnounced:      anyStatus,
	EventRegistrationDenied:     {StatusRestricted, StatusSuspended, StatusBanned, StatusOrderedToLeave, StatusExpelled, StatusWithdrawn},
	EventPermitsDenied:          {StatusRestricted, StatusSuspended},
	EventMovementRefused:        {StatusRestricted, StatusSuspended},
	EventAssetsSeized:           {StatusRestricted, StatusSuspended, StatusBanned, StatusOrderedToLeave, StatusExpelled},
	EventStaffKilledInjured:     {StatusRestricted, StatusSuspended, StatusWithdrawn},
	EventReviewed:               nil, // a review confirms the record: it changes no status
	EventCorrection:             anyStatus,
	EventOther:                  anyStatus,
}

// StatusesFor returns the statuses an event of type t may set (besides
// leaving the status unchanged), in severity order; none for an unknown
// type or one that sets no status.
func StatusesFor(t EventType) []Status { return typeStatuses[t] }

// StatusFitsType reports whether an event of type t may set status st; ""
// (unchanged) always fits.
func StatusFitsType(t EventType, st Status) bool {
	return st == "" || member(st, typeStatuses[t])
}

package access

// Status is where an organisation stands in a country.
type Status string

// The statuses, from least to most severe. Unknown is an information gap: it
// sorts last so that it is never mistaken for (or shown as) operating.
const (
	StatusOperating      Status = "operating"
	StatusRestricted     Status = "restricted"
	StatusSuspended      Status = "suspended"
	StatusBanned         Status = "banned"
	StatusOrderedToLeave Status = "ordered_to_leave"
	StatusExpelled       Status = "expelled"
	StatusWithdrawn      Status = "withdrawn"
	StatusUnknown        Status = "unknown"
)

// Statuses lists every status in severity order (see Status.Severity).
var Statuses = []Status{
	StatusOperating,
	StatusRestricted,
	StatusSuspended,
	StatusBanned,
	StatusOrderedToLeave,
	StatusExpelled,
	StatusWithdrawn,
	StatusUnknown,
}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return s.Severity() >= 0 }

// Severity orders statuses for sorting: higher is worse for access. Withdrawn
// (the organisation left by its own decision) ranks after expelled because the
// reach is lost just the same; unknown ranks last as a gap to fill. An invalid
// status has severity -1.
func (s Status) Severity() int {
	for i, v := range Statuses {
		if v == s {
			return i
		}
	}
	return -1
}

// lostStatuses are the statuses under which the organisation's reach no longer
// arrives.
var lostStatuses = map[Status]bool{
	StatusSuspended:      true,
	StatusBanned:         true,
	StatusOrderedToLeave: true,
	StatusExpelled:       true,
	StatusWithdrawn:      true,
}

// ReachLost reports whether a record in status s counts its reach as lost.
func (s Status) ReachLost() bool { return lostStatuses[s] }

// Flagged reports whether a record in status s, imposed by initiatedBy, is
// flagged (shown red, alertable): banned, ordered to leave and expelled
// always; suspended only when an authority (recognised or de facto) imposed it, since an
// organisation's own suspension is a decision, not a measure against it.
func (s Status) Flagged(initiatedBy InitiatedBy) bool {
	switch s {
	case StatusBanned, StatusOrderedToLeave, StatusExpelled:
		return true
	case StatusSuspended:
		return initiatedBy.Authority()
	}
	return false
}

// FlaggedStatuses are the statuses that can be flagged, most severe first,
// as the dashboard lists its badges.
var FlaggedStatuses = []Status{StatusExpelled, StatusOrderedToLeave, StatusBanned, StatusSuspended}

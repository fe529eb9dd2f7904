package access

import "time"

// UntilKind says what an event's Until date means.
type UntilKind string

// Until kinds.
const (
	// UntilEnds: the measure is stated to end then (a three-month
	// suspension). Once the date has passed with no later confirmation, the
	// measure is taken to have ended, unconfirmed.
	UntilEnds UntilKind = "ends"
	// UntilDeadline: the measure sets a deadline ("cease operations by 1
	// March 2026"). The measure does not end when the deadline passes; the
	// record becomes due for review.
	UntilDeadline UntilKind = "deadline"
)

// UntilKindOf says what a stated Until means for an event of type t:
// suspensions and restrictions are time-limited (they end); every other
// measure (an order to leave, a withdrawn authorisation, a ban) sets a
// deadline.
func UntilKindOf(t EventType) UntilKind {
	switch t {
	case EventSuspensionOrdered, EventSelfSuspension, EventRestrictionImposed:
		return UntilEnds
	}
	return UntilDeadline
}

// DefaultReviewAfter is how long a record may go unconfirmed (by an
// editor's review or a dated event) before it is due for review.
const DefaultReviewAfter = 365 * 24 * time.Hour

// EndedUnconfirmed reports whether the record's status is a time-limited
// measure whose stated end has passed at now with no later event and no
// editor's review on or after the end: "suspension ended 4 Nov 2021? — not
// confirmed". Such a record is not flagged as current (FlaggedAt) and its
// reach is not counted as lost (LostReachAt) until an editor confirms.
func (s RecordState) EndedUnconfirmed(now time.Time) bool {
	if s.StatusUntilKind != UntilEnds || s.StatusUntil.IsZero() {
		return false
	}
	end := s.StatusUntil.End()
	if now.Before(end) {
		return false
	}
	// A later event or review (dated at or after the end) confirmed what
	// holds; a later status event would have replaced this status anyway.
	return s.LatestEvent.IsZero() || s.LatestEvent.Start().Before(end)
}

// DeadlinePassed reports whether the record's status set a deadline that
// has passed at now ("deadline passed — confirm whether the organisation
// left"). The record stays flagged.
func (s RecordState) DeadlinePassed(now time.Time) bool {
	return s.StatusUntilKind == UntilDeadline && !s.StatusUntil.IsZero() && !now.Before(s.StatusUntil.End())
}

// FlaggedAt reports whether the record is flagged as current at now: its
// status is flagged and is not a time-limited measure past its end.
func (s RecordState) FlaggedAt(now time.Time) bool {
	return s.Flagged() && !s.EndedUnconfirmed(now)
}

// LostReachAt returns the reach counted as lost at now: the record's reach
// figure when its status is in the lost set and is not a time-limited
// measure past its end; nil otherwise, and nil when no figure was reported
// (unknown is never zero).
func (s RecordState) LostReachAt(now time.Time) *Reach {
	if s.Reach == nil || !s.Status.ReachLost() || s.EndedUnconfirmed(now) {
		return nil
	}
	r := *s.Reach
	return &r
}

// Unconfirmed reports whether neither an editor's review nor a dated event
// has confirmed the record for longer than reviewAfter at now (a record
// with no dated event at all is unconfirmed). reviewAfter <= 0 means
// DefaultReviewAfter.
func (s RecordState) Unconfirmed(now time.Time, reviewAfter time.Duration) bool {
	if reviewAfter <= 0 {
		reviewAfter = DefaultReviewAfter
	}
	last := s.LatestEvent
	if !s.LastReviewed.IsZero() && (last.IsZero() || s.LastReviewed.End().After(last.End())) {
		last = s.LastReviewed
	}
	if last.IsZero() {
		return true
	}
	return !now.Before(last.End().Add(reviewAfter))
}

// DueForReview reports whether the record needs an editor at now: the
// event behind its status awaits verification, a time-limited measure has
// passed its end unconfirmed, a deadline has passed with no review since,
// or nothing has confirmed the record for longer than reviewAfter.
func (s RecordState) DueForReview(now time.Time, reviewAfter time.Duration) bool {
	if s.ReviewDue || s.EndedUnconfirmed(now) || s.Unconfirmed(now, reviewAfter) {
		return true
	}
	if s.DeadlinePassed(now) {
		end := s.StatusUntil.End()
		return s.LastReviewed.IsZero() || s.LastReviewed.Start().Before(end)
	}
	return false
}

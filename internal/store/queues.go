package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/accesswatch/accesswatch/internal/access"
)

// QueueFilter narrows the editors' work queues. User is the editor asking:
// events they entered are not theirs to verify, and their own changes are
// not "changes by others". Country and Org filter every queue (zero: all).
type QueueFilter struct {
	User    string
	Country string // ISO3
	Org     string // slug
	// Limit caps each list (<= 0: QueueLimit); counts are always whole.
	Limit int
}

// QueueLimit is how many items a work queue lists by default.
const QueueLimit = 50

// Queues are the editors' work queues: what the admin home opens on.
type Queues struct {
	// Awaiting: events that await verification, entered by someone else,
	// oldest entry first.
	Awaiting []access.EventView
	// DueForReview: records due for review, the longest unconfirmed first.
	DueForReview []access.RecordView
	// PastEnd: records whose status is a time-limited measure past its
	// stated end with nothing confirming it since.
	PastEnd []access.RecordView
	// Recent: the latest events entered by others, newest entry first.
	Recent []access.EventView
	// Counts of each queue, whole (before Limit).
	AwaitingCount, DueCount, PastEndCount, RecentCount int
}

// recentQueueSize is how many of the latest changes by others the queue
// keeps: it is a window on recent work, not a backlog.
const recentQueueSize = 20

const queueEventWhere = `
WHERE (:country = '' OR e.country_code = :country)
  AND (:org = '' OR o.slug = :org)
  AND e.entered_by <> :user
  AND e.id NOT IN (SELECT event_id FROM event_corrections)`

// WorkQueues returns the work queues of f.User, filtered by f (editors'
// reads: private events and records included).
func (s *Store) WorkQueues(ctx context.Context, f QueueFilter) (Queues, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = QueueLimit
	}
	args := []any{sql.Named("country", f.Country), sql.Named("org", f.Org), sql.Named("user", f.User)}
	var q Queues
	var err error
	q.Awaiting, err = s.queryEvents(ctx, s.reader, eventSelect+queueEventWhere+` AND `+unverified+`
ORDER BY e.entered_at, e.id`, args...)
	if err != nil {
		return q, fmt.Errorf("queue awaiting verification: %w", err)
	}
	q.AwaitingCount = len(q.Awaiting)
	q.Awaiting = q.Awaiting[:min(limit, len(q.Awaiting))]

	q.Recent, err = s.queryEvents(ctx, s.reader, eventSelect+queueEventWhere+`
ORDER BY e.entered_at DESC, e.id DESC LIMIT `+fmt.Sprint(min(limit, recentQueueSize)), args...)
	if err != nil {
		return q, fmt.Errorf("queue recent changes: %w", err)
	}
	q.RecentCount = len(q.Recent)

	recs, _, err := s.Records(ctx, RecordFilter{Country: f.Country, Org: f.Org, IncludePrivate: true, Sort: SortCountry})
	if err != nil {
		return q, fmt.Errorf("queue records: %w", err)
	}
	now := s.now()
	for _, r := range recs {
		if r.DueForReview(now, s.reviewAfter) {
			q.DueForReview = append(q.DueForReview, r)
		}
		if r.EndedUnconfirmed(now) {
			q.PastEnd = append(q.PastEnd, r)
		}
	}
	// Oldest first: the record least recently confirmed (by a review or
	// a dated event) comes first.
	slices.SortStableFunc(q.DueForReview, func(a, b access.RecordView) int {
		return lastConfirmed(a).Compare(lastConfirmed(b))
	})
	q.DueCount, q.PastEndCount = len(q.DueForReview), len(q.PastEnd)
	q.DueForReview = q.DueForReview[:min(limit, len(q.DueForReview))]
	q.PastEnd = q.PastEnd[:min(limit, len(q.PastEnd))]
	return q, nil
}

// lastConfirmed is the later of a record's last review and latest event.
func lastConfirmed(r access.RecordView) access.Date {
	if r.LastReviewed.Compare(r.LatestEvent) > 0 {
		return r.LastReviewed
	}
	return r.LatestEvent
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

// EventFilter selects events. Zero fields do not filter.
type EventFilter struct {
	Country string // ISO3
	Org     string // slug
	// ClassLevelOnly keeps only class-level measures.
	ClassLevelOnly bool
	// Since keeps events dated at or after the start of Since; Until keeps
	// events dated before the end of Until (both at their precision).
	Since, Until access.Date
	Types        []access.EventType // any of
	// AfterVersion keeps events that took their record past this version
	// (with Country and Org: "what changed since I loaded the page").
	AfterVersion int64
	OldestFirst  bool // default: newest first
	// IncludePrivate also returns private events (awaiting verification
	// while it is required): for editors' reads only.
	IncludePrivate bool
	Limit          int // <= 0: no limit
	Offset         int
}

const eventSelect = `SELECT e.id, e.country_code, c.name, COALESCE(e.record_id, 0), e.record_version,
	COALESCE(o.slug, ''), COALESCE(o.name, ''), COALESCE(o.acronym, ''), COALESCE(o.type, ''), COALESCE(o.website, ''),
	e.date, e.type, e.status_after, e.initiated_by, e.authority, e.instrument, e.reason, e.reason_category,
	e.constraint_category, e.people, e.people_basis, e.people_period, e.presence_since, e.description,
	CASE WHEN v.event_id IS NULL THEN e.verification ELSE 'verified' END, e.entered_by, e.entered_at, e.people_affected,
	e.until, e.supersedes, e.text_lang,
	COALESCE(x.kind, ''), COALESCE(x.by_event, 0), COALESCE(x.reason, ''), COALESCE(x.actor, ''), COALESCE(x.at, ''),
	e.note, COALESCE(v.actor, ''), COALESCE(v.at, ''), COALESCE(v.reason, ''), e.id IN ` + privateEvents + `
FROM events e
JOIN countries c ON c.code = e.country_code
LEFT JOIN records r ON r.id = e.record_id
LEFT JOIN organisations o ON o.id = r.org_id
LEFT JOIN event_corrections x ON x.event_id = e.id
LEFT JOIN event_verifications v ON v.event_id = e.id`

const eventWhere = `
WHERE (:country = '' OR e.country_code = :country)
  AND (:org = '' OR o.slug = :org)
  AND (:class_only = 0 OR e.record_id IS NULL)
  AND (:since = '' OR e.date >= :since)
  AND (:until = '' OR e.date < :until)
  AND (:types = '' OR e.type IN (SELECT value FROM json_each(:types)))
  AND (:after_version = 0 OR e.record_version > :after_version)
  AND (:include_private = 1 OR ` + publicEvent + `)`

const eventPage = `
LIMIT :limit OFFSET :offset`

var (
	eventsNewestFirst = eventSelect + eventWhere + `
ORDER BY e.date DESC, e.id DESC` + eventPage
	eventsOldestFirst = eventSelect + eventWhere + `
ORDER BY e.date, e.id` + eventPage
	eventCount = `SELECT COUNT(*) FROM events e
LEFT JOIN records r ON r.id = e.record_id
LEFT JOIN organisations o ON o.id = r.org_id` + eventWhere
)

func (f EventFilter) args() []any {
	var since, until string
	if !f.Since.IsZero() {
		since = boundary(f.Since.Start())
	}
	if !f.Until.IsZero() {
		until = boundary(f.Until.End())
	}
	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	return []any{
		sql.Named("country", f.Country),
		sql.Named("org", f.Org),
		sql.Named("class_only", boolInt(f.ClassLevelOnly)),
		sql.Named("since", since),
		sql.Named("until", until),
		sql.Named("types", jsonList(f.Types)),
		sql.Named("after_version", f.AfterVersion),
		sql.Named("include_private", boolInt(f.IncludePrivate)),
		sql.Named("limit", limit),
		sql.Named("offset", max(f.Offset, 0)),
	}
}

// boundary writes the instant t (midnight UTC) as the coarsest ISO date
// that starts at t: "2026" for 1 Jan 2026, "2025-07" for 1 Jul 2025,
// "2025-06-06" otherwise. Event dates sort as text with a coarser date
// before the finer dates it contains, so "e.date >= boundary" keeps exactly
// the dates that start at or after t, and "e.date < boundary" those that
// start before it ("2025-07" starts on 1 Jul 2025, not before it, though
// "2025-07" < "2025-07-01" as text).
func boundary(t time.Time) string {
	p := access.PrecisionDay
	switch {
	case t.Month() == time.January && t.Day() == 1:
		p = access.PrecisionYear
	case t.Day() == 1:
		p = access.PrecisionMonth
	}
	return access.Date{Year: t.Year(), Month: t.Month(), Day: t.Day(), Precision: p}.ISO()
}

func scanEvent(row interface{ Scan(...any) error }) (access.EventView, error) {
	var v access.EventView
	var d, entered string
	var people, affected sql.NullInt64
	var basis, period, until string
	var c access.Correction
	var correctedAt string
	var conf access.Confirmation
	var confirmedAt string
	err := row.Scan(&v.ID, &v.CountryCode, &v.CountryName, &v.RecordID, &v.RecordVersion,
		&v.Org.Slug, &v.Org.Name, &v.Org.Acronym, &v.Org.Type, &v.Org.Website,
		&d, &v.Type, &v.StatusAfter, &v.InitiatedBy, &v.Authority, &v.Instrument, &v.Reason, &v.ReasonCategory,
		&v.Constraint, &people, &basis, &period, &v.PresenceSince, &v.Description,
		&v.Verification, &v.EnteredBy, &entered, &affected, &until, &v.Supersedes, &v.TextLang,
		&c.Kind, &c.ByEvent, &c.Reason, &c.By, &correctedAt,
		&v.Note, &conf.By, &confirmedAt, &conf.Reason, &v.Private)
	if conf.By != "" {
		conf.At = parseTimestamp(confirmedAt)
		v.Confirmation = &conf
	}
	v.OrgSlug = v.Org.Slug
	v.Date, v.Until = date(d), date(until)
	v.Reach = reach(people, basis, period)
	v.PeopleAffected = optionalCount(affected)
	v.EnteredAt = parseTimestamp(entered)
	if c.Kind != "" {
		c.At = parseTimestamp(correctedAt)
		v.Correction = &c
	}
	return v, err
}

// Events returns the events f selects with their sources, and how many
// events match in all (ignoring Limit and Offset).
func (s *Store) Events(ctx context.Context, f EventFilter) ([]access.EventView, int, error) {
	query := eventsNewestFirst
	if f.OldestFirst {
		query = eventsOldestFirst
	}
	args := f.args()
	out, err := s.queryEvents(ctx, s.reader, query, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list events: %w", err)
	}
	total := len(out)
	if f.Limit > 0 || f.Offset > 0 {
		if err := s.reader.QueryRowContext(ctx, eventCount, args[:8]...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count events: %w", err)
		}
	}
	return out, total, nil
}

// Event returns one event with its sources, private or not (for editors).
func (s *Store) Event(ctx context.Context, id int64) (access.EventView, error) {
	out, err := s.queryEvents(ctx, s.reader, eventSelect+`
WHERE e.id = ?`, id)
	if err != nil {
		return access.EventView{}, fmt.Errorf("event %d: %w", id, err)
	}
	if len(out) == 0 {
		return access.EventView{}, fmt.Errorf("event %d: %w", id, ErrNotFound)
	}
	return out[0], nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryEvents runs an event query and attaches every event's sources with
// one more query.
func (s *Store) queryEvents(ctx context.Context, q querier, query string, args ...any) ([]access.EventView, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []access.EventView
	for rows.Next() {
		v, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	for i, v := range out {
		ids[i] = v.ID
	}
	sources, err := querySources(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Sources = sources[out[i].ID]
	}
	return out, nil
}

// Sources returns the sources of the given events, by event id.
func (s *Store) Sources(ctx context.Context, eventIDs []int64) (map[int64][]access.Source, error) {
	m, err := querySources(ctx, s.reader, eventIDs)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	return m, nil
}

func querySources(ctx context.Context, q querier, ids []int64) (map[int64][]access.Source, error) {
	out := map[int64][]access.Source{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT event_id, publisher, url, title, date, type, archived_url FROM event_sources
		WHERE event_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) ORDER BY event_id, position`, jsonList(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var src access.Source
		var d string
		if err := rows.Scan(&id, &src.Publisher, &src.URL, &src.Title, &d, &src.Type, &src.ArchivedURL); err != nil {
			return nil, err
		}
		src.Date = date(d)
		out[id] = append(out[id], src)
	}
	return out, rows.Err()
}

// foldInputs reads the parts of a record's events that access.Fold uses.
func foldInputs(ctx context.Context, tx *sql.Tx, recordID int64) ([]access.Event, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, date, type, status_after, initiated_by, people, people_basis,
		people_period, presence_since,
		CASE WHEN verification = 'pending' AND id IN (SELECT event_id FROM event_verifications) THEN 'verified' ELSE verification END,
		until FROM events e
		WHERE record_id = ? AND id NOT IN (SELECT event_id FROM event_corrections) AND `+publicEvent, recordID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []access.Event
	for rows.Next() {
		var e access.Event
		var d string
		var people sql.NullInt64
		var basis, period, until string
		if err := rows.Scan(&e.ID, &d, &e.Type, &e.StatusAfter, &e.InitiatedBy, &people, &basis, &period,
			&e.PresenceSince, &e.Verification, &until); err != nil {
			return nil, err
		}
		e.Date, e.Reach, e.Until = date(d), reach(people, basis, period), date(until)
		out = append(out, e)
	}
	return out, rows.Err()
}

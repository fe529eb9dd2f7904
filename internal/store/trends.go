package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/accesswatch/accesswatch/internal/access"
)

// trendEvents selects what folding a record's status needs, for every
// record event (class-level measures change no record and are left out),
// without the sources, descriptions and joins a timeline needs: the trend
// charts read every event of the database. There is one text per scope
// (an optional filter such as "(:country = ” OR ...)" cannot use the
// events_country index) and no ORDER BY: access.NewHistory orders each
// record's events itself, and reading 20,000 events in date order through
// events_date costs several times the plain scan.
// Retracted and superseded events are left out: they count for nothing.
const trendEvents = `SELECT e.id, e.country_code, o.slug, e.date, e.type, e.status_after, e.initiated_by, ` + effectiveVerification + `, e.until
FROM events e
JOIN records r ON r.id = e.record_id
JOIN organisations o ON o.id = r.org_id
WHERE e.id NOT IN (SELECT event_id FROM event_corrections) AND ` + publicEvent

const trendEventsOfCountry = trendEvents + `
  AND e.country_code = :country`

// trendEventCount sizes TrendEvents' result before reading it: growing a
// slice of 20,000 events as rows arrive costs more than reading them.
const (
	trendEventCount          = `SELECT COUNT(*) FROM events WHERE record_id IS NOT NULL`
	trendEventCountOfCountry = trendEventCount + ` AND country_code = :country`
)

// TrendEvents returns the record events of a country (every country when
// country is ""), in no particular order, with the fields that decide a
// status: ID, country, organisation, date, type, status after, initiated
// by, verification and until. Reach, presence, descriptions and sources
// are not loaded. Retracted and superseded events are left out.
func (s *Store) TrendEvents(ctx context.Context, country string) ([]access.Event, error) {
	query, count, args := trendEvents, trendEventCount, []any(nil)
	if country != "" {
		query, count, args = trendEventsOfCountry, trendEventCountOfCountry, []any{sql.Named("country", country)}
	}
	var n int
	if err := s.reader.QueryRowContext(ctx, count, args...).Scan(&n); err != nil {
		return nil, fmt.Errorf("trend events: %w", err)
	}
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("trend events: %w", err)
	}
	defer rows.Close()
	out := make([]access.Event, 0, n) // a hint: a commit in between only means a regrowth
	for rows.Next() {
		var e access.Event
		var d, until string
		if err := rows.Scan(&e.ID, &e.CountryCode, &e.OrgSlug, &d, &e.Type, &e.StatusAfter, &e.InitiatedBy, &e.Verification, &until); err != nil {
			return nil, fmt.Errorf("trend events: %w", err)
		}
		e.Date, e.Until = date(d), date(until)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("trend events: %w", err)
	}
	return out, nil
}

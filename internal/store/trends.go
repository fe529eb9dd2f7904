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
// charts read every event of the database.
const trendEvents = `SELECT e.id, e.country_code, o.slug, e.date, e.type, e.status_after, e.initiated_by, e.verification
FROM events e
JOIN records r ON r.id = e.record_id
JOIN organisations o ON o.id = r.org_id
WHERE (:country = '' OR e.country_code = :country)
ORDER BY e.date, e.id`

// TrendEvents returns the record events of a country (every country when
// country is ""), oldest first, with the fields that decide a status: ID,
// country, organisation, date, type, status after, initiated by and
// verification. Reach, presence, descriptions and sources are not loaded.
func (s *Store) TrendEvents(ctx context.Context, country string) ([]access.Event, error) {
	rows, err := s.reader.QueryContext(ctx, trendEvents, sql.Named("country", country))
	if err != nil {
		return nil, fmt.Errorf("trend events: %w", err)
	}
	defer rows.Close()
	var out []access.Event
	for rows.Next() {
		var e access.Event
		var d string
		if err := rows.Scan(&e.ID, &e.CountryCode, &e.OrgSlug, &d, &e.Type, &e.StatusAfter, &e.InitiatedBy, &e.Verification); err != nil {
			return nil, fmt.Errorf("trend events: %w", err)
		}
		e.Date = date(d)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("trend events: %w", err)
	}
	return out, nil
}

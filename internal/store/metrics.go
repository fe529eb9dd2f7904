package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/accesswatch/accesswatch/internal/access"
)

// MetricsRecord is a record reduced to what the Prometheus metrics show.
type MetricsRecord struct {
	Country      string // ISO3
	Org          string // slug
	Status       access.Status
	Reach        int64 // latest reach figure, people; meaningful only when ReachKnown
	ReachKnown   bool
	ReachLost    int64       // Reach when Status is in the lost set, else 0 (records.reach_lost)
	Flagged      bool        // see access.Status.Flagged
	StatusSince  access.Date // zero when no event set the status
	LastReviewed access.Date // zero when never reviewed
}

// MetricsOrg is an organisation's display facts for accesswatch_organisation_info.
type MetricsOrg struct {
	Slug string
	Name string
	Type access.OrgType
}

// StatusEventCount counts the events of a country that set a status.
type StatusEventCount struct {
	Country string
	Status  access.Status
	Events  int64
}

// MetricsData is everything the Prometheus exporter reports about the
// data, read in one read transaction so the parts agree with each other.
type MetricsData struct {
	Records      []MetricsRecord    // ordered by country, organisation
	Orgs         []MetricsOrg       // every organisation, ordered by slug
	StatusEvents []StatusEventCount // ordered by country, status
}

const metricsRecordsQuery = `SELECT r.country_code, o.slug, r.status, r.reach_people, r.reach_lost, r.flagged, r.status_since, r.last_reviewed
FROM records r
JOIN organisations o ON o.id = r.org_id
ORDER BY r.country_code, o.slug`

const metricsOrgsQuery = `SELECT slug, name, type FROM organisations ORDER BY slug`

// metricsStatusEventsQuery counts every event that set a status, whether or
// not the status differed from the one before: events are append-only, so
// this count only ever grows, which is what a Prometheus counter needs.
// Counting real transitions instead could shrink when a back-dated event is
// inserted between two others.
const metricsStatusEventsQuery = `SELECT country_code, status_after, COUNT(*)
FROM events
WHERE status_after <> ''
GROUP BY country_code, status_after
ORDER BY country_code, status_after`

// MetricsData reads the data behind the Prometheus metrics. The three
// queries run in one read transaction, so they see the same commit.
func (s *Store) MetricsData(ctx context.Context) (MetricsData, error) {
	var out MetricsData
	tx, err := s.reader.BeginTx(ctx, nil)
	if err != nil {
		return out, fmt.Errorf("metrics data: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // read-only: nothing to commit

	if err := queryEach(ctx, tx, metricsRecordsQuery, func(rows *sql.Rows) error {
		var r MetricsRecord
		var reach sql.NullInt64
		var since, reviewed string
		if err := rows.Scan(&r.Country, &r.Org, &r.Status, &reach, &r.ReachLost, &r.Flagged, &since, &reviewed); err != nil {
			return err
		}
		r.Reach, r.ReachKnown = reach.Int64, reach.Valid
		r.StatusSince, r.LastReviewed = date(since), date(reviewed)
		out.Records = append(out.Records, r)
		return nil
	}); err != nil {
		return MetricsData{}, fmt.Errorf("metrics data: records: %w", err)
	}
	if err := queryEach(ctx, tx, metricsOrgsQuery, func(rows *sql.Rows) error {
		var o MetricsOrg
		if err := rows.Scan(&o.Slug, &o.Name, &o.Type); err != nil {
			return err
		}
		out.Orgs = append(out.Orgs, o)
		return nil
	}); err != nil {
		return MetricsData{}, fmt.Errorf("metrics data: organisations: %w", err)
	}
	if err := queryEach(ctx, tx, metricsStatusEventsQuery, func(rows *sql.Rows) error {
		var c StatusEventCount
		if err := rows.Scan(&c.Country, &c.Status, &c.Events); err != nil {
			return err
		}
		out.StatusEvents = append(out.StatusEvents, c)
		return nil
	}); err != nil {
		return MetricsData{}, fmt.Errorf("metrics data: status events: %w", err)
	}
	return out, nil
}

// queryEach runs a query in tx and calls scan for every row.
func queryEach(ctx context.Context, tx *sql.Tx, query string, scan func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/accesswatch/accesswatch/internal/access"
)

// The overview's read queries: the headline figures and the records the
// overview lists besides the flagged ones. Like records.go, every order has
// its own complete query text; input only ever reaches SQL as parameters.

// currentlyFlagged is the SQL condition for a record flagged today
// (:today, an ISO day): flagged, and not a time-limited measure past its
// end with no later event (access.RecordState.FlaggedAt).
const currentlyFlagged = `flagged = 1 AND NOT (measure_ends <> '' AND measure_ends <= :today AND latest_event < measure_ends)`

// flaggedToday is currentlyFlagged for a query that names records r.
const flaggedToday = `(r.flagged = 1 AND NOT (r.measure_ends <> '' AND r.measure_ends <= :today AND r.latest_event < r.measure_ends))`

// today is the :today parameter of flaggedToday and currentlyFlagged: the
// store's clock's UTC day.
func (s *Store) today() sql.NamedArg {
	return sql.Named("today", access.DayOf(s.now().UTC()).ISO())
}

// Headline computes the headline figures at the store's clock. recentSince
// is the first day that counts towards RecentChanges (an event counts when
// its date, at its precision, starts on or after that day).
func (s *Store) Headline(ctx context.Context, recentSince access.Date) (access.Headline, error) {
	var h access.Headline
	err := s.reader.QueryRowContext(ctx, `SELECT
	(SELECT COUNT(DISTINCT org_id) FROM records WHERE `+currentlyFlagged+`),
	(SELECT COUNT(*) FROM records WHERE `+currentlyFlagged+`),
	(SELECT COUNT(DISTINCT country_code) FROM records WHERE `+currentlyFlagged+`),
	(SELECT COALESCE(SUM(reach_lost), 0) FROM records),
	(SELECT COUNT(*) FROM events e WHERE status_after <> '' AND record_id IS NOT NULL AND type <> 'presence_recorded'
		AND date >= :since AND id NOT IN (SELECT event_id FROM event_corrections) AND `+publicEvent+`)`,
		sql.Named("since", recentSince.ISO()), s.today()).
		Scan(&h.FlaggedOrgs, &h.FlaggedRecords, &h.CountriesAffected, &h.PeopleLost, &h.RecentChanges)
	if err != nil {
		return access.Headline{}, fmt.Errorf("headline figures: %w", err)
	}
	lost, err := s.LostReach(ctx, "", LargestLostFigures)
	if err != nil {
		return access.Headline{}, fmt.Errorf("headline figures: %w", err)
	}
	h.LostByBasis, h.LargestLost, h.WithFigure, h.WithoutFigure = lost.ByBasis, lost.Largest, lost.WithFigure, lost.WithoutFigure
	counts, err := s.ClassMeasureCounts(ctx)
	if err != nil {
		return access.Headline{}, fmt.Errorf("headline figures: %w", err)
	}
	for _, n := range counts {
		h.ClassMeasuresInForce += n
		h.ClassMeasureCountries++
	}
	due, err := s.DueForReview(ctx, "")
	if err != nil {
		return access.Headline{}, fmt.Errorf("headline figures: %w", err)
	}
	h.DueForReview = len(due)
	if h.AsOf, err = s.DataAsOf(ctx); err != nil {
		return access.Headline{}, fmt.Errorf("headline figures: %w", err)
	}
	return h, nil
}

// ---- records besides the flagged ones

// UnflaggedRecords returns records that are not flagged, by country name,
// then most severe status first, at most limit of them (<= 0: all), and
// how many there are in all.
func (s *Store) UnflaggedRecords(ctx context.Context, limit int) ([]access.RecordView, int, error) {
	rows, err := s.reader.QueryContext(ctx, recordSelect+`
WHERE NOT `+flaggedToday+` AND `+publicRecord+`
ORDER BY c.name, r.severity DESC, r.reach_lost DESC, o.name, r.id
LIMIT :limit`, sql.Named("limit", pageLimit(limit)), s.today())
	if err != nil {
		return nil, 0, fmt.Errorf("list unflagged records: %w", err)
	}
	defer rows.Close()
	var out []access.RecordView
	for rows.Next() {
		v, err := scanRecord(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list unflagged records: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list unflagged records: %w", err)
	}
	total := len(out)
	if limit > 0 && total == limit {
		if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM records WHERE NOT (`+currentlyFlagged+`) AND private = 0`, s.today()).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count unflagged records: %w", err)
		}
	}
	return out, total, nil
}

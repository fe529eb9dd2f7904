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

// Headline computes the headline figures. recentSince is the first day that
// counts towards RecentChanges (an event counts when its date, at its
// precision, starts on or after that day).
func (s *Store) Headline(ctx context.Context, recentSince access.Date) (access.Headline, error) {
	var h access.Headline
	err := s.reader.QueryRowContext(ctx, `SELECT
	(SELECT COUNT(DISTINCT org_id) FROM records WHERE flagged = 1),
	(SELECT COUNT(*) FROM records WHERE flagged = 1),
	(SELECT COUNT(DISTINCT country_code) FROM records WHERE flagged = 1),
	(SELECT COALESCE(SUM(reach_lost), 0) FROM records),
	(SELECT COUNT(*) FROM events WHERE status_after <> '' AND date >= :since)`,
		sql.Named("since", recentSince.ISO())).Scan(&h.FlaggedOrgs, &h.FlaggedRecords, &h.CountriesAffected, &h.PeopleLost, &h.RecentChanges)
	if err != nil {
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
WHERE r.flagged = 0
ORDER BY c.name, r.severity DESC, r.reach_lost DESC, o.name, r.id
LIMIT :limit`, sql.Named("limit", pageLimit(limit)))
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
		if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM records WHERE flagged = 0`).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count unflagged records: %w", err)
		}
	}
	return out, total, nil
}

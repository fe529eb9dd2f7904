package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

// Single-table reads and writes of the write path. Each is one indexed
// lookup; statements are the same text every time, so the writer
// connection's statement cache keeps them prepared.

// countryRow is what a record shows of its country.
type countryRow struct{ Name, Region string }

// countryInTx reads a country's name and region; ErrNotFound if absent.
func countryInTx(ctx context.Context, tx *sql.Tx, code string) (countryRow, error) {
	var c countryRow
	err := tx.QueryRowContext(ctx, `SELECT name, region FROM countries WHERE code = ?`, code).Scan(&c.Name, &c.Region)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, err
}

// orgInTx reads an organisation and its row id; id 0 if absent.
func orgInTx(ctx context.Context, tx *sql.Tx, slug string) (access.Org, int64, error) {
	var o access.Org
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id, `+orgColumns+` FROM organisations WHERE slug = ?`, slug).
		Scan(&id, &o.Slug, &o.Name, &o.Acronym, &o.Type, &o.Website)
	if errors.Is(err, sql.ErrNoRows) {
		return access.Org{}, 0, nil
	}
	return o, id, err
}

// recordRowInTx reads the record of an organisation (by row id) in a
// country, without its organisation and country; ErrNotFound if absent.
func recordRowInTx(ctx context.Context, tx *sql.Tx, country string, orgID int64) (access.RecordView, error) {
	var v access.RecordView
	var since, reachDate, reviewed, updated, basis, period, until, latest string
	var people sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT id, status, status_since, status_initiated_by, status_event_id, presence_since,
		reach_people, reach_basis, reach_period, reach_date, last_reviewed, review_due, summary, version, updated_at, updated_by,
		status_until, status_until_kind, latest_event
		FROM records WHERE country_code = ? AND org_id = ?`, country, orgID).
		Scan(&v.ID, &v.Status, &since, &v.StatusInitiatedBy, &v.StatusEventID, &v.PresenceSince, &people, &basis, &period,
			&reachDate, &reviewed, &v.ReviewDue, &v.Summary, &v.Version, &updated, &v.UpdatedBy, &until, &v.StatusUntilKind, &latest)
	if errors.Is(err, sql.ErrNoRows) {
		return v, ErrNotFound
	}
	v.CountryCode = country
	v.StatusSince, v.ReachDate, v.LastReviewed = date(since), date(reachDate), date(reviewed)
	v.StatusUntil, v.LatestEvent = date(until), date(latest)
	v.Reach = reach(people, basis, period)
	v.UpdatedAt = parseTimestamp(updated)
	return v, err
}

// insertRecord creates a record with no events yet (status unknown,
// version 0) and returns it as a read would.
func insertRecord(ctx context.Context, tx *sql.Tx, country string, orgID int64, now time.Time, actor string) (access.RecordView, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO records (country_code, org_id, status, updated_at, updated_by) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		country, orgID, access.StatusUnknown, timestamp(now), actor).Scan(&id)
	if err != nil {
		return access.RecordView{}, fmt.Errorf("create record: %w", err)
	}
	v := access.RecordView{Record: access.Record{ID: id, CountryCode: country, UpdatedAt: parseTimestamp(timestamp(now)), UpdatedBy: actor}}
	v.Status = access.StatusUnknown
	return v, nil
}

// updateRecord stores a record's derived state, version and bookkeeping,
// if the record is still at version was.
func updateRecord(ctx context.Context, tx *sql.Tx, r access.RecordView, was int64) error {
	people, basis, period := reachColumns(r.Reach)
	res, err := tx.ExecContext(ctx, `UPDATE records SET status = ?, status_since = ?, status_initiated_by = ?,
		status_event_id = ?, presence_since = ?, reach_people = ?, reach_basis = ?, reach_period = ?, reach_date = ?, last_reviewed = ?,
		review_due = ?, flagged = ?, severity = ?, reach_lost = ?, version = ?, updated_at = ?, updated_by = ?,
		status_until = ?, status_until_kind = ?, measure_ends = ?, latest_event = ?
		WHERE id = ? AND version = ?`,
		r.Status, r.StatusSince.ISO(), r.StatusInitiatedBy, r.StatusEventID, r.PresenceSince, people, basis, period,
		r.ReachDate.ISO(), r.LastReviewed.ISO(), r.ReviewDue, r.Flagged(), r.Status.Severity(), r.ReachLost(),
		r.Version, timestamp(r.UpdatedAt), r.UpdatedBy, r.StatusUntil.ISO(), r.StatusUntilKind, measureEnds(r.RecordState),
		r.LatestEvent.ISO(), r.ID, was)
	if err != nil {
		return fmt.Errorf("update record: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("update record: %d rows changed (%v)", n, err)
	}
	return nil
}

// asStored is a derived state as the records table gives it back: dates
// through their ISO text, the reach through its columns.
func asStored(st access.RecordState) access.RecordState {
	st.StatusSince, st.ReachDate, st.LastReviewed = date(st.StatusSince.ISO()), date(st.ReachDate.ISO()), date(st.LastReviewed.ISO())
	st.StatusUntil, st.LatestEvent = date(st.StatusUntil.ISO()), date(st.LatestEvent.ISO())
	st.Reach = reach(reachColumns(st.Reach))
	return st
}

// measureEnds is the records.measure_ends column: for a time-limited
// measure, the coarsest ISO date that starts at the instant it is over (see
// boundary), so that "measure_ends <= today" holds from that instant on and
// "latest_event < measure_ends" holds for events that start before it; ""
// for any other status.
func measureEnds(st access.RecordState) string {
	if st.StatusUntilKind != access.UntilEnds || st.StatusUntil.IsZero() {
		return ""
	}
	return boundary(st.StatusUntil.End())
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

// Read models that tell the figures truly: reach lost per basis, class-level
// measures in force, how current the data is. The rules live in package
// access; these methods read what they need and apply them at the store's
// clock.

// lostStatuses are the statuses whose reach counts as lost.
func lostStatuses() []access.Status {
	var out []access.Status
	for _, st := range access.Statuses {
		if st.ReachLost() {
			out = append(out, st)
		}
	}
	return out
}

// LargestLostFigures is how many of the largest lost figures the read
// models keep.
const LargestLostFigures = 5

// LostReach sums up the reach lost at the store's clock over the records of
// a country (every country when country is ""), never adding figures of
// different bases (see access.SummariseLost). top bounds Largest (<= 0: all).
func (s *Store) LostReach(ctx context.Context, country string, top int) (access.LostSummary, error) {
	recs, _, err := s.Records(ctx, RecordFilter{Country: country, Statuses: lostStatuses()})
	if err != nil {
		return access.LostSummary{}, fmt.Errorf("lost reach: %w", err)
	}
	return access.SummariseLost(asRecords(recs), s.now(), top), nil
}

// lostByCountry is LostReach for every country at once.
func (s *Store) lostByCountry(ctx context.Context, top int) (map[string]access.LostSummary, error) {
	recs, _, err := s.Records(ctx, RecordFilter{Statuses: lostStatuses()})
	if err != nil {
		return nil, fmt.Errorf("lost reach: %w", err)
	}
	byCountry := map[string][]access.Record{}
	for _, r := range recs {
		byCountry[r.CountryCode] = append(byCountry[r.CountryCode], r.Record)
	}
	now := s.now()
	out := make(map[string]access.LostSummary, len(byCountry))
	for c, rs := range byCountry {
		out[c] = access.SummariseLost(rs, now, top)
	}
	return out, nil
}

func asRecords(views []access.RecordView) []access.Record {
	out := make([]access.Record, len(views))
	for i, v := range views {
		out[i] = v.Record
	}
	return out
}

// ClassMeasuresInForce returns the class-level measures in force at the
// store's clock in a country (every country when country is ""), by
// country in date order (see access.ClassMeasuresInForce for the rules).
func (s *Store) ClassMeasuresInForce(ctx context.Context, country string) ([]access.ClassMeasure, error) {
	evs, _, err := s.Events(ctx, EventFilter{Country: country, ClassLevelOnly: true, OldestFirst: true})
	if err != nil {
		return nil, fmt.Errorf("class measures: %w", err)
	}
	events := make([]access.Event, len(evs))
	for i, e := range evs {
		events[i] = e.Event
	}
	return access.ClassMeasuresInForce(events, s.now()), nil
}

// ClassMeasureCounts counts the class-level measures in force by country.
func (s *Store) ClassMeasureCounts(ctx context.Context) (map[string]int, error) {
	ms, err := s.ClassMeasuresInForce(ctx, "")
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, m := range ms {
		out[m.Event.CountryCode]++
	}
	return out, nil
}

// DataAsOf reads how current the data is.
func (s *Store) DataAsOf(ctx context.Context) (access.DataAsOf, error) {
	var newest, entered, corrected sql.NullString
	err := s.reader.QueryRowContext(ctx, `SELECT
	(SELECT MAX(date) FROM events e WHERE id NOT IN (SELECT event_id FROM event_corrections) AND `+publicEvent+`),
	(SELECT MAX(entered_at) FROM events e WHERE `+publicEvent+`),
	(SELECT MAX(at) FROM event_corrections)`).Scan(&newest, &entered, &corrected)
	if err != nil {
		return access.DataAsOf{}, fmt.Errorf("data as of: %w", err)
	}
	out := access.DataAsOf{NewestEvent: date(newest.String)}
	last := entered.String
	if corrected.String > last { // fixed-width UTC timestamps sort as text
		last = corrected.String
	}
	if last != "" {
		out.LastEntry = parseTimestamp(last)
	}
	return out, nil
}

// DueForReview returns the records due for review at the store's clock
// (see access.RecordState.DueForReview, with Options.ReviewAfter), of a
// country (every country when country is "").
func (s *Store) DueForReview(ctx context.Context, country string) ([]access.RecordView, error) {
	recs, _, err := s.Records(ctx, RecordFilter{Country: country, Sort: SortCountry})
	if err != nil {
		return nil, fmt.Errorf("records due for review: %w", err)
	}
	now := s.now()
	var out []access.RecordView
	for _, r := range recs {
		if r.DueForReview(now, s.reviewAfter) {
			out = append(out, r)
		}
	}
	return out, nil
}

// ReviewAfter is how long a record may go unconfirmed before it is due for
// review (Options.ReviewAfter).
func (s *Store) ReviewAfter() time.Duration { return s.reviewAfter }

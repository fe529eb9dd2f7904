package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

// MetricsRecord is a record reduced to what the Prometheus metrics show.
type MetricsRecord struct {
	Country      string // ISO3
	Org          string // slug
	Status       access.Status
	Reach        int64 // latest reach figure, people; meaningful only when ReachKnown
	ReachKnown   bool
	ReachBasis   access.ReachBasis // what Reach counts; "" when unknown
	ReachLost    int64             // Reach when Status is in the lost set, else 0 (records.reach_lost)
	Flagged      bool              // see access.Status.Flagged
	StatusSince  access.Date       // zero when no event set the status
	LastReviewed access.Date       // date of the last editor's review; zero when never reviewed

	// As of the clock reading of MetricsData.Now (see access.RecordState):
	// FlaggedNow: flagged and not a time-limited measure past its end;
	// LostNow: the reach counts as lost (a figure is known, the status is
	// in the lost set and its measure has not ended); DueForReview: the
	// record needs an editor; PastEnd: its time-limited measure ended
	// unconfirmed, or its deadline passed. Confirmed is the date of the
	// last confirmation (an editor's review or a dated event).
	FlaggedNow   bool
	LostNow      bool
	DueForReview bool
	PastEnd      bool
	Confirmed    access.Date
}

// ClassMeasureCount counts the class-level measures in force in a country
// that impose a status, and those of them whose deadline has passed.
type ClassMeasureCount struct {
	Country        string
	Status         access.Status
	Measures       int
	DeadlinePassed int
	// Latest is the date of the most recent of these measures (the event
	// that imposed or last changed it), for "recent measure" alerts.
	Latest access.Date
}

// MetricsCountry is a country's display facts for accesswatch_country_info.
type MetricsCountry struct {
	Code   string // ISO3
	Name   string
	Region string
}

// CountryCount is a count per country.
type CountryCount struct {
	Country string
	Count   int
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
	// StatusCorrections counts the status changes of StatusEvents that
	// were since retracted or superseded, ordered by country, status.
	StatusCorrections []StatusEventCount
	// ClassMeasures counts the class-level measures in force, ordered by
	// country, status.
	ClassMeasures []ClassMeasureCount
	// Countries is every country of the country list, ordered by code:
	// the status-change counters have a zero series for each, so that a
	// country's first change is an increase Prometheus can see.
	Countries []MetricsCountry
	// AwaitingVerification counts, per country, the events awaiting a
	// second editor's verification (countries with none are absent). nil
	// means "not counted": an exporter then leaves its gauge out rather
	// than report a false 0; MetricsData always counts them.
	AwaitingVerification []CountryCount
	// AwaitingArePrivate: verification is required, so the events counted
	// in AwaitingVerification are private; a public /metrics must not tell
	// that they exist (see metrics.Options.Token).
	AwaitingArePrivate bool
	// Now is the store's clock reading the time-dependent values were
	// worked out at.
	Now time.Time
}

const metricsRecordsQuery = `SELECT r.country_code, o.slug, r.status, r.reach_people, r.reach_basis, r.reach_lost, r.flagged,
	r.status_since, r.last_reviewed, r.status_initiated_by, r.status_until, r.status_until_kind, r.latest_event, r.review_due
FROM records r
JOIN organisations o ON o.id = r.org_id
WHERE ` + publicRecord + `
ORDER BY r.country_code, o.slug`

const metricsOrgsQuery = `SELECT slug, name, type FROM organisations ORDER BY slug`

const metricsCountriesQuery = `SELECT code, name, region FROM countries ORDER BY code`

// metricsStatusEventsQuery counts every record event ever recorded that set
// a status (presence_recorded aside: it records a presence, not a change),
// whether or not the status differed from the one before, and whether or
// not it was later retracted or superseded: events are append-only, so this
// count only ever grows, which is what a Prometheus counter needs. Counting
// real transitions instead could shrink when a back-dated event is inserted
// between two others; corrections are counted apart
// (metricsStatusCorrectionsQuery), and only grow too.
const metricsStatusEventsQuery = `SELECT country_code, status_after, COUNT(*)
FROM events e
WHERE status_after <> '' AND record_id IS NOT NULL AND type <> 'presence_recorded' AND ` + publicEvent + `
GROUP BY country_code, status_after
ORDER BY country_code, status_after`

// metricsStatusCorrectionsQuery counts the events of metricsStatusEventsQuery
// that were retracted or superseded.
const metricsStatusCorrectionsQuery = `SELECT e.country_code, e.status_after, COUNT(*)
FROM events e JOIN event_corrections x ON x.event_id = e.id
WHERE e.status_after <> '' AND e.record_id IS NOT NULL AND e.type <> 'presence_recorded' AND ` + publicEvent + `
GROUP BY e.country_code, e.status_after
ORDER BY e.country_code, e.status_after`

// MetricsData reads the data behind the Prometheus metrics. The three
// queries run in one read transaction, so they see the same commit.
func (s *Store) MetricsData(ctx context.Context) (MetricsData, error) {
	out := MetricsData{Now: s.now()}
	tx, err := s.reader.BeginTx(ctx, nil)
	if err != nil {
		return out, fmt.Errorf("metrics data: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // read-only: nothing to commit

	if err := queryEach(ctx, tx, metricsRecordsQuery, func(rows *sql.Rows) error {
		var r MetricsRecord
		var reach sql.NullInt64
		var since, reviewed, until, latest string
		var st access.RecordState
		if err := rows.Scan(&r.Country, &r.Org, &r.Status, &reach, &r.ReachBasis, &r.ReachLost, &r.Flagged, &since, &reviewed,
			&st.StatusInitiatedBy, &until, &st.StatusUntilKind, &latest, &st.ReviewDue); err != nil {
			return err
		}
		r.Reach, r.ReachKnown = reach.Int64, reach.Valid
		r.StatusSince, r.LastReviewed = date(since), date(reviewed)
		st.Status, st.StatusSince, st.LastReviewed, st.StatusUntil, st.LatestEvent = r.Status, r.StatusSince, r.LastReviewed, date(until), date(latest)
		if r.ReachKnown {
			st.Reach = &access.Reach{People: r.Reach, Basis: r.ReachBasis}
		}
		r.FlaggedNow, r.LostNow = st.FlaggedAt(out.Now), st.LostReachAt(out.Now) != nil
		r.DueForReview = st.DueForReview(out.Now, s.reviewAfter)
		r.PastEnd = st.EndedUnconfirmed(out.Now) || st.DeadlinePassed(out.Now)
		r.Confirmed = st.LatestEvent
		if r.LastReviewed.Compare(r.Confirmed) > 0 {
			r.Confirmed = r.LastReviewed
		}
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
	if err := queryEach(ctx, tx, metricsCountriesQuery, func(rows *sql.Rows) error {
		var c MetricsCountry
		if err := rows.Scan(&c.Code, &c.Name, &c.Region); err != nil {
			return err
		}
		out.Countries = append(out.Countries, c)
		return nil
	}); err != nil {
		return MetricsData{}, fmt.Errorf("metrics data: countries: %w", err)
	}
	out.AwaitingVerification, out.AwaitingArePrivate = []CountryCount{}, s.requireVerification
	if err := queryEach(ctx, tx, awaitingVerificationQuery, func(rows *sql.Rows) error {
		var c CountryCount
		if err := rows.Scan(&c.Country, &c.Count); err != nil {
			return err
		}
		out.AwaitingVerification = append(out.AwaitingVerification, c)
		return nil
	}); err != nil {
		return MetricsData{}, fmt.Errorf("metrics data: awaiting verification: %w", err)
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
	if err := queryEach(ctx, tx, metricsStatusCorrectionsQuery, func(rows *sql.Rows) error {
		var c StatusEventCount
		if err := rows.Scan(&c.Country, &c.Status, &c.Events); err != nil {
			return err
		}
		out.StatusCorrections = append(out.StatusCorrections, c)
		return nil
	}); err != nil {
		return MetricsData{}, fmt.Errorf("metrics data: status corrections: %w", err)
	}
	var classEvents []access.Event
	if err := queryEach(ctx, tx, metricsClassEventsQuery, func(rows *sql.Rows) error {
		var e access.Event
		var d, until string
		if err := rows.Scan(&e.ID, &e.CountryCode, &d, &e.Type, &e.StatusAfter, &until); err != nil {
			return err
		}
		e.Date, e.Until = date(d), date(until)
		classEvents = append(classEvents, e)
		return nil
	}); err != nil {
		return MetricsData{}, fmt.Errorf("metrics data: class measures: %w", err)
	}
	out.ClassMeasures = countClassMeasures(access.ClassMeasuresInForce(classEvents, out.Now))
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

// metricsClassEventsQuery reads the class-level events that still count,
// with what access.ClassMeasuresInForce needs.
const metricsClassEventsQuery = `SELECT id, country_code, date, type, status_after, until
FROM events e
WHERE record_id IS NULL AND id NOT IN (SELECT event_id FROM event_corrections) AND ` + publicEvent

// countClassMeasures counts measures in force by country and status.
func countClassMeasures(ms []access.ClassMeasure) []ClassMeasureCount {
	idx := map[[2]string]int{}
	var out []ClassMeasureCount
	for _, m := range ms {
		k := [2]string{m.Event.CountryCode, string(m.Status)}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, ClassMeasureCount{Country: k[0], Status: m.Status})
		}
		out[i].Measures++
		if m.DeadlinePassed {
			out[i].DeadlinePassed++
		}
		if m.Event.Date.Compare(out[i].Latest) > 0 {
			out[i].Latest = m.Event.Date
		}
	}
	slices.SortFunc(out, func(a, b ClassMeasureCount) int {
		if c := strings.Compare(a.Country, b.Country); c != 0 {
			return c
		}
		return strings.Compare(string(a.Status), string(b.Status))
	})
	return out
}

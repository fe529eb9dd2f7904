package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/accesswatch/accesswatch/internal/access"
)

// ImportOptions say who imports what, and whether to write at all.
type ImportOptions struct {
	// Actor is who imports, for the audit log: a username, or "import" for
	// the command line.
	Actor string
	// Source names what was imported (a file name), for the audit log.
	Source string
	// DryRun checks and counts everything, then writes nothing.
	DryRun bool
}

// ImportResult counts what an import did (for a dry run: would do).
type ImportResult struct {
	Rows           int // rows in the file
	Added          int // events recorded
	Duplicates     int // rows skipped because the database already holds their event
	OrgsCreated    int
	RecordsCreated int
}

// ImportEvent is one event to import (a row of an events CSV, already
// read and checked in form by the caller): the event and the organisation
// it concerns (zero for a class-level measure), created if new.
type ImportEvent struct {
	Event access.Event
	Org   access.Org
}

// NewEvent is what recording the event asks of the store: no version
// check, the organisation created if new.
func (e ImportEvent) NewEvent(actor string) NewEvent {
	in := NewEvent{Event: e.Event, ExpectedVersion: AnyVersion, Actor: actor}
	if !e.Event.ClassLevel() {
		org := e.Org
		in.Org = &org
	}
	return in
}

// RowProblem is one problem with one event of an import, which the
// database or the store's clock revealed.
type RowProblem struct {
	Row     int // index of the event in the import, from 0
	Problem access.FieldError
}

// ImportProblems lists every problem an import has; nothing was written.
type ImportProblems struct{ Problems []RowProblem }

func (e *ImportProblems) Error() string {
	return fmt.Sprintf("%d problem(s) in the import, first in event %d", len(e.Problems), e.Problems[0].Row+1)
}

// eventIdentity is what makes two events "the same event" for an import:
// organisation ("" for a class-level measure), country, date (at its
// precision), type, and the URL of the first (primary) source.
type eventIdentity struct {
	org, country, date, typ, url string
}

func identityOf(ev access.Event) eventIdentity {
	id := eventIdentity{org: ev.OrgSlug, country: ev.CountryCode, date: ev.Date.ISO(), typ: string(ev.Type)}
	if len(ev.Sources) > 0 {
		id.url = ev.Sources[0].URL
	}
	return id
}

const identityCount = `SELECT COUNT(*) FROM events e
LEFT JOIN records r ON r.id = e.record_id
LEFT JOIN organisations o ON o.id = r.org_id
LEFT JOIN event_sources s ON s.event_id = e.id AND s.position = 0
WHERE e.country_code = ? AND e.date = ? AND e.type = ? AND COALESCE(o.slug, '') = ? AND COALESCE(s.url, '') = ?`

// ImportEvents records events in one transaction: every one, or (on any
// problem) none. They are checked first against the database (the country
// must exist) and the store's clock; every problem is returned at once as an
// *ImportProblems naming each event by its index. Organisations and records
// are created as needed; an organisation that exists is kept as it is.
// Parsing a file into events is the caller's business (package opendata).
//
// Importing the same events twice adds nothing the second time: an event is
// a duplicate when the database already holds it (see eventIdentity).
// Identities are counted, not merely looked up, so that an import holding
// two events that share an identity adds both to a database holding
// neither, and exporting a database and importing the file elsewhere
// reproduces it exactly: the k-th event with an identity is a duplicate when
// the database held at least k such events before the import.
func (s *Store) ImportEvents(ctx context.Context, rows []ImportEvent, opt ImportOptions) (ImportResult, error) {
	res := ImportResult{Rows: len(rows)}
	err := s.changeData(ctx, func(tx *sql.Tx) error {
		if err := s.checkImport(ctx, tx, rows); err != nil {
			return err
		}
		held := map[eventIdentity]int{}
		for _, row := range rows {
			id := identityOf(row.Event)
			if _, ok := held[id]; ok {
				continue
			}
			var n int
			if err := tx.QueryRowContext(ctx, identityCount, id.country, id.date, id.typ, id.org, id.url).Scan(&n); err != nil {
				return fmt.Errorf("find duplicates: %w", err)
			}
			held[id] = n
		}
		orgsBefore, recordsBefore, err := countOrgsRecords(ctx, tx)
		if err != nil {
			return err
		}
		seen := map[eventIdentity]int{}
		for i, row := range rows {
			id := identityOf(row.Event)
			if seen[id]++; seen[id] <= held[id] {
				res.Duplicates++
				continue
			}
			if _, err := s.recordEventTx(ctx, tx, row.NewEvent(opt.Actor)); err != nil {
				if fe, ok := access.AsErrors(err); ok {
					return problemsOf(i, fe)
				}
				return fmt.Errorf("event %d: %w", i+1, err)
			}
			res.Added++
		}
		orgsAfter, recordsAfter, err := countOrgsRecords(ctx, tx)
		if err != nil {
			return err
		}
		res.OrgsCreated, res.RecordsCreated = orgsAfter-orgsBefore, recordsAfter-recordsBefore
		if err := s.audit(ctx, tx, opt.Actor, "import", "file", opt.Source, nil, map[string]any{
			"rows": res.Rows, "added": res.Added, "duplicates": res.Duplicates,
			"orgs_created": res.OrgsCreated, "records_created": res.RecordsCreated,
		}); err != nil {
			return err
		}
		switch {
		case opt.DryRun:
			return errUnchanged
		case res.Added == 0:
			// Every event was already held: the audit row is all there
			// is to keep, and the data version stays where it is.
			return errOnlyAudit
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// checkImport finds every problem the database or the store's clock reveals
// in the rows, before anything is written: anything the event's own
// validation rejects as of now (a file read yesterday may hold a date that
// was "today" then), and countries that do not exist.
func (s *Store) checkImport(ctx context.Context, tx *sql.Tx, rows []ImportEvent) error {
	now := s.now()
	var problems []RowProblem
	for i, row := range rows {
		if err := row.Event.Validate(now); err != nil {
			fe, ok := access.AsErrors(err)
			if !ok {
				return err
			}
			problems = append(problems, problemsOf(i, fe).Problems...)
		}
	}
	known := map[string]bool{}
	for i, row := range rows {
		code := row.Event.CountryCode
		if !access.ValidCountryCode(code) {
			continue // the event's own validation reports it
		}
		exists, checked := known[code]
		if !checked {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM countries WHERE code = ?`, code).Scan(&n); err != nil {
				return fmt.Errorf("find country: %w", err)
			}
			exists = n > 0
			known[code] = exists
		}
		if !exists {
			problems = append(problems, RowProblem{Row: i, Problem: access.FieldError{Field: "country", Code: access.CodeUnknownValue}})
		}
	}
	if len(problems) > 0 {
		slices.SortStableFunc(problems, func(a, b RowProblem) int { return cmp.Compare(a.Row, b.Row) })
		return &ImportProblems{Problems: problems}
	}
	return nil
}

// problemsOf names one event's problems.
func problemsOf(row int, fe access.Errors) *ImportProblems {
	out := &ImportProblems{Problems: make([]RowProblem, len(fe))}
	for i, p := range fe {
		out.Problems[i] = RowProblem{Row: row, Problem: p}
	}
	return out
}

func countOrgsRecords(ctx context.Context, tx *sql.Tx) (orgs, records int, err error) {
	err = tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM organisations), (SELECT COUNT(*) FROM records)`).Scan(&orgs, &records)
	if err != nil {
		err = fmt.Errorf("count organisations and records: %w", err)
	}
	return orgs, records, err
}

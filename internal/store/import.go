package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/dataset"
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
	// MaxRows refuses files with more events (ImportFile; <= 0: no limit).
	MaxRows int
}

// ImportResult counts what an import did (for a dry run: would do).
type ImportResult struct {
	Rows           int // rows in the file
	Added          int // events recorded
	Duplicates     int // rows skipped because the database already holds their event
	OrgsCreated    int
	RecordsCreated int
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

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

// ImportEvents records the rows of an events CSV in one transaction: every
// row, or (on any problem) none. Rows are checked first against the
// database (the country must exist) and the store's clock; every problem is
// returned at once as a *dataset.ImportError locating each by line and
// column. Organisations and records are created as needed; an organisation
// that exists is kept as it is.
//
// Importing the same file twice adds nothing the second time: a row is a
// duplicate when the database already holds its event (see eventIdentity).
// Identities are counted, not merely looked up, so that a file holding two
// events that share an identity adds both to a database holding neither, and
// exporting a database and importing the file elsewhere reproduces it
// exactly: the k-th row with an identity is a duplicate when the database
// held at least k such events before the import.
func (s *Store) ImportEvents(ctx context.Context, rows []dataset.EventRow, opt ImportOptions) (ImportResult, error) {
	res := ImportResult{Rows: len(rows)}
	err := inTx(ctx, s.writer, func(tx *sql.Tx) error {
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
		for _, row := range rows {
			id := identityOf(row.Event)
			if seen[id]++; seen[id] <= held[id] {
				res.Duplicates++
				continue
			}
			in := FromRows([]dataset.EventRow{row}, opt.Actor)[0]
			if _, err := s.recordEventTx(ctx, tx, in); err != nil {
				if fe, ok := access.AsErrors(err); ok {
					return locateAll(row, fe)
				}
				return fmt.Errorf("line %d: %w", row.Line, err)
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
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	switch {
	case errors.Is(err, errDryRun):
		return res, nil
	case err != nil:
		return ImportResult{}, err
	}
	s.committed()
	return res, nil
}

// ImportFile reads an events CSV (with or without its HXL row) and imports
// it with ImportEvents. A file with problems is rejected whole with a
// *dataset.ImportError that lists every problem in it, those of the file's
// form and those only the database reveals (unknown countries) together, in
// line order.
func (s *Store) ImportFile(ctx context.Context, r io.Reader, opt ImportOptions) (ImportResult, error) {
	rows, err := dataset.ReadEvents(r, s.now(), opt.MaxRows)
	var ie *dataset.ImportError
	if errors.As(err, &ie) {
		more, cerr := unknownCountries(ctx, s.reader, rows)
		if cerr != nil {
			return ImportResult{}, cerr
		}
		return ImportResult{}, inLineOrder(append(slices.Clone(ie.Errors), more...))
	}
	if err != nil {
		return ImportResult{}, err
	}
	return s.ImportEvents(ctx, rows, opt)
}

// checkImport finds every problem the database or the store's clock reveals
// in the rows, before anything is written: anything the event's own
// validation rejects as of now (a file read yesterday may hold a date that
// was "today" then), and countries that do not exist.
func (s *Store) checkImport(ctx context.Context, tx *sql.Tx, rows []dataset.EventRow) error {
	now := s.now()
	var problems []dataset.RowError
	for _, row := range rows {
		if err := row.Event.Validate(now); err != nil {
			fe, ok := access.AsErrors(err)
			if !ok {
				return err
			}
			problems = append(problems, locateAll(row, fe).Errors...)
		}
	}
	more, err := unknownCountries(ctx, tx, rows)
	if err != nil {
		return err
	}
	if problems = append(problems, more...); len(problems) > 0 {
		return inLineOrder(problems)
	}
	return nil
}

// inLineOrder lists problems as they appear in the file: by line, then
// column.
func inLineOrder(problems []dataset.RowError) *dataset.ImportError {
	slices.SortStableFunc(problems, func(a, b dataset.RowError) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Index, b.Index))
	})
	return &dataset.ImportError{Errors: problems}
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// unknownCountries locates every row whose country code is well formed but
// names no country. (A malformed code is the file's own problem, reported
// when it is read.)
func unknownCountries(ctx context.Context, q rowQuerier, rows []dataset.EventRow) ([]dataset.RowError, error) {
	known := map[string]bool{}
	var problems []dataset.RowError
	for _, row := range rows {
		code := row.Event.CountryCode
		if !access.ValidCountryCode(code) {
			continue
		}
		exists, checked := known[code]
		if !checked {
			var n int
			if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM countries WHERE code = ?`, code).Scan(&n); err != nil {
				return nil, fmt.Errorf("find country: %w", err)
			}
			exists = n > 0
			known[code] = exists
		}
		if !exists {
			problems = append(problems, row.Locate(access.FieldError{Field: "country", Code: access.CodeUnknownValue}))
		}
	}
	return problems, nil
}

// locateAll places a row's problems in the file.
func locateAll(row dataset.EventRow, fe access.Errors) *dataset.ImportError {
	out := &dataset.ImportError{Errors: make([]dataset.RowError, len(fe))}
	for i, p := range fe {
		out.Errors[i] = row.Locate(p)
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

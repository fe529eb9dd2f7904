package opendata

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/dataset"
	"github.com/accesswatch/accesswatch/internal/store"
)

// ImportError lists every problem in a rejected file, located by line and
// column; nothing was imported.
type ImportError = dataset.ImportError

// RowError is one problem of an ImportError.
type RowError = dataset.RowError

// ErrTooManyRows is returned for a file with more events than
// ImportOptions.MaxRows allows; nothing was imported.
var ErrTooManyRows = dataset.ErrTooManyRows

// Recorder is what an import needs from the database.
type Recorder interface {
	ImportEvents(ctx context.Context, rows []store.ImportEvent, opt store.ImportOptions) (store.ImportResult, error)
	Countries(ctx context.Context) ([]access.Country, error)
	// Now is the clock dates are checked against ("not in the future").
	Now() time.Time
}

// ImportOptions say who imports what, and whether to write at all.
type ImportOptions struct {
	// Actor is who imports, for the audit log: a username, or "import" for
	// the command line.
	Actor string
	// Source names what was imported (a file name), for the audit log.
	Source string
	// DryRun checks and counts everything, then writes nothing.
	DryRun bool
	// MaxRows refuses files with more events (<= 0: no limit).
	MaxRows int
}

// Import reads an events CSV (with or without its HXL hashtag row), checks
// every row, and records them all in one transaction, or nothing. A file
// with problems is rejected whole with an *ImportError that lists every
// problem in it — those of the file's form and those only the database
// reveals (unknown countries) together, in line order. Rows the database
// already holds are skipped (see store.ImportEvents), so importing a file
// twice adds nothing the second time.
func Import(ctx context.Context, st Recorder, r io.Reader, opt ImportOptions) (store.ImportResult, error) {
	rows, err := dataset.ReadEvents(r, st.Now(), opt.MaxRows)
	var ie *ImportError
	if errors.As(err, &ie) {
		more, cerr := unknownCountries(ctx, st, rows)
		if cerr != nil {
			return store.ImportResult{}, cerr
		}
		return store.ImportResult{}, inLineOrder(append(slices.Clone(ie.Errors), more...))
	}
	if err != nil {
		return store.ImportResult{}, err
	}
	res, err := st.ImportEvents(ctx, importEvents(rows), store.ImportOptions{Actor: opt.Actor, Source: opt.Source, DryRun: opt.DryRun})
	var ip *store.ImportProblems
	if errors.As(err, &ip) {
		located := make([]RowError, len(ip.Problems))
		for i, p := range ip.Problems {
			located[i] = rows[p.Row].Locate(p.Problem)
		}
		return store.ImportResult{}, inLineOrder(located)
	}
	return res, err
}

// importEvents is what the store records for rows of an events CSV.
func importEvents(rows []dataset.EventRow) []store.ImportEvent {
	out := make([]store.ImportEvent, len(rows))
	for i, r := range rows {
		out[i] = store.ImportEvent{Event: r.Event, Org: r.Org}
	}
	return out
}

// unknownCountries locates every row whose country code is well formed but
// names no country. (A malformed code is the file's own problem, reported
// when it is read.)
func unknownCountries(ctx context.Context, st Recorder, rows []dataset.EventRow) ([]RowError, error) {
	countries, err := st.Countries(ctx)
	if err != nil {
		return nil, fmt.Errorf("check countries: %w", err)
	}
	known := make(map[string]bool, len(countries))
	for _, c := range countries {
		known[c.Code] = true
	}
	var problems []RowError
	for _, row := range rows {
		if code := row.Event.CountryCode; access.ValidCountryCode(code) && !known[code] {
			problems = append(problems, row.Locate(access.FieldError{Field: "country", Code: access.CodeUnknownValue}))
		}
	}
	return problems, nil
}

// inLineOrder lists problems as they appear in the file: by line, then
// column.
func inLineOrder(problems []RowError) *ImportError {
	slices.SortStableFunc(problems, func(a, b RowError) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Index, b.Index))
	})
	return &ImportError{Errors: problems}
}

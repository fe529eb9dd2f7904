package store

import (
	"context"
	"database/sql"
	"slices"

	"github.com/accesswatch/accesswatch/internal/access"
)

// Helpers shared by the country and organisation summaries
// (countrysummary.go, orgsummary.go).

// withExtra lets a scan function for a fixed set of columns read rows that
// carry more columns after them, into extra.
type withExtra struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }

// pageLimit turns "no limit" (<= 0) into SQLite's -1.
func pageLimit(limit int) int {
	if limit <= 0 {
		return -1
	}
	return limit
}

// withoutPaging drops the limit and offset parameters, for the count query
// that goes with a page.
func withoutPaging(args []any) []any {
	return slices.DeleteFunc(slices.Clone(args), func(a any) bool {
		n := a.(sql.NamedArg).Name
		return n == "limit" || n == "offset"
	})
}

// flagCounts runs a countryFlags or orgFlags query: flagged records by key
// (country code or organisation slug) and status. keys lists the keys
// wanted; args are the query's other parameters.
func (s *Store) flagCounts(ctx context.Context, query string, keys []string, args ...any) (map[string]map[access.Status]int, error) {
	out := map[string]map[access.Status]int{}
	if len(keys) == 0 {
		return out, nil
	}
	args = append(args, sql.Named("keys", jsonList(keys)))
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var st access.Status
		var n int
		if err := rows.Scan(&key, &st, &n); err != nil {
			return nil, err
		}
		if out[key] == nil {
			out[key] = map[access.Status]int{}
		}
		out[key][st] = n
	}
	return out, rows.Err()
}

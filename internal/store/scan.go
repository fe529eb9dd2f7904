package store

import (
	"database/sql"
	"encoding/json"

	"github.com/accesswatch/accesswatch/internal/access"
)

// date reads an ISO date column; "" is the zero Date. A value that does not
// parse can only come from outside this package and reads as no date.
func date(s string) access.Date {
	if s == "" {
		return access.Date{}
	}
	d, _ := access.ParseDate(s)
	return d
}

// reach assembles a Reach from nullable columns.
func reach(people sql.NullInt64, basis, period string) *access.Reach {
	if !people.Valid {
		return nil
	}
	return &access.Reach{People: people.Int64, Basis: access.ReachBasis(basis), Period: period}
}

// optionalCount reads an optional count column; NULL is "not reported", never 0.
func optionalCount(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

// countColumn writes an optional count; nil is NULL.
func countColumn(n *int64) sql.NullInt64 {
	if n == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *n, Valid: true}
}

// reachColumns splits a Reach into nullable columns.
func reachColumns(r *access.Reach) (people sql.NullInt64, basis, period string) {
	if r == nil {
		return sql.NullInt64{}, "", ""
	}
	return sql.NullInt64{Int64: r.People, Valid: true}, string(r.Basis), r.Period
}

// jsonList encodes a list parameter for `IN (SELECT value FROM json_each(?))`;
// an empty list is "" so that queries can test for "no filter".
func jsonList[T ~string | ~int64](items []T) string {
	if len(items) == 0 {
		return ""
	}
	b, _ := json.Marshal(items)
	return string(b)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

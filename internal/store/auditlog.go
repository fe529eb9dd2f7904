package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// AuditEntry is one row of the audit log: who changed what, when, and the
// values before and after (nil when there was no "before", as for a
// creation). Numbers in Before and After are json.Number, so that large
// figures read back exactly.
type AuditEntry struct {
	ID     int64
	At     time.Time
	Actor  string
	Action string // e.g. "event.create", "org.update", "user.disable"
	Entity string // "record", "org", "country", "user"
	Key    string // e.g. "NER/acted", "icrc", "NER", "alice"
	Before map[string]any
	After  map[string]any
}

// AuditFilter selects audit rows, newest first. Zero fields do not filter.
type AuditFilter struct {
	Entity string
	Key    string
	Limit  int // <= 0: no limit
	Offset int
}

const auditWhere = `
WHERE (:entity = '' OR entity = :entity) AND (:key = '' OR entity_key = :key)`

// AuditLog returns the audit rows f selects, newest first, and how many rows
// match in all (ignoring Limit and Offset).
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, int, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	filter := []any{sql.Named("entity", f.Entity), sql.Named("key", f.Key)}
	rows, err := s.reader.QueryContext(ctx, `SELECT id, at, actor, action, entity, entity_key, before, after FROM audit`+auditWhere+`
		ORDER BY id DESC LIMIT :limit OFFSET :offset`,
		append(filter, sql.Named("limit", limit), sql.Named("offset", max(f.Offset, 0)))...)
	if err != nil {
		return nil, 0, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		var before, after sql.NullString
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Entity, &e.Key, &before, &after); err != nil {
			return nil, 0, fmt.Errorf("list audit: %w", err)
		}
		e.At = parseTimestamp(at)
		if e.Before, err = auditValues(before); err != nil {
			return nil, 0, fmt.Errorf("audit row %d: %w", e.ID, err)
		}
		if e.After, err = auditValues(after); err != nil {
			return nil, 0, fmt.Errorf("audit row %d: %w", e.ID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list audit: %w", err)
	}
	var total int
	if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit`+auditWhere, filter...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count audit: %w", err)
	}
	return out, total, nil
}

// auditValues decodes a before/after column; NULL is nil.
func auditValues(col sql.NullString) (map[string]any, error) {
	if !col.Valid {
		return nil, nil
	}
	dec := json.NewDecoder(strings.NewReader(col.String))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

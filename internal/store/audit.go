package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// audit writes one audit row inside the transaction of the change it
// describes; before and after are encoded as JSON (nil: NULL).
func (s *Store) audit(ctx context.Context, tx *sql.Tx, actor, action, entity, key string, before, after any) error {
	enc := func(v any) (sql.NullString, error) {
		if v == nil {
			return sql.NullString{}, nil
		}
		b, err := json.Marshal(v)
		return sql.NullString{String: string(b), Valid: true}, err
	}
	b, err := enc(before)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	a, err := enc(after)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit (at, actor, action, entity, entity_key, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		timestamp(s.now()), actor, action, entity, key, b, a)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// checksumQueries read every table that holds data, in a fixed order.
var checksumQueries = []string{
	`SELECT code, COALESCE(severity_score, -1), severity_date, severity_publisher, severity_url FROM countries ORDER BY code`,
	`SELECT id, slug, name, acronym, type, website, updated_at FROM organisations ORDER BY id`,
	`SELECT id, country_code, org_id, status, status_since, version, updated_at, updated_by, summary FROM records ORDER BY id`,
	`SELECT id, record_id, date, type, status_after, description FROM events ORDER BY id`,
	`SELECT event_id, position, url FROM event_sources ORDER BY event_id, position`,
	`SELECT id, at, actor, action, entity_key FROM audit ORDER BY id`,
	`SELECT key, value FROM meta ORDER BY key`,
}

// Checksum returns a digest of the data in every table, so that tests can
// assert that a rejected request changed nothing.
func (s *Store) Checksum(ctx context.Context) (string, error) {
	h := sha256.New()
	for _, q := range checksumQueries {
		rows, err := s.reader.QueryContext(ctx, q)
		if err != nil {
			return "", fmt.Errorf("checksum: %w", err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return "", fmt.Errorf("checksum: %w", err)
			}
			fmt.Fprintf(h, "%v\x1f", vals)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", fmt.Errorf("checksum: %w", err)
		}
		h.Write([]byte{0x1e})
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

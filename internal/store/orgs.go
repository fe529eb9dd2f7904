package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/accesswatch/accesswatch/internal/access"
)

const orgColumns = `slug, name, acronym, type, website`

func scanOrg(row interface{ Scan(...any) error }) (access.Org, error) {
	var o access.Org
	err := row.Scan(&o.Slug, &o.Name, &o.Acronym, &o.Type, &o.Website)
	return o, err
}

// Orgs returns every organisation, by name.
func (s *Store) Orgs(ctx context.Context) ([]access.Org, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+orgColumns+` FROM organisations ORDER BY name, slug`)
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	defer rows.Close()
	var out []access.Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, fmt.Errorf("list organisations: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Org returns one organisation by slug.
func (s *Store) Org(ctx context.Context, slug string) (access.Org, error) {
	o, err := scanOrg(s.reader.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE slug = ?`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("organisation %q: %w", slug, ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("organisation %q: %w", slug, err)
	}
	return o, nil
}

// orgID finds an organisation's row id inside a transaction; 0 if absent.
func orgID(ctx context.Context, tx *sql.Tx, slug string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM organisations WHERE slug = ?`, slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// insertOrg adds a validated organisation and audits it.
func (s *Store) insertOrg(ctx context.Context, tx *sql.Tx, o access.Org, actor string) (int64, error) {
	if err := o.Validate(); err != nil {
		return 0, err
	}
	now := timestamp(s.now())
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO organisations (slug, name, acronym, type, website, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, o.Slug, o.Name, o.Acronym, o.Type, o.Website, now, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert organisation %s: %w", o.Slug, err)
	}
	if err := s.audit(ctx, tx, actor, "org.create", "org", o.Slug, nil, orgAudit(o)); err != nil {
		return 0, err
	}
	return id, nil
}

func orgAudit(o access.Org) map[string]any {
	return map[string]any{"slug": o.Slug, "name": o.Name, "acronym": o.Acronym, "type": o.Type, "website": o.Website}
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/accesswatch/accesswatch/internal/access"
)

// CodeTaken is the problem code for a key that is already in use (an
// organisation's slug).
const CodeTaken = "taken"

// CreateOrg adds an organisation, audited. A slug in use already is reported
// as access.Errors on "slug" with CodeTaken; invalid fields as access.Errors.
func (s *Store) CreateOrg(ctx context.Context, o access.Org, actor string) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return s.changeData(ctx, func(tx *sql.Tx) error {
		id, err := orgID(ctx, tx, o.Slug)
		if err != nil {
			return fmt.Errorf("find organisation: %w", err)
		}
		if id != 0 {
			return access.Errors{{Field: "slug", Code: CodeTaken}}
		}
		_, err = s.insertOrg(ctx, tx, o, actor)
		return err
	})
}

// UpdateOrg changes an organisation's name, acronym, type and website (its
// slug is its stable key and never changes), with an audit row holding the
// values before and after. ErrNotFound if no organisation has o.Slug;
// access.Errors for invalid fields. Saving unchanged values writes nothing.
func (s *Store) UpdateOrg(ctx context.Context, o access.Org, actor string) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return s.changeData(ctx, func(tx *sql.Tx) error {
		before, err := scanOrg(tx.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE slug = ?`, o.Slug))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("organisation %q: %w", o.Slug, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("organisation %q: %w", o.Slug, err)
		}
		if before == o {
			return errUnchanged
		}
		_, err = tx.ExecContext(ctx, `UPDATE organisations SET name = ?, acronym = ?, type = ?, website = ?, updated_at = ? WHERE slug = ?`,
			o.Name, o.Acronym, o.Type, o.Website, timestamp(s.now()), o.Slug)
		if err != nil {
			return fmt.Errorf("update organisation %q: %w", o.Slug, err)
		}
		return s.audit(ctx, tx, actor, "org.update", "org", o.Slug, orgAudit(before), orgAudit(o))
	})
}

// SetSeverity records a country's access-severity score with its date and
// source, with an audit row holding the previous score. ErrNotFound for an
// unknown country; access.Errors for an invalid score.
func (s *Store) SetSeverity(ctx context.Context, code string, sc access.SeverityScore, actor string) error {
	if err := sc.Validate(s.now()); err != nil {
		return err
	}
	return s.changeData(ctx, func(tx *sql.Tx) error {
		c, err := scanCountry(tx.QueryRowContext(ctx, `SELECT `+countryColumns+` FROM countries WHERE code = ?`, code))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("country %q: %w", code, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("country %q: %w", code, err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE countries SET severity_score = ?, severity_date = ?, severity_publisher = ?, severity_url = ?
			WHERE code = ?`, sc.Score, sc.Date.ISO(), sc.Publisher, sc.URL, code)
		if err != nil {
			return fmt.Errorf("set severity of %s: %w", code, err)
		}
		var before any
		if c.Severity != nil {
			before = severityAudit(*c.Severity)
		}
		return s.audit(ctx, tx, actor, "country.severity", "country", code, before, severityAudit(sc))
	})
}

func severityAudit(sc access.SeverityScore) map[string]any {
	return map[string]any{"score": sc.Score, "date": sc.Date.ISO(), "publisher": sc.Publisher, "url": sc.URL}
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/accesswatch/accesswatch/internal/access"
)

// CodeTaken is the problem code for a key that is already in use (an
// organisation's slug).
const CodeTaken = "taken"

// CreateOrg adds an organisation, audited. A slug in use already (by an
// organisation, or as the old slug of one merged into another) is reported
// as access.Errors on "slug" with CodeTaken; invalid fields as access.Errors.
// Whether a similar organisation exists (SimilarOrgs) is the caller's
// question: the store refuses only an exact slug.
func (s *Store) CreateOrg(ctx context.Context, o access.Org, actor string) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return s.changeData(ctx, func(tx *sql.Tx) error {
		id, err := orgID(ctx, tx, o.Slug)
		if err != nil {
			return fmt.Errorf("find organisation: %w", err)
		}
		var aliased int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_aliases WHERE slug = ?`, o.Slug).Scan(&aliased); err != nil {
			return fmt.Errorf("find organisation alias: %w", err)
		}
		if id != 0 || aliased > 0 {
			return access.Errors{{Field: "slug", Code: CodeTaken}}
		}
		_, err = s.insertOrg(ctx, tx, o, actor)
		return err
	})
}

// OrgConflictError is returned (wrapping ErrConflict) by UpdateOrg when the
// organisation is no longer at the version the editor loaded: someone else
// saved it first. Nothing was written.
type OrgConflictError struct {
	Expected int64
	Current  access.Org // the organisation as it is now
	Version  int64      // its version now
}

func (e *OrgConflictError) Error() string {
	return fmt.Sprintf("%s: organisation %s expected at version %d, now at %d", ErrConflict, e.Current.Slug, e.Expected, e.Version)
}

// Unwrap makes errors.Is(err, ErrConflict) hold.
func (e *OrgConflictError) Unwrap() error { return ErrConflict }

// OrgForEdit returns an organisation with its version, for a form that
// will save it back through UpdateOrg; ErrNotFound if no organisation has
// the slug.
func (s *Store) OrgForEdit(ctx context.Context, slug string) (access.Org, int64, error) {
	var o access.Org
	var version int64
	err := s.reader.QueryRowContext(ctx, `SELECT `+orgColumns+`, version FROM organisations WHERE slug = ?`, slug).
		Scan(&o.Slug, &o.Name, &o.Acronym, &o.Type, &o.Website, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return o, 0, fmt.Errorf("organisation %q: %w", slug, ErrNotFound)
	}
	if err != nil {
		return o, 0, fmt.Errorf("organisation %q: %w", slug, err)
	}
	return o, version, nil
}

// UpdateOrg changes an organisation's name, acronym, type and website (its
// slug is its stable key and never changes), with an audit row holding the
// values before and after, against the version the editor loaded
// (expected; AnyVersion skips the check): a stale one is an
// *OrgConflictError and writes nothing. ErrNotFound if no organisation has
// o.Slug; access.Errors for invalid fields. Saving unchanged values writes
// nothing.
func (s *Store) UpdateOrg(ctx context.Context, o access.Org, expected int64, actor string) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return s.changeData(ctx, func(tx *sql.Tx) error {
		var before access.Org
		var version int64
		err := tx.QueryRowContext(ctx, `SELECT `+orgColumns+`, version FROM organisations WHERE slug = ?`, o.Slug).
			Scan(&before.Slug, &before.Name, &before.Acronym, &before.Type, &before.Website, &version)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("organisation %q: %w", o.Slug, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("organisation %q: %w", o.Slug, err)
		}
		if expected != AnyVersion && expected != version {
			return &OrgConflictError{Expected: expected, Current: before, Version: version}
		}
		if before == o {
			return errUnchanged
		}
		_, err = tx.ExecContext(ctx, `UPDATE organisations SET name = ?, acronym = ?, type = ?, website = ?, updated_at = ?,
			version = version + 1 WHERE slug = ?`, o.Name, o.Acronym, o.Type, o.Website, timestamp(s.now()), o.Slug)
		if err != nil {
			return fmt.Errorf("update organisation %q: %w", o.Slug, err)
		}
		return s.audit(ctx, tx, actor, "org.update", "org", o.Slug, orgAudit(before), orgAudit(o))
	})
}

// SimilarOrgs returns the organisations that are likely the same as o
// (access.SameOrg: equal normalised names or acronyms), other than o's own
// slug, by name.
func (s *Store) SimilarOrgs(ctx context.Context, o access.Org) ([]access.Org, error) {
	all, err := s.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	var out []access.Org
	for _, x := range all {
		if x.Slug != o.Slug && access.SameOrg(x, o) {
			out = append(out, x)
		}
	}
	return out, nil
}

// MergeCollisionError refuses a merge of two organisations that both have a
// record in the same countries: records would collide, and their timelines
// cannot be joined, since events are append-only (an event never moves to
// another record). Nothing was written.
type MergeCollisionError struct {
	From, Into string
	Countries  []string // ISO3 codes with a record of both, sorted
}

func (e *MergeCollisionError) Error() string {
	return fmt.Sprintf("merge %s into %s: both have records in %s", e.From, e.Into, strings.Join(e.Countries, ", "))
}

// Merged is what MergeOrg moved.
type Merged struct {
	Records int // records moved to the organisation merged into
	Events  int // events of those records (they move with their records)
}

// MergeOrg merges organisation from into organisation into, in one
// transaction: from's records (with their events) become into's, from's
// row is deleted and its slug (and those of organisations merged into it
// before) becomes an alias of into, so that its old addresses redirect;
// audited, and the data version moves so caches follow. ErrNotFound if
// either is missing; access.Errors on "into" if they are the same; a
// *MergeCollisionError if both have a record in one country.
func (s *Store) MergeOrg(ctx context.Context, from, into, actor string) (Merged, error) {
	var out Merged
	if from == into {
		return out, access.Errors{{Field: "into", Code: CodeSameOrg}}
	}
	err := s.changeData(ctx, func(tx *sql.Tx) error {
		fromOrg, fromID, err := orgInTx(ctx, tx, from)
		if err != nil {
			return fmt.Errorf("find organisation %q: %w", from, err)
		}
		intoOrg, intoID, err := orgInTx(ctx, tx, into)
		if err != nil {
			return fmt.Errorf("find organisation %q: %w", into, err)
		}
		if fromID == 0 || intoID == 0 {
			return fmt.Errorf("merge %q into %q: %w", from, into, ErrNotFound)
		}
		rows, err := tx.QueryContext(ctx, `SELECT a.country_code FROM records a JOIN records b ON b.country_code = a.country_code
			WHERE a.org_id = ? AND b.org_id = ? ORDER BY a.country_code`, fromID, intoID)
		if err != nil {
			return fmt.Errorf("find colliding records: %w", err)
		}
		var clash []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return err
			}
			clash = append(clash, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(clash) > 0 {
			return &MergeCollisionError{From: from, Into: into, Countries: clash}
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), (SELECT COUNT(*) FROM events e JOIN records r ON r.id = e.record_id WHERE r.org_id = ?)
			FROM records WHERE org_id = ?`, fromID, fromID).Scan(&out.Records, &out.Events); err != nil {
			return fmt.Errorf("count what moves: %w", err)
		}
		now := timestamp(s.now())
		stmts := []struct {
			q    string
			args []any
		}{
			{`UPDATE records SET org_id = ?, updated_at = ?, updated_by = ? WHERE org_id = ?`, []any{intoID, now, actor, fromID}},
			{`UPDATE org_aliases SET org_id = ? WHERE org_id = ?`, []any{intoID, fromID}},
			{`INSERT INTO org_aliases (slug, org_id, merged_at, merged_by) VALUES (?, ?, ?, ?)`, []any{from, intoID, now, actor}},
			{`DELETE FROM organisations WHERE id = ?`, []any{fromID}},
			{`UPDATE organisations SET version = version + 1, updated_at = ? WHERE id = ?`, []any{now, intoID}},
		}
		for _, st := range stmts {
			if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
				return fmt.Errorf("merge %q into %q: %w", from, into, err)
			}
		}
		before := map[string]any{"from": orgAudit(fromOrg), "into": orgAudit(intoOrg)}
		after := map[string]any{"into": into, "records_moved": out.Records, "events_moved": out.Events}
		return s.audit(ctx, tx, actor, "org.merge", "org", from, before, after)
	})
	if err != nil {
		return Merged{}, err
	}
	return out, nil
}

// CodeSameOrg is the problem code of a merge of an organisation into itself.
const CodeSameOrg = "same_org"

// OrgAlias returns the slug an organisation merged into another now has:
// the current slug for old, or ErrNotFound if old is no merged
// organisation's slug.
func (s *Store) OrgAlias(ctx context.Context, old string) (string, error) {
	var slug string
	err := s.reader.QueryRowContext(ctx, `SELECT o.slug FROM org_aliases a JOIN organisations o ON o.id = a.org_id WHERE a.slug = ?`, old).Scan(&slug)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("organisation alias %q: %w", old, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("organisation alias %q: %w", old, err)
	}
	return slug, nil
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

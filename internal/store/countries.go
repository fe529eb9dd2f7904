package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/accesswatch/accesswatch/internal/access"
)

const countryColumns = `code, iso2, numeric, name, official_name, region, subregion, lat, lng, un_member,
	severity_score, severity_date, severity_publisher, severity_url`

func scanCountry(row interface{ Scan(...any) error }) (access.Country, error) {
	var c access.Country
	var score sql.NullInt64
	var sevDate, sevPublisher, sevURL string
	err := row.Scan(&c.Code, &c.ISO2, &c.Numeric, &c.Name, &c.OfficialName, &c.Region, &c.Subregion,
		&c.Lat, &c.Lng, &c.UNMember, &score, &sevDate, &sevPublisher, &sevURL)
	if score.Valid {
		c.Severity = &access.SeverityScore{Score: int(score.Int64), Date: date(sevDate), Publisher: sevPublisher, URL: sevURL}
	}
	return c, err
}

// Countries returns every country, by name.
func (s *Store) Countries(ctx context.Context) ([]access.Country, error) {
	return s.countries(ctx, `SELECT `+countryColumns+` FROM countries ORDER BY name`)
}

// EventCountries returns the countries with at least one event (a record's
// or a class-level measure's), by name: those a filter on events can find.
func (s *Store) EventCountries(ctx context.Context) ([]access.Country, error) {
	return s.countries(ctx, `SELECT `+countryColumns+` FROM countries c
WHERE EXISTS (SELECT 1 FROM events e WHERE e.country_code = c.code) ORDER BY name`)
}

func (s *Store) countries(ctx context.Context, query string) ([]access.Country, error) {
	rows, err := s.reader.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("list countries: %w", err)
	}
	defer rows.Close()
	var out []access.Country
	for rows.Next() {
		c, err := scanCountry(rows)
		if err != nil {
			return nil, fmt.Errorf("list countries: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Country returns one country by its ISO 3166-1 alpha-3 code.
func (s *Store) Country(ctx context.Context, code string) (access.Country, error) {
	c, err := scanCountry(s.reader.QueryRowContext(ctx, `SELECT `+countryColumns+` FROM countries WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("country %q: %w", code, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("country %q: %w", code, err)
	}
	return c, nil
}

// upsertCountries writes the country list, updating names and regions of
// countries already present but keeping their severity scores.
func upsertCountries(ctx context.Context, tx *sql.Tx, countries []access.Country) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO countries (code, iso2, numeric, name, official_name, region, subregion, lat, lng, un_member)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET iso2 = excluded.iso2, numeric = excluded.numeric, name = excluded.name,
			official_name = excluded.official_name, region = excluded.region, subregion = excluded.subregion,
			lat = excluded.lat, lng = excluded.lng, un_member = excluded.un_member`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, c := range countries {
		if _, err := stmt.ExecContext(ctx, c.Code, c.ISO2, c.Numeric, c.Name, c.OfficialName, c.Region, c.Subregion, c.Lat, c.Lng, c.UNMember); err != nil {
			return fmt.Errorf("country %s: %w", c.Code, err)
		}
	}
	return nil
}

// Regions returns the regions of the country list, by name.
func (s *Store) Regions(ctx context.Context) ([]string, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT DISTINCT region FROM countries WHERE region <> '' ORDER BY region`)
	if err != nil {
		return nil, fmt.Errorf("list regions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, fmt.Errorf("list regions: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/accesswatch/accesswatch/internal/access"
)

// Per-country summaries: what the records in each country add up to, for
// the country list and a country's page.

// ---- countries

// CountrySort orders a country list.
type CountrySort string

// Country orders; each ends on the country name, then its code.
const (
	CountryByFlagged CountrySort = "flagged" // most flagged records, then the largest reach lost by one record. The default.
	CountryByName    CountrySort = "name"
	CountryByReach   CountrySort = "reach"   // the largest reach lost by one record (figures of different bases are never added)
	CountryByRecords CountrySort = "records" // most records
	CountryByRecent  CountrySort = "recent"  // most recent change
)

// CountrySorts lists every country order.
var CountrySorts = []CountrySort{CountryByFlagged, CountryByName, CountryByReach, CountryByRecords, CountryByRecent}

// CountryFilter selects countries for a summary list. Only countries with
// records or class-level measures are listed. Statuses and OrgType narrow
// the records counted (and drop countries left with none).
type CountryFilter struct {
	Statuses    []access.Status // records in any of these statuses
	FlaggedOnly bool            // countries with a flagged record
	Region      string
	OrgType     access.OrgType
	// Query is text in the country's name, official name or code, in the
	// name, acronym or slug of an organisation with a record there, or in
	// the words of an event there (see ChangeFilter.Query); Match is what
	// it stands for besides (see access.MatchText).
	Query  string
	Match  access.TextMatch
	Sort   CountrySort
	Limit  int // <= 0: no limit
	Offset int
}

// countryAgg sums up records and class-level measures by country; the
// one-country form narrows both to :code first, so it reads one country's
// rows through the indexes rather than every row.
const (
	countryAggHead = `
WITH agg AS (
	SELECT r.country_code AS code, COUNT(*) AS records, SUM(` + flaggedToday + `) AS flagged, MAX(r.reach_lost) AS lost
	FROM records r JOIN organisations o ON o.id = r.org_id
	WHERE `
	countryAggFilters = publicRecord + ` AND (:statuses = '' OR r.status IN (SELECT value FROM json_each(:statuses)))
	  AND (:org_type = '' OR o.type = :org_type)
	GROUP BY r.country_code
), measures AS (
	SELECT country_code AS code, COUNT(*) AS n FROM events e WHERE record_id IS NULL AND ` + publicEvent
	countryAggTail = `
	GROUP BY country_code
)`
	countryAggAll = countryAggHead + countryAggFilters + countryAggTail
	countryAggOne = countryAggHead + `r.country_code = :code AND ` + countryAggFilters + ` AND country_code = :code` + countryAggTail
)

// countrySummaryColumns ends with the number of rows in all, so that a page
// and its total come from one query.
const countrySummaryColumns = `
SELECT c.code, c.iso2, c.numeric, c.name, c.official_name, c.region, c.subregion, c.lat, c.lng, c.un_member,
	c.severity_score, c.severity_date, c.severity_publisher, c.severity_url,
	COALESCE(a.records, 0), COALESCE(a.flagged, 0), COALESCE(a.lost, 0), COALESCE(m.n, 0),
	COALESCE((SELECT MAX(e.date) FROM events e WHERE e.country_code = c.code AND (e.status_after <> '' OR e.record_id IS NULL)
		AND ` + publicEvent + `), '') AS last_change,
	COUNT(*) OVER ()`

const countrySummaryJoin = `
FROM countries c
LEFT JOIN agg a ON a.code = c.code
LEFT JOIN measures m ON m.code = c.code
WHERE (a.code IS NOT NULL OR (m.code IS NOT NULL AND :statuses = '' AND :org_type = ''))
  AND (:code = '' OR c.code = :code)
  AND (:flagged = 0 OR a.flagged > 0)
  AND (:region = '' OR c.region = :region)
  AND (:query = '' OR ` + countryTextMatch + `
       OR EXISTS (SELECT 1 FROM records r JOIN organisations o ON o.id = r.org_id WHERE r.country_code = c.code AND ` + publicRecord + ` AND ` + orgTextMatch + `)
       OR EXISTS (SELECT 1 FROM events e WHERE e.country_code = c.code AND ` + publicEvent + ` AND ` + eventTextMatch + `))`

const countrySummarySelect = countryAggAll + countrySummaryColumns + countrySummaryJoin

var countrySummaryQueries = map[CountrySort]string{
	CountryByFlagged: countrySummarySelect + `
ORDER BY COALESCE(a.flagged, 0) DESC, COALESCE(a.lost, 0) DESC, c.name, c.code` + recordPage,
	CountryByName: countrySummarySelect + `
ORDER BY c.name, c.code` + recordPage,
	CountryByReach: countrySummarySelect + `
ORDER BY COALESCE(a.lost, 0) DESC, COALESCE(a.flagged, 0) DESC, c.name, c.code` + recordPage,
	CountryByRecords: countrySummarySelect + `
ORDER BY COALESCE(a.records, 0) DESC, c.name, c.code` + recordPage,
	CountryByRecent: countrySummarySelect + `
ORDER BY last_change DESC, c.name, c.code` + recordPage,
}

// countrySummaryOne is one country's summary.
const countrySummaryOne = countryAggOne + countrySummaryColumns + countrySummaryJoin + recordPage

// countrySummaryCount counts the matches when a page past the end has no
// row to carry the total (the list queries count with a window function).
const countrySummaryCount = countryAggAll + `
SELECT COUNT(*)` + countrySummaryJoin

// countryFlags counts flagged records by country and status, for the given
// countries, under the same record filters as the summary.
const countryFlags = `SELECT r.country_code, r.status, COUNT(*)
FROM records r JOIN organisations o ON o.id = r.org_id
WHERE ` + flaggedToday + ` AND ` + publicRecord + ` AND r.country_code IN (SELECT value FROM json_each(:keys))
  AND (:statuses = '' OR r.status IN (SELECT value FROM json_each(:statuses)))
  AND (:org_type = '' OR o.type = :org_type)
GROUP BY r.country_code, r.status`

func (f CountryFilter) args(code string) []any {
	return append(searchArgs(f.Query, f.Match),
		sql.Named("code", code),
		sql.Named("statuses", jsonList(f.Statuses)),
		sql.Named("flagged", boolInt(f.FlaggedOnly)),
		sql.Named("region", f.Region),
		sql.Named("org_type", string(f.OrgType)),
		sql.Named("limit", pageLimit(f.Limit)),
		sql.Named("offset", max(f.Offset, 0)),
	)
}

// CountrySummaries returns the countries f selects, in f.Sort order, and how
// many match in all (ignoring Limit and Offset).
func (s *Store) CountrySummaries(ctx context.Context, f CountryFilter) ([]access.CountrySummary, int, error) {
	if f.Sort == "" {
		f.Sort = CountryByFlagged
	}
	query, ok := countrySummaryQueries[f.Sort]
	if !ok {
		return nil, 0, fmt.Errorf("list country summaries: unknown order %q", f.Sort)
	}
	out, total, err := s.countrySummaries(ctx, query, f, "")
	if err != nil {
		return nil, 0, fmt.Errorf("list country summaries: %w", err)
	}
	return out, total, nil
}

// CountrySummary returns one country's summary over all its records. A
// country in the list without any record or measure has a summary of
// zeros; an unknown code is ErrNotFound.
func (s *Store) CountrySummary(ctx context.Context, code string) (access.CountrySummary, error) {
	out, _, err := s.countrySummaries(ctx, countrySummaryOne, CountryFilter{}, code)
	if err != nil {
		return access.CountrySummary{}, fmt.Errorf("country summary %q: %w", code, err)
	}
	if len(out) == 1 {
		return out[0], nil
	}
	c, err := s.Country(ctx, code)
	if err != nil {
		return access.CountrySummary{}, err
	}
	return access.CountrySummary{Country: c}, nil
}

func (s *Store) countrySummaries(ctx context.Context, query string, f CountryFilter, code string) ([]access.CountrySummary, int, error) {
	args := append(f.args(code), s.today())
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []access.CountrySummary
	total := 0
	for rows.Next() {
		var v access.CountrySummary
		var last string
		v.Country, err = scanCountry(withExtra{rows, []any{&v.Records, &v.Flagged, &v.ReachLost, &v.Measures, &last, &total}})
		if err != nil {
			return nil, 0, err
		}
		v.LastChange = date(last)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(out) == 0 && f.Offset > 0 {
		if err := s.reader.QueryRowContext(ctx, countrySummaryCount, withoutPaging(args)...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	keys := make([]string, len(out))
	for i, v := range out {
		keys[i] = v.Code
	}
	flags, err := s.flagCounts(ctx, countryFlags, keys,
		sql.Named("statuses", jsonList(f.Statuses)), sql.Named("org_type", string(f.OrgType)), s.today())
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].Flags = flags[out[i].Code]
	}
	if len(out) == 0 {
		return out, total, nil
	}
	lost, err := s.lostByCountry(ctx, 0)
	if err != nil {
		return nil, 0, err
	}
	measures, err := s.ClassMeasureCounts(ctx)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		l := lost[out[i].Code]
		out[i].LostByBasis, out[i].WithFigure, out[i].WithoutFigure = l.ByBasis, l.WithFigure, l.WithoutFigure
		out[i].ClassMeasuresInForce = measures[out[i].Code]
	}
	return out, total, nil
}

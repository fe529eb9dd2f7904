package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/accesswatch/accesswatch/internal/access"
)

// Per-organisation summaries: what each organisation's records add up to,
// for the organisation list and an organisation's page.

// ---- organisations

// OrgSort orders an organisation list.
type OrgSort string

// Organisation orders; each ends on the name, then the slug.
const (
	OrgByFlagged   OrgSort = "flagged" // most flagged records, then the largest reach lost by one record. The default.
	OrgByName      OrgSort = "name"
	OrgByReach     OrgSort = "reach"     // the largest reach lost by one record (figures of different bases are never added)
	OrgByCountries OrgSort = "countries" // most countries
)

// OrgSorts lists every organisation order.
var OrgSorts = []OrgSort{OrgByFlagged, OrgByName, OrgByReach, OrgByCountries}

// OrgFilter selects organisations for a summary list. Statuses and Region
// narrow the records counted (and drop organisations left with none).
type OrgFilter struct {
	Statuses    []access.Status // records in any of these statuses
	FlaggedOnly bool            // organisations with a flagged record
	Region      string          // records in countries of this region
	OrgType     access.OrgType
	// Query is text in the name, acronym or slug, in the name, official
	// name or code of a country where the organisation has a record, or in
	// the words of one of its events (see ChangeFilter.Query); Match is
	// what it stands for besides (see access.MatchText).
	Query  string
	Match  access.TextMatch
	Sort   OrgSort
	Limit  int // <= 0: no limit
	Offset int
}

const orgSummaryFrom = `
WITH agg AS (
	SELECT r.org_id, COUNT(*) AS countries, SUM(` + flaggedToday + `) AS flagged, MAX(r.reach_lost) AS lost
	FROM records r JOIN countries c ON c.code = r.country_code
	WHERE ` + publicRecord + ` AND (:statuses = '' OR r.status IN (SELECT value FROM json_each(:statuses)))
	  AND (:region = '' OR c.region = :region)
	GROUP BY r.org_id
)`

const orgSummaryJoin = `
FROM organisations o
JOIN agg a ON a.org_id = o.id
WHERE (:slug = '' OR o.slug = :slug)
  AND (:flagged = 0 OR a.flagged > 0)
  AND (:org_type = '' OR o.type = :org_type)
  AND (:query = '' OR ` + orgTextMatch + `
       OR EXISTS (SELECT 1 FROM records r JOIN countries c ON c.code = r.country_code WHERE r.org_id = o.id AND ` + publicRecord + ` AND ` + countryTextMatch + `)
       OR EXISTS (SELECT 1 FROM events e JOIN records r ON r.id = e.record_id WHERE r.org_id = o.id AND ` + publicEvent + `
                  AND ` + eventTextMatch + `))`

const orgSummarySelect = orgSummaryFrom + `
SELECT o.slug, o.name, o.acronym, o.type, o.website, a.countries, a.flagged, a.lost, COUNT(*) OVER ()` + orgSummaryJoin

var orgSummaryQueries = map[OrgSort]string{
	OrgByFlagged: orgSummarySelect + `
ORDER BY a.flagged DESC, a.lost DESC, o.name, o.slug` + recordPage,
	OrgByName: orgSummarySelect + `
ORDER BY o.name, o.slug` + recordPage,
	OrgByReach: orgSummarySelect + `
ORDER BY a.lost DESC, a.flagged DESC, o.name, o.slug` + recordPage,
	OrgByCountries: orgSummarySelect + `
ORDER BY a.countries DESC, o.name, o.slug` + recordPage,
}

const orgSummaryCount = orgSummaryFrom + `
SELECT COUNT(*)` + orgSummaryJoin

// orgFlags counts flagged records by organisation and status, for the given
// organisations, under the same record filters as the summary.
const orgFlags = `SELECT o.slug, r.status, COUNT(*)
FROM records r JOIN organisations o ON o.id = r.org_id JOIN countries c ON c.code = r.country_code
WHERE ` + flaggedToday + ` AND ` + publicRecord + ` AND o.slug IN (SELECT value FROM json_each(:keys))
  AND (:statuses = '' OR r.status IN (SELECT value FROM json_each(:statuses)))
  AND (:region = '' OR c.region = :region)
GROUP BY o.slug, r.status`

// OrgSummaries returns the organisations f selects, in f.Sort order, and
// how many match in all (ignoring Limit and Offset).
func (s *Store) OrgSummaries(ctx context.Context, f OrgFilter) ([]access.OrgSummary, int, error) {
	if f.Sort == "" {
		f.Sort = OrgByFlagged
	}
	query, ok := orgSummaryQueries[f.Sort]
	if !ok {
		return nil, 0, fmt.Errorf("list organisation summaries: unknown order %q", f.Sort)
	}
	out, total, err := s.orgSummaries(ctx, query, f, "")
	if err != nil {
		return nil, 0, fmt.Errorf("list organisation summaries: %w", err)
	}
	return out, total, nil
}

// OrgSummary returns one organisation's summary over all its records; an
// unknown slug is ErrNotFound.
func (s *Store) OrgSummary(ctx context.Context, slug string) (access.OrgSummary, error) {
	out, _, err := s.orgSummaries(ctx, orgSummaryQueries[OrgByName], OrgFilter{}, slug)
	if err != nil {
		return access.OrgSummary{}, fmt.Errorf("organisation summary %q: %w", slug, err)
	}
	if len(out) == 1 {
		return out[0], nil
	}
	o, err := s.Org(ctx, slug)
	if err != nil {
		return access.OrgSummary{}, err
	}
	return access.OrgSummary{Org: o}, nil
}

func (s *Store) orgSummaries(ctx context.Context, query string, f OrgFilter, slug string) ([]access.OrgSummary, int, error) {
	args := append(searchArgs(f.Query, f.Match),
		sql.Named("slug", slug),
		sql.Named("statuses", jsonList(f.Statuses)),
		sql.Named("flagged", boolInt(f.FlaggedOnly)),
		sql.Named("region", f.Region),
		sql.Named("org_type", string(f.OrgType)),
		sql.Named("limit", pageLimit(f.Limit)),
		sql.Named("offset", max(f.Offset, 0)),
		s.today(),
	)
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []access.OrgSummary
	total := 0
	for rows.Next() {
		var v access.OrgSummary
		if v.Org, err = scanOrg(withExtra{rows, []any{&v.Countries, &v.Flagged, &v.ReachLost, &total}}); err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(out) == 0 && f.Offset > 0 {
		if err := s.reader.QueryRowContext(ctx, orgSummaryCount, withoutPaging(args)...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	keys := make([]string, len(out))
	for i, v := range out {
		keys[i] = v.Slug
	}
	flags, err := s.flagCounts(ctx, orgFlags, keys,
		sql.Named("statuses", jsonList(f.Statuses)), sql.Named("region", f.Region), s.today())
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].Flags = flags[out[i].Slug]
	}
	return out, total, nil
}

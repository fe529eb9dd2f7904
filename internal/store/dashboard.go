package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/accesswatch/accesswatch/internal/access"
)

// The dashboard's read queries: headline figures, per-country and
// per-organisation summaries, the change log with its filters, and the
// records the overview lists besides the flagged ones. Like records.go, every
// order has its own complete query text; input only ever reaches SQL as
// parameters.

// Headline holds the overview's headline figures.
type Headline struct {
	FlaggedOrgs       int   // distinct organisations with at least one flagged record
	FlaggedRecords    int   // flagged records (an organisation in a country)
	CountriesAffected int   // countries with at least one flagged record
	PeopleLost        int64 // sum of the reach lost over every record
	RecentChanges     int   // status-changing events dated on or after the day given to Headline
}

// Headline computes the headline figures. recentSince is the first day that
// counts towards RecentChanges (an event counts when its date, at its
// precision, starts on or after that day).
func (s *Store) Headline(ctx context.Context, recentSince access.Date) (Headline, error) {
	var h Headline
	err := s.reader.QueryRowContext(ctx, `SELECT
	(SELECT COUNT(DISTINCT org_id) FROM records WHERE flagged = 1),
	(SELECT COUNT(*) FROM records WHERE flagged = 1),
	(SELECT COUNT(DISTINCT country_code) FROM records WHERE flagged = 1),
	(SELECT COALESCE(SUM(reach_lost), 0) FROM records),
	(SELECT COUNT(*) FROM events WHERE status_after <> '' AND date >= :since)`,
		sql.Named("since", recentSince.ISO())).Scan(&h.FlaggedOrgs, &h.FlaggedRecords, &h.CountriesAffected, &h.PeopleLost, &h.RecentChanges)
	if err != nil {
		return Headline{}, fmt.Errorf("headline figures: %w", err)
	}
	return h, nil
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

// withExtra lets a scan function for a fixed set of columns read rows that
// carry more columns after them, into extra.
type withExtra struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }

// ---- countries

// CountrySummary is a country with what its records add up to.
type CountrySummary struct {
	access.Country
	Records   int   // records (organisations) in the country
	Flagged   int   // of which flagged
	ReachLost int64 // people whose aid was lost
	Measures  int   // class-level measures recorded
	// LastChange is the date of the latest event that changed a status or
	// was a class-level measure; zero when there is none.
	LastChange access.Date
	// Flags counts the flagged records by status.
	Flags map[access.Status]int
}

// CountrySort orders a country list.
type CountrySort string

// Country orders; each ends on the country name, then its code.
const (
	CountryByFlagged CountrySort = "flagged" // most flagged records, then most reach lost. The default.
	CountryByName    CountrySort = "name"
	CountryByReach   CountrySort = "reach"   // most reach lost
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
	Query       string // text in the country's name, official name or code
	Sort        CountrySort
	Limit       int // <= 0: no limit
	Offset      int
}

// countryAgg sums up records and class-level measures by country; the
// one-country form narrows both to :code first, so it reads one country's
// rows through the indexes rather than every row.
const (
	countryAggHead = `
WITH agg AS (
	SELECT r.country_code AS code, COUNT(*) AS records, SUM(r.flagged) AS flagged, SUM(r.reach_lost) AS lost
	FROM records r JOIN organisations o ON o.id = r.org_id
	WHERE `
	countryAggFilters = `(:statuses = '' OR r.status IN (SELECT value FROM json_each(:statuses)))
	  AND (:org_type = '' OR o.type = :org_type)
	GROUP BY r.country_code
), measures AS (
	SELECT country_code AS code, COUNT(*) AS n FROM events WHERE record_id IS NULL`
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
	COALESCE((SELECT MAX(e.date) FROM events e WHERE e.country_code = c.code AND (e.status_after <> '' OR e.record_id IS NULL)), '') AS last_change,
	COUNT(*) OVER ()`

const countrySummaryJoin = `
FROM countries c
LEFT JOIN agg a ON a.code = c.code
LEFT JOIN measures m ON m.code = c.code
WHERE (a.code IS NOT NULL OR (m.code IS NOT NULL AND :statuses = '' AND :org_type = ''))
  AND (:code = '' OR c.code = :code)
  AND (:flagged = 0 OR a.flagged > 0)
  AND (:region = '' OR c.region = :region)
  AND (:query = '' OR c.name LIKE :query ESCAPE '\' OR c.official_name LIKE :query ESCAPE '\' OR c.code LIKE :query ESCAPE '\')`

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
WHERE r.flagged = 1 AND r.country_code IN (SELECT value FROM json_each(:keys))
  AND (:statuses = '' OR r.status IN (SELECT value FROM json_each(:statuses)))
  AND (:org_type = '' OR o.type = :org_type)
GROUP BY r.country_code, r.status`

func (f CountryFilter) args(code string) []any {
	return []any{
		sql.Named("code", code),
		sql.Named("statuses", jsonList(f.Statuses)),
		sql.Named("flagged", boolInt(f.FlaggedOnly)),
		sql.Named("region", f.Region),
		sql.Named("org_type", string(f.OrgType)),
		sql.Named("query", likePattern(f.Query)),
		sql.Named("limit", pageLimit(f.Limit)),
		sql.Named("offset", max(f.Offset, 0)),
	}
}

// pageLimit turns "no limit" (<= 0) into SQLite's -1.
func pageLimit(limit int) int {
	if limit <= 0 {
		return -1
	}
	return limit
}

// CountrySummaries returns the countries f selects, in f.Sort order, and how
// many match in all (ignoring Limit and Offset).
func (s *Store) CountrySummaries(ctx context.Context, f CountryFilter) ([]CountrySummary, int, error) {
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
func (s *Store) CountrySummary(ctx context.Context, code string) (CountrySummary, error) {
	out, _, err := s.countrySummaries(ctx, countrySummaryOne, CountryFilter{}, code)
	if err != nil {
		return CountrySummary{}, fmt.Errorf("country summary %q: %w", code, err)
	}
	if len(out) == 1 {
		return out[0], nil
	}
	c, err := s.Country(ctx, code)
	if err != nil {
		return CountrySummary{}, err
	}
	return CountrySummary{Country: c}, nil
}

func (s *Store) countrySummaries(ctx context.Context, query string, f CountryFilter, code string) ([]CountrySummary, int, error) {
	args := f.args(code)
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []CountrySummary
	total := 0
	for rows.Next() {
		var v CountrySummary
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
		sql.Named("statuses", jsonList(f.Statuses)), sql.Named("org_type", string(f.OrgType)))
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].Flags = flags[out[i].Code]
	}
	return out, total, nil
}

// withoutPaging drops the limit and offset parameters, for the count query
// that goes with a page.
func withoutPaging(args []any) []any {
	return slices.DeleteFunc(slices.Clone(args), func(a any) bool {
		n := a.(sql.NamedArg).Name
		return n == "limit" || n == "offset"
	})
}

// flagCounts runs a countryFlags or orgFlags query: flagged records by key
// (country code or organisation slug) and status. keys lists the keys
// wanted; args are the query's other parameters.
func (s *Store) flagCounts(ctx context.Context, query string, keys []string, args ...any) (map[string]map[access.Status]int, error) {
	out := map[string]map[access.Status]int{}
	if len(keys) == 0 {
		return out, nil
	}
	args = append(args, sql.Named("keys", jsonList(keys)))
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var st access.Status
		var n int
		if err := rows.Scan(&key, &st, &n); err != nil {
			return nil, err
		}
		if out[key] == nil {
			out[key] = map[access.Status]int{}
		}
		out[key][st] = n
	}
	return out, rows.Err()
}

// ---- organisations

// OrgSummary is an organisation with what its records add up to.
type OrgSummary struct {
	access.Org
	Countries int   // countries where it has a record
	Flagged   int   // of which flagged
	ReachLost int64 // people whose aid was lost
	// Flags counts the flagged records by status.
	Flags map[access.Status]int
}

// OrgSort orders an organisation list.
type OrgSort string

// Organisation orders; each ends on the name, then the slug.
const (
	OrgByFlagged   OrgSort = "flagged" // most flagged records, then most reach lost. The default.
	OrgByName      OrgSort = "name"
	OrgByReach     OrgSort = "reach"     // most reach lost
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
	Query       string // text in the name, acronym or slug
	Sort        OrgSort
	Limit       int // <= 0: no limit
	Offset      int
}

const orgSummaryFrom = `
WITH agg AS (
	SELECT r.org_id, COUNT(*) AS countries, SUM(r.flagged) AS flagged, SUM(r.reach_lost) AS lost
	FROM records r JOIN countries c ON c.code = r.country_code
	WHERE (:statuses = '' OR r.status IN (SELECT value FROM json_each(:statuses)))
	  AND (:region = '' OR c.region = :region)
	GROUP BY r.org_id
)`

const orgSummaryJoin = `
FROM organisations o
JOIN agg a ON a.org_id = o.id
WHERE (:slug = '' OR o.slug = :slug)
  AND (:flagged = 0 OR a.flagged > 0)
  AND (:org_type = '' OR o.type = :org_type)
  AND (:query = '' OR o.name LIKE :query ESCAPE '\' OR o.acronym LIKE :query ESCAPE '\' OR o.slug LIKE :query ESCAPE '\')`

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
WHERE r.flagged = 1 AND o.slug IN (SELECT value FROM json_each(:keys))
  AND (:statuses = '' OR r.status IN (SELECT value FROM json_each(:statuses)))
  AND (:region = '' OR c.region = :region)
GROUP BY o.slug, r.status`

// OrgSummaries returns the organisations f selects, in f.Sort order, and
// how many match in all (ignoring Limit and Offset).
func (s *Store) OrgSummaries(ctx context.Context, f OrgFilter) ([]OrgSummary, int, error) {
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
func (s *Store) OrgSummary(ctx context.Context, slug string) (OrgSummary, error) {
	out, _, err := s.orgSummaries(ctx, orgSummaryQueries[OrgByName], OrgFilter{}, slug)
	if err != nil {
		return OrgSummary{}, fmt.Errorf("organisation summary %q: %w", slug, err)
	}
	if len(out) == 1 {
		return out[0], nil
	}
	o, err := s.Org(ctx, slug)
	if err != nil {
		return OrgSummary{}, err
	}
	return OrgSummary{Org: o}, nil
}

func (s *Store) orgSummaries(ctx context.Context, query string, f OrgFilter, slug string) ([]OrgSummary, int, error) {
	args := []any{
		sql.Named("slug", slug),
		sql.Named("statuses", jsonList(f.Statuses)),
		sql.Named("flagged", boolInt(f.FlaggedOnly)),
		sql.Named("region", f.Region),
		sql.Named("org_type", string(f.OrgType)),
		sql.Named("query", likePattern(f.Query)),
		sql.Named("limit", pageLimit(f.Limit)),
		sql.Named("offset", max(f.Offset, 0)),
	}
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []OrgSummary
	total := 0
	for rows.Next() {
		var v OrgSummary
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
		sql.Named("statuses", jsonList(f.Statuses)), sql.Named("region", f.Region))
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].Flags = flags[out[i].Slug]
	}
	return out, total, nil
}

// ---- records besides the flagged ones

// UnflaggedRecords returns records that are not flagged, by country name,
// then most severe status first, at most limit of them (<= 0: all), and
// how many there are in all.
func (s *Store) UnflaggedRecords(ctx context.Context, limit int) ([]RecordView, int, error) {
	rows, err := s.reader.QueryContext(ctx, recordSelect+`
WHERE r.flagged = 0
ORDER BY c.name, r.severity DESC, r.reach_lost DESC, o.name, r.id
LIMIT :limit`, sql.Named("limit", pageLimit(limit)))
	if err != nil {
		return nil, 0, fmt.Errorf("list unflagged records: %w", err)
	}
	defer rows.Close()
	var out []RecordView
	for rows.Next() {
		v, err := scanRecord(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list unflagged records: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list unflagged records: %w", err)
	}
	total := len(out)
	if limit > 0 && total == limit {
		if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM records WHERE flagged = 0`).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count unflagged records: %w", err)
		}
	}
	return out, total, nil
}

// ---- the change log

// ChangeFilter selects events for the change log. Zero fields do not filter.
type ChangeFilter struct {
	Country  string          // ISO3
	Org      string          // slug
	Statuses []access.Status // events that set any of these statuses
	// FlaggedOnly keeps events that set a status the dashboard flags (see
	// access.Status.Flagged).
	FlaggedOnly bool
	Region      string
	OrgType     access.OrgType
	Types       []access.EventType // any of
	// Query is text in the organisation's name, acronym or slug, the
	// country's name or code, the authority, or the description.
	Query string
	// Since keeps events dated at or after the start of Since; Until keeps
	// events dated before the end of Until (both at their precision).
	Since, Until access.Date
	// ChangesOnly keeps events that changed a status and class-level
	// measures: what changed, without statements and reviews.
	ChangesOnly bool
	OldestFirst bool // default: newest first
	Limit       int  // <= 0: no limit
	Offset      int
	// NoTotal skips counting every match: Changes then returns the length
	// of the page as the total.
	NoTotal bool
}

// changeConditions are the filters besides country and organisation.
const changeConditions = `
  AND (:statuses = '' OR e.status_after IN (SELECT value FROM json_each(:statuses)))
  AND (:flagged = 0 OR e.status_after IN (SELECT value FROM json_each(:flag_any))
       OR (e.initiated_by = :flag_initiator AND e.status_after IN (SELECT value FROM json_each(:flag_by))))
  AND (:region = '' OR c.region = :region)
  AND (:org_type = '' OR o.type = :org_type)
  AND (:types = '' OR e.type IN (SELECT value FROM json_each(:types)))
  AND (:query = '' OR o.name LIKE :query ESCAPE '\' OR o.acronym LIKE :query ESCAPE '\' OR o.slug LIKE :query ESCAPE '\'
       OR c.name LIKE :query ESCAPE '\' OR c.code LIKE :query ESCAPE '\' OR e.authority LIKE :query ESCAPE '\'
       OR e.description LIKE :query ESCAPE '\')
  AND (:since = '' OR e.date >= :since)
  AND (:until = '' OR e.date < :until)
  AND (:changes_only = 0 OR e.status_after <> '' OR e.record_id IS NULL)`

// changeScope says whether a change query is narrowed to a country or an
// organisation. Each scope has its own WHERE clause, written so that SQLite
// can use the country or organisation indexes: an optional condition
// ("no filter or equal") would make it scan every event.
type changeScope int

const (
	scopeAll changeScope = iota
	scopeCountry
	scopeOrg
)

var changeWhere = map[changeScope]string{
	scopeAll: `
WHERE (:country = '' OR e.country_code = :country) AND (:org = '' OR o.slug = :org)` + changeConditions,
	scopeCountry: `
WHERE e.country_code = :country AND (:org = '' OR o.slug = :org)` + changeConditions,
	scopeOrg: `
WHERE :country = '' AND e.record_id IN (SELECT ro.id FROM records ro JOIN organisations oo ON oo.id = ro.org_id WHERE oo.slug = :org)` +
		changeConditions,
}

const changeCountFrom = `SELECT COUNT(*) FROM events e
JOIN countries c ON c.code = e.country_code
LEFT JOIN records r ON r.id = e.record_id
LEFT JOIN organisations o ON o.id = r.org_id`

// changeQueries holds, per scope, the newest-first and oldest-first queries
// and the count.
var changeQueries = func() map[changeScope][3]string {
	m := map[changeScope][3]string{}
	for scope, where := range changeWhere {
		m[scope] = [3]string{
			eventSelect + where + `
ORDER BY e.date DESC, e.id DESC` + eventPage,
			eventSelect + where + `
ORDER BY e.date, e.id` + eventPage,
			changeCountFrom + where,
		}
	}
	return m
}()

func (f ChangeFilter) scope() changeScope {
	switch {
	case f.Country != "":
		return scopeCountry
	case f.Org != "":
		return scopeOrg
	}
	return scopeAll
}

// flagRule splits the statuses that can be flagged into those flagged
// whoever imposed them and those flagged only when an authority did, so the
// change log applies access.Status.Flagged without restating it.
func flagRule() (always, byAuthority []access.Status) {
	for _, st := range access.Statuses {
		switch {
		case st.Flagged(""):
			always = append(always, st)
		case st.Flagged(access.InitiatedByAuthority):
			byAuthority = append(byAuthority, st)
		}
	}
	return always, byAuthority
}

func (f ChangeFilter) args() []any {
	var until string
	if !f.Until.IsZero() {
		until = access.DayOf(f.Until.End()).ISO()
	}
	always, byAuthority := flagRule()
	return []any{
		sql.Named("country", f.Country),
		sql.Named("org", f.Org),
		sql.Named("statuses", jsonList(f.Statuses)),
		sql.Named("flagged", boolInt(f.FlaggedOnly)),
		sql.Named("flag_any", jsonList(always)),
		sql.Named("flag_by", jsonList(byAuthority)),
		sql.Named("flag_initiator", string(access.InitiatedByAuthority)),
		sql.Named("region", f.Region),
		sql.Named("org_type", string(f.OrgType)),
		sql.Named("types", jsonList(f.Types)),
		sql.Named("query", likePattern(f.Query)),
		sql.Named("since", f.Since.ISO()),
		sql.Named("until", until),
		sql.Named("changes_only", boolInt(f.ChangesOnly)),
		sql.Named("limit", pageLimit(f.Limit)),
		sql.Named("offset", max(f.Offset, 0)),
	}
}

// Changes returns the events f selects, with their sources, newest first
// (or oldest first), and how many match in all (ignoring Limit and Offset;
// unless f.NoTotal).
func (s *Store) Changes(ctx context.Context, f ChangeFilter) ([]EventView, int, error) {
	queries := changeQueries[f.scope()]
	query := queries[0]
	if f.OldestFirst {
		query = queries[1]
	}
	args := f.args()
	out, err := s.queryEvents(ctx, s.reader, query, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list changes: %w", err)
	}
	total := len(out)
	if (f.Limit > 0 || f.Offset > 0) && !f.NoTotal {
		if err := s.reader.QueryRowContext(ctx, queries[2], withoutPaging(args)...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count changes: %w", err)
		}
	}
	return out, total, nil
}

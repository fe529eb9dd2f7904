package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/accesswatch/accesswatch/internal/access"
)

// RecordSort orders a record list.
type RecordSort string

// Record orders. Every order ends on the record id, so pages are stable.
const (
	// SortSeverity: flagged first, then the most severe status, the most
	// reach lost, country and organisation name. The default.
	SortSeverity RecordSort = "severity"
	SortCountry  RecordSort = "country" // country name, then severity
	SortOrg      RecordSort = "org"     // organisation name, then country
	SortSince    RecordSort = "since"   // most recent status change first
	SortReach    RecordSort = "reach"   // most reach lost first
	SortUpdated  RecordSort = "updated" // most recently updated first
)

// RecordSorts lists every record order.
var RecordSorts = []RecordSort{SortSeverity, SortCountry, SortOrg, SortSince, SortReach, SortUpdated}

// RecordFilter selects records. Zero fields do not filter.
type RecordFilter struct {
	Country     string          // ISO3
	Org         string          // slug
	Statuses    []access.Status // any of
	FlaggedOnly bool            // flagged today: a time-limited measure past its end is not
	Region      string
	OrgType     access.OrgType
	// Query is text in the organisation's name, acronym or slug, the
	// country's name, official name or code, or the words of one of the
	// record's events (see ChangeFilter.Query); Match is what it stands
	// for besides (see access.MatchText).
	Query        string
	Match        access.TextMatch
	UpdatedSince time.Time // records updated at or after
	// IncludePrivate also returns private records (every event awaits
	// verification while it is required): for editors' reads only.
	IncludePrivate bool
	Sort           RecordSort
	Limit          int // <= 0: no limit
	Offset         int
}

const recordSelect = `SELECT r.id, r.country_code, c.name, c.region, o.slug, o.name, o.acronym, o.type, o.website,
	r.status, r.status_since, r.status_initiated_by, r.status_event_id, r.presence_since, r.reach_people, r.reach_basis,
	r.reach_period, r.reach_date, r.last_reviewed, r.review_due, r.summary, r.version, r.updated_at, r.updated_by,
	r.status_until, r.status_until_kind, r.latest_event
FROM records r
JOIN organisations o ON o.id = r.org_id
JOIN countries c ON c.code = r.country_code`

// recordWhere applies a RecordFilter through named parameters; an empty
// parameter switches its condition off.
const recordWhere = `
WHERE (:country = '' OR r.country_code = :country)
  AND (:org = '' OR o.slug = :org)
  AND (:statuses = '' OR r.status IN (SELECT value FROM json_each(:statuses)))
  AND (:flagged = 0 OR ` + flaggedToday + `)
  AND (:region = '' OR c.region = :region)
  AND (:org_type = '' OR o.type = :org_type)
  AND (:query = '' OR ` + orgTextMatch + ` OR ` + countryTextMatch + `
       OR EXISTS (SELECT 1 FROM events e WHERE e.record_id = r.id AND (:include_private = 1 OR ` + publicEvent + `)
                  AND ` + eventTextMatch + `))
  AND (:updated_since = '' OR r.updated_at >= :updated_since)
  AND (:include_private = 1 OR ` + publicRecord + `)`

const recordPage = `
LIMIT :limit OFFSET :offset`

// recordQueries holds one complete query per order, so no SQL is assembled
// from input at run time.
var recordQueries = map[RecordSort]string{
	SortSeverity: recordSelect + recordWhere + `
ORDER BY r.flagged DESC, r.severity DESC, r.reach_lost DESC, c.name, o.name, r.id` + recordPage,
	SortCountry: recordSelect + recordWhere + `
ORDER BY c.name, r.flagged DESC, r.severity DESC, o.name, r.id` + recordPage,
	SortOrg: recordSelect + recordWhere + `
ORDER BY o.name, c.name, r.id` + recordPage,
	SortSince: recordSelect + recordWhere + `
ORDER BY r.status_since DESC, r.id DESC` + recordPage,
	SortReach: recordSelect + recordWhere + `
ORDER BY r.reach_lost DESC, r.severity DESC, c.name, o.name, r.id` + recordPage,
	SortUpdated: recordSelect + recordWhere + `
ORDER BY r.updated_at DESC, r.id DESC` + recordPage,
}

const recordCount = `SELECT COUNT(*) FROM records r
JOIN organisations o ON o.id = r.org_id
JOIN countries c ON c.code = r.country_code` + recordWhere

func (f RecordFilter) args() []any {
	var since string
	if !f.UpdatedSince.IsZero() {
		since = timestamp(f.UpdatedSince)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	return append(searchArgs(f.Query, f.Match),
		sql.Named("country", f.Country),
		sql.Named("org", f.Org),
		sql.Named("statuses", jsonList(f.Statuses)),
		sql.Named("flagged", boolInt(f.FlaggedOnly)),
		sql.Named("region", f.Region),
		sql.Named("org_type", string(f.OrgType)),
		sql.Named("updated_since", since),
		sql.Named("include_private", boolInt(f.IncludePrivate)),
		sql.Named("limit", limit),
		sql.Named("offset", max(f.Offset, 0)),
	)
}

// likePattern turns search text into a LIKE pattern matching it anywhere,
// with LIKE's wildcards escaped so they match themselves. Control
// characters and invalid UTF-8 are dropped first: no one types them into a
// search, and SQLite's LIKE reads its pattern as a C string, so a NUL would
// cut it short ("%\x00zzz%" would match everything). The web layer refuses
// such text already; this is the store's own defence.
func likePattern(q string) string {
	q = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, q))
	if q == "" {
		return ""
	}
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(q) + "%"
}

func scanRecord(row interface{ Scan(...any) error }) (access.RecordView, error) {
	var v access.RecordView
	var since, reachDate, reviewed, updated, until, latest string
	var people sql.NullInt64
	var basis, period string
	err := row.Scan(&v.ID, &v.CountryCode, &v.CountryName, &v.Region, &v.Org.Slug, &v.Org.Name, &v.Org.Acronym,
		&v.Org.Type, &v.Org.Website, &v.Status, &since, &v.StatusInitiatedBy, &v.StatusEventID, &v.PresenceSince, &people, &basis,
		&period, &reachDate, &reviewed, &v.ReviewDue, &v.Summary, &v.Version, &updated, &v.UpdatedBy,
		&until, &v.StatusUntilKind, &latest)
	v.OrgSlug = v.Org.Slug
	v.StatusSince, v.ReachDate, v.LastReviewed = date(since), date(reachDate), date(reviewed)
	v.StatusUntil, v.LatestEvent = date(until), date(latest)
	v.Reach = reach(people, basis, period)
	v.UpdatedAt = parseTimestamp(updated)
	return v, err
}

// Records returns the records f selects, in f.Sort order, and how many
// records match in all (ignoring Limit and Offset).
func (s *Store) Records(ctx context.Context, f RecordFilter) ([]access.RecordView, int, error) {
	if f.Sort == "" {
		f.Sort = SortSeverity
	}
	query, ok := recordQueries[f.Sort]
	if !ok {
		return nil, 0, fmt.Errorf("list records: unknown order %q", f.Sort)
	}
	args := append(f.args(), s.today())
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list records: %w", err)
	}
	defer rows.Close()
	var out []access.RecordView
	for rows.Next() {
		v, err := scanRecord(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list records: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list records: %w", err)
	}
	total := len(out)
	if f.Limit > 0 || f.Offset > 0 {
		if err := s.reader.QueryRowContext(ctx, recordCount, withoutPaging(args)...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count records: %w", err)
		}
	}
	return out, total, nil
}

// Record returns the record of an organisation in a country, as the public
// sees it: a private record (see visibility.go) is ErrNotFound.
func (s *Store) Record(ctx context.Context, country, slug string) (access.RecordView, error) {
	return s.record(ctx, country, slug, false)
}

// EditorRecord returns the record of an organisation in a country, private
// or not (for editors).
func (s *Store) EditorRecord(ctx context.Context, country, slug string) (access.RecordView, error) {
	return s.record(ctx, country, slug, true)
}

func (s *Store) record(ctx context.Context, country, slug string, includePrivate bool) (access.RecordView, error) {
	v, err := scanRecord(s.reader.QueryRowContext(ctx, recordSelect+`
WHERE r.country_code = ? AND o.slug = ? AND (? = 1 OR `+publicRecord+`)`, country, slug, boolInt(includePrivate)))
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("record %s/%s: %w", country, slug, ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("record %s/%s: %w", country, slug, err)
	}
	return v, nil
}

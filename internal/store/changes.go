package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/accesswatch/accesswatch/internal/access"
)

// The change log: events with their filters, newest first.

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
	// country's name, official name or code, or the event's authority,
	// stated reason, description or source publisher; Match is what it
	// stands for besides (see access.MatchText), filled by the caller.
	Query string
	Match access.TextMatch
	// Since keeps events dated at or after the start of Since; Until keeps
	// events dated before the end of Until (both at their precision).
	Since, Until access.Date
	// ChangesOnly keeps events that changed a status and class-level
	// measures: what changed, without statements and reviews.
	ChangesOnly bool
	// SkipEmptyReviews leaves out reviews that change nothing (a reviewed
	// event that sets no status): the feed's default.
	SkipEmptyReviews bool
	// ByEntry orders by when events were recorded, newest recorded first
	// (a 2009 fact entered today comes first), instead of by their dates.
	// OldestFirst is ignored with ByEntry.
	ByEntry     bool
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
       OR (e.initiated_by IN (SELECT value FROM json_each(:flag_initiators)) AND e.status_after IN (SELECT value FROM json_each(:flag_by))))
  AND (:region = '' OR c.region = :region)
  AND (:org_type = '' OR o.type = :org_type)
  AND (:types = '' OR e.type IN (SELECT value FROM json_each(:types)))
  AND (:query = '' OR ` + orgTextMatch + ` OR ` + countryTextMatch + `
       OR ` + eventTextMatch + `)
  AND (:since = '' OR e.date >= :since)
  AND (:until = '' OR e.date < :until)
  AND (:changes_only = 0 OR e.status_after <> '' OR e.record_id IS NULL)
  AND (:skip_reviews = 0 OR e.type <> 'reviewed' OR e.status_after <> '')
  AND ` + publicEvent

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

// changeQueries holds, per scope, the newest-first and oldest-first queries,
// the count, and the newest-recorded-first query.
var changeQueries = func() map[changeScope][4]string {
	m := map[changeScope][4]string{}
	for scope, where := range changeWhere {
		m[scope] = [4]string{
			eventSelect + where + `
ORDER BY e.date DESC, e.id DESC` + eventPage,
			eventSelect + where + `
ORDER BY e.date, e.id` + eventPage,
			changeCountFrom + where,
			eventSelect + where + `
ORDER BY e.entered_at DESC, e.id DESC` + eventPage,
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
	// Dates compare as boundaries (see boundary): "2025-07" starts on 1 Jul
	// 2025, so it is not before the end of June 2025, though it sorts
	// before "2025-07-01" as text.
	var since, until string
	if !f.Since.IsZero() {
		since = boundary(f.Since.Start())
	}
	if !f.Until.IsZero() {
		until = boundary(f.Until.End())
	}
	always, byAuthority := flagRule()
	return append(searchArgs(f.Query, f.Match),
		sql.Named("country", f.Country),
		sql.Named("org", f.Org),
		sql.Named("statuses", jsonList(f.Statuses)),
		sql.Named("flagged", boolInt(f.FlaggedOnly)),
		sql.Named("flag_any", jsonList(always)),
		sql.Named("flag_by", jsonList(byAuthority)),
		sql.Named("flag_initiators", jsonList(access.Authorities)),
		sql.Named("region", f.Region),
		sql.Named("org_type", string(f.OrgType)),
		sql.Named("types", jsonList(f.Types)),
		sql.Named("since", since),
		sql.Named("until", until),
		sql.Named("changes_only", boolInt(f.ChangesOnly)),
		sql.Named("skip_reviews", boolInt(f.SkipEmptyReviews)),
		sql.Named("limit", pageLimit(f.Limit)),
		sql.Named("offset", max(f.Offset, 0)),
	)
}

// Changes returns the events f selects, with their sources, newest first
// (or oldest first), and how many match in all (ignoring Limit and Offset;
// unless f.NoTotal).
func (s *Store) Changes(ctx context.Context, f ChangeFilter) ([]access.EventView, int, error) {
	queries := changeQueries[f.scope()]
	query := queries[0]
	switch {
	case f.ByEntry:
		query = queries[3]
	case f.OldestFirst:
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

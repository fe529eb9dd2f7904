package web

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/internal/store"
)

// The query parameters of each API address and export, read by the shared
// parser (package query) in strict mode: every other parameter is refused,
// so that a misspelt filter is an error rather than silently ignored. The
// event lists take the same filters as /changes, so one query string
// selects the same events on the page, in the API and in the CSV.
var (
	apiNoParams      = query.Spec{Strict: true}
	recordListParams = query.Spec{Strict: true, Params: []string{query.Country, query.Org, query.Status, query.Flagged,
		query.Region, query.UpdatedSince, query.Limit, query.Offset}}
	eventListParams = query.Spec{Strict: true, LegacyEventType: true, Params: []string{query.Country, query.Org,
		query.Status, query.Flagged, query.Region, query.Type, query.Event, query.Since, query.Until, query.Text,
		query.Limit, query.Offset}}
	recordExportParams = query.Spec{Strict: true, Params: []string{query.Country, query.Org, query.Status, query.Flagged,
		query.Region, query.UpdatedSince}}
	eventExportParams = query.Spec{Strict: true, LegacyEventType: true, Params: []string{query.Country, query.Org,
		query.Status, query.Flagged, query.Region, query.Type, query.Event, query.Since, query.Until, query.Text}}
)

// recordFilter is the store filter of a records query.
func recordFilter(q query.Query) store.RecordFilter {
	return store.RecordFilter{Country: q.Country, Org: q.Org, Statuses: q.Statuses, FlaggedOnly: q.Flagged,
		Region: q.Region, UpdatedSince: q.UpdatedSince, Sort: store.SortCountry, Limit: q.Limit, Offset: q.Offset}
}

// eventSelection is the store filter of an events query, the one
// translation /changes, /changes.atom, /api/v1/events and
// /export/events.csv share; callers set the order and paging.
func eventSelection(q query.Query) store.ChangeFilter {
	return store.ChangeFilter{
		Country: q.Country, Org: q.Org, Statuses: q.Statuses, FlaggedOnly: q.Flagged, Region: q.Region,
		OrgType: q.OrgType, Types: q.Events, Query: q.Text, Since: q.Since, Until: q.Until,
	}
}

// refStore answers whether the things a query names exist.
type refStore interface {
	Country(ctx context.Context, code string) (access.Country, error)
	Org(ctx context.Context, slug string) (access.Org, error)
	Countries(ctx context.Context) ([]access.Country, error)
}

// checkRefs checks that the country, organisation and region a parsed query
// names exist, adding a problem to qe for each that does not, and gives the
// region its stored spelling (regions match whatever their case). A filter
// naming nothing is an error, not an empty answer, so that a mistyped code
// is not mistaken for "no data".
func checkRefs(ctx context.Context, st refStore, q *query.Query, qe *query.Error) error {
	if q.Country != "" {
		if _, err := st.Country(ctx, q.Country); errors.Is(err, store.ErrNotFound) {
			qe.Add(query.Problem{Param: query.Country, Value: q.Country, Code: query.CodeCountryUnknown, Allowed: []string{"NER"}})
		} else if err != nil {
			return err
		}
	}
	if q.Org != "" {
		if _, err := st.Org(ctx, q.Org); errors.Is(err, store.ErrNotFound) {
			qe.Add(query.Problem{Param: query.Org, Value: q.Org, Code: query.CodeOrgUnknown, Allowed: []string{"icrc"}})
		} else if err != nil {
			return err
		}
	}
	if q.Region != "" {
		regions, err := knownRegions(ctx, st)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(regions, func(r string) bool { return strings.EqualFold(r, q.Region) })
		if i < 0 {
			qe.Add(query.Problem{Param: query.Region, Value: q.Region, Code: query.CodeRegion, Allowed: regions})
		} else {
			q.Region = regions[i]
		}
	}
	return nil
}

// knownRegions lists the regions of the country list, sorted.
func knownRegions(ctx context.Context, st refStore) ([]string, error) {
	countries, err := st.Countries(ctx)
	if err != nil {
		return nil, err
	}
	var regions []string
	for _, c := range countries {
		if c.Region != "" && !slices.Contains(regions, c.Region) {
			regions = append(regions, c.Region)
		}
	}
	slices.Sort(regions)
	return regions, nil
}

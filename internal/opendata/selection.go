package opendata

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/internal/store"
)

// What an export selects, read by the shared parser (package query) in
// strict mode: every other parameter is refused, so that a misspelt filter
// is an error rather than silently ignored. /export/KIND.csv takes these
// as query parameters and `accesswatch export KIND` as flags of the same
// names, so one query selects the same rows in both. The events export
// takes the filters of /changes and /api/v1/events, without paging (an
// export is whole).
var (
	// RecordExportSpec is what the records export accepts.
	RecordExportSpec = query.Spec{Strict: true, Params: []string{query.Country, query.Org, query.Status, query.Flagged,
		query.Region, query.Type, query.Text, query.UpdatedSince}}
	// EventExportSpec is what the events export accepts.
	EventExportSpec = query.Spec{Strict: true, LegacyEventType: true, Params: []string{query.Country, query.Org,
		query.Status, query.Flagged, query.Region, query.Type, query.Event, query.Since, query.Until, query.Text}}
	// ExportSpecs are the exports by kind (see Kinds).
	ExportSpecs = map[string]query.Spec{"records": RecordExportSpec, "events": EventExportSpec, "class-measures": ClassMeasureSpec}
)

// RecordSelection is the store filter of a records query (an export, or an
// API page of records): by country, then flagged and most severe first.
// The record tables of the country and organisation pages select with
// RecordFilter, so that a page and its downloads hold the same records.
func RecordSelection(q query.Query) store.RecordFilter {
	f := RecordFilter(q)
	f.Sort, f.Limit, f.Offset = store.SortCountry, q.Limit, q.Offset
	return f
}

// RecordFilter is the store filter of the records a query selects, without
// order or paging: the one translation the record tables of the pages,
// /api/v1/records, /export/records.csv and `accesswatch export records`
// share.
func RecordFilter(q query.Query) store.RecordFilter {
	return store.RecordFilter{Country: q.Country, Org: q.Org, Statuses: q.Statuses, FlaggedOnly: q.Flagged,
		Region: q.Region, OrgType: q.OrgType, Query: q.Text, Match: q.Match, UpdatedSince: q.UpdatedSince}
}

// EventSelection is the store filter of an events query, the one
// translation /changes, /changes.atom, /api/v1/events, /export/events.csv
// and `accesswatch export events` share; callers set the order and paging.
func EventSelection(q query.Query) store.ChangeFilter {
	return store.ChangeFilter{
		Country: q.Country, Org: q.Org, Statuses: q.Statuses, FlaggedOnly: q.Flagged, Region: q.Region,
		OrgType: q.OrgType, Types: q.Events, Query: q.Text, Match: q.Match, Since: q.Since, Until: q.Until,
	}
}

// MatchText fills in q.Match, what q's search text stands for besides
// itself (see access.MatchText): the countries it names by any of their
// names, and the statuses, event types, instruments and reason categories
// whose labels in any language hold it. Every surface that takes q calls
// it with the same labels (package i18n's Languages), so that one q selects
// the same items on pages in either language, in the API and in the
// exports.
func MatchText(ctx context.Context, st RefStore, labels access.SearchLabels, q *query.Query) error {
	if q.Text == "" {
		q.Match = access.TextMatch{}
		return nil
	}
	countries, err := st.Countries(ctx)
	if err != nil {
		return fmt.Errorf("match search text: %w", err)
	}
	q.Match = access.MatchText(q.Text, countries, labels)
	return nil
}

// Export writes the export of kind ("records", "events" or
// "class-measures") that a parsed query selects: UTF-8, RFC 4180, a header
// row and an HXL hashtag row. Events come in the order an import
// reproduces (see WriteEvents); records by country, then flagged and most
// severe first; class measures by country, then date.
//
// With q.BOM the file starts with a UTF-8 byte order mark, which Excel
// needs to read the file as UTF-8 ("CSV for Excel"); the rest is the same.
func Export(ctx context.Context, src Source, kind string, q query.Query, w io.Writer) error {
	if q.BOM {
		if _, err := io.WriteString(w, ByteOrderMark); err != nil {
			return fmt.Errorf("export %s: %w", kind, err)
		}
	}
	switch kind {
	case "records":
		return WriteRecords(ctx, src, RecordSelection(q), w)
	case "events":
		return WriteEvents(ctx, src, EventSelection(q), w)
	case "class-measures":
		return WriteClassMeasures(ctx, src, q, w)
	}
	return fmt.Errorf("export: unknown kind %q", kind)
}

// ByteOrderMark is the UTF-8 encoding of U+FEFF that starts a "CSV for
// Excel" (see Export).
const ByteOrderMark = "\ufeff"

// RefStore answers whether the things a query names exist.
type RefStore interface {
	Country(ctx context.Context, code string) (access.Country, error)
	Org(ctx context.Context, slug string) (access.Org, error)
	Countries(ctx context.Context) ([]access.Country, error)
}

// CheckRefs checks that the country, organisation and region a parsed query
// names exist, adding a problem to qe for each that does not, and gives the
// region its stored spelling (regions match whatever their case). A filter
// naming nothing is an error, not an empty answer, so that a mistyped code
// is not mistaken for "no data". Only a failing store is an error.
func CheckRefs(ctx context.Context, st RefStore, q *query.Query, qe *query.Error) error {
	if q.Country != "" {
		if _, err := st.Country(ctx, q.Country); errors.Is(err, access.ErrNotFound) {
			qe.Add(query.Problem{Param: query.Country, Value: q.Country, Code: query.CodeCountryUnknown, Allowed: []string{"NER"}})
		} else if err != nil {
			return err
		}
	}
	if q.Org != "" {
		if _, err := st.Org(ctx, q.Org); errors.Is(err, access.ErrNotFound) {
			qe.Add(query.Problem{Param: query.Org, Value: q.Org, Code: query.CodeOrgUnknown, Allowed: []string{"icrc"}})
		} else if err != nil {
			return err
		}
	}
	if q.Region != "" {
		regions, err := KnownRegions(ctx, st)
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

// KnownRegions lists the regions of the country list, sorted.
func KnownRegions(ctx context.Context, st RefStore) ([]string, error) {
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

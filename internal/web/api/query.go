package api

import (
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/web/query"
)

// The query parameters of each API address and export (the event lists'
// are exported: the router marks their old spellings), read by the shared
// parser (package query) in strict mode: every other parameter is refused,
// so that a misspelt filter is an error rather than silently ignored. The
// event lists take the same filters as /changes, so one query string
// selects the same events on the page, in the API and in the CSV.
var (
	apiNoParams      = query.Spec{Strict: true}
	recordListParams = query.Spec{Strict: true, Params: []string{query.Country, query.Org, query.Status, query.Flagged,
		query.Region, query.UpdatedSince, query.Limit, query.Offset}}
	EventListParams = query.Spec{Strict: true, LegacyEventType: true, Params: []string{query.Country, query.Org,
		query.Status, query.Flagged, query.Region, query.Type, query.Event, query.Since, query.Until, query.Text,
		query.Limit, query.Offset}}
	recordExportParams = query.Spec{Strict: true, Params: []string{query.Country, query.Org, query.Status, query.Flagged,
		query.Region, query.UpdatedSince}}
	EventExportParams = query.Spec{Strict: true, LegacyEventType: true, Params: []string{query.Country, query.Org,
		query.Status, query.Flagged, query.Region, query.Type, query.Event, query.Since, query.Until, query.Text}}
)

// recordFilter is the store filter of a records query.
func recordFilter(q query.Query) store.RecordFilter {
	return store.RecordFilter{Country: q.Country, Org: q.Org, Statuses: q.Statuses, FlaggedOnly: q.Flagged,
		Region: q.Region, UpdatedSince: q.UpdatedSince, Sort: store.SortCountry, Limit: q.Limit, Offset: q.Offset}
}

package web

import (
	"github.com/accesswatch/accesswatch/internal/query"
)

// The query parameters of each API address, read by the shared parser
// (package query) in strict mode: every other parameter is refused, so that
// a misspelt filter is an error rather than silently ignored. The event
// list takes the same filters as /changes and /export/events.csv
// (opendata.EventExportSpec), so one query string selects the same events
// on the page, in the API and in the CSV.
var (
	apiNoParams      = query.Spec{Strict: true}
	recordListParams = query.Spec{Strict: true, Params: []string{query.Country, query.Org, query.Status, query.Flagged,
		query.Region, query.UpdatedSince, query.Limit, query.Offset}}
	eventListParams = query.Spec{Strict: true, LegacyEventType: true, Params: []string{query.Country, query.Org,
		query.Status, query.Flagged, query.Region, query.Type, query.Event, query.Since, query.Until, query.Text,
		query.Limit, query.Offset}}
)

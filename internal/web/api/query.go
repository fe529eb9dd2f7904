package api

import (
	"github.com/accesswatch/accesswatch/internal/query"
)

// The query parameters of each API address (the event lists' are
// exported: the router marks their old spellings; the exports' are
// opendata.ExportSpecs, which `accesswatch export` shares), read by the shared
// parser (package query) in strict mode: every other parameter is refused,
// so that a misspelt filter is an error rather than silently ignored. The
// event lists take the same filters as /changes, so one query string
// selects the same events on the page, in the API and in the CSV.
var (
	apiNoParams      = query.Spec{Strict: true}
	recordListParams = query.Spec{Strict: true, Params: []string{query.Country, query.Org, query.Status, query.Flagged,
		query.Region, query.Type, query.Text, query.UpdatedSince, query.Limit, query.Offset}}
	EventListParams = query.Spec{Strict: true, LegacyEventType: true, Params: []string{query.Country, query.Org,
		query.Status, query.Flagged, query.Region, query.Type, query.Event, query.Since, query.Until, query.Text,
		query.Limit, query.Offset}}
)

package opendata

// RecordRows exposes recordRows to the external tests.
var RecordRows = recordRows

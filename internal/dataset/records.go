package dataset

import (
	"io"
	"strconv"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

// RecordColumns are the records CSV columns in the order they are written.
// The records CSV is an export only: one row per organisation in a country,
// its current state as derived from its events, and the sources of the event
// that set its status. The hashtags follow HXL 1.1 so that HDX and HXL tools
// recognise the columns; the main date (#date) is when the status began.
var RecordColumns = []column{
	{"country_code", "#country+code", ""},
	{"country_name", "#country+name", ""},
	{"region", "#region+name", ""},
	{"org_slug", "#org+code", ""},
	{"org_name", "#org+name", ""},
	{"org_acronym", "#org+acronym", ""},
	{"org_type", "#org+type", ""},
	{"status", "#status", ""},
	{"flagged", "#status+flagged", ""},
	{"status_since", "#date", ""},
	{"status_since_precision", "#date+precision", ""},
	{"status_initiated_by", "#access+initiator", ""},
	{"presence_since", "#date+presence", ""},
	{"people_reached", "#reached", ""},
	{"people_basis", "#reached+basis", ""},
	{"people_period", "#reached+period", ""},
	{"people_reached_date", "#date+reached", ""},
	{"people_lost", "#reached+lost", ""},
	{"last_reviewed", "#date+reviewed", ""},
	{"review_due", "#status+review", ""},
	{"summary", "#description", ""},
	{"source_publisher", "#meta+source", ""},
	{"source_url", "#meta+url", ""},
	{"source_title", "#meta+title", ""},
	{"source_date", "#meta+date", ""},
	{"source_type", "#meta+type", ""},
	{"updated_at", "#date+updated", ""},
}

// RecordRow is one row of the records CSV.
type RecordRow struct {
	Record      access.Record
	Org         access.Org
	CountryName string
	Region      string
	// StatusSources are the sources of the event that set the status: the
	// answer to "says who?".
	StatusSources []access.Source
}

// WriteRecords writes rows as a records CSV with its header and, when hxl is
// set, the HXL hashtag row: UTF-8, RFC 4180 quoting, CRLF line ends. Numbers
// are plain digits, dates ISO 8601 at their precision, flags true or false,
// and an empty cell means "not known".
func WriteRecords(w io.Writer, rows []RecordRow, hxl bool) error {
	return writeCSV(w, RecordColumns, hxl, len(rows), func(i int, rec []string) { recordRecord(rec, rows[i]) })
}

func recordRecord(rec []string, row RecordRow) {
	r := row.Record
	people, basis, period := reachCells(r.Reach)
	var updated string
	if !r.UpdatedAt.IsZero() {
		// Day precision (midnight UTC): the export never tells when an
		// editor works.
		updated = r.UpdatedAt.UTC().Truncate(24 * time.Hour).Format(time.RFC3339)
	}
	cells := append([]string{
		r.CountryCode, row.CountryName, row.Region, r.OrgSlug, row.Org.Name, row.Org.Acronym, string(row.Org.Type),
		string(r.Status), strconv.FormatBool(r.Flagged()), r.StatusSince.ISO(), string(r.StatusSince.Precision),
		string(r.StatusInitiatedBy), yearCell(r.PresenceSince), people, basis, period, r.ReachDate.ISO(),
		lostCell(r.RecordState), r.LastReviewed.ISO(), strconv.FormatBool(r.ReviewDue), r.Summary,
	}, sourceCells(row.StatusSources)...)
	copy(rec, append(cells, updated))
}

// lostCell writes the reach lost: "" when no reach figure was reported
// (unknown is never 0), else the figure or 0 when the status loses none.
func lostCell(st access.RecordState) string {
	if st.Reach == nil {
		return ""
	}
	return strconv.FormatInt(st.ReachLost(), 10)
}

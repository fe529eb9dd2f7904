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
	{"source_archived_url", "#meta+archive", ""},
	{"updated_at", "#date+updated", ""},
	// The record's time, appended so that existing readers keep their
	// columns: whether an editor should check it today, the date of its
	// latest event, the end or deadline its status states and which, and
	// whether that end or deadline has passed.
	{"due_for_review", "#status+review+due", ""},
	{"latest_event", "#date+latest", ""},
	{"status_until", "#date+end", ""},
	{"status_until_kind", "#date+end+type", ""},
	{"ended_unconfirmed", "#status+ended+unconfirmed", ""},
	{"deadline_passed", "#status+deadline+passed", ""},
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
	// Now is the day the time rules are applied at (flagged today, reach
	// lost today, ended, due for review): the store's clock. ReviewAfter
	// is how long a record may go unconfirmed (<= 0: the default).
	Now         time.Time
	ReviewAfter time.Duration
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
	now := row.Now
	var untilKind string
	if !r.StatusUntil.IsZero() {
		untilKind = untilKindCell(r.StatusUntilKind)
	}
	cells := append([]string{
		r.CountryCode, row.CountryName, row.Region, r.OrgSlug, row.Org.Name, row.Org.Acronym, string(row.Org.Type),
		string(r.Status), strconv.FormatBool(r.FlaggedAt(now)), r.StatusSince.ISO(), string(r.StatusSince.Precision),
		string(r.StatusInitiatedBy), yearCell(r.PresenceSince), people, basis, period, r.ReachDate.ISO(),
		lostCell(r.RecordState, now), r.LastReviewed.ISO(), strconv.FormatBool(r.ReviewDue), r.Summary,
	}, sourceCells(row.StatusSources)...)
	cells = append(cells, updated,
		strconv.FormatBool(r.DueForReview(now, row.ReviewAfter)), r.LatestEvent.ISO(), r.StatusUntil.ISO(), untilKind,
		strconv.FormatBool(r.EndedUnconfirmed(now)), strconv.FormatBool(r.DeadlinePassed(now)))
	copy(rec, cells)
}

// untilKindCell is the word the API and the CSV use for what a stated end
// means: "end" (a time-limited measure ends then) or "deadline".
func untilKindCell(k access.UntilKind) string {
	if k == access.UntilEnds {
		return "end"
	}
	return string(k)
}

// lostCell writes the reach lost at now: "" when no reach figure was
// reported (unknown is never 0), else the figure, or 0 when the status
// loses none or is a time-limited measure past its end.
func lostCell(st access.RecordState, now time.Time) string {
	if st.Reach == nil {
		return ""
	}
	if lost := st.LostReachAt(now); lost != nil {
		return strconv.FormatInt(lost.People, 10)
	}
	return "0"
}

package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

// column is one column of the events CSV.
type column struct {
	Name  string // header name
	HXL   string // HXL hashtag
	Field string // the access field name its problems are reported under
}

// EventColumns are the events CSV columns in the order they are written.
// On reading, order does not matter and country_name is informational.
var EventColumns = []column{
	{"country_code", "#country+code", "country"},
	{"country_name", "#country+name", ""},
	{"org_slug", "#org+code", "org"},
	{"org_name", "#org+name", "name"},
	{"org_acronym", "#org+acronym", "acronym"},
	{"org_type", "#org+type", "type"},
	{"date", "#date", "date"},
	{"date_precision", "#date+precision", "date_precision"},
	{"event_type", "#event+type", "event_type"},
	{"status_after", "#status", "status"},
	{"initiated_by", "#access+initiator", "initiated_by"},
	{"authority", "#access+authority", "authority"},
	{"instrument", "#access+instrument", "instrument"},
	{"reason_stated", "#cause+stated", "reason"},
	{"reason_category", "#cause+category", "reason_category"},
	{"constraint_category", "#access+constraint", "constraint"},
	{"people", "#reached", "people"},
	{"people_basis", "#reached+basis", "people_basis"},
	{"people_period", "#reached+period", "people_period"},
	{"presence_since", "#date+presence", "presence_since"},
	{"people_affected", "#affected", "people_affected"},
	{"until", "#date+end", "until"},
	{"description", "#description", "description"},
	{"verification", "#status+verification", "verification"},
	{"source_publisher", "#meta+source", "source_publisher"},
	{"source_url", "#meta+url", "source_url"},
	{"source_title", "#meta+title", "source_title"},
	{"source_date", "#meta+date", "source_date"},
	{"source_type", "#meta+type", "source_type"},
	{"source_archived_url", "#meta+archive", "source_archived_url"},
}

// sourceSeparator joins an event's sources within one cell. Source fields
// are single-line (validation rejects control characters), so a line break
// can never be part of a value and the split is lossless.
const sourceSeparator = "\n"

// EventRow is one row of the events CSV: an event and the organisation it
// concerns (zero for a class-level measure).
type EventRow struct {
	Line        int // line in the file, from 1; 0 for rows not read from a file
	Event       access.Event
	Org         access.Org
	CountryName string
	// columns maps the header names of the file the row was read from to
	// their positions, so that problems found later (by the store) can be
	// located in that file; nil for rows not read from a file.
	columns map[string]int
}

// Locate places a problem with one of the row's fields (found after
// reading, e.g. an unknown country) at its line and column in the file the
// row came from. For rows not read from a file the column is numbered as
// WriteEvents would write it.
func (r EventRow) Locate(p access.FieldError) RowError {
	index := r.columns
	if index == nil {
		index = canonicalIndex
	}
	return locate(access.Errors{p}, index, r.Line)[0]
}

// canonicalIndex numbers the columns in the order WriteEvents writes them.
var canonicalIndex = func() map[string]int {
	m := make(map[string]int, len(EventColumns))
	for i, c := range EventColumns {
		m[c.Name] = i + 1
	}
	return m
}()

// RowError is one problem in an events CSV, located by line and column.
type RowError struct {
	Line    int
	Column  string // header name; "" when the problem is the whole row or file
	Index   int    // column number from 1; 0 with Column ""
	Problem access.FieldError
	Detail  string // for problems that are not field problems (CSV syntax)
}

// ColumnLetter returns the spreadsheet letter of the column (A, B, ..., AA).
func (e RowError) ColumnLetter() string {
	if e.Index <= 0 {
		return ""
	}
	var s []byte
	for n := e.Index; n > 0; n = (n - 1) / 26 {
		s = append([]byte{byte('A' + (n-1)%26)}, s...)
	}
	return string(s)
}

// ImportError lists every problem found in a file. A file with any problem
// is rejected whole.
type ImportError struct{ Errors []RowError }

func (e *ImportError) Error() string {
	return fmt.Sprintf("%d problem(s) in the file, first at line %d", len(e.Errors), e.Errors[0].Line)
}

// ErrTooManyRows is returned when a file has more rows than allowed.
var ErrTooManyRows = errors.New("too many rows")

// ReadEvents reads an events CSV: a header row, an optional HXL hashtag row,
// then one event per row. It checks every row (form, not existence: the
// store checks that countries exist) and returns all rows, or an
// *ImportError naming every problem with its line and column. With an
// *ImportError it also returns the rows it could read, so that a caller can
// check them further and report every problem at once; such rows must not
// be recorded. A file with more than maxRows events is refused (maxRows <=
// 0: no limit).
func ReadEvents(r io.Reader, now time.Time, maxRows int) ([]EventRow, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, &ImportError{Errors: []RowError{{Line: 1, Detail: "no header row: " + csvDetail(err)}}}
	}
	index, errs := readHeader(header)
	if len(errs) > 0 {
		return nil, &ImportError{Errors: errs}
	}
	var rows []EventRow
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// FieldPos is only defined for a record that was read: a
			// quoting error leaves none (and FieldPos would panic).
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			errs = append(errs, RowError{Line: line, Detail: csvDetail(err)})
			if errors.Is(err, csv.ErrFieldCount) {
				continue
			}
			break // a quoting error leaves the reader lost: stop here
		}
		line, _ := cr.FieldPos(0)
		if first && isHXLRow(rec) {
			first = false
			continue
		}
		first = false
		if maxRows > 0 && len(rows) >= maxRows {
			return nil, fmt.Errorf("%w: more than %d events in one file", ErrTooManyRows, maxRows)
		}
		row, rowErrs := parseRow(rec, index, line, now)
		errs = append(errs, rowErrs...)
		rows = append(rows, row)
	}
	if len(errs) > 0 {
		return rows, &ImportError{Errors: errs}
	}
	return rows, nil
}

func csvDetail(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// readHeader maps column names to positions, rejecting unknown, duplicated
// and missing required columns.
func readHeader(header []string) (map[string]int, []RowError) {
	known := map[string]bool{}
	for _, c := range EventColumns {
		known[c.Name] = true
	}
	index := map[string]int{}
	var errs []RowError
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) // spreadsheets add a byte-order mark
		switch {
		case !known[h]:
			errs = append(errs, RowError{Line: 1, Column: h, Index: i + 1, Detail: "unknown column"})
		case index[h] != 0:
			errs = append(errs, RowError{Line: 1, Column: h, Index: i + 1, Detail: "column given twice"})
		default:
			index[h] = i + 1
		}
	}
	for _, req := range []string{"country_code", "date", "event_type", "source_url"} {
		if index[req] == 0 {
			errs = append(errs, RowError{Line: 1, Column: req, Detail: "required column missing"})
		}
	}
	return index, errs
}

// isHXLRow reports whether every non-empty cell is a hashtag.
func isHXLRow(rec []string) bool {
	seen := false
	for _, c := range rec {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if !strings.HasPrefix(c, "#") {
			return false
		}
		seen = true
	}
	return seen
}

// rowReader reads cells of one row by column name.
type rowReader struct {
	rec   []string
	index map[string]int
}

func (r rowReader) get(name string) string { return strings.TrimSpace(r.raw(name)) }

// raw returns the cell untrimmed (joined source cells keep their empty
// leading and trailing entries), without the apostrophe an export puts
// before a cell a spreadsheet would take for a formula (see unneutralise).
func (r rowReader) raw(name string) string {
	if i := r.index[name]; i > 0 && i <= len(r.rec) {
		return unneutralise(r.rec[i-1])
	}
	return ""
}

func parseRow(rec []string, index map[string]int, line int, now time.Time) (EventRow, []RowError) {
	r := rowReader{rec, index}
	var fe access.Errors
	ev := access.Event{
		CountryCode:    r.get("country_code"),
		OrgSlug:        r.get("org_slug"),
		Type:           access.EventType(r.get("event_type")),
		StatusAfter:    access.Status(r.get("status_after")),
		InitiatedBy:    access.InitiatedBy(r.get("initiated_by")),
		Authority:      r.get("authority"),
		Instrument:     access.Instrument(r.get("instrument")),
		Reason:         r.get("reason_stated"),
		ReasonCategory: access.ReasonCategory(r.get("reason_category")),
		Constraint:     access.ConstraintCategory(r.get("constraint_category")),
		Description:    r.get("description"),
		Verification:   access.Verification(r.get("verification")),
	}
	if ev.Verification == "" {
		ev.Verification = access.Verified
	}
	if s := r.get("date"); s != "" {
		d, err := access.ParseDate(s)
		if err != nil {
			fe.Add("date", access.CodeDateFormat)
		} else if p := r.get("date_precision"); p != "" && access.Precision(p) != d.Precision {
			fe.Add("date_precision", access.CodeUnknownValue)
		} else {
			ev.Date = d
		}
	}
	if s := r.get("people"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			fe.Add("people", access.CodeNotANumber)
		}
		ev.Reach = &access.Reach{People: n, Basis: access.ReachBasis(r.get("people_basis")), Period: r.get("people_period")}
	} else if r.get("people_basis") != "" || r.get("people_period") != "" {
		fe.Add("people", access.CodeRequired)
	}
	if s := r.get("people_affected"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			fe.Add("people_affected", access.CodeNotANumber)
		}
		ev.PeopleAffected = &n
	}
	if s := r.get("until"); s != "" {
		d, err := access.ParseDate(s)
		if err != nil {
			fe.Add("until", access.CodeDateFormat)
		}
		ev.Until = d
	}
	if s := r.get("presence_since"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			fe.Add("presence_since", access.CodeNotANumber)
		}
		ev.PresenceSince = n
	}
	ev.Sources = readSources(r, &fe)

	var org access.Org
	if ev.OrgSlug != "" {
		org = access.Org{Slug: ev.OrgSlug, Name: r.get("org_name"), Acronym: r.get("org_acronym"), Type: access.OrgType(r.get("org_type"))}
		if oe, ok := access.AsErrors(org.Validate()); ok {
			for _, p := range oe {
				if p.Field != "slug" { // the event's own check reports the slug
					fe = append(fe, p)
				}
			}
		}
	} else if r.get("org_name") != "" || r.get("org_acronym") != "" || r.get("org_type") != "" {
		fe.Add("org", access.CodeRequired)
	}
	if ve, ok := access.AsErrors(ev.Validate(now)); ok {
		fe = append(fe, dedupe(fe, ve)...)
	}
	row := EventRow{Line: line, Event: ev, Org: org, CountryName: r.get("country_name"), columns: index}
	return row, locate(fe, index, line)
}

// readSources splits the joined source cells into sources; every non-empty
// source column must list as many entries as the longest one.
func readSources(r rowReader, fe *access.Errors) []access.Source {
	cols := map[string][]string{}
	n := 0
	for _, name := range []string{"source_publisher", "source_url", "source_title", "source_date", "source_type", "source_archived_url"} {
		if v := r.raw(name); strings.TrimSpace(v) != "" {
			parts := strings.Split(strings.ReplaceAll(v, "\r\n", "\n"), sourceSeparator)
			for i := range parts {
				parts[i] = strings.TrimSpace(parts[i])
			}
			cols[name] = parts
			n = max(n, len(parts))
		}
	}
	for name, parts := range cols {
		if len(parts) != n {
			fe.Add(name, access.CodeOutOfRange)
		}
	}
	at := func(name string, i int) string {
		if p := cols[name]; i < len(p) {
			return p[i]
		}
		return ""
	}
	sources := make([]access.Source, n)
	for i := range sources {
		s := access.Source{Publisher: at("source_publisher", i), URL: at("source_url", i), Title: at("source_title", i), Type: access.SourceType(at("source_type", i)),
			ArchivedURL: at("source_archived_url", i)}
		if d := at("source_date", i); d != "" {
			date, err := access.ParseDate(d)
			if err != nil {
				fe.Add("source_date", access.CodeDateFormat)
			}
			s.Date = date
		}
		sources[i] = s
	}
	return sources
}

// dedupe drops from more the problems already reported for the same field.
func dedupe(have, more access.Errors) access.Errors {
	var out access.Errors
	for _, p := range more {
		if _, dup := have.Field(p.Field); !dup {
			out = append(out, p)
		}
	}
	return out
}

// locate turns field problems into located row errors.
func locate(fe access.Errors, index map[string]int, line int) []RowError {
	out := make([]RowError, 0, len(fe))
	for _, p := range fe {
		re := RowError{Line: line, Problem: p}
		for _, c := range EventColumns {
			if c.Field == p.Field {
				re.Column, re.Index = c.Name, index[c.Name]
				break
			}
		}
		out = append(out, re)
	}
	return out
}

// WriteEvents writes rows as an events CSV with its header and, when hxl is
// set, the HXL hashtag row: UTF-8, RFC 4180 quoting, CRLF line ends.
func WriteEvents(w io.Writer, rows []EventRow, hxl bool) error {
	return writeCSV(w, EventColumns, hxl, len(rows), func(i int, rec []string) { eventRecord(rec, rows[i]) })
}

// numericColumns are the columns of both CSV formats that hold whole
// numbers, never negative: they are written as they are, never prefixed
// (see neutralise).
var numericColumns = map[string]bool{"event_id": true, "eased_by": true, "people": true, "presence_since": true, "people_affected": true, "people_reached": true, "people_lost": true}

// writeCSV writes a header row, the HXL hashtag row when hxl is set, and n
// rows that fill fills in: UTF-8, RFC 4180 quoting, CRLF line ends. A text
// cell a spreadsheet would take for a formula is written with a leading
// apostrophe (see neutralise).
func writeCSV(w io.Writer, cols []column, hxl bool, n int, fill func(i int, rec []string)) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	header := make([]string, len(cols))
	tags := make([]string, len(cols))
	for i, c := range cols {
		header[i], tags[i] = c.Name, c.HXL
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	if hxl {
		if err := cw.Write(tags); err != nil {
			return err
		}
	}
	text := make([]bool, len(cols))
	for i, c := range cols {
		text[i] = !numericColumns[c.Name]
	}
	rec := make([]string, len(cols))
	for i := range n {
		clear(rec)
		fill(i, rec)
		for j := range rec {
			if text[j] {
				rec[j] = neutralise(rec[j])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func eventRecord(rec []string, row EventRow) {
	ev := row.Event
	people, basis, period := reachCells(ev.Reach)
	copy(rec, append([]string{
		ev.CountryCode, row.CountryName, ev.OrgSlug, row.Org.Name, row.Org.Acronym, string(row.Org.Type),
		ev.Date.ISO(), string(ev.Date.Precision), string(ev.Type), string(ev.StatusAfter),
		string(ev.InitiatedBy), ev.Authority, string(ev.Instrument), ev.Reason, string(ev.ReasonCategory),
		string(ev.Constraint), people, basis, period, yearCell(ev.PresenceSince), countCell(ev.PeopleAffected), ev.Until.ISO(),
		ev.Description, string(ev.Verification),
	}, sourceCells(ev.Sources)...))
}

// reachCells writes a reach figure as its three cells; all empty for none.
func reachCells(r *access.Reach) (people, basis, period string) {
	if r == nil {
		return "", "", ""
	}
	return strconv.FormatInt(r.People, 10), string(r.Basis), r.Period
}

// countCell writes an optional count; "" when not reported (never 0).
func countCell(n *int64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}

// yearCell writes a year; "" for zero (unknown).
func yearCell(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// sourceFields are the parts of a source, in the order of the source_*
// columns that end both CSV formats.
var sourceFields = []func(access.Source) string{
	func(s access.Source) string { return s.Publisher },
	func(s access.Source) string { return s.URL },
	func(s access.Source) string { return s.Title },
	func(s access.Source) string { return s.Date.ISO() },
	func(s access.Source) string { return string(s.Type) },
	func(s access.Source) string { return s.ArchivedURL },
}

// sourceCells joins each part of the sources into one cell, one line per
// source; a cell is "" when that part is empty in every source, so that a
// column a file does not use stays empty.
func sourceCells(sources []access.Source) []string {
	cells := make([]string, len(sourceFields))
	for i, f := range sourceFields {
		parts := make([]string, len(sources))
		empty := true
		for j, s := range sources {
			parts[j] = f(s)
			empty = empty && parts[j] == ""
		}
		if !empty {
			cells[i] = strings.Join(parts, sourceSeparator)
		}
	}
	return cells
}

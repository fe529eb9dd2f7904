package dataset

import (
	"io"
	"strconv"

	"github.com/accesswatch/accesswatch/internal/access"
)

// ClassMeasureColumns are the class-measures CSV columns in the order they
// are written. The class-measures CSV is an export only: one row per
// measure against a class of organisations (a ban on French-funded NGOs,
// the deregistration of many INGOs), as it stands on the day of the
// export, with the sources of the event that imposed it.
var ClassMeasureColumns = []column{
	{"country_code", "#country+code", ""},
	{"country_name", "#country+name", ""},
	{"event_id", "#meta+id", ""},
	{"date", "#date", ""},
	{"date_precision", "#date+precision", ""},
	{"event_type", "#event+type", ""},
	{"status", "#status", ""},
	{"in_force", "#status+inforce", ""},
	{"authority", "#access+authority", ""},
	{"instrument", "#access+instrument", ""},
	{"description", "#description", ""},
	{"until", "#date+end", ""},
	{"until_kind", "#date+end+type", ""},
	{"deadline_passed", "#status+deadline+passed", ""},
	{"eased_by", "#meta+eased", ""},
	{"correction", "#status+correction", ""},
	{"source_publisher", "#meta+source", ""},
	{"source_url", "#meta+url", ""},
	{"source_title", "#meta+title", ""},
	{"source_date", "#meta+date", ""},
	{"source_type", "#meta+type", ""},
	{"source_archived_url", "#meta+archive", ""},
}

// ClassMeasureRow is one row of the class-measures CSV.
type ClassMeasureRow struct {
	Event       access.Event
	CountryName string
	// Measure is the measure's state today (its status, whether a deadline
	// passed, what eased it); InForce says whether it is in force.
	Measure access.ClassMeasure
	InForce bool
}

// WriteClassMeasures writes rows as a class-measures CSV with its header
// and, when hxl is set, the HXL hashtag row (the same conventions as
// WriteRecords).
func WriteClassMeasures(w io.Writer, rows []ClassMeasureRow, hxl bool) error {
	return writeCSV(w, ClassMeasureColumns, hxl, len(rows), func(i int, rec []string) { classMeasureRecord(rec, rows[i]) })
}

func classMeasureRecord(rec []string, row ClassMeasureRow) {
	e, m := row.Event, row.Measure
	var kind, eased, correction string
	if !e.Until.IsZero() {
		kind = untilKindCell(access.UntilKindOf(e.Type))
	}
	if m.Eased != nil {
		eased = strconv.FormatInt(m.Eased.ID, 10)
	}
	if e.Correction != nil {
		correction = string(e.Correction.Kind)
	}
	cells := append([]string{
		e.CountryCode, row.CountryName, strconv.FormatInt(e.ID, 10), e.Date.ISO(), string(e.Date.Precision), string(e.Type),
		string(m.Status), strconv.FormatBool(row.InForce), e.Authority, string(e.Instrument), e.Description,
		e.Until.ISO(), kind, strconv.FormatBool(m.DeadlinePassed), eased, correction,
	}, sourceCells(e.Sources)...)
	copy(rec, cells)
}

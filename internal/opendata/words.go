package opendata

import (
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/store"
)

// Summary says what an import did (or, dry, would do), in l's words.
func Summary(l *i18n.Locale, res store.ImportResult, dryRun bool) string {
	key := "import.summary"
	if dryRun {
		key = "import.summary.dry_run"
	}
	return l.Tf(key, l.Count("import.n.rows", int64(res.Rows)), l.Count("import.n.events", int64(res.Added)),
		l.Count("import.n.duplicates", int64(res.Duplicates)), l.Count("import.n.orgs", int64(res.OrgsCreated)),
		l.Count("import.n.records", int64(res.RecordsCreated)))
}

// ProblemLines lists every problem of a rejected file, one line each:
// "line 4, column E (date): Date: use YYYY, YYYY-MM or YYYY-MM-DD ...".
func ProblemLines(l *i18n.Locale, ie *ImportError) []string {
	out := make([]string, len(ie.Errors))
	for i, e := range ie.Errors {
		msg := Describe(l, e)
		switch letter := e.ColumnLetter(); {
		case letter != "":
			out[i] = l.Tf("import.problem", e.Line, letter, e.Column, msg)
		case e.Column != "":
			out[i] = l.Tf("import.problem.row", e.Line, e.Column+": "+msg)
		default:
			out[i] = l.Tf("import.problem.row", e.Line, msg)
		}
	}
	return out
}

// rowDetails translates the file-level problems dataset reports in words.
var rowDetails = map[string]string{
	"unknown column":          "import.detail.unknown_column",
	"column given twice":      "import.detail.duplicate_column",
	"required column missing": "import.detail.missing_column",
}

// Describe puts one problem of a rejected file into l's words (without its
// place, which the caller shows as it sees fit).
func Describe(l *i18n.Locale, e RowError) string {
	if e.Problem.Code != "" {
		return l.Problem(e.Problem)
	}
	if key, ok := rowDetails[e.Detail]; ok {
		return l.T(key)
	}
	return e.Detail
}

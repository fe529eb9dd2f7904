package admin

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/templates"
)

// Several sources per event. The event form shows SourceRows rows of
// source fields; the first row's fields have the plain names (source_url,
// source_publisher, ...), row n (2, 3, ...) the same names ending in "_n".
// The hidden field "sources" says how many rows the form showed; the
// "add_source" button posts the form to show one more row, writing
// nothing, so it works without JavaScript.

// MaxSourceRows is how many source rows the event form offers.
const MaxSourceRows = 10

// sourceFieldLimits are the fields of one source row, with their limits.
var sourceFieldLimits = formSpec{
	"source_url":          {max: access.MaxURL},
	"source_publisher":    {max: access.MaxShortText},
	"source_title":        {max: access.MaxTitle},
	"source_date":         {max: maxDate},
	"source_type":         {max: maxCode},
	"source_archived_url": {max: access.MaxURL},
	"internal_report":     {max: 2},
}

// sourceField is the name of a source field in row (0-based) i.
func sourceField(base string, i int) string {
	if i == 0 {
		return base
	}
	return base + "_" + strconv.Itoa(i+1)
}

// sourceRowsSpec is every source field of every row, the row count, the
// add-a-row button, and the private note.
func sourceRowsSpec() formSpec {
	out := formSpec{
		"sources":    {max: 2},
		"add_source": {max: 2},
		"note":       {max: access.MaxLongText},
	}
	for i := range MaxSourceRows {
		for base, f := range sourceFieldLimits {
			out[sourceField(base, i)] = f
		}
	}
	return out
}

// sourceRows reads the hidden row count: 1 when absent; a value no form
// sends refuses the request.
func sourceRows(v string) (int, error) {
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || !digitsPattern.MatchString(v) || n < 1 || n > MaxSourceRows {
		return 0, &formError{code: "bad_value", field: printable("sources")}
	}
	return n, nil
}

// decodeSources reads the source rows of an event form: a row left blank
// is skipped; each other row is checked on its own, its problems named by
// its fields (source_url_2, ...). At least one source is required.
func decodeSources(f map[string]string, rows int, problems *access.Errors) []access.Source {
	var out []access.Source
	for i := range rows {
		name := func(base string) string { return sourceField(base, i) }
		blank := true
		for base := range sourceFieldLimits {
			if base != "source_type" && strings.TrimSpace(f[name(base)]) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		src := access.Source{URL: strings.TrimSpace(f[name("source_url")]), Publisher: strings.TrimSpace(f[name("source_publisher")]),
			Title: strings.TrimSpace(f[name("source_title")]), Type: access.SourceType(f[name("source_type")]),
			ArchivedURL: strings.TrimSpace(f[name("source_archived_url")])}
		switch f[name("internal_report")] {
		case "":
		case "1", "on":
			src.Type = access.SourceInternalReport
		default:
			problems.Add(name("internal_report"), access.CodeUnknownValue)
		}
		src.Date = formDate(problems, name("source_date"), f[name("source_date")])
		if errs, ok := access.AsErrors(src.Validate()); ok {
			for _, fe := range errs {
				fe.Field = name(fe.Field)
				if _, seen := problems.Field(fe.Field); !seen {
					*problems = append(*problems, fe)
				}
			}
		}
		out = append(out, src)
	}
	if len(out) == 0 {
		problems.Add("source_url", access.CodeSourceRequired)
	}
	return out
}

// sourceValues writes sources as the event form's values, and the row count.
func sourceValues(v map[string]string, sources []access.Source) {
	for i, src := range sources {
		if i >= MaxSourceRows {
			break
		}
		v[sourceField("source_url", i)], v[sourceField("source_publisher", i)] = src.URL, src.Publisher
		v[sourceField("source_title", i)], v[sourceField("source_date", i)] = src.Title, src.Date.ISO()
		v[sourceField("source_archived_url", i)] = src.ArchivedURL
		if src.Type == access.SourceInternalReport {
			v[sourceField("internal_report", i)] = "1"
		} else {
			v[sourceField("source_type", i)] = string(src.Type)
		}
	}
	v["sources"] = strconv.Itoa(max(1, min(len(sources), MaxSourceRows)))
}

// rowField splits a source field of row 2 or later into its base name and
// row number (source_url_3 → source_url, 3); ok is false for other fields.
var rowField = regexp.MustCompile(`^((?:source_[a-z_]+)|internal_report)_([0-9]+)$`)

// problemMessage writes a problem as a sentence; a problem of a source row
// after the first names the row.
func (s *Admin) problemMessage(fe access.FieldError) string {
	if m := rowField.FindStringSubmatch(fe.Field); m != nil {
		base := fe
		base.Field = m[1]
		return s.l.Tf("admin.source.row_problem", m[2], s.l.Problem(base))
	}
	return s.l.Problem(fe)
}

// moreRows is the row count after "Add another source": one more, at most
// MaxSourceRows (the count was checked when the form was decoded).
func moreRows(count string) int {
	n, err := sourceRows(count)
	if err != nil {
		n = 1
	}
	return min(n+1, MaxSourceRows)
}

// showMoreSources answers "Add another source": the same form, with
// everything typed and one more source row, and nothing written (200).
func (s *Admin) showMoreSources(w http.ResponseWriter, r *http.Request, a *adminRequest, v templates.EventFormView, in eventInput) error {
	in.Fields["sources"] = strconv.Itoa(moreRows(in.Fields["sources"]))
	v.Form = s.formView(in.Fields, nil)
	return s.renderEventForm(w, r, a, http.StatusOK, v)
}

// codeAdminOnly: a field only an admin may fill was filled by an editor.
const codeAdminOnly = "admin_only"

// checkPublishAlone refuses a reason to publish without a second editor
// from anyone but an admin.
func (s *Admin) checkPublishAlone(a *adminRequest, in eventInput) error {
	if in.PublishReason == "" || a.session.User.Role == access.RoleAdmin {
		return nil
	}
	return access.Errors{{Field: "publish_reason", Code: codeAdminOnly}}
}

// sourceFormParts fills what the source rows, the note and the submit
// button of the event form need: how many rows to show, whether
// verification is required, and whether the editor may publish alone.
func (s *Admin) sourceFormParts(a *adminRequest, v *templates.EventFormView) {
	n, err := sourceRows(v.Form.V("sources"))
	if err != nil {
		n = 1
	}
	v.SourceRows = n
	v.MaxSourceRows = MaxSourceRows
	v.RequireVerification = s.store.RequiresVerification()
	v.CanPublishAlone = a.session.User.Role == access.RoleAdmin
}

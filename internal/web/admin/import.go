package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/templates"
)

// Limits of an upload through the admin import form. The import runs
// within the request, at roughly a millisecond or two per event, so the
// row limit keeps it well inside the server's write timeout (60 s); bigger
// files go through the command line (accesswatch import --max-rows).
// MaxImportBytes is the import route's body limit (the admin route table
// applies it): the file and the form around it.
const (
	maxImportMB    = 16
	MaxImportBytes = maxImportMB << 20
	maxImportRows  = 10_000
)

// showImport is the admin import page: the upload form (admins only; see
// Routes).
func (s *Admin) showImport(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	s.renderImport(w, r, a, http.StatusOK, s.importView(r))
	return nil
}

func (s *Admin) importView(r *http.Request) templates.ImportView {
	return templates.ImportView{Action: r.URL.Path, MaxMB: maxImportMB, MaxRows: maxImportRows}
}

func (s *Admin) renderImport(w http.ResponseWriter, r *http.Request, a *adminRequest, status int, v templates.ImportView) {
	s.kit.Render(w, r, status, templates.ImportPage(s.adminPage(a, s.l.T("import.title"), "import", r), v))
}

// submitImport handles the import form's POST, behind the admin guard
// (session, role, cross-origin protection, and the route's body limit,
// MaxImportBytes); the audit log names the session's user. The answer is
// the page again with the outcome: 200 with what was imported, 422 with
// every problem in the file (nothing imported), 400/413 for an upload that
// is not a usable file. Importing is idempotent (rows already held are
// skipped), so resubmitting the form is harmless.
func (s *Admin) submitImport(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	v := s.importView(r)
	answer := func(status int) error {
		s.renderImport(w, r, a, status, v)
		return nil
	}
	file, header, err := r.FormFile("file")
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		v.Message = s.l.Tf("import.too_large", maxImportMB)
		return answer(http.StatusRequestEntityTooLarge)
	case err != nil:
		v.Message = s.l.T("import.no_file")
		return answer(http.StatusBadRequest)
	}
	defer file.Close()
	v.DryRun = r.FormValue("dry_run") != ""
	res, err := opendata.Import(r.Context(), s.store, file, opendata.ImportOptions{
		Actor: a.session.User.Name, Source: auditName(header.Filename), DryRun: v.DryRun, MaxRows: maxImportRows,
	})
	var ie *opendata.ImportError
	switch {
	case errors.As(err, &ie):
		v.Problems = importProblems(s.l, ie)
		return answer(http.StatusUnprocessableEntity)
	case errors.Is(err, opendata.ErrTooManyRows):
		v.Message = s.l.Tf("import.too_many_rows", maxImportRows)
		return answer(http.StatusRequestEntityTooLarge)
	case err != nil:
		return fmt.Errorf("import %q: %w", header.Filename, err)
	}
	v.Summary = opendata.Summary(s.l, res, v.DryRun)
	return answer(http.StatusOK)
}

// auditName keeps an uploaded file's name short and printable for the log.
func auditName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	return name
}

// importProblems puts every problem of a rejected file into words, with
// the place it is at.
func importProblems(l *i18n.Locale, ie *opendata.ImportError) []templates.ImportProblem {
	out := make([]templates.ImportProblem, len(ie.Errors))
	for i, e := range ie.Errors {
		p := templates.ImportProblem{Line: e.Line, Column: e.Column, Message: opendata.Describe(l, e)}
		if letter := e.ColumnLetter(); letter != "" {
			p.Column = letter + " (" + e.Column + ")"
		}
		out[i] = p
	}
	return out
}

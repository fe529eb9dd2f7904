package admin

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/auth"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// listSecurityLog shows the login trail (admins only), newest first, 50 rows
// a page, filtered by account name and outcome. A filter that cannot match
// (a malformed name, an unknown outcome) is a 400.
func (s *Admin) listSecurityLog(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	page, err := s.pageParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	name := auth.NormalizeName(q.Get("name"))
	outcome := access.SecurityOutcome(q.Get("outcome"))
	if (name != "" && !auth.ValidName(name)) || (outcome != "" && !outcome.Valid()) || len(q["name"]) > 1 || len(q["outcome"]) > 1 {
		return s.kit.BadRequest(s.l.T("admin.error.security_filter"))
	}
	rows, total, err := s.store.SecurityLog(r.Context(), store.SecurityFilter{Name: name, Outcome: outcome,
		Limit: PageSize, Offset: (page - 1) * PageSize})
	if err != nil {
		return err
	}
	link := func(n int) string {
		v := url.Values{}
		if name != "" {
			v.Set("name", name)
		}
		if outcome != "" {
			v.Set("outcome", string(outcome))
		}
		v.Set("page", strconv.Itoa(n))
		return "/admin/security?" + v.Encode()
	}
	v := templates.SecurityView{Name: name, Outcome: string(outcome), Pager: pager(page, PageSize, total, link),
		Outcomes: []templates.Option{{Value: "", Label: s.l.T("admin.security.any")}}}
	for _, o := range access.SecurityOutcomes {
		v.Outcomes = append(v.Outcomes, templates.Option{Value: string(o), Label: s.l.T("admin.security.outcome." + string(o))})
	}
	for _, e := range rows {
		v.Rows = append(v.Rows, templates.SecurityRow{At: e.At, Name: e.Name, Address: e.Address, Outcome: string(e.Outcome),
			OutcomeLabel: s.l.T("admin.security.outcome." + string(e.Outcome)), Detail: e.Detail})
	}
	s.kit.Render(w, r, http.StatusOK, templates.SecurityPage(s.adminPage(a, s.l.T("admin.security.title"), "security", r), v))
	return nil
}

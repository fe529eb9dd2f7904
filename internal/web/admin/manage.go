package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accesswatch/accesswatch/internal/web/httpkit"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/auth"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// listOrgs lists organisations.
func (s *Admin) listOrgs(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	orgs, err := s.store.Orgs(r.Context())
	if err != nil {
		return err
	}
	s.kit.Render(w, r, http.StatusOK, templates.AdminOrgs(s.adminPage(a, s.l.T("admin.orgs.title"), "orgs", r), orgs))
	return nil
}

func (s *Admin) renderOrgForm(w http.ResponseWriter, r *http.Request, a *adminRequest, status int, v templates.OrgFormView) {
	title := s.l.T("admin.orgs.new")
	v.Action = "/admin/orgs/new"
	if !v.New {
		title = s.l.Tf("admin.orgs.edit", v.Slug)
		v.Action = templates.AdminOrgEditURL(v.Slug)
	}
	s.kit.Render(w, r, status, templates.OrgFormPage(s.adminPage(a, title, "orgs", r), v))
}

// showNewOrgForm shows the create-organisation form.
func (s *Admin) showNewOrgForm(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	s.renderOrgForm(w, r, a, http.StatusOK, templates.OrgFormView{New: true, Form: restored(a, map[string]string{})})
	return nil
}

// createOrg adds an organisation.
func (s *Admin) createOrg(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	return s.writeOrg(w, r, a, "")
}

// fromPath loads what a path wildcard names: 404 for a value of the wrong
// form (without asking the store) or one the store does not have.
func fromPath[T any](s *Admin, r *http.Request, wildcard string, valid func(string) bool,
	load func(context.Context, string) (T, error)) (T, error) {
	v := r.PathValue(wildcard)
	if !valid(v) {
		var zero T
		return zero, s.kit.NotFound(nil)
	}
	return load(r.Context(), v)
}

// orgFromPath loads the organisation named by {slug}.
func (s *Admin) orgFromPath(r *http.Request) (access.Org, error) {
	return fromPath(s, r, "slug", access.ValidSlug, s.store.Org)
}

// showEditOrgForm shows an organisation's current values for editing, at
// its current version.
func (s *Admin) showEditOrgForm(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	o, err := s.orgFromPath(r)
	if err != nil {
		return err
	}
	o, version, err := s.store.OrgForEdit(r.Context(), o.Slug)
	if err != nil {
		return err
	}
	values := map[string]string{"name": o.Name, "acronym": o.Acronym, "type": string(o.Type), "website": o.Website,
		"version": strconv.FormatInt(version, 10)}
	s.renderOrgForm(w, r, a, http.StatusOK, templates.OrgFormView{Slug: o.Slug, Form: restored(a, values)})
	return nil
}

// updateOrg saves an organisation's new values.
func (s *Admin) updateOrg(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	o, err := s.orgFromPath(r)
	if err != nil {
		return err
	}
	return s.writeOrg(w, r, a, o.Slug)
}

// writeOrg decodes, validates and saves the organisation form: a new
// organisation when slug is "", else the one with that slug. A new
// organisation like an existing one (normalised name or acronym) is shown
// again with the existing ones and a box to tick; an edit made on a
// version someone else's save overtook answers 409 with their values and
// the editor's input, set to the current version.
func (s *Admin) writeOrg(w http.ResponseWriter, r *http.Request, a *adminRequest, slug string) error {
	values, err := s.readForm(r)
	if err != nil {
		return err
	}
	in, problems, err := decodeOrg(values, slug)
	if err != nil {
		return s.refused(err)
	}
	v := templates.OrgFormView{New: slug == "", Slug: slug}
	if len(problems) == 0 && slug == "" && !in.Confirmed {
		if v.Similar, err = s.store.SimilarOrgs(r.Context(), in.Org); err != nil {
			return err
		}
		if len(v.Similar) > 0 {
			problems = access.Errors{{Field: "confirm_duplicate", Code: CodeSimilarOrg}}
		}
	}
	if len(problems) == 0 {
		if slug == "" {
			err = s.store.CreateOrg(r.Context(), in.Org, a.session.User.Name)
		} else {
			err = s.store.UpdateOrg(r.Context(), in.Org, in.Version, a.session.User.Name)
		}
		errs, invalid := access.AsErrors(err)
		var conflict *store.OrgConflictError
		switch {
		case err == nil:
			return redirectDone(w, r, "/admin/orgs", "org_saved")
		case errors.As(err, &conflict):
			in.Fields["version"] = strconv.FormatInt(conflict.Version, 10)
			v.Current = &conflict.Current
			v.Form = s.formView(in.Fields, nil)
			s.renderOrgForm(w, r, a, http.StatusConflict, v)
			return nil
		case !invalid:
			return err
		}
		problems = errs
	}
	v.Form = s.formView(in.Fields, problems)
	s.renderOrgForm(w, r, a, http.StatusUnprocessableEntity, v)
	return nil
}

// showMergeForm shows the form that merges the organisation {slug} into
// another (admins).
func (s *Admin) showMergeForm(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	o, err := s.orgFromPath(r)
	if err != nil {
		return err
	}
	return s.renderMerge(w, r, a, http.StatusOK, o, restored(a, map[string]string{}))
}

func (s *Admin) renderMerge(w http.ResponseWriter, r *http.Request, a *adminRequest, status int, o access.Org, form templates.Form) error {
	orgs, err := s.store.Orgs(r.Context())
	if err != nil {
		return err
	}
	_, n, err := s.store.Records(r.Context(), store.RecordFilter{Org: o.Slug, Limit: 1})
	if err != nil {
		return err
	}
	others := slices.DeleteFunc(orgs, func(x access.Org) bool { return x.Slug == o.Slug })
	v := templates.MergeView{Org: o, Records: n, Orgs: others, Form: form}
	s.kit.Render(w, r, status, templates.MergePage(s.adminPage(a, s.l.Tf("admin.merge.title", o.Label()), "orgs", r), v))
	return nil
}

// mergeOrg merges the organisation {slug} into the one the form names,
// once the admin confirmed with their current password: its records and
// their events move, its old addresses redirect (301). Two organisations
// with a record in the same country are not merged: the form says where.
func (s *Admin) mergeOrg(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	o, err := s.orgFromPath(r)
	if err != nil {
		return err
	}
	values, err := s.readForm(r)
	if err != nil {
		return err
	}
	f, problems, err := decodeFields(values, mergeSpec)
	if err != nil {
		return s.refused(err)
	}
	into, err := s.resolveOrg(r.Context(), strings.TrimSpace(f["into"]))
	if err != nil {
		return err
	}
	if _, seen := problems.Field("into"); !seen {
		if _, err := s.store.Org(r.Context(), into); errors.Is(err, store.ErrNotFound) || !access.ValidSlug(into) {
			problems.Add("into", access.CodeUnknownValue)
		} else if err != nil {
			return err
		} else if into == o.Slug {
			problems.Add("into", store.CodeSameOrg)
		}
	}
	if len(problems) == 0 {
		if problems, err = s.confirmCurrent(w, r, a, f["current_password"]); err != nil {
			return err
		}
	}
	if len(problems) == 0 {
		_, err := s.store.MergeOrg(r.Context(), o.Slug, into, a.session.User.Name)
		var collision *store.MergeCollisionError
		switch {
		case err == nil:
			return redirectDone(w, r, "/admin/orgs", "org_merged")
		case errors.As(err, &collision):
			problems = access.Errors{{Field: "into", Code: CodeMergeCollision}}
			f["into"] = into
			form := s.formView(f, problems)
			form.Errors["into"] = s.l.Tf("admin.merge.collision", strings.Join(collision.Countries, ", "))
			form.Problems[0].Message = form.Errors["into"]
			return s.renderMerge(w, r, a, http.StatusConflict, o, form)
		default:
			return err
		}
	}
	return s.renderMerge(w, r, a, http.StatusUnprocessableEntity, o, s.formView(f, problems))
}

// CodeMergeCollision is the problem code of a merge refused because both
// organisations have a record in one country.
const CodeMergeCollision = "merge_collision"

// listCountries lists countries with their severity scores.
func (s *Admin) listCountries(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	cs, err := s.store.Countries(r.Context())
	if err != nil {
		return err
	}
	s.kit.Render(w, r, http.StatusOK, templates.AdminCountries(s.adminPage(a, s.l.T("admin.countries.title"), "countries", r), cs))
	return nil
}

// countryFromPath loads the country named by {iso3}.
func (s *Admin) countryFromPath(r *http.Request) (access.Country, error) {
	return fromPath(s, r, "iso3", access.ValidCountryCode, s.store.Country)
}

func (s *Admin) renderSeverityForm(w http.ResponseWriter, r *http.Request, a *adminRequest, status int, v templates.SeverityFormView) {
	p := s.adminPage(a, s.l.Tf("admin.severity.title", v.Country.Name), "countries", r)
	s.kit.Render(w, r, status, templates.SeverityFormPage(p, v))
}

// showSeverityForm shows a country's score for changing.
func (s *Admin) showSeverityForm(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	c, err := s.countryFromPath(r)
	if err != nil {
		return err
	}
	values := map[string]string{}
	if sc := c.Severity; sc != nil {
		values = map[string]string{"score": strconv.Itoa(sc.Score), "score_date": sc.Date.ISO(), "score_publisher": sc.Publisher, "score_url": sc.URL}
	}
	s.renderSeverityForm(w, r, a, http.StatusOK, templates.SeverityFormView{Country: c, Form: restored(a, values)})
	return nil
}

// saveSeverity records a country's score with its source and date.
func (s *Admin) saveSeverity(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	c, err := s.countryFromPath(r)
	if err != nil {
		return err
	}
	values, err := s.readForm(r)
	if err != nil {
		return err
	}
	sc, fields, problems, err := decodeSeverity(values)
	if err != nil {
		return s.refused(err)
	}
	problems = merge(problems, sc.Validate(s.now()))
	if len(problems) == 0 {
		err := s.store.SetSeverity(r.Context(), c.Code, sc, a.session.User.Name)
		errs, invalid := access.AsErrors(err)
		switch {
		case err == nil:
			return redirectDone(w, r, "/admin/countries", "score_saved")
		case !invalid:
			return err
		}
		problems = errs
	}
	s.renderSeverityForm(w, r, a, http.StatusUnprocessableEntity, templates.SeverityFormView{Country: c, Form: s.formView(fields, problems)})
	return nil
}

// listAudit shows the audit log, newest first, 50 rows a page.
func (s *Admin) listAudit(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	page, err := s.pageParam(r)
	if err != nil {
		return err
	}
	entries, total, err := s.store.AuditLog(r.Context(), store.AuditFilter{Limit: PageSize, Offset: (page - 1) * PageSize})
	if err != nil {
		return err
	}
	v := templates.AuditView{Pager: pager(page, PageSize, total, func(n int) string { return "/admin/audit?page=" + strconv.Itoa(n) })}
	for _, e := range entries {
		v.Rows = append(v.Rows, templates.AuditRow{At: e.At, Actor: e.Actor, Action: e.Action, What: e.Entity + " " + e.Key,
			Changes: auditChanges(e.Before, e.After)})
	}
	s.kit.Render(w, r, http.StatusOK, templates.AuditPage(s.adminPage(a, s.l.T("admin.audit.title"), "audit", r), v))
	return nil
}

// auditChanges lists the fields whose values differ between before and
// after, by name; for a creation (no before) every field of after.
func auditChanges(before, after map[string]any) []templates.AuditChange {
	var names []string
	for k := range after {
		names = append(names, k)
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	var out []templates.AuditChange
	for _, k := range names {
		old, oldOK := before[k]
		cur, curOK := after[k]
		o, n := auditValue(old, oldOK), auditValue(cur, curOK)
		if o != n {
			out = append(out, templates.AuditChange{Field: k, Old: o, New: n})
		}
	}
	return out
}

func auditValue(v any, ok bool) string {
	if !ok || v == nil {
		return "—"
	}
	s := fmt.Sprint(v)
	if s == "" {
		return "—"
	}
	return s
}

// listUsers lists accounts with the add-account form.
func (s *Admin) listUsers(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	return s.renderUsers(w, r, a, http.StatusOK, templates.Form{Values: map[string]string{"role": string(access.RoleEditor)}})
}

func (s *Admin) renderUsers(w http.ResponseWriter, r *http.Request, a *adminRequest, status int, add templates.Form) error {
	users, err := s.store.Users(r.Context())
	if err != nil {
		return err
	}
	v := templates.UsersView{Users: users, Self: a.session.User.Name, Add: add}
	s.kit.Render(w, r, status, templates.UsersPage(s.adminPage(a, s.l.T("admin.users.title"), "users", r), v))
	return nil
}

// createUser creates an account.
func (s *Admin) createUser(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	values, err := s.readForm(r)
	if err != nil {
		return err
	}
	nu, password, fields, problems, err := decodeNewUser(values)
	if err != nil {
		return s.refused(err)
	}
	if len(problems) == 0 {
		if nu.PasswordHash, err = s.auth.HashPassword(r.Context(), password); err != nil {
			return s.passwordError(w, err)
		}
		_, err = s.store.CreateUser(r.Context(), nu, a.session.User.Name)
		switch {
		case err == nil:
			return redirectDone(w, r, "/admin/users", "user_added")
		case errors.Is(err, store.ErrUserExists):
			problems = access.Errors{{Field: "username", Code: store.CodeTaken}}
		default:
			return err
		}
	}
	return s.renderUsers(w, r, a, http.StatusUnprocessableEntity, s.formView(fields, problems))
}

// userFromPath loads the account named by {name}.
func (s *Admin) userFromPath(r *http.Request) (access.User, error) {
	return fromPath(s, r, "name", auth.ValidName, s.store.UserByName)
}

// confirmCurrent checks the acting user's current password before a
// sensitive change. A wrong one is a problem on the field
// "current_password" (returned, for the form to show again); too many wrong
// ones, or no free password-check slot, are errors that answer 429 or 503.
// Every try is throttled and recorded like a login.
func (s *Admin) confirmCurrent(w http.ResponseWriter, r *http.Request, a *adminRequest, current string) (access.Errors, error) {
	err := s.auth.ConfirmPassword(r.Context(), a.session.User, current, s.kit.ClientKey(r))
	if errors.Is(err, auth.ErrBadCredentials) {
		return access.Errors{{Field: "current_password", Code: CodeWrongPassword}}, nil
	}
	return nil, s.passwordError(w, err)
}

// CodeWrongPassword is the problem code of a wrong current password.
const CodeWrongPassword = "wrong_password"

// passwordError turns the throttle's and the hashing bound's errors into
// 429 and 503 answers with Retry-After; other errors pass through.
func (s *Admin) passwordError(w http.ResponseWriter, err error) error {
	var throttled *auth.ThrottledError
	switch {
	case errors.As(err, &throttled):
		secs := retryAfter(w, throttled.RetryAfter)
		return &httpkit.HTTPError{Status: http.StatusTooManyRequests, Heading: s.l.T("error.429"),
			Details: []string{s.l.Plural("admin.confirm.throttled", int64(secs), secs)}, Err: err}
	case errors.Is(err, auth.ErrBusy):
		retryAfter(w, time.Second)
		return &httpkit.HTTPError{Status: http.StatusServiceUnavailable, Heading: s.l.T("error.503"),
			Details: []string{s.l.T("admin.confirm.busy")}, Err: err}
	}
	return err
}

// showPasswordForm shows the reset-password form of an account.
func (s *Admin) showPasswordForm(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	u, err := s.userFromPath(r)
	if err != nil {
		return err
	}
	if u.Name == a.session.User.Name {
		http.Redirect(w, r, "/admin/account", http.StatusSeeOther)
		return nil
	}
	return s.renderPasswordForm(w, r, a, http.StatusOK, templates.PasswordView{Name: u.Name})
}

func (s *Admin) renderPasswordForm(w http.ResponseWriter, r *http.Request, a *adminRequest, status int, v templates.PasswordView) error {
	if v.Self {
		s.kit.Render(w, r, status, templates.PasswordPage(s.adminPage(a, s.l.T("admin.account.title"), "account", r), v))
		return nil
	}
	s.kit.Render(w, r, status, templates.PasswordPage(s.adminPage(a, s.l.Tf("admin.users.reset.title", v.Name), "users", r), v))
	return nil
}

// savePassword replaces an account's password (an admin's action); its
// sessions end.
func (s *Admin) savePassword(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	u, err := s.userFromPath(r)
	if err != nil {
		return err
	}
	return s.changePassword(w, r, a, u.Name)
}

// showAccount shows the form that changes one's own password (every role).
func (s *Admin) showAccount(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	return s.renderPasswordForm(w, r, a, http.StatusOK, templates.PasswordView{Name: a.session.User.Name, Self: true})
}

// saveOwnPassword changes one's own password.
func (s *Admin) saveOwnPassword(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	return s.changePassword(w, r, a, a.session.User.Name)
}

// changePassword sets the password of the account name after the acting
// user confirmed with their current password. Changing one's own password
// ends one's own session too: the answer sends to the login page.
func (s *Admin) changePassword(w http.ResponseWriter, r *http.Request, a *adminRequest, name string) error {
	values, err := s.readForm(r)
	if err != nil {
		return err
	}
	password, current, problems, err := decodePassword(values)
	if err != nil {
		return s.refused(err)
	}
	self := name == a.session.User.Name
	if len(problems) == 0 {
		if problems, err = s.confirmCurrent(w, r, a, current); err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return s.renderPasswordForm(w, r, a, http.StatusUnprocessableEntity, templates.PasswordView{Name: name, Self: self, Form: s.formView(nil, problems)})
	}
	hash, err := s.auth.HashPassword(r.Context(), password)
	if err != nil {
		return s.passwordError(w, err)
	}
	if err := s.store.SetUserPassword(r.Context(), name, hash, a.session.User.Name); err != nil {
		return err
	}
	if self {
		s.clearSessionCookie(w, r)
		return redirectDone(w, r, "/admin/login", "own_password_changed")
	}
	return redirectDone(w, r, "/admin/users", "password_changed")
}

// otherUserFromPath loads the account named by {name} for a change that
// an admin may not make to their own account (disable, role): the form
// answers 409 with heading and detail keys for one's own.
func (s *Admin) otherUserFromPath(r *http.Request, a *adminRequest, selfKey string) (access.User, error) {
	u, err := s.userFromPath(r)
	if err != nil {
		return access.User{}, err
	}
	if u.Name == a.session.User.Name {
		return access.User{}, &httpkit.HTTPError{Status: http.StatusConflict, Heading: s.l.T(selfKey), Details: []string{s.l.T(selfKey + ".detail")}}
	}
	return u, nil
}

func (s *Admin) renderConfirm(w http.ResponseWriter, r *http.Request, a *adminRequest, status int, v templates.ConfirmView) error {
	title := s.l.Tf("admin.users.disable.title", v.Name)
	switch {
	case v.Role:
		title = s.l.Tf("admin.users.role.title", v.Name)
	case v.Enable:
		title = s.l.Tf("admin.users.enable.title", v.Name)
	}
	s.kit.Render(w, r, status, templates.ConfirmPage(s.adminPage(a, title, "users", r), v))
	return nil
}

// showDisableForm asks to confirm disabling an account.
func (s *Admin) showDisableForm(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	u, err := s.otherUserFromPath(r, a, "admin.users.disable_self")
	if err != nil {
		return err
	}
	return s.renderConfirm(w, r, a, http.StatusOK, templates.ConfirmView{Name: u.Name})
}

// disableUser disables an account and ends its sessions, once the admin
// confirmed with their current password. Admins cannot disable themselves,
// so there is always someone left who can log in.
func (s *Admin) disableUser(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	return s.setUserEnabled(w, r, a, false)
}

// showEnableForm asks to confirm enabling a disabled account again.
func (s *Admin) showEnableForm(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	u, err := s.otherUserFromPath(r, a, "admin.users.disable_self")
	if err != nil {
		return err
	}
	return s.renderConfirm(w, r, a, http.StatusOK, templates.ConfirmView{Name: u.Name, Enable: true})
}

// enableUser enables a disabled account again, once the admin confirmed
// with their current password; its owner logs in anew.
func (s *Admin) enableUser(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	return s.setUserEnabled(w, r, a, true)
}

// setUserEnabled disables or enables the account of the path once the
// admin confirmed with their current password; a wrong or missing password
// shows the confirmation page again (422).
func (s *Admin) setUserEnabled(w http.ResponseWriter, r *http.Request, a *adminRequest, enable bool) error {
	u, err := s.otherUserFromPath(r, a, "admin.users.disable_self")
	if err != nil {
		return err
	}
	values, err := s.readForm(r)
	if err != nil {
		return err
	}
	f, problems, err := decodeFields(values, confirmSpec)
	if err != nil {
		return s.refused(err)
	}
	if len(problems) == 0 {
		if problems, err = s.confirmCurrent(w, r, a, f["current_password"]); err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return s.renderConfirm(w, r, a, http.StatusUnprocessableEntity, templates.ConfirmView{Name: u.Name, Enable: enable, Form: s.formView(nil, problems)})
	}
	change, done := s.store.DisableUser, "user_disabled"
	if enable {
		change, done = s.store.EnableUser, "user_enabled"
	}
	if err := change(r.Context(), u.Name, a.session.User.Name); err != nil {
		return err
	}
	return redirectDone(w, r, "/admin/users", done)
}

// showRoleForm shows an account's role for changing.
func (s *Admin) showRoleForm(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	u, err := s.otherUserFromPath(r, a, "admin.users.role_self")
	if err != nil {
		return err
	}
	return s.renderConfirm(w, r, a, http.StatusOK, templates.ConfirmView{Name: u.Name, Role: true,
		Form: templates.Form{Values: map[string]string{"role": string(u.Role)}}})
}

// saveRole changes an account's role once the admin confirmed with their
// current password; its sessions end. Admins cannot change their own role.
func (s *Admin) saveRole(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	u, err := s.otherUserFromPath(r, a, "admin.users.role_self")
	if err != nil {
		return err
	}
	values, err := s.readForm(r)
	if err != nil {
		return err
	}
	role, current, fields, problems, err := decodeRole(values)
	if err != nil {
		return s.refused(err)
	}
	if len(problems) == 0 {
		if problems, err = s.confirmCurrent(w, r, a, current); err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return s.renderConfirm(w, r, a, http.StatusUnprocessableEntity, templates.ConfirmView{Name: u.Name, Role: true, Form: s.formView(fields, problems)})
	}
	if err := s.store.SetUserRole(r.Context(), u.Name, role, a.session.User.Name); err != nil {
		return err
	}
	return redirectDone(w, r, "/admin/users", "role_changed")
}

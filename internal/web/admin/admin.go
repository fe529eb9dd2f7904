package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/web/httpkit"

	"github.com/accesswatch/accesswatch/internal/auth"
	"github.com/accesswatch/accesswatch/templates"
)

// MaxFormBytes bounds the body of every admin form: room for every field
// of the longest form at its limit (a 4,000-character description and ten
// sources, each character percent-encoded as up to nine bytes, come to
// well under 1 MiB), small enough that nobody can make the server read
// much. A longer body is read up to the limit and the form shown again
// with what was read and a message at the field that is too long (see
// readForm). Each route names its limit in the table; the import form's
// upload has its own (MaxImportBytes, import.go).
const MaxFormBytes = 1 << 20

// Access says who may use an admin route.
type Access int

// The levels of Access.
const (
	OpenToAll   Access = iota // the login page: no session needed
	EditorsOnly               // any logged-in account
	AdminsOnly                // logged-in admins
)

// Route is one admin route. The table is data, so that tests can walk
// every admin route and method.
type Route struct {
	Pattern string // as http.ServeMux reads it: "METHOD /admin/..."
	Access  Access
	handle  adminHandler
	MaxBody int64 // request body limit for methods other than GET and HEAD (413 beyond)
}

// adminRequest is what an admin handler knows about the request beyond
// http.Request: the session (zero on open routes) and its token.
type adminRequest struct {
	session auth.Session
	token   string
	// draft is the form its author posted when their session had ended,
	// given back once they logged in again (see keepDraft); nil if none.
	draft url.Values
}

type adminHandler func(w http.ResponseWriter, r *http.Request, a *adminRequest) error

// Routes lists every route under /admin. Handlers here, as in packages
// site and api, are named for what they do to what: show… (a page or a
// form), list… (a paged list), save…, create…, update…, disable…,
// enable…, retract…, supersede…, merge… (a POST that writes), submit… (the POST of login, logout or an upload).
func (s *Admin) Routes() []Route {
	return []Route{
		{"GET /admin", OpenToAll, s.redirectRoot, MaxFormBytes},
		{"GET /admin/login", OpenToAll, s.showLogin, MaxFormBytes},
		{"POST /admin/login", OpenToAll, s.submitLogin, MaxFormBytes},
		{"POST /admin/logout", EditorsOnly, s.submitLogout, MaxFormBytes},
		{"GET /admin/{$}", EditorsOnly, s.showDashboard, MaxFormBytes},
		{"GET /admin/countries/{iso3}/orgs/{slug}/events/new", EditorsOnly, s.showEventForm, MaxFormBytes},
		{"POST /admin/countries/{iso3}/orgs/{slug}/events/new", EditorsOnly, s.saveEvent, MaxFormBytes},
		{"GET /admin/countries/{iso3}/orgs/{slug}/review", EditorsOnly, s.showReviewForm, MaxFormBytes},
		{"POST /admin/countries/{iso3}/orgs/{slug}/review", EditorsOnly, s.saveReview, MaxFormBytes},
		{"GET /admin/countries/{iso3}/orgs/{slug}/events/{id}/retract", EditorsOnly, s.showRetractForm, MaxFormBytes},
		{"POST /admin/countries/{iso3}/orgs/{slug}/events/{id}/retract", EditorsOnly, s.retractEvent, MaxFormBytes},
		{"GET /admin/countries/{iso3}/orgs/{slug}/events/{id}/correct", EditorsOnly, s.showCorrectForm, MaxFormBytes},
		{"POST /admin/countries/{iso3}/orgs/{slug}/events/{id}/correct", EditorsOnly, s.supersedeEvent, MaxFormBytes},
		{"POST /admin/events/{id}/verify", EditorsOnly, s.verifyEvent, MaxFormBytes},
		{"GET /admin/records/new", EditorsOnly, s.showNewRecordForm, MaxFormBytes},
		{"POST /admin/records/new", EditorsOnly, s.createRecord, MaxFormBytes},
		{"GET /admin/orgs", EditorsOnly, s.listOrgs, MaxFormBytes},
		{"GET /admin/orgs/new", EditorsOnly, s.showNewOrgForm, MaxFormBytes},
		{"POST /admin/orgs/new", EditorsOnly, s.createOrg, MaxFormBytes},
		{"GET /admin/orgs/{slug}/edit", EditorsOnly, s.showEditOrgForm, MaxFormBytes},
		{"POST /admin/orgs/{slug}/edit", EditorsOnly, s.updateOrg, MaxFormBytes},
		{"GET /admin/orgs/{slug}/merge", AdminsOnly, s.showMergeForm, MaxFormBytes},
		{"POST /admin/orgs/{slug}/merge", AdminsOnly, s.mergeOrg, MaxFormBytes},
		{"GET /admin/countries", EditorsOnly, s.listCountries, MaxFormBytes},
		{"GET /admin/countries/{iso3}/severity", EditorsOnly, s.showSeverityForm, MaxFormBytes},
		{"POST /admin/countries/{iso3}/severity", EditorsOnly, s.saveSeverity, MaxFormBytes},
		{"GET /admin/countries/{iso3}/measures/new", EditorsOnly, s.showClassMeasureForm, MaxFormBytes},
		{"POST /admin/countries/{iso3}/measures/new", EditorsOnly, s.saveClassMeasure, MaxFormBytes},
		{"GET /admin/import", AdminsOnly, s.showImport, MaxFormBytes},
		{"POST /admin/import", AdminsOnly, s.submitImport, MaxImportBytes},
		{"GET /admin/audit", AdminsOnly, s.listAudit, MaxFormBytes},
		{"GET /admin/users", AdminsOnly, s.listUsers, MaxFormBytes},
		{"POST /admin/users", AdminsOnly, s.createUser, MaxFormBytes},
		{"GET /admin/users/{name}/password", AdminsOnly, s.showPasswordForm, MaxFormBytes},
		{"POST /admin/users/{name}/password", AdminsOnly, s.savePassword, MaxFormBytes},
		{"GET /admin/users/{name}/disable", AdminsOnly, s.showDisableForm, MaxFormBytes},
		{"POST /admin/users/{name}/disable", AdminsOnly, s.disableUser, MaxFormBytes},
		{"GET /admin/users/{name}/enable", AdminsOnly, s.showEnableForm, MaxFormBytes},
		{"POST /admin/users/{name}/enable", AdminsOnly, s.enableUser, MaxFormBytes},
		{"GET /admin/users/{name}/role", AdminsOnly, s.showRoleForm, MaxFormBytes},
		{"POST /admin/users/{name}/role", AdminsOnly, s.saveRole, MaxFormBytes},
		{"GET /admin/security", AdminsOnly, s.listSecurityLog, MaxFormBytes},
		{"GET /admin/account", EditorsOnly, s.showAccount, MaxFormBytes},
		{"POST /admin/account", EditorsOnly, s.saveOwnPassword, MaxFormBytes},
	}
}

// redirectRoot sends /admin to /admin/.
func (s *Admin) redirectRoot(w http.ResponseWriter, r *http.Request, _ *adminRequest) error {
	http.Redirect(w, r, "/admin/", http.StatusSeeOther)
	return nil
}

// Guard wraps an admin handler with what every admin request goes
// through, in this order: no caching anywhere; for anything but GET and
// HEAD, cross-origin protection and the route's body limit; a live session (else a
// redirect to the login page); the role the route needs. The session is
// looked up here, per route, rather than in middleware around the mux.
func (s *Admin) Guard(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.byLang == nil {
			s.guard(rt, rt.handle, w, r)
			return
		}
		explicit := s.langs.Explicit(r.URL.Query().Get("lang"))
		l := explicit
		if l == nil {
			l = s.langs.FromHeader(r.Header.Get("Accept-Language"))
		}
		// the account's remembered language, once the session is known,
		// may still change l: the handler is looked up then (pick)
		pick := func(r *http.Request, u access.User) (*Admin, adminHandler, *http.Request) {
			lang := l
			if explicit != nil && u.Name != "" && u.Lang != explicit.Tag {
				if err := s.store.SetUserLang(r.Context(), u.Name, explicit.Tag); err != nil {
					s.kit.Log.ErrorContext(r.Context(), "remembering the interface language failed", "user", u.Name, "err", err)
				}
			} else if pref := s.langs.Get(u.Lang); explicit == nil && pref != nil {
				lang = pref
			}
			in := s.byLang[lang.Tag]
			r = r.WithContext(templates.WithLangLinks(r.Context(), s.langs, lang.Tag, explicit != nil, r.URL.Path, r.URL.Query()))
			return in.admin, in.handlers[rt.Pattern], r
		}
		in := s.byLang[l.Tag]
		in.admin.guardIn(rt, pick, w, r)
	})
}

// guard is Guard in one language, with the handler given.
func (s *Admin) guard(rt Route, h adminHandler, w http.ResponseWriter, r *http.Request) {
	s.guardIn(rt, func(r *http.Request, _ access.User) (*Admin, adminHandler, *http.Request) { return s, h, r }, w, r)
}

// guardIn does what Guard says; pick names the admin area (language) and
// handler that answer, once the account (if any) is known.
func (s *Admin) guardIn(rt Route, pick func(*http.Request, access.User) (*Admin, adminHandler, *http.Request), w http.ResponseWriter, r *http.Request) {
	{
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Robots-Tag", "noindex")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := s.origin.Check(r); err != nil {
				s.kit.ServeError(w, r, &httpkit.HTTPError{Status: http.StatusForbidden, Heading: s.l.T("admin.error.cross_origin"),
					Details: []string{s.l.T("admin.error.cross_origin.detail")}, Err: err})
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, rt.MaxBody)
		}
		a := &adminRequest{token: s.sessionToken(r)}
		if rt.Access != OpenToAll {
			sess, err := s.auth.AuthenticateFrom(r.Context(), a.token, s.kit.ClientKey(r))
			if errors.Is(err, auth.ErrNoSession) {
				next, done := loginNext(r), ""
				if a.token != "" {
					s.clearSessionCookie(w, r)
					done = "session_ended"
				}
				var ended *auth.EndedError
				author := ""
				if errors.As(err, &ended) {
					author = ended.Name
				}
				if kept, err := s.keepDraft(w, r, rt, author); err != nil {
					s.kit.ServeError(w, r, err)
					return
				} else if kept {
					next, done = r.URL.Path, "draft_kept"
				}
				to := "/admin/login?next=" + url.QueryEscape(next)
				if done != "" {
					to += "&done=" + done
				}
				http.Redirect(w, r, to, http.StatusSeeOther)
				return
			}
			if err != nil {
				s.kit.ServeError(w, r, err)
				return
			}
			a.session = sess
			if rt.Access == AdminsOnly && sess.User.Role != access.RoleAdmin {
				s.kit.ServeError(w, r, &httpkit.HTTPError{Status: http.StatusForbidden, Heading: s.l.T("admin.error.forbidden"),
					Details: []string{s.l.T("admin.error.forbidden.detail")}})
				return
			}
			if r.Method == http.MethodGet {
				if a.draft, err = s.takeDraft(w, r, sess.User.Name); err != nil {
					s.kit.ServeError(w, r, err)
					return
				}
			}
		}
		la, h, r := pick(r, a.session.User)
		if err := h(w, r, a); err != nil {
			la.kit.ServeError(w, r, err)
		}
	}
}

// adminPage returns the admin layout values for a page.
func (s *Admin) adminPage(a *adminRequest, title, section string, r *http.Request) templates.AdminPage {
	p := templates.AdminPage{Page: s.kit.Page(title, section), User: a.session.User.Name, IsAdmin: a.session.User.Role == access.RoleAdmin,
		Queues: s.queueCounts(r, a)}
	if n := r.URL.Query().Get("done"); n != "" && s.l.Has("admin.done."+n) && isNoticeKey(n) {
		p.Notice = s.l.T("admin.done." + n)
	}
	if a.draft != nil {
		p.Notice = s.l.T("admin.done.draft_restored")
	}
	return p
}

// isNoticeKey keeps the notice parameter to plain words, so it can only
// pick one of the catalogue's confirmations.
func isNoticeKey(s string) bool {
	return len(s) <= 32 && strings.IndexFunc(s, func(r rune) bool { return (r < 'a' || r > 'z') && r != '_' }) < 0
}

// redirectDone answers a successful POST with a redirect to a page that
// confirms it (post/redirect/get).
func redirectDone(w http.ResponseWriter, r *http.Request, to, notice string) error {
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	http.Redirect(w, r, to+sep+"done="+notice, http.StatusSeeOther)
	return nil
}

// Session cookie. Over TLS (or when told the server is behind a TLS proxy)
// it is Secure and named with the __Host- prefix, which browsers accept
// only from a secure origin, with Path=/ and no Domain: no other host or
// plain-HTTP page can plant or overwrite it.
const (
	SessionCookie       = "accesswatch_session"
	SecureSessionCookie = "__Host-accesswatch_session"
)

func (s *Admin) sessionCookieName(r *http.Request) string {
	if s.kit.Secure(r) {
		return SecureSessionCookie
	}
	return SessionCookie
}

// sessionToken returns the session token the request carries, if any.
func (s *Admin) sessionToken(r *http.Request) string {
	c, err := r.Cookie(s.sessionCookieName(r))
	if err != nil {
		return ""
	}
	return c.Value
}

func (s *Admin) setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: s.sessionCookieName(r), Value: token, Path: "/",
		MaxAge:   int(auth.AbsoluteTimeout / time.Second),
		HttpOnly: true, Secure: s.kit.Secure(r), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Admin) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: s.sessionCookieName(r), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.kit.Secure(r), SameSite: http.SameSiteLaxMode,
	})
}

// loginNext is where to return after logging in: the page asked for, if it
// is a GET of an admin page; else the dashboard.
func loginNext(r *http.Request) string {
	if r.Method == http.MethodGet && safeNext(r.URL.Path) == r.URL.Path {
		return r.URL.Path
	}
	return "/admin/"
}

// safeNext keeps a post-login destination inside the admin area: a plain
// path under /admin/ (no scheme, host, "//", "..", backslash or query), so
// the login page cannot be used to send people elsewhere.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/admin/") || strings.Contains(next, "//") || strings.Contains(next, "..") ||
		strings.HasPrefix(next, "/admin/log") || len(next) > 200 {
		return "/admin/"
	}
	for _, c := range next {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("/-_.", c)) {
			return "/admin/"
		}
	}
	return next
}

// pageParam reads the page query parameter: 1 when absent; an error for
// anything but a whole number from 1 to 100000.
func (s *Admin) pageParam(r *http.Request) (int, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100_000 {
		return 0, s.kit.BadRequest(s.l.T("admin.error.page"))
	}
	return n, nil
}

// pager describes page of a list of total items, size per page.
func pager(page, size, total int, link func(int) string) templates.AdminPager {
	return templates.AdminPager{Page: page, Pages: max(1, (total+size-1)/size), Total: total, Link: link}
}

package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/auth"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// adminStore is what the admin area needs from the database.
type adminStore interface {
	auth.Store
	Record(ctx context.Context, country, slug string) (access.RecordView, error)
	Events(ctx context.Context, f store.EventFilter) ([]access.EventView, int, error)
	Countries(ctx context.Context) ([]access.Country, error)
	Country(ctx context.Context, code string) (access.Country, error)
	Orgs(ctx context.Context) ([]access.Org, error)
	Org(ctx context.Context, slug string) (access.Org, error)
	RecordEvent(ctx context.Context, in store.NewEvent) (store.Recorded, error)
	CreateOrg(ctx context.Context, o access.Org, actor string) error
	UpdateOrg(ctx context.Context, o access.Org, actor string) error
	SetSeverity(ctx context.Context, code string, sc access.SeverityScore, actor string) error
	AuditLog(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, int, error)
	Users(ctx context.Context) ([]access.User, error)
	CreateUser(ctx context.Context, nu store.NewUser, actor string) (access.User, error)
	DisableUser(ctx context.Context, name, actor string) error
	SetUserPassword(ctx context.Context, name, hash, actor string) error
	SetUserRole(ctx context.Context, name string, role access.Role, actor string) error
	SecurityLog(ctx context.Context, f store.SecurityFilter) ([]access.SecurityEvent, int, error)
}

// adminState is the admin area's part of the Server.
type adminState struct {
	auth   *auth.Service
	origin *http.CrossOriginProtection
}

// newAdminState builds the admin area's state on the site's clock.
func newAdminState(st Store, now func() time.Time, log *slog.Logger) *adminState {
	return &adminState{auth: auth.NewService(st, now, log), origin: http.NewCrossOriginProtection()}
}

// maxFormBytes bounds the body of every admin form: far more than any
// form needs, small enough that nobody can make the server read megabytes.
// Each route names its limit in the table; the import form's upload has
// its own (maxImportBytes, import_upload.go).
const maxFormBytes = 64 << 10

// Who may use an admin route.
type adminAccess int

const (
	openToAll   adminAccess = iota // the login page: no session needed
	editorsOnly                    // any logged-in account
	adminsOnly                     // logged-in admins
)

// adminRoute is one admin route. The table is data, so that tests can walk
// every admin route and method.
type adminRoute struct {
	pattern string
	access  adminAccess
	handle  adminHandler
	maxBody int64 // request body limit for methods other than GET and HEAD (413 beyond)
}

// adminRequest is what an admin handler knows about the request beyond
// http.Request: the session (zero on open routes) and its token.
type adminRequest struct {
	session auth.Session
	token   string
}

type adminHandler func(w http.ResponseWriter, r *http.Request, a *adminRequest) error

// adminRoutes lists every route under /admin.
func (s *Server) adminRoutes() []adminRoute {
	return []adminRoute{
		{"GET /admin", openToAll, s.adminRoot, maxFormBytes},
		{"GET /admin/login", openToAll, s.loginPage, maxFormBytes},
		{"POST /admin/login", openToAll, s.login, maxFormBytes},
		{"POST /admin/logout", editorsOnly, s.logout, maxFormBytes},
		{"GET /admin/{$}", editorsOnly, s.adminDashboard, maxFormBytes},
		{"GET /admin/countries/{iso3}/orgs/{slug}/events/new", editorsOnly, s.eventForm, maxFormBytes},
		{"POST /admin/countries/{iso3}/orgs/{slug}/events/new", editorsOnly, s.recordEvent, maxFormBytes},
		{"GET /admin/countries/{iso3}/orgs/{slug}/review", editorsOnly, s.reviewForm, maxFormBytes},
		{"POST /admin/countries/{iso3}/orgs/{slug}/review", editorsOnly, s.recordReview, maxFormBytes},
		{"GET /admin/records/new", editorsOnly, s.newRecordForm, maxFormBytes},
		{"POST /admin/records/new", editorsOnly, s.createRecord, maxFormBytes},
		{"GET /admin/orgs", editorsOnly, s.adminOrgs, maxFormBytes},
		{"GET /admin/orgs/new", editorsOnly, s.newOrgForm, maxFormBytes},
		{"POST /admin/orgs/new", editorsOnly, s.createOrg, maxFormBytes},
		{"GET /admin/orgs/{slug}/edit", editorsOnly, s.editOrgForm, maxFormBytes},
		{"POST /admin/orgs/{slug}/edit", editorsOnly, s.updateOrg, maxFormBytes},
		{"GET /admin/countries", editorsOnly, s.adminCountries, maxFormBytes},
		{"GET /admin/countries/{iso3}/severity", editorsOnly, s.severityForm, maxFormBytes},
		{"POST /admin/countries/{iso3}/severity", editorsOnly, s.setSeverity, maxFormBytes},
		{"GET /admin/import", adminsOnly, s.importPage, maxFormBytes},
		{"POST /admin/import", adminsOnly, s.importUpload, maxImportBytes},
		{"GET /admin/audit", adminsOnly, s.auditPage, maxFormBytes},
		{"GET /admin/users", adminsOnly, s.usersPage, maxFormBytes},
		{"POST /admin/users", adminsOnly, s.addUser, maxFormBytes},
		{"GET /admin/users/{name}/password", adminsOnly, s.passwordForm, maxFormBytes},
		{"POST /admin/users/{name}/password", adminsOnly, s.setPassword, maxFormBytes},
		{"GET /admin/users/{name}/disable", adminsOnly, s.disableForm, maxFormBytes},
		{"POST /admin/users/{name}/disable", adminsOnly, s.disableUser, maxFormBytes},
		{"GET /admin/users/{name}/role", adminsOnly, s.roleForm, maxFormBytes},
		{"POST /admin/users/{name}/role", adminsOnly, s.setRole, maxFormBytes},
		{"GET /admin/security", adminsOnly, s.securityPage, maxFormBytes},
		{"GET /admin/account", editorsOnly, s.accountPage, maxFormBytes},
		{"POST /admin/account", editorsOnly, s.setOwnPassword, maxFormBytes},
	}
}

// adminRoot sends /admin to /admin/.
func (s *Server) adminRoot(w http.ResponseWriter, r *http.Request, _ *adminRequest) error {
	http.Redirect(w, r, "/admin/", http.StatusSeeOther)
	return nil
}

// guard wraps an admin handler with what every admin request goes
// through, in this order: no caching anywhere; for anything but GET and
// HEAD, cross-origin protection and the route's body limit; a live session (else a
// redirect to the login page); the role the route needs. The session is
// looked up here, per route, rather than in middleware around the mux.
func (s *Server) guard(rt adminRoute) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Robots-Tag", "noindex")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := s.admin.origin.Check(r); err != nil {
				s.serveError(w, r, &httpError{status: http.StatusForbidden, heading: s.l.T("admin.error.cross_origin"),
					details: []string{s.l.T("admin.error.cross_origin.detail")}, err: err})
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, rt.maxBody)
		}
		a := &adminRequest{token: s.sessionToken(r)}
		if rt.access != openToAll {
			sess, err := s.admin.auth.AuthenticateFrom(r.Context(), a.token, s.clientKey(r))
			if errors.Is(err, auth.ErrNoSession) {
				to := "/admin/login?next=" + url.QueryEscape(loginNext(r))
				if a.token != "" {
					s.clearSessionCookie(w, r)
					to += "&done=session_ended"
				}
				http.Redirect(w, r, to, http.StatusSeeOther)
				return
			}
			if err != nil {
				s.serveError(w, r, err)
				return
			}
			a.session = sess
			if rt.access == adminsOnly && sess.User.Role != access.RoleAdmin {
				s.serveError(w, r, &httpError{status: http.StatusForbidden, heading: s.l.T("admin.error.forbidden"),
					details: []string{s.l.T("admin.error.forbidden.detail")}})
				return
			}
		}
		if err := rt.handle(w, r, a); err != nil {
			s.serveError(w, r, err)
		}
	})
}

// adminPage returns the admin layout values for a page.
func (s *Server) adminPage(a *adminRequest, title, section string, r *http.Request) templates.AdminPage {
	p := templates.AdminPage{Page: s.page(title, section), User: a.session.User.Name, IsAdmin: a.session.User.Role == access.RoleAdmin}
	if n := r.URL.Query().Get("done"); n != "" && s.l.Has("admin.done."+n) && isNoticeKey(n) {
		p.Notice = s.l.T("admin.done." + n)
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
	sessionCookie       = "accesswatch_session"
	secureSessionCookie = "__Host-accesswatch_session"
)

func (s *Server) secureRequest(r *http.Request) bool { return s.tls || r.TLS != nil }

func (s *Server) sessionCookieName(r *http.Request) string {
	if s.secureRequest(r) {
		return secureSessionCookie
	}
	return sessionCookie
}

// sessionToken returns the session token the request carries, if any.
func (s *Server) sessionToken(r *http.Request) string {
	c, err := r.Cookie(s.sessionCookieName(r))
	if err != nil {
		return ""
	}
	return c.Value
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: s.sessionCookieName(r), Value: token, Path: "/",
		MaxAge:   int(auth.AbsoluteTimeout / time.Second),
		HttpOnly: true, Secure: s.secureRequest(r), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: s.sessionCookieName(r), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secureRequest(r), SameSite: http.SameSiteLaxMode,
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
func (s *Server) pageParam(r *http.Request) (int, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100_000 {
		return 0, s.badRequest(s.l.T("admin.error.page"))
	}
	return n, nil
}

// pager describes page of a list of total items, size per page.
func pager(page, size, total int, link func(int) string) templates.AdminPager {
	return templates.AdminPager{Page: page, Pages: max(1, (total+size-1)/size), Total: total, Link: link}
}

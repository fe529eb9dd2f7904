package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/auth"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/internal/web/admin"
	"github.com/accesswatch/accesswatch/static"
)

// testPassword is every test account's password.
const testPassword = "correct horse battery staple"

// adminFixture is a server over a seeded database with two accounts:
// "ada" (admin) and "ed" (editor).
type adminFixture struct {
	t     *testing.T
	srv   *Server
	st    *store.Store
	clock *storetest.Clock
}

func newAdminFixture(t *testing.T) *adminFixture { return newAdminFixtureWith(t, Options{}) }

// newAdminFixtureWith lets a test set options (BehindTLS); the logger,
// locale, assets and clock are filled in.
func newAdminFixtureWith(t *testing.T, opt Options) *adminFixture {
	t.Helper()
	st, clock := storetest.OpenSeeded(t)
	return newAdminFixtureOver(t, st, clock, opt)
}

// newAdminFixtureOver is newAdminFixtureWith over a given seeded store and
// its clock (for a test that wires more to the store, such as metrics).
func newAdminFixtureOver(t *testing.T, st *store.Store, clock *storetest.Clock, opt Options) *adminFixture {
	t.Helper()
	assets, err := static.New()
	if err != nil {
		t.Fatal(err)
	}
	opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	opt.Locale, opt.Assets, opt.Now = i18n.English(), assets, clock.Now
	f := &adminFixture{t: t, srv: New(st, opt), st: st, clock: clock}
	f.addUser("ada", access.RoleAdmin)
	f.addUser("ed", access.RoleEditor)
	return f
}

func (f *adminFixture) addUser(name string, role access.Role) {
	f.t.Helper()
	h, err := auth.HashPassword(testPassword)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.st.CreateUser(context.Background(), store.NewUser{Name: name, Role: role, PasswordHash: h}, "test"); err != nil {
		f.t.Fatal(err)
	}
}

// request describes one request to the fixture's server.
type request struct {
	method, target string
	form           url.Values // sent urlencoded when not nil
	body           string     // sent raw (urlencoded) when form is nil
	cookie         *http.Cookie
	header         map[string]string
	remote         string // client address (default 192.0.2.1:1234)
}

// do serves a request. POSTs look like a browser's same-origin form
// submission unless header says otherwise.
func (f *adminFixture) do(rq request) *httptest.ResponseRecorder {
	f.t.Helper()
	var body io.Reader
	if rq.form != nil {
		body = strings.NewReader(rq.form.Encode())
	} else if rq.body != "" {
		body = strings.NewReader(rq.body)
	}
	r := httptest.NewRequest(rq.method, rq.target, body)
	if rq.method != http.MethodGet && rq.method != http.MethodHead {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		r.Header.Set("Origin", "http://example.com")
	}
	for k, v := range rq.header {
		if v == "" {
			r.Header.Del(k)
		} else {
			r.Header.Set(k, v)
		}
	}
	if rq.cookie != nil {
		r.AddCookie(rq.cookie)
	}
	if rq.remote != "" {
		r.RemoteAddr = rq.remote
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w
}

// get is a GET with a session cookie (nil: none).
func (f *adminFixture) get(target string, c *http.Cookie) *httptest.ResponseRecorder {
	f.t.Helper()
	return f.do(request{method: http.MethodGet, target: target, cookie: c})
}

// post is a same-origin form POST with a session cookie.
func (f *adminFixture) post(target string, form url.Values, c *http.Cookie) *httptest.ResponseRecorder {
	f.t.Helper()
	return f.do(request{method: http.MethodPost, target: target, form: form, cookie: c})
}

// login logs an account in and returns its session cookie.
func (f *adminFixture) login(name string) *http.Cookie {
	f.t.Helper()
	w := f.post("/admin/login", url.Values{"username": {name}, "password": {testPassword}}, nil)
	if w.Code != http.StatusSeeOther {
		f.t.Fatalf("login %s: %d %s", name, w.Code, w.Body.String())
	}
	c := sessionCookieOf(w)
	if c == nil || c.Value == "" {
		f.t.Fatalf("login %s set no session cookie: %v", name, w.Header()["Set-Cookie"])
	}
	return c
}

// sessionCookieOf returns the session cookie a response sets, if any.
func sessionCookieOf(w *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == admin.SessionCookie || c.Name == admin.SecureSessionCookie {
			return c
		}
	}
	return nil
}

func (f *adminFixture) checksum() string {
	f.t.Helper()
	return storetest.Checksum(f.t, f.st)
}

// isAdminContent reports whether a response shows a page of the logged-in
// admin area.
func isAdminContent(w *httptest.ResponseRecorder) bool {
	return strings.Contains(w.Body.String(), "data-admin-user")
}

// actedEvent is a valid record-an-event form lifting Acted's ban in Niger,
// at the given version.
func actedEvent(version string) url.Values {
	return url.Values{
		"event_type": {"resumption_authorised"}, "status": {"operating"}, "date": {"2026-02-20"},
		"initiated_by": {"authority"}, "authority": {"Ministry of the Interior"}, "instrument": {"decree"},
		"reason": {""}, "reason_category": {""}, "people": {""}, "people_basis": {""},
		"description": {"Authorisation restored by decree"}, "source_url": {"https://example.org/acted-niger"},
		"source_publisher": {"Example News"}, "source_title": {"Niger lifts Acted ban"}, "source_type": {"news"},
		"version": {version},
	}
}

// actedVersion is Acted/Niger's current version, as the form carries it.
func (f *adminFixture) actedVersion() string {
	f.t.Helper()
	rec, err := f.st.Record(context.Background(), "NER", "acted")
	if err != nil {
		f.t.Fatal(err)
	}
	return strconv.FormatInt(rec.Version, 10)
}

package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/web/admin"
)

// adminPaths turns the admin route table into concrete paths (wildcards
// filled with things that exist) and the methods each path registers.
func adminPaths(t *testing.T, s *Server) map[string][]string {
	t.Helper()
	evs, _, err := s.store.Events(context.Background(), store.EventFilter{Country: "NER", Org: "acted", Limit: 1})
	if err != nil || len(evs) != 1 {
		t.Fatalf("an event of NER/acted: %v %v", evs, err)
	}
	fill := strings.NewReplacer("{iso3}", "NER", "{slug}", "acted", "{name}", "ed", "{$}", "", "{id}", strconv.FormatInt(evs[0].ID, 10))
	out := map[string][]string{}
	for _, rt := range s.admin.Routes() {
		method, path, ok := strings.Cut(rt.Pattern, " ")
		if !ok || !strings.HasPrefix(path, "/admin") {
			t.Fatalf("admin route %q: want \"METHOD /admin...\"", rt.Pattern)
		}
		p := fill.Replace(path)
		out[p] = append(out[p], method)
	}
	return out
}

// pathVariants are spellings of a path that a careless router might treat
// as the same page, or as a different page without the same protection.
func pathVariants(p string) []string {
	rest := strings.TrimPrefix(p, "/admin")
	return []string{
		p,
		strings.TrimSuffix(p, "/") + "/",
		"/" + p, // //admin/...
		"/Admin" + rest,
		"/ADMIN" + rest,
		"/./admin" + rest,
		"/admin/../admin" + rest,
		"/admin/./" + strings.TrimPrefix(rest, "/"),
		"/%61dmin" + rest,
		"/admin%2F" + strings.TrimPrefix(rest, "/"),
		p + "?next=/admin/users",
	}
}

var allMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, "PROPFIND"}

// TestNoAdminRouteAnswersWithoutASession walks every admin route, every
// method and every spelling of its path, without a session, with a
// forged session cookie and with an expired one: none may answer 2xx with
// admin content, and nothing may be written. The only 2xx allowed is the
// login page itself.
func TestNoAdminRouteAnswersWithoutASession(t *testing.T) {
	f := newAdminFixture(t)
	expired := f.login("ada")
	f.clock.Advance(13 * time.Hour) // past both limits
	sum := f.checksum()
	forged := &http.Cookie{Name: admin.SessionCookie, Value: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
	paths := adminPaths(t, f.srv)
	if len(paths) < 15 {
		t.Fatalf("only %d admin paths in the table", len(paths))
	}
	body := actedEvent("2")
	body.Set("username", "mallory")
	body.Set("role", "admin")
	body.Set("password", "mallory's password")
	checked := 0
	for p := range paths {
		for _, target := range pathVariants(p) {
			for _, m := range allMethods {
				for _, c := range []*http.Cookie{nil, forged, expired} {
					w := f.do(request{method: m, target: target, form: body, cookie: c})
					checked++
					if isAdminContent(w) {
						t.Errorf("%s %s (cookie %v): admin content without a session", m, target, c != nil)
					}
					asGet := w
					if m == http.MethodHead { // no body to look at: judge by the GET of the same target
						asGet = f.do(request{method: http.MethodGet, target: target, cookie: c})
					}
					if w.Code >= 200 && w.Code < 300 && !(isLoginPage(asGet) && (m == http.MethodGet || m == http.MethodHead)) {
						t.Errorf("%s %s (cookie %v): %d without a session", m, target, c != nil, w.Code)
					}
					if w.Code == http.StatusOK && w.Header().Get("Cache-Control") != "no-store" {
						t.Errorf("%s %s: login page cacheable: %q", m, target, w.Header().Get("Cache-Control"))
					}
				}
			}
		}
	}
	if f.checksum() != sum {
		t.Error("requests without a session changed the database")
	}
	t.Logf("%d requests to %d admin paths", checked, len(paths))
}

// isLoginPage reports whether a response is the login form.
func isLoginPage(w *httptest.ResponseRecorder) bool {
	return strings.Contains(w.Body.String(), `<form method="post" action="/admin/login"`)
}

// TestEveryAdminRouteWorksWithASession makes the walk above meaningful:
// with an admin's session every GET route answers 200 with admin content,
// without caching; an editor gets 403 on admin-only routes.
func TestEveryAdminRouteWorksWithASession(t *testing.T) {
	f := newAdminFixture(t)
	ada, ed := f.login("ada"), f.login("ed")
	adminOnly := map[string]bool{}
	for _, rt := range f.srv.admin.Routes() {
		if rt.Access == admin.AdminsOnly {
			_, p, _ := strings.Cut(rt.Pattern, " ")
			adminOnly[strings.NewReplacer("{name}", "ed", "{slug}", "acted").Replace(p)] = true
		}
	}
	for p, methods := range adminPaths(t, f.srv) {
		if !slices.Contains(methods, http.MethodGet) || p == "/admin" || p == "/admin/login" {
			continue
		}
		w := f.get(p, ada)
		if w.Code != http.StatusOK || !isAdminContent(w) {
			t.Errorf("GET %s as admin: %d", p, w.Code)
		}
		if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", p, cc)
		}
		if w.Header().Get("ETag") != "" {
			t.Errorf("GET %s: served through the page cache (ETag)", p)
		}
		w = f.get(p, ed)
		switch {
		case adminOnly[p] && (w.Code != http.StatusForbidden || isAdminContent(w)):
			t.Errorf("GET %s as editor: %d, want 403", p, w.Code)
		case !adminOnly[p] && w.Code != http.StatusOK:
			t.Errorf("GET %s as editor: %d", p, w.Code)
		}
	}
	// Admin-only POSTs are refused to editors, and write nothing.
	sum := f.checksum()
	for _, p := range []string{"/admin/users", "/admin/users/ada/disable", "/admin/users/ada/password", "/admin/users/ada/role"} {
		w := f.post(p, url.Values{"username": {"x"}, "role": {"admin"}, "password": {"a new password"}}, ed)
		if w.Code != http.StatusForbidden {
			t.Errorf("POST %s as editor: %d", p, w.Code)
		}
	}
	if f.checksum() != sum {
		t.Error("refused admin-only POSTs changed the database")
	}
}

// TestAdminRoutesAreAllInTheTable reads the web packages' source for
// registrations of /admin patterns outside the route table: a route added
// by hand would escape the walk above (and perhaps the guard).
func TestAdminRoutesAreAllInTheTable(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	surfaces, err := filepath.Glob("*/*.go") // site, api, admin, httpkit, query
	if err != nil || len(surfaces) < 20 {
		t.Fatalf("the surface packages' files: %d, %v", len(surfaces), err)
	}
	files = append(files, surfaces...)
	registration := regexp.MustCompile(`\.Handle(?:Func)?\(\s*"(?:[A-Z]+\s+)?(/[^"]*)"`)
	loop := regexp.MustCompile(`for _, rt := range s\.admin\.Routes\(\) \{\s*mux\.Handle\(rt\.Pattern, s\.admin\.Guard\(rt\)\)`)
	sawLoop := false
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range registration.FindAllStringSubmatch(string(src), -1) {
			// Also refuse catch-alls ("/", "/{x...}") that would take /admin paths.
			if p := strings.ToLower(m[1]); strings.HasPrefix(p, "/admin") || p == "/" || strings.HasPrefix(p, "/{") && p != "/{$}" {
				t.Errorf("%s registers %q outside the admin route table", name, m[0])
			}
		}
		if name == "routes.go" {
			sawLoop = loop.Match(src)
		}
	}
	if !sawLoop {
		t.Error("routes.go does not register the admin table through s.admin.Guard")
	}
}

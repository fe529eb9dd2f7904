package metrics

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"

	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/internal/web"
	"github.com/accesswatch/accesswatch/static"
)

func request(h http.Handler, method, target string) int {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec.Code
}

func TestInstrumentLabelsByRoutePattern(t *testing.T) {
	src := &fakeSource{}
	e := newExporter(t, src, Options{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orgs/{slug}", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, r.PathValue("slug")) })
	mux.HandleFunc("POST /admin/events", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusSeeOther) })
	mux.HandleFunc("GET /boom", func(w http.ResponseWriter, r *http.Request) {}) // writes nothing: 200
	h := e.Instrument(mux)

	for _, p := range []string{"/orgs/icrc", "/orgs/acted", "/orgs/nrc"} {
		request(h, http.MethodGet, p)
	}
	request(h, http.MethodPost, "/admin/events")
	request(h, http.MethodGet, "/boom")
	request(h, http.MethodGet, "/no/such/page")
	request(h, http.MethodGet, "/another-unknown-path")
	request(h, http.MethodDelete, "/orgs/icrc") // 405: no route for DELETE
	request(h, "BREW", "/orgs/icrc")

	for _, tc := range []struct {
		route, method, code string
		want                float64
	}{
		{"/orgs/{slug}", "GET", "200", 3},
		{adminRoute, "POST", "303", 1},
		{"/boom", "GET", "200", 1},
		{unmatchedRoute, "GET", "404", 2},
		{unmatchedRoute, "DELETE", "405", 1},
		{unmatchedRoute, "other", "405", 1},
	} {
		if got := testutil.ToFloat64(e.http.requests.WithLabelValues(tc.route, tc.method, tc.code)); got != tc.want {
			t.Errorf("requests{route=%q,method=%q,code=%q} = %v, want %v", tc.route, tc.method, tc.code, got, tc.want)
		}
	}
	// One series per route and method, whatever the paths.
	if n := testutil.CollectAndCount(e.http.requests); n != 6 {
		t.Errorf("%d request series, want 6", n)
	}
	if n := testutil.CollectAndCount(e.http.duration); n != 6 {
		t.Errorf("%d duration series, want 6 (route × method)", n)
	}
	body, err := testutil.CollectAndFormat(e.http.requests, expfmt.TypeTextPlain)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(body), "icrc") || strings.Contains(string(body), "no/such") {
		t.Errorf("a raw path became a label:\n%s", body)
	}
}

// Through the real site, /metrics reports its own requests and the routes
// of the pages, with the patterns web registers.
func TestInstrumentTheSite(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	assets, err := static.New()
	if err != nil {
		t.Fatal(err)
	}
	e := newExporter(t, st, Options{PerRecord: true})
	site := e.Instrument(web.New(st, web.Options{Logger: slog.New(slog.DiscardHandler), Locale: i18n.English(), Assets: assets, Metrics: e.Handler()}))
	if code := request(site, http.MethodGet, "/"); code != http.StatusOK {
		t.Fatalf("/: %d", code)
	}
	request(site, http.MethodGet, assets.URL("app.css"))
	request(site, http.MethodGet, "/nope")
	scrape(t, site)
	fams := parseText(t, scrape(t, site).Body.Bytes())
	for _, tc := range []struct{ route, code string }{{"/{$}", "200"}, {"/static/", "200"}, {unmatchedRoute, "404"}, {"/metrics", "200"}} {
		if v, ok := value(fams, "accesswatch_http_requests_total", "route", tc.route, "method", "GET", "code", tc.code); !ok || v < 1 {
			t.Errorf("route %q code %s: %v (present %v)", tc.route, tc.code, v, ok)
		}
	}
	if v, _ := value(fams, "accesswatch_presence_status", "country", "NER", "org", "icrc", "status", "expelled"); v != 1 {
		t.Error("the site's /metrics lacks the domain metrics")
	}
}

// Every admin route counts under one route="/admin" label: /metrics tells
// no one when editors log in, import or reset passwords.
func TestAdminRoutesShareOneLabel(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	assets, err := static.New()
	if err != nil {
		t.Fatal(err)
	}
	e := newExporter(t, st, Options{PerRecord: true})
	site := e.Instrument(web.New(st, web.Options{Logger: slog.New(slog.DiscardHandler), Locale: i18n.English(), Assets: assets, Metrics: e.Handler()}))
	admin := []struct{ method, path string }{
		{http.MethodGet, "/admin"}, {http.MethodGet, "/admin/"}, {http.MethodGet, "/admin/login"},
		{http.MethodPost, "/admin/login"}, {http.MethodPost, "/admin/logout"}, {http.MethodGet, "/admin/import"},
		{http.MethodPost, "/admin/import"}, {http.MethodGet, "/admin/users"}, {http.MethodPost, "/admin/users/ed/password"},
		{http.MethodGet, "/admin/countries/NER/orgs/icrc/events/new"}, {http.MethodGet, "/admin/audit"},
	}
	for _, r := range admin {
		request(site, r.method, r.path)
	}
	request(site, http.MethodGet, "/countries/NER") // and a public page keeps its own label
	fams := parseText(t, scrape(t, site).Body.Bytes())
	routes := map[string]bool{}
	for _, name := range []string{"accesswatch_http_requests_total", "accesswatch_http_request_duration_seconds"} {
		for _, m := range fams[name].GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetName() == "route" {
					routes[lp.GetValue()] = true
				}
			}
		}
	}
	for route := range routes {
		if strings.HasPrefix(route, "/admin") && route != adminRoute {
			t.Errorf("route label %q: admin routes must all be %q", route, adminRoute)
		}
	}
	if !routes[adminRoute] || !routes["/countries/{iso3}"] {
		t.Errorf("route labels %v: want %q and /countries/{iso3}", routes, adminRoute)
	}
	var total float64
	for _, m := range fams["accesswatch_http_requests_total"].GetMetric() {
		for _, lp := range m.GetLabel() {
			if lp.GetName() == "route" && lp.GetValue() == adminRoute {
				total += m.GetCounter().GetValue()
			}
		}
	}
	if total != float64(len(admin)) {
		t.Errorf("%v requests counted under %q, want %d", total, adminRoute, len(admin))
	}
}

package web

import "net/http"

// routes registers every route in one place and wraps them in the
// middleware every response goes through.
//
// Middleware outside the mux must pass the *same* *http.Request on (no
// r.WithContext): the mux records the matched pattern in r.Pattern, and the
// outer layers (logging, metrics) read it after the handler returns.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	// ---- public pages
	mux.Handle("GET /{$}", s.cached(s.overview))
	mux.Handle("GET /map", s.cached(s.mapPage))
	mux.Handle("GET /badge/{country}/{file}", withCacheControl(badgeCacheControl, s.cached(s.badge)))
	mux.Handle("GET /countries", s.cached(s.countries))
	mux.Handle("GET /countries/{iso3}", s.cached(s.country))
	mux.Handle("GET /countries/{iso3}/orgs/{slug}", s.cached(s.record))
	mux.Handle("GET /orgs", s.cached(s.orgs))
	mux.Handle("GET /orgs/{slug}", s.cached(s.org))
	mux.Handle("GET /changes", s.cached(s.changes))
	mux.Handle("GET /changes.atom", s.cachedPerOrigin(s.feed))
	// ---- end public pages

	// ---- open data: API and exports
	mux.Handle("GET /api/v1/countries", s.apiGET(s.apiCountries))
	mux.Handle("GET /api/v1/countries/{iso3}", s.apiGET(s.apiCountry))
	mux.Handle("GET /api/v1/countries/{iso3}/orgs/{slug}", s.apiGET(s.apiRecord))
	mux.Handle("GET /api/v1/orgs", s.apiGET(s.apiOrgs))
	mux.Handle("GET /api/v1/orgs/{slug}", s.apiGET(s.apiOrg))
	mux.Handle("GET /api/v1/records", s.apiGET(s.apiRecords))
	mux.Handle("GET /api/v1/events", deprecations(eventListParams, s.apiGET(s.apiEvents)))
	mux.Handle("GET /api/v1/openapi.json", s.apiGET(s.apiOpenAPI))
	mux.Handle("/api/v1/", openData(http.HandlerFunc(s.apiFallback))) // anything else: a problem, not a page
	mux.Handle("GET /export/records.csv", s.exportCSV("records"))
	mux.Handle("GET /export/events.csv", s.exportCSV("events"))
	// ---- end open data

	// ---- admin
	for _, rt := range s.adminRoutes() {
		mux.Handle(rt.pattern, s.guard(rt))
	}
	// ---- end admin

	// ---- operations
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /static/", s.assets)
	if s.metrics != nil {
		mux.Handle("GET /metrics", s.metrics)
	}
	// ---- end operations

	var h http.Handler = s.errorPages(mux)
	h = securityHeaders(s.tls, h)
	h = s.logRequests(h)
	h = s.recoverPanics(h)
	return h
}

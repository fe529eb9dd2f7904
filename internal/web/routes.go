package web

import (
	"net/http"

	"github.com/accesswatch/accesswatch/internal/web/api"
	"github.com/accesswatch/accesswatch/internal/web/httpkit"
	"github.com/accesswatch/accesswatch/internal/web/site"
)

// routes registers every route in one place and wraps them in the
// middleware every response goes through. The handlers live in the
// surface packages (site, api, admin); what applies to a route — the page
// cache, open-data headers, render limits, the admin guard — is applied
// here, where it can be read.
//
// Middleware outside the mux must pass the *same* *http.Request on (no
// r.WithContext): the mux records the matched pattern in r.Pattern, and the
// outer layers (logging, metrics) read it after the handler returns.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	// ---- public pages (package site)
	// each in the reader's language (lang.go): the method expressions
	// are called on the Site of that language
	mux.Handle("GET /{$}", s.page((*site.Site).ShowOverview))
	mux.Handle("GET /map", s.page((*site.Site).ShowMap))
	mux.Handle("GET /badge/{country}/{file}", withCacheControl(site.BadgeCacheControl, s.page((*site.Site).ShowBadge)))
	mux.Handle("GET /countries", s.page((*site.Site).ListCountries))
	mux.Handle("GET /countries/{iso3}", s.page((*site.Site).ShowCountry))
	mux.Handle("GET /countries/{iso3}/orgs/{slug}", s.page(s.mergedPage((*site.Site).ShowRecord)))
	mux.Handle("GET /orgs", s.page((*site.Site).ListOrgs))
	mux.Handle("GET /orgs/{slug}", s.page(s.mergedPage((*site.Site).ShowOrg))) // a merged organisation's old slug: 301
	mux.Handle("GET /changes", s.page((*site.Site).ListChanges))
	mux.Handle("GET /changes.atom", s.pagePerOrigin((*site.Site).ShowFeed))
	mux.Handle("GET /about", s.pagePerOrigin((*site.Site).ShowAbout)) // per origin: the citation names the address
	mux.Handle("GET /data", s.pagePerOrigin((*site.Site).ShowData))   // per origin: the examples do
	// ---- end public pages

	// ---- open data: API and exports (package api)
	od := s.api
	mux.Handle("GET /api/v1/countries", s.apiGET(od.ListCountries))
	mux.Handle("GET /api/v1/countries/{iso3}", s.apiGET(od.ShowCountry))
	mux.Handle("GET /api/v1/countries/{iso3}/orgs/{slug}", s.apiGET(s.followMerged(od.ShowRecord)))
	mux.Handle("GET /api/v1/orgs", s.apiGET(od.ListOrgs))
	mux.Handle("GET /api/v1/orgs/{slug}", s.apiGET(s.followMerged(od.ShowOrg)))
	mux.Handle("GET /api/v1/records", s.apiGET(od.ListRecords))
	mux.Handle("GET /api/v1/events", api.Deprecations(api.EventListParams, s.apiGET(od.ListEvents)))
	mux.Handle("GET /api/v1/class-measures", s.apiGET(od.ListClassMeasures))
	mux.Handle("GET /api/v1/openapi.json", s.apiGET(od.ShowOpenAPI))
	mux.Handle("/api/v1/", api.OpenData(http.HandlerFunc(od.ServeFallback))) // anything else: a problem, not a page
	mux.Handle("GET /export/records.csv", api.Download("records", s.cached(od.Problems(od.ExportRecords))))
	mux.Handle("GET /export/events.csv", api.Download("events", s.cached(od.Problems(od.ExportEvents))))
	mux.Handle("GET /export/class-measures.csv", api.Download("class-measures", s.cached(od.Problems(od.ExportClassMeasures))))
	// ---- end open data

	// ---- admin (package admin): every route of its table, through its guard
	for _, rt := range s.admin.Routes() {
		mux.Handle(rt.Pattern, s.admin.Guard(rt))
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

// apiGET serves an API handler: open to any origin, through the page cache
// (ETag, 304 without rendering, gzip), errors as problems.
func (s *Server) apiGET(h httpkit.HandlerFunc) http.Handler {
	return api.OpenData(s.cached(s.api.Problems(h)))
}

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
	// ---- end public pages

	// ---- open data: API and exports
	// ---- end open data

	// ---- admin
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

package web

import "net/http"

// routes registers every route in one place and wraps them in the
// middleware every response goes through.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	// Public pages.
	mux.Handle("GET /{$}", s.handle(s.overview))

	// Operations.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /static/", s.assets)

	return s.recoverPanics(s.logRequests(securityHeaders(s.tls, s.errorPages(mux))))
}

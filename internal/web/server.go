// Package web is accesswatch's HTTP side: routes, middleware, and handlers
// that parse a request, call the store, and render a templates component.
// It holds no SQL and builds no HTML by hand.
package web

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/a-h/templ"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/geo"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// Store is what the web layer needs from the database.
type Store interface {
	Records(ctx context.Context, f store.RecordFilter) ([]access.RecordView, int, error)
	Sources(ctx context.Context, eventIDs []int64) (map[int64][]access.Source, error)
	Ping(ctx context.Context) error
	// Generation is the domain-data version: it changes whenever the data
	// the public sees may have changed, and not for sessions or logins.
	Generation() uint64
	adminStore     // admin area (admin.go)
	visualStore    // map, trends, badges (visual.go)
	openDataStore  // api.go: JSON API, CSV exports, import
	dashboardStore // public pages (dashboard.go)
}

// Assets serves static files and names them by version.
type Assets interface {
	http.Handler
	URL(name string) string
}

// Options configure a Server.
type Options struct {
	Logger *slog.Logger
	Locale *i18n.Locale
	Assets Assets
	// BehindTLS says the server is reached over HTTPS (directly or through
	// a TLS-terminating proxy): HSTS is sent and cookies are Secure. It
	// says nothing about client addresses: see TrustedProxies.
	BehindTLS bool
	// TrustedProxies are the networks of the reverse proxies whose
	// X-Forwarded-For header is believed (see clientResolver); none by
	// default: the client is the connection's peer.
	TrustedProxies []netip.Prefix
	// Now is the one clock of the site (session lifetimes, throttling,
	// trend periods, "today", the day the page cache keys on); nil means the
	// store's own (Store.Now), so that pages and the store never disagree
	// on the date.
	Now func() time.Time
	// ClientRate and ClientBurst limit how often one client (an IPv4
	// address or an IPv6 /64, see TrustedProxies) may make the server
	// render a public page, API answer or export afresh: a token bucket of
	// ClientBurst refilled at ClientRate per second. Cached answers are
	// free; clients on loopback are not limited. Zero means the defaults
	// (DefaultClientRate, DefaultClientBurst); a negative rate, no limit.
	ClientRate  float64
	ClientBurst int
	// Metrics, if not nil, serves GET /metrics (the Prometheus exporter,
	// which brings its own authorisation).
	Metrics http.Handler
}

// Server is the accesswatch HTTP handler.
type Server struct {
	store   Store
	log     *slog.Logger
	l       *i18n.Locale
	assets  Assets
	tls     bool
	cache   *pageCache
	metrics http.Handler
	handler http.Handler
	admin   *adminState
	now     func() time.Time
	world   func() (*geo.World, error) // the projected map, built once on first use
	clients clientResolver
	limiter *clientLimiter // nil: no per-client limit
	// exports holds a token per CSV export being rendered (at most
	// exportSlots); exportWait is how long another waits for a slot.
	exports    chan struct{}
	exportWait time.Duration
}

// Page cache bounds: enough for every page of a large deployment's common
// views, small enough to bound memory whatever the query strings.
const (
	cacheEntries = 2048
	cacheBytes   = 64 << 20
)

// New builds a Server over the store.
func New(st Store, opt Options) *Server {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Locale == nil {
		opt.Locale = i18n.English()
	}
	if opt.Now == nil {
		opt.Now = st.Now
	}
	s := &Server{store: st, log: opt.Logger, l: opt.Locale, assets: opt.Assets, tls: opt.BehindTLS,
		cache: newPageCache(cacheEntries, cacheBytes), now: opt.Now, world: sync.OnceValues(embeddedWorld),
		metrics: opt.Metrics, clients: clientResolver{trusted: opt.TrustedProxies}}
	if opt.ClientRate == 0 {
		opt.ClientRate = DefaultClientRate
	}
	if opt.ClientBurst <= 0 {
		opt.ClientBurst = DefaultClientBurst
	}
	s.limiter = newClientLimiter(opt.ClientRate, opt.ClientBurst)
	s.exports, s.exportWait = make(chan struct{}, exportSlots), exportWait
	s.admin = newAdminState(st, opt.Now, opt.Logger)
	s.handler = s.routes()
	return s
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// page returns the layout values for a page.
func (s *Server) page(title, section string) templates.Page {
	return templates.Page{L: s.l, Title: title, Section: section, Asset: s.assets.URL}
}

// handlerFunc is a handler that may fail; serveError turns the error into a
// response and logs it, once, here at the edge.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// httpError is an error with the status and the words to answer it with.
type httpError struct {
	status  int
	heading string
	details []string
	err     error // the cause, for the log
}

func (e *httpError) Error() string {
	if e.err != nil {
		return e.heading + ": " + e.err.Error()
	}
	return e.heading
}

func (e *httpError) Unwrap() error { return e.err }

// redirect is an answer that sends the client to another address (a page's
// canonical form), returned as an error so handlers can stop where they are.
type redirect struct {
	to     string
	status int
}

func (e *redirect) Error() string { return "redirect to " + e.to }

// notFound is a 404 with the standard words.
func (s *Server) notFoundError(cause error) error {
	return &httpError{status: http.StatusNotFound, heading: s.l.T("error.404"), details: []string{s.l.T("error.404.detail")}, err: cause}
}

// badRequest is a 400 that tells the person what to fix.
func (s *Server) badRequest(details ...string) error {
	return &httpError{status: http.StatusBadRequest, heading: s.l.T("error.400"), details: details}
}

// serveError answers with an error page. Errors that are not httpErrors are
// unexpected: they are logged with their cause and answered with a generic
// 500 that reveals nothing.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	var rd *redirect
	if errors.As(err, &rd) {
		http.Redirect(w, r, rd.to, rd.status)
		return
	}
	var he *httpError
	if !errors.As(err, &he) {
		if errors.Is(err, store.ErrNotFound) {
			he = s.notFoundError(err).(*httpError)
		} else {
			he = &httpError{status: http.StatusInternalServerError, heading: s.l.T("error.500"), details: []string{s.l.T("error.500.detail")}, err: err}
		}
	}
	if he.status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "status", he.status, "err", err)
	} else if he.err != nil {
		s.log.DebugContext(r.Context(), "request rejected", "method", r.Method, "path", r.URL.Path, "status", he.status, "err", he.err)
	}
	s.renderError(w, r, he.status, he.heading, he.details)
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, heading string, details []string) {
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, templates.ErrorPage(s.page(heading, ""), templates.ErrorView{Status: status, Heading: heading, Details: details}))
}

// render writes a component as a complete HTML response. It renders into a
// buffer first, so a failing component yields a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		s.log.ErrorContext(r.Context(), "render failed", "path", r.URL.Path, "err", err)
		http.Error(w, s.l.T("error.500"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// Package web is accesswatch's HTTP side: the router (routes.go, every
// route in one place), the middleware every response goes through, the
// page cache and the limits on anonymous work. The handlers live in one
// package per surface — site (public pages), api (JSON API, CSV exports),
// admin (the editors' area) — which share package httpkit; this package
// composes them. It holds no SQL and builds no HTML by hand.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/web/admin"
	"github.com/accesswatch/accesswatch/internal/web/api"
	"github.com/accesswatch/accesswatch/internal/web/httpkit"
	"github.com/accesswatch/accesswatch/internal/web/site"
)

// Store is what the web layer needs from the database: what each surface
// declares it reads, and what the router and health checks use.
type Store interface {
	site.Store
	api.Store
	admin.Store
	Ping(ctx context.Context) error
	// OrgAlias is the slug an organisation merged into another now has.
	OrgAlias(ctx context.Context, old string) (string, error)
	// Generation is the domain-data version: it changes whenever the data
	// the public sees may have changed, and not for sessions or logins.
	Generation() uint64
}

// Assets serves static files and names them by version.
type Assets interface {
	http.Handler
	URL(name string) string
}

// Options configure a Server.
type Options struct {
	Logger *slog.Logger
	// Locale is the language of the API's words and of anything not
	// asked for in a language (nil: English).
	Locale *i18n.Locale
	// Languages are the languages pages are offered in (nil: every
	// catalogue, i18n.MustLoadLanguages).
	Languages *i18n.Languages
	Assets    Assets
	// BehindTLS says the server is reached over HTTPS (directly or through
	// a TLS-terminating proxy): HSTS is sent and cookies are Secure. It
	// says nothing about client addresses: see TrustedProxies.
	BehindTLS bool
	// TrustedProxies are the networks of the reverse proxies whose
	// X-Forwarded-For header is believed (see httpkit.Kit.ClientAddr); none by
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
	// Contact is where readers send corrections, shown on /about: an
	// e-mail address or an http(s) URL (see site.ParseContact); empty:
	// none configured, which /about says.
	Contact string
	// Metrics, if not nil, serves GET /metrics (the Prometheus exporter,
	// which brings its own authorisation).
	Metrics http.Handler
}

// Server is the accesswatch HTTP handler: the router over the three
// surfaces (public site, open-data API, admin area) and what they share.
type Server struct {
	store   Store
	log     *slog.Logger
	l       *i18n.Locale
	kit     *httpkit.Kit
	assets  Assets
	tls     bool
	site    *site.Site
	api     *api.API
	admin   *admin.Admin
	cache   *pageCache
	metrics http.Handler
	handler http.Handler
	now     func() time.Time
	limiter *clientLimiter // nil: no per-client limit
	// langs are the languages pages are offered in; surfaces what answers
	// in each, by tag (see lang.go).
	langs    *i18n.Languages
	surfaces map[string]*surface
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
	if opt.Languages == nil {
		opt.Languages = i18n.MustLoadLanguages()
	}
	kit := httpkit.New(opt.Logger, opt.Locale, opt.Assets, opt.BehindTLS, opt.TrustedProxies)
	s := &Server{store: st, log: opt.Logger, l: opt.Locale, kit: kit, assets: opt.Assets, tls: opt.BehindTLS,
		cache: newPageCache(cacheEntries, cacheBytes), now: opt.Now, metrics: opt.Metrics}
	if opt.ClientRate == 0 {
		opt.ClientRate = DefaultClientRate
	}
	if opt.ClientBurst <= 0 {
		opt.ClientBurst = DefaultClientBurst
	}
	s.limiter = newClientLimiter(opt.ClientRate, opt.ClientBurst)
	s.exports, s.exportWait = make(chan struct{}, exportSlots), exportWait
	s.site = site.New(st, kit, opt.Now, opt.Languages, site.Info{Contact: opt.Contact, OpenAPI: api.OpenAPIDocument()})
	s.api = api.New(st, kit, opt.Languages, s.acquireExport)
	s.admin = admin.New(st, kit, opt.Now)
	s.langs, s.surfaces = opt.Languages, map[string]*surface{}
	for _, l := range opt.Languages.All() {
		lk := kit.InLanguage(l)
		s.surfaces[l.Tag] = &surface{kit: lk, site: s.site.InLanguage(lk)}
	}
	s.admin.WithLanguages(opt.Languages)
	s.handler = s.routes()
	return s
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// ParseContact checks a corrections contact for Options.Contact: an e-mail
// address or an http(s) URL; it returns the link /about will show.
func ParseContact(s string) (string, error) { return site.ParseContact(s) }

// ParseTrustedProxies reads a comma-separated list of networks in CIDR
// notation ("10.0.0.0/8, 2001:db8::/32") for Options.TrustedProxies; a
// bare address stands for itself alone. "" is the empty list.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) { return httpkit.ParseTrustedProxies(s) }

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/buildinfo"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/logbuf"
	"github.com/accesswatch/accesswatch/internal/metrics"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/web"
	"github.com/accesswatch/accesswatch/static"
)

// Server timeouts. The read-header timeout (--read-header-timeout) closes
// connections that trickle their headers; the others bound slow bodies and
// idle keep-alives.
const (
	defaultReadHeaderTimeout = 5 * time.Second
	readTimeout              = 30 * time.Second
	writeTimeout             = 60 * time.Second
	idleTimeout              = 120 * time.Second
	shutdownTimeout          = 25 * time.Second
	maxHeaderBytes           = 64 << 10
)

func runServe(ctx context.Context, env *environment, args []string) error {
	cfg, err := serveConfig(args, env)
	if err != nil {
		return err
	}
	return serveLogged(ctx, cfg, env.stderr, logbuf.DefaultInterval, nil)
}

// serveLogged runs serve with its log written to w through a buffer, so
// that logging a request costs no system call on the request's path: lines
// reach w every flushEvery and, when serve returns, all at once (a clean
// stop loses none).
func serveLogged(ctx context.Context, cfg Config, w io.Writer, flushEvery time.Duration, ready func(addr string)) error {
	logw := logbuf.New(w, flushEvery)
	err := serve(ctx, cfg, newLogger(logw, cfg.LogLevel, cfg.LogFormat), ready)
	if cerr := logw.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("write log: %w", cerr))
	}
	return err
}

// serve runs the server until ctx ends, then shuts down gracefully: it stops
// accepting, lets in-flight requests finish, and closes the database last.
// ready, if not nil, is called with the listening address once requests are
// being accepted.
func serve(ctx context.Context, cfg Config, log *slog.Logger, ready func(addr string)) error {
	if store.FaultInjection {
		log.Error("THIS BUILD INJECTS FAULTS (-tags faultinject): it may lose acknowledged writes; never serve anyone with it")
	}
	// The one clock: the store, the site and its sessions all read it.
	now := time.Now
	st, err := openDatabase(ctx, cfg.DB, !cfg.NoSeed, now, store.Options{ReviewAfter: cfg.ReviewAfter, Verification: verificationRule(cfg.RequireVerification)}, log)
	if err != nil {
		return err
	}
	defer st.Close()

	handler, err := newHandler(st, cfg, now, log)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	headerTimeout := cfg.ReadHeaderTimeout
	if headerTimeout <= 0 {
		headerTimeout = defaultReadHeaderTimeout
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: headerTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	log.Info("listening", "url", "http://"+ln.Addr().String(), "db", store.Redact(cfg.DB), "version", buildinfo.Read().Version)
	if cfg.MetricsToken == "" && !loopbackOnly(ln.Addr()) {
		log.Warn("/metrics is public: it tells anyone how the server is used; set ACCESSWATCH_METRICS_TOKEN on a public instance",
			"addr", ln.Addr().String())
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// loopbackOnly reports whether a listener's address can be reached from
// this machine only (127.0.0.0/8, ::1); an unspecified address (0.0.0.0,
// ::) or any other is reachable from elsewhere.
func loopbackOnly(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// newHandler builds the whole site on the clock now (the store's): the web
// server with /metrics, inside the HTTP metrics middleware (outermost, so it
// sees every response and the route pattern the mux matched).
func newHandler(st *store.Store, cfg Config, now func() time.Time, log *slog.Logger) (http.Handler, error) {
	return newSite(st, st, cfg, now, log)
}

// newSite is newHandler with the metrics' source given apart from the
// store, so that a benchmark can move the data version at will.
func newSite(st *store.Store, src metrics.Source, cfg Config, now func() time.Time, log *slog.Logger) (http.Handler, error) {
	assets, err := static.New()
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	writer, reader := st.Pools()
	exp, err := metrics.New(src, metrics.Options{
		PerRecord: cfg.MetricsPerRecord,
		Token:     cfg.MetricsToken,
		Build:     buildinfo.Read(),
		PublicURL: cfg.PublicURL,
		Pools:     []metrics.Pool{{Name: "writer", DB: writer}, {Name: "reader", DB: reader}},
		Logger:    log,
	})
	if err != nil {
		return nil, err
	}
	site := web.New(st, web.Options{Logger: log, Locale: i18n.English(), Assets: assets, BehindTLS: cfg.BehindTLS,
		Now: now, TrustedProxies: cfg.TrustedProxies, Metrics: exp.Handler(), Contact: cfg.Contact})
	return exp.Instrument(site), nil
}

// serveConfig parses the serve command's flags.
func serveConfig(args []string, env *environment) (Config, error) {
	fs := newFlagSet("serve", env.stderr)
	var cfg Config
	fs.StringVar(&cfg.Addr, "addr", "localhost:8080", "address to listen on (host:port)")
	db := dbFlag(fs)
	fs.BoolVar(&cfg.NoSeed, "no-seed", false, "start a new database with the country list only, without the bundled cases")
	fs.TextVar(&cfg.LogLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn or error")
	fs.StringVar(&cfg.LogFormat, "log-format", "text", "log format: text or json")
	fs.BoolVar(&cfg.BehindTLS, "behind-tls", false, "the server is reached over HTTPS through a proxy: send HSTS and Secure cookies")
	proxies := fs.String("trusted-proxies", "", "comma-separated networks (CIDR) of reverse proxies whose X-Forwarded-For header names the client; empty: the client is the connection's peer")
	fs.BoolVar(&cfg.MetricsPerRecord, "metrics-per-record", true, "export per-record series on /metrics; false keeps only per-country aggregates (very large deployments)")
	fs.DurationVar(&cfg.ReadHeaderTimeout, "read-header-timeout", defaultReadHeaderTimeout,
		"close connections that have not sent their request headers within this time (slow clients)")
	fs.DurationVar(&cfg.ReviewAfter, "review-after", access.DefaultReviewAfter,
		"mark a record due for review when neither an editor's review nor a dated event has confirmed it for this long (Go duration, e.g. 8760h for 365 days)")
	fs.BoolVar(&cfg.RequireVerification, "require-verification", false,
		"keep events editors enter private (off pages, API, exports, feed and metrics) until a second editor verifies them; off: they are public at once, marked awaiting verification")
	fs.StringVar(&cfg.Contact, "contact", "", "where readers send corrections, shown on /about: an e-mail address or an http(s) URL; empty: /about says none is configured")
	fs.StringVar(&cfg.PublicURL, "public-url", "", "base URL readers reach the site at, e.g. https://access.example.org: alerts link to record pages under it; empty: alerts say how to set it")
	fs.StringVar(&cfg.MetricsToken, "metrics-token", "", "bearer token that /metrics requires (prefer the environment variable: arguments are visible to other users); empty: /metrics is public")
	err := parseFlags(fs, args, env.getenv)
	if err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, usageError("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	cfg.DB = *db
	if cfg.TrustedProxies, err = web.ParseTrustedProxies(*proxies); err != nil {
		return cfg, usageError("--trusted-proxies: %v", err)
	}
	if cfg.ReadHeaderTimeout <= 0 || cfg.ReadHeaderTimeout > readTimeout {
		return cfg, usageError("--read-header-timeout must be more than 0 and at most %s, not %s", readTimeout, cfg.ReadHeaderTimeout)
	}
	if cfg.ReviewAfter < 24*time.Hour {
		return cfg, usageError("--review-after must be at least 24h, not %s", cfg.ReviewAfter)
	}
	if _, err := web.ParseContact(cfg.Contact); err != nil {
		return cfg, usageError("--contact: %v", err)
	}
	if cfg.PublicURL, err = parsePublicURL(cfg.PublicURL); err != nil {
		return cfg, usageError("--public-url: %v", err)
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return cfg, usageError("--log-format must be text or json, not %q", cfg.LogFormat)
	}
	return cfg, nil
}

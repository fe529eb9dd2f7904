package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Config is everything the server is told at start.
type Config struct {
	Addr      string // listen address
	DB        string // database file
	NoSeed    bool   // start a new database with the country list only
	LogLevel  slog.Level
	LogFormat string // "text" or "json"
	BehindTLS bool   // reached over HTTPS (send HSTS, secure cookies)
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (--trusted-proxies); none by default.
	TrustedProxies []netip.Prefix

	MetricsPerRecord bool   // /metrics carries per-record series (false: per-country aggregates only)
	MetricsToken     string // bearer token /metrics requires; empty: none

	ReadHeaderTimeout time.Duration // a client must send its request headers within this

	// ReviewAfter: a record neither an editor's review nor a dated event
	// has confirmed for this long is due for review (--review-after).
	ReviewAfter time.Duration
	// RequireVerification keeps an event an editor enters private until a
	// second editor verifies it (--require-verification); off: it is
	// public at once, marked awaiting verification.
	RequireVerification bool
	// Contact is where readers send corrections (--contact): an e-mail
	// address or an http(s) URL, shown on /about; empty: none configured.
	Contact string
	// PublicURL is the base URL readers reach the site at (--public-url),
	// without a trailing slash: exported in accesswatch_site_info so that
	// alerts link to record pages; empty: not configured.
	PublicURL string
}

// parsePublicURL checks a --public-url value: empty, or an absolute http(s)
// URL with a host and neither query nor fragment. It returns it without a
// trailing slash, ready to have a path appended.
func parsePublicURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("want an absolute http(s) URL such as https://access.example.org, not %q", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// envPrefix starts the environment variable of every flag.
const envPrefix = "ACCESSWATCH_"

// envName is the environment variable of a flag: --log-level → ACCESSWATCH_LOG_LEVEL.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseFlags parses args into fs, then fills every flag not given on the
// command line from its environment variable. Flags win over the
// environment, which wins over defaults.
func parseFlags(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError("%v", err)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %v", envName(f.Name), v, err))
			}
		}
	})
	if len(errs) > 0 {
		return usageError("%v", errors.Join(errs...))
	}
	return nil
}

// newFlagSet makes a flag set that reports errors instead of exiting, with
// a usage text that names each flag's environment variable.
func newFlagSet(name string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: accesswatch %s [flags]\n\nFlags (environment variable in brackets):\n", name)
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" && f.DefValue != "false" {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(out, "  --%s [%s]\n      %s%s\n", f.Name, envName(f.Name), f.Usage, def)
		})
	}
	return fs
}

// dbFlag registers --db.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "data/accesswatch.db", "SQLite database file, or a postgres:// URL")
}

// newLogger builds the process logger.
func newLogger(w io.Writer, level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

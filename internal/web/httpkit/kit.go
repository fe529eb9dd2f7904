// Package httpkit is what the web surfaces (site, api, admin) and the
// router share: rendering a component into a complete response, the error
// types handlers return and the pages and problems that answer them, the
// client's address, and the translation of a query into a store selection.
// It imports no surface package.
package httpkit

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/a-h/templ"

	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// AssetNamer names static files by version.
type AssetNamer interface {
	URL(name string) string
}

// Kit renders pages and errors for every surface: one per server, shared.
type Kit struct {
	// Log receives the errors answered (once, at the edge).
	Log *slog.Logger
	// L is the locale every page and message is written in.
	L *i18n.Locale
	// TLS says the server is reached over HTTPS (see web.Options.BehindTLS).
	TLS     bool
	assets  AssetNamer
	clients clientResolver
}

// New returns a Kit. trusted are the reverse proxies whose X-Forwarded-For
// header is believed (see ClientAddr).
func New(log *slog.Logger, l *i18n.Locale, assets AssetNamer, tls bool, trusted []netip.Prefix) *Kit {
	return &Kit{Log: log, L: l, TLS: tls, assets: assets, clients: clientResolver{trusted: trusted}}
}

// InLanguage returns a Kit like k that writes in l: one per language,
// made once at start; they share the logger, assets and client resolver.
func (k *Kit) InLanguage(l *i18n.Locale) *Kit {
	c := *k
	c.L = l
	return &c
}

// HandlerFunc is a handler that may fail; ServeError turns the error into
// a response and logs it, once, at the edge.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// HTTPError is an error with the status and the words to answer it with.
type HTTPError struct {
	Status  int
	Heading string
	Details []string
	Err     error // the cause, for the log
}

// Error says the heading and the cause.
func (e *HTTPError) Error() string {
	if e.Err != nil {
		return e.Heading + ": " + e.Err.Error()
	}
	return e.Heading
}

// Unwrap returns the cause.
func (e *HTTPError) Unwrap() error { return e.Err }

// Redirect is an answer that sends the client to another address (a
// page's canonical form), returned as an error so handlers can stop where
// they are.
type Redirect struct {
	To     string
	Status int
}

// Error says where to.
func (e *Redirect) Error() string { return "redirect to " + e.To }

// Page returns the layout values for a page.
func (k *Kit) Page(title, section string) templates.Page {
	return templates.Page{L: k.L, Title: title, Section: section, Asset: k.assets.URL}
}

// NotFound is a 404 with the standard words.
func (k *Kit) NotFound(cause error) error {
	return &HTTPError{Status: http.StatusNotFound, Heading: k.L.T("error.404"), Details: []string{k.L.T("error.404.detail")}, Err: cause}
}

// NotFoundBecause is a 404 saying what was not found.
func (k *Kit) NotFoundBecause(detail string, cause error) error {
	return &HTTPError{Status: http.StatusNotFound, Heading: k.L.T("error.404"), Details: []string{detail}, Err: cause}
}

// BadRequest is a 400 that tells the person what to fix.
func (k *Kit) BadRequest(details ...string) error {
	return &HTTPError{Status: http.StatusBadRequest, Heading: k.L.T("error.400"), Details: details}
}

// ServeError answers with an error page. Errors that are not HTTPErrors
// are unexpected: they are logged with their cause and answered with a
// generic 500 that reveals nothing.
func (k *Kit) ServeError(w http.ResponseWriter, r *http.Request, err error) {
	var rd *Redirect
	if errors.As(err, &rd) {
		http.Redirect(w, r, rd.To, rd.Status)
		return
	}
	var he *HTTPError
	if !errors.As(err, &he) {
		if errors.Is(err, store.ErrNotFound) {
			he = k.NotFound(err).(*HTTPError)
		} else {
			he = &HTTPError{Status: http.StatusInternalServerError, Heading: k.L.T("error.500"), Details: []string{k.L.T("error.500.detail")}, Err: err}
		}
	}
	if he.Status >= 500 {
		k.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "status", he.Status, "err", err)
	} else if he.Err != nil {
		k.Log.DebugContext(r.Context(), "request rejected", "method", r.Method, "path", r.URL.Path, "status", he.Status, "err", he.Err)
	}
	k.RenderError(w, r, he.Status, he.Heading, he.Details)
}

// RenderError answers with the error page, never to be cached.
func (k *Kit) RenderError(w http.ResponseWriter, r *http.Request, status int, heading string, details []string) {
	w.Header().Set("Cache-Control", "no-store")
	k.Render(w, r, status, templates.ErrorPage(k.Page(heading, ""), templates.ErrorView{Status: status, Heading: heading, Details: details}))
}

// Render writes a component as a complete HTML response. It renders into a
// buffer first, so a failing component yields a clean 500, not half a page.
func (k *Kit) Render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		k.Log.ErrorContext(r.Context(), "render failed", "path", r.URL.Path, "err", err)
		http.Error(w, k.L.T("error.500"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// Secure reports whether r reached the server over HTTPS, directly or
// through a TLS-terminating proxy.
func (k *Kit) Secure(r *http.Request) bool { return k.TLS || r.TLS != nil }

// Origin is the scheme and host a request was made to, as a client sees it.
func (k *Kit) Origin(r *http.Request) string {
	scheme := "http"
	if k.Secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

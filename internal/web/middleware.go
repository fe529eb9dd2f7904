package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

// contentSecurityPolicy allows only this origin's own files: no inline
// script or style anywhere, so injected markup cannot run.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; " +
	"frame-ancestors 'none'; form-action 'self'"

// The security headers' values, made once: every response shares them
// (read only, like the page cache's header values), so setting them
// allocates nothing. The keys are in canonical form.
var (
	securityHeaderValues = [...]struct {
		key   string
		value []string
	}{
		{"Content-Security-Policy", []string{contentSecurityPolicy}},
		{"X-Content-Type-Options", []string{"nosniff"}},
		{"Referrer-Policy", []string{"strict-origin-when-cross-origin"}},
		{"X-Frame-Options", []string{"DENY"}},
		{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
		{"Permissions-Policy", []string{"camera=(), microphone=(), geolocation=(), interest-cohort=()"}},
	}
	hstsValue = []string{"max-age=63072000; includeSubDomains"}
)

// securityHeaders sets the headers every response carries.
func securityHeaders(tls bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, sh := range securityHeaderValues {
			h[sh.key] = sh.value
		}
		if tls || r.TLS != nil {
			h["Strict-Transport-Security"] = hstsValue
		}
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status and size of a response.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request, with the route pattern that
// matched (set by the mux on the request) rather than the raw path alone.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		s.log.LogAttrs(r.Context(), levelFor(rec.status), "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", r.Pattern),
			slog.Int("status", rec.status), slog.Int64("bytes", rec.bytes), slog.Duration("duration", time.Since(start)))
	})
}

// recoverPanics turns a panic into a logged, generic 500. http.ErrAbortHandler
// is re-raised: it is how a handler deliberately aborts a response.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			l, _ := s.chooseLang(r)
			s.surfaces[l.Tag].kit.RenderError(w, r, http.StatusInternalServerError, l.T("error.500"), []string{l.T("error.500.detail")})
		}()
		next.ServeHTTP(w, r)
	})
}

// errorPages replaces the mux's plain-text 404 and 405 answers (for paths no
// route matches) with the site's error page. Handlers that matched render
// their own errors and are left alone. The mux is asked only once per
// request: it records the matched pattern in r.Pattern before calling the
// handler, so the writer can tell the mux's own answers (no pattern) from a
// handler's.
func (s *Server) errorPages(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		iw := &interceptWriter{ResponseWriter: w, r: r}
		mux.ServeHTTP(iw, r)
		if !iw.intercepted() {
			return
		}
		l, _ := s.chooseLang(r)
		kit := s.surfaces[l.Tag].kit
		w.Header().Set("Vary", "Accept-Language")
		switch iw.status {
		case http.StatusNotFound:
			kit.RenderError(w, r, http.StatusNotFound, l.T("error.404"), []string{l.T("error.404.detail")})
		case http.StatusMethodNotAllowed:
			kit.RenderError(w, r, http.StatusMethodNotAllowed, l.T("error.405"), []string{l.T("error.405.detail")})
		}
	})
}

// interceptWriter swallows the mux's own 404 or 405 answer (no route
// matched: r.Pattern is empty) so errorPages can write its own; anything
// else — a matched handler's answer, or the mux's redirect to a cleaned
// path — passes through.
type interceptWriter struct {
	http.ResponseWriter
	r      *http.Request
	status int
}

func (w *interceptWriter) intercepted() bool {
	return w.r.Pattern == "" && (w.status == http.StatusNotFound || w.status == http.StatusMethodNotAllowed)
}

func (w *interceptWriter) WriteHeader(code int) {
	w.status = code
	if !w.intercepted() {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *interceptWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.intercepted() {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *interceptWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// levelFor logs server errors as errors, the rest at info.
func levelFor(status int) slog.Level {
	if status >= http.StatusInternalServerError {
		return slog.LevelError
	}
	return slog.LevelInfo
}

// withCacheControl replaces the Cache-Control of a successful answer (the
// page cache's "public, no-cache") just before the status is written.
func withCacheControl(value string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&cacheControlWriter{ResponseWriter: w, value: value}, r)
	})
}

type cacheControlWriter struct {
	http.ResponseWriter
	value string
	wrote bool
}

func (w *cacheControlWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		if code == http.StatusOK || code == http.StatusNotModified {
			w.Header().Set("Cache-Control", w.value)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *cacheControlWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *cacheControlWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

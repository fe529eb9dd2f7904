package metrics

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// httpMetrics count and time requests by route pattern.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// unmatchedRoute labels requests that no route matched (404s for unknown
// paths, 405s), so that arbitrary paths never become label values.
const unmatchedRoute = "unmatched"

// The HTTP metrics' names and help.
const (
	httpRequestsName = "accesswatch_http_requests_total"
	httpRequestsHelp = "HTTP requests answered, by route pattern (\"unmatched\" when no route matched), method and status code."
	httpDurationName = "accesswatch_http_request_duration_seconds"
	httpDurationHelp = "Time to answer HTTP requests, by route pattern and method."
)

func newHTTPMetrics() *httpMetrics {
	return &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: httpRequestsName, Help: httpRequestsHelp},
			[]string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: httpDurationName, Help: httpDurationHelp, Buckets: prometheus.DefBuckets},
			[]string{"route", "method"}),
	}
}

// Instrument counts and times the requests next answers. It reads the route
// pattern from r.Pattern after next returns — set by the ServeMux inside,
// on this very request — so the label is the route ("/countries/{iso3}"),
// never the raw path. Put it outermost, around the whole site.
func (e *Exporter) Instrument(next http.Handler) http.Handler {
	m := e.http
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &codeRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		route, method := routeLabel(r.Pattern), methodLabel(r.Method)
		code := rec.code
		if code == 0 {
			code = http.StatusOK
		}
		m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
		m.duration.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
	})
}

// adminRoute is the one route label of the whole admin area.
const adminRoute = "/admin"

// routeLabel turns a ServeMux pattern ("GET /orgs/{slug}") into the route
// label ("/orgs/{slug}"); the method has its own label. Every admin route
// is "/admin": per-action counts (logins, imports, password resets) would
// tell anyone who can read /metrics when editors work and what they do.
func routeLabel(pattern string) string {
	if pattern == "" {
		return unmatchedRoute
	}
	path := pattern
	if _, p, ok := strings.Cut(pattern, " "); ok {
		path = strings.TrimSpace(p)
	}
	if path == adminRoute || strings.HasPrefix(path, adminRoute+"/") {
		return adminRoute
	}
	return path
}

// methodLabel keeps the method label to the standard methods: anything else
// a client sends is "other".
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}

// codeRecorder remembers the status code of a response.
type codeRecorder struct {
	http.ResponseWriter
	code int
}

func (w *codeRecorder) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *codeRecorder) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *codeRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

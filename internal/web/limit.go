package web

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/accesswatch/accesswatch/internal/web/httpkit"
)

// Limits on the work anonymous requests can make the server repeat. Cached
// answers cost next to nothing and are never limited; what is limited is
// rendering afresh, which a stranger can force at will with ever-new query
// strings.
const (
	// DefaultClientRate and DefaultClientBurst bound each client's uncached
	// renders (pages, API, exports): a bucket of DefaultClientBurst that
	// refills at DefaultClientRate a second. A person browsing never meets
	// it; a script walking every filter does.
	DefaultClientRate  = 5.0
	DefaultClientBurst = 60
	// exportSlots is how many uncached CSV exports render at once; others
	// wait up to exportWait for a slot, then get 503.
	exportSlots = 2
	exportWait  = 2 * time.Second
	// maxTrackedClients bounds the limiter's memory: beyond it, the buckets
	// that have refilled are forgotten (see clientLimiter.take).
	maxTrackedClients = 100_000
)

// clientLimiter is a token bucket per client (throttling key: an IPv4
// address or an IPv6 /64).
type clientLimiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	now     func() time.Time
	buckets map[string]*tokenBucket
}

type tokenBucket struct {
	tokens float64
	last   time.Time
}

// newClientLimiter returns a limiter, or nil (no limit) for a rate <= 0.
func newClientLimiter(rate float64, burst int) *clientLimiter {
	if rate <= 0 {
		return nil
	}
	return &clientLimiter{rate: rate, burst: float64(max(burst, 1)), now: time.Now, buckets: map[string]*tokenBucket{}}
}

// take spends one of key's tokens. When none is left it spends nothing and
// returns false with the time until the next token.
func (l *clientLimiter) take(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxTrackedClients {
			l.forgetIdle(now)
		}
		b = &tokenBucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+elapsed*l.rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// forgetIdle drops the buckets that have refilled (their clients would
// start full anyway); if every client is active, it drops them all rather
// than grow without bound.
func (l *clientLimiter) forgetIdle(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxTrackedClients {
		clear(l.buckets)
	}
}

// retryAfterSeconds is d as a Retry-After value: whole seconds, at least 1.
func retryAfterSeconds(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}

// allowRender reports whether r's client may make the server render
// afresh; if not, it has answered 429 with Retry-After. Clients on this
// machine (loopback: health checks, local tools, a proxy whose address is
// not trusted) are not limited.
func (s *Server) allowRender(w http.ResponseWriter, r *http.Request) bool {
	if s.limiter == nil {
		return true
	}
	a, ok := s.kit.ClientAddr(r)
	if ok && a.IsLoopback() {
		return true
	}
	key := r.RemoteAddr
	if ok {
		key = httpkit.ThrottleKey(a)
	}
	allowed, wait := s.limiter.take(key)
	if allowed {
		return true
	}
	s.log.DebugContext(r.Context(), "render limited", "client", key, "path", r.URL.Path)
	s.busy(w, r, http.StatusTooManyRequests, retryAfterSeconds(wait), "error.429.detail")
	return false
}

// acquireExport takes one of the export slots, waiting up to exportWait;
// release gives it back. When none frees in time it answers 503 with
// Retry-After and returns false.
func (s *Server) acquireExport(w http.ResponseWriter, r *http.Request) (release func(), ok bool) {
	select {
	case s.exports <- struct{}{}:
		return func() { <-s.exports }, true
	default:
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.exportWait)
	defer cancel()
	select {
	case s.exports <- struct{}{}:
		return func() { <-s.exports }, true
	case <-ctx.Done():
		s.log.WarnContext(r.Context(), "export refused: others are rendering", "path", r.URL.Path, "slots", cap(s.exports))
		s.busy(w, r, http.StatusServiceUnavailable, retryAfterSeconds(s.exportWait), "error.503.export")
		return nil, false
	}
}

// busy answers a request the server will not do now: 429 or 503 with
// Retry-After, as a problem for the API and exports (in English), else as
// a page in the reader's language; detailKey names the explanation.
func (s *Server) busy(w http.ResponseWriter, r *http.Request, status int, retryAfter, detailKey string) {
	w.Header().Set("Retry-After", retryAfter)
	if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/export/") {
		kind := "too-many-requests"
		if status == http.StatusServiceUnavailable {
			kind = "busy"
		}
		s.kit.WriteProblem(w, r, &httpkit.APIError{Status: status, Kind: kind, Detail: s.l.T(detailKey)})
		return
	}
	l, _ := s.chooseLang(r)
	heading := l.T("error.429")
	if status == http.StatusServiceUnavailable {
		heading = l.T("error.503.busy")
	}
	s.surfaces[l.Tag].kit.RenderError(w, r, status, heading, []string{l.T(detailKey)})
}

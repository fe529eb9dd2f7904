package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

func TestClientLimiterBucket(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := newClientLimiter(2, 3)
	l.now = clock.Now
	for i := range 3 {
		if ok, _ := l.take("a"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.take("a")
	if ok || wait != 500*time.Millisecond {
		t.Errorf("beyond the burst: %v, wait %v (want refused, 500ms)", ok, wait)
	}
	if ok, _ := l.take("b"); !ok {
		t.Error("another client is refused")
	}
	clock.Advance(500 * time.Millisecond)
	if ok, _ := l.take("a"); !ok {
		t.Error("refused after a token was refilled")
	}
	if ok, _ := l.take("a"); ok {
		t.Error("two requests for one refilled token")
	}
	if newClientLimiter(-1, 10) != nil {
		t.Error("a negative rate still limits")
	}
}

// limitedServer serves a seeded store with a burst of 3 uncached renders
// per client and a clock that never refills them.
func limitedServer(t *testing.T, st Store, opt Options) *Server {
	t.Helper()
	opt.ClientRate, opt.ClientBurst = 1, 3
	srv := newServerWith(t, st, opt)
	clock := storetest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv.limiter.now = clock.Now
	return srv
}

func newServerWith(t *testing.T, st Store, opt Options) *Server {
	t.Helper()
	base := newServerFor(t, st)
	opt.Logger, opt.Locale, opt.Assets = base.log, base.l, base.assets
	return New(st, opt)
}

func fetch(h http.Handler, target, remote string, header map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.RemoteAddr = remote
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestUncachedRequestsAreLimitedPerClient(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := limitedServer(t, st, Options{})
	const me = "198.51.100.7:4000"
	for i := range 3 {
		if w := fetch(srv, "/api/v1/records?offset="+strconv.Itoa(i), me, nil); w.Code != http.StatusOK {
			t.Fatalf("uncached request %d: %d", i+1, w.Code)
		}
	}
	w := fetch(srv, "/api/v1/records?offset=9", me, nil)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "1" {
		t.Fatalf("beyond the burst: %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	var p struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != http.StatusTooManyRequests || p.Detail == "" {
		t.Errorf("the API's 429 is not a problem: %v %s", err, w.Body.String())
	}
	if w := fetch(srv, "/countries?region=Asia", "198.51.100.7:4001", nil); w.Code != http.StatusTooManyRequests ||
		!strings.Contains(w.Body.String(), "Too many requests") || w.Header().Get("Retry-After") == "" {
		t.Errorf("a page beyond the burst, same address, another port: %d", w.Code)
	}
	if w := fetch(srv, "/export/events.csv?country=MLI", me, nil); w.Code != http.StatusTooManyRequests {
		t.Errorf("an export beyond the burst: %d", w.Code)
	}
	// Cached answers are free, for everyone.
	if w := fetch(srv, "/api/v1/records?offset=0", me, nil); w.Code != http.StatusOK {
		t.Errorf("a cached answer was limited: %d", w.Code)
	}
	if w := fetch(srv, "/api/v1/records?offset=9", "198.51.100.8:1", nil); w.Code != http.StatusOK {
		t.Errorf("another client: %d", w.Code)
	}
	for range 5 {
		if w := fetch(srv, "/orgs?x="+strconv.Itoa(time.Now().Nanosecond()), "127.0.0.1:9", nil); w.Code == http.StatusTooManyRequests {
			t.Fatal("a loopback client was limited")
		}
	}
}

// TestClientsCannotChooseTheirLimitAddress: with 127.0.0.1/32 trusted, a
// client connecting directly cannot escape its limit by writing
// X-Forwarded-For; behind the proxy, ip:port and bracketed IPv6 entries are
// read, and one IPv6 /64 shares one bucket.
func TestClientsCannotChooseTheirLimitAddress(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := limitedServer(t, st, Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	n := 0
	uncached := func() string { n++; return "/api/v1/events?offset=" + strconv.Itoa(n) }

	for i := range 6 {
		w := fetch(srv, uncached(), "203.0.113.9:1000", map[string]string{"X-Forwarded-For": "192.0.2." + strconv.Itoa(i)})
		if want := i < 3; (w.Code == http.StatusOK) != want {
			t.Errorf("direct client, forged address %d: %d", i, w.Code)
		}
	}
	viaProxy := func(xff string) int {
		return fetch(srv, uncached(), "127.0.0.1:5000", map[string]string{"X-Forwarded-For": xff}).Code
	}
	for i, xff := range []string{"[2001:db8:1:2::1]:443", "2001:db8:1:2::ffff", "6.6.6.6, [2001:db8:1:2:abcd::9]"} {
		if code := viaProxy(xff); code != http.StatusOK {
			t.Fatalf("IPv6 client %d of the burst (%s): %d", i+1, xff, code)
		}
	}
	if code := viaProxy("2001:db8:1:2:ffff:ffff:ffff:fffe"); code != http.StatusTooManyRequests {
		t.Errorf("a fourth address of the same /64: %d, want 429", code)
	}
	if code := viaProxy("[2001:db8:1:3::1]:80"); code != http.StatusOK {
		t.Errorf("the next /64: %d", code)
	}
	for range 3 {
		viaProxy("198.51.100.20:61000")
	}
	if code := viaProxy("198.51.100.20:61001"); code != http.StatusTooManyRequests {
		t.Errorf("an IPv4 client behind the proxy, by ip:port: %d, want 429", code)
	}
	if code := viaProxy("198.51.100.21"); code != http.StatusOK {
		t.Errorf("the next IPv4 address behind the proxy: %d", code)
	}
}

// slowExports is a store whose record exports wait at a gate.
type slowExports struct {
	*store.Store
	entered chan struct{}
	gate    chan struct{}
}

func (s *slowExports) Records(ctx context.Context, f store.RecordFilter) ([]access.RecordView, int, error) {
	s.entered <- struct{}{}
	<-s.gate
	return s.Store.Records(ctx, f)
}

func TestAtMostTwoExportsRenderAtOnce(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	slow := &slowExports{Store: st, entered: make(chan struct{}, 8), gate: make(chan struct{})}
	srv := newServerWith(t, slow, Options{})
	srv.exportWait = 50 * time.Millisecond
	st.Generation() // the first call polls for outside commits; settle it before caching

	var wg sync.WaitGroup
	codes := make([]int, exportSlots)
	for i := range exportSlots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = fetch(srv, "/export/records.csv?country="+[]string{"NER", "MLI"}[i], "198.51.100."+strconv.Itoa(i+1)+":1", nil).Code
		}()
	}
	for range exportSlots {
		<-slow.entered // both are rendering
	}
	w := fetch(srv, "/export/records.csv?country=BFA", "198.51.100.9:1", nil)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Errorf("a third export while two render: %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	if !strings.Contains(w.Body.String(), "Other exports are being prepared") || w.Header().Get("Content-Disposition") != "" {
		t.Errorf("the 503 does not explain itself: %s", w.Body.String())
	}
	close(slow.gate)
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("export %d: %d", i+1, c)
		}
	}
	if w := fetch(srv, "/export/records.csv?country=BFA", "198.51.100.9:1", nil); w.Code != http.StatusOK {
		t.Errorf("the refused export, retried: %d", w.Code)
	}
	<-slow.entered // the retry rendered

	// A cached export needs no slot: with both slots taken, BFA (cached
	// just now) is served without rendering.
	slow.gate = make(chan struct{})
	for _, c := range []string{"TCD", "CAF"} {
		wg.Add(1)
		go func() { defer wg.Done(); fetch(srv, "/export/records.csv?country="+c, "198.51.100.30:1", nil) }()
	}
	<-slow.entered
	<-slow.entered
	done := make(chan int, 1)
	go func() { done <- fetch(srv, "/export/records.csv?country=BFA", "198.51.100.31:1", nil).Code }()
	select {
	case code := <-done:
		if code != http.StatusOK {
			t.Errorf("a cached export while two render: %d", code)
		}
		close(slow.gate)
	case <-slow.entered:
		t.Error("a cached export was rendered afresh")
		close(slow.gate)
		<-done
	}
	wg.Wait()
}

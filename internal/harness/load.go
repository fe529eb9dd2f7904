package harness

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Read is a URL readers fetch, with its class.
type Read struct {
	Path  string
	Class string
}

// Reads is the readers' mix over the given records: public pages, the API
// and exports, and /metrics, with weights — pages and the API are what
// visitors and data users load, /metrics what Prometheus scrapes (rarely
// in real life; here often enough to load it). Every one must answer 200.
func Reads(targets []Target) []Read {
	var out []Read
	add := func(class string, weight int, paths ...string) {
		for range weight {
			for _, p := range paths {
				out = append(out, Read{Path: p, Class: class})
			}
		}
	}
	add(ClassPage, 3, "/", "/countries", "/orgs", "/changes", "/changes.atom", "/map")
	add(ClassAPI, 3, "/api/v1/records?limit=50", "/api/v1/events?limit=100", "/api/v1/countries")
	for _, t := range targets[:min(len(targets), 8)] {
		add(ClassPage, 1, "/countries/"+t.Country, "/countries/"+t.Country+"/orgs/"+t.Org, "/orgs/"+t.Org)
		add(ClassAPI, 1, "/api/v1/records?country="+t.Country, "/api/v1/countries/"+t.Country+"/orgs/"+t.Org,
			"/api/v1/events?org="+t.Org, "/export/records.csv?country="+t.Country)
	}
	add(ClassMetrics, 2, "/metrics")
	return out
}

// LoadOptions configure a load.
type LoadOptions struct {
	Base    string    // the server's URL
	Editors []*Editor // logged in; one writer each
	Readers int
	Targets []Target // the records editors write to (shared, so editors collide)
	Reads   []Read
	RunID   string // starts every write's marker
	Stats   *Stats
}

// Load is editors and readers running against a server until stopped.
type Load struct {
	opt    LoadOptions
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	writes []Write
	acked  atomic.Int64

	// After the server was told to stop (see Stopping), failures are
	// sorted into clean refusals and broken answers.
	stoppingAt    atomic.Int64 // unix nanoseconds; 0 while running normally
	refusedMu     sync.Mutex
	refused       map[string]int // clean refusals after stopping, by kind
	inFlightDone  atomic.Int64   // requests started before the stop and answered in full after it
	brokenAnswers atomic.Int64   // answers cut short after the stop
}

// LoginAll logs every account in.
func LoginAll(ctx context.Context, base string, accounts []Account, stats *Stats) ([]*Editor, error) {
	editors := make([]*Editor, len(accounts))
	for i, acc := range accounts {
		e, err := Login(ctx, base, acc, stats)
		if err != nil {
			return nil, err
		}
		editors[i] = e
	}
	return editors, nil
}

// StartLoad starts every editor and reader.
func StartLoad(ctx context.Context, opt LoadOptions) *Load {
	ctx, cancel := context.WithCancel(ctx)
	l := &Load{opt: opt, cancel: cancel, refused: map[string]int{}}
	for i, e := range opt.Editors {
		e.client.CloseIdleConnections() // connections to a server that may have been restarted
		l.wg.Add(1)
		go l.edit(ctx, i+1, e)
	}
	for i := range opt.Readers {
		l.wg.Add(1)
		go l.read(ctx, uint64(i))
	}
	return l
}

// Stop stops every editor and reader and waits for them.
func (l *Load) Stop() {
	l.cancel()
	l.wg.Wait()
}

// Stopping tells the load that the server is being stopped from now on.
func (l *Load) Stopping() { l.stoppingAt.Store(time.Now().UnixNano()) }

// Writes returns every write attempted so far.
func (l *Load) Writes() []Write {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Write(nil), l.writes...)
}

// WaitAcked waits until at least n writes were acknowledged.
func (l *Load) WaitAcked(ctx context.Context, n int64) error {
	for l.acked.Load() < n {
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %d acknowledged writes (have %d): %w", n, l.acked.Load(), ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}

// ShutdownFigures are what happened to requests once the server was told to stop.
type ShutdownFigures struct {
	Refused       map[string]int // clean refusals (no answer at all), by kind
	InFlightDone  int64          // requests under way at the stop, answered in full
	BrokenAnswers int64          // answers cut short: never allowed
}

// Shutdown returns the figures gathered since Stopping.
func (l *Load) Shutdown() ShutdownFigures {
	l.refusedMu.Lock()
	defer l.refusedMu.Unlock()
	refused := map[string]int{}
	for k, v := range l.refused {
		refused[k] = v
	}
	return ShutdownFigures{Refused: refused, InFlightDone: l.inFlightDone.Load(), BrokenAnswers: l.brokenAnswers.Load()}
}

// observe sorts out one request's result.
func (l *Load) observe(ctx context.Context, start time.Time, what string, err error) {
	stop := l.stoppingAt.Load()
	if err == nil {
		if stop != 0 && start.UnixNano() < stop {
			l.inFlightDone.Add(1)
		}
		return
	}
	if ctx.Err() != nil {
		return // the load itself was stopped: not the server's doing
	}
	var f *failure
	truncated := errors.As(err, &f) && f.truncated
	if stop != 0 {
		if truncated {
			l.brokenAnswers.Add(1)
			l.opt.Stats.Error(what + ": answer cut short after SIGTERM: " + errorKind(err))
			return
		}
		if !errors.As(err, &f) {
			l.opt.Stats.Error(what + ": " + errorKind(err)) // an answer, but the wrong one
			return
		}
		l.refusedMu.Lock()
		l.refused[errorKind(err)]++
		l.refusedMu.Unlock()
		return
	}
	l.opt.Stats.Error(what + ": " + errorKind(err))
}

func (l *Load) edit(ctx context.Context, n int, e *Editor) {
	defer l.wg.Done()
	rng := rand.New(rand.NewPCG(uint64(n), 0xed17))
	for seq := 0; ctx.Err() == nil; seq++ {
		w := Write{Marker: fmt.Sprintf("%s-e%d-%d", l.opt.RunID, n, seq), Target: l.opt.Targets[rng.IntN(len(l.opt.Targets))]}
		start := time.Now()
		var err error
		w.Outcome, err = e.RecordStatus(ctx, w.Target, w.Marker, seq)
		l.mu.Lock()
		l.writes = append(l.writes, w)
		l.mu.Unlock()
		if w.Outcome == Acknowledged {
			l.acked.Add(1)
		}
		l.observe(ctx, start, "write "+w.Target.Country+"/"+w.Target.Org, err)
		if err != nil && l.stoppingAt.Load() != 0 {
			l.pause(ctx)
		}
	}
}

func (l *Load) read(ctx context.Context, seed uint64) {
	defer l.wg.Done()
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	client := &http.Client{Transport: newTransport(), CheckRedirect: noRedirects}
	// The first readers start with one read of each class, so that even a
	// short run exercises every class whatever the dice say.
	first, hasFirst := firstOfClass(l.opt.Reads, int(seed))
	for ctx.Err() == nil {
		r := l.opt.Reads[rng.IntN(len(l.opt.Reads))]
		if hasFirst {
			r, hasFirst = first, false
		}
		start := time.Now()
		resp, err := do(ctx, client, http.MethodGet, l.opt.Base+r.Path, gzipHeader, "")
		if err == nil && shedding(resp) {
			// The server refused on purpose and said when to come back:
			// counted apart, and honoured (briefly, so the run goes on).
			l.opt.Stats.Shed()
			l.backOff(ctx, resp)
			continue
		}
		if err == nil && resp.status != http.StatusOK {
			err = fmt.Errorf("status %d", resp.status)
		}
		if err == nil {
			l.opt.Stats.OK(r.Class, time.Since(start))
		}
		l.observe(ctx, start, "GET "+r.Path, err)
		if err != nil && l.stoppingAt.Load() != 0 {
			l.pause(ctx)
		}
	}
}

// firstOfClass returns the first read of the n-th class that reads has
// (in order of appearance); false if it has fewer classes.
func firstOfClass(reads []Read, n int) (Read, bool) {
	seen := map[string]bool{}
	for _, r := range reads {
		if seen[r.Class] {
			continue
		}
		if len(seen) == n {
			return r, true
		}
		seen[r.Class] = true
	}
	return Read{}, false
}

// shedding reports whether an answer is a designed refusal of work: 429
// (per-client limit) or 503 (every export slot taken) with Retry-After.
func shedding(resp response) bool {
	return (resp.status == http.StatusTooManyRequests || resp.status == http.StatusServiceUnavailable) &&
		resp.header.Get("Retry-After") != ""
}

// backOff waits as a shed answer asks, at most a second.
func (l *Load) backOff(ctx context.Context, resp response) {
	wait := time.Second
	if n, err := strconv.Atoi(resp.header.Get("Retry-After")); err == nil && n >= 0 {
		wait = min(wait, time.Duration(n)*time.Second)
	}
	select {
	case <-ctx.Done():
	case <-time.After(wait):
	}
}

// pause keeps a client from spinning on a server that is going away.
func (l *Load) pause(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-time.After(20 * time.Millisecond):
	}
}

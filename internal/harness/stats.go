package harness

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Request classes, each with its own latency figures.
const (
	ClassPage    = "page"    // public HTML pages
	ClassAPI     = "api"     // JSON API and CSV exports
	ClassMetrics = "metrics" // /metrics, as Prometheus scrapes it
	ClassWrite   = "write"   // the POST of the admin event form (the acknowledgement)
	ClassAdmin   = "admin"   // admin pages around a write: the form, the page after the redirect
)

// Stats gathers request outcomes from many goroutines.
type Stats struct {
	mu        sync.Mutex
	latencies map[string][]time.Duration
	errors    map[string]int
	conflicts int
	shed      int
}

// NewStats returns empty Stats.
func NewStats() *Stats {
	return &Stats{latencies: map[string][]time.Duration{}, errors: map[string]int{}}
}

// OK records a request of class that succeeded in d.
func (s *Stats) OK(class string, d time.Duration) {
	s.mu.Lock()
	s.latencies[class] = append(s.latencies[class], d)
	s.mu.Unlock()
}

// Error records a failure by kind ("GET /countries/NER: status 500").
func (s *Stats) Error(kind string) {
	s.mu.Lock()
	s.errors[kind]++
	s.mu.Unlock()
}

// Conflict records a 409: a stale version, which the editor resolves by
// retrying; not an error.
func (s *Stats) Conflict() {
	s.mu.Lock()
	s.conflicts++
	s.mu.Unlock()
}

// Shed records an answer that refused work on purpose and said when to come
// back (429 or 503 with Retry-After: the per-client limit, or every export
// slot taken): the server shedding load as designed, not an error.
func (s *Stats) Shed() {
	s.mu.Lock()
	s.shed++
	s.mu.Unlock()
}

// Errors returns the number of errors so far and their kinds.
func (s *Stats) Errors() (int, map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.errors {
		n += c
	}
	return n, maps.Clone(s.errors)
}

// Summary is what Stats gathered.
type Summary struct {
	Classes   map[string]Latency
	Errors    map[string]int
	Conflicts int
	Shed      int // refusals with Retry-After (see Stats.Shed)
}

// Latency is one class's figures.
type Latency struct {
	Count              int
	P50, P90, P99, Max time.Duration
}

// Summary computes the figures so far.
func (s *Stats) Summary() Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Summary{Classes: map[string]Latency{}, Errors: maps.Clone(s.errors), Conflicts: s.conflicts, Shed: s.shed}
	for class, ds := range s.latencies {
		out.Classes[class] = latencyOf(ds)
	}
	return out
}

func latencyOf(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	q := func(p float64) time.Duration { return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))] }
	return Latency{Count: len(sorted), P50: q(0.50), P90: q(0.90), P99: q(0.99), Max: sorted[len(sorted)-1]}
}

// ErrorCount is the number of errors of every kind.
func (s Summary) ErrorCount() int {
	n := 0
	for _, c := range s.Errors {
		n += c
	}
	return n
}

// Requests is the number of successful requests of every class.
func (s Summary) Requests() int {
	n := 0
	for _, l := range s.Classes {
		n += l.Count
	}
	return n
}

// Print writes the figures as a table, over elapsed.
func (s Summary) Print(w io.Writer, elapsed time.Duration) {
	fmt.Fprintf(w, "%-8s %9s %8s %9s %9s %9s %9s\n", "class", "requests", "per s", "p50", "p90", "p99", "max")
	classes := slices.Sorted(maps.Keys(s.Classes))
	for _, c := range classes {
		l := s.Classes[c]
		fmt.Fprintf(w, "%-8s %9d %8.1f %9s %9s %9s %9s\n", c, l.Count, float64(l.Count)/elapsed.Seconds(),
			round(l.P50), round(l.P90), round(l.P99), round(l.Max))
	}
	fmt.Fprintf(w, "requests: %d ok, %d errors, %d conflicts (409, retried), %d shed (429/503 with Retry-After, retried later)\n",
		s.Requests(), s.ErrorCount(), s.Conflicts, s.Shed)
	kinds := slices.Collect(maps.Keys(s.Errors))
	sort.Slice(kinds, func(i, j int) bool { return s.Errors[kinds[i]] > s.Errors[kinds[j]] })
	for _, k := range kinds {
		fmt.Fprintf(w, "  error x%d: %s\n", s.Errors[k], k)
	}
}

// round keeps durations readable: three significant figures or so.
func round(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}

// errorKind shortens an error to its kind, so that the same failure on
// different connections counts as one kind.
func errorKind(err error) string {
	msg := err.Error()
	for _, k := range []string{"connection refused", "connection reset by peer", "broken pipe", "unexpected EOF",
		"EOF", "timeout", "deadline exceeded", "server closed idle connection", "context canceled"} {
		if strings.Contains(msg, k) {
			return k
		}
	}
	if len(msg) > 120 {
		msg = msg[:120] + "…"
	}
	return msg
}

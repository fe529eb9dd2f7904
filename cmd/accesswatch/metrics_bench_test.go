package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/internal/synth"
)

// syntheticStore is the benchmark dataset: 5,000 records and 20,000 events,
// what `accesswatch gen --records 5000` writes.
func syntheticStore(b *testing.B) *store.Store {
	b.Helper()
	st, clock := storetest.OpenCountriesOnly(b)
	ctx := context.Background()
	countries, err := st.Countries(ctx)
	if err != nil {
		b.Fatal(err)
	}
	evs, err := synth.Events(synth.Spec{Records: 5000, Events: 20000, Seed: 1, Now: clock.Now()}, countries)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.RecordEvents(ctx, evs); err != nil {
		b.Fatal(err)
	}
	return st
}

// prometheusAccept is the Accept header Prometheus 3 sends by default: it
// prefers OpenMetrics.
const prometheusAccept = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"

// BenchmarkMetricsScrape measures /metrics on the synthetic database
// (per-record series on: ~65,000 series) against the goals of issue 14,
// each iteration doing one scrape of each kind:
//
//   - ms/changed-scrape: a scrape after the data version moved, which reads
//     the database and rebuilds the snapshot (goal < 1000), over loopback
//     HTTP through the whole site as `serve` wires it;
//   - ms/unchanged-scrape: a scrape of the same data version (goal < 200),
//     the same way;
//   - alloc/resp-bytes: heap allocated by an unchanged scrape (the handler
//     called in-process after two garbage collections, as a scrape finds a
//     site that has been running since the last one, writing to a writer
//     that keeps nothing) divided by the size of its response body (goal < 2).
//
// "prometheus" asks as Prometheus 3 does (OpenMetrics preferred, gzip);
// "text-identity" asks for the text format without compression.
//
//	go test -run '^$' -bench BenchmarkMetricsScrape -benchtime 20x -count 1 ./cmd/accesswatch/
func BenchmarkMetricsScrape(b *testing.B) {
	st := syntheticStore(b) // once: the sub-benchmarks share it
	src := &versionBumper{Store: st}
	site, err := newSite(st, src, Config{MetricsPerRecord: true}, st.Now, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(site)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 4}}

	for _, tc := range []struct {
		name                   string
		accept, acceptEncoding string
	}{
		{"prometheus", prometheusAccept, "gzip"},
		{"text-identity", "text/plain;version=0.0.4", "identity"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			get := func() int {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+"/metrics", nil)
				req.Header.Set("Accept", tc.accept)
				req.Header.Set("Accept-Encoding", tc.acceptEncoding)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("/metrics: %d", resp.StatusCode)
				}
				return int(n)
			}
			inProcess := func() (allocated uint64, size int) {
				req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
				req.Header.Set("Accept", tc.accept)
				req.Header.Set("Accept-Encoding", tc.acceptEncoding)
				w := &discardWriter{header: http.Header{}}
				// As between two scrapes of a running site: garbage
				// collections have emptied every sync.Pool.
				runtime.GC()
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				site.ServeHTTP(w, req)
				runtime.ReadMemStats(&after)
				if w.code != 0 && w.code != http.StatusOK {
					b.Fatalf("/metrics in-process: %d", w.code)
				}
				return after.TotalAlloc - before.TotalAlloc, w.n
			}
			get() // the snapshot of the current version exists before timing
			var changed, unchanged time.Duration
			var allocated, respBytes uint64
			for b.Loop() {
				src.bump()
				t0 := time.Now()
				get()
				t1 := time.Now()
				get()
				changed += t1.Sub(t0)
				unchanged += time.Since(t1)
				a, n := inProcess()
				allocated += a
				respBytes += uint64(n)
			}
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
			b.ReportMetric(ms(changed), "ms/changed-scrape")
			b.ReportMetric(ms(unchanged), "ms/unchanged-scrape")
			b.ReportMetric(float64(allocated)/float64(respBytes), "alloc/resp-bytes")
			b.ReportMetric(float64(allocated)/float64(b.N), "alloc-B/unchanged-scrape")
			b.ReportMetric(float64(respBytes)/float64(b.N), "resp-B")
		})
	}
}

// versionBumper is the store with a data version the benchmark moves, as a
// commit would, without changing the data.
type versionBumper struct {
	*store.Store
	extra atomic.Uint64
}

func (v *versionBumper) Generation() uint64 { return v.Store.Generation() + v.extra.Load() }

func (v *versionBumper) bump() { v.extra.Add(1) }

// discardWriter is a ResponseWriter that counts the body and keeps nothing,
// so that it allocates nothing the handler is not responsible for.
type discardWriter struct {
	header http.Header
	code   int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *discardWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}

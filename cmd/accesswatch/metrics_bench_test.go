package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/metrics"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/internal/synth"
)

// syntheticStore is the benchmark dataset: 5,000 records and 20,000 events.
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

// BenchmarkMetricsScrape measures a scrape of /metrics through the whole
// site (web routes, middleware, HTTP instrumentation, exporter) over
// loopback HTTP, against serving the bytes of one such scrape from memory
// with a bare handler, alternating the two in the same loop so both see the
// same machine. x-of-baseline is the scrape rate as a fraction of the
// memory rate (target ≥ 0.5). "gzip" asks for gzip as Prometheus does;
// "identity" does not. Bodies are read raw (not decompressed) in both.
//
//	go test -run '^$' -bench BenchmarkMetricsScrape -benchtime 2000x -count 1 ./cmd/accesswatch/
func BenchmarkMetricsScrape(b *testing.B) {
	st := syntheticStore(b) // once: the sub-benchmarks share it
	site := siteServer(b, st, Config{MetricsPerRecord: true})
	client := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 4}}

	start := time.Now()
	code, _, body := fetch(b, client, site.URL+"/metrics")
	if code != http.StatusOK || len(body) == 0 {
		b.Fatalf("first scrape: %d", code)
	}
	b.Logf("first scrape (reads the database, builds and encodes the snapshot): %s, %d bytes", time.Since(start).Round(time.Millisecond), len(body))

	// The cost of the first scrape after a commit: a source whose generation
	// moves before every scrape makes each one read the database, build the
	// const metrics and encode them (plain and gzip).
	b.Run("after-commit", func(b *testing.B) {
		exp, err := metrics.New(&everChanging{Store: st}, metrics.Options{PerRecord: true})
		if err != nil {
			b.Fatal(err)
		}
		h := exp.Handler()
		for b.Loop() {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			req.Header.Set("Accept-Encoding", "gzip")
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Encoding"), "gzip") {
				b.Fatalf("%d", rec.Code)
			}
		}
	})

	for _, encoding := range []string{"gzip", "identity"} {
		b.Run(encoding, func(b *testing.B) {
			code, header, body := fetch(b, client, site.URL+"/metrics", "Accept-Encoding", encoding)
			if code != http.StatusOK || (encoding == "gzip") != (header.Get("Content-Encoding") == "gzip") {
				b.Fatalf("%d, Content-Encoding %q", code, header.Get("Content-Encoding"))
			}
			memory := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				h := w.Header()
				for _, k := range []string{"Content-Type", "Content-Encoding", "Vary", "Cache-Control"} {
					if v := header.Get(k); v != "" {
						h.Set(k, v)
					}
				}
				h.Set("Content-Length", strconv.Itoa(len(body)))
				_, _ = w.Write(body)
			}))
			defer memory.Close()

			get := func(url string) {
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				req.Header.Set("Accept-Encoding", encoding)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d", url, resp.StatusCode)
				}
			}
			var inSite, inMemory time.Duration
			for b.Loop() {
				t0 := time.Now()
				get(site.URL + "/metrics")
				t1 := time.Now()
				get(memory.URL + "/metrics")
				inSite += t1.Sub(t0)
				inMemory += time.Since(t1)
			}
			b.ReportMetric(float64(inSite.Nanoseconds())/float64(b.N), "scrape-ns/op")
			b.ReportMetric(float64(inMemory.Nanoseconds())/float64(b.N), "memory-ns/op")
			b.ReportMetric(float64(inMemory)/float64(inSite), "x-of-baseline")
			b.ReportMetric(float64(len(body)), "body-bytes")
		})
	}
}

// everChanging is the store with a generation that moves at every look, as
// if a commit preceded every scrape.
type everChanging struct {
	*store.Store
	gen atomic.Uint64
}

func (e *everChanging) Generation() uint64 { return e.gen.Add(1) }

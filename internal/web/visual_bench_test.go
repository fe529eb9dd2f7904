package web

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

// BenchmarkMapPage: /map, with the whole world map and four charts, served
// from the page cache, as a ratio of a bare handler writing the same bytes
// from memory (1.0 = as fast; the dashboard's bar is 0.8).
//
//	go test -run '^$' -bench MapPage -benchtime 3000x ./internal/web/
func BenchmarkMapPage(b *testing.B) {
	srv, _ := newVisualServer(b)
	first := httptest.NewRecorder()
	srv.ServeHTTP(first, httptest.NewRequest(http.MethodGet, "/map", nil))
	if first.Code != http.StatusOK {
		b.Fatalf("status %d", first.Code)
	}
	body := first.Body.Bytes()
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	})
	serve := func(h http.Handler) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/map", nil))
		if rec.Body.Len() != len(body) {
			b.Fatalf("got %d bytes, want %d", rec.Body.Len(), len(body))
		}
	}
	// Both run b.N times in this one benchmark (testing.Benchmark cannot
	// nest), interleaved in rounds so that both see the same load of a
	// noisy machine.
	b.ResetTimer()
	var bareTime, serverTime time.Duration
	for done := 0; done < b.N; {
		round := min(50, b.N-done)
		start := time.Now()
		for range round {
			serve(bare)
		}
		mid := time.Now()
		for range round {
			serve(srv)
		}
		bareTime += mid.Sub(start)
		serverTime += time.Since(mid)
		done += round
	}
	b.ReportMetric(float64(bareTime)/float64(serverTime), "x-of-baseline")
	b.ReportMetric(float64(len(body)), "bytes/page")
}

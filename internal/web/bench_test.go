package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/logbuf"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/internal/synth"
	"github.com/accesswatch/accesswatch/static"
)

// Dashboard benchmarks on the synthetic dataset (5,000 records, 20,000
// events). See docs/PERFORMANCE.md for the command and the figures.
//
//	go test ./internal/web/ -run '^$' -bench Dashboard -benchtime 3s -count 3

// benchPages are the pages the performance goal names.
var benchPages = []string{"/", "/countries/NER"}

// benchDataset is the synthetic database, generated once per process (it
// takes a while) and kept as file contents, so each benchmark opens its
// own copy and the temporary files belong to a benchmark's TempDir.
var benchDataset struct {
	once sync.Once
	db   []byte
	err  error
}

func syntheticDatabase(b *testing.B) []byte {
	b.Helper()
	countries := storetest.Countries(b)
	benchDataset.once.Do(func() {
		benchDataset.db, benchDataset.err = generateDatabase(countries)
	})
	if benchDataset.err != nil {
		b.Fatal(benchDataset.err)
	}
	return benchDataset.db
}

func generateDatabase(countries []access.Country) ([]byte, error) {
	dir, err := os.MkdirTemp("", "accesswatch-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	path := filepath.Join(dir, "bench.db")
	st, err := store.Open(ctx, path, store.Options{Now: func() time.Time { return storetest.Start }})
	if err != nil {
		return nil, err
	}
	events, err := synth.Events(synth.Spec{Records: 5000, Events: 20000, Seed: 1, Now: storetest.Start}, countries)
	if err == nil {
		_, err = st.Initialise(ctx, countries, nil)
	}
	if err == nil {
		_, err = st.RecordEvents(ctx, events)
	}
	// Closing the last connection checkpoints the WAL into the file.
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

// benchServer serves a fresh copy of the synthetic database through the
// full handler (every middleware), logging to nowhere.
func benchServer(b *testing.B) *Server {
	return benchServerLogging(b, slog.New(slog.DiscardHandler))
}

// benchLogs are the ways of logging the page benchmarks compare, each at
// info level with the text handler, into a file of the benchmark's
// TempDir: "direct" writes each line to the file as it is logged (one
// system call per request), "buffered" goes through logbuf as serve does.
var benchLogs = []string{"direct", "buffered"}

// benchLogger builds the logger of one benchLogs entry.
func benchLogger(b *testing.B, kind string) *slog.Logger {
	b.Helper()
	f, err := os.Create(filepath.Join(b.TempDir(), "access.log"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	var w io.Writer = f
	if kind == "buffered" {
		lw := logbuf.New(f, logbuf.DefaultInterval)
		b.Cleanup(func() {
			if err := lw.Close(); err != nil {
				b.Error(err)
			}
		})
		w = lw
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// benchServerLogging is benchServer with the given logger.
func benchServerLogging(b *testing.B, log *slog.Logger) *Server {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.db")
	if err := os.WriteFile(path, syntheticDatabase(b), 0o600); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(context.Background(), path, store.Options{Now: func() time.Time { return storetest.Start }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	assets, err := static.New()
	if err != nil {
		b.Fatal(err)
	}
	return New(st, Options{Logger: log, Locale: i18n.English(), Assets: assets})
}

// BenchmarkDashboardVsBare measures the requests per second of a page
// served by the full server (cache hit) against a bare handler that writes
// the same bytes from memory, each over a real loopback HTTP server with
// keep-alive clients, interleaved in the same run, with the server logging
// every request at info level (see benchLogs). x-of-baseline is the
// ratio of their request rates (median over rounds); the goal is >= 0.8. "identity" asks for the plain body, "gzip"
// for the compressed one (what browsers ask for); the bare handler then
// writes the same compressed bytes.
func BenchmarkDashboardVsBare(b *testing.B) {
	for _, path := range benchPages {
		for _, encoding := range []string{"identity", "gzip"} {
			for _, logKind := range benchLogs {
				b.Run(benchName(path)+"/"+encoding+"/log="+logKind, func(b *testing.B) {
					srv := benchServerLogging(b, benchLogger(b, logKind))
					full := httptest.NewServer(srv)
					defer full.Close()
					client := benchClient()
					body, header := fetchOnce(b, client, full.URL+path, encoding)
					bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						h := w.Header()
						h.Set("Content-Type", header.Get("Content-Type"))
						if ce := header.Get("Content-Encoding"); ce != "" {
							h.Set("Content-Encoding", ce)
						}
						h.Set("Content-Length", strconv.Itoa(len(body)))
						_, _ = w.Write(body)
					}))
					defer bare.Close()

					b.SetBytes(int64(len(body)))
					b.ResetTimer()
					// Interleave the two in short rounds, alternating which goes
					// first, so that bursts of load from elsewhere on the machine
					// hit both alike; the ratio is the median of the rounds'
					// ratios, which one noisy round cannot move.
					var fullTime, bareTime time.Duration
					var ratios []float64
					for done, round := 0, 0; done < b.N; round++ {
						n := min(benchRound, b.N-done)
						var f, r time.Duration
						if round%2 == 0 {
							f = hammer(b, client, full.URL+path, encoding, n, len(body))
							r = hammer(b, client, bare.URL+path, encoding, n, len(body))
						} else {
							r = hammer(b, client, bare.URL+path, encoding, n, len(body))
							f = hammer(b, client, full.URL+path, encoding, n, len(body))
						}
						fullTime, bareTime = fullTime+f, bareTime+r
						ratios = append(ratios, r.Seconds()/f.Seconds())
						done += n
					}
					b.StopTimer()
					slices.Sort(ratios)
					b.ReportMetric(float64(fullTime.Nanoseconds())/float64(b.N), "ns/op")
					b.ReportMetric(float64(b.N)/fullTime.Seconds(), "server-req/s")
					b.ReportMetric(float64(b.N)/bareTime.Seconds(), "bare-req/s")
					b.ReportMetric(ratios[len(ratios)/2], "x-of-baseline")
				})
			}
		}
	}
}

// BenchmarkDashboardRender measures a cache miss: the first request for a
// page after a commit, through the full handler (queries, rendering, ETag,
// gzip), so regressions in rendering show.
func BenchmarkDashboardRender(b *testing.B) {
	for _, path := range benchPages {
		b.Run(benchName(path), func(b *testing.B) {
			srv := benchServer(b)
			srv.limiter = nil // every iteration renders afresh, from one address
			size := 0
			for b.Loop() {
				srv.cache = newPageCache(cacheEntries, cacheBytes) // forget every rendered page
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "page-bytes")
		})
	}
}

func benchName(path string) string {
	if path == "/" {
		return "overview"
	}
	return strings.ReplaceAll(strings.Trim(path, "/"), "/", "_")
}

// benchWorkers is how many keep-alive clients send requests at once;
// benchRound is how many requests each server gets per round.
const (
	benchWorkers = 4
	benchRound   = 100
)

func benchClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConnsPerHost: benchWorkers,
		// The benchmark sets Accept-Encoding itself and reads the bytes as sent.
		DisableCompression: true,
	}}
}

// fetchOnce gets a page as the benchmark will, returning its bytes and headers.
func fetchOnce(b *testing.B, c *http.Client, url, encoding string) ([]byte, http.Header) {
	b.Helper()
	resp, err := c.Do(benchRequest(b, url, encoding))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	if encoding == "gzip" && resp.Header.Get("Content-Encoding") != "gzip" {
		b.Fatalf("GET %s: not compressed", url)
	}
	return body, resp.Header
}

func benchRequest(b *testing.B, url, encoding string) *http.Request {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", encoding)
	return req
}

// hammer sends n requests from benchWorkers clients and returns how long
// they took, checking that each answer is the expected size.
func hammer(b *testing.B, c *http.Client, url, encoding string, n, size int) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	start := time.Now()
	for range benchWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := benchRequest(b, url, encoding)
			for next.Add(1) <= int64(n) {
				resp, err := c.Do(req)
				if err != nil {
					failed.Store(err.Error())
					return
				}
				got, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || got != int64(size) {
					failed.Store(url + ": status " + resp.Status + ", " + strconv.FormatInt(got, 10) + " bytes")
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if msg := failed.Load(); msg != nil {
		b.Fatal(msg)
	}
	return elapsed
}

package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/e2e"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

func TestServeConfigMetricsOptions(t *testing.T) {
	env, _, _ := testEnv(nil)
	cfg, err := serveConfig(nil, env)
	if err != nil || !cfg.MetricsPerRecord || cfg.MetricsToken != "" {
		t.Errorf("defaults: per-record %v, token %q, %v", cfg.MetricsPerRecord, cfg.MetricsToken, err)
	}
	env, _, _ = testEnv(map[string]string{"ACCESSWATCH_METRICS_TOKEN": "from-env", "ACCESSWATCH_METRICS_PER_RECORD": "false"})
	cfg, err = serveConfig(nil, env)
	if err != nil || cfg.MetricsPerRecord || cfg.MetricsToken != "from-env" {
		t.Errorf("environment: per-record %v, token %q, %v", cfg.MetricsPerRecord, cfg.MetricsToken, err)
	}
	cfg, err = serveConfig([]string{"--metrics-per-record=true", "--metrics-token", "from-flag"}, env)
	if err != nil || !cfg.MetricsPerRecord || cfg.MetricsToken != "from-flag" {
		t.Errorf("flags over environment: per-record %v, token %q, %v", cfg.MetricsPerRecord, cfg.MetricsToken, err)
	}
	env, _, _ = testEnv(map[string]string{"ACCESSWATCH_METRICS_PER_RECORD": "sometimes"})
	if _, err := serveConfig(nil, env); err == nil || !strings.Contains(err.Error(), "ACCESSWATCH_METRICS_PER_RECORD") {
		t.Errorf("a bad value must name its variable: %v", err)
	}
}

// siteServer serves the whole site, as `accesswatch serve` wires it, over
// loopback HTTP.
func siteServer(t testing.TB, st *store.Store, cfg Config) *httptest.Server {
	t.Helper()
	h, err := newHandler(st, cfg, st.Now, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// fetch GETs a URL with optional headers and returns the status and body.
func fetch(t testing.TB, client *http.Client, target string, headers ...string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

// This is the test behind "CI runs promtool check metrics on a live
// scrape": the real handler, over HTTP (gzip, as Prometheus asks), checked
// by promtool, with and without per-record series.
func TestLiveScrapePassesPromtoolCheckMetrics(t *testing.T) {
	_, promtool := e2e.Prometheus(t)
	st, _ := storetest.OpenSeeded(t)
	for _, perRecord := range []bool{true, false} {
		srv := siteServer(t, st, Config{MetricsPerRecord: perRecord})
		fetch(t, http.DefaultClient, srv.URL+"/") // so that HTTP series exist too
		code, _, body := fetch(t, http.DefaultClient, srv.URL+"/metrics")
		if code != http.StatusOK || !bytes.Contains(body, []byte("accesswatch_organisations{")) {
			t.Fatalf("per-record %v: scrape %d:\n%.500s", perRecord, code, body)
		}
		if perRecord != bytes.Contains(body, []byte("accesswatch_presence_status{")) {
			t.Errorf("per-record %v, but state-set series present: %v", perRecord, !perRecord)
		}
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = bytes.NewReader(body)
		out, err := cmd.CombinedOutput()
		if err != nil || len(bytes.TrimSpace(out)) != 0 {
			t.Errorf("per-record %v: promtool check metrics: %v\n%s", perRecord, err, out)
		}
	}
}

// Through the site, as Prometheus 3 asks (OpenMetrics first, gzip): the
// answer is OpenMetrics, gzipped, ending with "# EOF".
func TestOpenMetricsThroughTheSite(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := siteServer(t, st, Config{MetricsPerRecord: true})
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", prometheusAccept)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "application/openmetrics-text; version=1.0.0") {
		t.Fatalf("%d, Content-Type %q", resp.StatusCode, ct)
	}
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(body, []byte("\n# EOF\n")) || !bytes.Contains(body, []byte("# TYPE accesswatch_status_changes counter\n")) {
		t.Errorf("not OpenMetrics:\n%.300s\n...\n%s", body, body[max(0, len(body)-300):])
	}
}

func TestMetricsTokenThroughTheSite(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	srv := siteServer(t, st, Config{MetricsPerRecord: true, MetricsToken: "tok-123"})
	if code, h, _ := fetch(t, http.DefaultClient, srv.URL+"/metrics"); code != http.StatusUnauthorized || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("no token: %d %q", code, h.Get("WWW-Authenticate"))
	}
	if code, _, body := fetch(t, http.DefaultClient, srv.URL+"/metrics", "Authorization", "Bearer tok-123"); code != http.StatusOK || !bytes.Contains(body, []byte("accesswatch_build_info")) {
		t.Errorf("right token: %d", code)
	}
	// The pages stay public.
	if code, _, _ := fetch(t, http.DefaultClient, srv.URL+"/"); code != http.StatusOK {
		t.Errorf("/ with a metrics token set: %d", code)
	}
}

// prometheusServer is a real Prometheus started for a test.
type prometheusServer struct {
	url string
	out *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// freePort asks the kernel for a free loopback port.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startPrometheus runs Prometheus on loopback, scraping target every
// second with the project's alert rules loaded, its data in a temporary
// directory; it is killed when the test ends.
func startPrometheus(t *testing.T, bin, target string) *prometheusServer {
	t.Helper()
	dir := t.TempDir()
	rules, err := filepath.Abs("../../deploy/prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - %q
scrape_configs:
  - job_name: accesswatch
    static_configs:
      - targets: [%q]
`, rules, target)
	configFile := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(configFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin,
		"--config.file="+configFile,
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--log.level=warn",
	)
	p := &prometheusServer{url: "http://" + addr, out: &lockedBuffer{}}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start Prometheus: %v", err)
	}
	t.Cleanup(func() {
		cancel() // kills the process
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("Prometheus output:\n%s", p.out.String())
		}
	})
	p.waitFor(t, 60*time.Second, "Prometheus to be ready", func() (bool, string) {
		resp, err := http.Get(p.url + "/-/ready")
		if err != nil {
			return false, err.Error()
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, resp.Status
	})
	return p
}

// waitFor polls cond until it holds or the deadline passes.
func (p *prometheusServer) waitFor(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) time.Duration {
	t.Helper()
	start := time.Now()
	last := ""
	for time.Since(start) < timeout {
		ok, state := cond()
		if ok {
			return time.Since(start)
		}
		last = state
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("waited %s for %s; last state: %s\ntargets: %s", timeout, what, last, p.get(t, "/api/v1/targets"))
	return 0
}

func (p *prometheusServer) get(t *testing.T, path string) string {
	t.Helper()
	resp, err := http.Get(p.url + path)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// promResult is an instant-query answer: one value per label set.
type promResult struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		} `json:"result"`
	} `json:"data"`
}

func (p *prometheusServer) query(t *testing.T, q string) promResult {
	t.Helper()
	var r promResult
	if err := json.Unmarshal([]byte(p.get(t, "/api/v1/query?query="+url.QueryEscape(q))), &r); err != nil {
		t.Fatalf("query %s: %v", q, err)
	}
	return r
}

// byLabel maps one label's value to the sample value in an instant result.
func byLabel(r promResult, label string) map[string]float64 {
	out := map[string]float64{}
	for _, s := range r.Data.Result {
		if str, ok := s.Value[1].(string); ok {
			v, _ := strconv.ParseFloat(str, 64)
			out[s.Metric[label]] = v
		}
	}
	return out
}

// The end-to-end test: accesswatch serving the seeded data, a real
// Prometheus scraping it every second, the contract query answered from
// Prometheus' own API, a status change made through the store seen there
// within a few scrapes, the rules loaded and healthy, and every dashboard
// query accepted.
func TestPrometheusScrapesAccesswatch(t *testing.T) {
	bin, _ := e2e.Prometheus(t)
	st, _ := storetest.OpenSeeded(t)
	srv := siteServer(t, st, Config{MetricsPerRecord: true})
	prom := startPrometheus(t, bin, strings.TrimPrefix(srv.URL, "http://"))

	lostQuery := `sum by (country) (accesswatch_beneficiaries_lost)`
	took := prom.waitFor(t, 60*time.Second, "NER = 3000000 lost", func() (bool, string) {
		r := prom.query(t, lostQuery)
		return r.Status == "success" && byLabel(r, "country")["NER"] == 3_000_000, fmt.Sprint(byLabel(r, "country"))
	})
	t.Logf("first answer after %s", took.Round(time.Millisecond))
	if got := byLabel(prom.query(t, lostQuery), "country"); got["NER"] != 3_000_000 {
		t.Fatalf("%s: NER = %v", lostQuery, got["NER"])
	}

	// Acted's ban is lifted: its reach no longer counts as lost.
	ctx := context.Background()
	acted, err := st.Record(ctx, "NER", "acted")
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.RecordEvent(ctx, store.NewEvent{
		Event: access.Event{
			CountryCode: "NER", OrgSlug: "acted", Date: access.MustParseDate("2026-02-20"),
			Type: access.EventResumptionAuthorised, StatusAfter: access.StatusOperating, InitiatedBy: access.InitiatedByAuthority,
			Sources: []access.Source{{Publisher: "Example News", URL: "https://news.example/acted", Type: access.SourceNews}},
		},
		ExpectedVersion: acted.Version, Actor: "editor1",
	})
	if err != nil {
		t.Fatal(err)
	}
	changed := time.Now()
	prom.waitFor(t, 20*time.Second, "the status change in Prometheus", func() (bool, string) {
		lost := byLabel(prom.query(t, lostQuery), "country")
		status := byLabel(prom.query(t, `accesswatch_presence_status{country="NER",org="acted"} == 1`), "status")
		// The counter of status events moved, and Prometheus sees it as an increase.
		changes := byLabel(prom.query(t, `increase(accesswatch_status_changes_total{country="NER"}[1m]) > 0`), "status")
		return lost["NER"] == 2_000_000 && status["operating"] == 1 && len(status) == 1 && changes["operating"] > 0,
			fmt.Sprintf("lost %v, status %v, increases %v", lost, status, changes)
	})
	t.Logf("status change visible in Prometheus after %s (scrape interval 1s)", time.Since(changed).Round(time.Millisecond))

	if r := byLabel(prom.query(t, `accesswatch_collector_success`), "job"); r["accesswatch"] != 1 {
		t.Errorf("accesswatch_collector_success = %v", r)
	}

	// The alert rules loaded and evaluate without errors.
	var rules struct {
		Data struct {
			Groups []struct {
				Rules []struct {
					Name      string `json:"name"`
					Health    string `json:"health"`
					LastError string `json:"lastError"`
				} `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	prom.waitFor(t, 20*time.Second, "the rules to be evaluated", func() (bool, string) {
		if err := json.Unmarshal([]byte(prom.get(t, "/api/v1/rules")), &rules); err != nil {
			return false, err.Error()
		}
		n, healthy := 0, 0
		for _, g := range rules.Data.Groups {
			for _, r := range g.Rules {
				n++
				if r.Health == "ok" {
					healthy++
				}
				if r.LastError != "" {
					t.Errorf("rule %s: %s", r.Name, r.LastError)
				}
			}
		}
		return n >= 7 && healthy == n, fmt.Sprintf("%d of %d rules healthy", healthy, n)
	})

	// Every PromQL example in the README's metric table runs.
	examples := readmeExamples(t)
	if len(examples) < 15 {
		t.Errorf("%d PromQL examples found in the README's metric table", len(examples))
	}
	for _, q := range examples {
		if r := prom.query(t, q); r.Status != "success" {
			t.Errorf("README example %s: %s", q, r.Error)
		}
	}

	// Every dashboard query runs, with the dashboard's variables at "All".
	raw, err := os.ReadFile("../../deploy/grafana/dashboards/accesswatch.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatal(err)
	}
	// Each returns at least one series once the recording rules have run
	// and there is an interval of history (the graph's step, here 2 s).
	vars := strings.NewReplacer("$job", ".*", "$country", ".*", "$__interval", "2s", "$__rate_interval", "1m")
	for _, p := range dash.Panels {
		for _, q := range p.Targets {
			expr := vars.Replace(q.Expr)
			prom.waitFor(t, 30*time.Second, fmt.Sprintf("panel %q to show data", p.Title), func() (bool, string) {
				r := prom.query(t, expr)
				return r.Status == "success" && len(r.Data.Result) > 0, fmt.Sprintf("%s: %s %s %v", expr, r.Status, r.Error, r.Data.Result)
			})
		}
	}
}

// readmeExamples returns the PromQL examples of the README's metric table:
// the last code span of each row of the table under "### Metrics".
func readmeExamples(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "### Metrics\n")
	if !ok {
		t.Fatal("README has no ### Metrics section")
	}
	section, _, _ = strings.Cut(section, "\n\n")
	var out []string
	for _, line := range strings.Split(section, "\n")[2:] { // skip the header and the rule
		cells := strings.Split(strings.ReplaceAll(line, `\|`, "\x00"), "|")
		if len(cells) < 4 {
			continue
		}
		last := cells[len(cells)-2]
		if i := strings.LastIndex(last, "`"); i > 0 {
			if j := strings.LastIndex(last[:i], "`"); j >= 0 {
				out = append(out, strings.ReplaceAll(last[j+1:i], "\x00", "|"))
			}
		}
	}
	return out
}

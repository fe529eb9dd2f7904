package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
)

// testEnv runs commands in-process with captured output and the given
// environment variables.
func testEnv(vars map[string]string) (*environment, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &environment{
		stdin: strings.NewReader(""), stdout: &out, stderr: &errOut,
		getenv: func(k string) string { return vars[k] },
	}, &out, &errOut
}

func TestServeConfigPrecedence(t *testing.T) {
	env, _, _ := testEnv(map[string]string{"ACCESSWATCH_ADDR": "0.0.0.0:9000", "ACCESSWATCH_DB": "/env.db", "ACCESSWATCH_LOG_LEVEL": "debug"})
	cfg, err := serveConfig([]string{"--db", "/flag.db"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "0.0.0.0:9000" || cfg.DB != "/flag.db" || cfg.LogLevel != slog.LevelDebug || cfg.NoSeed {
		t.Errorf("config = %+v", cfg)
	}
	env, _, _ = testEnv(nil)
	cfg, err = serveConfig(nil, env)
	if err != nil || cfg.Addr != "localhost:8080" || cfg.DB != "data/accesswatch.db" || cfg.LogFormat != "text" {
		t.Errorf("defaults = %+v, %v", cfg, err)
	}
	for _, bad := range [][]string{{"--log-format", "xml"}, {"--nope"}, {"extra"}, {"--log-level", "loud"}} {
		if _, err := serveConfig(bad, env); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if cfg, _ := serveConfig(nil, env); len(cfg.TrustedProxies) != 0 {
		t.Errorf("a proxy is trusted by default: %v", cfg.TrustedProxies)
	}
	env, _, _ = testEnv(map[string]string{"ACCESSWATCH_TRUSTED_PROXIES": "127.0.0.1/32, 10.0.0.0/8"})
	if cfg, err := serveConfig(nil, env); err != nil || len(cfg.TrustedProxies) != 2 || cfg.TrustedProxies[1].String() != "10.0.0.0/8" {
		t.Errorf("ACCESSWATCH_TRUSTED_PROXIES: %v, %v", cfg.TrustedProxies, err)
	}
	if _, err := serveConfig([]string{"--trusted-proxies", "10.0.0.0/40"}, env); err == nil || !strings.Contains(err.Error(), "--trusted-proxies") {
		t.Errorf("a bad network: %v", err)
	}
	env, _, _ = testEnv(map[string]string{"ACCESSWATCH_NO_SEED": "maybe"})
	if _, err := serveConfig(nil, env); err == nil || !strings.Contains(err.Error(), "ACCESSWATCH_NO_SEED") {
		t.Errorf("a bad environment value must name its variable: %v", err)
	}
}

func TestRunExitCodes(t *testing.T) {
	ctx := context.Background()
	env, out, _ := testEnv(nil)
	if code := run(ctx, env, []string{"version"}); code != 0 || !strings.HasPrefix(out.String(), "accesswatch ") {
		t.Errorf("version: %d %q", code, out.String())
	}
	env, _, errOut := testEnv(nil)
	if code := run(ctx, env, []string{"frobnicate"}); code != 2 || !strings.Contains(errOut.String(), "unknown command") {
		t.Errorf("unknown command: %d %q", code, errOut.String())
	}
	env, _, _ = testEnv(nil)
	if code := run(ctx, env, []string{"serve", "--bogus"}); code != 2 {
		t.Errorf("bad flag: exit %d", code)
	}
	env, out, _ = testEnv(nil)
	if code := run(ctx, env, []string{"help"}); code != 0 || !strings.Contains(out.String(), "serve") {
		t.Errorf("help: %d", code)
	}
}

// startServer runs serve in the background and returns its base URL and a
// stop function that waits for a clean exit.
func startServer(t *testing.T, cfg Config) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func(a string) { addrc <- a })
	}()
	select {
	case addr := <-addrc:
		return "http://" + addr, func() {
			cancel()
			if err := <-errc; err != nil {
				t.Errorf("serve returned %v", err)
			}
		}
	case err := <-errc:
		cancel()
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}
	return "", nil
}

func TestServeSeedsANewDatabaseOnce(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sub", "accesswatch.db")
	cfg := Config{Addr: "127.0.0.1:0", DB: db, LogFormat: "text"}
	for round := range 2 {
		base, stop := startServer(t, cfg)
		resp, err := http.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), `data-record="NER/icrc"`) {
			t.Fatalf("round %d: %d, ICRC missing", round, resp.StatusCode)
		}
		stop()
	}
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, total, err := st.Events(context.Background(), store.EventFilter{Limit: 1})
	if err != nil || total != 148 {
		t.Errorf("after two starts: %d events (%v), want the 148 bundled once", total, err)
	}
}

func TestServeNoSeed(t *testing.T) {
	db := filepath.Join(t.TempDir(), "empty.db")
	base, stop := startServer(t, Config{Addr: "127.0.0.1:0", DB: db, NoSeed: true})
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	stop()
	if strings.Contains(string(body), "data-record=") {
		t.Error("--no-seed database shows records")
	}
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if cs, _ := st.Countries(context.Background()); len(cs) != 250 {
		t.Errorf("%d countries", len(cs))
	}
}

func TestServeRefusesBadDatabases(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, bytes.Repeat([]byte("not sqlite "), 500), 0o600); err != nil {
		t.Fatal(err)
	}
	env, _, errOut := testEnv(nil)
	if code := run(context.Background(), env, []string{"serve", "--db", junk, "--addr", "127.0.0.1:0"}); code != 1 {
		t.Errorf("corrupt database: exit %d", code)
	}
	if msg := errOut.String(); !strings.Contains(msg, "cannot be used") || strings.Contains(msg, "panic") || strings.Contains(msg, "goroutine") {
		t.Errorf("corrupt database message: %q", msg)
	}

	newer := filepath.Join(dir, "newer.db")
	st, err := store.Open(context.Background(), newer, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := st.Pools()
	if _, err := w.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'x')`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	env, _, errOut = testEnv(nil)
	if code := run(context.Background(), env, []string{"serve", "--db", newer, "--addr", "127.0.0.1:0"}); code != 1 {
		t.Errorf("newer schema: exit %d", code)
	}
	if !strings.Contains(errOut.String(), "newer") || strings.Contains(errOut.String(), "goroutine") {
		t.Errorf("newer schema message: %q", errOut.String())
	}
}

func TestHealthcheck(t *testing.T) {
	base, stop := startServer(t, Config{Addr: "127.0.0.1:0", DB: filepath.Join(t.TempDir(), "h.db"), NoSeed: true})
	defer stop()
	addr := strings.TrimPrefix(base, "http://")
	env, out, _ := testEnv(nil)
	if code := run(context.Background(), env, []string{"healthcheck", "--addr", addr}); code != 0 || !strings.Contains(out.String(), "healthy") {
		t.Errorf("healthcheck against a live server: exit %d", code)
	}
	env, _, _ = testEnv(nil)
	if code := run(context.Background(), env, []string{"healthcheck", "--addr", "127.0.0.1:1"}); code != 1 {
		t.Errorf("healthcheck against nothing: exit %d", code)
	}
}

func TestGen(t *testing.T) {
	db := filepath.Join(t.TempDir(), "synthetic.db")
	env, out, errOut := testEnv(nil)
	if code := run(context.Background(), env, []string{"gen", "--records", "50", "--db", db}); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "generated 50 records and 200 events") {
		t.Errorf("output %q", out.String())
	}
	env, _, errOut = testEnv(nil)
	if code := run(context.Background(), env, []string{"gen", "--records", "50", "--db", db}); code != 1 || !strings.Contains(errOut.String(), "already holds") {
		t.Errorf("second gen into the same file: exit %d %q", code, errOut.String())
	}
	env, _, _ = testEnv(nil)
	if code := run(context.Background(), env, []string{"gen", "--records", "5"}); code != 2 {
		t.Errorf("gen without --db: exit %d", code)
	}
}

// TestServeWarnsAboutAPublicMetricsEndpoint: listening beyond loopback
// without a metrics token logs a warning; with a token, or on loopback, not.
func TestServeWarnsAboutAPublicMetricsEndpoint(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	for _, tc := range []struct {
		addr, token string
		warn        bool
	}{
		{"127.0.0.1:0", "", false},
		{"0.0.0.0:0", "", true},
		{"0.0.0.0:0", "s3cret-token", false},
	} {
		var logs bytes.Buffer
		ctx, cancel := context.WithCancel(context.Background())
		cfg := Config{Addr: tc.addr, DB: db, MetricsToken: tc.token, MetricsPerRecord: true}
		errc := make(chan error, 1)
		go func() {
			errc <- serve(ctx, cfg, slog.New(slog.NewTextHandler(&logs, nil)), func(string) { cancel() })
		}()
		if err := <-errc; err != nil {
			t.Fatalf("%s: %v", tc.addr, err)
		}
		if got := strings.Contains(logs.String(), "ACCESSWATCH_METRICS_TOKEN") && strings.Contains(logs.String(), "level=WARN"); got != tc.warn {
			t.Errorf("addr %s, token %q: warning %v, want %v\n%s", tc.addr, tc.token, got, tc.warn, logs.String())
		}
	}
}

func TestServeConfigReviewAfter(t *testing.T) {
	env, _, _ := testEnv(nil)
	cfg, err := serveConfig(nil, env)
	if err != nil || cfg.ReviewAfter != access.DefaultReviewAfter {
		t.Errorf("default review-after %s, %v", cfg.ReviewAfter, err)
	}
	env, _, _ = testEnv(map[string]string{"ACCESSWATCH_REVIEW_AFTER": "4380h"})
	if cfg, err = serveConfig(nil, env); err != nil || cfg.ReviewAfter != 4380*time.Hour {
		t.Errorf("environment review-after %s, %v", cfg.ReviewAfter, err)
	}
	if cfg, err = serveConfig([]string{"--review-after", "720h"}, env); err != nil || cfg.ReviewAfter != 720*time.Hour {
		t.Errorf("flag over environment %s, %v", cfg.ReviewAfter, err)
	}
	if _, err := serveConfig([]string{"--review-after", "1m"}, env); err == nil {
		t.Error("a review period of a minute was accepted")
	}
}

func TestServeConfigRequireVerification(t *testing.T) {
	env, _, _ := testEnv(nil)
	cfg, err := serveConfig(nil, env)
	if err != nil || cfg.RequireVerification || verificationRule(cfg.RequireVerification) != store.PublishUnverified {
		t.Errorf("default require-verification %v, %v", cfg.RequireVerification, err)
	}
	env, _, _ = testEnv(map[string]string{"ACCESSWATCH_REQUIRE_VERIFICATION": "true"})
	if cfg, err = serveConfig(nil, env); err != nil || !cfg.RequireVerification || verificationRule(cfg.RequireVerification) != store.RequireVerification {
		t.Errorf("environment require-verification %v, %v", cfg.RequireVerification, err)
	}
	if cfg, err = serveConfig([]string{"--require-verification=false"}, env); err != nil || cfg.RequireVerification {
		t.Errorf("flag over environment %v, %v", cfg.RequireVerification, err)
	}
	env, _, _ = testEnv(map[string]string{"ACCESSWATCH_REQUIRE_VERIFICATION": "perhaps"})
	if _, err := serveConfig(nil, env); err == nil {
		t.Error("require-verification=perhaps was accepted")
	}
}

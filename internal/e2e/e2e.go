// Package e2e helps tests that drive real external programs: a headless
// Chromium, a Prometheus server, Alertmanager and LibreOffice (soffice). Such a test
// skips with a clear message when the program is not installed, unless ACCESSWATCH_REQUIRE_E2E=1 (set by
// .ci/run), in which case it fails: in CI a missing browser is an error,
// not a reason to pass.
package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// RequireEnv is the environment variable that turns skips into failures.
const RequireEnv = "ACCESSWATCH_REQUIRE_E2E"

// Required reports whether end-to-end tests must run.
func Required() bool { return os.Getenv(RequireEnv) == "1" }

// need finds a program or skips (or fails, when required) the test.
func need(t testing.TB, what string, candidates ...string) string {
	t.Helper()
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	msg := what + " is not installed (looked for " + joinNames(candidates) + "); install it to run this end-to-end test"
	if Required() {
		t.Fatalf("%s, and %s=1 requires it", msg, RequireEnv)
	}
	t.Skip(msg)
	return ""
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

// Chromium returns the path of a Chromium binary, or skips the test.
func Chromium(t testing.TB) string {
	t.Helper()
	return need(t, "Chromium", "/usr/bin/chromium", "chromium", "chromium-browser")
}

// Prometheus returns the paths of prometheus and promtool, or skips the test.
func Prometheus(t testing.TB) (prometheus, promtool string) {
	t.Helper()
	return need(t, "Prometheus", "prometheus"), need(t, "promtool", "promtool")
}

// Alertmanager returns the paths of Alertmanager (Debian names it
// prometheus-alertmanager) and amtool, or skips the test.
func Alertmanager(t testing.TB) (alertmanager, amtool string) {
	t.Helper()
	return need(t, "Alertmanager", "alertmanager", "prometheus-alertmanager"), need(t, "amtool", "amtool")
}

// Soffice returns the path of LibreOffice's soffice, or skips the test.
func Soffice(t testing.TB) string {
	t.Helper()
	return need(t, "LibreOffice", "soffice", "libreoffice", "/usr/lib/libreoffice/program/soffice")
}

// Python returns the path of a Python 3 that imports every one of modules
// (python3 on the PATH, else the system's /usr/bin/python3, where Debian
// packages such as python3-feedparser install), or skips the test.
func Python(t testing.TB, modules ...string) string {
	t.Helper()
	candidates := []string{"python3", "/usr/bin/python3"}
	found := false
	for _, c := range candidates {
		p, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		found = true
		ok := true
		for _, m := range modules {
			if exec.Command(p, "-c", "import "+m).Run() != nil {
				ok = false
				break
			}
		}
		if ok {
			return p
		}
	}
	if !found {
		return need(t, "Python 3", candidates...)
	}
	msg := "no Python 3 here imports " + joinNames(modules) + " (looked at " + joinNames(candidates) + "); install it (Debian: python3-" + joinNames(modules) + ") to run this end-to-end test"
	if Required() {
		t.Fatalf("%s, and %s=1 requires it", msg, RequireEnv)
	}
	t.Skip(msg)
	return ""
}

// Browser starts a headless Chromium for the test and returns a chromedp
// context bound to it (and to the test's lifetime, at most timeout). The
// flags keep Chromium off the network: this machine has none, and
// background connections would only slow it down.
func Browser(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	path := Chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return bctx
}

// ArtifactDir returns the directory for files a test leaves for people to
// look at (screenshots): $ACCESSWATCH_ARTIFACTS, or artifacts/ at the module
// root. It is created if needed.
func ArtifactDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("ACCESSWATCH_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(moduleRoot(t), "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifact directory: %v", err)
	}
	return dir
}

// moduleRoot walks up from the working directory to the go.mod.
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// The chromedp API in use is the generic one (v0.20+): chromedp.Do runs
// actions that return nothing, chromedp.Run runs one action and returns its
// value, e.g.
//
//	err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible("#x"))
//	text, err := chromedp.Run(ctx, chromedp.Text("#x"))
//	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))

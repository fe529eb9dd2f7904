package harness

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/pgtest"
)

// The short versions of the harnesses, run in CI. Each builds the real
// binary once per test process (with the race detector when the tests run
// with it, so the server under load is race-checked too) and drives it as
// a separate process. The long versions: go run ./cmd/awstress (see
// docs/RELIABILITY.md).

var built struct {
	once    sync.Once
	dir     string
	prod    string
	fault   string
	err     error
	elapsed time.Duration
}

func TestMain(m *testing.M) {
	code := pgtest.Main(m) // runs the tests, then stops the throwaway PostgreSQL if one was started
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// binaries builds the production binary and the faultinject one.
func binaries(t *testing.T) (prod, fault string) {
	t.Helper()
	built.once.Do(func() {
		start := time.Now()
		built.dir, built.err = os.MkdirTemp("", "awstress-bin-")
		if built.err != nil {
			return
		}
		ctx := context.Background()
		built.prod, built.err = Build(ctx, BuildOptions{Dir: built.dir, Race: raceEnabled})
		if built.err == nil {
			built.fault, built.err = Build(ctx, BuildOptions{Dir: built.dir, Tags: []string{"faultinject"}})
		}
		built.elapsed = time.Since(start)
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	t.Logf("binaries built in %s (race detector: %v)", built.elapsed.Round(time.Millisecond), raceEnabled)
	return built.prod, built.fault
}

// logWriter sends progress to the test log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// logReport puts a harness's printed report in the test log.
func logReport(t *testing.T, rep interface{ Print(io.Writer) }) {
	t.Helper()
	var b strings.Builder
	rep.Print(&b)
	t.Log("\n" + b.String())
}

func TestStressShort(t *testing.T) {
	prod, _ := binaries(t)
	out := logWriter{t}
	rep, err := RunStress(context.Background(), StressOptions{Binary: Binary{Path: prod}, Dir: t.TempDir(),
		// 8 s, not less: under the race detector on a busy 2-core machine a
		// first /metrics scrape (a cold snapshot of every record) has taken
		// over 3 s, and every class must succeed at least once.
		Writers: 8, Readers: 64, Duration: 8 * time.Second, Targets: 12, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	logReport(t, rep)
	for _, f := range rep.Failures() {
		t.Error(f)
	}
	if rep.Reconciliation.Acknowledged == 0 || rep.Reconciliation.AcknowledgedHeld != rep.Reconciliation.Acknowledged {
		t.Errorf("acknowledged %d, held %d", rep.Reconciliation.Acknowledged, rep.Reconciliation.AcknowledgedHeld)
	}
	for _, class := range []string{ClassPage, ClassAPI, ClassMetrics, ClassWrite, ClassAdmin} {
		if rep.Summary.Classes[class].Count == 0 {
			t.Errorf("no successful %s request", class)
		}
	}
}

// TestLoginLockout: 500 failed logins for an account from 50 addresses
// leave its owner able to log in from a fresh address within a few
// seconds; the state survives a restart; user unlock and user passwd clear
// it. It takes about a minute (the attackers wait out their backoff).
func TestLoginLockout(t *testing.T) {
	if testing.Short() || raceEnabled {
		// Under the race detector each argon2 check is many times slower,
		// and the run would measure the detector. go run ./cmd/awstress
		// lockout runs it on its own.
		t.Skip("about a minute, and not under -race or -short; see go run ./cmd/awstress lockout")
	}
	prod, _ := binaries(t)
	rep, err := RunLockout(context.Background(), LockoutOptions{Binary: Binary{Path: prod}, Dir: t.TempDir(),
		Addresses: 50, PerAddress: 10, Out: logWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	logReport(t, rep)
	for _, f := range rep.Failures() {
		t.Error(f)
	}
	if rep.Failed != 500+10 {
		t.Errorf("%d failed logins, want 510", rep.Failed)
	}
}

func TestCrashRecovery(t *testing.T) {
	prod, _ := binaries(t)
	rep, err := RunCrash(context.Background(), CrashOptions{Binary: Binary{Path: prod}, Dir: t.TempDir(),
		Iterations: 20, Writers: 8, Readers: 4, MaxDelay: 400 * time.Millisecond, Seed: uint64(time.Now().UnixNano()), Out: logWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	logReport(t, rep)
	if rep.Failed != 0 || len(rep.Iterations) != 20 {
		t.Fatalf("failed at iteration %d of %d: %v", rep.Failed, len(rep.Iterations), rep.Reconciliation.Problems)
	}
	if rep.Reconciliation.Acknowledged < 20 || rep.Reconciliation.AcknowledgedHeld != rep.Reconciliation.Acknowledged {
		t.Errorf("acknowledged %d, held %d", rep.Reconciliation.Acknowledged, rep.Reconciliation.AcknowledgedHeld)
	}
}

// The negative control: a build that acknowledges a status change before
// committing it (and commits 2 s later) must be caught losing writes at the
// first kill — or the crash harness proves nothing.
func TestCrashHarnessCatchesAcknowledgedLoss(t *testing.T) {
	_, fault := binaries(t)
	bin := Binary{Path: fault, Env: []string{"ACCESSWATCH_FAULT_ACK_BEFORE_COMMIT=2s"}}
	rep, err := RunCrash(context.Background(), CrashOptions{Binary: bin, Dir: t.TempDir(),
		Iterations: 3, Writers: 4, MaxDelay: 500 * time.Millisecond, Seed: 1, Out: logWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	logReport(t, rep)
	if rep.Failed != 1 {
		t.Fatalf("the harness did not catch the fault at the first kill (failed at %d)", rep.Failed)
	}
	lost := 0
	for _, p := range rep.Reconciliation.Problems {
		if strings.HasPrefix(p, "acknowledged write") && strings.Contains(p, "0 events") {
			lost++
		}
	}
	if lost == 0 {
		t.Errorf("no acknowledged write reported lost: %v", rep.Reconciliation.Problems)
	}
}

// Only a build with -tags faultinject can hold back a commit: the
// production binary has neither the switch nor its name.
func TestProductionBuildHasNoFaultSwitch(t *testing.T) {
	prod, fault := binaries(t)
	name := []byte("ACCESSWATCH_FAULT_ACK_BEFORE_COMMIT")
	for path, want := range map[string]bool{prod: false, fault: true} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := bytes.Contains(b, name); got != want {
			t.Errorf("%s contains %s: %v, want %v", path, name, got, want)
		}
	}
}

func TestShutdownUnderLoad(t *testing.T) {
	prod, _ := binaries(t)
	rep, err := RunShutdown(context.Background(), ShutdownOptions{Binary: Binary{Path: prod}, Dir: t.TempDir(),
		Writers: 8, Readers: 64, LoadFor: 2 * time.Second, Out: logWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	logReport(t, rep)
	for _, f := range rep.Failures() {
		t.Error(f)
	}
}

func TestSlowAndOversizedClients(t *testing.T) {
	prod, _ := binaries(t)
	rep, err := RunSlow(context.Background(), SlowOptions{Binary: Binary{Path: prod}, Dir: t.TempDir(),
		HeaderTimeout: time.Second, SlowConns: 200, Clients: 8, Baseline: 2 * time.Second, Out: logWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	logReport(t, rep)
	for _, f := range rep.Failures() {
		t.Error(f)
	}
	if len(rep.Oversized) != 3 {
		t.Errorf("%d oversized cases", len(rep.Oversized))
	}
}

func TestFirstOfClassCoversEveryClass(t *testing.T) {
	reads := Reads([]Target{{Country: "NER", Org: "icrc"}})
	var classes []string
	for n := 0; ; n++ {
		r, ok := firstOfClass(reads, n)
		if !ok {
			break
		}
		classes = append(classes, r.Class)
	}
	if strings.Join(classes, ",") != ClassPage+","+ClassAPI+","+ClassMetrics {
		t.Errorf("classes in order: %v", classes)
	}
}

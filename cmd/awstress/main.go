// Command awstress proves accesswatch under load and faults, against the
// real binary running as a separate process on loopback (see
// docs/RELIABILITY.md):
//
//	go run ./cmd/awstress stress     8 editors + 64 readers for 60 s, then reconcile the database
//	go run ./cmd/awstress crash      20 × (start, load, kill -9 at a random moment, check)
//	go run ./cmd/awstress crash -negative-control   the same against a build that acknowledges before committing: must fail
//	go run ./cmd/awstress shutdown   SIGTERM under load
//	go run ./cmd/awstress slow       slow (slowloris) and oversized clients
//	go run ./cmd/awstress startup    start-up time to first answer, and RSS
//	go run ./cmd/awstress lockout    500 failed logins from 50 addresses; the owner still logs in
//	go run ./cmd/awstress all        every one of the above, in turn
//
// It builds accesswatch with `go build` (or uses -bin), works in a new
// temporary directory, prints what it measured, and exits 1 if any check
// failed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/accesswatch/accesswatch/internal/harness"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errFailed marks a run whose checks failed (exit 1), as opposed to one
// that could not run.
var errFailed = errors.New("checks failed")

// common are the flags every harness takes.
type common struct {
	bin  string
	race bool
	keep bool
	dir  string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.bin, "bin", "", "accesswatch binary to run (default: build ./cmd/accesswatch with go build)")
	fs.BoolVar(&c.race, "race", false, "build the server with the race detector")
	fs.BoolVar(&c.keep, "keep", false, "keep the working directory (databases, binaries) and print its path")
}

type harnessFunc func(ctx context.Context, c *common, out io.Writer) error

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" || args[0] == "--help" {
		fmt.Fprintln(stderr, "Usage: awstress stress|crash|shutdown|slow|startup|lockout|all [flags]   (awstress COMMAND -h for its flags)")
		return 2
	}
	name, args := args[0], args[1:]
	fs := flag.NewFlagSet("awstress "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &common{}
	c.register(fs)
	var h harnessFunc
	switch name {
	case "stress":
		h = stressCommand(fs)
	case "crash":
		h = crashCommand(fs)
	case "shutdown":
		h = shutdownCommand(fs)
	case "slow":
		h = slowCommand(fs)
	case "startup":
		h = startupCommand(fs)
	case "lockout":
		h = lockoutCommand(fs)
	case "all":
		h = allCommand()
	default:
		fmt.Fprintf(stderr, "awstress: unknown command %q\n", name)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "awstress %s: unexpected arguments %v\n", name, fs.Args())
		return 2
	}
	dir, err := os.MkdirTemp("", "awstress-")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	c.dir = dir
	if c.keep {
		fmt.Fprintf(stdout, "working directory: %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	fmt.Fprintf(stdout, "awstress %s, %s, %s\n", strings.Join(append([]string{name}, args...), " "), time.Now().UTC().Format(time.RFC3339), machine())
	err = h(ctx, c, stdout)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errFailed):
		return 1
	default:
		fmt.Fprintf(stderr, "awstress %s: %v\n", name, err)
		return 1
	}
}

// binary returns the accesswatch to run: -bin, or a fresh build.
func (c *common) binary(ctx context.Context, out io.Writer, tags ...string) (harness.Binary, error) {
	if c.bin != "" && len(tags) == 0 {
		return harness.Binary{Path: c.bin}, nil
	}
	start := time.Now()
	path, err := harness.Build(ctx, harness.BuildOptions{Dir: c.dir, Tags: tags, Race: c.race})
	if err != nil {
		return harness.Binary{}, err
	}
	fmt.Fprintf(out, "built %s in %s\n", path, time.Since(start).Round(time.Millisecond))
	return harness.Binary{Path: path}, nil
}

// workDir is a new directory for one harness inside the working directory.
func (c *common) workDir(name string) (string, error) {
	return os.MkdirTemp(c.dir, name+"-")
}

// setup returns the binary to run and a new directory for harness name.
func (c *common) setup(ctx context.Context, out io.Writer, name string) (harness.Binary, string, error) {
	bin, err := c.binary(ctx, out)
	if err != nil {
		return bin, "", err
	}
	dir, err := c.workDir(name)
	return bin, dir, err
}

func stressCommand(fs *flag.FlagSet) harnessFunc {
	duration := fs.Duration("duration", 60*time.Second, "how long the load runs")
	writers := fs.Int("writers", 8, "editors recording status changes, each logged in")
	readers := fs.Int("readers", 64, "readers of pages, API and /metrics")
	records := fs.Int("records", 5000, "synthetic dataset size (records; 4 events each); 0: the bundled dataset")
	targets := fs.Int("targets", 16, "records the editors share (they collide: 409s, retried)")
	return func(ctx context.Context, c *common, out io.Writer) error {
		bin, dir, err := c.setup(ctx, out, "stress")
		if err != nil {
			return err
		}
		rep, err := harness.RunStress(ctx, harness.StressOptions{Binary: bin, Dir: dir, Dataset: harness.Dataset{Records: *records},
			Writers: *writers, Readers: *readers, Duration: *duration, Targets: *targets, Out: out})
		if err != nil {
			return err
		}
		rep.Print(out)
		return failedIf(len(rep.Failures()) > 0)
	}
}

func crashCommand(fs *flag.FlagSet) harnessFunc {
	iterations := fs.Int("iterations", 20, "kills, each after a restart on the same database")
	writers := fs.Int("writers", 8, "editors recording status changes")
	readers := fs.Int("readers", 4, "readers alongside")
	records := fs.Int("records", 0, "synthetic dataset size; 0: the bundled dataset")
	maxDelay := fs.Duration("max-delay", 500*time.Millisecond, "the kill comes at a random moment up to this long after the iteration's first acknowledged write")
	seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "random seed of the kill moments")
	negative := fs.Bool("negative-control", false, "run against a -tags faultinject build that acknowledges a change 2 s before committing it: the harness must catch the loss (and so exit 1)")
	return func(ctx context.Context, c *common, out io.Writer) error {
		var bin harness.Binary
		var err error
		if *negative {
			bin, err = c.binary(ctx, out, "faultinject")
			bin.Env = []string{"ACCESSWATCH_FAULT_ACK_BEFORE_COMMIT=2s"}
		} else {
			bin, err = c.binary(ctx, out)
		}
		if err != nil {
			return err
		}
		dir, err := c.workDir("crash")
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "seed %d\n", *seed)
		rep, err := harness.RunCrash(ctx, harness.CrashOptions{Binary: bin, Dir: dir, Dataset: harness.Dataset{Records: *records},
			Iterations: *iterations, Writers: *writers, Readers: *readers, MaxDelay: *maxDelay, Seed: *seed, Out: out})
		if err != nil {
			return err
		}
		rep.Print(out)
		if *negative {
			if rep.Failed > 0 {
				fmt.Fprintln(out, "negative control: the harness caught the acknowledged writes the faulty build lost — as it must (exit status 1 is the expected result)")
			} else {
				fmt.Fprintln(out, "negative control: THE HARNESS MISSED THE LOSS — it cannot be trusted")
			}
		}
		return failedIf(rep.Failed > 0)
	}
}

func shutdownCommand(fs *flag.FlagSet) harnessFunc {
	writers := fs.Int("writers", 8, "editors recording status changes")
	readers := fs.Int("readers", 64, "readers of pages, API and /metrics")
	records := fs.Int("records", 5000, "synthetic dataset size; 0: the bundled dataset")
	loadFor := fs.Duration("load", 5*time.Second, "load before SIGTERM")
	return func(ctx context.Context, c *common, out io.Writer) error {
		bin, dir, err := c.setup(ctx, out, "shutdown")
		if err != nil {
			return err
		}
		rep, err := harness.RunShutdown(ctx, harness.ShutdownOptions{Binary: bin, Dir: dir, Dataset: harness.Dataset{Records: *records},
			Writers: *writers, Readers: *readers, LoadFor: *loadFor, Out: out})
		if err != nil {
			return err
		}
		rep.Print(out)
		return failedIf(len(rep.Failures()) > 0)
	}
}

func slowCommand(fs *flag.FlagSet) harnessFunc {
	timeout := fs.Duration("header-timeout", 5*time.Second, "the server's --read-header-timeout (its default: 5s)")
	conns := fs.Int("slow", 500, "connections trickling their headers")
	clients := fs.Int("clients", 8, "ordinary clients measuring latency")
	baseline := fs.Duration("baseline", 5*time.Second, "ordinary traffic alone, before the slow connections")
	return func(ctx context.Context, c *common, out io.Writer) error {
		bin, dir, err := c.setup(ctx, out, "slow")
		if err != nil {
			return err
		}
		rep, err := harness.RunSlow(ctx, harness.SlowOptions{Binary: bin, Dir: dir, HeaderTimeout: *timeout, SlowConns: *conns,
			Clients: *clients, Baseline: *baseline, Out: out})
		if err != nil {
			return err
		}
		rep.Print(out)
		return failedIf(len(rep.Failures()) > 0)
	}
}

func startupCommand(fs *flag.FlagSet) harnessFunc {
	records := fs.Int("records", 5000, "synthetic dataset size measured besides the bundled one; 0: none")
	runs := fs.Int("runs", 5, "starts per case")
	return func(ctx context.Context, c *common, out io.Writer) error {
		bin, dir, err := c.setup(ctx, out, "startup")
		if err != nil {
			return err
		}
		rep, err := harness.RunStartup(ctx, harness.StartupOptions{Binary: bin, Dir: dir, Records: *records, Runs: *runs, Out: out})
		if err != nil {
			return err
		}
		rep.Print(out)
		return nil
	}
}

func lockoutCommand(fs *flag.FlagSet) harnessFunc {
	addrs := fs.Int("addresses", 50, "attacking client addresses")
	per := fs.Int("per-address", 10, "failed logins from each address")
	return func(ctx context.Context, c *common, out io.Writer) error {
		bin, dir, err := c.setup(ctx, out, "lockout")
		if err != nil {
			return err
		}
		rep, err := harness.RunLockout(ctx, harness.LockoutOptions{Binary: bin, Dir: dir, Addresses: *addrs, PerAddress: *per, Out: out})
		if err != nil {
			return err
		}
		rep.Print(out)
		if len(rep.Failures()) > 0 {
			return errFailed
		}
		return nil
	}
}

// allCommand runs every harness with its defaults; the negative control
// passes when it fails.
func allCommand() harnessFunc {
	return func(ctx context.Context, c *common, out io.Writer) error {
		bin, err := c.binary(ctx, out) // once, for every step but the negative control's own build
		if err != nil {
			return err
		}
		var failed []string
		for _, step := range []struct {
			name     string
			args     []string
			mustFail bool
		}{
			{"stress", nil, false},
			{"crash", nil, false},
			{"crash", []string{"-negative-control", "-iterations", "3"}, true},
			{"shutdown", nil, false},
			{"slow", nil, false},
			{"startup", nil, false},
		} {
			fmt.Fprintf(out, "\n=== awstress %s %s\n", step.name, strings.Join(step.args, " "))
			args := append([]string{step.name, "-race=" + fmt.Sprint(c.race), "-bin", bin.Path}, step.args...)
			code := run(ctx, args, out, out)
			if (code != 0) != step.mustFail {
				failed = append(failed, strings.TrimSpace(step.name+" "+strings.Join(step.args, " ")))
			}
		}
		if len(failed) > 0 {
			fmt.Fprintf(out, "\nFAILED: %s\n", strings.Join(failed, ", "))
			return errFailed
		}
		fmt.Fprintln(out, "\nALL PASSED (the negative control failed, as it must)")
		return nil
	}
}

func failedIf(failed bool) error {
	if failed {
		return errFailed
	}
	return nil
}

// machine describes where the figures come from.
func machine() string {
	cpus := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		cpus = fmt.Sprint(strings.Count(string(b), "processor\t:"))
	}
	mem := "?"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf("%.0f GB", float64(kb)/1e6)
		}
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = ", load average " + strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return fmt.Sprintf("%s vCPU, %s RAM%s", cpus, mem, load)
}

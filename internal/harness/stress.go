package harness

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"time"
)

// Dataset says what the database starts with.
type Dataset struct {
	// Records > 0 generates the synthetic dataset of that many records (4
	// events each) with `accesswatch gen`; 0 starts from the bundled cases,
	// which the server loads at its first start.
	Records int
}

func (d Dataset) String() string {
	if d.Records > 0 {
		return fmt.Sprintf("synthetic dataset, %d records and %d events", d.Records, 4*d.Records)
	}
	return "bundled dataset (seeded at first start)"
}

// prepare makes a database in dir with the dataset and n editor accounts.
func prepare(ctx context.Context, bin Binary, dir string, ds Dataset, editors int, out io.Writer) (string, []Account, error) {
	db := filepath.Join(dir, "accesswatch.db")
	if ds.Records > 0 {
		took, err := bin.Generate(ctx, db, ds.Records)
		if err != nil {
			return "", nil, err
		}
		fmt.Fprintf(out, "generated the %s in %s\n", ds, took.Round(time.Millisecond))
	}
	accounts, err := bin.Accounts(ctx, db, editors)
	if err != nil {
		return "", nil, err
	}
	return db, accounts, nil
}

// newRunID names a run; every write's marker starts with it.
func newRunID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "awstress-" + time.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b)
}

// loadable is a server process with its editors logged in, ready for a load.
type loadable struct {
	db      string
	srv     *Server
	targets []Target
	editors []*Editor
	stats   *Stats
}

// startLoadable prepares a database, starts the server on it, picks the
// records the editors will share, and logs the editors in. The caller
// kills the server when done.
func startLoadable(ctx context.Context, bin Binary, dir string, ds Dataset, writers, targets int, out io.Writer) (*loadable, error) {
	db, accounts, err := prepare(ctx, bin, dir, ds, writers, out)
	if err != nil {
		return nil, err
	}
	srv, err := bin.Start(ctx, ServerOptions{DB: db})
	if err != nil {
		return nil, err
	}
	ls := &loadable{db: db, srv: srv, stats: NewStats()}
	if ls.targets, err = Targets(ctx, srv.URL, max(targets, 1)); err == nil {
		ls.editors, err = LoginAll(ctx, srv.URL, accounts, ls.stats)
	}
	if err != nil {
		srv.Kill()
		return nil, err
	}
	return ls, nil
}

// start starts the editors and readers, over the readers' usual mix.
func (ls *loadable) start(ctx context.Context, readers int, runID string) *Load {
	return StartLoad(ctx, LoadOptions{Base: ls.srv.URL, Editors: ls.editors, Readers: readers, Targets: ls.targets,
		Reads: Reads(ls.targets), RunID: runID, Stats: ls.stats})
}

// StressOptions configure a stress run.
type StressOptions struct {
	Binary   Binary
	Dir      string // for the database
	Dataset  Dataset
	Writers  int           // editors, each logged in, recording status changes
	Readers  int           // readers of pages, API and /metrics
	Duration time.Duration // of the load
	Targets  int           // records the editors share (they collide: 409s)
	Out      io.Writer     // progress
}

// StressReport is the outcome of a stress run.
type StressReport struct {
	Dataset        Dataset
	Writers        int
	Readers        int
	Elapsed        time.Duration
	Summary        Summary
	Reconciliation Reconciliation
	PeakRSS        int64         // VmHWM of the server process
	ServerCPU      time.Duration // CPU time the server used during the load
	Ready          time.Duration // process start to first 200 on /healthz
	ExitCode       int           // after SIGTERM
	LogProblems    []string
}

// Failures lists what went wrong; none means the run passed.
func (r StressReport) Failures() []string {
	var out []string
	if n := r.Summary.ErrorCount(); n > 0 {
		out = append(out, fmt.Sprintf("%d request errors", n))
	}
	if r.Summary.Classes[ClassWrite].Count == 0 {
		out = append(out, "no write was acknowledged")
	}
	if r.ExitCode != 0 {
		out = append(out, fmt.Sprintf("exit code %d after SIGTERM", r.ExitCode))
	}
	for _, l := range r.LogProblems {
		out = append(out, "server log: "+l)
	}
	return append(out, r.Reconciliation.Problems...)
}

// Print writes the report.
func (r StressReport) Print(w io.Writer) {
	fmt.Fprintf(w, "stress: %d editors and %d readers for %s on the %s\n", r.Writers, r.Readers, r.Elapsed.Round(time.Millisecond), r.Dataset)
	r.Summary.Print(w, r.Elapsed)
	r.Reconciliation.Print(w)
	fmt.Fprintf(w, "server: ready in %s, peak RSS %.1f MiB, used %.1f CPU-seconds in the %.0f s of load (%.0f%% of one core), exit code %d after SIGTERM, %d log problems (database is locked, panics, races)\n",
		r.Ready.Round(time.Millisecond), float64(r.PeakRSS)/(1<<20), r.ServerCPU.Seconds(), r.Elapsed.Seconds(),
		100*r.ServerCPU.Seconds()/r.Elapsed.Seconds(), r.ExitCode, len(r.LogProblems))
	if f := r.Failures(); len(f) > 0 {
		fmt.Fprintf(w, "FAILED: %d problems\n", len(f))
	} else {
		fmt.Fprintln(w, "PASSED: 0 errors, 0 lost writes, no \"database is locked\", no 5xx")
	}
}

// RunStress runs editors and readers against a server process for the
// duration, stops the server with SIGTERM and reconciles the database.
func RunStress(ctx context.Context, opt StressOptions) (StressReport, error) {
	rep := StressReport{Dataset: opt.Dataset, Writers: opt.Writers, Readers: opt.Readers}
	ls, err := startLoadable(ctx, opt.Binary, opt.Dir, opt.Dataset, opt.Writers, opt.Targets, opt.Out)
	if err != nil {
		return rep, err
	}
	defer ls.srv.Kill()
	db, srv, stats := ls.db, ls.srv, ls.stats
	rep.Ready = srv.Ready
	runID := newRunID()
	cpuBefore, err := srv.CPU()
	if err != nil {
		return rep, err
	}
	fmt.Fprintf(opt.Out, "load: %d editors over %d records, %d readers, for %s (run %s)\n", len(ls.editors), len(ls.targets), opt.Readers, opt.Duration, runID)
	start := time.Now()
	load := ls.start(ctx, opt.Readers, runID)
	select {
	case <-time.After(opt.Duration):
	case <-ctx.Done():
	}
	load.Stop()
	rep.Elapsed = time.Since(start)
	if rep.PeakRSS, err = srv.PeakRSS(); err != nil {
		return rep, err
	}
	cpuAfter, err := srv.CPU()
	if err != nil {
		return rep, err
	}
	rep.ServerCPU = cpuAfter - cpuBefore
	if rep.ExitCode, err = srv.Terminate(40 * time.Second); err != nil {
		return rep, err
	}
	rep.Summary = stats.Summary()
	rep.LogProblems = LogProblems(srv.Log())
	rep.Reconciliation, err = Reconcile(ctx, db, runID, load.Writes())
	return rep, err
}

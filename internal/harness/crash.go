package harness

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// CrashOptions configure the crash harness.
type CrashOptions struct {
	Binary     Binary
	Dir        string
	Dataset    Dataset
	Iterations int
	Writers    int
	Readers    int
	// MaxDelay bounds the random moment of the kill, after the iteration's
	// first acknowledged write.
	MaxDelay time.Duration
	Seed     uint64 // for the kill moments; the same seed, the same moments
	Out      io.Writer
}

// CrashIteration is one start, load and kill -9.
type CrashIteration struct {
	KilledAfter    time.Duration // from the start of the load
	Acked, Unknown int           // this iteration's writes
	Restart        time.Duration // process start to first 200 on /healthz (recovery included)
}

// CrashReport is the outcome of the crash harness.
type CrashReport struct {
	Iterations     []CrashIteration
	Reconciliation Reconciliation // after the last iteration, over every write of the run
	Failed         int            // the iteration that failed (1-based); 0 if none
}

// Print writes the report.
func (r CrashReport) Print(w io.Writer) {
	var acked, unknown int
	var maxRestart time.Duration
	for _, it := range r.Iterations {
		acked += it.Acked
		unknown += it.Unknown
		maxRestart = max(maxRestart, it.Restart)
	}
	fmt.Fprintf(w, "crash: %d iterations of start, load, kill -9 at a random moment; %d writes acknowledged, %d without an answer; slowest restart %s\n",
		len(r.Iterations), acked, unknown, maxRestart.Round(time.Millisecond))
	r.Reconciliation.Print(w)
	if r.Failed > 0 {
		fmt.Fprintf(w, "FAILED at iteration %d\n", r.Failed)
	} else {
		fmt.Fprintf(w, "PASSED: %d consecutive kills, nothing acknowledged lost, every unanswered write all or nothing, integrity_check ok\n", len(r.Iterations))
	}
}

// RunCrash starts the server, drives editors (and a few readers), kills the
// process with SIGKILL at a random moment after the first acknowledged
// write, and checks the database file; then again, on the same database,
// for every iteration. Every check covers every write of the run so far,
// so an acknowledged write must survive every later crash too. It stops at
// the first iteration whose check fails.
func RunCrash(ctx context.Context, opt CrashOptions) (CrashReport, error) {
	var rep CrashReport
	db, accounts, err := prepare(ctx, opt.Binary, opt.Dir, opt.Dataset, opt.Writers, opt.Out)
	if err != nil {
		return rep, err
	}
	addr, err := freeAddr()
	if err != nil {
		return rep, err
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0xc4a54))
	runID := newRunID()
	var (
		writes  []Write
		editors []*Editor
		targets []Target
	)
	stats := NewStats()
	settled := 0 // errors counted up to the end of the last iteration (the kills')
	for i := 1; i <= opt.Iterations; i++ {
		srv, err := opt.Binary.Start(ctx, ServerOptions{DB: db, Addr: addr})
		if err != nil {
			return rep, fmt.Errorf("iteration %d: restart after the crash: %w", i, err)
		}
		if targets == nil {
			if targets, err = Targets(ctx, srv.URL, 12); err != nil {
				srv.Kill()
				return rep, err
			}
			// Sessions are in the database: the editors stay logged in
			// across crashes, as browsers would.
			if editors, err = LoginAll(ctx, srv.URL, accounts, stats); err != nil {
				srv.Kill()
				return rep, err
			}
		}
		load := StartLoad(ctx, LoadOptions{Base: srv.URL, Editors: editors, Readers: opt.Readers, Targets: targets,
			Reads: Reads(targets), RunID: fmt.Sprintf("%s-i%d", runID, i), Stats: stats})
		start := time.Now()
		waitCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
		err = load.WaitAcked(waitCtx, 1)
		cancel()
		if err != nil {
			load.Stop()
			srv.Kill()
			return rep, fmt.Errorf("iteration %d: %w\nserver output:\n%s", i, err, srv.Log())
		}
		time.Sleep(time.Duration(rng.Int64N(int64(opt.MaxDelay) + 1)))
		// Until the kill, every request must succeed; after it, failures
		// are the crash's.
		errs, kinds := stats.Errors()
		errs -= settled
		load.Stopping()
		srv.Kill()
		it := CrashIteration{KilledAfter: time.Since(start), Restart: srv.Ready}
		load.Stop()
		settled, _ = stats.Errors()
		for _, w := range load.Writes() {
			switch w.Outcome {
			case Acknowledged:
				it.Acked++
			case Unknown:
				it.Unknown++
			}
			writes = append(writes, w)
		}
		rep.Iterations = append(rep.Iterations, it)
		probs := LogProblems(srv.Log())
		if errs > 0 {
			probs = append(probs, fmt.Sprintf("%d request errors before the kill (all so far: %v)", errs, kinds))
		}
		if len(probs) > 0 {
			rep.Reconciliation.Problems = probs
			rep.Failed = i
			return rep, nil
		}
		rec, err := Reconcile(ctx, db, runID, writes)
		if err != nil {
			return rep, fmt.Errorf("iteration %d: %w", i, err)
		}
		rep.Reconciliation = rec
		fmt.Fprintf(opt.Out, "iteration %2d: killed %4dms into the load; %3d acknowledged, %d unanswered; restart took %s; check: %s\n",
			i, it.KilledAfter.Milliseconds(), it.Acked, it.Unknown, it.Restart.Round(time.Millisecond), verdict(rec))
		if !rec.OK() {
			rep.Failed = i
			return rep, nil
		}
	}
	return rep, nil
}

func verdict(r Reconciliation) string {
	if r.OK() {
		return fmt.Sprintf("ok (%d acknowledged so far, all held; integrity ok)", r.Acknowledged)
	}
	return fmt.Sprintf("%d PROBLEMS, e.g. %s", len(r.Problems), r.Problems[0])
}

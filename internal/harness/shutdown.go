package harness

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"
)

// ShutdownOptions configure the shutdown harness.
type ShutdownOptions struct {
	Binary  Binary
	Dir     string
	Dataset Dataset
	Writers int
	Readers int
	LoadFor time.Duration // load before SIGTERM
	Out     io.Writer
}

// ShutdownReport is the outcome of a SIGTERM under load.
type ShutdownReport struct {
	Summary        Summary // every request; errors before SIGTERM or broken answers after it are failures
	Figures        ShutdownFigures
	ExitCode       int
	Exit           time.Duration // SIGTERM to process exit
	Reconciliation Reconciliation
	LogProblems    []string
}

// Failures lists what went wrong; none means the run passed.
func (r ShutdownReport) Failures() []string {
	var out []string
	if r.ExitCode != 0 {
		out = append(out, fmt.Sprintf("exit code %d after SIGTERM, want 0", r.ExitCode))
	}
	if n := r.Summary.ErrorCount(); n > 0 {
		out = append(out, fmt.Sprintf("%d errors (before SIGTERM, or answers cut short after it): %v", n, r.Summary.Errors))
	}
	if r.Figures.InFlightDone == 0 {
		out = append(out, "no request was under way at SIGTERM and answered after it: the run shows nothing")
	}
	if len(r.Figures.Refused) == 0 {
		out = append(out, "no request was refused after SIGTERM: the server did not stop accepting")
	}
	for _, l := range r.LogProblems {
		out = append(out, "server log: "+l)
	}
	return append(out, r.Reconciliation.Problems...)
}

// Print writes the report.
func (r ShutdownReport) Print(w io.Writer) {
	fmt.Fprintf(w, "shutdown: SIGTERM under load; exit code %d, %s after the signal\n", r.ExitCode, r.Exit.Round(time.Millisecond))
	fmt.Fprintf(w, "requests under way at SIGTERM and answered in full after it: %d; answers cut short: %d\n",
		r.Figures.InFlightDone, r.Figures.BrokenAnswers)
	fmt.Fprint(w, "new requests refused cleanly (no answer at all):")
	for _, k := range slices.Sorted(maps.Keys(r.Figures.Refused)) {
		fmt.Fprintf(w, " %s x%d;", k, r.Figures.Refused[k])
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "requests: %d ok, %d errors\n", r.Summary.Requests(), r.Summary.ErrorCount())
	r.Reconciliation.Print(w)
	if f := r.Failures(); len(f) > 0 {
		fmt.Fprintf(w, "FAILED: %v\n", f)
	} else {
		fmt.Fprintln(w, "PASSED: in-flight requests completed, new ones refused cleanly, exit 0, database sound with every acknowledged write")
	}
}

// RunShutdown loads a server, sends it SIGTERM while the load runs, and
// checks: every request under way completes in full (a response that
// starts is never cut short), new requests are refused without an answer
// (connection refused, or a keep-alive connection closed before any
// byte), the process exits 0, and the database reopens sound with every
// acknowledged write.
func RunShutdown(ctx context.Context, opt ShutdownOptions) (ShutdownReport, error) {
	var rep ShutdownReport
	ls, err := startLoadable(ctx, opt.Binary, opt.Dir, opt.Dataset, opt.Writers, 12, opt.Out)
	if err != nil {
		return rep, err
	}
	defer ls.srv.Kill()
	db, srv, stats := ls.db, ls.srv, ls.stats
	runID := newRunID()
	load := ls.start(ctx, opt.Readers, runID)
	time.Sleep(opt.LoadFor)
	load.Stopping()
	sigterm := time.Now()
	rep.ExitCode, err = srv.Terminate(40 * time.Second)
	rep.Exit = time.Since(sigterm)
	if err != nil {
		load.Stop()
		return rep, err
	}
	time.Sleep(200 * time.Millisecond) // clients keep knocking on the closed port
	load.Stop()
	rep.Summary = stats.Summary()
	rep.Figures = load.Shutdown()
	rep.LogProblems = LogProblems(srv.Log())
	rep.Reconciliation, err = Reconcile(ctx, db, runID, load.Writes())
	return rep, err
}

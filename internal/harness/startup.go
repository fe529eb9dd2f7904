package harness

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// StartupOptions configure the start-up measurement.
type StartupOptions struct {
	Binary  Binary
	Dir     string
	Records int // size of the synthetic dataset measured besides the bundled one
	Runs    int // starts per case
	Out     io.Writer
}

// StartupCase is one kind of start, measured Runs times.
type StartupCase struct {
	Name    string
	Healthz []time.Duration // process start to the first 200 on /healthz
	Page    []time.Duration // process start to the first 200 on /
	RSS     []int64         // peak RSS once / has answered
}

// StartupReport is the outcome.
type StartupReport struct{ Cases []StartupCase }

// Print writes min / median / max of each case.
func (r StartupReport) Print(w io.Writer) {
	fmt.Fprintf(w, "%-58s %-28s %-28s %s\n", "start-up (min / median / max)", "first 200 on /healthz", "first 200 on /", "peak RSS after /")
	for _, c := range r.Cases {
		fmt.Fprintf(w, "%-58s %-28s %-28s %s\n", c.Name, spread(c.Healthz), spread(c.Page), spreadMiB(c.RSS))
	}
}

func spread(ds []time.Duration) string {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return "-"
	}
	return fmt.Sprintf("%s / %s / %s", round(s[0]), round(s[len(s)/2]), round(s[len(s)-1]))
}

func spreadMiB(xs []int64) string {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return "-"
	}
	mib := func(b int64) string { return fmt.Sprintf("%.1f", float64(b)/(1<<20)) }
	return fmt.Sprintf("%s / %s / %s MiB", mib(s[0]), mib(s[len(s)/2]), mib(s[len(s)-1]))
}

// RunStartup starts the server again and again and times its first
// answers: on a new database (created and seeded at start), on the bundled
// dataset already in place, and on the synthetic dataset.
func RunStartup(ctx context.Context, opt StartupOptions) (StartupReport, error) {
	var rep StartupReport
	measure := func(name string, db func(run int) (string, error)) error {
		c := StartupCase{Name: name}
		for run := range opt.Runs {
			path, err := db(run)
			if err != nil {
				return err
			}
			srv, err := opt.Binary.Start(ctx, ServerOptions{DB: path})
			if err != nil {
				return err
			}
			page, err := srv.FirstOK(ctx, "/", 60*time.Second)
			if err != nil {
				srv.Kill()
				return err
			}
			rss, err := srv.PeakRSS()
			if err != nil {
				srv.Kill()
				return err
			}
			if code, err := srv.Terminate(40 * time.Second); err != nil || code != 0 {
				return fmt.Errorf("%s: exit code %d after SIGTERM: %v", name, code, err)
			}
			c.Healthz, c.Page, c.RSS = append(c.Healthz, srv.Ready), append(c.Page, page), append(c.RSS, rss)
		}
		rep.Cases = append(rep.Cases, c)
		fmt.Fprintf(opt.Out, "measured: %s\n", name)
		return nil
	}
	seeded := filepath.Join(opt.Dir, "seeded.db")
	err := measure("new database, created and seeded at start", func(run int) (string, error) {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(seeded + suffix); err != nil && !os.IsNotExist(err) {
				return "", err
			}
		}
		return seeded, nil
	})
	if err != nil {
		return rep, err
	}
	if err := measure("bundled dataset, existing database", func(int) (string, error) { return seeded, nil }); err != nil {
		return rep, err
	}
	if opt.Records > 0 {
		synthetic := filepath.Join(opt.Dir, "synthetic.db")
		if _, err := opt.Binary.Generate(ctx, synthetic, opt.Records); err != nil {
			return rep, err
		}
		name := fmt.Sprintf("synthetic dataset (%d records, %d events), existing database", opt.Records, 4*opt.Records)
		if err := measure(name, func(int) (string, error) { return synthetic, nil }); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

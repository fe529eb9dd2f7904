package metrics

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
)

// fakeSource is a Source whose data and generation tests set, for what the
// store cannot do (delete a record, fail a read).
type fakeSource struct {
	mu    sync.Mutex
	gen   uint64
	data  store.MetricsData
	err   error
	reads int
	block bool // MetricsData waits for its context to end
}

func (f *fakeSource) Generation() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gen
}

func (f *fakeSource) MetricsData(ctx context.Context) (store.MetricsData, error) {
	f.mu.Lock()
	f.reads++
	data, err, block := f.data, f.err, f.block
	f.mu.Unlock()
	if block {
		<-ctx.Done()
		return store.MetricsData{}, ctx.Err()
	}
	return data, err
}

// set replaces the data (and error) and moves the generation, as a commit does.
func (f *fakeSource) set(data store.MetricsData, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.data, f.err = data, err
	f.gen++
}

func (f *fakeSource) readCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads
}

// record is a MetricsRecord for fake data.
func record(country, org string, status access.Status, reach int64) store.MetricsRecord {
	r := store.MetricsRecord{Country: country, Org: org, Status: status, Reach: reach, ReachKnown: reach > 0,
		StatusSince: access.MustParseDate("2025-06-05"), LastReviewed: access.MustParseDate("2025-06")}
	if status.ReachLost() {
		r.ReachLost = reach
	}
	r.Flagged = status.Flagged(access.InitiatedByAuthority)
	return r
}

// filtered passes on only the metrics whose labels keep accepts, so that a
// comparison can look at one record or one country.
type filtered struct {
	c    prometheus.Collector
	keep func(labels map[string]string) bool
}

func (f filtered) Describe(ch chan<- *prometheus.Desc) { f.c.Describe(ch) }

func (f filtered) Collect(ch chan<- prometheus.Metric) {
	inner := make(chan prometheus.Metric)
	go func() {
		f.c.Collect(inner)
		close(inner)
	}()
	for m := range inner {
		var pb dto.Metric
		if err := m.Write(&pb); err != nil {
			ch <- m // let the registry report it
			continue
		}
		labels := map[string]string{}
		for _, lp := range pb.GetLabel() {
			labels[lp.GetName()] = lp.GetValue()
		}
		if f.keep(labels) {
			ch <- m
		}
	}
}

// only keeps the series whose labels include every given name=value pair.
func only(c prometheus.Collector, pairs ...string) prometheus.Collector {
	return filtered{c: c, keep: func(labels map[string]string) bool {
		for i := 0; i+1 < len(pairs); i += 2 {
			if labels[pairs[i]] != pairs[i+1] {
				return false
			}
		}
		return true
	}}
}

// expectation builds the text-format expectation for CollectAndCompare:
// the sample lines given, under HELP and TYPE lines taken from what c
// itself declares (the comparison is about values; HELP is checked by lint).
func expectation(t *testing.T, c prometheus.Collector, samples string) *strings.Reader {
	t.Helper()
	meta := gatherOne(t, c)
	var b strings.Builder
	lines := strings.Split(strings.TrimSpace(samples), "\n")
	done := map[string]bool{}
	for _, line := range lines {
		name, _, _ := strings.Cut(strings.TrimSpace(line), "{")
		name, _, _ = strings.Cut(name, " ")
		if done[name] {
			continue
		}
		done[name] = true
		mf, ok := meta[name]
		if !ok {
			// Not emitted at all: the comparison will say so.
			fmt.Fprintf(&b, "# HELP %s missing\n# TYPE %s gauge\n", name, name)
		} else {
			fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, mf.GetHelp(), name, strings.ToLower(mf.GetType().String()))
		}
		for _, l := range lines {
			l = strings.TrimSpace(l)
			if strings.HasPrefix(l, name+"{") || strings.HasPrefix(l, name+" ") {
				b.WriteString(l + "\n")
			}
		}
	}
	return strings.NewReader(b.String())
}

// gatherOne gathers one collector on a pedantic registry, by family name.
func gatherOne(t *testing.T, c prometheus.Collector) map[string]*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, mf := range families {
		out[mf.GetName()] = mf
	}
	return out
}

// byName indexes families by name.
func byName(fams []*dto.MetricFamily) map[string]*dto.MetricFamily {
	out := map[string]*dto.MetricFamily{}
	for _, mf := range fams {
		out[mf.GetName()] = mf
	}
	return out
}

// lintFamilies runs the client library's linter over families made
// directly (without a registry) and reports every problem.
func lintFamilies(t *testing.T, fams []*dto.MetricFamily) {
	t.Helper()
	problems, err := testutil.GatherAndLint(prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return fams, nil }))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

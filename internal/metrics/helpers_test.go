package metrics

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
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
	if reach > 0 {
		r.ReachBasis = access.ReachCumulative
	}
	if status.ReachLost() {
		r.ReachLost = reach
		r.LostNow = reach > 0
	}
	r.Flagged = status.Flagged(access.InitiatedByAuthority)
	r.FlaggedNow, r.Confirmed = r.Flagged, r.StatusSince
	return r
}

// only keeps the series whose labels include every given name=value pair,
// so that a comparison can look at one record or one country.
func only(g prometheus.Gatherer, pairs ...string) prometheus.Gatherer {
	return prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		fams, err := g.Gather()
		var out []*dto.MetricFamily
		for _, mf := range fams {
			var kept []*dto.Metric
		next:
			for _, m := range mf.GetMetric() {
				labels := map[string]string{}
				for _, lp := range m.GetLabel() {
					labels[lp.GetName()] = lp.GetValue()
				}
				for i := 0; i+1 < len(pairs); i += 2 {
					if labels[pairs[i]] != pairs[i+1] {
						continue next
					}
				}
				kept = append(kept, m)
			}
			if len(kept) > 0 {
				out = append(out, &dto.MetricFamily{Name: mf.Name, Help: mf.Help, Type: mf.Type, Unit: mf.Unit, Metric: kept})
			}
		}
		return out, err
	})
}

// scrapes is a Gatherer of what the exporter serves, scrape by scrape:
// each Gather is one scrape's metrics, the snapshot refreshed first when
// the data version moved, as Handler does. A failed read makes Gather fail.
func scrapes(e *Exporter) prometheus.Gatherer {
	return prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		snap, err := e.snaps.get(context.Background())
		if err != nil {
			return nil, err
		}
		return e.gatherer(snap, true, 0).Gather()
	})
}

// expectation builds the text-format expectation for CollectAndCompare:
// the sample lines given, under HELP and TYPE lines taken from what c
// itself declares (the comparison is about values; HELP is checked by lint).
func expectation(t *testing.T, g prometheus.Gatherer, samples string) *strings.Reader {
	t.Helper()
	meta := gatherOne(t, g)
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

// gatherOne gathers g, by family name.
func gatherOne(t *testing.T, g prometheus.Gatherer) map[string]*dto.MetricFamily {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	return byName(families)
}

// byName indexes families by name.
func byName(fams []*dto.MetricFamily) map[string]*dto.MetricFamily {
	out := map[string]*dto.MetricFamily{}
	for _, mf := range fams {
		out[mf.GetName()] = mf
	}
	return out
}

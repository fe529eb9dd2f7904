package metrics

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	dto "github.com/prometheus/client_model/go"

	"github.com/accesswatch/accesswatch/internal/storetest"
)

// runtimeLeftOut are the library Go collector's default families the lean
// runtime part leaves out on purpose (see runtimeStats).
var runtimeLeftOut = []string{
	"go_memstats_alloc_bytes", "go_memstats_buck_hash_sys_bytes", "go_memstats_gc_sys_bytes", "go_memstats_heap_idle_bytes",
	"go_memstats_heap_released_bytes", "go_memstats_heap_sys_bytes", "go_memstats_mcache_inuse_bytes", "go_memstats_mcache_sys_bytes",
	"go_memstats_mspan_inuse_bytes", "go_memstats_mspan_sys_bytes", "go_memstats_other_sys_bytes", "go_memstats_stack_sys_bytes",
}

// The runtime part has the library's names, types and labels for what it
// keeps, with values that agree; it leaves out exactly runtimeLeftOut.
func TestRuntimeStatsAgreeWithTheLibrary(t *testing.T) {
	runtime.GC() // so that the GC statistics are not empty
	lib := gatherOne(t, collectors.NewGoCollector())
	ours := byName(newRuntimeStats().appendFamilies(nil))
	if len(ours) != len(lib)-len(runtimeLeftOut) {
		t.Errorf("%d runtime families, library %d minus %d left out", len(ours), len(lib), len(runtimeLeftOut))
	}
	for _, name := range runtimeLeftOut {
		if _, ok := lib[name]; !ok {
			t.Errorf("%s is not in the library's set: the left-out list is stale", name)
		}
	}
	for name, got := range ours {
		want, ok := lib[name]
		if !ok {
			t.Errorf("%s: not a library name", name)
			continue
		}
		if got.GetType() != want.GetType() || len(got.Metric) != len(want.Metric) {
			t.Errorf("%s: %s with %d metrics, library %s with %d", name, got.GetType(), len(got.Metric), want.GetType(), len(want.Metric))
			continue
		}
		g, w := got.Metric[0], want.Metric[0]
		if fmt.Sprint(g.GetLabel()) != fmt.Sprint(w.GetLabel()) {
			t.Errorf("%s: labels %v, library %v", name, g.GetLabel(), w.GetLabel())
		}
		switch name {
		case "go_gc_duration_seconds":
			if g.GetSummary().GetSampleCount() < w.GetSummary().GetSampleCount() || len(g.GetSummary().Quantile) != len(w.GetSummary().Quantile) {
				t.Errorf("%s: %v, library %v", name, g.GetSummary(), w.GetSummary())
			}
			for i, q := range g.GetSummary().Quantile {
				if q.GetQuantile() != w.GetSummary().Quantile[i].GetQuantile() {
					t.Errorf("%s: quantile %v, library %v", name, q.GetQuantile(), w.GetSummary().Quantile[i].GetQuantile())
				}
			}
		case "go_info", "go_sched_gomaxprocs_threads", "go_gc_gogc_percent", "go_gc_gomemlimit_bytes", "go_memstats_last_gc_time_seconds":
			if sample(got) != sample(want) {
				t.Errorf("%s = %v, library %v", name, sample(got), sample(want))
			}
		case "go_goroutines", "go_threads":
			if v := sample(got); v < 1 || v > sample(want)+20 {
				t.Errorf("%s = %v, library %v", name, v, sample(want))
			}
		default: // memory and allocation figures move between the two readings
			if g, w := sample(got), sample(want); g <= 0 || g < w/2 || g > w*2 {
				t.Errorf("%s = %v, library %v", name, g, w)
			}
		}
	}
	lintFamilies(t, newRuntimeStats().appendFamilies(nil))
}

// The pool part reports what the library's DBStatsCollector reports, by
// the same names, types, labels and values.
func TestPoolStatsAgreeWithTheLibrary(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	writer, reader := st.Pools()
	// Some activity, so that not every value is zero.
	for range 3 {
		var n int
		if err := reader.QueryRow(`SELECT COUNT(*) FROM countries`).Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	pools := []Pool{{Name: "writer", DB: writer}, {Name: "reader", DB: reader}}
	reg := prometheus.NewPedanticRegistry()
	for _, p := range pools {
		reg.MustRegister(collectors.NewDBStatsCollector(p.DB, p.Name))
	}
	libFams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	lib := byName(libFams)
	ours := byName(poolStats(pools).appendFamilies(nil))
	if len(ours) != len(lib) {
		t.Errorf("%d pool families, library %d", len(ours), len(lib))
	}
	for name, want := range lib {
		got, ok := ours[name]
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		if got.GetType() != want.GetType() {
			t.Errorf("%s: type %s, library %s", name, got.GetType(), want.GetType())
		}
		if g, w := samplesByLabels(got), samplesByLabels(want); fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("%s: %v, library %v", name, g, w)
		}
	}
	if len(poolStats(nil).appendFamilies(nil)) != 0 {
		t.Error("no pools, yet pool families")
	}
}

// samplesByLabels lists a family's samples as "labels=value", sorted.
func samplesByLabels(mf *dto.MetricFamily) []string {
	var out []string
	for _, m := range mf.Metric {
		var ls []string
		for _, lp := range m.Label {
			ls = append(ls, lp.GetName()+"="+lp.GetValue())
		}
		v := m.GetGauge().GetValue() + m.GetCounter().GetValue()
		out = append(out, strings.Join(ls, ",")+"="+fmt.Sprint(v))
	}
	slices.Sort(out)
	return out
}

// The HTTP part is what a registry gathers from the same vectors, byte for
// byte once encoded.
func TestHTTPFamiliesAreWhatARegistryGathers(t *testing.T) {
	m := newHTTPMetrics()
	if fams := m.appendFamilies(nil); len(fams) != 0 {
		t.Errorf("families before any request: %v", fams)
	}
	for i, route := range []string{"/", "/countries/{iso3}", "/", "unmatched", "/api/v1/records", "/"} {
		m.requests.WithLabelValues(route, "GET", fmt.Sprint(200+i%2*204)).Inc()
		m.duration.WithLabelValues(route, "GET").Observe(float64(i) / 100)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(m.requests, m.duration)
	want, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := m.appendFamilies(nil)
	if len(got) != len(want) {
		t.Fatalf("%d families, registry %d", len(got), len(want))
	}
	for i := range want {
		if g, w := expfmtText(t, got[i]), expfmtText(t, want[i]); g != w {
			t.Errorf("got\n%s\nregistry\n%s", g, w)
		}
	}
}

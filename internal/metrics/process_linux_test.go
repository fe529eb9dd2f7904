//go:build linux

package metrics

import (
	"os"
	"testing"

	"github.com/prometheus/client_golang/prometheus/collectors"
	dto "github.com/prometheus/client_model/go"
)

func sample(mf *dto.MetricFamily) float64 {
	m := mf.GetMetric()[0]
	if m.Counter != nil {
		return m.Counter.GetValue()
	}
	return m.Gauge.GetValue()
}

// The lean process collector reports what the client library's does, by
// the same names and types, with values that agree.
func TestProcessCollectorAgreesWithTheLibrary(t *testing.T) {
	lib := gatherOne(t, collectors.NewProcessCollector(collectors.ProcessCollectorOpts{ReportErrors: true}))
	ours := byName(newProcessSource().appendFamilies(nil))
	for name, want := range lib {
		if name == "process_network_receive_bytes_total" || name == "process_network_transmit_bytes_total" {
			continue // the namespace's counters, left out on purpose
		}
		got, ok := ours[name]
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		if got.GetType() != want.GetType() {
			t.Errorf("%s: type %s, library %s", name, got.GetType(), want.GetType())
		}
		g, w := sample(got), sample(want)
		switch name {
		case "process_max_fds", "process_virtual_memory_max_bytes":
			if g != w {
				t.Errorf("%s = %v, library %v", name, g, w)
			}
		case "process_start_time_seconds":
			if g != w || g < 1e9 {
				t.Errorf("%s = %v, library %v", name, g, w)
			}
		case "process_cpu_seconds_total":
			// Read after the library's, at finer resolution than its 10 ms ticks.
			if g < w-0.02 || g > w+5 {
				t.Errorf("%s = %v, library %v", name, g, w)
			}
		case "process_open_fds":
			if g < 3 || g > w+20 || g < w-20 {
				t.Errorf("%s = %v, library %v", name, g, w)
			}
		default: // memory sizes move a little between the two readings
			if g <= 0 || g < w/2 || g > w*2 {
				t.Errorf("%s = %v, library %v", name, g, w)
			}
		}
	}
	if len(ours) < 7 {
		t.Errorf("%d process metrics, want 7", len(ours))
	}
	lintFamilies(t, newProcessSource().appendFamilies(nil))
}

// The open directory is read afresh each time, from its start, and counts
// as a listing does: every descriptor, the directory's own included. (A
// listing made while it is open sees one more: the listing's.)
func TestOpenFDsCountsWhatAListingSees(t *testing.T) {
	p := newProcessSource().(*processStats)
	for range 3 {
		got, ok := p.openFDs()
		entries, err := os.ReadDir("/proc/self/fd")
		if !ok || err != nil {
			t.Fatalf("openFDs ok=%v, ReadDir %v", ok, err)
		}
		if got != len(entries)-1 {
			t.Errorf("openFDs = %d, a listing (with its own descriptor) sees %d", got, len(entries))
		}
		f, err := os.Open("/proc/self/statm") // one more descriptor for the next round
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
	}
}

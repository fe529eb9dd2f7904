package metrics

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// runtimeStats is the Go runtime part of the operational metrics: what an
// operator of a small web service watches, by the client library's names
// and types (its default Go collector), read with one runtime/metrics read
// and one GC statistics read:
//
//   - load and scheduling: go_goroutines, go_threads,
//     go_sched_gomaxprocs_threads;
//   - memory: go_memstats_heap_alloc_bytes (live heap), _heap_inuse_bytes,
//     _heap_objects, _stack_inuse_bytes, _sys_bytes (all the runtime holds),
//     _next_gc_bytes (the heap size that triggers the next GC);
//   - allocation rate: go_memstats_alloc_bytes_total, _mallocs_total,
//     _frees_total;
//   - garbage collection: go_gc_duration_seconds (pause quantiles, count of
//     cycles), go_memstats_last_gc_time_seconds, go_gc_gogc_percent,
//     go_gc_gomemlimit_bytes;
//   - go_info.
//
// Left out from the library's default set are the runtime allocator's
// internal bookkeeping gauges (go_memstats_buck_hash_sys_bytes, _gc_sys_bytes,
// _mcache_*, _mspan_*, _other_sys_bytes, _stack_sys_bytes, _heap_idle_bytes,
// _heap_released_bytes, _heap_sys_bytes) and go_memstats_alloc_bytes, which
// always equals go_memstats_heap_alloc_bytes: useful to someone debugging
// the Go runtime, not to someone running accesswatch, and together half of
// the runtime's samples. process_resident_memory_bytes says what the
// process costs the machine.
type runtimeStats struct {
	info *dto.MetricFamily
}

func newRuntimeStats() runtimeStats {
	return runtimeStats{info: newFamily("go_info", "The Go version accesswatch was built with; always 1.", dto.MetricType_GAUGE,
		gaugeMetric(1, "version", runtime.Version()))}
}

// The runtime/metrics read per scrape, in this order.
var runtimeSampleNames = [...]string{
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/gc/heap/objects:objects",
	"/memory/classes/heap/stacks:bytes",
	"/memory/classes/total:bytes",
	"/gc/heap/goal:bytes",
	"/gc/heap/allocs:bytes",
	"/gc/heap/allocs:objects",
	"/gc/heap/frees:objects",
	"/gc/heap/tiny/allocs:objects",
	"/sched/gomaxprocs:threads",
	"/gc/gogc:percent",
	"/gc/gomemlimit:bytes",
}

const (
	rtHeapObjectsBytes = iota
	rtHeapUnusedBytes
	rtHeapObjects
	rtStacksBytes
	rtTotalBytes
	rtGoalBytes
	rtAllocsBytes
	rtAllocsObjects
	rtFreesObjects
	rtTinyAllocsObjects
	rtGOMAXPROCS
	rtGOGC
	rtMemoryLimit
)

func (r runtimeStats) appendFamilies(fams []*dto.MetricFamily) []*dto.MetricFamily {
	var samples [len(runtimeSampleNames)]metrics.Sample
	for i, name := range runtimeSampleNames {
		samples[i].Name = name
	}
	metrics.Read(samples[:])
	v := func(i int) float64 {
		switch samples[i].Value.Kind() {
		case metrics.KindUint64:
			return float64(samples[i].Value.Uint64())
		case metrics.KindFloat64:
			return samples[i].Value.Float64()
		}
		return math.NaN() // not supported by this Go: NaN rather than a false 0
	}
	// Tiny allocations count among both mallocs and frees, as MemStats has
	// them, so that mallocs - frees stays the number of live objects.
	tiny := v(rtTinyAllocsObjects)

	threads, _ := runtime.ThreadCreateProfile(nil)
	var gc debug.GCStats
	gc.PauseQuantiles = make([]time.Duration, 5) // min, 25%, 50%, 75%, max
	debug.ReadGCStats(&gc)
	count, sum := uint64(gc.NumGC), gc.PauseTotal.Seconds()
	quantiles := make([]*dto.Quantile, len(gc.PauseQuantiles))
	for i, d := range gc.PauseQuantiles {
		q, s := float64(i)/float64(len(gc.PauseQuantiles)-1), d.Seconds()
		quantiles[i] = &dto.Quantile{Quantile: &q, Value: &s}
	}
	var lastGC float64
	if !gc.LastGC.IsZero() {
		lastGC = float64(gc.LastGC.UnixNano()) / 1e9
	}

	return append(fams,
		newFamily("go_gc_duration_seconds", "Garbage collection pauses: quantiles of the latest pauses, their sum and the number of cycles.",
			dto.MetricType_SUMMARY, &dto.Metric{Summary: &dto.Summary{SampleCount: &count, SampleSum: &sum, Quantile: quantiles}}),
		gaugeFamily("go_gc_gogc_percent", "The GOGC setting: heap growth, in percent, that starts a garbage collection.", v(rtGOGC)),
		gaugeFamily("go_gc_gomemlimit_bytes", "The GOMEMLIMIT setting, in bytes.", v(rtMemoryLimit)),
		gaugeFamily("go_goroutines", "Goroutines that exist now.", float64(runtime.NumGoroutine())),
		r.info,
		newFamily("go_memstats_alloc_bytes_total", "Bytes allocated on the heap since the process started, freed or not.",
			dto.MetricType_COUNTER, counterMetric(v(rtAllocsBytes))),
		newFamily("go_memstats_frees_total", "Heap objects freed since the process started.",
			dto.MetricType_COUNTER, counterMetric(v(rtFreesObjects)+tiny)),
		gaugeFamily("go_memstats_heap_alloc_bytes", "Bytes of heap objects, live or not yet swept.", v(rtHeapObjectsBytes)),
		gaugeFamily("go_memstats_heap_inuse_bytes", "Bytes in heap spans in use.", v(rtHeapObjectsBytes)+v(rtHeapUnusedBytes)),
		gaugeFamily("go_memstats_heap_objects", "Heap objects, live or not yet swept.", v(rtHeapObjects)),
		gaugeFamily("go_memstats_last_gc_time_seconds", "When the last garbage collection ended, in seconds since the Unix epoch; 0 if none has run.", lastGC),
		newFamily("go_memstats_mallocs_total", "Heap objects allocated since the process started.",
			dto.MetricType_COUNTER, counterMetric(v(rtAllocsObjects)+tiny)),
		gaugeFamily("go_memstats_next_gc_bytes", "Heap size at which the next garbage collection starts.", v(rtGoalBytes)),
		gaugeFamily("go_memstats_stack_inuse_bytes", "Bytes of goroutine stacks.", v(rtStacksBytes)),
		gaugeFamily("go_memstats_sys_bytes", "Bytes of memory the Go runtime holds from the operating system.", v(rtTotalBytes)),
		gaugeFamily("go_sched_gomaxprocs_threads", "The GOMAXPROCS setting: threads that may run Go code at once.", v(rtGOMAXPROCS)),
		gaugeFamily("go_threads", "Operating system threads the Go runtime created.", float64(threads)),
	)
}

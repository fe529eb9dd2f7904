//go:build linux

package metrics

import (
	"bytes"
	"os"
	"strconv"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/procfs"
)

// newProcessCollector returns a collector of the standard process_* metrics
// (the names and types of the client library's process collector, without
// its network counters, which are the whole network namespace's rather
// than the process's). It reads them with two system calls, one small
// /proc file and one directory listing per scrape, and the start time
// once. The library's collector parses /proc/self/stat, the system-wide
// /proc/stat, /proc/self/limits and the namespace's netstat and snmp files
// on every scrape; on the 2-core VM the benchmarks run on that took about
// three times as long as serving the whole of /metrics from memory
// (docs/METRICS-PERFORMANCE.md).
func newProcessCollector() prometheus.Collector {
	c := &processCollector{pageSize: float64(os.Getpagesize())}
	// The start time never changes: read it the library's way, once.
	if p, err := procfs.Self(); err == nil {
		if stat, err := p.Stat(); err == nil {
			if start, err := stat.StartTime(); err == nil {
				c.start = start
			}
		}
	}
	return c
}

type processCollector struct {
	start    float64 // Unix seconds; 0 if unknown
	pageSize float64
}

var (
	descProcessCPU       = prometheus.NewDesc("process_cpu_seconds_total", "User and system CPU time this process has used, in seconds.", nil, nil)
	descProcessOpenFDs   = prometheus.NewDesc("process_open_fds", "File descriptors this process has open.", nil, nil)
	descProcessMaxFDs    = prometheus.NewDesc("process_max_fds", "Most file descriptors this process may open (soft limit).", nil, nil)
	descProcessVSize     = prometheus.NewDesc("process_virtual_memory_bytes", "Virtual memory size of this process, in bytes.", nil, nil)
	descProcessMaxVSize  = prometheus.NewDesc("process_virtual_memory_max_bytes", "Most virtual memory this process may use (soft limit), in bytes.", nil, nil)
	descProcessRSS       = prometheus.NewDesc("process_resident_memory_bytes", "Resident memory size of this process, in bytes.", nil, nil)
	descProcessStartTime = prometheus.NewDesc("process_start_time_seconds", "When this process started, in seconds since the Unix epoch.", nil, nil)
)

func (c *processCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descProcessCPU, descProcessOpenFDs, descProcessMaxFDs, descProcessVSize, descProcessMaxVSize, descProcessRSS, descProcessStartTime} {
		ch <- d
	}
}

// Collect emits what it can read; a value it cannot read is left out, as
// the library's collector does by default.
func (c *processCollector) Collect(ch chan<- prometheus.Metric) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		cpu := float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
		constMetric(ch, descProcessCPU, prometheus.CounterValue, cpu)
	}
	if n, ok := openFDs(); ok {
		gauge(ch, descProcessOpenFDs, float64(n))
	}
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl) == nil {
		gauge(ch, descProcessMaxFDs, float64(rl.Cur))
	}
	if syscall.Getrlimit(syscall.RLIMIT_AS, &rl) == nil {
		gauge(ch, descProcessMaxVSize, float64(rl.Cur))
	}
	if size, resident, ok := statm(); ok {
		gauge(ch, descProcessVSize, size*c.pageSize)
		gauge(ch, descProcessRSS, resident*c.pageSize)
	}
	if c.start > 0 {
		gauge(ch, descProcessStartTime, c.start)
	}
}

// openFDs counts the entries of /proc/self/fd (including the one listing it,
// as the library counts).
func openFDs() (int, bool) {
	d, err := os.Open("/proc/self/fd")
	if err != nil {
		return 0, false
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	return len(names), err == nil
}

// statm reads the virtual and resident sizes, in pages, from /proc/self/statm.
func statm() (size, resident float64, ok bool) {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, 0, false
	}
	fields := bytes.Fields(raw)
	if len(fields) < 2 {
		return 0, 0, false
	}
	s, err1 := strconv.ParseUint(string(fields[0]), 10, 64)
	r, err2 := strconv.ParseUint(string(fields[1]), 10, 64)
	return float64(s), float64(r), err1 == nil && err2 == nil
}

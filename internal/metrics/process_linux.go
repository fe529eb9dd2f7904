//go:build linux

package metrics

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"strconv"
	"sync"
	"syscall"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/procfs"
)

// newProcessSource returns the process_* metrics (the names and types of the
// client library's process collector, without its network counters, which
// are the whole network namespace's rather than the process's). A scrape
// reads them with two system calls, a pread of /proc/self/statm and a
// listing of /proc/self/fd, both kept open; the start time is read once.
// The library's collector parses /proc/self/stat, the system-wide
// /proc/stat, /proc/self/limits and the namespace's netstat and snmp files
// on every scrape; on the 2-core VM the benchmarks run on that took about
// three times as long as serving the whole of /metrics from memory
// (docs/PERFORMANCE.md, "/metrics"), and opening a /proc file there costs more
// than reading it.
func newProcessSource() opsSource {
	c := &processStats{pageSize: float64(os.Getpagesize())}
	// The start time never changes: read it the library's way, once.
	if p, err := procfs.Self(); err == nil {
		if stat, err := p.Stat(); err == nil {
			if start, err := stat.StartTime(); err == nil {
				c.start = start
			}
		}
	}
	// Failing to open either leaves its metrics out, as a failed read does.
	c.statm, _ = os.Open("/proc/self/statm")
	if fd, err := syscall.Open("/proc/self/fd", syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0); err == nil {
		c.fdDir = fd
	} else {
		c.fdDir = -1
	}
	return c
}

// processStats is the process part of the operational metrics. Its two
// files stay open for the life of the process (one Exporter per process).
type processStats struct {
	start    float64 // Unix seconds; 0 if unknown
	pageSize float64
	statm    *os.File // /proc/self/statm; nil if it could not be opened

	mu    sync.Mutex // the directory's read offset is shared
	fdDir int        // /proc/self/fd; -1 if it could not be opened
}

// appendFamilies appends what it can read; a value it cannot read is left
// out, as the library's collector does by default.
func (c *processStats) appendFamilies(fams []*dto.MetricFamily) []*dto.MetricFamily {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		cpu := float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
		fams = append(fams, newFamily("process_cpu_seconds_total", "User and system CPU time this process has used, in seconds.",
			dto.MetricType_COUNTER, counterMetric(cpu)))
	}
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl) == nil {
		fams = append(fams, gaugeFamily("process_max_fds", "Most file descriptors this process may open (soft limit).", float64(rl.Cur)))
	}
	if n, ok := c.openFDs(); ok {
		fams = append(fams, gaugeFamily("process_open_fds", "File descriptors this process has open.", float64(n)))
	}
	size, resident, statmOK := c.readStatm()
	if statmOK {
		fams = append(fams, gaugeFamily("process_resident_memory_bytes", "Resident memory size of this process, in bytes.", resident*c.pageSize))
	}
	if c.start > 0 {
		fams = append(fams, gaugeFamily("process_start_time_seconds", "When this process started, in seconds since the Unix epoch.", c.start))
	}
	if statmOK {
		fams = append(fams, gaugeFamily("process_virtual_memory_bytes", "Virtual memory size of this process, in bytes.", size*c.pageSize))
	}
	if syscall.Getrlimit(syscall.RLIMIT_AS, &rl) == nil {
		fams = append(fams, gaugeFamily("process_virtual_memory_max_bytes", "Most virtual memory this process may use (soft limit), in bytes.", float64(rl.Cur)))
	}
	return fams
}

// openFDs counts the entries of /proc/self/fd (including the one listing
// it, as the library counts), reading the open directory from its start.
func (c *processStats) openFDs() (int, bool) {
	if c.fdDir < 0 {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := syscall.Seek(c.fdDir, 0, io.SeekStart); err != nil {
		return 0, false
	}
	var buf [4096]byte
	count := 0
	for {
		n, err := syscall.Getdents(c.fdDir, buf[:])
		if err != nil {
			return 0, false
		}
		if n <= 0 {
			return count, true
		}
		// Each record: inode (8), offset (8), length (2), type (1), name.
		for off := 0; off+19 < n; {
			reclen := int(binary.NativeEndian.Uint16(buf[off+16:]))
			if reclen == 0 {
				return 0, false
			}
			name := buf[off+19 : off+reclen]
			if !bytes.HasPrefix(name, []byte(".\x00")) && !bytes.HasPrefix(name, []byte("..\x00")) {
				count++
			}
			off += reclen
		}
	}
}

// readStatm reads the virtual and resident sizes, in pages, from
// /proc/self/statm.
func (c *processStats) readStatm() (size, resident float64, ok bool) {
	if c.statm == nil {
		return 0, 0, false
	}
	var buf [256]byte
	n, err := c.statm.ReadAt(buf[:], 0)
	if n == 0 && err != nil {
		return 0, 0, false
	}
	fields := bytes.Fields(buf[:n])
	if len(fields) < 2 {
		return 0, 0, false
	}
	s, err1 := strconv.ParseUint(string(fields[0]), 10, 64)
	r, err2 := strconv.ParseUint(string(fields[1]), 10, 64)
	return float64(s), float64(r), err1 == nil && err2 == nil
}

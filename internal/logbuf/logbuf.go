// Package logbuf keeps log output off the request path: a Writer gathers
// log lines in memory and hands them to the underlying writer (stderr, a
// file) in batches, on a short interval and when it is closed, instead of
// one write system call per line.
package logbuf

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// DefaultInterval is how long a line may wait in memory before it is
// written: short enough that someone tailing the log sees requests as
// they happen.
const DefaultInterval = time.Second

// bufferSize is the memory a Writer gathers lines in; a full buffer is
// written at once, whatever the interval.
const bufferSize = 64 << 10

// Writer is a buffered, concurrency-safe io.Writer. Each Write is kept
// whole (a log handler writes one line per call), so lines from concurrent
// requests never interleave. Call Close when done: lines still in memory
// are lost otherwise.
type Writer struct {
	mu     sync.Mutex
	buf    *bufio.Writer
	err    error // the first error of the underlying writer
	stop   chan struct{}
	done   chan struct{}
	closed bool
}

// New returns a Writer over w that writes what it holds every interval
// (DefaultInterval when interval <= 0), when its buffer fills, and on Flush
// and Close.
func New(w io.Writer, interval time.Duration) *Writer {
	if interval <= 0 {
		interval = DefaultInterval
	}
	lw := &Writer{buf: bufio.NewWriterSize(w, bufferSize), stop: make(chan struct{}), done: make(chan struct{})}
	go lw.flushEvery(interval)
	return lw
}

func (w *Writer) flushEvery(interval time.Duration) {
	defer close(w.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = w.Flush() // the error is kept and returned by Write and Close
		case <-w.stop:
			return
		}
	}
}

// Write buffers p. It fails only after the underlying writer has failed
// (a log line has nowhere else to go); after Close it writes through.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	if w.buf.Available() < len(p) && w.buf.Buffered() > 0 {
		// Write what is held first, so that p goes out whole rather
		// than split between two writes of the underlying writer.
		if w.err = w.buf.Flush(); w.err != nil {
			return 0, w.err
		}
	}
	n, err := w.buf.Write(p)
	if err == nil && w.closed {
		err = w.buf.Flush()
	}
	if err != nil {
		w.err = err
	}
	return n, err
}

// Flush writes every buffered line to the underlying writer.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	w.err = w.buf.Flush()
	return w.err
}

// Close stops the periodic flushing and writes what is buffered. Later
// writes (a last line logged during shutdown) go straight through. Close
// may be called more than once.
func (w *Writer) Close() error {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.stop)
	}
	w.mu.Unlock()
	<-w.done
	return w.Flush()
}

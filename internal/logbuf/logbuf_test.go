package logbuf

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the flusher and the test.
type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// An interval far beyond the test keeps the ticker out of it.
const never = time.Hour

func TestLinesWaitForFlush(t *testing.T) {
	var out lockedBuffer
	w := New(&out, never)
	defer w.Close()
	fmt.Fprintln(w, "first")
	fmt.Fprintln(w, "second")
	if got := out.String(); got != "" {
		t.Fatalf("written before Flush: %q", got)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "first\nsecond\n" {
		t.Fatalf("after Flush: %q", got)
	}
	if out.writes != 1 {
		t.Errorf("two lines took %d writes, want 1", out.writes)
	}
}

func TestCloseLosesNothing(t *testing.T) {
	var out lockedBuffer
	w := New(&out, never)
	var wg sync.WaitGroup
	const writers, lines = 8, 500
	for g := range writers {
		wg.Go(func() {
			for i := range lines {
				fmt.Fprintf(w, "writer=%d line=%d %s\n", g, i, strings.Repeat("x", 100))
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != writers*lines {
		t.Fatalf("%d lines after Close, want %d", len(got), writers*lines)
	}
	seen := map[string]bool{}
	for _, l := range got {
		var g, i int
		var tail string
		if _, err := fmt.Sscanf(l, "writer=%d line=%d %s", &g, &i, &tail); err != nil || len(tail) != 100 {
			t.Fatalf("torn line %q", l)
		}
		seen[l] = true
	}
	if len(seen) != writers*lines {
		t.Errorf("%d distinct lines, want %d", len(seen), writers*lines)
	}
	// After Close, a late line is written at once.
	fmt.Fprintln(w, "late")
	if !strings.HasSuffix(out.String(), "late\n") {
		t.Errorf("late line not written through")
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestIntervalFlushes(t *testing.T) {
	var out lockedBuffer
	w := New(&out, time.Millisecond)
	defer w.Close()
	fmt.Fprintln(w, "tick")
	// No timing assertion: wait (bounded by the test's own deadline)
	// until the ticker has written the line without any Flush call.
	for out.String() == "" {
		time.Sleep(time.Millisecond)
	}
	if got := out.String(); got != "tick\n" {
		t.Fatalf("got %q", got)
	}
}

func TestLongLineStaysWhole(t *testing.T) {
	var out lockedBuffer
	w := New(&out, never)
	fmt.Fprint(w, "short\n")
	long := strings.Repeat("y", bufferSize+10) + "\n"
	fmt.Fprint(w, long)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "short\n"+long {
		t.Fatalf("got %d bytes, want %d", len(got), len("short\n"+long))
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestUnderlyingErrorIsReported(t *testing.T) {
	w := New(failing{}, never)
	if _, err := fmt.Fprintln(w, "line"); err != nil {
		t.Fatalf("buffered write failed early: %v", err)
	}
	if err := w.Close(); err == nil {
		t.Fatal("Close did not report the failed write")
	}
	if _, err := fmt.Fprintln(w, "again"); err == nil {
		t.Error("write after a failure succeeded")
	}
}

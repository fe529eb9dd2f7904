package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer the server's log and the test can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A clean stop writes every buffered log line: with a flush interval far
// beyond the test, the request lines can only reach stderr through the
// flush when serve returns.
func TestServeFlushesLogOnStop(t *testing.T) {
	cfg := Config{Addr: "127.0.0.1:0", DB: filepath.Join(t.TempDir(), "a.db"), LogFormat: "text"}
	var stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() { errc <- serveLogged(ctx, cfg, &stderr, time.Hour, func(a string) { addrc <- a }) }()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case err := <-errc:
		t.Fatalf("serve: %v", err)
	}
	const requests = 25
	for i := range requests {
		resp, err := http.Get(base + "/healthz?n=" + string(rune('a'+i)))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if n := strings.Count(stderr.String(), "msg=request"); n == requests {
		t.Fatalf("request lines written before the stop (%d): the log is not buffered", n)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("serve returned %v", err)
	}
	out := stderr.String()
	if n := strings.Count(out, "msg=request"); n != requests {
		t.Errorf("%d request lines after a clean stop, want %d:\n%s", n, requests, out)
	}
	for _, want := range []string{"msg=listening", `msg="shutting down"`, "msg=stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s", want)
		}
	}
}

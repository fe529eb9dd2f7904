package harness

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// SlowOptions configure the slow- and oversized-client harness.
type SlowOptions struct {
	Binary        Binary
	Dir           string
	HeaderTimeout time.Duration // the server's --read-header-timeout
	SlowConns     int           // connections trickling their headers
	Clients       int           // ordinary clients measuring latency
	Baseline      time.Duration // ordinary traffic alone, before the slow connections
	Out           io.Writer
}

// SlowReport is the outcome.
type SlowReport struct {
	HeaderTimeout time.Duration
	Baseline      Latency // ordinary requests alone
	During        Latency // ordinary requests while the slow connections trickle
	Errors        map[string]int
	SlowConns     int
	Closed        int             // slow connections the server closed
	CloseAfter    []time.Duration // from connect to the server's close, sorted
	Oversized     []OversizedResult
}

// OversizedResult is one too-large request.
type OversizedResult struct {
	What   string
	Status int    // the server's answer
	Sent   int64  // bytes of the body (or headers) sent before the server closed the connection
	Offer  string // what the client set out to send
	Closed bool   // the server closed the connection
}

// Failures lists what went wrong; none means the run passed.
func (r SlowReport) Failures() []string {
	var out []string
	for k, n := range r.Errors {
		out = append(out, fmt.Sprintf("ordinary request errors x%d: %s", n, k))
	}
	if r.Closed != r.SlowConns {
		out = append(out, fmt.Sprintf("%d of %d slow connections were not closed by the server", r.SlowConns-r.Closed, r.SlowConns))
	}
	// Generous bounds only: timing on a shared machine is noisy.
	if n := len(r.CloseAfter); n > 0 && r.CloseAfter[n-1] > r.HeaderTimeout+5*time.Second {
		out = append(out, fmt.Sprintf("a slow connection stayed open %s with a %s header timeout", r.CloseAfter[n-1], r.HeaderTimeout))
	}
	if bound := max(10*r.Baseline.P99, 2*time.Second); r.During.P99 > bound {
		out = append(out, fmt.Sprintf("ordinary p99 %s during the slow connections, over the bound %s (10x the %s without)", r.During.P99, bound, r.Baseline.P99))
	}
	if r.During.Count == 0 || r.Baseline.Count == 0 {
		out = append(out, "no ordinary request was measured")
	}
	for _, o := range r.Oversized {
		want := http.StatusRequestEntityTooLarge
		if strings.HasPrefix(o.What, "headers") {
			want = http.StatusRequestHeaderFieldsTooLarge
		}
		if o.Status != want || !o.Closed || o.Sent > 4<<20 {
			out = append(out, fmt.Sprintf("%s: status %d (want %d), closed %v, %d bytes sent before the close (want at most 4 MiB)",
				o.What, o.Status, want, o.Closed, o.Sent))
		}
	}
	return out
}

// Print writes the report.
func (r SlowReport) Print(w io.Writer) {
	fmt.Fprintf(w, "slow clients: %d connections trickling headers, one byte every 100 ms; server --read-header-timeout %s\n", r.SlowConns, r.HeaderTimeout)
	if n := len(r.CloseAfter); n > 0 {
		fmt.Fprintf(w, "  closed by the server: %d of %d, after %s (first) / %s (median) / %s (last)\n", r.Closed, r.SlowConns,
			round(r.CloseAfter[0]), round(r.CloseAfter[n/2]), round(r.CloseAfter[n-1]))
	}
	fmt.Fprintf(w, "  ordinary requests alone:         %5d, p50 %s, p99 %s, max %s\n", r.Baseline.Count, round(r.Baseline.P50), round(r.Baseline.P99), round(r.Baseline.Max))
	fmt.Fprintf(w, "  ordinary requests while trickled: %5d, p50 %s, p99 %s, max %s\n", r.During.Count, round(r.During.P50), round(r.During.P99), round(r.During.Max))
	for _, o := range r.Oversized {
		fmt.Fprintf(w, "  %s (%s): status %d; connection closed by the server after %d KiB sent: %v\n", o.What, o.Offer, o.Status, o.Sent>>10, o.Closed)
	}
	if f := r.Failures(); len(f) > 0 {
		fmt.Fprintf(w, "FAILED: %v\n", f)
	} else {
		fmt.Fprintln(w, "PASSED: slow connections closed by the header timeout, ordinary latency kept, oversized requests refused without being read")
	}
}

// RunSlow measures ordinary requests alone, then while many connections
// trickle their headers (slowloris), and sends requests over the size
// limits.
func RunSlow(ctx context.Context, opt SlowOptions) (SlowReport, error) {
	rep := SlowReport{HeaderTimeout: opt.HeaderTimeout, SlowConns: opt.SlowConns, Errors: map[string]int{}}
	db, _, err := prepare(ctx, opt.Binary, opt.Dir, Dataset{}, 0, opt.Out)
	if err != nil {
		return rep, err
	}
	srv, err := opt.Binary.Start(ctx, ServerOptions{DB: db, Args: []string{"--read-header-timeout", opt.HeaderTimeout.String()}})
	if err != nil {
		return rep, err
	}
	defer srv.Kill()
	targets, err := Targets(ctx, srv.URL, 8)
	if err != nil {
		return rep, err
	}
	reads := Reads(targets)
	var errMu sync.Mutex
	ordinary := func(d time.Duration) Latency {
		stats := NewStats()
		var wg sync.WaitGroup
		deadline := time.Now().Add(d)
		for i := range opt.Clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(i), 7))
				client := &http.Client{Transport: newTransport()}
				for time.Now().Before(deadline) {
					r := reads[rng.IntN(len(reads))]
					start := time.Now()
					resp, err := do(ctx, client, http.MethodGet, srv.URL+r.Path, gzipHeader, "")
					if err == nil && resp.status != http.StatusOK {
						err = fmt.Errorf("status %d", resp.status)
					}
					if err != nil {
						errMu.Lock()
						rep.Errors["GET "+r.Path+": "+errorKind(err)]++
						errMu.Unlock()
						continue
					}
					stats.OK("ordinary", time.Since(start))
				}
			}()
		}
		wg.Wait()
		return stats.Summary().Classes["ordinary"]
	}

	rep.Baseline = ordinary(opt.Baseline)

	// The slow connections: a request line and then a header, one byte
	// every 100 ms, never finished. Each waits for the server to close it.
	var closed atomic.Int64
	var closeMu sync.Mutex
	var wg sync.WaitGroup
	for range opt.SlowConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			conn, err := net.DialTimeout("tcp", srv.Addr, 5*time.Second)
			if err != nil {
				return
			}
			defer conn.Close()
			gone := make(chan struct{})
			go func() {
				_, _ = io.Copy(io.Discard, conn) // returns when the server closes
				close(gone)
			}()
			payload := "GET / HTTP/1.1\r\nHost: " + srv.Addr + "\r\nX-Slow: " + strings.Repeat("a", 1000)
			limit := time.After(opt.HeaderTimeout + 10*time.Second)
			for i := 0; ; i++ {
				select {
				case <-gone:
					closed.Add(1)
					closeMu.Lock()
					rep.CloseAfter = append(rep.CloseAfter, time.Since(start))
					closeMu.Unlock()
					return
				case <-limit:
					return
				case <-time.After(100 * time.Millisecond):
				}
				if _, err := conn.Write([]byte{payload[i%len(payload)]}); err != nil {
					// The server closed: the reader notices too.
					<-gone
					closed.Add(1)
					closeMu.Lock()
					rep.CloseAfter = append(rep.CloseAfter, time.Since(start))
					closeMu.Unlock()
					return
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond) // let them connect
	rep.During = ordinary(opt.HeaderTimeout + time.Second)
	wg.Wait()
	rep.Closed = int(closed.Load())
	slices.Sort(rep.CloseAfter)

	for _, over := range []func(context.Context, string) (OversizedResult, error){oversizedLength, oversizedChunked, oversizedHeaders} {
		res, err := over(ctx, srv.Addr)
		if err != nil {
			return rep, err
		}
		rep.Oversized = append(rep.Oversized, res)
	}
	if _, err := srv.Terminate(40 * time.Second); err != nil {
		return rep, err
	}
	return rep, nil
}

// The body limit of admin forms is 1 MiB; these requests go to the login
// form, which takes a body from anyone. A body that is not a form cut
// short (here, one endless field name) is answered 413.
const oversizeTarget = "/admin/login"

// oversizedLength announces a 1 GiB form and sends it slowly, 64 KiB every
// 10 ms, while reading the answer: the server must answer 413 and close
// long before the body is through.
func oversizedLength(ctx context.Context, addr string) (OversizedResult, error) {
	const announced = 1 << 30
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n",
		oversizeTarget, addr, announced)
	res, err := sendSlowly(ctx, addr, head, announced, func(chunk []byte) []byte { return chunk })
	res.What, res.Offer = "body over the limit, with Content-Length", "1 GiB announced"
	return res, err
}

// oversizedChunked sends a chunked form with no length, slowly: the server
// must stop reading at its limit, answer 413 and close.
func oversizedChunked(ctx context.Context, addr string) (OversizedResult, error) {
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n",
		oversizeTarget, addr)
	res, err := sendSlowly(ctx, addr, head, 1<<30, func(chunk []byte) []byte {
		return append([]byte(fmt.Sprintf("%x\r\n", len(chunk))), append(chunk, '\r', '\n')...)
	})
	res.What, res.Offer = "body over the limit, chunked", "1 GiB, no length given"
	return res, err
}

// oversizedHeaders sends 1 MiB of headers slowly: the server must answer
// 431 (its header limit is 64 KiB) and close.
func oversizedHeaders(ctx context.Context, addr string) (OversizedResult, error) {
	head := fmt.Sprintf("GET / HTTP/1.1\r\nHost: %s\r\n", addr)
	n := 0
	res, err := sendSlowly(ctx, addr, head, 1<<20, func(chunk []byte) []byte {
		n++
		return []byte(fmt.Sprintf("X-Big-%d: %s\r\n", n, strings.Repeat("h", len(chunk)-20)))
	})
	res.What, res.Offer = "headers over the limit", "1 MiB of header lines"
	return res, err
}

// sendSlowly writes head, then body chunks of 64 KiB every 10 ms (framed
// by frame) up to total bytes, while reading the answer — and goes on
// sending after the answer, as a client streaming an upload does, until
// the server closes the connection or the body is through.
func sendSlowly(ctx context.Context, addr, head string, total int64, frame func([]byte) []byte) (OversizedResult, error) {
	var res OversizedResult
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(90 * time.Second))
	answered := make(chan int, 1) // the status; 0 if none could be read
	closedc := make(chan struct{})
	go func() {
		defer close(closedc)
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			answered <- 0
			return
		}
		answered <- resp.StatusCode
		_, _ = io.Copy(io.Discard, br) // until the server closes
	}()
	if _, err := io.WriteString(conn, head); err != nil {
		return res, fmt.Errorf("send headers: %w", err)
	}
	chunk := []byte(strings.Repeat("a", 64<<10))
	answeredAt := int64(-1)
send:
	for res.Sent < total {
		select {
		case res.Status = <-answered:
			answeredAt = res.Sent
			answered = nil
		case <-closedc:
			res.Closed = true
			break send
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
		if _, err := conn.Write(frame(chunk)); err != nil {
			break // the server closed its end
		}
		res.Sent += int64(len(chunk))
	}
	if answeredAt < 0 {
		select {
		case res.Status = <-answered:
		case <-time.After(30 * time.Second):
			return res, errors.New("no answer to an oversized request")
		}
	}
	if !res.Closed {
		select {
		case <-closedc:
			res.Closed = true
		case <-time.After(10 * time.Second):
		}
	}
	return res, nil
}

// Package harness proves accesswatch under load and faults: it builds the
// real binary, runs it as a separate process on loopback, drives editors
// and readers against it over HTTP, kills or stops it, and then checks the
// database file itself. It is used by cmd/awstress (the one command that
// runs every harness, with figures) and by this package's tests (short
// versions, run in CI).
//
// The checks read the database with their own SQL (reconcile.go) rather
// than through internal/store: they verify the store, so they must not
// trust it.
package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// BuildOptions say how to build the accesswatch binary.
type BuildOptions struct {
	Dir  string   // where the binary goes
	Tags []string // build tags, e.g. "faultinject"
	Race bool     // build with the race detector
}

// Build compiles ./cmd/accesswatch of the module the working directory is
// in, with `go build`, and returns the binary's path.
func Build(ctx context.Context, opt BuildOptions) (string, error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return "", err
	}
	name := "accesswatch"
	if len(opt.Tags) > 0 {
		name += "-" + strings.Join(opt.Tags, "-")
	}
	if opt.Race {
		name += "-race"
	}
	out := filepath.Join(opt.Dir, name)
	args := []string{"build", "-o", out}
	if len(opt.Tags) > 0 {
		args = append(args, "-tags", strings.Join(opt.Tags, ","))
	}
	if opt.Race {
		args = append(args, "-race")
	}
	cmd := exec.CommandContext(ctx, "go", append(args, "./cmd/accesswatch")...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, b)
	}
	return out, nil
}

// moduleRoot is the directory of the go.mod that the working directory is in.
func moduleRoot(ctx context.Context) (string, error) {
	b, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(b))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the accesswatch module: run from the repository")
	}
	return filepath.Dir(mod), nil
}

// Binary is a built accesswatch.
type Binary struct {
	Path string
	// Env is added to the environment of every process it runs (e.g. the
	// fault switch of a faultinject build).
	Env []string
}

// run runs an accesswatch subcommand to completion, with stdin.
func (b Binary) run(ctx context.Context, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, b.Path, args...)
	cmd.Env = append(os.Environ(), b.Env...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("accesswatch %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// Account is an editor's login.
type Account struct{ Name, Password string }

// Accounts makes n editors' accounts in the database with `accesswatch user
// add`, the password given on standard input as an operator would.
func (b Binary) Accounts(ctx context.Context, db string, n int) ([]Account, error) {
	out := make([]Account, n)
	for i := range out {
		out[i] = Account{Name: fmt.Sprintf("stress%d", i+1), Password: fmt.Sprintf("harness-password-%d", i+1)}
		if _, err := b.run(ctx, out[i].Password+"\n", "user", "add", out[i].Name, "--role", "editor", "--db", db); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Generate fills a new database with the synthetic dataset (`accesswatch gen`).
func (b Binary) Generate(ctx context.Context, db string, records int) (time.Duration, error) {
	start := time.Now()
	_, err := b.run(ctx, "", "gen", "--records", strconv.Itoa(records), "--db", db)
	return time.Since(start), err
}

// ServerOptions start a server process.
type ServerOptions struct {
	DB   string
	Addr string   // host:port; empty picks a free loopback port
	Args []string // more serve flags
	// Log receives the server's standard error; nil keeps it in memory only.
	Log io.Writer
}

// Server is a running `accesswatch serve` process.
type Server struct {
	URL     string
	Addr    string
	cmd     *exec.Cmd
	started time.Time
	// Ready is how long the process took from start to its first 200 on
	// /healthz.
	Ready time.Duration

	logMu sync.Mutex
	log   bytes.Buffer
	tee   io.Writer

	done    chan struct{}
	waitErr error
}

// Start starts `accesswatch serve` and waits until /healthz answers 200.
func (b Binary) Start(ctx context.Context, opt ServerOptions) (*Server, error) {
	addr := opt.Addr
	if addr == "" {
		var err error
		if addr, err = freeAddr(); err != nil {
			return nil, err
		}
	}
	args := append([]string{"serve", "--addr", addr, "--db", opt.DB, "--log-level", "warn"}, opt.Args...)
	s := &Server{URL: "http://" + addr, Addr: addr, tee: opt.Log, done: make(chan struct{})}
	s.cmd = exec.Command(b.Path, args...)
	s.cmd.Env = append(os.Environ(), b.Env...)
	s.cmd.Stdout = s.logWriter()
	s.cmd.Stderr = s.logWriter()
	s.started = time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start accesswatch: %w", err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.done)
	}()
	if err := s.waitReady(ctx, 60*time.Second); err != nil {
		s.Kill()
		return nil, fmt.Errorf("%w\nserver output:\n%s", err, s.Log())
	}
	s.Ready = time.Since(s.started)
	return s, nil
}

// freeAddr finds a loopback port nobody listens on.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitReady polls /healthz until it answers 200.
func (s *Server) waitReady(ctx context.Context, limit time.Duration) error {
	_, err := s.FirstOK(ctx, "/healthz", limit)
	return err
}

// FirstOK polls path every few milliseconds until it answers 200, and
// returns the time from the process start to that answer.
func (s *Server) FirstOK(ctx context.Context, path string, limit time.Duration) (time.Duration, error) {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-s.done:
			return 0, fmt.Errorf("accesswatch exited before answering %s: %v", path, s.waitErr)
		case <-ctx.Done():
			return 0, ctx.Err()
		default:
		}
		resp, err := client.Get(s.URL + path)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(s.started), nil
			}
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%s did not answer 200 within %s (last: %v)", path, limit, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (s *Server) logWriter() io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		s.logMu.Lock()
		defer s.logMu.Unlock()
		s.log.Write(p)
		if s.tee != nil {
			_, _ = s.tee.Write(p)
		}
		return len(p), nil
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// Log returns what the server wrote to standard output and error so far.
func (s *Server) Log() string {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return s.log.String()
}

// PID is the server's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// PeakRSS is the process's peak resident set size so far (VmHWM in
// /proc/PID/status), in bytes.
func (s *Server) PeakRSS() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.PID()))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

// CPU is the user and system CPU time the process has used so far.
func (s *Server) CPU() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.PID()))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("unreadable /proc stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	const ticksPerSecond = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticksPerSecond, nil
}

// Terminate sends SIGTERM and waits up to limit for the process to exit;
// it returns the exit code (-1 if killed by a signal).
func (s *Server) Terminate(limit time.Duration) (int, error) {
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return 0, fmt.Errorf("SIGTERM: %w", err)
	}
	select {
	case <-s.done:
	case <-time.After(limit):
		s.Kill()
		return -1, fmt.Errorf("accesswatch did not exit within %s of SIGTERM", limit)
	}
	return s.cmd.ProcessState.ExitCode(), nil
}

// Kill sends SIGKILL (kill -9) and waits for the process to be gone.
func (s *Server) Kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// LogProblems lists lines of the server's output that no run may show:
// SQLite lock errors, panics, data races.
func LogProblems(log string) []string {
	var out []string
	for line := range strings.SplitSeq(log, "\n") {
		l := strings.ToLower(line)
		if strings.Contains(l, "database is locked") || strings.Contains(l, "panic") ||
			strings.Contains(l, "data race") || strings.Contains(l, "sqlite_busy") {
			out = append(out, line)
		}
	}
	return out
}

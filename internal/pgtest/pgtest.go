// Package pgtest gives tests a throwaway PostgreSQL database.
//
// With ACCESSWATCH_TEST_POSTGRES set (a postgres:// URL of a server where
// the user may CREATE DATABASE — .ci/run starts one and sets it), every
// database is made on that server. Otherwise, if Debian's initdb is found
// (PATH or /usr/lib/postgresql/*/bin), the first test that asks starts a
// cluster of its own in a temporary directory — as the unprivileged user
// `nobody` when the tests run as root, since PostgreSQL refuses to run as
// root — and Main stops it when the tests end. Without either, the tests
// that need PostgreSQL skip with a message, or fail under
// ACCESSWATCH_REQUIRE_E2E=1.
//
// The cluster started here runs with fsync off: it is a test fixture, and
// is deleted at the end. Tests that measure durability of PostgreSQL itself
// do not exist here (the kill -9 tests kill accesswatch, not the server).
package pgtest

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/accesswatch/accesswatch/internal/e2e"
)

// Env names the variable holding an existing server's URL.
const Env = "ACCESSWATCH_TEST_POSTGRES"

var (
	once     sync.Once
	cluster  *Cluster
	adminURL string
	startErr error
	counter  atomic.Int64
)

// Main runs the tests and stops the cluster this package started, if any.
// Call it from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if cluster != nil {
		cluster.Remove()
	}
	return code
}

// server returns the admin URL of the server to use, starting one if
// needed, or skips the test.
func server(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		if u := os.Getenv(Env); u != "" {
			adminURL = u
			return
		}
		bin := FindBin()
		if bin == "" {
			startErr = fmt.Errorf("PostgreSQL is not installed (no initdb on PATH or under /usr/lib/postgresql/*/bin) and %s is not set", Env)
			return
		}
		cluster, startErr = Start(bin)
		if startErr == nil {
			adminURL = cluster.URL("postgres")
		}
	})
	if startErr != nil {
		msg := startErr.Error() + "; the PostgreSQL tests need one or the other"
		if e2e.Required() {
			t.Fatalf("%s, and %s=1 requires them", msg, e2e.RequireEnv)
		}
		t.Skip(msg)
	}
	return adminURL
}

// URL returns the URL of a new, empty database for the test, dropped when
// the test ends.
func URL(t testing.TB) string {
	t.Helper()
	admin := server(t)
	name := fmt.Sprintf("aw_test_%d_%d", os.Getpid(), counter.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to the test PostgreSQL: %v", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			return
		}
		defer conn.Close(context.Background())
		_, _ = conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// OwnCluster starts a cluster for this test alone (removed when it ends)
// and returns it with the URL of a database on it: for tests that stop and
// restart the server, which must not stop the one other tests share. It
// needs initdb (skips, or fails under ACCESSWATCH_REQUIRE_E2E=1, without).
func OwnCluster(t testing.TB) (*Cluster, string) {
	t.Helper()
	bin := FindBin()
	if bin == "" {
		msg := "PostgreSQL is not installed (no initdb on PATH or under /usr/lib/postgresql/*/bin); this test starts and stops a server of its own"
		if e2e.Required() {
			t.Fatalf("%s, and %s=1 requires it", msg, e2e.RequireEnv)
		}
		t.Skip(msg)
	}
	c, err := Start(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Remove)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `CREATE DATABASE accesswatch`); err != nil {
		t.Fatal(err)
	}
	return c, c.URL("accesswatch")
}

// FindBin returns the directory holding initdb and pg_ctl, or "".
func FindBin() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- { // the newest version first
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i]
		}
	}
	return ""
}

// Cluster is a PostgreSQL cluster in a temporary directory.
type Cluster struct {
	bin, dir, data string
	port           int
	runAs          string // "" or the unprivileged user the server runs as
}

// Start creates a cluster in a new temporary directory with the binaries
// of bin and starts it on a free local port. As root, it runs as nobody.
func Start(bin string) (*Cluster, error) {
	dir, err := os.MkdirTemp("", "accesswatch-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin, dir: dir, data: filepath.Join(dir, "data")}
	if os.Geteuid() == 0 {
		c.runAs = "nobody"
		u, err := user.Lookup(c.runAs)
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("PostgreSQL will not run as root, and there is no user nobody: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chmod(dir, 0o755); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	if out, err := c.run("initdb", "-D", c.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	if c.port, err = freePort(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

func (c *Cluster) run(prog string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, prog)
	var cmd *exec.Cmd
	if c.runAs != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.runAs, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = c.dir
	return cmd.CombinedOutput()
}

// Start starts the (stopped) server and waits until it accepts connections.
func (c *Cluster) Start() error {
	opts := fmt.Sprintf("-k %s -p %d -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", c.dir, c.port)
	if out, err := c.run("pg_ctl", "-D", c.data, "-l", filepath.Join(c.dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		return fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, log)
	}
	return nil
}

// Stop stops the server (fast shutdown: sessions are cut, nothing
// committed is lost).
func (c *Cluster) Stop() error {
	if out, err := c.run("pg_ctl", "-D", c.data, "-m", "fast", "-w", "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

// Remove stops the server and deletes its directory.
func (c *Cluster) Remove() {
	_ = c.Stop()
	os.RemoveAll(c.dir)
}

// URL is the URL of database db on the cluster.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// freePort asks the kernel for a free TCP port on the loopback.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

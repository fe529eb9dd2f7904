package store

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
)

// TestConcurrentOpensOfANewFile: several processes' worth of Opens of one
// new file at once (the first serve and a `user add` beside it) all
// succeed, and the schema is applied once.
func TestConcurrentOpensOfANewFile(t *testing.T) {
	for round := range 5 {
		path := filepath.Join(t.TempDir(), "new.db")
		const n = 6
		var wg sync.WaitGroup
		errs := make([]error, n)
		stores := make([]*Store, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				stores[i], errs[i] = Open(context.Background(), path, Options{})
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d, open %d: %v", round, i, err)
			} else {
				defer stores[i].Close()
			}
		}
		if errs[0] != nil {
			continue
		}
		var rows, versions int
		if err := stores[0].writer.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations`).Scan(&rows, &versions); err != nil {
			t.Fatal(err)
		}
		if rows != versions {
			t.Errorf("round %d: %d migration rows for %d versions", round, rows, versions)
		}
	}
}

// TestDatabaseFilesArePrivate: the database and its -wal and -shm are
// created readable by their owner only, whatever the umask.
func TestDatabaseFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o002) // a permissive umask, as a shared host may have
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "private.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.writer.Exec(`INSERT INTO schema_migrations (version, name, applied_at) SELECT 1000, 'x', 'y' WHERE 0`); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
			continue
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s is %v, want -rw-------", filepath.Base(p), mode)
		}
	}
}

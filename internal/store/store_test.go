package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMigrateFromEmpty(t *testing.T) {
	s, _ := openTest(t)
	ms, err := loadMigrations(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	if got := count(t, s, `SELECT COUNT(*) FROM schema_migrations`); got != len(ms) {
		t.Errorf("%d migrations recorded, want %d", got, len(ms))
	}
	for _, table := range []string{"countries", "organisations", "records", "events", "event_sources", "audit", "meta"} {
		if count(t, s, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, table) != 1 {
			t.Errorf("table %s missing", table)
		}
	}
	// Reopening applies nothing again.
	s.Close()
	s2, err := Open(context.Background(), s.Path(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := count(t, s2, `SELECT COUNT(*) FROM schema_migrations`); got != len(ms) {
		t.Errorf("after reopen: %d migrations recorded", got)
	}
}

func TestLoadMigrationsRejectsGaps(t *testing.T) {
	fsys := fstestMap{"migrations/0001_a.sql": "SELECT 1;", "migrations/0003_c.sql": "SELECT 1;"}
	if _, err := loadMigrations(fsys.FS(), "migrations"); err == nil {
		t.Error("a gap in migration numbers was accepted")
	}
	fsys = fstestMap{"migrations/init.sql": "SELECT 1;"}
	if _, err := loadMigrations(fsys.FS(), "migrations"); err == nil {
		t.Error("an unnumbered migration was accepted")
	}
}

func TestFailedMigrationRollsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := sql.Open("sqlite3", writerDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms := []migration{
		{Version: 1, Name: "ok", SQL: `CREATE TABLE a (x INTEGER);`},
		{Version: 2, Name: "broken", SQL: `CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);`},
	}
	if _, err := migrate(context.Background(), db, SQLite, ms, "now"); err == nil {
		t.Fatal("broken migration succeeded")
	}
	// One transaction for the whole upgrade: nothing of it stays, not even
	// migration 1 or schema_migrations, so the next Open starts over.
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('a', 'b', 'schema_migrations')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d of the upgrade's tables were left behind", n)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openTestOn(t, eng)
		if _, err := s.writer.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')`); err != nil {
			t.Fatal(err)
		}
		s.Close()
		_, err := Open(context.Background(), s.dsn, Options{})
		if !errors.Is(err, ErrSchemaTooNew) {
			t.Fatalf("got %v, want ErrSchemaTooNew", err)
		}
		if !strings.Contains(err.Error(), "999") {
			t.Errorf("message does not name the version: %v", err)
		}
	})
}

func TestOpenRefusesCorruptFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.db")
	junk := []byte(strings.Repeat("this is not a database ", 400))
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), path, Options{})
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("got %v, want ErrCorrupt", err)
	}
}

func TestOpenRefusesDamagedDatabase(t *testing.T) {
	s, _ := openSeeded(t)
	path := s.Path()
	if _, err := s.writer.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Overwrite the interior of the file (past the header page) with garbage.
	for i := 4096; i < len(raw)-4096; i++ {
		raw[i] = byte(i * 7)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), path, Options{}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("got %v, want ErrCorrupt", err)
	}
}

// TestPragmas holds several connections of each pool at once (so they are
// distinct connections) and checks every one.
func TestPragmas(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	pragma := func(c *sql.Conn, name string) string {
		t.Helper()
		var v string
		if err := c.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
			t.Fatalf("PRAGMA %s: %v", name, err)
		}
		return v
	}
	var readers []*sql.Conn
	for range 5 {
		c, err := s.reader.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		readers = append(readers, c)
	}
	for i, c := range readers {
		for name, want := range map[string]string{"journal_mode": "wal", "query_only": "1", "foreign_keys": "1", "busy_timeout": "10000"} {
			if got := pragma(c, name); got != want {
				t.Errorf("reader %d: %s = %s, want %s", i, name, got, want)
			}
		}
		if _, err := c.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('x', 'y')`); err == nil {
			t.Errorf("reader %d accepted a write", i)
		}
	}
	for _, c := range readers {
		c.Close()
	}
	if st := s.reader.Stats(); st.OpenConnections < 5 {
		t.Errorf("only %d reader connections were open", st.OpenConnections)
	}

	// The writer pool has exactly one connection; check it, then recycle it
	// and check the new one too.
	for round := range 2 {
		w, err := s.writer.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000", "query_only": "0"} {
			if got := pragma(w, name); got != want {
				t.Errorf("writer (round %d): %s = %s, want %s", round, name, got, want)
			}
		}
		w.Raw(func(any) error { return driverBadConn })
		w.Close()
	}
	if max := s.writer.Stats().MaxOpenConnections; max != 1 {
		t.Errorf("writer pool allows %d connections, want 1", max)
	}

	// _txlock=immediate: a writer transaction holds the write lock from
	// BEGIN, so another connection cannot start a write.
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	other, err := sql.Open("sqlite3", "file:"+escapePath(s.Path())+"?_busy_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Exec(`BEGIN IMMEDIATE`); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Errorf("second writer could begin while a writer transaction was open: %v", err)
	}
}

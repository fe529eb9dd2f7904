package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/accesswatch/accesswatch/internal/pgtest"
)

// The store's contract is specified once: the tests that wrap their body in
// forEachEngine run it on SQLite and on PostgreSQL (a throwaway database,
// see internal/pgtest; skipped with a message where there is none). Tests
// left outside are about one engine only: SQLite's file, pragmas, plans,
// backup and damage.

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// forEachEngine runs fn as a subtest per engine.
func forEachEngine(t *testing.T, fn func(t *testing.T, e Engine)) {
	t.Helper()
	for _, e := range []Engine{SQLite, Postgres} {
		t.Run(string(e), func(t *testing.T) { fn(t, e) })
	}
}

// testDB returns a new database's --db value for the engine.
func testDB(t testing.TB, e Engine) string {
	t.Helper()
	if e == Postgres {
		return pgtest.URL(t)
	}
	return filepath.Join(t.TempDir(), "test.db")
}

// openTestOn opens a new database on the engine.
func openTestOn(t testing.TB, e Engine) (*Store, *testClock) {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s, err := Open(context.Background(), testDB(t, e), Options{Now: clock.Now})
	if err != nil {
		t.Fatalf("open %s: %v", e, err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clock
}

// openSeededOn opens a new database on the engine loaded with the bundled data.
func openSeededOn(t testing.TB, e Engine) (*Store, *testClock) {
	t.Helper()
	s, clock := openTestOn(t, e)
	if _, err := s.Initialise(context.Background(), bundledCountries(t), seedEvents(bundledRows(t))); err != nil {
		t.Fatalf("initialise: %v", err)
	}
	return s, clock
}

// TestMigrationsFromEmpty: on each engine, an empty database gets every
// migration of its engine, once, recorded in schema_migrations, and a
// second Open finds nothing to do.
func TestMigrationsFromEmpty(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e Engine) {
		db := testDB(t, e)
		ctx := context.Background()
		dir, files := "migrations", migrationFiles
		if e == Postgres {
			dir, files = "migrations_pg", pgMigrationFiles
		}
		ms, err := loadMigrations(files, dir)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			s, err := Open(ctx, db, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var n, maxV int
			if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &maxV); err != nil {
				t.Fatal(err)
			}
			if n != len(ms) || maxV != len(ms) {
				t.Errorf("%d migration rows up to version %d, want %d", n, maxV, len(ms))
			}
			if got := count(t, s, `SELECT COUNT(*) FROM data_version WHERE version = 0`); got != 1 {
				t.Errorf("data_version rows at 0: %d", got)
			}
			s.Close()
		}
	})
}

// TestMigrationTwins: every SQLite migration has its PostgreSQL twin with
// the same number and name, so that a schema version means the same
// tables on both engines.
func TestMigrationTwins(t *testing.T) {
	lite, err := loadMigrations(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := loadMigrations(pgMigrationFiles, "migrations_pg")
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("%d SQLite migrations, %d PostgreSQL ones", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Name != pg[i].Name {
			t.Errorf("migration %d: %q on SQLite, %q on PostgreSQL", lite[i].Version, lite[i].Name, pg[i].Name)
		}
	}
}

// openRaw opens a pool of its own on the store's database, as another
// process would: a plain SQLite writer, or a PostgreSQL connection through
// the same translating driver.
func openRaw(s *Store) (*sql.DB, error) {
	if s.engine == Postgres {
		cfg, err := pgx.ParseConfig(s.dsn)
		if err != nil {
			return nil, err
		}
		return sql.OpenDB(&pgConnector{inner: stdlib.GetConnector(*cfg)}), nil
	}
	return sql.Open("sqlite3", writerDSN(s.path))
}

// Package store keeps accesswatch's data in SQLite (the embedded default)
// or PostgreSQL (for several instances on one database). It is the only
// package that speaks SQL; the rest of the program does not know which
// engine it talks to.
//
// On SQLite a Store holds two pools on one database file: a single writer
// connection (every transaction BEGIN IMMEDIATE, synchronous=FULL, so an
// acknowledged write is on disk) and a read-only pool for everything else,
// which WAL mode lets run beside the writer. On PostgreSQL (postgres.go) it
// holds the same two pools over pgx, every write transaction serialised by
// an advisory lock, and listens for other instances' domain changes.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/accesswatch/accesswatch/internal/access"
)

// Errors callers can test for with errors.Is.
var (
	// ErrNotFound: no such country, organisation, record, event, account or
	// session. It is access.ErrNotFound, so callers that know no store
	// (internal/auth) can test for it.
	ErrNotFound = access.ErrNotFound
	// ErrConflict: the record changed since the caller read it (see ConflictError).
	ErrConflict = errors.New("the record was changed by someone else")
	// ErrSchemaTooNew: the database was written by a newer accesswatch.
	ErrSchemaTooNew = errors.New("database schema is newer than this accesswatch")
	// ErrCorrupt: the file is not an SQLite database or is damaged.
	ErrCorrupt = errors.New("database file is damaged or not an accesswatch database")
)

// busyTimeout is how long a connection waits for a lock before failing.
// Only one writer connection exists, so writers queue in database/sql rather
// than in SQLite; the timeout covers other processes (backup, import).
const busyTimeout = 10 * time.Second

// Options tune a Store. The zero value is ready to use.
type Options struct {
	// Now is the clock (tests inject one); nil means time.Now.
	Now func() time.Time
	// ReadConns caps the read-only pool; zero means 4 per CPU.
	ReadConns int
	// ReviewAfter is how long a record may go unconfirmed (by an editor's
	// review or a dated event) before it is due for review; zero means
	// access.DefaultReviewAfter.
	ReviewAfter time.Duration
	// Verification says whether unverified events stay private (see
	// VerificationRule); the zero value keeps the database's setting.
	Verification VerificationRule
}

// Store is the accesswatch database.
type Store struct {
	engine Engine
	dsn    string // the --db value Open was given
	path   string
	writer *sql.DB
	reader *sql.DB
	now    func() time.Time
	// reviewAfter: see Options.ReviewAfter.
	reviewAfter time.Duration
	// requireVerification: unverified events are private (visibility.go).
	requireVerification bool

	// version follows the domain-data version (dataversion.go), so caches
	// keyed on it never serve data older than the last domain commit.
	version dataVersion

	// stopListening ends the PostgreSQL listener (nil on SQLite).
	stopListening func()
}

// Open opens the database db names and brings its schema up to date: a
// postgres:// or postgresql:// URL is a PostgreSQL database (which must
// exist; its tables are created), anything else the path of an SQLite
// file (optionally as an sqlite: URL), created if needed and checked. It
// fails with ErrCorrupt for a damaged file and ErrSchemaTooNew for a
// database from a newer accesswatch.
func Open(ctx context.Context, db string, opt Options) (*Store, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.ReadConns <= 0 {
		opt.ReadConns = 4 * runtime.NumCPU()
	}
	if opt.ReviewAfter <= 0 {
		opt.ReviewAfter = access.DefaultReviewAfter
	}
	if IsPostgresURL(db) {
		return openPostgres(ctx, db, opt)
	}
	path := sqlitePath(db)
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	s := &Store{engine: SQLite, dsn: db, path: path, now: opt.Now, reviewAfter: opt.ReviewAfter}
	var err error
	if s.writer, err = sql.Open("sqlite3", writerDSN(path)); err != nil {
		return nil, fmt.Errorf("open writer: %w", err)
	}
	s.writer.SetMaxOpenConns(1)
	s.writer.SetMaxIdleConns(1)
	s.writer.SetConnMaxLifetime(0)
	s.writer.SetConnMaxIdleTime(0)

	if err := s.check(ctx); err != nil {
		s.writer.Close()
		return nil, err
	}
	if err := privateSidecars(path); err != nil {
		s.writer.Close()
		return nil, err
	}
	ms, err := loadMigrations(migrationFiles, "migrations")
	if err != nil {
		s.writer.Close()
		return nil, err
	}
	if _, err := migrate(ctx, s.writer, SQLite, ms, timestamp(s.now())); err != nil {
		s.writer.Close()
		return nil, classify(err)
	}
	if s.reader, err = sql.Open("sqlite3", readerDSN(path)); err != nil {
		s.writer.Close()
		return nil, fmt.Errorf("open reader: %w", err)
	}
	s.reader.SetMaxOpenConns(opt.ReadConns)
	s.reader.SetMaxIdleConns(opt.ReadConns)
	if err := s.finishOpen(ctx, opt); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// finishOpen is the last step of opening either engine, once both pools
// are there: the data version as it stands, and the verification rule
// applied (see syncVisibility). One step for both, so that neither engine
// can skip part of it.
func (s *Store) finishOpen(ctx context.Context, opt Options) error {
	v, err := readDataVersion(ctx, s.reader)
	if err != nil {
		return fmt.Errorf("open reader: %w", err)
	}
	s.version.raise(v)
	return s.syncVisibility(ctx, opt.Verification)
}

// createPrivate creates the database file, if it does not exist yet, with
// permissions 0600 — readable by the server's user only: it holds password
// hashes and who recorded what. The mode is set explicitly, so the umask
// does not matter. An existing file keeps the permissions it has.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	defer f.Close()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	return nil
}

// privateSidecars gives the -wal and -shm files beside the database the
// database file's own permissions (0600 for a file Open created), so the
// data they hold is no more readable than the database. SQLite does the
// same when it creates them; this also covers files left with another mode.
func privateSidecars(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("database file permissions: %w", err)
	}
	for _, p := range []string{path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, fi.Mode().Perm()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("database file permissions: %w", err)
		}
	}
	return nil
}

// writerDSN: WAL so readers never block the writer; synchronous=FULL so a
// commit is durable before it is acknowledged; _txlock=immediate so every
// transaction takes the write lock at BEGIN. Pragmas go in the DSN so that
// every connection the pool opens gets them.
func writerDSN(path string) string {
	return "file:" + escapePath(path) + "?_journal_mode=WAL&_synchronous=FULL&_foreign_keys=1&_txlock=immediate" +
		"&_busy_timeout=" + fmt.Sprint(busyTimeout.Milliseconds()) + "&_stmt_cache_size=64"
}

// readerDSN: read-only at the file level (mode=ro) and at the SQL level
// (query_only), so no code path can write through the read pool.
func readerDSN(path string) string {
	return "file:" + escapePath(path) + "?mode=ro&_query_only=1&_foreign_keys=1" +
		"&_busy_timeout=" + fmt.Sprint(busyTimeout.Milliseconds()) + "&_stmt_cache_size=64"
}

// escapePath makes a file path safe inside a file: URI (a '?' or '#' in a
// directory name would otherwise start the query).
func escapePath(path string) string {
	return (&url.URL{Path: path}).EscapedPath()
}

// check verifies that the file is a sound SQLite database. Its query is
// the writer's first, which opens the connection and so switches a new
// file to WAL. That switch needs an exclusive lock, and when several
// processes open one new file at once SQLite answers the ones that would
// deadlock SQLITE_BUSY at once, without waiting out the busy timeout; so a
// busy answer is tried again, for up to busyTimeout.
func (s *Store) check(ctx context.Context) error {
	var result string
	deadline := time.Now().Add(busyTimeout)
	for {
		err := s.writer.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&result)
		var se sqlite3.Error
		if errors.As(err, &se) && se.Code == sqlite3.ErrBusy && time.Now().Before(deadline) {
			select {
			case <-ctx.Done():
				return fmt.Errorf("check %s: %w", s.path, ctx.Err())
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		if err != nil {
			return classify(fmt.Errorf("check %s: %w", s.path, err))
		}
		break
	}
	if result != "ok" {
		return fmt.Errorf("%w: %s: quick_check says %q", ErrCorrupt, s.path, result)
	}
	return nil
}

// classify wraps SQLite's "not a database" and "malformed" errors in ErrCorrupt.
func classify(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt) {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return err
}

// Close closes both pools (and stops listening, on PostgreSQL).
func (s *Store) Close() error {
	if s.stopListening != nil {
		s.stopListening()
	}
	var errs []error
	if s.reader != nil {
		errs = append(errs, s.reader.Close())
	}
	errs = append(errs, s.writer.Close())
	return errors.Join(errs...)
}

// Ping checks that the database answers a query through the read pool.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.reader.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// Path returns the SQLite database file's path ("" on PostgreSQL).
func (s *Store) Path() string { return s.path }

// Engine says which engine the store runs on (for messages and for the
// commands that only one engine supports, such as backup).
func (s *Store) Engine() Engine { return s.engine }

// Pools returns the writer and reader pools, for connection statistics
// (prometheus' DBStatsCollector). Queries belong in this package.
func (s *Store) Pools() (writer, reader *sql.DB) { return s.writer, s.reader }

// Now returns the store's clock reading.
func (s *Store) Now() time.Time { return s.now() }

// timestamp formats t for the database: UTC, fixed width, so text order is
// time order.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// parseTimestamp reads a timestamp written by timestamp.
func parseTimestamp(s string) time.Time {
	t, _ := time.Parse("2006-01-02T15:04:05.000000Z", s)
	return t
}
